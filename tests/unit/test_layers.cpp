// Networks with image layers (convolutions, max-pooling) before the dense ones: layer
// lists as text, the reference backward pass and the input gradient against central
// differences, the training step against the reference, the number of threads, and
// fit() on digits-like data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "nn/backward.hpp"
#include "nn/fit.hpp"
#include "nn/init.hpp"
#include "nn/layer_list.hpp"
#include "nn/softmax.hpp"
#include "nn/threads.hpp"
#include "step.hpp"  // internal (libnn/src): the step fit() runs
#include "test_data.hpp"
#include "test_util.hpp"

namespace {

using ::testing::HasSubstr;
using nn::test::error_of;

nn::Network make(nn::Shape input, const std::vector<std::string>& tokens, nn::Activation a = nn::Activation::ReLU) {
  return nn::network_from_layers(input, tokens, a);
}

// Every parameter uniform in [-scale, scale], biases small and positive (ReLU units
// mostly on), inputs in [0, 1].
void randomize(nn::Network& net, std::uint64_t seed, float scale) {
  nn::Rng rng(seed);
  for (nn::ImageLayer& l : net.image_layers()) {
    for (Eigen::Index i = 0; i < l.W.size(); ++i) l.W(i) = rng.uniform(-scale, scale);
    for (Eigen::Index i = 0; i < l.b.size(); ++i) l.b(i) = rng.uniform(0.0f, 0.2f);
  }
  for (nn::Layer& l : net.layers()) {
    for (Eigen::Index i = 0; i < l.W.size(); ++i) l.W(i) = rng.uniform(-scale, scale);
    for (Eigen::Index i = 0; i < l.b.size(); ++i) l.b(i) = rng.uniform(0.0f, 0.2f);
  }
}

Eigen::MatrixXf random_inputs(int rows, int cols, std::uint64_t seed) {
  nn::Rng rng(seed);
  Eigen::MatrixXf x(rows, cols);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = rng.uniform(0.0f, 1.0f);
  return x;
}

TEST(LayerList, BuildsTheShapesItNames) {
  const nn::Network net = make({1, 28, 28}, {"conv5x16", "pool2", "conv5x32", "pool2", "dense128", "dense10"});
  ASSERT_EQ(net.image_layers().size(), 4u);
  EXPECT_EQ(net.image_layers()[0].out(), (nn::Shape{16, 24, 24}));
  EXPECT_EQ(net.image_layers()[1].out(), (nn::Shape{16, 12, 12}));
  EXPECT_EQ(net.image_layers()[2].out(), (nn::Shape{32, 8, 8}));
  EXPECT_EQ(net.image_layers()[3].out(), (nn::Shape{32, 4, 4}));
  EXPECT_EQ(net.sizes(), (std::vector<int>{512, 128, 10}));
  EXPECT_EQ(net.inputs(), 784);
  EXPECT_EQ(net.outputs(), 10);
  EXPECT_EQ(net.layer_count(), 6u);
  EXPECT_EQ(net.parameter_count(), (25 * 16 + 16) + (400 * 32 + 32) + (512 * 128 + 128) + (128 * 10 + 10));
  EXPECT_EQ(nn::describe(net), "1x28x28 conv5x16 pool2 conv5x32 pool2 dense128 dense10");

  const nn::Network same = make({1, 28, 28}, {"conv3x8:same", "pool2", "dense10"});
  EXPECT_EQ(same.image_layers()[0].out(), (nn::Shape{8, 28, 28}));
  EXPECT_EQ(same.sizes().front(), 8 * 14 * 14);
  EXPECT_EQ(nn::layer_list(same), (std::vector<std::string>{"conv3x8:same", "pool2", "dense10"}));

  // Only dense layers: the fully connected network of those sizes.
  const nn::Network dense = make({1, 28, 28}, {"dense500", "dense10"});
  EXPECT_TRUE(dense.is_dense());
  EXPECT_EQ(dense.sizes(), (std::vector<int>{784, 500, 10}));
  EXPECT_EQ(nn::describe(dense), "784-500-10");
}

TEST(LayerList, BadTokensAreNamed) {
  const nn::Shape in{1, 28, 28};
  EXPECT_EQ(error_of([&] { make(in, {"conv5x16", "conv5", "dense10"}); }),
            "layer 2 'conv5': expected convKxF, convKxF:same, pool2 or denseN (e.g. conv5x16, dense128)");
  EXPECT_THAT(error_of([&] { make(in, {"dense0"}); }), HasSubstr("layer 1 'dense0': expected"));
  EXPECT_THAT(error_of([&] { make(in, {"pool3", "dense10"}); }), HasSubstr("layer 1 'pool3'"));
  EXPECT_THAT(error_of([&] { make(in, {"conv5x8:valid", "dense10"}); }), HasSubstr("layer 1 'conv5x8:valid'"));
  EXPECT_EQ(error_of([&] { make(in, {"dense10", "pool2"}); }),
            "layer 2 'pool2': an image layer after a dense layer; convolutions and pooling come first");
  EXPECT_EQ(error_of([&] { make(in, {"conv3x4", "pool2"}); }),
            "the layer list needs at least one dense layer at the end (the classes)");
  EXPECT_EQ(error_of([&] { make(in, {"conv4x4:same", "dense10"}); }),
            "layer 1 'conv4x4:same': convolution 4x4 on 1x28x28: 'same' padding needs an odd kernel side");
  EXPECT_THAT(error_of([&] { make(in, {"pool2", "pool2", "pool2", "pool2", "pool2", "dense10"}); }),
              HasSubstr("layer 5 'pool2': 2x2 max-pooling needs an image of at least 2x2, got 1x1"));
  EXPECT_THAT(error_of([&] { make(in, {"conv29x4", "dense10"}); }), HasSubstr("larger than the image"));
}

TEST(LayerList, ParametersRoundTripInOrder) {
  nn::Network net = make({1, 6, 6}, {"conv3x2", "pool2", "dense3"});
  randomize(net, 3, 0.5f);
  const std::vector<float> all = nn::parameters(net);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(net.parameter_count()));
  EXPECT_EQ(all[0], net.image_layers()[0].W(0, 0));           // conv W first, ONNX (F, C, k, k) order
  EXPECT_EQ(all[9], net.image_layers()[0].W(0, 1));           // filter 1 starts after 9 weights
  EXPECT_EQ(all[18], net.image_layers()[0].b(0));             // then the conv biases
  EXPECT_EQ(all[20], net.layers()[0].W(0, 0));                // then W0
  nn::Network copy = make({1, 6, 6}, {"conv3x2", "pool2", "dense3"});
  nn::set_parameters(copy, all);
  EXPECT_EQ(nn::parameters(copy), all);
}

