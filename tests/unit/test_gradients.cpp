// Finite-difference checks of nn::backward and nn::input_gradient for every activation.
//
// The loss L is cross_entropy_bits: summed over the batch, in bits (log2). backward
// returns the gradient of the summed natural-log loss, whose output gradient is P - Y,
// so backward = ln 2 * dL/dtheta. We compare that with central differences
// (L(theta + eps) - L(theta - eps)) / (2 eps), eps = 1e-3, for every weight and bias.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "nn/backward.hpp"
#include "nn/error.hpp"
#include "nn/forward.hpp"
#include "nn/random.hpp"
#include "nn/softmax.hpp"

namespace {

using nn::Activation;

constexpr float kEps = 1e-3f;
constexpr double kRelTol = 1e-2;
constexpr double kAbsTol = 1e-3;
// Hidden pre-activations must be at least this far from 0, where (leaky) ReLU has a kink;
// a 1e-3 change of one parameter moves them far less.
constexpr float kKinkMargin = 0.05f;

struct Problem {
  nn::Network net;
  Eigen::MatrixXf x;                // 5 x 4
  std::vector<std::uint8_t> labels;  // 4
};

Problem random_problem(Activation a, std::uint64_t seed) {
  nn::Rng rng(seed);
  Problem p{nn::Network({5, 6, 4, 3}, a), Eigen::MatrixXf(5, 4), {0, 2, 1, 2}};
  for (nn::Layer& l : p.net.layers()) {
    for (Eigen::Index i = 0; i < l.W.size(); ++i) l.W(i) = rng.uniform(-1, 1);
    for (Eigen::Index i = 0; i < l.b.size(); ++i) l.b(i) = rng.uniform(-0.5f, 0.5f);
  }
  for (Eigen::Index i = 0; i < p.x.size(); ++i) p.x(i) = rng.uniform(0, 1);
  return p;
}

// Smallest |z| over the hidden layers' pre-activations.
float min_hidden_preactivation(const Problem& p) {
  nn::Activations acts;
  nn::forward(p.net, p.x, acts);
  float m = INFINITY;
  const auto& layers = p.net.layers();
  for (std::size_t k = 0; k + 1 < layers.size(); ++k) {
    Eigen::MatrixXf z = layers[k].W * acts[k];
    z.colwise() += layers[k].b;
    m = std::min(m, z.cwiseAbs().minCoeff());
  }
  return m;
}

double loss_bits(const Problem& p) {
  return nn::cross_entropy_bits(nn::predict(p.net, p.x), p.labels);
}

// Central difference of the loss in bits with respect to one parameter, in place.
double numeric_derivative(Problem& p, float& param) {
  const float orig = param;
  param = orig + kEps;
  const float up = param;
  const double l_up = loss_bits(p);
  param = orig - kEps;
  const float down = param;
  const double l_down = loss_bits(p);
  param = orig;
  return (l_up - l_down) / static_cast<double>(up - down);
}

void expect_close(double analytic, double numeric, const std::string& what) {
  const double tol = kRelTol * std::max(std::abs(analytic), std::abs(numeric)) + kAbsTol;
  EXPECT_NEAR(analytic, numeric, tol) << what;
}

class GradientCheck : public ::testing::TestWithParam<Activation> {};

TEST_P(GradientCheck, BackwardMatchesCentralDifferences) {
  const Activation a = GetParam();
  // Pick the first seed whose hidden units are all clear of the kink (matters for ReLU).
  std::uint64_t seed = 1;
  while (min_hidden_preactivation(random_problem(a, seed)) < kKinkMargin && seed < 1000) ++seed;
  Problem p = random_problem(a, seed);
  ASSERT_GE(min_hidden_preactivation(p), kKinkMargin) << "no seed keeps the units off the kink";

  nn::Activations acts;
  nn::forward(p.net, p.x, acts);
  nn::Gradients g;
  nn::backward(p.net, acts, p.labels, g);
  ASSERT_EQ(g.dW.size(), 3u);
  ASSERT_EQ(g.db.size(), 3u);

  const double ln2 = std::numbers::ln2;
  double largest = 0;
  for (std::size_t k = 0; k < p.net.layers().size(); ++k) {
    nn::Layer& l = p.net.layers()[k];
    ASSERT_EQ(g.dW[k].rows(), l.W.rows());
    ASSERT_EQ(g.dW[k].cols(), l.W.cols());
    ASSERT_EQ(g.db[k].size(), l.b.size());
    for (Eigen::Index i = 0; i < l.W.rows(); ++i) {
      for (Eigen::Index j = 0; j < l.W.cols(); ++j) {
        const double numeric = ln2 * numeric_derivative(p, l.W(i, j));
        expect_close(g.dW[k](i, j), numeric,
                     "dW" + std::to_string(k) + "(" + std::to_string(i) + "," + std::to_string(j) + ")");
        largest = std::max(largest, std::abs(numeric));
      }
    }
    for (Eigen::Index i = 0; i < l.b.size(); ++i) {
      const double numeric = ln2 * numeric_derivative(p, l.b(i));
      expect_close(g.db[k](i), numeric, "db" + std::to_string(k) + "(" + std::to_string(i) + ")");
    }
  }
  // The check means something only if the gradients are not all tiny.
  EXPECT_GT(largest, 0.05);
}

// The logits (C x B): the forward pass without the softmax.
Eigen::MatrixXf logits(const Problem& p) {
  Eigen::MatrixXf a = p.x;
  const auto& layers = p.net.layers();
  for (std::size_t k = 0; k < layers.size(); ++k) {
    Eigen::MatrixXf z = layers[k].W * a;
    z.colwise() += layers[k].b;
    if (k + 1 < layers.size()) nn::activation_forward(p.net.activation(), z);
    a = std::move(z);
  }
  return a;
}

TEST_P(GradientCheck, InputGradientMatchesCentralDifferences) {
  const Activation a = GetParam();
  std::uint64_t seed = 1;
  while (min_hidden_preactivation(random_problem(a, seed)) < kKinkMargin && seed < 1000) ++seed;
  Problem p = random_problem(a, seed);
  nn::Activations acts;
  nn::forward(p.net, p.x, acts);
  double largest = 0;
  for (int output = 0; output < p.net.outputs(); ++output) {
    const Eigen::MatrixXf g = nn::input_gradient(p.net, acts, output);
    ASSERT_EQ(g.rows(), p.x.rows());
    ASSERT_EQ(g.cols(), p.x.cols());
    for (Eigen::Index s = 0; s < p.x.cols(); ++s) {
      for (Eigen::Index i = 0; i < p.x.rows(); ++i) {
        const float orig = p.x(i, s);
        p.x(i, s) = orig + kEps;
        const double up = logits(p)(output, s);
        p.x(i, s) = orig - kEps;
        const double down = logits(p)(output, s);
        p.x(i, s) = orig;
        const double numeric = (up - down) / (2.0 * kEps);
        expect_close(g(i, s), numeric, "d logit " + std::to_string(output) + " / dx(" + std::to_string(i) + "," +
                                           std::to_string(s) + ")");
        largest = std::max(largest, std::abs(numeric));
      }
    }
  }
  EXPECT_GT(largest, 0.05);
  EXPECT_THROW(nn::input_gradient(p.net, acts, p.net.outputs()), nn::Error);
  EXPECT_THROW(nn::input_gradient(p.net, acts, -1), nn::Error);
}

INSTANTIATE_TEST_SUITE_P(AllActivations, GradientCheck,
                         ::testing::Values(Activation::ReLU, Activation::Sigmoid, Activation::Tanh,
                                           Activation::Linear, Activation::LeakyReLU),
                         [](const ::testing::TestParamInfo<Activation>& p) {
                           std::string name(nn::activation_name(p.param));
                           std::erase(name, '-');
                           return name;
                         });

}  // namespace
