// Column-wise softmax and cross-entropy. Legend: C = classes, B = batch.
// Logits and probabilities are C x B, one sample per column.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>

namespace nn {

// In place: logits -> probabilities (each column sums to 1). Stable for large logits
// and defined for infinite ones: +inf logits share the mass evenly, a column of -inf
// is uniform. (NaN logits stay NaN; parse_weights rejects models that could make them.)
void softmax(Eigen::Ref<Eigen::MatrixXf> logits);

// Sum over the batch of -log2 p[label] (bits, as the original logged it).
// Probabilities are clamped away from 0 so that a confident mistake is large but finite.
double cross_entropy_bits(const Eigen::Ref<const Eigen::MatrixXf>& probs,
                          std::span<const std::uint8_t> labels);

}  // namespace nn
