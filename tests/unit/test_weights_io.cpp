// The weights JSON: exact round trips, the original's layout, rejection of malformed
// files with a message naming the source and the problem, and atomic saving.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <filesystem>

#include "nn/random.hpp"
#include "nn/forward.hpp"
#include "nn/weights_io.hpp"
#include "test_util.hpp"

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Weights with random bit patterns: every exponent, subnormals included, plus edge values.
nn::Network random_bits_network(std::uint64_t seed) {
  nn::Network net({7, 5, 3}, nn::Activation::ReLU);
  nn::Rng rng(seed);
  auto fill = [&](float* v, Eigen::Index n) {
    for (Eigen::Index i = 0; i < n; ++i) {
      do v[i] = std::bit_cast<float>(static_cast<std::uint32_t>(rng.next_u64()));
      while (!std::isfinite(v[i]));
    }
  };
  for (nn::Layer& l : net.layers()) {
    fill(l.W.data(), l.W.size());
    fill(l.b.data(), l.b.size());
  }
  Eigen::MatrixXf& w = net.layers()[0].W;
  const float edges[] = {0.0f, -0.0f, FLT_MIN, -FLT_MAX, FLT_MAX, FLT_TRUE_MIN, -FLT_TRUE_MIN,
                         1.0f, 16777216.0f, 123456792.0f, 0.1f, 1e-40f, 3.4e38f};
  for (std::size_t i = 0; i < std::size(edges); ++i) w(static_cast<Eigen::Index>(i)) = edges[i];
  return net;
}

// Bitwise comparison (so -0.0 != 0.0 and the test reports which entry differs).
void expect_bitwise_equal(const nn::Network& a, const nn::Network& b) {
  ASSERT_EQ(a.sizes(), b.sizes());
  for (std::size_t k = 0; k < a.layers().size(); ++k) {
    const nn::Layer& x = a.layers()[k];
    const nn::Layer& y = b.layers()[k];
    for (Eigen::Index i = 0; i < x.W.size(); ++i) {
      EXPECT_EQ(std::bit_cast<std::uint32_t>(x.W(i)), std::bit_cast<std::uint32_t>(y.W(i)))
          << "W" << k << "[" << i << "]: " << x.W(i) << " vs " << y.W(i);
    }
    for (Eigen::Index i = 0; i < x.b.size(); ++i) {
      EXPECT_EQ(std::bit_cast<std::uint32_t>(x.b(i)), std::bit_cast<std::uint32_t>(y.b(i)))
          << "b" << k << "[" << i << "]: " << x.b(i) << " vs " << y.b(i);
    }
  }
}

TEST(WeightsIo, TextRoundTripIsBitwiseExact) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const nn::Network net = random_bits_network(seed);
    const nn::Network back = nn::parse_weights(nn::weights_to_json(net), nn::Activation::Tanh);
    EXPECT_EQ(back.activation(), nn::Activation::Tanh);
    expect_bitwise_equal(net, back);
  }
}

TEST(WeightsIo, FileRoundTripIsBitwiseExact) {
  nn::test::TempDir dir;
  const std::string path = dir.file("w.json");
  const nn::Network net = random_bits_network(4);
  nn::save_weights(net, path);
  expect_bitwise_equal(net, nn::load_weights(path, nn::Activation::ReLU));
  EXPECT_THAT(dir.list(), ElementsAre("w.json"));  // no temporary left behind
  // Saving again replaces the file.
  nn::save_weights(random_bits_network(5), path);
  expect_bitwise_equal(random_bits_network(5), nn::load_weights(path, nn::Activation::ReLU));
  EXPECT_THAT(dir.list(), ElementsAre("w.json"));
}

