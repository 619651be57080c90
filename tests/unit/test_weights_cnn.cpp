// The weights JSON of a convolutional network: "input", "layers", C<j> / c<j> per
// convolution, W<k> / b<k> per dense layer; an exact round trip, and malformed files
// rejected with a message naming the source and the problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nn/compact_model.hpp"
#include "nn/forward.hpp"
#include "nn/layer_list.hpp"
#include "nn/onnx_export.hpp"
#include "nn/random.hpp"
#include "nn/weights_io.hpp"
#include "test_util.hpp"

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// 1x6x6 -> conv3x2 (2x4x4) -> pool2 (2x2x2) -> dense3 -> dense2, small random weights.
nn::Network small_cnn() {
  const std::vector<std::string> tokens{"conv3x2", "pool2", "dense3", "dense2"};
  nn::Network net = nn::network_from_layers({1, 6, 6}, tokens, nn::Activation::ReLU);
  std::vector<float> p(static_cast<std::size_t>(net.parameter_count()));
  nn::Rng rng(7);
  for (float& v : p) v = static_cast<float>(static_cast<double>(rng.next_u64() % 2001) / 1000.0 - 1.0);
  nn::set_parameters(net, p);
  return net;
}

TEST(WeightsCnn, RoundTripIsExact) {
  const nn::Network net = small_cnn();
  const std::string json = nn::weights_to_json(net);
  EXPECT_THAT(json, StartsWith(R"({"input":[1,6,6],)" "\n" R"("layers":["conv3x2","pool2","dense3","dense2"],)"));
  const nn::Network back = nn::parse_weights(json, nn::Activation::ReLU, "m.json");
  EXPECT_EQ(nn::describe(back), "1x6x6 conv3x2 pool2 dense3 dense2");
  EXPECT_EQ(nn::parameters(back), nn::parameters(net));
  EXPECT_EQ(nn::weights_to_json(back), json);
  Eigen::MatrixXf x = Eigen::MatrixXf::Random(36, 3).cwiseAbs();
  EXPECT_EQ(nn::predict(back, x), nn::predict(net, x));
}

TEST(WeightsCnn, ConvolutionWeightsAreOnnxOrder) {
  const nn::Network net = small_cnn();
  const std::string json = nn::weights_to_json(net);
  const nn::ImageLayer& conv = net.image_layers()[0];
  // C0 is (F, C, k, k) row-major: its second number is filter 0, channel 0, row 0, column 1.
  const nn::Network back = nn::parse_weights(json, nn::Activation::ReLU);
  EXPECT_EQ(back.image_layers()[0].W(1, 0), conv.W(1, 0));
  EXPECT_THAT(json, HasSubstr("\"C0\":["));
  EXPECT_THAT(json, HasSubstr("\"c0\":["));
  EXPECT_THAT(json, ::testing::Not(HasSubstr("\"C1\"")));
}

TEST(WeightsCnn, WritersWithoutImageLayersRefuseClearly) {
  const nn::Network net = small_cnn();
  EXPECT_THAT(nn::test::error_of([&] { nn::compact_bytes(net, nn::Encoding::Float32); }),
              HasSubstr("1x6x6 conv3x2 pool2 dense3 dense2"));
  EXPECT_THAT(nn::test::error_of([&] { nn::onnx_bytes(net); }), HasSubstr("1x6x6 conv3x2 pool2 dense3 dense2"));
}

struct BadCnn {
  const char* name;
  std::string (*edit)(std::string);
  const char* problem;
};

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

const BadCnn kBadCnn[] = {
    {"no_input", [](std::string s) { return replace(s, R"("input":[1,6,6],)", ""); }, "m.json: has \"layers\" but no \"input\""},
    {"input_two_numbers", [](std::string s) { return replace(s, "[1,6,6]", "[6,6]"); },
     "m.json: input: expected 3 numbers (channels, height, width), got 2"},
    {"input_fraction", [](std::string s) { return replace(s, "[1,6,6]", "[1,6.5,6]"); }, "m.json: input: expected whole numbers"},
    {"bad_token", [](std::string s) { return replace(s, "\"pool2\"", "\"pool3\""); },
     "m.json: layers: layer 2 'pool3': expected convKxF"},
    {"not_chaining", [](std::string s) { return replace(s, "[1,6,6]", "[1,2,2]"); },
     "m.json: layers: layer 1 'conv3x2': convolution 3x3 on 1x2x2"},
    {"layer_not_string", [](std::string s) { return replace(s, "\"pool2\"", "2"); },
     "m.json: layers[1]: expected a layer name in double quotes, got a number"},
    {"missing_conv", [](std::string s) { return replace(s, "\"C0\"", "\"C9\""); }, "m.json: missing C0 (layer 1 'conv3x2'"},
    {"wrong_conv_count", [](std::string s) { return replace(s, "\"c0\":[", "\"c0\":[1,"); },
     "m.json: c0 has 3 numbers, expected 2 (layer 1 'conv3x2': one bias per filter)"},
    {"wrong_dense_count", [](std::string s) { return replace(s, "\"W0\":[", "\"W0\":[1,"); },
     "m.json: W0 has 25 numbers, expected 24 (layer 3 'dense3': 8 inputs x 3 outputs)"},
    {"extra_conv", [](std::string s) { return replace(s, "\"W0\":", "\"C1\":[1],\"W0\":"); },
     "m.json: unexpected key 'C1': the layer list has 1 convolutions"},
    {"extra_dense", [](std::string s) { return replace(s, "\"W0\":", "\"W5\":[1],\"W0\":"); },
     "m.json: unexpected key 'W5': the layer list has 2 dense layers"},
    {"conv_key_without_layers",
     [](std::string) { return std::string(R"({"W0":[1],"b0":[1],"C0":[1]})"); },
     "m.json: unexpected key 'C0' in a fully connected network"},
    {"duplicate_layers", [](std::string s) { return replace(s, "\"C0\":", "\"layers\":[],\"C0\":"); },
     "m.json: key 'layers' appears twice"},
};

void PrintTo(const BadCnn& bad, std::ostream* os) { *os << bad.name; }

class MalformedCnnWeights : public ::testing::TestWithParam<BadCnn> {};

TEST_P(MalformedCnnWeights, RejectedWithSourceAndProblem) {
  const std::string json = GetParam().edit(nn::weights_to_json(small_cnn()));
  const std::string msg = nn::test::error_of([&] { nn::parse_weights(json, nn::Activation::ReLU, "m.json"); });
  EXPECT_THAT(msg, StartsWith(GetParam().problem));
}

INSTANTIATE_TEST_SUITE_P(All, MalformedCnnWeights, ::testing::ValuesIn(kBadCnn),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
