// The training step (forward, backward and update in one call) against the serial
// reference, by hand with momentum and weight decay, on any number of threads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "nn/backward.hpp"
#include "nn/init.hpp"
#include "nn/softmax.hpp"
#include "nn/threads.hpp"
#include "nn/fit.hpp"
#include "step.hpp"  // internal (libnn/src): the step fit() runs
#include "test_data.hpp"
#include "test_util.hpp"

namespace {

using ::testing::HasSubstr;
using nn::test::all_finite;
using nn::test::noise_data;
using nn::test::one_hot_data;
using nn::test::sparse_noise_data;

// train_step (forward, then the update folded into the gradient's products) against
// the reference: forward, backward, apply_gradients.
TEST(Step, FusedStepMatchesBackwardThenApply) {
  nn::Network fused({10, 6, 10}, nn::Activation::ReLU);
  nn::Rng rng(6);
  nn::initialize(fused, nn::Initialization::Default, rng);
  nn::Network plain = fused;
  const nn::Dataset data = one_hot_data(4);
  Eigen::MatrixXf x;
  std::vector<std::uint8_t> labels;
  const std::vector<std::uint32_t> all{0, 1, 2, 3};
  nn::gather_batch(data, all, x, labels);

  nn::Sgd sgd{0.1f};
  nn::StepWorkspace ws;
  const double loss = nn::train_step(fused, x, labels, sgd, ws);
  nn::Activations acts;
  nn::Gradients g;
  EXPECT_NEAR(loss, nn::cross_entropy_bits(nn::forward(plain, x, acts), labels), 1e-5);
  nn::backward(plain, acts, labels, g);
  nn::apply_gradients(plain, g, 0.1f);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_TRUE(fused.layers()[k].W.isApprox(plain.layers()[k].W, 1e-6f)) << "layer " << k;
    EXPECT_TRUE(fused.layers()[k].b.isApprox(plain.layers()[k].b, 1e-6f)) << "layer " << k;
  }
}

// Classical momentum m: v1 = -lr g1, W1 = W0 + v1; v2 = m v1 - lr g2, W2 = W1 + v2.
TEST(Step, MomentumStepsByHand) {
  // One layer 2 -> 2 from zero, one sample x = (1, 2) with label 0.
  nn::Network net({2, 2}, nn::Activation::ReLU);
  Eigen::MatrixXf x(2, 1);
  x << 1, 2;
  const std::vector<std::uint8_t> labels{0};
  nn::Sgd sgd{0.1f, 0.9f};
  nn::StepWorkspace ws;

  // Step 1: p = (0.5, 0.5), g1 = (P - Y) x^T = [[-0.5, -1], [0.5, 1]], db1 = (-0.5, 0.5);
  // v1 = -lr g1 = [[0.05, 0.1], [-0.05, -0.1]]; W1 = v1, b1 = (0.05, -0.05).
  nn::train_step(net, x, labels, sgd, ws);
  EXPECT_NEAR(net.layers()[0].W(0, 1), 0.1f, 1e-7);
  EXPECT_NEAR(net.layers()[0].b(1), -0.05f, 1e-7);

  // Step 2: z = W1 x + b1 = (0.05 + 0.2 + 0.05, -0.3) = (0.3, -0.3); p0 = 1/(1+e^-0.6) = 0.6456563.
  // P - Y = (p0 - 1, 1 - p0) = (-0.3543437, 0.3543437) = (-q, q).
  // v2 = m v1 - lr g2:  v2(0, 1) = 0.9 * 0.1 + 0.1 * 2q = 0.1608687;  W2(0, 1) = 0.1 + v2(0, 1) = 0.2608687.
  // vb2(1) = 0.9 * (-0.05) - 0.1 q = -0.0804344;  b2(1) = -0.05 + vb2(1) = -0.1304344.
  nn::train_step(net, x, labels, sgd, ws);
  EXPECT_NEAR(net.layers()[0].W(0, 1), 0.2608687f, 1e-6);
  EXPECT_NEAR(net.layers()[0].b(1), -0.1304344f, 1e-6);
}

// The training path (a sparse batch, every product cut into blocks of rows for the
// threads) against the serial reference, backward() with the update written out here:
// three steps, with and without momentum, on 1, 2 and 16 threads. 300 and 70 units:
// the first layer is two blocks of the sparse product, the second two dense blocks.
class SparseStep : public ::testing::TestWithParam<std::tuple<float, int>> {};

