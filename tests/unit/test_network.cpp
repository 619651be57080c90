// Network construction and the forward pass, checked against hand computations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "nn/error.hpp"
#include "nn/forward.hpp"
#include "test_util.hpp"

namespace {

using ::testing::HasSubstr;

// A 2-3-2 network with small round weights (W is O x I, samples are columns):
//   W0 = [ 1  -1 ]   b0 = [ 0  ]     W1 = [ 1  0   2 ]   b1 = [ 0   ]
//        [ 0.5 2 ]        [ -1 ]          [ 0  1  -1 ]        [ 0.5 ]
//        [ -2  1 ]        [ 0.5]
nn::Network tiny(nn::Activation a) {
  nn::Layer l0{Eigen::MatrixXf(3, 2), Eigen::VectorXf(3)};
  l0.W << 1, -1, 0.5f, 2, -2, 1;
  l0.b << 0, -1, 0.5f;
  nn::Layer l1{Eigen::MatrixXf(2, 3), Eigen::VectorXf(2)};
  l1.W << 1, 0, 2, 0, 1, -1;
  l1.b << 0, 0.5f;
  return nn::Network({l0, l1}, a);
}

// Two samples as columns: x = (1, 2) and x = (0, 0).
Eigen::MatrixXf tiny_batch() {
  Eigen::MatrixXf x(2, 2);
  x << 1, 0, 2, 0;
  return x;
}

TEST(Network, ForwardReluByHand) {
  const nn::Network net = tiny(nn::Activation::ReLU);
  nn::Activations acts;
  const Eigen::MatrixXf& p = nn::forward(net, tiny_batch(), acts);
  ASSERT_EQ(acts.size(), 3u);
  ASSERT_EQ(p.rows(), 2);
  ASSERT_EQ(p.cols(), 2);

  // Sample 1, x = (1, 2):
  //   z0 = (1-2+0, 0.5+4-1, -2+2+0.5) = (-1, 3.5, 0.5);  relu -> h = (0, 3.5, 0.5)
  //   z1 = (0 + 0 + 2*0.5, 3.5 - 0.5 + 0.5) = (1, 3.5)
  //   p  = softmax(1, 3.5) = (1/(1+e^2.5), e^2.5/(1+e^2.5)) = (0.0758582, 0.9241418)
  EXPECT_FLOAT_EQ(acts[1](0, 0), 0.0f);
  EXPECT_FLOAT_EQ(acts[1](1, 0), 3.5f);
  EXPECT_FLOAT_EQ(acts[1](2, 0), 0.5f);
  EXPECT_NEAR(p(0, 0), 0.0758582f, 1e-6);
  EXPECT_NEAR(p(1, 0), 0.9241418f, 1e-6);

  // Sample 2, x = (0, 0): z0 = b0 = (0, -1, 0.5) -> h = (0, 0, 0.5)
  //   z1 = (2*0.5, -0.5 + 0.5) = (1, 0);  p = (e/(1+e), 1/(1+e)) = (0.7310586, 0.2689414)
  EXPECT_NEAR(p(0, 1), 0.7310586f, 1e-6);
  EXPECT_NEAR(p(1, 1), 0.2689414f, 1e-6);
}

TEST(Network, ForwardTanhByHand) {
  const nn::Network net = tiny(nn::Activation::Tanh);
  const Eigen::MatrixXf p = nn::predict(net, tiny_batch());
  // Sample 1: h = tanh(-1, 3.5, 0.5) = (-0.7615942, 0.9981779, 0.4621172)
  //   z1 = (h0 + 2 h2, h1 - h2 + 0.5) = (0.1626402, 1.0360607) -> p = (0.2945430, 0.7054570)
  EXPECT_NEAR(p(0, 0), 0.2945430f, 1e-6);
  EXPECT_NEAR(p(1, 0), 0.7054570f, 1e-6);
  // Sample 2: h = tanh(0, -1, 0.5) = (0, -0.7615942, 0.4621172)
  //   z1 = (0.9242343, -0.7237113) -> p = (0.8386132, 0.1613868)
  EXPECT_NEAR(p(0, 1), 0.8386132f, 1e-6);
  EXPECT_NEAR(p(1, 1), 0.1613868f, 1e-6);
}

TEST(Network, ForwardSigmoidByHand) {
  const nn::Network net = tiny(nn::Activation::Sigmoid);
  const Eigen::MatrixXf p = nn::predict(net, tiny_batch().col(0));
  // h = sigmoid(-1, 3.5, 0.5) = (0.2689414, 0.9706878, 0.6224593)
  //   z1 = (h0 + 2 h2, h1 - h2 + 0.5) = (1.5138601, 0.8482284) -> p = (0.6605243, 0.3394757)
  EXPECT_NEAR(p(0, 0), 0.6605243f, 1e-6);
  EXPECT_NEAR(p(1, 0), 0.3394757f, 1e-6);
}

TEST(Network, SizesAndParameterCount) {
  const nn::Network net({784, 500, 300, 100, 10}, nn::Activation::ReLU);
  EXPECT_EQ(net.inputs(), 784);
  EXPECT_EQ(net.outputs(), 10);
  ASSERT_EQ(net.layers().size(), 4u);
  EXPECT_EQ(net.layers()[1].W.rows(), 300);
  EXPECT_EQ(net.layers()[1].W.cols(), 500);
  EXPECT_EQ(net.parameter_count(), 573910);  // the original's 784-500-300-100-10
  EXPECT_TRUE(net.layers()[0].W.isZero());
  EXPECT_EQ(tiny(nn::Activation::ReLU).sizes(), (std::vector<int>{2, 3, 2}));
}

TEST(Network, RejectsBadShapes) {
  EXPECT_THAT(nn::test::error_of([] { nn::Network(std::vector<int>{784}, nn::Activation::ReLU); }),
              HasSubstr("at least 2 layer sizes"));
  EXPECT_THAT(nn::test::error_of([] { nn::Network(std::vector<int>{784, 0, 10}, nn::Activation::ReLU); }),
              HasSubstr("positive, got 0"));
  // Past the bounds: refused before the weights are allocated (these would take 16 GiB
  // and 4 GiB, and throw std::bad_alloc or worse if they were).
  EXPECT_THAT(nn::test::error_of([] { nn::Network(std::vector<int>{784, 65537, 10}, nn::Activation::ReLU); }),
              HasSubstr("a layer of 65537 units is larger than the limit of 65536"));
  EXPECT_THAT(nn::test::error_of([] { nn::Network(std::vector<int>{65536, 65536, 10}, nn::Activation::ReLU); }),
              HasSubstr("more than 268435456 parameters"));
  EXPECT_NO_THROW(nn::Network(std::vector<int>{784, 65536, 10}, nn::Activation::ReLU));

  // Layers that do not chain: layer 1 takes 4 inputs, layer 0 gives 3.
  nn::Layer a{Eigen::MatrixXf::Zero(3, 2), Eigen::VectorXf::Zero(3)};
  nn::Layer b{Eigen::MatrixXf::Zero(2, 4), Eigen::VectorXf::Zero(2)};
  EXPECT_THAT(nn::test::error_of([&] { nn::Network({a, b}, nn::Activation::ReLU); }),
              HasSubstr("layer 1 takes 4 inputs but the previous layer gives 3"));
  nn::Layer c{Eigen::MatrixXf::Zero(3, 2), Eigen::VectorXf::Zero(2)};
  EXPECT_THAT(nn::test::error_of([&] { nn::Network({c}, nn::Activation::ReLU); }),
              HasSubstr("3 outputs but 2 biases"));
}

TEST(Network, ForwardRejectsWrongInputSize) {
  const nn::Network net = tiny(nn::Activation::ReLU);
  EXPECT_THAT(nn::test::error_of([&] { nn::predict(net, Eigen::MatrixXf::Zero(3, 1)); }),
              HasSubstr("expected 2 inputs per sample, got 3"));
}

}  // namespace