TEST(WeightsIo, OriginalLayoutIsFlatRowMajorInputsByOutputs) {
  // A 3-2-2 network written by hand as the original wrote it: W_k is (I, O) row-major, so
  // element (i, j) (input i -> output j) is at i * O + j. Keys in any order, any number syntax.
  const std::string json = R"({
    "b1": [0, 0.25],
    "W0": [1, 2.0, 3e0, 4, 5, 6],
    "b0": [0.5, -1],
    "W1": [1, -1, 0, 2.0]
  })";
  nn::test::TempDir dir;
  nn::test::write_file(dir.file("original.json"), json);
  const nn::Network net = nn::load_weights(dir.file("original.json"), nn::Activation::ReLU);
  ASSERT_EQ(net.sizes(), (std::vector<int>{3, 2, 2}));
  // Our W is O x I: W(j, i) = file[i * O + j].
  const Eigen::MatrixXf& W0 = net.layers()[0].W;
  EXPECT_EQ(W0(0, 0), 1);  // i=0 -> j=0
  EXPECT_EQ(W0(1, 0), 2);  // i=0 -> j=1
  EXPECT_EQ(W0(0, 1), 3);  // i=1 -> j=0
  EXPECT_EQ(W0(1, 1), 4);
  EXPECT_EQ(W0(0, 2), 5);
  EXPECT_EQ(W0(1, 2), 6);
  EXPECT_EQ(net.layers()[1].W(1, 0), -1);
  EXPECT_EQ(net.layers()[1].W(1, 1), 2);
  EXPECT_EQ(net.layers()[0].b(1), -1);
  EXPECT_EQ(net.layers()[1].b(1), 0.25f);

  // x = (1, 1, 0): z0_j = sum_i x_i W(i, j) + b0_j = (1 + 3 + 0.5, 2 + 4 - 1) = (4.5, 5) -> relu same.
  // z1 = (4.5*1 + 5*0 + 0, 4.5*(-1) + 5*2 + 0.25) = (4.5, 5.75)
  // p = softmax(4.5, 5.75) = (1/(1+e^1.25), e^1.25/(1+e^1.25)) = (0.2227001, 0.7772999)
  Eigen::MatrixXf x(3, 1);
  x << 1, 1, 0;
  const Eigen::MatrixXf p = nn::predict(net, x);
  EXPECT_NEAR(p(0, 0), 0.2227001f, 1e-6);
  EXPECT_NEAR(p(1, 0), 0.7772999f, 1e-6);

  // And writing it back gives the same flat order.
  EXPECT_THAT(nn::weights_to_json(net), HasSubstr(R"("W0":[1,2,3,4,5,6])"));
  EXPECT_THAT(nn::weights_to_json(net), HasSubstr(R"("W1":[1,-1,0,2])"));
}

struct BadWeights {
  const char* name;
  const char* json;
  const char* problem;
};

const BadWeights kBad[] = {
    {"empty", "", "m.json: is empty"},
    {"blank", "  \n\t", "m.json: is empty"},
    {"invalid_json", R"({"W0": [1, 2,], "b0": [1]})", "m.json: invalid JSON at byte"},
    {"truncated", R"({"W0": [1, 2)", "m.json: invalid JSON at byte"},
    {"not_json", "not json", "m.json: invalid JSON at byte 0 (line 1, column 1): expected a JSON object"},
    {"bad_literal", R"({"W0": [nul], "b0": [1]})", "m.json: invalid JSON at byte 8"},
    {"trailing_garbage", R"({"W0": [1], "b0": [1]} x)", "m.json: invalid JSON at byte"},
    {"array_not_object", "[1, 2]", "m.json: expected a JSON object"},
    {"number_not_object", "42", "m.json: expected a JSON object"},
    {"string_element", R"({"W0": [1, "x"], "b0": [1]})", "m.json: W0[1]: expected a number, got a string"},
    {"null_element", R"({"W0": [1], "b0": [null]})", "m.json: b0[0]: expected a number, got null"},
    {"bool_element", R"({"W0": [true], "b0": [1]})", "m.json: W0[0]: expected a number, got a boolean"},
    {"nested_array", R"({"W0": [[1, 2]], "b0": [1]})", "m.json: W0[0]: expected a number, got a nested array"},
    {"object_element", R"({"W0": [{}], "b0": [1]})", "m.json: W0[0]: expected a number, got an object"},
    {"value_not_array", R"({"W0": 1, "b0": [1]})", "m.json: W0: expected a flat array of numbers, got a number"},
    {"unknown_key", R"({"W0": [1], "b0": [1], "c0": [1]})", "m.json: unexpected key 'c0'"},
    {"leading_zero_key", R"({"W0": [1], "b0": [1], "W01": [1]})", "m.json: unexpected key 'W01'"},
    {"no_layers", "{}", "m.json: no layers"},
    {"missing_b1", R"({"W0": [1, 2], "b0": [1, 2], "W1": [1, 2]})", "m.json: missing b1"},
    {"missing_W0", R"({"b0": [1]})", "m.json: missing W0"},
    {"gap", R"({"W0": [1], "b0": [1], "W2": [1], "b2": [1]})", "m.json: missing W1 and b1"},
    {"empty_bias", R"({"W0": [], "b0": []})", "m.json: b0 is empty"},
    {"w_not_multiple", R"({"W0": [1, 2, 3, 4, 5], "b0": [1, 2]})",
     "m.json: W0 has 5 numbers, expected a multiple of the 2 outputs in b0"},
    // Layer 0 is 3 -> 2 (6 numbers, 2 biases); layer 1 claims 3 inputs (6 numbers, 2 biases).
    {"chain_mismatch", R"({"W0": [1, 2, 3, 4, 5, 6], "b0": [1, 2], "W1": [1, 2, 3, 4, 5, 6], "b1": [1, 2]})",
     "m.json: W1 has 6 numbers = 3 inputs x 2 outputs, but layer 0 gives 2 outputs"},
    {"duplicate_key", R"({"W0": [1], "b0": [1], "W0": [2]})", "m.json: key 'W0' appears twice"},
    // 1e39 does not fit in a float: reading it as infinity would give NaN predictions.
    {"out_of_float_range", R"({"W0": [1e39], "b0": [1]})", "m.json: W0[0]: 1e39 is outside the float range"},
};