TEST_P(SparseStep, MatchesTheSerialReference) {
  const auto [momentum, threads] = GetParam();
  const int saved_threads = nn::threads();
  nn::set_threads(threads);
  const nn::Dataset data = sparse_noise_data(24, 30, 7);
  nn::Network trained({30, 300, 70, 10}, nn::Activation::ReLU);
  nn::Rng rng(8);
  nn::initialize(trained, nn::Initialization::Xavier, rng);
  const nn::Network untrained = trained;
  nn::Network reference = trained;
  const float lr = 0.01f;
  nn::Sgd sgd{lr, momentum};
  nn::StepWorkspace ws;
  nn::Activations ref_acts;
  Eigen::MatrixXf dense_x;
  nn::SparseBatch sparse_x;
  std::vector<std::uint8_t> labels;
  nn::Gradients g;
  std::vector<Eigen::MatrixXf> vW(3);
  std::vector<Eigen::VectorXf> vb(3);
  for (std::size_t k = 0; k < 3; ++k) {
    vW[k] = Eigen::MatrixXf::Zero(reference.layers()[k].W.rows(), reference.layers()[k].W.cols());
    vb[k] = Eigen::VectorXf::Zero(reference.layers()[k].b.size());
  }
  for (std::uint32_t first = 0; first < 24; first += 8) {
    std::vector<std::uint32_t> index(8);
    std::iota(index.begin(), index.end(), first);
    nn::gather_batch(data, index, dense_x, labels);
    nn::gather_batch(data, index, sparse_x, labels);
    const Eigen::MatrixXf p_ref = nn::forward(reference, dense_x, ref_acts);
    nn::Activations sparse_acts;
    const Eigen::MatrixXf& p = nn::forward(trained, sparse_x, sparse_acts);
    ASSERT_TRUE(p.isApprox(p_ref, 1e-5f)) << "batch at " << first;
    nn::backward(reference, ref_acts, labels, g);
    for (std::size_t k = 0; k < 3; ++k) {  // v = m v - lr g; W += v (plain SGD when m = 0)
      vW[k] = momentum * vW[k] - lr * g.dW[k];
      vb[k] = momentum * vb[k] - lr * g.db[k];
      reference.layers()[k].W += vW[k];
      reference.layers()[k].b += vb[k];
    }
    nn::train_step(trained, sparse_x, labels, sgd, ws);
    ASSERT_TRUE(ws.acts.back().isApprox(p_ref, 1e-5f)) << "the step's forward pass, batch at " << first;
  }
  nn::set_threads(saved_threads);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_TRUE(trained.layers()[k].W.isApprox(reference.layers()[k].W, 1e-5f)) << "layer " << k;
    EXPECT_TRUE(trained.layers()[k].b.isApprox(reference.layers()[k].b, 1e-5f)) << "layer " << k;
    // And the steps did move every layer (a step that did nothing would also "match").
    EXPECT_GT((trained.layers()[k].W - untrained.layers()[k].W).norm(), 1e-3f) << "layer " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(MomentumAndThreads, SparseStep,
                         ::testing::Combine(::testing::Values(0.0f, 0.9f), ::testing::Values(1, 2, 16)));

// Every block is computed the same way whichever thread runs it: training on 1 and
// on 3 threads gives the same weights, bit for bit.
TEST(Step, TheNumberOfThreadsDoesNotChangeABit) {
  const nn::Dataset data = sparse_noise_data(64, 30, 11);
  auto train = [&](int threads) {
    const int saved_threads = nn::threads();
    nn::set_threads(threads);
    nn::Network net({30, 300, 70, 10}, nn::Activation::ReLU);
    nn::Rng rng(12);
    nn::initialize(net, nn::Initialization::Xavier, rng);
    nn::FitOptions options;
    options.sgd = nn::Sgd(0.01f, 0.5f, 0.001f);
    options.batch_size = 16;
    options.epochs = 1;
    nn::fit(net, data, nullptr, options, rng);
    nn::set_threads(saved_threads);
    return net;
  };
  const nn::Network one = train(1), three = train(3);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_TRUE(one.layers()[k].W == three.layers()[k].W) << "layer " << k;
    EXPECT_TRUE(one.layers()[k].b == three.layers()[k].b) << "layer " << k;
  }
}

