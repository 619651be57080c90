// Hidden-layer activations: names, values, and derivatives written through the output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "nn/activation.hpp"
#include "test_util.hpp"

namespace {

using ::testing::HasSubstr;
using nn::Activation;

constexpr Activation kAll[] = {Activation::ReLU, Activation::Sigmoid, Activation::Tanh,
                               Activation::Linear, Activation::LeakyReLU};

// f(z) in double, independently of the library.
double reference(Activation a, double z) {
  switch (a) {
    case Activation::ReLU: return z > 0 ? z : 0;
    case Activation::Sigmoid: return 1 / (1 + std::exp(-z));
    case Activation::Tanh: return std::tanh(z);
    case Activation::Linear: return z;
    case Activation::LeakyReLU: return z > 0 ? z : 0.01 * z;
  }
  return NAN;
}

TEST(Activation, NamesRoundTrip) {
  EXPECT_EQ(nn::activation_names(),
            (std::vector<std::string>{"re-lu", "sigmoid", "tanh", "linear", "leaky-re-lu"}));
  for (Activation a : kAll) EXPECT_EQ(nn::parse_activation(nn::activation_name(a)), a);
}

TEST(Activation, UnknownNameListsTheKnownOnes) {
  const std::string msg = nn::test::error_of([] { nn::parse_activation("relu"); });
  EXPECT_THAT(msg, HasSubstr("unknown activation 'relu'"));
  EXPECT_THAT(msg, HasSubstr("re-lu, sigmoid, tanh, linear, leaky-re-lu"));
}

TEST(Activation, ForwardMatchesReference) {
  Eigen::MatrixXf z(2, 3);
  z << -3, -0.5f, 0, 0.25f, 2, 7;
  for (Activation a : kAll) {
    Eigen::MatrixXf y = z;
    nn::activation_forward(a, y);
    for (Eigen::Index i = 0; i < z.size(); ++i) {
      EXPECT_NEAR(y(i), reference(a, z(i)), 1e-6) << nn::activation_name(a) << " z=" << z(i);
    }
  }
}

// activation_backward multiplies by f'(z) computed from y = f(z); compare with a central
// difference of the reference function (z away from 0, where ReLU has its kink).
TEST(Activation, BackwardIsTheDerivative) {
  Eigen::MatrixXf z(1, 6);
  z << -2.5f, -0.7f, -0.1f, 0.1f, 0.8f, 3;
  for (Activation a : kAll) {
    Eigen::MatrixXf y = z;
    nn::activation_forward(a, y);
    Eigen::MatrixXf grad = Eigen::MatrixXf::Constant(1, 6, 2.0f);  // upstream gradient 2
    nn::activation_backward(a, y, grad);
    for (Eigen::Index i = 0; i < z.size(); ++i) {
      const double h = 1e-5;
      const double d = (reference(a, z(i) + h) - reference(a, z(i) - h)) / (2 * h);
      EXPECT_NEAR(grad(i), 2 * d, 1e-5) << nn::activation_name(a) << " z=" << z(i);
    }
  }
}

}  // namespace
