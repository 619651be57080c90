#include "nn/network.hpp"

#include <cmath>
#include <string>

#include "nn/error.hpp"
#include "output_bounds.hpp"

namespace nn {
namespace {

// The bounds of network.hpp, before anything is allocated.
void check_shape(const std::vector<int>& sizes) {
  if (sizes.size() < 2) {
    throw Error("a network needs at least 2 layer sizes (inputs and outputs), got " +
                std::to_string(sizes.size()));
  }
  for (int s : sizes) {
    if (s <= 0) throw Error("layer sizes must be positive, got " + std::to_string(s));
    if (s > kMaxLayerSize) {
      throw Error("a layer of " + std::to_string(s) + " units is larger than the limit of " +
                  std::to_string(kMaxLayerSize));
    }
  }
  std::int64_t parameters = 0;  // stops past the limit: no overflow
  for (std::size_t k = 0; k + 1 < sizes.size() && parameters <= kMaxParameters; ++k) {
    parameters += std::int64_t{sizes[k + 1]} * (sizes[k] + 1);
  }
  if (parameters > kMaxParameters) {
    throw Error("a network of more than " + std::to_string(kMaxParameters) +
                " parameters (1 GiB of floats) is larger than the limit");
  }
}

std::vector<int> sizes_of(const std::vector<Layer>& layers) {
  if (layers.empty()) throw Error("a network needs at least one layer");
  std::vector<int> sizes{static_cast<int>(layers.front().W.cols())};
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const Layer& l = layers[k];
    if (l.W.cols() != sizes.back()) {
      throw Error("layer " + std::to_string(k) + " takes " + std::to_string(l.W.cols()) +
                  " inputs but the previous layer gives " + std::to_string(sizes.back()));
    }
    if (l.b.size() != l.W.rows()) {
      throw Error("layer " + std::to_string(k) + " has " + std::to_string(l.W.rows()) +
                  " outputs but " + std::to_string(l.b.size()) + " biases");
    }
    sizes.push_back(static_cast<int>(l.W.rows()));
  }
  check_shape(sizes);
  return sizes;
}

}  // namespace

Network::Network(std::vector<int> sizes, Activation activation)
    : sizes_(std::move(sizes)), activation_(activation) {
  check_shape(sizes_);
  for (std::size_t k = 0; k + 1 < sizes_.size(); ++k) {
    layers_.push_back({Eigen::MatrixXf::Zero(sizes_[k + 1], sizes_[k]),
                       Eigen::VectorXf::Zero(sizes_[k + 1])});
  }
}

Network::Network(std::vector<Layer> layers, Activation activation, const std::string& source)
    : sizes_(sizes_of(layers)), activation_(activation), layers_(std::move(layers)) {
  // Weights so large that outputs could be inf or NaN (see output_bounds.hpp).
  if (const std::string overflow = detail::output_overflow(layers_, activation_); !overflow.empty()) {
    throw Error(source + ": " + overflow +
                ": the model's outputs could be infinite or NaN; are these weights scaled correctly?");
  }
}

long Network::parameter_count() const {
  long n = 0;
  for (const Layer& l : layers_) n += static_cast<long>(l.W.size() + l.b.size());
  return n;
}

void check_inputs(const Network& net, Eigen::Index rows) {
  if (rows != net.inputs()) {
    throw Error("expected " + std::to_string(net.inputs()) + " inputs per sample, got " + std::to_string(rows));
  }
}

std::string sizes_text(const std::vector<int>& sizes) {
  std::string s;
  for (int n : sizes) s += (s.empty() ? "" : "-") + std::to_string(n);
  return s;
}

std::vector<float> parameters(const Network& net) {
  std::vector<float> all;
  all.reserve(static_cast<std::size_t>(net.parameter_count()));
  for (const Layer& l : net.layers()) {
    all.insert(all.end(), l.W.data(), l.W.data() + l.W.size());
    all.insert(all.end(), l.b.data(), l.b.data() + l.b.size());
  }
  return all;
}

void set_parameters(Network& net, std::span<const float> values, const std::string& source) {
  const auto expected = static_cast<std::size_t>(net.parameter_count());
  if (values.size() != expected) {
    throw Error(source + ": expected " + std::to_string(expected) + " parameters, got " + std::to_string(values.size()));
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) throw Error(source + ": parameter " + std::to_string(i) + " is not a finite number");
  }
  std::vector<Layer> layers;
  const float* p = values.data();
  for (const Layer& l : net.layers()) {
    // Flat row-major (I, O) is exactly column-major O x I.
    layers.push_back({Eigen::Map<const Eigen::MatrixXf>(p, l.W.rows(), l.W.cols()),
                      Eigen::Map<const Eigen::VectorXf>(p + l.W.size(), l.b.size())});
    p += l.W.size() + l.b.size();
  }
  net = Network(std::move(layers), net.activation(), source);  // checked before net changes
}

}  // namespace nn
