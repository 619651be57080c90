// A fully connected network: dense layers, one hidden activation, softmax output.
//
// Legend: I = layer inputs, O = layer outputs, B = batch. Samples are columns.
// Layer k holds W (O x I) and b (O). Stored column-major, W's memory is exactly
// the weights file's flat row-major (I, O) array W_k[i * O + j].
//
// This is the only forward pass in the project: the trainer trains and evaluates
// with it and the WebAssembly module is compiled from it. (Training computes the
// first layer's product from a sparse batch, then goes on with forward_after().)
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

// The forward pass after its first product: given acts[1] = W_0 X (O x B), adds
// the biases, applies the activations and runs the later layers. Returns the
// probabilities. forward() is X -> W_0 X -> forward_after(); acts[0] is left as is.
const Eigen::MatrixXf& forward_after(const Network& net, Activations& acts);

// Convenience: probabilities for a batch (C x B).
Eigen::MatrixXf predict(const Network& net, const Eigen::Ref<const Eigen::MatrixXf>& x);

}  // namespace nn