void PrintTo(const BadWeights& bad, std::ostream* os) { *os << bad.name << ": " << bad.json; }

class MalformedWeights : public ::testing::TestWithParam<BadWeights> {};

TEST_P(MalformedWeights, RejectedWithSourceAndProblem) {
  const BadWeights& bad = GetParam();
  const std::string msg =
      nn::test::error_of([&] { nn::parse_weights(bad.json, nn::Activation::ReLU, "m.json"); });
  EXPECT_THAT(msg, StartsWith(bad.problem));
}

INSTANTIATE_TEST_SUITE_P(All, MalformedWeights, ::testing::ValuesIn(kBad),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(WeightsIo, LoadNamesTheFile) {
  nn::test::TempDir dir;
  const std::string path = dir.file("bad.json");
  nn::test::write_file(path, R"({"W0": [1], "b0": [1], "W1": [1]})");
  EXPECT_THAT(nn::test::error_of([&] { nn::load_weights(path, nn::Activation::ReLU); }),
              HasSubstr(path + ": missing b1"));
  EXPECT_THAT(nn::test::error_of([&] { nn::load_weights(dir.file("nope.json"), nn::Activation::ReLU); }),
              HasSubstr(dir.file("nope.json") + ": cannot open"));
  nn::test::write_file(path, "");
  EXPECT_THAT(nn::test::error_of([&] { nn::load_weights(path, nn::Activation::ReLU); }),
              HasSubstr(path + ": is empty"));
}

TEST(WeightsIo, SaveIntoMissingFolderThrowsAndLeavesNothing) {
  nn::test::TempDir dir;
  const std::string path = (dir.path() / "missing" / "w.json").string();
  const nn::Network net = random_bits_network(1);
  EXPECT_THAT(nn::test::error_of([&] { nn::save_weights(net, path); }), HasSubstr(path));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing"));
  EXPECT_TRUE(dir.list().empty());
}

TEST(WeightsIo, SaveOntoAFolderThrows) {
  nn::test::TempDir dir;
  EXPECT_THAT(nn::test::error_of([&] { nn::save_weights(random_bits_network(1), dir.path().string()); }),
              HasSubstr("is a directory"));
}

TEST(WeightsIo, FailedSaveLeavesTheOldFileUntouched) {
  nn::test::TempDir dir;
  const std::string path = dir.file("w.json");
  nn::save_weights(random_bits_network(1), path);
  const std::string before = nn::test::read_file(path);

  for (float bad : {NAN, INFINITY, -INFINITY}) {
    nn::Network net = random_bits_network(2);
    net.layers()[1].b(2) = bad;
    EXPECT_THAT(nn::test::error_of([&] { nn::save_weights(net, path); }),
                HasSubstr("b1[2] is not a finite number"));
    EXPECT_EQ(nn::test::read_file(path), before);
    EXPECT_THAT(dir.list(), ElementsAre("w.json"));
  }
}

}  // namespace