// The conv weights' bound (output_bounds.hpp) is checked like the dense ones'.
TEST(LayerList, OverflowingConvolutionsAreRefused) {
  nn::Network net = make({1, 6, 6}, {"conv3x2", "pool2", "dense3"});
  std::vector<float> all = nn::parameters(net);
  all[0] = 3e38f;
  all[1] = 3e38f;
  EXPECT_THAT(error_of([&] { nn::set_parameters(net, all, "model.nnm"); }),
              HasSubstr("model.nnm: C0: with inputs in [0, 1], filter 0 of image layer 0 can reach"));
}

// Central differences of the loss (bits) against the reference backward pass (natural
// log, so ln 2 x), for a convolution with 'same' padding, a pooling, a 'valid'
// convolution and two dense layers. Smooth activations: no kinks to fall on. Max-
// pooling's choice must not flip under a 1e-3 change: random inputs make ties unlikely
// and the tolerance covers a rare near-tie.
class CnnGradients : public ::testing::TestWithParam<nn::Activation> {};

TEST_P(CnnGradients, BackwardMatchesCentralDifferences) {
  nn::Network net = make({2, 7, 6}, {"conv3x3:same", "pool2", "conv2x4", "dense5", "dense3"}, GetParam());
  randomize(net, 5, 0.6f);
  const Eigen::MatrixXf x = random_inputs(net.inputs(), 3, 6);
  const std::vector<std::uint8_t> labels{0, 2, 1};
  nn::Activations acts;
  nn::forward(net, x, acts);
  nn::Gradients g;
  nn::backward(net, acts, labels, g);
  ASSERT_EQ(g.image_dW.size(), 3u);

  const auto loss = [&] { return nn::cross_entropy_bits(nn::predict(net, x), labels); };
  const auto numeric = [&](float& param) {
    constexpr float kEps = 1e-3f;
    const float keep = param;
    param = keep + kEps;
    const float up = param;
    const double l_up = loss();
    param = keep - kEps;
    const float down = param;
    const double l_down = loss();
    param = keep;
    return std::numbers::ln2 * (l_up - l_down) / static_cast<double>(up - down);
  };
  const auto expect_close = [](double analytic, double want, const std::string& what) {
    EXPECT_NEAR(analytic, want, 2e-2 * std::max(std::abs(analytic), std::abs(want)) + 2e-3) << what;
  };
  for (std::size_t i : {0u, 2u}) {
    nn::ImageLayer& l = net.image_layers()[i];
    for (Eigen::Index q = 0; q < l.W.size(); ++q) {
      expect_close(g.image_dW[i](q), numeric(l.W(q)), "C" + std::to_string(i) + "[" + std::to_string(q) + "]");
    }
    for (Eigen::Index f = 0; f < l.b.size(); ++f) {
      expect_close(g.image_db[i](f), numeric(l.b(f)), "c" + std::to_string(i) + "[" + std::to_string(f) + "]");
    }
  }
  EXPECT_EQ(g.image_dW[1].size(), 0);  // the pooling has no parameters
  for (std::size_t k = 0; k < 2; ++k) {
    nn::Layer& l = net.layers()[k];
    for (Eigen::Index q = 0; q < l.W.size(); ++q) expect_close(g.dW[k](q), numeric(l.W(q)), "W" + std::to_string(k));
  }
}

