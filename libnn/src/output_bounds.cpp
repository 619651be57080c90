#include "output_bounds.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace nn::detail {

namespace {

std::string beyond(const std::string& where, const std::string& what, double bound) {
  char value[32];
  std::snprintf(value, sizeof value, "%.3g", bound);
  return where + ": with inputs in [0, 1], " + what + " can reach " + value + ", beyond the largest float (3.4e38)";
}

bool squashing(Activation activation) { return activation == Activation::Sigmoid || activation == Activation::Tanh; }

}  // namespace

std::string output_overflow(const Network& net) {
  const std::vector<Layer>& layers = net.layers();
  const Activation activation = net.activation();
  if (layers.empty()) return {};
  // Magnitude bounds in double: exact enough, as a bound is only compared with FLT_MAX.
  std::vector<double> channel(static_cast<std::size_t>(net.input_shape().channels), 1.0);
  const auto& image = net.image_layers();
  for (std::size_t i = 0; i < image.size(); ++i) {
    const ImageLayer& l = image[i];
    if (l.kind != ImageLayer::Kind::Conv) continue;
    const int taps = l.kernel * l.kernel;
    std::vector<double> next(static_cast<std::size_t>(l.filters));
    for (int f = 0; f < l.filters; ++f) {
      double sum = std::fabs(static_cast<double>(l.b[f]));
      for (Eigen::Index q = 0; q < l.W.rows(); ++q) {
        sum += std::fabs(static_cast<double>(l.W(q, f))) * channel[static_cast<std::size_t>(q / taps)];
      }
      if (!(sum <= kMaxOutputBound)) {
        return beyond("C" + std::to_string(i), "filter " + std::to_string(f) + " of image layer " + std::to_string(i), sum);
      }
      next[static_cast<std::size_t>(f)] = squashing(activation) ? std::min(sum, 1.0) : sum;
    }
    channel = std::move(next);
  }
  const int plane = image.empty() ? net.inputs() : image.back().out().height * image.back().out().width;
  std::vector<double> bound(static_cast<std::size_t>(layers.front().W.cols()));
  for (std::size_t i = 0; i < bound.size(); ++i) bound[i] = channel[i / static_cast<std::size_t>(plane)];
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const Layer& layer = layers[k];
    std::vector<double> next(static_cast<std::size_t>(layer.W.rows()));
    for (Eigen::Index j = 0; j < layer.W.rows(); ++j) {
      double sum = std::fabs(static_cast<double>(layer.b[j]));
      for (Eigen::Index i = 0; i < layer.W.cols(); ++i) {
        sum += std::fabs(static_cast<double>(layer.W(j, i))) * bound[static_cast<std::size_t>(i)];
      }
      if (!(sum <= kMaxOutputBound)) {
        return beyond("W" + std::to_string(k), "output " + std::to_string(j) + " of layer " + std::to_string(k), sum);
      }
      next[static_cast<std::size_t>(j)] = sum;
    }
    if (k + 1 < layers.size() && squashing(activation)) {
      for (double& v : next) v = std::min(v, 1.0);
    }
    bound = std::move(next);
  }
  return {};
}

}  // namespace nn::detail
