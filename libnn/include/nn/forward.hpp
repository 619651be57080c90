// The forward passes: a batch of inputs through the network to probabilities.
//
// Legend: I = layer inputs, O = layer outputs, B = batch, C = classes. Samples are columns.
//
//   forward(net, dense X)   the reference: serial and plain. Inference everywhere (the
//                           trainer's evaluation of dense data, the WebAssembly module)
//                           and the oracle the training path is tested against.
//   forward(net, sparse X)  the training path: the first layer's product skips the blank
//                           pixels (most of a digit image), and every layer is split into
//                           blocks of rows over set_threads() threads (see threads.hpp).
//                           Equal to the reference up to float rounding.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "nn/dataset.hpp"
#include "nn/network.hpp"

namespace nn {

// Per-layer outputs of one forward pass: acts[0] = X (I x B), acts[k+1] = output of layer k.
// The last one holds the probabilities (C x B). Kept between calls to avoid reallocating.
using Activations = std::vector<Eigen::MatrixXf>;

// Reference forward pass over a dense batch X (inputs x B); fills acts, returns the probabilities.
const Eigen::MatrixXf& forward(const Network& net, const Eigen::Ref<const Eigen::MatrixXf>& x,
                               Activations& acts);

// Training forward pass over a sparse batch. acts[0] is left empty: the batch is x.
const Eigen::MatrixXf& forward(const Network& net, const SparseBatch& x, Activations& acts);

// Convenience: probabilities for a batch (C x B), by the reference pass.
Eigen::MatrixXf predict(const Network& net, const Eigen::Ref<const Eigen::MatrixXf>& x);

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

}  // namespace nn