// The step checks its batch: sizes, the number of labels and their range.
TEST(Step, RejectsABatchThatDoesNotFit) {
  nn::Network net({30, 8, 10}, nn::Activation::ReLU);
  const nn::Dataset data = sparse_noise_data(8, 30, 13);
  nn::SparseBatch x;
  std::vector<std::uint8_t> labels;
  std::vector<std::uint32_t> index(8);
  std::iota(index.begin(), index.end(), 0u);
  nn::gather_batch(data, index, x, labels);
  nn::Sgd sgd{0.1f};
  nn::StepWorkspace ws;
  const nn::Network before = net;
  auto short_labels = labels;
  short_labels.pop_back();
  EXPECT_THAT(nn::test::error_of([&] { nn::train_step(net, x, short_labels, sgd, ws); }),
              HasSubstr("the batch has 8 samples but 7 labels"));
  auto bad_labels = labels;
  bad_labels[3] = 10;
  EXPECT_THAT(nn::test::error_of([&] { nn::train_step(net, x, bad_labels, sgd, ws); }),
              HasSubstr("label 3 is 10, expected 0 to 9"));
  const Eigen::MatrixXf narrow = Eigen::MatrixXf::Zero(29, 8);
  EXPECT_THAT(nn::test::error_of([&] { nn::train_step(net, narrow, labels, sgd, ws); }),
              HasSubstr("expected 30 inputs per sample, got 29"));
  EXPECT_TRUE(net.layers()[0].W == before.layers()[0].W);  // nothing was changed
}

// Decoupled weight decay: after the step, W *= 1 - lr * decay; biases are not decayed.
TEST(Step, WeightDecayByHand) {
  // One layer 2 -> 2, W = [[1, 0], [0, 1]], b = 0; x = (0, 0): the gradient of W is 0 and
  // p = (0.5, 0.5), so with label 0 db = (-0.5, 0.5).
  nn::Network net({2, 2}, nn::Activation::ReLU);
  net.layers()[0].W.setIdentity();
  const Eigen::MatrixXf x = Eigen::MatrixXf::Zero(2, 1);
  const std::vector<std::uint8_t> labels{0};
  nn::Sgd sgd{0.1f, 0.0f, 2.0f};  // W *= 1 - 0.1 * 2 = 0.8
  nn::StepWorkspace ws;
  nn::train_step(net, x, labels, sgd, ws);
  EXPECT_FLOAT_EQ(net.layers()[0].W(0, 0), 0.8f);
  EXPECT_FLOAT_EQ(net.layers()[0].W(1, 1), 0.8f);
  EXPECT_FLOAT_EQ(net.layers()[0].W(0, 1), 0.0f);
  EXPECT_FLOAT_EQ(net.layers()[0].b(0), 0.05f);  // b -= 0.1 * (-0.5), undecayed
  EXPECT_FLOAT_EQ(net.layers()[0].b(1), -0.05f);
}

TEST(Step, OptimizerSettingsAreValidated) {
  EXPECT_NO_THROW((nn::Sgd{0.01f, 0.9f, 0.5f}.validate()));
  EXPECT_THAT(nn::test::error_of([] { nn::Sgd{0.0f}.validate(); }), HasSubstr("learning rate must be greater than 0, got 0"));
  EXPECT_THAT(nn::test::error_of([] { nn::Sgd{NAN}.validate(); }), HasSubstr("learning rate must be greater than 0"));
  EXPECT_THAT(nn::test::error_of([] { nn::Sgd{0.1f, 1.0f}.validate(); }), HasSubstr("momentum must be in [0, 1), got 1"));
  EXPECT_THAT(nn::test::error_of([] { nn::Sgd{0.1f, 0.0f, -1.0f}.validate(); }),
              HasSubstr("weight decay must be 0 or more, and less than 1 / learning rate (10), got -1"));
  EXPECT_THAT(nn::test::error_of([] { nn::Sgd{0.1f, 0.0f, 10.0f}.validate(); }), HasSubstr("weight decay"));
}

TEST(Step, SparseForwardRejectsTheWrongInputSize) {
  nn::Network net({5, 10}, nn::Activation::ReLU);
  nn::SparseBatch x(4, 1);
  nn::Activations acts;
  EXPECT_THAT(nn::test::error_of([&] { nn::forward(net, x, acts); }),
              HasSubstr("expected 5 inputs per sample, got 4"));
}

}  // namespace
