// A fully connected network: dense layers, one hidden activation, softmax output.
//
// Legend: I = layer inputs, O = layer outputs, B = batch. Samples are columns.
// Layer k holds W (O x I) and b (O). Stored column-major, W's memory is exactly
// the weights file's flat row-major (I, O) array W_k[i * O + j].
//
// The forward passes are in forward.hpp, training in fit.hpp.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "nn/activation.hpp"

namespace nn {

struct Layer {
  Eigen::MatrixXf W;  // O x I
  Eigen::VectorXf b;  // O
};

// Bounds on a network's shape, checked before anything is allocated: a layer of at most
// 65,536 units, and at most 2^28 parameters in all (1 GiB of floats, the size of the
// largest weights file read).
inline constexpr int kMaxLayerSize = 1 << 16;
inline constexpr std::int64_t kMaxParameters = std::int64_t{1} << 28;

class Network {
 public:
  // sizes: at least two, each 1..kMaxLayerSize, e.g. {784, 500, 300, 100, 10}, with at
  // most kMaxParameters weights and biases. Weights start at zero.
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

// Throws nn::Error unless a batch with `rows` inputs per sample fits the network.
void check_inputs(const Network& net, Eigen::Index rows);

}  // namespace nn