namespace {

// The flat parameter array is the weights file's order: W0 row-major (inputs x outputs),
// b0, W1, b1.
TEST(Network, ParametersAreInTheWeightsFilesOrder) {
  const nn::Network net = tiny(nn::Activation::ReLU);
  EXPECT_EQ(nn::parameters(net), (std::vector<float>{1, 0.5f, -2, -1, 2, 1, 0, -1, 0.5f,  // W0 (2 x 3), b0
                                                     1, 0, 0, 1, 2, -1, 0, 0.5f}));      // W1 (3 x 2), b1
  EXPECT_EQ(nn::sizes_text(net.sizes()), "2-3-2");
}

TEST(Network, SetParametersRoundTripsAndChecksAllOrNothing) {
  nn::Network net = tiny(nn::Activation::ReLU);
  std::vector<float> values = nn::parameters(net);
  for (float& v : values) v *= 2;
  nn::set_parameters(net, values);
  EXPECT_EQ(nn::parameters(net), values);
  EXPECT_EQ(net.layers()[0].W(1, 0), 1.0f);  // W0 row-major (i = 0, j = 1) is W(1, 0)

  const std::vector<float> before = nn::parameters(net);
  EXPECT_THAT(nn::test::error_of([&] { nn::set_parameters(net, std::vector<float>(3), "p"); }),
              HasSubstr("p: expected 17 parameters, got 3"));
  std::vector<float> nan = before;
  nan[4] = std::nanf("");
  EXPECT_THAT(nn::test::error_of([&] { nn::set_parameters(net, nan, "p"); }),
              HasSubstr("p: parameter 4 is not a finite number"));
  // Finite, but output 0 of layer 0 could reach 6e38: the model readers' message.
  std::vector<float> huge = before;
  huge[0] = huge[3] = 3e38f;
  EXPECT_THAT(nn::test::error_of([&] { nn::set_parameters(net, huge, "p"); }),
              HasSubstr("p: W0: with inputs in [0, 1], output 0 of layer 0 can reach 6e+38, beyond the largest float"));
  EXPECT_EQ(nn::parameters(net), before);  // unchanged by every refusal
}

// Made from layers, a network is checked as a model file is.
TEST(Network, FromLayersRefusesOutputsThatCouldOverflow) {
  nn::Layer l{Eigen::MatrixXf(1, 2), Eigen::VectorXf::Zero(1)};
  l.W << 3e38f, 3e38f;
  EXPECT_THAT(nn::test::error_of([&] { nn::Network({l}, nn::Activation::ReLU, "mine"); }),
              HasSubstr("mine: W0: with inputs in [0, 1], output 0 of layer 0 can reach 6e+38"));
}

}  // namespace
