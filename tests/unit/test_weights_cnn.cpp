// The weights JSON of a convolutional network: "input", "layers", C<j> / c<j> per
// convolution, W<k> / b<k> per dense layer; an exact round trip, and malformed files
// rejected with a message naming the source and the problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compact_layout.hpp"  // internal (libnn/src): the checksum
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

// ONNX Runtime checks the graph's numbers (tests/onnx); here, that it names its parts.
TEST(WeightsCnn, OnnxHasTheImageNodes) {
  const std::string onnx = nn::onnx_bytes(small_cnn());
  for (const char* part : {"Conv", "MaxPool", "Flatten", "Gemm", "Softmax", "digitnn_cnn", "kernel_shape", "pads"}) {
    EXPECT_THAT(onnx, HasSubstr(part));
  }
}

// The compact format's version 2: every encoding reads back to the same layer list,
// float32 exactly, the others within their rounding.
TEST(CompactCnn, RoundTripInEveryEncoding) {
  const nn::Network net = small_cnn();
  Eigen::MatrixXf x = Eigen::MatrixXf::Random(36, 5).cwiseAbs();
  const Eigen::MatrixXf p = nn::predict(net, x);
  for (const std::string& name : nn::encoding_names()) {
    SCOPED_TRACE(name);
    const std::string bytes = nn::compact_bytes(net, nn::parse_encoding(name));
    EXPECT_EQ(bytes[4], 2);  // version 2
    const nn::Network back = nn::parse_compact(bytes, "m.nnm");
    EXPECT_EQ(nn::describe(back), nn::describe(net));
    EXPECT_EQ(back.activation(), net.activation());
    const float tolerance = name == "float32" ? 0.0f : name == "float16" ? 1e-3f : name == "int8" ? 2e-2f : 0.25f;
    EXPECT_LE((nn::predict(back, x) - p).cwiseAbs().maxCoeff(), tolerance);
    if (name == "float32") EXPECT_EQ(nn::parameters(back), nn::parameters(net));
  }
}

TEST(CompactCnn, FullyConnectedNetworksStayVersion1) {
  nn::Network net({3, 2}, nn::Activation::ReLU);
  EXPECT_EQ(nn::compact_bytes(net, nn::Encoding::Float32)[4], 1);
}

// Byte offsets of version 2 (compact_model.hpp): records from byte 24, 8 bytes each.
std::string fixed_checksum(std::string b) {
  const std::uint32_t crc = nn::detail::crc32(std::string_view(b).substr(0, b.size() - 4));
  for (int i = 0; i < 4; ++i) b[b.size() - 4 + static_cast<std::size_t>(i)] = static_cast<char>(crc >> (8 * i));
  return b;
}

std::string compact_error(const std::string& bytes) {
  return nn::test::error_of([&] { nn::parse_compact(bytes, "m.nnm"); });
}

TEST(CompactCnn, BadFilesAreRejectedWithTheirByte) {
  const std::string good = nn::compact_bytes(small_cnn(), nn::Encoding::Int8);
  auto with = [&](std::size_t at, char v) {
    std::string b = good;
    b[at] = v;
    return fixed_checksum(b);
  };
  EXPECT_EQ(compact_error(good.substr(0, 20)),
            "m.nnm: file ends early: a version 2 compact model's header takes 24 bytes, the file has 20");
  EXPECT_EQ(compact_error(good.substr(0, 40)),
            "m.nnm: file ends early: the header's 4 layers take bytes 24..56, the file has 40 bytes");
  EXPECT_THAT(compact_error(good.substr(0, good.size() - 10)),
              StartsWith("m.nnm: file ends early: the header (1x6x6 conv3x2 pool2 dense3 dense2, int8) needs"));
  EXPECT_THAT(compact_error(good + "x"), HasSubstr("1 unexpected bytes after the end of the model"));
  EXPECT_EQ(compact_error(with(24, 7)), "m.nnm: byte 24: layer 1: unknown layer kind 7 (expected 0 dense, 1 conv, 2 pool)");
  EXPECT_EQ(compact_error(with(25, 2)), "m.nnm: byte 25: layer 1: unknown padding 2 (expected 0 valid, 1 same)");
  EXPECT_EQ(compact_error(with(8, 0)), "m.nnm: byte 8: expected 1..64 layers, got 0");
  EXPECT_EQ(compact_error(with(16, 0)), "m.nnm: byte 16: input height is 0 (expected 1..65536)");
  // A 2x2 input: the 3x3 kernel does not fit, the geometry does not chain.
  EXPECT_THAT(compact_error(with(20, 2)),
              StartsWith("m.nnm: byte 24: layer 1 'conv3x2': convolution 3x3 on 1x6x2"));
  // The last layer, dense2, made a pooling layer: an image layer after a dense one.
  EXPECT_EQ(compact_error(with(48, 2)),
            "m.nnm: byte 48: layer 4: an image layer after a dense layer (convolutions and pooling come first)");
  // dense3 told it has 4 units: the data no longer matches the header.
  EXPECT_THAT(compact_error(with(44, 4)),
              StartsWith("m.nnm: file ends early: the header (1x6x6 conv3x2 pool2 dense4 dense2, int8) needs"));
  std::string corrupt = good;
  corrupt[60] = static_cast<char>(corrupt[60] ^ 1);
  EXPECT_THAT(compact_error(corrupt), HasSubstr("checksum mismatch"));
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