// The input gradient of one output's logit through the image layers.
TEST_P(CnnGradients, InputGradientMatchesCentralDifferences) {
  nn::Network net = make({1, 6, 6}, {"conv3x2:same", "pool2", "dense4", "dense3"}, GetParam());
  randomize(net, 8, 0.7f);
  Eigen::MatrixXf x = random_inputs(net.inputs(), 2, 9);
  nn::Activations acts;
  nn::forward(net, x, acts);
  const Eigen::MatrixXf grad = nn::input_gradient(net, acts, 1);
  ASSERT_EQ(grad.rows(), 36);
  ASSERT_EQ(grad.cols(), 2);
  const auto logit = [&](Eigen::Index s) {
    const Eigen::MatrixXf p = nn::predict(net, x);
    // log p_1 - mean log p = logit_1 - mean logit: the softmax's shift cancels.
    return std::log(static_cast<double>(p(1, s))) - p.col(s).array().log().cast<double>().mean();
  };
  for (Eigen::Index s = 0; s < 2; ++s) {
    for (Eigen::Index i = 0; i < 36; ++i) {
      constexpr float kEps = 1e-3f;
      const float keep = x(i, s);
      x(i, s) = keep + kEps;
      const double up = logit(s);
      x(i, s) = keep - kEps;
      const double down = logit(s);
      x(i, s) = keep;
      // d(logit_1 - mean logit)/dx = grad_1 - mean over outputs of grad_k.
      double mean = 0;
      for (int k = 0; k < 3; ++k) mean += nn::input_gradient(net, acts, k)(i, s) / 3.0;
      const double want = (up - down) / (2.0 * kEps);
      EXPECT_NEAR(grad(i, s) - mean, want, 2e-2 * std::abs(want) + 2e-3) << "sample " << s << " pixel " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Activations, CnnGradients,
                         ::testing::Values(nn::Activation::Sigmoid, nn::Activation::Tanh));

// The training step (blocks of samples on threads, the update fused) against the
// reference: forward, backward, apply_gradients; with some layers frozen too.
TEST(CnnStep, MatchesBackwardThenApply) {
  for (int frozen : {0, 1, 2, 3}) {
    nn::Network fused = make({1, 8, 8}, {"conv3x4:same", "pool2", "conv3x4", "dense6", "dense10"});
    nn::Rng rng(21);
    nn::initialize(fused, nn::Initialization::Xavier, rng);
    nn::Network plain = fused;
    const Eigen::MatrixXf x = random_inputs(64, 20, 22);
    std::vector<std::uint8_t> labels;
    for (int i = 0; i < 20; ++i) labels.push_back(static_cast<std::uint8_t>(i % 10));

    nn::Sgd sgd{0.05f};
    sgd.frozen_layers = frozen;
    nn::StepWorkspace ws;
    const double loss = nn::train_step(fused, x, labels, sgd, ws);
    nn::Activations acts;
    EXPECT_NEAR(loss, nn::cross_entropy_bits(nn::forward(plain, x, acts), labels), 1e-4);
    nn::Gradients g;
    nn::backward(plain, acts, labels, g);
    for (std::size_t i = 0; i < 3; ++i) {
      if (static_cast<int>(i) < frozen) {
        g.image_dW[i].setZero();
        g.image_db[i].setZero();
      }
    }
    nn::apply_gradients(plain, g, 0.05f);
    for (std::size_t i = 0; i < 3; ++i) {
      const auto& a = fused.image_layers()[i];
      const auto& b = plain.image_layers()[i];
      EXPECT_TRUE(a.W.isApprox(b.W, 1e-5f)) << "frozen " << frozen << ", image layer " << i;
      EXPECT_TRUE(a.b.isApprox(b.b, 1e-5f)) << "frozen " << frozen << ", image layer " << i;
    }
    for (std::size_t k = 0; k < 2; ++k) {
      EXPECT_TRUE(fused.layers()[k].W.isApprox(plain.layers()[k].W, 1e-5f)) << "frozen " << frozen << ", W" << k;
    }
  }
}

TEST(CnnStep, FrozenLayersCountImageLayersFirst) {
  nn::Network net = make({1, 8, 8}, {"conv3x4", "pool2", "dense10"});
  nn::Rng rng(2);
  nn::initialize(net, nn::Initialization::Xavier, rng);
  const nn::Network before = net;
  const Eigen::MatrixXf x = random_inputs(64, 4, 3);
  const std::vector<std::uint8_t> labels{1, 2, 3, 4};
  nn::Sgd sgd{0.1f};
  sgd.frozen_layers = 2;  // the convolution and the pooling
  nn::StepWorkspace ws;
  nn::train_step(net, x, labels, sgd, ws);
  EXPECT_TRUE(net.image_layers()[0].W == before.image_layers()[0].W);
  EXPECT_FALSE(net.layers()[0].W == before.layers()[0].W);
  sgd.frozen_layers = 3;
  EXPECT_THAT(error_of([&] { nn::train_step(net, x, labels, sgd, ws); }),
              HasSubstr("3 frozen layers, expected 0 to 2 (the network has 3 layers)"));
}

// Digits-like data: each class a bar at its own place, with noise.
nn::Dataset bars(std::size_t n, std::uint64_t seed) {
  nn::Rng rng(seed);
  nn::Dataset d;
  d.source = "bars";
  d.features = 144;
  for (std::size_t i = 0; i < n; ++i) {
    const auto label = static_cast<std::uint8_t>(rng.below(10));
    d.labels.push_back(label);
    for (int y = 0; y < 12; ++y) {
      for (int x = 0; x < 12; ++x) {
        const bool bar = label < 5 ? (y == 1 + 2 * label) : (x == 1 + 2 * (label - 5));
        d.pixels.push_back(static_cast<std::uint8_t>(bar ? 200 + rng.below(56) : rng.below(40)));
      }
    }
  }
  return d;
}

// fit() on a small convolutional network, with momentum and augmentation: it learns,
// and the weights are the same bit for bit on 1 and 3 threads.
TEST(CnnFit, LearnsAndTheNumberOfThreadsDoesNotChangeABit) {
  const nn::Dataset train = bars(600, 1), test = bars(200, 2);
  auto run = [&](int threads) {
    const int saved = nn::threads();
    nn::set_threads(threads);
    nn::Network net = make({1, 12, 12}, {"conv3x6:same", "pool2", "conv3x8", "pool2", "dense24", "dense10"});
    nn::Rng rng(4);
    nn::initialize(net, nn::Initialization::Xavier, rng);
    nn::FitOptions options;
    options.sgd = nn::Sgd(0.002f, 0.9f, 0.0001f);
    options.batch_size = 20;
    options.epochs = 3;
    options.augment = nn::AugmentOptions{1.0f, 5.0f, 0.05f, 0.0f, 0.0f, 4.0f};
    nn::fit(net, train, nullptr, options, rng);
    nn::set_threads(saved);
    return net;
  };
  const nn::Network one = run(1), three = run(3);
  EXPECT_EQ(nn::parameters(one), nn::parameters(three));
  EXPECT_GE(nn::evaluate(one, test).accuracy(), 0.95);
}

}  // namespace
