// Dataset helpers: binarize (the original's threshold), truncate, and batches as floats.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nn/dataset.hpp"
#include "sparse_batch.hpp"  // internal (libnn/src)

namespace {

using ::testing::ElementsAre;

TEST(Dataset, BinarizeThresholdIs127) {
  nn::Dataset d;
  d.features = 8;
  d.labels = {1};
  d.pixels = {0, 1, 126, 127, 128, 200, 254, 255};
  nn::binarize(d);
  // >= 127 -> 255, else 0.
  EXPECT_THAT(d.pixels, ElementsAre(0, 0, 0, 255, 255, 255, 255, 255));
}

TEST(Dataset, Truncate) {
  nn::Dataset d;
  d.features = 2;
  d.labels = {1, 2, 3};
  d.pixels = {1, 1, 2, 2, 3, 3};
  nn::truncate(d, 5);
  EXPECT_EQ(d.size(), 3u);
  nn::truncate(d, 2);
  EXPECT_THAT(d.labels, ElementsAre(1, 2));
  EXPECT_THAT(d.pixels, ElementsAre(1, 1, 2, 2));
}

TEST(Dataset, GatherBatchScalesToUnitRangeInIndexOrder) {
  nn::Dataset d;
  d.features = 3;
  d.labels = {4, 7, 2};
  d.pixels = {0, 51, 255, 10, 20, 30, 255, 0, 102};
  Eigen::MatrixXf x;
  std::vector<std::uint8_t> labels;
  const std::vector<std::uint32_t> index{2, 0};
  nn::gather_batch(d, index, x, labels);
  ASSERT_EQ(x.rows(), 3);
  ASSERT_EQ(x.cols(), 2);
  EXPECT_THAT(labels, ElementsAre(2, 4));
  // Sample 2 = (255, 0, 102) / 255 = (1, 0, 0.4); sample 0 = (0, 51, 255) / 255 = (0, 0.2, 1).
  EXPECT_FLOAT_EQ(x(0, 0), 1.0f);
  EXPECT_FLOAT_EQ(x(1, 0), 0.0f);
  EXPECT_FLOAT_EQ(x(2, 0), 0.4f);
  EXPECT_FLOAT_EQ(x(1, 1), 0.2f);
  EXPECT_FLOAT_EQ(x(2, 1), 1.0f);
}

TEST(Dataset, SparseGatherHoldsTheDenseValuesWithoutTheZeros) {
  nn::Dataset d;
  d.features = 3;
  d.labels = {4, 7, 2};
  d.pixels = {0, 51, 255, 10, 20, 30, 255, 0, 102};
  const std::vector<std::uint32_t> index{2, 0, 1};
  Eigen::MatrixXf dense;
  nn::SparseBatch sparse;
  std::vector<std::uint8_t> dense_labels, sparse_labels;
  nn::gather_batch(d, index, dense, dense_labels);
  nn::gather_batch(d, index, sparse, sparse_labels);
  EXPECT_EQ(sparse_labels, dense_labels);
  EXPECT_EQ(sparse.nonZeros(), 7);  // the two zero pixels are left out
  EXPECT_TRUE(Eigen::MatrixXf(sparse) == dense) << Eigen::MatrixXf(sparse);
  // Reused for a smaller batch, nothing of the previous one remains.
  nn::gather_batch(d, std::vector<std::uint32_t>{0}, sparse, sparse_labels);
  EXPECT_EQ(sparse.cols(), 1);
  EXPECT_EQ(sparse.nonZeros(), 2);
  EXPECT_THAT(sparse_labels, ElementsAre(4));
}

}  // namespace
