#include "nn/output_bounds.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

#include "nn/error.hpp"

namespace nn {

void check_outputs_finite(const Network& net, const std::string& source) {
  // Magnitude bounds in double: exact enough, as a bound is only compared with FLT_MAX.
  std::vector<double> bound(static_cast<std::size_t>(net.inputs()), 1.0);
  const auto& layers = net.layers();
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
        throw Error(source + ": W" + std::to_string(k) + ": with inputs in [0, 1], output " + std::to_string(j) +
                    " of layer " + std::to_string(k) + " can reach " + value +
                    ", beyond the largest float (3.4e38): the model's outputs could be infinite or NaN; "
                    "are these weights scaled correctly?");
      }
      next[static_cast<std::size_t>(j)] = sum;
    }
    const bool squashed = k + 1 < layers.size() &&
                          (net.activation() == Activation::Sigmoid || net.activation() == Activation::Tanh);
    if (squashed) {
      for (double& v : next) v = std::min(v, 1.0);
    }
    bound = std::move(next);
  }
}

}  // namespace nn
