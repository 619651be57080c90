// Training runs: an epoch against manual steps, options checked once, divergence and
// dead units stopped, learning-rate schedule, early stopping with the best epoch restored.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numeric>

#include "nn/backward.hpp"
#include "nn/fit.hpp"
#include "nn/init.hpp"
#include "nn/softmax.hpp"
#include "step.hpp"  // internal (libnn/src): train_epoch
#include "test_data.hpp"
#include "test_util.hpp"

namespace {

using ::testing::HasSubstr;
using nn::test::all_finite;
using nn::test::noise_data;
using nn::test::one_hot_data;
using nn::test::sparse_noise_data;

// One epoch of train_epoch with plain SGD (fresh optimiser state and workspace).
double one_epoch(nn::Network& net, const nn::Dataset& data, float learning_rate, int batch_size, bool shuffle, nn::Rng& rng,
             const std::function<void(std::size_t, std::size_t)>& on_batch = {}) {
  nn::FitOptions options;
  options.sgd.learning_rate = learning_rate;
  options.batch_size = batch_size;
  options.shuffle = shuffle;
  nn::Sgd sgd = options.sgd;
  nn::StepWorkspace ws;
  return nn::train_epoch(net, data, options, sgd, rng, ws, on_batch);
}

TEST(Fit, TrainEpochRejectsBadOptions) {
  const nn::Dataset data = one_hot_data(20);
  nn::Network net({10, 10}, nn::Activation::ReLU);
  nn::Rng rng(1);
  EXPECT_THAT(nn::test::error_of([&] { one_epoch(net, data, 0.1f, 0, true, rng); }),
              HasSubstr("batch size must be at least 1"));
  EXPECT_THAT(nn::test::error_of([&] { one_epoch(net, data, 0.1f, -5, true, rng); }),
              HasSubstr("batch size must be at least 1"));
  for (float lr : {0.0f, -0.01f, NAN}) {
    EXPECT_THAT(nn::test::error_of([&] { one_epoch(net, data, lr, 10, true, rng); }),
                HasSubstr("learning rate must be greater than 0"))
        << lr;
  }
  EXPECT_TRUE(net.layers()[0].W.isZero());  // nothing was trained
}

// With shuffling off, an epoch is exactly: for each batch in file order, backward + step.
// The returned loss is the mean over samples of the pre-update batch losses, in bits.
TEST(Fit, TrainEpochInFileOrderEqualsManualSteps) {
  const nn::Dataset data = one_hot_data(25);  // batches of 10, 10, 5
  nn::Network trained({10, 8, 10}, nn::Activation::Sigmoid);
  nn::Rng init_rng(9);
  nn::initialize(trained, nn::Initialization::Default, init_rng);
  nn::Network manual = trained;

  std::vector<std::pair<std::size_t, std::size_t>> calls;
  nn::Rng rng(1);
  const double loss = one_epoch(trained, data, 0.05f, 10, false, rng, [&](std::size_t done, std::size_t total) {
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

TEST(Fit, TrainingLearnsASimpleProblem) {
  const nn::Dataset data = one_hot_data(100);
  nn::Network net({10, 16, 10}, nn::Activation::ReLU);
  nn::Rng rng(3);
  nn::initialize(net, nn::Initialization::Xavier, rng);
  const double before = nn::evaluate(net, data).loss;
  double loss = 0;
  for (int epoch = 0; epoch < 30; ++epoch) loss = one_epoch(net, data, 0.05f, 10, true, rng);
  const nn::Evaluation ev = nn::evaluate(net, data);
  EXPECT_LT(loss, before / 4);
  EXPECT_LT(ev.loss, 0.1);  // bits per sample
  EXPECT_EQ(ev.mistakes, 0u);
  EXPECT_DOUBLE_EQ(ev.accuracy(), 1.0);
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
      one_epoch(net, data, p.learning_rate, 10, true, rng);
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
TEST(Fit, HugeLearningRateWithReluStopsWhenTheUnitsDie) {
  nn::Rng rng(12);
  const nn::Dataset data = noise_data(100, rng);
  nn::Network net({784, 30, 10}, nn::Activation::ReLU);
  nn::initialize(net, nn::Initialization::Default, rng);
  std::string error;
  for (int epoch = 0; epoch < 3 && error.empty(); ++epoch) {
    try {
      one_epoch(net, data, 1e6f, 10, true, rng);
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
TEST(Fit, ADeadReluLayerIsReportedByNumber) {
  const nn::Dataset data = one_hot_data(20);
  for (const nn::Activation activation : {nn::Activation::ReLU, nn::Activation::Tanh}) {
    nn::Network net({10, 6, 5, 10}, activation);
    nn::Rng rng(4);
    nn::initialize(net, nn::Initialization::Xavier, rng);
    net.layers()[1].b.setConstant(-100.0f);
    if (activation == nn::Activation::ReLU) {
      EXPECT_THAT(nn::test::error_of([&] { one_epoch(net, data, 0.01f, 5, true, rng); }),
                  HasSubstr("every unit of hidden layer 2 output 0"));
    } else {
      EXPECT_NO_THROW(one_epoch(net, data, 0.01f, 5, true, rng));
    }
  }
}

// Every setting is checked once, by FitOptions::validate, with the setting's name and value.
TEST(Fit, OptionsAreValidatedWithTheirNames) {
  auto message = [](auto change) {
    nn::FitOptions o;
    change(o);
    return nn::test::error_of([&] { o.validate(); });
  };
  EXPECT_NO_THROW(nn::FitOptions{}.validate());
  EXPECT_THAT(message([](nn::FitOptions& o) { o.batch_size = 0; }), HasSubstr("batch size must be at least 1, got 0"));
  EXPECT_THAT(message([](nn::FitOptions& o) { o.epochs = 0; }), HasSubstr("number of epochs must be at least 1, got 0"));
  EXPECT_THAT(message([](nn::FitOptions& o) { o.max_epochs = -1; }), HasSubstr("maximum number of epochs"));
  EXPECT_THAT(message([](nn::FitOptions& o) { o.epsilon = -1; }), HasSubstr("epsilon (early stopping) must be 0 or more"));
  EXPECT_THAT(message([](nn::FitOptions& o) { o.lr_decay = 0; }), HasSubstr("learning-rate decay must be in (0, 1], got 0"));
  EXPECT_THAT(message([](nn::FitOptions& o) { o.lr_decay = 1.5f; }), HasSubstr("got 1.5"));
  EXPECT_THAT(message([](nn::FitOptions& o) { o.sgd.momentum = -0.5f; }), HasSubstr("momentum must be in [0, 1)"));
  EXPECT_THAT(message([](nn::FitOptions& o) { o.augment = nn::AugmentOptions{}; o.augment->max_scale = 1; }),
              HasSubstr("max_scale must be < 1"));
}

// The schedule: epoch e trains with lr * decay^(e-1); the weights are those of epochs
// run one by one with those rates, bit for bit, and the history records each rate.
TEST(Fit, LearningRateDecaysAfterEveryEpoch) {
  const nn::Dataset data = one_hot_data(30);
  nn::Network init({10, 8, 10}, nn::Activation::ReLU);
  nn::Rng init_rng(21);
  nn::initialize(init, nn::Initialization::Xavier, init_rng);

  nn::Network fitted = init;
  nn::FitOptions options;
  options.sgd.learning_rate = 0.1f;
  options.batch_size = 7;
  options.epochs = 3;
  options.lr_decay = 0.5f;
  nn::Rng rng(5);
  std::vector<int> seen;
  nn::FitCallbacks callbacks;
  callbacks.on_epoch = [&](const nn::EpochReport& r) { seen.push_back(r.epoch); };
  const nn::FitResult result = nn::fit(fitted, data, &data, options, rng, callbacks);
  ASSERT_EQ(result.history.size(), 3u);
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
  EXPECT_FLOAT_EQ(result.history[0].learning_rate, 0.1f);
  EXPECT_FLOAT_EQ(result.history[1].learning_rate, 0.05f);
  EXPECT_FLOAT_EQ(result.history[2].learning_rate, 0.025f);
  EXPECT_EQ(result.best_epoch, 3);
  EXPECT_FALSE(result.stopped_early);
  for (const auto& r : result.history) {
    ASSERT_TRUE(r.validation.has_value());
    EXPECT_EQ(r.validation->samples, 30u);
  }

  nn::Network manual = init;
  nn::Rng manual_rng(5);
  nn::Sgd sgd = options.sgd;
  nn::StepWorkspace ws;
  for (float lr : {0.1f, 0.05f, 0.025f}) {
    sgd.learning_rate = lr;
    nn::train_epoch(manual, data, options, sgd, manual_rng, ws);
  }
  for (std::size_t k = 0; k < 2; ++k) EXPECT_TRUE(fitted.layers()[k].W == manual.layers()[k].W) << "layer " << k;
  EXPECT_NEAR(result.history[2].validation->loss, nn::evaluate(manual, data).loss, 1e-12);
}

// Early stopping: a validation set whose labels contradict the training set gets worse
// as training gets better, so the validation loss soon rises. The run stops at the
// first rise; the network returned is the best epoch's (lowest validation loss before
// the rise), bit for bit the same as a run of just that many epochs.
TEST(Fit, EarlyStoppingRestoresTheBestEpoch) {
  const nn::Dataset train = one_hot_data(40);
  nn::Dataset contrary = train;
  for (auto& label : contrary.labels) label = static_cast<std::uint8_t>((label + 1) % 10);
  nn::Network init({10, 12, 10}, nn::Activation::ReLU);
  nn::Rng init_rng(3);
  nn::initialize(init, nn::Initialization::Xavier, init_rng);

  nn::FitOptions options;
  options.sgd.learning_rate = 0.05f;
  options.batch_size = 8;
  options.epsilon = 0;
  options.max_epochs = 20;
  nn::Network stopped = init;
  nn::Rng rng(8);
  const nn::FitResult result = nn::fit(stopped, train, &contrary, options, rng);
  ASSERT_TRUE(result.stopped_early);
  const auto& h = result.history;
  ASSERT_GE(h.size(), 2u);
  EXPECT_GE(h.back().validation->loss, h[h.size() - 2].validation->loss);  // the rise that stopped it
  for (std::size_t e = 1; e + 1 < h.size(); ++e) {
    EXPECT_LT(h[e].validation->loss, h[e - 1].validation->loss) << "no rise before epoch " << h.size();
  }
  const int best = static_cast<int>(h.size()) - 1;  // the epoch before the rise had the lowest loss
  EXPECT_EQ(result.best_epoch, best);

  nn::Network replay = init;
  nn::Rng replay_rng(8);
  options.epochs = best;
  nn::fit(replay, train, &contrary, options, replay_rng);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_TRUE(stopped.layers()[k].W == replay.layers()[k].W) << "layer " << k;
    EXPECT_TRUE(stopped.layers()[k].b == replay.layers()[k].b) << "layer " << k;
  }
  // And it is not the last epoch's network.
  EXPECT_NEAR(nn::evaluate(stopped, contrary).loss, h[static_cast<std::size_t>(best) - 1].validation->loss, 1e-9);
}

// A validation loss that keeps falling never stops early: max_epochs bounds the run.
TEST(Fit, EarlyStoppingIsBoundedByMaxEpochs) {
  const nn::Dataset data = one_hot_data(40);
  nn::Network net({10, 12, 10}, nn::Activation::ReLU);
  nn::Rng rng(3);
  nn::initialize(net, nn::Initialization::Xavier, rng);
  nn::FitOptions options;
  options.sgd.learning_rate = 0.02f;
  options.batch_size = 8;
  options.max_epochs = 4;
  const nn::FitResult result = nn::fit(net, data, &data, options, rng);
  EXPECT_FALSE(result.stopped_early);
  EXPECT_EQ(result.history.size(), 4u);
  EXPECT_EQ(result.best_epoch, 4);
  EXPECT_LT(result.history[3].validation->loss, result.history[0].validation->loss);
}

TEST(Fit, EarlyStoppingNeedsAValidationSet) {
  const nn::Dataset data = one_hot_data(10);
  nn::Network net({10, 10}, nn::Activation::ReLU);
  nn::Rng rng(1);
  EXPECT_THAT(nn::test::error_of([&] { nn::fit(net, data, nullptr, nn::FitOptions{}, rng); }),
              HasSubstr("early stopping needs a validation set"));
}

// fit() stops a diverging run with the step's message, and never reports it as trained.
TEST(Fit, StopsADivergingRun) {
  nn::Rng rng(11);
  const nn::Dataset data = noise_data(100, rng);
  nn::Network net({784, 30, 10}, nn::Activation::Linear);
  nn::initialize(net, nn::Initialization::Default, rng);
  nn::FitOptions options;
  options.sgd.learning_rate = 1e6f;
  options.batch_size = 10;
  options.epochs = 5;
  int epochs_reported = 0;
  nn::FitCallbacks callbacks;
  callbacks.on_epoch = [&](const nn::EpochReport&) { ++epochs_reported; };
  EXPECT_THAT(nn::test::error_of([&] { nn::fit(net, data, nullptr, options, rng, callbacks); }),
              HasSubstr("training diverged"));
  EXPECT_EQ(epochs_reported, 0);
}

}  // namespace

// Finite weights whose outputs could overflow float are a diverged run too: fit() never
// returns a network that the model readers would refuse. One step from zero weights at a
// learning rate of 3e38 (all 10 probabilities 0.1, label 1) moves class 1's weights and
// bias by 0.9 x 3e38 = 2.7e38 (finite), so output 1 can reach 2.7e38 x (2 inputs + 1) =
// 8.1e38, past the largest float.
TEST(Fit, RefusesAResultWhoseOutputsCouldOverflow) {
  nn::Dataset data;
  data.features = 2;
  data.pixels = {255, 255};
  data.labels = {1};
  nn::Network net({2, 10}, nn::Activation::ReLU);
  nn::FitOptions options;
  options.sgd.learning_rate = 3e38f;
  options.batch_size = 1;
  options.epochs = 1;
  options.shuffle = false;
  nn::Rng rng(1);
  const std::string message = nn::test::error_of([&] { nn::fit(net, data, nullptr, options, rng); });
  EXPECT_THAT(message, HasSubstr("training diverged: W0: with inputs in [0, 1], output 1 of layer 0 can reach 8.1e+38, "
                                 "beyond the largest float"));
  EXPECT_THAT(message, HasSubstr("try a smaller learning rate"));
  EXPECT_TRUE(all_finite(net));  // finite weights: only the bound on the outputs caught it
}
