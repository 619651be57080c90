// Fine-tuning with frozen layers (Sgd::frozen_layers): the frozen layers keep their
// weights bit for bit, and the others get exactly the update a full step gives them
// (their gradients do not depend on the layers below being trained).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nn/error.hpp"
#include "nn/fit.hpp"
#include "nn/init.hpp"
#include "step.hpp"  // internal (libnn/src)
#include "test_data.hpp"

namespace {

using ::testing::HasSubstr;

nn::Network small_net() {
  nn::Network net({30, 12, 8, 10}, nn::Activation::ReLU);
  nn::Rng rng(3);
  nn::initialize(net, nn::Initialization::Xavier, rng);
  return net;
}

TEST(FrozenLayers, FrozenKeepTheirWeightsOthersStepAsInAFullStep) {
  const nn::Dataset data = nn::test::sparse_noise_data(16, 30, 9);
  nn::SparseBatch x;
  std::vector<std::uint8_t> labels;
  std::vector<std::uint32_t> all(16);
  for (std::uint32_t i = 0; i < 16; ++i) all[i] = i;
  nn::gather_batch(data, all, x, labels);

  for (int frozen = 1; frozen <= 2; ++frozen) {
    const nn::Network before = small_net();
    nn::Network full = before, tuned = before;
    nn::Sgd full_sgd{0.05f}, tuned_sgd{0.05f};
    tuned_sgd.frozen_layers = frozen;
    nn::StepWorkspace ws_full, ws_tuned;
    const double loss_full = nn::train_step(full, x, labels, full_sgd, ws_full);
    const double loss_tuned = nn::train_step(tuned, x, labels, tuned_sgd, ws_tuned);
    EXPECT_EQ(loss_full, loss_tuned);  // the same forward pass
    for (std::size_t k = 0; k < 3; ++k) {
      const nn::Layer& expected = static_cast<int>(k) < frozen ? before.layers()[k] : full.layers()[k];
      EXPECT_EQ(tuned.layers()[k].W, expected.W) << "frozen " << frozen << ", layer " << k;
      EXPECT_EQ(tuned.layers()[k].b, expected.b) << "frozen " << frozen << ", layer " << k;
    }
    EXPECT_NE(full.layers()[0].W, before.layers()[0].W);  // the full step did change layer 0
  }
}

TEST(FrozenLayers, FitFineTunesOnlyTheLayersAbove) {
  const nn::Dataset data = nn::test::sparse_noise_data(40, 30, 4);
  nn::Network net = small_net();
  const nn::Network before = net;
  nn::FitOptions options;
  options.sgd = nn::Sgd{0.01f};
  options.sgd.frozen_layers = 2;
  options.batch_size = 8;
  options.epochs = 3;
  nn::Rng rng(1);
  nn::fit(net, data, nullptr, options, rng);
  EXPECT_EQ(net.layers()[0].W, before.layers()[0].W);
  EXPECT_EQ(net.layers()[1].b, before.layers()[1].b);
  EXPECT_NE(net.layers()[2].W, before.layers()[2].W);
}

TEST(FrozenLayers, OutOfRangeIsRejected) {
  const nn::Dataset data = nn::test::sparse_noise_data(4, 30, 4);
  nn::FitOptions options;
  options.epochs = 1;
  nn::Rng rng(1);
  nn::Network net = small_net();
  options.sgd.frozen_layers = 3;  // all three layers: nothing left to train
  EXPECT_THAT([&] { nn::fit(net, data, nullptr, options, rng); },
              ::testing::ThrowsMessage<nn::Error>(HasSubstr("3 frozen layers, expected 0 to 2")));
  options.sgd.frozen_layers = -1;
  EXPECT_THAT([&] { nn::fit(net, data, nullptr, options, rng); },
              ::testing::ThrowsMessage<nn::Error>(HasSubstr("frozen layers must be 0 or more, got -1")));
}

}  // namespace
