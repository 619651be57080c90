// SGD: one step by hand (gradients summed over the batch, for weights and biases),
// training-loop checks and divergence handling, evaluation, compatibility checks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "nn/init.hpp"
#include "nn/sgd.hpp"
#include "nn/softmax.hpp"
#include "nn/threads.hpp"
#include "test_util.hpp"

namespace {

using ::testing::HasSubstr;

// n samples of 10 pixels; sample i has label i % 10 and a single lit pixel at its label.
nn::Dataset one_hot_data(std::size_t n) {
  nn::Dataset d;
  d.source = "one-hot";
  d.features = 10;
  d.pixels.assign(n * 10, 0);
  for (std::size_t i = 0; i < n; ++i) {
    d.labels.push_back(static_cast<std::uint8_t>(i % 10));
    d.pixels[i * 10 + i % 10] = 255;
  }
  return d;
}

bool all_finite(const nn::Network& net) {
  for (const nn::Layer& l : net.layers()) {
    if (!l.W.allFinite() || !l.b.allFinite()) return false;
  }
  return true;
}

TEST(Sgd, OneStepSumsWeightAndBiasGradientsOverTheBatch) {
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

TEST(Sgd, OneStepThroughAReluHiddenLayerByHand) {
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

TEST(Sgd, BatchGradientIsTheSumOfPerSampleGradients) {
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

// sgd_step (the fused update train_epoch uses) against backward + apply_gradients.
TEST(Sgd, FusedStepMatchesBackwardThenApply) {
  nn::Network fused({10, 6, 10}, nn::Activation::ReLU);
  nn::Rng rng(6);
  nn::initialize(fused, nn::Initialization::Default, rng);
  nn::Network plain = fused;
  const nn::Dataset data = one_hot_data(4);
  Eigen::MatrixXf x;
  std::vector<std::uint8_t> labels;
  const std::vector<std::uint32_t> all{0, 1, 2, 3};
  nn::gather_batch(data, all, x, labels);

  nn::Activations acts;
  nn::SgdWorkspace ws;
  nn::forward(fused, x, acts);
  nn::sgd_step(fused, acts, labels, 0.1f, ws);
  nn::Gradients g;
  nn::forward(plain, x, acts);
  nn::backward(plain, acts, labels, g);
  nn::apply_gradients(plain, g, 0.1f);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_TRUE(fused.layers()[k].W.isApprox(plain.layers()[k].W, 1e-6f)) << "layer " << k;
    EXPECT_TRUE(fused.layers()[k].b.isApprox(plain.layers()[k].b, 1e-6f)) << "layer " << k;
  }
}

// Classical momentum m: v1 = -lr g1, W1 = W0 + v1; v2 = m v1 - lr g2, W2 = W1 + v2.
TEST(Sgd, MomentumStepsByHand) {
  // One layer 2 -> 2 from zero, one sample x = (1, 2) with label 0.
  nn::Network net({2, 2}, nn::Activation::ReLU);
  Eigen::MatrixXf x(2, 1);
  x << 1, 2;
  const std::vector<std::uint8_t> labels{0};
  const float lr = 0.1f, m = 0.9f;
  nn::Activations acts;
  nn::SgdWorkspace ws;

  // Step 1: p = (0.5, 0.5), g1 = (P - Y) x^T = [[-0.5, -1], [0.5, 1]], db1 = (-0.5, 0.5);
  // v1 = -lr g1 = [[0.05, 0.1], [-0.05, -0.1]]; W1 = v1, b1 = (0.05, -0.05).
  nn::forward(net, x, acts);
  nn::sgd_step(net, acts, labels, lr, ws, m);
  EXPECT_NEAR(net.layers()[0].W(0, 1), 0.1f, 1e-7);
  EXPECT_NEAR(net.layers()[0].b(1), -0.05f, 1e-7);

  // Step 2: z = W1 x + b1 = (0.05 + 0.2 + 0.05, -0.3) = (0.3, -0.3); p0 = 1/(1+e^-0.6) = 0.6456563.
  // P - Y = (p0 - 1, 1 - p0) = (-0.3543437, 0.3543437) = (-q, q).
  // v2 = m v1 - lr g2:  v2(0, 1) = 0.9 * 0.1 + 0.1 * 2q = 0.1608687;  W2(0, 1) = 0.1 + v2(0, 1) = 0.2608687.
  // vb2(1) = 0.9 * (-0.05) - 0.1 q = -0.0804344;  b2(1) = -0.05 + vb2(1) = -0.1304344.
  nn::forward(net, x, acts);
  nn::sgd_step(net, acts, labels, lr, ws, m);
  EXPECT_NEAR(net.layers()[0].W(0, 1), 0.2608687f, 1e-6);
  EXPECT_NEAR(net.layers()[0].b(1), -0.1304344f, 1e-6);
}

// n samples of `features` pixels, about a third of them 0 (as in digit images), random labels.
nn::Dataset sparse_noise_data(std::size_t n, int features, std::uint64_t seed) {
  nn::Rng rng(seed);
  nn::Dataset data;
  data.source = "sparse noise";
  data.features = features;
  for (std::size_t i = 0; i < n; ++i) {
    data.labels.push_back(static_cast<std::uint8_t>(rng.below(10)));
    for (int f = 0; f < features; ++f) {
      data.pixels.push_back(rng.below(3) == 0 ? 0 : static_cast<std::uint8_t>(rng.below(256)));
    }
  }
  return data;
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
  nn::SgdWorkspace ws;
  nn::Activations acts, ref_acts;
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
    const Eigen::MatrixXf& p_ref = nn::forward(reference, dense_x, ref_acts);
    const Eigen::MatrixXf& p = nn::forward(trained, sparse_x, acts);
    ASSERT_TRUE(p.isApprox(p_ref, 1e-5f)) << "batch at " << first;
    nn::backward(reference, ref_acts, labels, g);
    for (std::size_t k = 0; k < 3; ++k) {  // v = m v - lr g; W += v (plain SGD when m = 0)
      vW[k] = momentum * vW[k] - lr * g.dW[k];
      vb[k] = momentum * vb[k] - lr * g.db[k];
      reference.layers()[k].W += vW[k];
      reference.layers()[k].b += vb[k];
    }
    nn::sgd_step(trained, sparse_x, acts, labels, lr, ws, momentum);
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
TEST(Sgd, TheNumberOfThreadsDoesNotChangeABit) {
  const nn::Dataset data = sparse_noise_data(64, 30, 11);
  auto train = [&](int threads) {
    const int saved_threads = nn::threads();
    nn::set_threads(threads);
    nn::Network net({30, 300, 70, 10}, nn::Activation::ReLU);
    nn::Rng rng(12);
    nn::initialize(net, nn::Initialization::Xavier, rng);
    nn::SgdOptions options;
    options.learning_rate = 0.01f;
    options.batch_size = 16;
    options.momentum = 0.5f;
    nn::train_epoch(net, data, options, rng);
    nn::set_threads(saved_threads);
    return net;
  };
  const nn::Network one = train(1), three = train(3);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_TRUE(one.layers()[k].W == three.layers()[k].W) << "layer " << k;
    EXPECT_TRUE(one.layers()[k].b == three.layers()[k].b) << "layer " << k;
  }
}

TEST(Sgd, StepRejectsAForwardPassOfAnotherBatch) {
  nn::Network net({30, 8, 10}, nn::Activation::ReLU);
  const nn::Dataset data = sparse_noise_data(8, 30, 13);
  nn::SparseBatch x;
  std::vector<std::uint8_t> labels;
  std::vector<std::uint32_t> index(8);
  std::iota(index.begin(), index.end(), 0u);
  nn::gather_batch(data, index, x, labels);
  nn::Activations acts;
  nn::SgdWorkspace ws;
  nn::forward(net, x, acts);
  // The sparse forward leaves acts[0] empty: the dense step has no batch to use.
  EXPECT_THAT(nn::test::error_of([&] { nn::sgd_step(net, acts, labels, 0.1f, ws); }),
              HasSubstr("the batch has 0 x 0 inputs"));
  labels.pop_back();
  EXPECT_THAT(nn::test::error_of([&] { nn::sgd_step(net, x, acts, labels, 0.1f, ws); }),
              HasSubstr("and 7 labels, but the forward pass was over 30 x 8"));
}

TEST(Sgd, SparseForwardRejectsTheWrongInputSize) {
  nn::Network net({5, 10}, nn::Activation::ReLU);
  nn::SparseBatch x(4, 1);
  nn::Activations acts;
  EXPECT_THAT(nn::test::error_of([&] { nn::forward(net, x, acts); }),
              HasSubstr("expected 5 inputs per sample, got 4"));
}

TEST(Sgd, CheckCompatible) {
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
  // evaluate and train_epoch check too.
  nn::Network wrong({9, 10}, nn::Activation::ReLU);
  nn::Rng rng(1);
  EXPECT_THROW(nn::evaluate(wrong, data), nn::Error);
  EXPECT_THROW(nn::train_epoch(wrong, data, {}, rng), nn::Error);
}

TEST(Sgd, TrainEpochRejectsBadOptions) {
  const nn::Dataset data = one_hot_data(20);
  nn::Network net({10, 10}, nn::Activation::ReLU);
  nn::Rng rng(1);
  EXPECT_THAT(nn::test::error_of([&] { nn::train_epoch(net, data, {0.1f, 0, true}, rng); }),
              HasSubstr("batch size must be at least 1"));
  EXPECT_THAT(nn::test::error_of([&] { nn::train_epoch(net, data, {0.1f, -5, true}, rng); }),
              HasSubstr("batch size must be at least 1"));
  for (float lr : {0.0f, -0.01f, NAN}) {
    EXPECT_THAT(nn::test::error_of([&] { nn::train_epoch(net, data, {lr, 10, true}, rng); }),
                HasSubstr("learning rate must be greater than 0"))
        << lr;
  }
  EXPECT_TRUE(net.layers()[0].W.isZero());  // nothing was trained
}

// With shuffling off, an epoch is exactly: for each batch in file order, backward + step.
// The returned loss is the mean over samples of the pre-update batch losses, in bits.
TEST(Sgd, TrainEpochInFileOrderEqualsManualSteps) {
  const nn::Dataset data = one_hot_data(25);  // batches of 10, 10, 5
  nn::Network trained({10, 8, 10}, nn::Activation::Sigmoid);
  nn::Rng init_rng(9);
  nn::initialize(trained, nn::Initialization::Default, init_rng);
  nn::Network manual = trained;

  std::vector<std::pair<std::size_t, std::size_t>> calls;
  nn::Rng rng(1);
  const double loss = nn::train_epoch(trained, data, {0.05f, 10, false}, rng,
                                      [&](std::size_t done, std::size_t total) {
                                        calls.emplace_back(done, total);
                                      });
  EXPECT_EQ(calls, (std::vector<std::pair<std::size_t, std::size_t>>{{1, 3}, {2, 3}, {3, 3}}));

  Eigen::MatrixXf x;
  std::vector<std::uint8_t> labels;
  nn::Activations acts;
  nn::Gradients g;
  double total = 0;
  for (std::uint32_t first = 0; first < 25; first += 10) {
    std::vector<std::uint32_t> index(std::min<std::uint32_t>(10, 25 - first));
    std::iota(index.begin(), index.end(), first);
    nn::gather_batch(data, index, x, labels);
    total += nn::cross_entropy_bits(nn::forward(manual, x, acts), labels);
    nn::backward(manual, acts, labels, g);
    nn::apply_gradients(manual, g, 0.05f);
  }
  EXPECT_NEAR(loss, total / 25, 1e-6);  // float rounding: training multiplies a sparse batch
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_TRUE(trained.layers()[k].W.isApprox(manual.layers()[k].W, 1e-6f));
    EXPECT_TRUE(trained.layers()[k].b.isApprox(manual.layers()[k].b, 1e-6f));
  }
}

TEST(Sgd, TrainingLearnsASimpleProblem) {
  const nn::Dataset data = one_hot_data(100);
  nn::Network net({10, 16, 10}, nn::Activation::ReLU);
  nn::Rng rng(3);
  nn::initialize(net, nn::Initialization::Xavier, rng);
  const double before = nn::evaluate(net, data).loss;
  double loss = 0;
  for (int epoch = 0; epoch < 30; ++epoch) loss = nn::train_epoch(net, data, {0.05f, 10, true}, rng);
  const nn::Evaluation ev = nn::evaluate(net, data);
  EXPECT_LT(loss, before / 4);
  EXPECT_LT(ev.loss, 0.1);  // bits per sample
  EXPECT_EQ(ev.mistakes, 0u);
  EXPECT_DOUBLE_EQ(ev.accuracy(), 1.0);
}

// n samples of 784 random pixels with random labels.
nn::Dataset noise_data(std::size_t n, nn::Rng& rng) {
  nn::Dataset data;
  data.source = "noise";
  data.features = 784;
  for (std::size_t i = 0; i < n; ++i) {
    data.labels.push_back(static_cast<std::uint8_t>(rng.below(10)));
    for (int f = 0; f < 784; ++f) data.pixels.push_back(static_cast<std::uint8_t>(rng.below(256)));
  }
  return data;
}

struct Divergence {
  nn::Activation activation;
  float learning_rate;
  std::size_t samples;  // in batches of 10
};

// A learning rate far too large must stop training with a message naming the learning
// rate, not leave NaN or infinite weights: the network is as it was before the bad batch.
// 1e6: the forward pass overflows first (linear and leaky units grow without bound).
// 1e37 and 3e38: a single update overflows the weights while the loss is still finite.
void PrintTo(const Divergence& d, std::ostream* os) {
  *os << nn::activation_name(d.activation) << ", learning rate " << d.learning_rate << ", "
      << d.samples << " samples";
}

class HugeLearningRate : public ::testing::TestWithParam<Divergence> {};

TEST_P(HugeLearningRate, ThrowsInsteadOfReturningNonFiniteWeights) {
  const Divergence& p = GetParam();
  nn::Rng rng(11);
  const nn::Dataset data = noise_data(p.samples, rng);
  nn::Network net({784, 30, 10}, p.activation);
  nn::initialize(net, nn::Initialization::Default, rng);

  std::string message;
  for (int epoch = 0; epoch < 5 && message.empty(); ++epoch) {
    try {
      nn::train_epoch(net, data, {p.learning_rate, 10, true}, rng);
      EXPECT_TRUE(all_finite(net)) << "an epoch returned normally with non-finite weights";
    } catch (const nn::Error& e) {
      message = e.what();
    }
  }
  EXPECT_THAT(message, HasSubstr("training diverged"));
  EXPECT_THAT(message, HasSubstr("try a smaller learning rate"));
}

INSTANTIATE_TEST_SUITE_P(
    All, HugeLearningRate,
    ::testing::Values(Divergence{nn::Activation::Linear, 1e6f, 100},
                      Divergence{nn::Activation::LeakyReLU, 1e6f, 100},
                      Divergence{nn::Activation::ReLU, 1e37f, 100},
                      Divergence{nn::Activation::Sigmoid, 3e38f, 100},
                      Divergence{nn::Activation::Tanh, 3e38f, 100},
                      // One batch per epoch: the bad update is the epoch's last.
                      Divergence{nn::Activation::ReLU, 3e38f, 10}),
    [](const auto& c) {
      std::string name(nn::activation_name(c.param.activation));
      std::erase(name, '-');
      const float lr = c.param.learning_rate;
      return name + (lr > 1e38f ? "_3e38" : lr > 1e10f ? "_1e37" : "_1e6") +
             (c.param.samples == 10 ? "_one_batch" : "");
    });

// With ReLU, 1e6 kills the hidden units instead of overflowing: the loss sits near
// 90 bits per sample and stays finite. Training must stop once a whole epoch has run
// through a dead layer, naming the learning rate, with the weights still finite.
TEST(Sgd, HugeLearningRateWithReluStopsWhenTheUnitsDie) {
  nn::Rng rng(12);
  const nn::Dataset data = noise_data(100, rng);
  nn::Network net({784, 30, 10}, nn::Activation::ReLU);
  nn::initialize(net, nn::Initialization::Default, rng);
  std::string error;
  for (int epoch = 0; epoch < 3 && error.empty(); ++epoch) {
    try {
      nn::train_epoch(net, data, {1e6f, 10, true}, rng);
    } catch (const nn::Error& e) {
      error = e.what();
    }
  }
  EXPECT_THAT(error, HasSubstr("training collapsed: every unit of hidden layer 1 output 0 for every sample"));
  EXPECT_THAT(error, HasSubstr("try a smaller learning rate (now 1e+06)"));
  EXPECT_TRUE(all_finite(net));
}

// The collapse check looks at every hidden layer, and only at ReLU layers: a network
// whose second hidden layer is dead from the start (biases -100) is stopped after one
// epoch; the same with tanh units (never exactly 0 here) trains on.
TEST(Sgd, ADeadReluLayerIsReportedByNumber) {
  const nn::Dataset data = one_hot_data(20);
  for (const nn::Activation activation : {nn::Activation::ReLU, nn::Activation::Tanh}) {
    nn::Network net({10, 6, 5, 10}, activation);
    nn::Rng rng(4);
    nn::initialize(net, nn::Initialization::Xavier, rng);
    net.layers()[1].b.setConstant(-100.0f);
    if (activation == nn::Activation::ReLU) {
      EXPECT_THAT(nn::test::error_of([&] { nn::train_epoch(net, data, {0.01f, 5, true}, rng); }),
                  HasSubstr("every unit of hidden layer 2 output 0"));
    } else {
      EXPECT_NO_THROW(nn::train_epoch(net, data, {0.01f, 5, true}, rng));
    }
  }
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
