// The reference backward pass, by hand: gradients summed over the batch, for weights
// and biases, through a ReLU layer, and a batch's gradient as the sum of its samples'.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "nn/backward.hpp"
#include "nn/init.hpp"
#include "test_data.hpp"

namespace {

using nn::test::one_hot_data;

TEST(Backward, OneStepSumsWeightAndBiasGradientsOverTheBatch) {
  // One layer 2 -> 2 (softmax only), W = 0, b = 0, so p = (0.5, 0.5) for any input.
  nn::Network net({2, 2}, nn::Activation::ReLU);
  // Batch: x1 = (1, 2), x2 = (3, -1), both label 0, so P - Y = (-0.5, 0.5) for both.
  Eigen::MatrixXf x(2, 2);
  x << 1, 3, 2, -1;
  const std::vector<std::uint8_t> labels{0, 0};

  nn::Activations acts;
  nn::forward(net, x, acts);
  nn::Gradients g;
  nn::backward(net, acts, labels, g);
  // dW = sum_b (P - Y) x^T: row 0 = -0.5 (1, 2) - 0.5 (3, -1) = (-2, -0.5); row 1 = (2, 0.5).
  // db = sum_b (P - Y) = (-1, 1)   (averaging would give half of each).
  Eigen::MatrixXf dW(2, 2);
  dW << -2, -0.5f, 2, 0.5f;
  EXPECT_TRUE(g.dW[0].isApprox(dW, 1e-6f)) << g.dW[0];
  EXPECT_NEAR(g.db[0](0), -1.0f, 1e-6);
  EXPECT_NEAR(g.db[0](1), 1.0f, 1e-6);

  // lr = 0.1: W = -0.1 dW = [[0.2, 0.05], [-0.2, -0.05]], b = -0.1 db = (0.1, -0.1).
  nn::apply_gradients(net, g, 0.1f);
  Eigen::MatrixXf W(2, 2);
  W << 0.2f, 0.05f, -0.2f, -0.05f;
  EXPECT_TRUE(net.layers()[0].W.isApprox(W, 1e-6f)) << net.layers()[0].W;
  EXPECT_NEAR(net.layers()[0].b(0), 0.1f, 1e-7);
  EXPECT_NEAR(net.layers()[0].b(1), -0.1f, 1e-7);
}

TEST(Backward, OneStepThroughAReluHiddenLayerByHand) {
  // 2-2-2, W0 = W1 = I, b0 = (0, -3), b1 = 0; x = (1, 2), label 1.
  nn::Network net({2, 2, 2}, nn::Activation::ReLU);
  auto& L = net.layers();
  L[0].W.setIdentity();
  L[0].b << 0, -3;
  L[1].W.setIdentity();
  Eigen::MatrixXf x(2, 1);
  x << 1, 2;
  const std::vector<std::uint8_t> labels{1};

  // Forward: z0 = (1, -1) -> h = (1, 0); z1 = (1, 0) -> p = (e/(1+e), 1/(1+e)) = (0.7310586, 0.2689414).
  // delta1 = p - (0, 1) = (0.7310586, -0.7310586) = (d, -d).
  // dW1 = delta1 h^T = [[d, 0], [-d, 0]], db1 = (d, -d).
  // W1^T delta1 = (d, -d); the ReLU mask (h > 0) = (1, 0) gives dz0 = (d, 0).
  // dW0 = dz0 x^T = [[d, 2d], [0, 0]], db0 = (d, 0).
  nn::Activations acts;
  nn::forward(net, x, acts);
  nn::Gradients g;
  nn::backward(net, acts, labels, g);
  const float d = 0.7310586f;
  EXPECT_NEAR(g.dW[1](0, 0), d, 1e-6);
  EXPECT_NEAR(g.dW[1](1, 0), -d, 1e-6);
  EXPECT_EQ(g.dW[1](0, 1), 0.0f);
  EXPECT_NEAR(g.dW[0](0, 1), 2 * d, 1e-6);
  EXPECT_EQ(g.dW[0].row(1).norm(), 0.0f);  // the dead unit gets no gradient
  EXPECT_EQ(g.db[0](1), 0.0f);

  // lr = 0.5: W0 = [[1 - d/2, -d], [0, 1]], b0 = (-d/2, -3),
  //           W1 = [[1 - d/2, 0], [d/2, 1]], b1 = (-d/2, d/2), with d/2 = 0.3655293.
  nn::apply_gradients(net, g, 0.5f);
  Eigen::MatrixXf W0(2, 2), W1(2, 2);
  W0 << 0.6344707f, -0.7310586f, 0, 1;
  W1 << 0.6344707f, 0, 0.3655293f, 1;
  EXPECT_TRUE(L[0].W.isApprox(W0, 1e-6f)) << L[0].W;
  EXPECT_TRUE(L[1].W.isApprox(W1, 1e-6f)) << L[1].W;
  EXPECT_NEAR(L[0].b(0), -0.3655293f, 1e-6);
  EXPECT_EQ(L[0].b(1), -3.0f);
  EXPECT_NEAR(L[1].b(0), -0.3655293f, 1e-6);
  EXPECT_NEAR(L[1].b(1), 0.3655293f, 1e-6);
}

TEST(Backward, BatchGradientIsTheSumOfPerSampleGradients) {
  nn::Network net({10, 6, 10}, nn::Activation::Tanh);
  nn::Rng rng(5);
  nn::initialize(net, nn::Initialization::Xavier, rng);
  const nn::Dataset data = one_hot_data(3);
  Eigen::MatrixXf x;
  std::vector<std::uint8_t> labels;
  const std::vector<std::uint32_t> all{0, 1, 2};
  nn::gather_batch(data, all, x, labels);

  nn::Activations acts;
  nn::Gradients batch, single;
  nn::forward(net, x, acts);
  nn::backward(net, acts, labels, batch);
  std::vector<Eigen::MatrixXf> dW(2);
  std::vector<Eigen::VectorXf> db(2);
  for (Eigen::Index c = 0; c < 3; ++c) {
    nn::forward(net, x.col(c), acts);
    nn::backward(net, acts, std::span(labels).subspan(static_cast<std::size_t>(c), 1), single);
    for (std::size_t k = 0; k < 2; ++k) {
      dW[k] = c ? Eigen::MatrixXf(dW[k] + single.dW[k]) : single.dW[k];
      db[k] = c ? Eigen::VectorXf(db[k] + single.db[k]) : single.db[k];
    }
  }
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_TRUE(batch.dW[k].isApprox(dW[k], 1e-5f)) << "layer " << k;
    EXPECT_TRUE(batch.db[k].isApprox(db[k], 1e-5f)) << "layer " << k;
  }
}

}  // namespace
