#include "nn/softmax.hpp"

#include <algorithm>
#include <cmath>

namespace nn {

void softmax(Eigen::Ref<Eigen::MatrixXf> logits) {
  for (Eigen::Index c = 0; c < logits.cols(); ++c) {
    auto col = logits.col(c).array();
    col = (col - col.maxCoeff()).exp();  // subtracting the max keeps exp() finite
    col /= col.sum();
  }
}

double cross_entropy_bits(const Eigen::Ref<const Eigen::MatrixXf>& probs,
                          std::span<const std::uint8_t> labels) {
  constexpr double kMinProb = 1e-30;
  double sum = 0;
  for (Eigen::Index c = 0; c < probs.cols(); ++c) {
    const double p = probs(labels[static_cast<std::size_t>(c)], c);
    sum -= std::log2(std::max(p, kMinProb));
  }
  return sum;
}

}  // namespace nn
