#include "output_bounds.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace nn::detail {

std::string output_overflow(const std::vector<Layer>& layers, Activation activation) {
  if (layers.empty()) return {};
  // Magnitude bounds in double: exact enough, as a bound is only compared with FLT_MAX.
  std::vector<double> bound(static_cast<std::size_t>(layers.front().W.cols()), 1.0);
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const Layer& layer = layers[k];
    std::vector<double> next(static_cast<std::size_t>(layer.W.rows()));
    for (Eigen::Index j = 0; j < layer.W.rows(); ++j) {
      double sum = std::fabs(static_cast<double>(layer.b[j]));
      for (Eigen::Index i = 0; i < layer.W.cols(); ++i) {
        sum += std::fabs(static_cast<double>(layer.W(j, i))) * bound[static_cast<std::size_t>(i)];
      }
      if (!(sum <= kMaxOutputBound)) {
        char value[32];
        std::snprintf(value, sizeof value, "%.3g", sum);
        return "W" + std::to_string(k) + ": with inputs in [0, 1], output " + std::to_string(j) + " of layer " +
               std::to_string(k) + " can reach " + value + ", beyond the largest float (3.4e38)";
      }
      next[static_cast<std::size_t>(j)] = sum;
    }
    const bool squashed =
        k + 1 < layers.size() && (activation == Activation::Sigmoid || activation == Activation::Tanh);
    if (squashed) {
      for (double& v : next) v = std::min(v, 1.0);
    }
    bound = std::move(next);
  }
  return {};
}

}  // namespace nn::detail
