// Softmax invariants and the cross-entropy in bits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "nn/softmax.hpp"

namespace {

Eigen::MatrixXf softmaxed(Eigen::MatrixXf z) {
  nn::softmax(z);
  return z;
}

// Three samples (columns) of four logits.
Eigen::MatrixXf logits() {
  Eigen::MatrixXf z(4, 3);
  z << 1, -2, 0,
       2, 0.5f, 0,
       -1, 3, 0,
       0.5f, 1, 0;
  return z;
}

TEST(Softmax, ColumnsSumToOne) {
  const Eigen::MatrixXf p = softmaxed(logits());
  for (Eigen::Index c = 0; c < p.cols(); ++c) {
    EXPECT_NEAR(p.col(c).sum(), 1.0f, 1e-6);
    EXPECT_TRUE((p.col(c).array() > 0).all());
  }
  // All-equal logits give the uniform distribution.
  for (Eigen::Index r = 0; r < 4; ++r) EXPECT_FLOAT_EQ(p(r, 2), 0.25f);
}

TEST(Softmax, MatchesDefinition) {
  // softmax(1, 2, -1, 0.5) = e^z / sum e^z, sum = e + e^2 + e^-1 + e^0.5 = 12.1369...
  const Eigen::MatrixXf p = softmaxed(logits());
  const double sum = std::exp(1.0) + std::exp(2.0) + std::exp(-1.0) + std::exp(0.5);
  EXPECT_NEAR(p(0, 0), std::exp(1.0) / sum, 1e-6);
  EXPECT_NEAR(p(1, 0), std::exp(2.0) / sum, 1e-6);
  EXPECT_NEAR(p(2, 0), std::exp(-1.0) / sum, 1e-6);
  EXPECT_NEAR(p(3, 0), std::exp(0.5) / sum, 1e-6);
}

TEST(Softmax, InvariantToAddingAConstantPerColumn) {
  Eigen::MatrixXf shifted = logits();
  shifted.col(0).array() += 50;
  shifted.col(1).array() -= 30;
  shifted.col(2).array() += 7;
  EXPECT_TRUE(softmaxed(shifted).isApprox(softmaxed(logits()), 1e-5f));
}

TEST(Softmax, StableForHugeLogits) {
  Eigen::MatrixXf z(3, 2);
  z << 1000, -1000,
       999, -1001,
       998, -1002;
  const Eigen::MatrixXf p = softmaxed(z);
  EXPECT_TRUE(p.allFinite());
  // Both columns equal softmax(2, 1, 0) = (0.6652410, 0.2447285, 0.0900306).
  for (Eigen::Index c = 0; c < 2; ++c) {
    EXPECT_NEAR(p(0, c), 0.6652410f, 1e-6);
    EXPECT_NEAR(p(1, c), 0.2447285f, 1e-6);
    EXPECT_NEAR(p(2, c), 0.0900306f, 1e-6);
  }
}

TEST(Softmax, PreservesOrder) {
  const Eigen::MatrixXf z = logits();
  const Eigen::MatrixXf p = softmaxed(z);
  for (Eigen::Index c = 0; c < z.cols(); ++c) {
    for (Eigen::Index i = 0; i < z.rows(); ++i) {
      for (Eigen::Index j = 0; j < z.rows(); ++j) {
        if (z(i, c) > z(j, c)) {
          EXPECT_GT(p(i, c), p(j, c));
        }
      }
    }
  }
}

// Issue 11, finding 4: infinite logits gave inf - inf = NaN probabilities.
TEST(Softmax, InfiniteLogitsShareTheMassWithoutNaN) {
  constexpr float inf = std::numeric_limits<float>::infinity();
  Eigen::MatrixXf z(3, 4);
  z << inf, inf, -inf, 1,
       0,   inf, -inf, -inf,
       -inf, 2,  -inf, 1;
  const Eigen::MatrixXf p = softmaxed(z);
  EXPECT_TRUE(p.allFinite());
  // One +inf: all the mass on it.
  EXPECT_EQ(p(0, 0), 1.0f);
  EXPECT_EQ(p(1, 0), 0.0f);
  EXPECT_EQ(p(2, 0), 0.0f);
  // Two +inf: shared evenly.
  EXPECT_EQ(p(0, 1), 0.5f);
  EXPECT_EQ(p(1, 1), 0.5f);
  EXPECT_EQ(p(2, 1), 0.0f);
  // All -inf: uniform.
  for (Eigen::Index r = 0; r < 3; ++r) EXPECT_FLOAT_EQ(p(r, 2), 1.0f / 3);
  // Some -inf among finite logits: -inf gets 0, the rest as usual.
  EXPECT_FLOAT_EQ(p(0, 3), 0.5f);
  EXPECT_EQ(p(1, 3), 0.0f);
  EXPECT_FLOAT_EQ(p(2, 3), 0.5f);
}

TEST(CrossEntropy, BitsByHand) {
  Eigen::MatrixXf p(3, 2);
  p << 0.5f, 0.125f,
       0.25f, 0.125f,
       0.25f, 0.75f;
  // -log2 0.5 = 1 bit; -log2 0.25 = 2 bits; -log2 0.125 = 3 bits.
  EXPECT_DOUBLE_EQ(nn::cross_entropy_bits(p.col(0), std::vector<std::uint8_t>{0}), 1.0);
  EXPECT_DOUBLE_EQ(nn::cross_entropy_bits(p.col(0), std::vector<std::uint8_t>{2}), 2.0);
  // Summed (not averaged) over the batch: labels (1, 0) -> 2 + 3 = 5 bits.
  EXPECT_DOUBLE_EQ(nn::cross_entropy_bits(p, std::vector<std::uint8_t>{1, 0}), 5.0);
  // -log2 0.75 = 0.4150375 bits.
  EXPECT_NEAR(nn::cross_entropy_bits(p.col(1), std::vector<std::uint8_t>{2}), 0.4150375, 1e-6);
}

TEST(CrossEntropy, ConfidentMistakeIsLargeButFinite) {
  Eigen::MatrixXf p(2, 1);
  p << 1, 0;
  // p[label] = 0 is clamped to 1e-30: -log2 1e-30 = 99.657843 bits.
  EXPECT_NEAR(nn::cross_entropy_bits(p, std::vector<std::uint8_t>{1}), 99.657843, 1e-5);
}

}  // namespace
