// A fully connected network: dense layers, one hidden activation, softmax output.
//
// Legend: I = layer inputs, O = layer outputs, B = batch. Samples are columns.
// Layer k holds W (O x I) and b (O). Stored column-major, W's memory is exactly
// the weights file's flat row-major (I, O) array W_k[i * O + j].
//
// This is the only forward pass in the project: the trainer trains and evaluates
// with it and the WebAssembly module is compiled from it. Its step, layer_rows(),
// is also what training runs on each thread's share of a layer (see sgd.hpp).
#pragma once

#include <Eigen/Core>
#include <vector>

#include "nn/activation.hpp"

namespace nn {

struct Layer {
  Eigen::MatrixXf W;  // O x I
  Eigen::VectorXf b;  // O
};

class Network {
 public:
  // sizes: at least two, all positive, e.g. {784, 500, 300, 100, 10}. Weights start at zero.
  Network(std::vector<int> sizes, Activation activation);
  // From existing layers (checked to chain: each layer's I is the previous O).
  Network(std::vector<Layer> layers, Activation activation);

  const std::vector<int>& sizes() const { return sizes_; }
  int inputs() const { return sizes_.front(); }
  int outputs() const { return sizes_.back(); }
  Activation activation() const { return activation_; }
  std::vector<Layer>& layers() { return layers_; }
  const std::vector<Layer>& layers() const { return layers_; }
  long parameter_count() const;

 private:
  std::vector<int> sizes_;
  Activation activation_;
  std::vector<Layer> layers_;
};

// Per-layer outputs of one forward pass: acts[0] = X (I x B), acts[k+1] = output of layer k.
// The last one holds the probabilities (C x B). Kept between calls to avoid reallocating.
using Activations = std::vector<Eigen::MatrixXf>;

// Forward pass over a batch X (inputs x B); fills acts and returns the probabilities.
const Eigen::MatrixXf& forward(const Network& net, const Eigen::Ref<const Eigen::MatrixXf>& x,
                               Activations& acts);

// Throws nn::Error unless a batch with `rows` inputs per sample fits the network.
void check_inputs(const Network& net, Eigen::Index rows);

// Rows [first, first + count) of layer k's output z (O x B, already sized) for the
// layer's input a (I x B, dense or Eigen sparse): z = f(W_k a + b_k) with the hidden
// activation f. The last layer is left as logits: softmax needs whole columns.
template <class Input>
void layer_rows(const Network& net, std::size_t k, const Input& a, Eigen::MatrixXf& z, Eigen::Index first,
                Eigen::Index count) {
  const Layer& layer = net.layers()[k];
  auto rows = z.middleRows(first, count);
  rows.noalias() = layer.W.middleRows(first, count) * a;
  rows.colwise() += layer.b.segment(first, count);
  if (k + 1 < net.layers().size()) activation_forward(net.activation(), rows);
}

// Convenience: probabilities for a batch (C x B).
Eigen::MatrixXf predict(const Network& net, const Eigen::Ref<const Eigen::MatrixXf>& x);

}  // namespace nn
