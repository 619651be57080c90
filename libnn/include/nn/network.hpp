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
#include <span>
#include <string>
#include <vector>

#include "nn/activation.hpp"

namespace nn {

struct Layer {
  Eigen::MatrixXf W;  // O x I
  Eigen::VectorXf b;  // O
};

// Bounds on a network's shape, checked before anything is allocated, for every network
// however it is made (the weights JSON, a compact .nnm file, the trainer's sizes): a
// layer of at most 65,536 units, and at most 2^28 parameters in all (1 GiB of floats, the
// size of the largest weights file read). 65,536 is far above any digit model (784 inputs,
// layers of a few hundred) and keeps one layer's I x O product within 2^32. Compact .nnm
// files are held to the same bound (compact_model.hpp).
inline constexpr int kMaxLayerSize = 1 << 16;
inline constexpr std::int64_t kMaxParameters = std::int64_t{1} << 28;

class Network {
 public:
  // sizes: at least two, each 1..kMaxLayerSize, e.g. {784, 500, 300, 100, 10}, with at
  // most kMaxParameters weights and biases. Weights start at zero.
  Network(std::vector<int> sizes, Activation activation);
  // From existing layers, checked as every model read is: they chain (each layer's I is
  // the previous O), the sizes are within the bounds above, and for inputs in [0, 1] no
  // output can overflow float (which would make the probabilities NaN). Throws nn::Error
  // "SOURCE: W<k>: with inputs in [0, 1], output j of layer k can reach ..." for the last.
  Network(std::vector<Layer> layers, Activation activation, const std::string& source = "network");

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

// "784-500-300-100-10": the sizes as messages and reports write them.
std::string sizes_text(const std::vector<int>& sizes);

// Every weight and bias as one flat array, in the weights file's order: W0 (row-major
// inputs x outputs, which is W's column-major O x I memory), b0, W1, b1, ...
// parameter_count() numbers.
std::vector<float> parameters(const Network& net);

// Replaces every weight and bias from an array in parameters()' order. All or nothing:
// throws nn::Error naming `source`, and leaves net unchanged, for a wrong count, a value
// that is not finite, or weights whose outputs could overflow (the check of the
// Network constructor, the same as the model readers').
void set_parameters(Network& net, std::span<const float> values, const std::string& source = "parameters");

}  // namespace nn
