// Internal: the kernel both forward passes share (forward.cpp, forward_sparse.cpp).
//
// Legend: I = layer inputs, O = layer outputs, B = batch.
#pragma once

#include <Eigen/Core>
#include <cstddef>

#include "nn/network.hpp"

namespace nn::detail {

// Rows [first, first + count) of layer k's output z (O x B, already sized) for the
// layer's input a (I x B, dense or Eigen sparse): z = f(W_k a + b_k) with the hidden
// activation f. The last layer is left as logits: softmax needs whole columns.
// The kernel both passes share.
template <class Input>
void layer_rows(const Network& net, std::size_t k, const Input& a, Eigen::MatrixXf& z, Eigen::Index first,
                Eigen::Index count) {
  const Layer& layer = net.layers()[k];
  auto rows = z.middleRows(first, count);
  rows.noalias() = layer.W.middleRows(first, count) * a;
  rows.colwise() += layer.b.segment(first, count);
  if (k + 1 < net.layers().size()) activation_forward(net.activation(), rows);
}

}  // namespace nn::detail
