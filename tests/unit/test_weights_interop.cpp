// The weights reader and writer against an independent JSON implementation
// (nlohmann/json): what we write is valid JSON holding the same numbers, and what
// another tool writes (indented, numbers as doubles, exponents) we read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "nn/error.hpp"
#include "nn/init.hpp"
#include "nn/weights_io.hpp"

namespace {

nn::Network random_network() {
  nn::Network net({7, 5, 3}, nn::Activation::ReLU);
  nn::Rng rng(5);
  nn::initialize(net, nn::Initialization::Xavier, rng);
  net.layers()[0].W(1, 2) = 1e-38f;   // tiny
  net.layers()[1].W(0, 4) = -3.4e38f;  // huge
  net.layers()[1].b(2) = 0.1f;         // not exactly representable
  return net;
}

TEST(WeightsInterop, WrittenFileIsValidJsonWithTheSameNumbers) {
  const nn::Network net = random_network();
  const nlohmann::json doc = nlohmann::json::parse(nn::weights_to_json(net));
  ASSERT_EQ(doc.size(), 4u);
  for (std::size_t k = 0; k < net.layers().size(); ++k) {
    const auto& W = net.layers()[k].W;
    const auto& w = doc.at("W" + std::to_string(k));
    ASSERT_EQ(w.size(), static_cast<std::size_t>(W.size()));
    // Flat row-major (I, O): element (i, j) at i * O + j, with W stored O x I.
    for (Eigen::Index i = 0; i < W.cols(); ++i) {
      for (Eigen::Index j = 0; j < W.rows(); ++j) {
        const double text_value = w[static_cast<std::size_t>(i * W.rows() + j)].get<double>();
        EXPECT_EQ(static_cast<float>(text_value), W(j, i)) << "W" << k << "(" << i << ", " << j << ")";
      }
    }
  }
}

TEST(WeightsInterop, ReadsJsonWrittenByAnotherTool) {
  // Doubles, as most tools write them, indented, with exponents and integers.
  nlohmann::json doc;
  doc["W0"] = {0.1, -2.5e-3, 3, 1E2, -0.0, 123456789.0};
  doc["b0"] = {0.30000000000000004, -1};
  const nn::Network net = nn::parse_weights(doc.dump(2), nn::Activation::ReLU, "other.json");
  ASSERT_EQ(net.sizes(), (std::vector<int>{3, 2}));
  const std::vector<double> w = doc["W0"].get<std::vector<double>>();
  for (std::size_t n = 0; n < w.size(); ++n) {
    EXPECT_EQ(net.layers()[0].W(static_cast<Eigen::Index>(n % 2), static_cast<Eigen::Index>(n / 2)),
              static_cast<float>(w[n]));
  }
  EXPECT_EQ(net.layers()[0].b(0), 0.3f);
  EXPECT_EQ(net.layers()[0].b(1), -1.0f);
}

TEST(WeightsInterop, SyntaxErrorsGiveLineAndColumn) {
  const std::string text = "{\n  \"W0\": [1, 2],\n  \"b0\": [1 2]\n}";
  try {
    nn::parse_weights(text, nn::Activation::ReLU, "m.json");
    FAIL() << "no error";
  } catch (const nn::Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("m.json: invalid JSON at byte 29 (line 3, column 12): "
                                               "expected ',' or ']', got '2'"));
  }
}

}  // namespace
