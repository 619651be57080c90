// Evaluation: mistakes, confusion matrix and loss by hand; compatibility checks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "nn/evaluate.hpp"
#include "nn/fit.hpp"
#include "test_data.hpp"
#include "test_util.hpp"

namespace {

using ::testing::HasSubstr;
using nn::test::all_finite;
using nn::test::noise_data;
using nn::test::one_hot_data;
using nn::test::sparse_noise_data;

TEST(Evaluate, CheckCompatible) {
  nn::Dataset data = one_hot_data(5);
  data.source = "x.csv";
  EXPECT_NO_THROW(nn::check_compatible(nn::Network({10, 4, 10}, nn::Activation::ReLU), data));
  EXPECT_THAT(nn::test::error_of([&] {
                nn::check_compatible(nn::Network({784, 4, 10}, nn::Activation::ReLU), data);
              }),
              HasSubstr("first layer size is 784 but x.csv has 10 pixels per sample"));
  EXPECT_THAT(nn::test::error_of([&] {
                nn::check_compatible(nn::Network({10, 4, 9}, nn::Activation::ReLU), data);
              }),
              HasSubstr("last layer size is 9 but there are 10 classes"));
  // evaluate and fit check too.
  nn::Network wrong({9, 10}, nn::Activation::ReLU);
  nn::Rng rng(1);
  EXPECT_THROW(nn::evaluate(wrong, data), nn::Error);
  nn::FitOptions options;
  options.epochs = 1;
  EXPECT_THROW(nn::fit(wrong, data, nullptr, options, rng), nn::Error);
}

TEST(Evaluate, CountsMistakesAndConfusion) {
  // One layer 10 -> 10 with W = 5 I: a lit pixel j gives logit 5 for class j, 0 elsewhere.
  nn::Network net({10, 10}, nn::Activation::ReLU);
  net.layers()[0].W = 5 * Eigen::MatrixXf::Identity(10, 10);
  nn::Dataset data = one_hot_data(20);
  data.labels[13] = 7;  // pixel 3 is lit, so the network answers 3: one mistake

  const nn::Evaluation ev = nn::evaluate(net, data);
  EXPECT_EQ(ev.samples, 20u);
  EXPECT_EQ(ev.mistakes, 1u);
  EXPECT_DOUBLE_EQ(ev.accuracy(), 0.95);
  EXPECT_EQ(ev.confusion[7][3], 1u);
  EXPECT_EQ(ev.confusion[3][3], 1u);
  EXPECT_EQ(ev.confusion[0][0], 2u);
  // Right answers: p = e^5 / (e^5 + 9); the mistake: p = 1 / (e^5 + 9). Loss is bits per sample.
  const double e5 = std::exp(5.0);
  const double expected = (19 * -std::log2(e5 / (e5 + 9)) - std::log2(1 / (e5 + 9))) / 20;
  EXPECT_NEAR(ev.loss, expected, 1e-5);
}

}  // namespace
