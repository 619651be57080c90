#include "nn/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nn {

void softmax(Eigen::Ref<Eigen::MatrixXf> logits) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  for (Eigen::Index c = 0; c < logits.cols(); ++c) {
    auto col = logits.col(c).array();
    const float top = col.maxCoeff();
    if (top == kInf) {
      // inf - inf would be NaN: the limit of softmax as those logits grow is an even
      // share of the mass among them, none for the rest.
      col = (col == kInf).cast<float>();
    } else if (top == -kInf) {
      col.setOnes();  // every logit -inf: nothing to prefer, the uniform distribution
    } else {
      col = (col - top).exp();  // subtracting the max keeps exp() finite
    }
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
