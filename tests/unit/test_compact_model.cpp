// The compact model format (.nnm): exact float32 round trips, what each lossy encoding
// keeps, the byte layout of the README's table, every rejection with a message naming
// the source, the byte and expected vs got, and atomic saving.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <set>

#include "compact_layout.hpp"  // internal (libnn/src): the checksum
#include "nn/compact_model.hpp"
#include "nn/model_io.hpp"
#include "nn/random.hpp"
#include "nn/weights_io.hpp"
#include "test_util.hpp"

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using nn::Encoding;
using nn::test::error_of;

constexpr Encoding kEncodings[] = {Encoding::Float32, Encoding::Float16, Encoding::Int8, Encoding::Int4,
                                   Encoding::Int4Block32, Encoding::Int4Block64};

// Weights of a trained network's magnitude: uniform in +-0.2, a few outliers, biases +-0.5.
nn::Network random_network(std::vector<int> sizes, std::uint64_t seed,
                           nn::Activation activation = nn::Activation::ReLU) {
  nn::Network net(std::move(sizes), activation);
  nn::Rng rng(seed);
  for (nn::Layer& l : net.layers()) {
    for (Eigen::Index i = 0; i < l.W.size(); ++i) l.W(i) = rng.uniform(-0.2f, 0.2f);
    for (Eigen::Index i = 0; i < l.b.size(); ++i) l.b(i) = rng.uniform(-0.5f, 0.5f);
    l.W(0) = 1.5f;  // an outlier in unit 0's row
  }
  return net;
}

std::string with_checksum(std::string bytes) {  // recomputes the last 4 bytes
  const std::uint32_t c = nn::detail::crc32(std::string_view(bytes).substr(0, bytes.size() - 4));
  for (int i = 0; i < 4; ++i) bytes[bytes.size() - 4 + static_cast<std::size_t>(i)] = static_cast<char>(c >> (8 * i));
  return bytes;
}

void put_u32(std::string& bytes, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes[at + static_cast<std::size_t>(i)] = static_cast<char>(v >> (8 * i));
}

std::string parse_error(const std::string& bytes) {
  return error_of([&] { nn::parse_compact(bytes, "m.nnm"); });
}

TEST(CompactModel, Float32RoundTripIsBitwiseExact) {
  const nn::Network net = random_network({7, 5, 3}, 1, nn::Activation::Tanh);
  const nn::Network back = nn::parse_compact(nn::compact_bytes(net, Encoding::Float32));
  ASSERT_EQ(back.sizes(), net.sizes());
  EXPECT_EQ(back.activation(), nn::Activation::Tanh);
  for (std::size_t k = 0; k < net.layers().size(); ++k) {
    for (Eigen::Index i = 0; i < net.layers()[k].W.size(); ++i) {
      EXPECT_EQ(std::bit_cast<std::uint32_t>(back.layers()[k].W(i)), std::bit_cast<std::uint32_t>(net.layers()[k].W(i)));
    }
    EXPECT_EQ(back.layers()[k].b, net.layers()[k].b);
  }
}

TEST(CompactModel, StoresEveryActivation) {
  for (const std::string& name : nn::activation_names()) {
    const nn::Activation a = nn::parse_activation(name);
    for (Encoding e : kEncodings) {
      EXPECT_EQ(nn::parse_compact(nn::compact_bytes(random_network({4, 3, 2}, 2, a), e)).activation(), a) << name;
    }
  }
}

// The README's byte table, checked on a 3-2-2 int4 model: every field at its offset.
TEST(CompactModel, ByteLayoutMatchesTheDocumentedTable) {
  nn::Network net({3, 2, 2}, nn::Activation::Sigmoid);
  net.layers()[0].W << 0.7f, -0.1f, 0.0f,  // unit 0: weights of inputs 0, 1, 2
      0.0f, 0.35f, -0.7f;                  // unit 1
  net.layers()[0].b << 0.5f, -2.0f;
  net.layers()[1].W.setConstant(1.0f);
  net.layers()[1].b.setZero();
  const std::string b = nn::compact_bytes(net, Encoding::Int4);
  ASSERT_EQ(b.size(), 12u + 3 * 4 + (2 * 4 + 2 * 4 + 3) + (2 * 4 + 2 * 4 + 2) + 4);
  EXPECT_EQ(b.substr(0, 4), std::string("\x89NNM", 4));
  EXPECT_EQ(b[4], 1);                 // version, u16 little-endian
  EXPECT_EQ(b[5], 0);
  EXPECT_EQ(b[6], 3);                 // int4
  EXPECT_EQ(b[7], 1);                 // sigmoid
  EXPECT_EQ(b.substr(8, 4), std::string("\x03\0\0\0", 4));  // n = 3 sizes
  EXPECT_EQ(b.substr(12, 12), std::string("\x03\0\0\0\x02\0\0\0\x02\0\0\0", 12));
  EXPECT_EQ(b.substr(24, 4), std::string("\0\0\0\x3F", 4));  // b0[0] = 0.5f
  float scale0 = 0;                                         // unit 0's scale, after the 2 biases
  std::memcpy(&scale0, b.data() + 32, 4);
  EXPECT_FLOAT_EQ(scale0, 0.1f);  // 0.7 / 7: max|w| of the row, no outliers to clip
  // Codes in the file's order, index i O + j (input i, unit j), two per byte, even index low:
  EXPECT_EQ(static_cast<unsigned char>(b[40]) & 0xF, 7u);    // input 0, unit 0: 0.7 -> +7
  EXPECT_EQ(static_cast<unsigned char>(b[40]) >> 4, 0u);     // input 0, unit 1: 0 -> 0
  EXPECT_EQ(static_cast<unsigned char>(b[41]) & 0xF, 0xFu);  // input 1, unit 0: -0.1 -> -1 (two's complement)
  EXPECT_EQ(nn::detail::crc32(std::string_view(b).substr(0, b.size() - 4)),
            static_cast<std::uint32_t>(static_cast<unsigned char>(b[b.size() - 4])) |
                static_cast<std::uint32_t>(static_cast<unsigned char>(b[b.size() - 3])) << 8 |
                static_cast<std::uint32_t>(static_cast<unsigned char>(b[b.size() - 2])) << 16 |
                static_cast<std::uint32_t>(static_cast<unsigned char>(b[b.size() - 1])) << 24);
  EXPECT_EQ(nn::detail::crc32("123456789"), 0xCBF43926u);  // the standard CRC-32 check value
}

TEST(CompactModel, FileSizesFollowTheEncoding) {
  const nn::Network net = random_network({784, 500, 300, 100, 10}, 3);
  const std::size_t weights = 784 * 500 + 500 * 300 + 300 * 100 + 100 * 10, units = 910;
  const std::size_t header = 12 + 5 * 4 + 4;
  EXPECT_EQ(nn::compact_bytes(net, Encoding::Float32).size(), header + 4 * units + 4 * weights);
  EXPECT_EQ(nn::compact_bytes(net, Encoding::Float16).size(), header + 4 * units + 2 * weights);
  EXPECT_EQ(nn::compact_bytes(net, Encoding::Int8).size(), header + 8 * units + weights);
  EXPECT_EQ(nn::compact_bytes(net, Encoding::Int4).size(), header + 8 * units + weights / 2);
  const std::size_t blocks = 500 * 25 + 300 * 16 + 100 * 10 + 10 * 4;  // units x ceil(I / 32)
  EXPECT_EQ(nn::compact_bytes(net, Encoding::Int4Block32).size(), header + 4 * units + 2 * blocks + weights / 2);
  const std::size_t blocks64 = 500 * 13 + 300 * 8 + 100 * 5 + 10 * 2;  // units x ceil(I / 64)
  EXPECT_EQ(nn::compact_bytes(net, Encoding::Int4Block64).size(), header + 4 * units + 2 * blocks64 + weights / 2);
}

// Lossy encodings: float16 rounds each weight to 11 significant bits; int8 / int4 give
// each output unit at most 255 / 15 distinct values (int4-b32: each block of 32 inputs),
// each within half a step of the weight unless clipped. Biases stay float32.
TEST(CompactModel, LossyEncodingsStayCloseToTheWeights) {
  const nn::Network net = random_network({70, 20, 10}, 4);
  for (Encoding e : {Encoding::Float16, Encoding::Int8, Encoding::Int4, Encoding::Int4Block32, Encoding::Int4Block64}) {
    SCOPED_TRACE(std::string(nn::encoding_name(e)));
    const nn::Network back = nn::parse_compact(nn::compact_bytes(net, e));
    for (std::size_t k = 0; k < net.layers().size(); ++k) {
      const Eigen::MatrixXf& w = net.layers()[k].W;
      const Eigen::MatrixXf& q = back.layers()[k].W;
      EXPECT_EQ(back.layers()[k].b, net.layers()[k].b);
      for (Eigen::Index j = 0; j < w.rows(); ++j) {
        const float max = w.row(j).cwiseAbs().maxCoeff();
        std::set<float> values;
        for (Eigen::Index i = 0; i < w.cols(); ++i) values.insert(q(j, i));
        const double mean_error = (w.row(j) - q.row(j)).cwiseAbs().mean();
        if (e == Encoding::Float16) {
          for (Eigen::Index i = 0; i < w.cols(); ++i) {
            // half of the last place: 2^-11 relative, 2^-25 among the subnormals
            EXPECT_LE(std::abs(w(j, i) - q(j, i)), std::max(std::abs(w(j, i)) * 0x1p-11f, 0x1p-25f));
          }
        } else {
          const int levels = e == Encoding::Int8 ? 127 : 7;
          const std::size_t span = e == Encoding::Int4Block32 ? 32 : e == Encoding::Int4Block64 ? 64 : 0;
          const std::size_t blocks = span ? (static_cast<std::size_t>(w.cols()) + span - 1) / span : 1;
          EXPECT_LE(values.size(), blocks * static_cast<std::size_t>(2 * levels + 1));
          EXPECT_LE(q.row(j).cwiseAbs().maxCoeff(), max * 1.001f);  // int4-b32: scales rounded to float16
          EXPECT_LE(mean_error, max / static_cast<float>(levels) / 2) << "unit " << j;  // at most half a step, on average
        }
      }
    }
  }
}

TEST(CompactModel, Float16KeepsExactValuesAndRefusesHugeOnes) {
  nn::Network net({2, 2}, nn::Activation::ReLU);
  net.layers()[0].W << 0.5f, -65504.0f, 0x1p-24f, -0.0f;  // largest half, smallest subnormal
  const nn::Network back = nn::parse_compact(nn::compact_bytes(net, Encoding::Float16));
  EXPECT_EQ(back.layers()[0].W, net.layers()[0].W);
  EXPECT_TRUE(std::signbit(back.layers()[0].W(1, 1)));
  net.layers()[0].W(1, 0) = 70000.0f;
  EXPECT_THAT(error_of([&] { nn::compact_bytes(net, Encoding::Float16); }),
              HasSubstr("W0[1] = 70000.000000 is outside its range (+-65504)"));
}

TEST(CompactModel, RefusesToWriteNonFiniteParameters) {
  nn::Network net = random_network({3, 2}, 5);
  net.layers()[0].b(1) = NAN;
  for (Encoding e : kEncodings) {
    EXPECT_THAT(error_of([&] { nn::compact_bytes(net, e); }), HasSubstr("b0[1] is not a finite number"));
  }
}

TEST(CompactModel, SaveIsAtomicAndKeepsTheOldFileOnFailure) {
  nn::test::TempDir dir;
  const std::string path = dir.file("m.nnm");
  nn::test::write_file(path, "precious");
  nn::Network bad = random_network({3, 2}, 6);
  bad.layers()[0].W(0) = INFINITY;
  EXPECT_THAT(error_of([&] { nn::save_compact(bad, Encoding::Int8, path); }), HasSubstr("not a finite number"));
  EXPECT_EQ(nn::test::read_file(path), "precious");
  EXPECT_THAT(dir.list(), ElementsAre("m.nnm"));
  const nn::Network good = random_network({3, 2}, 7);
  nn::save_compact(good, Encoding::Float32, path);
  EXPECT_EQ(nn::load_model(path, std::nullopt).layers()[0].W, good.layers()[0].W);
  EXPECT_THAT(dir.list(), ElementsAre("m.nnm"));  // no temporary left behind
}

// --- rejections ------------------------------------------------------------------------

class CompactRejects : public ::testing::Test {
 protected:
  const nn::Network net_ = random_network({5, 4, 3}, 8);
  const std::string good_ = nn::compact_bytes(net_, Encoding::Int4);
};

TEST_F(CompactRejects, EveryTruncation) {
  for (std::size_t n = 0; n < good_.size(); ++n) {
    const std::string message = parse_error(good_.substr(0, n));
    if (n == 0) {
      EXPECT_THAT(message, HasSubstr("not a compact model"));
    } else {
      EXPECT_THAT(message, StartsWith("m.nnm: file ends early")) << n << " bytes";
    }
  }
  EXPECT_EQ(parse_error(good_.substr(0, 40)),
            "m.nnm: file ends early: the header (5-4-3, int4) needs " + std::to_string(good_.size()) +
                  " bytes, the file has 40");
}

TEST_F(CompactRejects, TrailingBytes) {
  EXPECT_EQ(parse_error(good_ + "xy"), "m.nnm: 2 unexpected bytes after the end of the model at byte " +
                                           std::to_string(good_.size()) + " (the header (5-4-3, int4) needs " +
                                           std::to_string(good_.size()) + " bytes, the file has " +
                                           std::to_string(good_.size() + 2) + ")");
}

TEST_F(CompactRejects, WrongMagicAndJson) {
  std::string bad = good_;
  bad[1] = 'X';
  EXPECT_EQ(parse_error(bad), "m.nnm: not a compact model (.nnm): expected the magic bytes 89 4E 4E 4D at byte 0, got 89 58 4E 4D");
  const std::string json = nn::weights_to_json(net_);
  EXPECT_EQ(parse_error(json),
            "m.nnm: not a compact model (.nnm): expected the magic bytes 89 4E 4E 4D at byte 0, got 7B 22 57 30 "
            "('{': this looks like weights JSON)");
  // And the reverse: the JSON reader given a compact file.
  EXPECT_THAT(error_of([&] { nn::parse_weights(good_, nn::Activation::ReLU, "w.json"); }),
              StartsWith("w.json: this is a compact model (.nnm, first byte 0x89), expected weights JSON"));
}

TEST_F(CompactRejects, HeaderFields) {
  auto with = [&](std::size_t at, char v) {
    std::string b = good_;
    b[at] = v;
    return with_checksum(b);
  };
  EXPECT_EQ(parse_error(with(4, 3)), "m.nnm: byte 4: unsupported version 3 (this reader reads versions 1 and 2)");
  EXPECT_EQ(parse_error(with(6, 6)),
            "m.nnm: byte 6: unknown encoding 6 (expected 0 float32, 1 float16, 2 int8, 3 int4, 4 int4-b32 or 5 "
            "int4-b64)");
  EXPECT_EQ(parse_error(with(7, 9)),
            "m.nnm: byte 7: unknown activation 9 (expected 0 re-lu, 1 sigmoid, 2 tanh, 3 linear or 4 leaky-re-lu)");
  EXPECT_EQ(parse_error(with(8, 1)), "m.nnm: byte 8: expected 2..64 layer sizes, got 1");
  EXPECT_EQ(parse_error(with(16, 0)), "m.nnm: byte 16: layer size 1 is 0 (expected 1..65536)");
  // Another encoding in the header than in the data: the sizes no longer match.
  EXPECT_THAT(parse_error(with(6, 2)), StartsWith("m.nnm: file ends early: the header (5-4-3, int8) needs"));
  EXPECT_THAT(parse_error(with(6, 1)), StartsWith("m.nnm: file ends early: the header (5-4-3, float16) needs"));
}

// Sizes that the file cannot back are rejected from the header alone, before allocating:
// 64K x 64K int4 weights would be 2 GiB. A size over nn::kMaxLayerSize is refused as it is read.
TEST_F(CompactRejects, HugeSizesWithoutAllocating) {
  std::string b = good_;
  put_u32(b, 12, 1u << 24);
  EXPECT_EQ(parse_error(with_checksum(b)), "m.nnm: byte 12: layer size 0 is 16777216 (expected 1..65536)");
  put_u32(b, 12, 1u << 16);
  put_u32(b, 16, 1u << 16);
  EXPECT_THAT(parse_error(with_checksum(b)), HasSubstr("(65536-65536-3, int4) needs 2148106292 bytes, the file has 100"));
  put_u32(b, 8, 64);  // 64 sizes announced: the header alone is longer than the file
  EXPECT_EQ(parse_error(b), "m.nnm: file ends early: the header's 64 layer sizes take bytes 12..268, the file has " +
                                std::to_string(b.size()) + " bytes");
}

TEST_F(CompactRejects, CorruptedData) {
  std::string b = good_;
  b[30] = static_cast<char>(b[30] ^ 0x10);
  EXPECT_THAT(parse_error(b), HasSubstr("checksum mismatch: expected CRC-32"));
  EXPECT_THAT(parse_error(b), HasSubstr("(the file is corrupt)"));
}

TEST_F(CompactRejects, ValuesOutsideTheirRange) {
  const std::size_t biases = 12 + 3 * 4, scales = biases + 4 * 4, codes = scales + 4 * 4;
  auto patched = [&](std::size_t at, std::uint32_t v) {
    std::string b = good_;
    put_u32(b, at, v);
    return with_checksum(b);
  };
  EXPECT_EQ(parse_error(patched(biases + 4, 0x7FC00000u)), "m.nnm: byte 28: layer 0 bias 1 is not a finite number");
  EXPECT_EQ(parse_error(patched(scales, 0xBF800000u)),
            "m.nnm: byte 40: layer 0 scale 0 is -1.000000 (expected a finite number >= 0)");
  std::string b = good_;
  b[codes] = static_cast<char>((b[codes] & 0xF0) | 0x8);  // code -8
  EXPECT_EQ(parse_error(with_checksum(b)), "m.nnm: byte 56: layer 0 weight 0: code -8 (expected -7..7)");
  // int8's -128, and float16's infinity.
  const std::string i8 = nn::compact_bytes(net_, Encoding::Int8);
  b = i8;
  b[codes + 3] = static_cast<char>(0x80);
  EXPECT_EQ(parse_error(with_checksum(b)), "m.nnm: byte 59: layer 0 weight 3: code -128 (expected -127..127)");
  b = nn::compact_bytes(net_, Encoding::Float16);
  b[scales + 2] = 0x00;
  b[scales + 3] = 0x7C;  // weight 1 = +inf
  EXPECT_EQ(parse_error(with_checksum(b)), "m.nnm: byte 42: layer 0 weight 1 is not a finite number");
  // int4-b32's float16 scales: one per unit (5 inputs: one block), after the 4 biases.
  b = nn::compact_bytes(net_, Encoding::Int4Block32);
  b[scales + 2] = 0x00;
  b[scales + 3] = static_cast<char>(0xBC);  // scale 1 = -1.0 in float16
  EXPECT_EQ(parse_error(with_checksum(b)), "m.nnm: byte 42: layer 0 scale 1 is -1.000000 (expected a finite number >= 0)");
}

TEST_F(CompactRejects, NonZeroPaddingNibble) {
  // 3 x 1: 3 int4 codes, so the second byte's high nibble is unused.
  const nn::Network odd = random_network({3, 1}, 9);
  std::string b = nn::compact_bytes(odd, Encoding::Int4);
  const std::size_t last = b.size() - 5;
  b[last] = static_cast<char>(b[last] | 0x30);
  EXPECT_EQ(parse_error(with_checksum(b)), "m.nnm: byte " + std::to_string(last) +
                                               ": layer 0: the unused last nibble is 3 (expected 0)");
}

// --- either format ---------------------------------------------------------------------

TEST(ModelIo, TellsTheFormatsApartByContent) {
  nn::test::TempDir dir;
  const nn::Network net = random_network({6, 4, 3}, 10, nn::Activation::Tanh);
  nn::test::write_file(dir.file("a.json"), nn::compact_bytes(net, Encoding::Float32));  // misleading names
  nn::save_weights(net, dir.file("b.nnm"));
  const nn::Network compact = nn::load_model(dir.file("a.json"), std::nullopt);
  const nn::Network json = nn::load_model(dir.file("b.nnm"), nn::Activation::Tanh);
  EXPECT_EQ(compact.layers()[1].W, net.layers()[1].W);
  EXPECT_EQ(json.layers()[1].W, net.layers()[1].W);
  EXPECT_EQ(compact.activation(), nn::Activation::Tanh);  // stored in the file
  EXPECT_EQ(nn::load_model(dir.file("b.nnm"), std::nullopt).activation(), nn::Activation::ReLU);
}

TEST(ModelIo, ErrorsNameTheFile) {
  nn::test::TempDir dir;
  const nn::Network net = random_network({6, 4, 3}, 11, nn::Activation::Tanh);
  nn::save_compact(net, Encoding::Int8, dir.file("m.nnm"));
  EXPECT_EQ(error_of([&] { nn::load_model(dir.file("m.nnm"), nn::Activation::ReLU); }),
            dir.file("m.nnm") + ": the compact model's hidden activation is tanh, but re-lu was asked for");
  EXPECT_THAT(error_of([&] { nn::load_model(dir.file("none.nnm"), std::nullopt); }),
              StartsWith(dir.file("none.nnm") + ": cannot open"));
  nn::test::write_file(dir.file("t.nnm"), nn::compact_bytes(net, Encoding::Int8).substr(0, 100));
  EXPECT_THAT(error_of([&] { nn::load_model(dir.file("t.nnm"), std::nullopt); }),
              StartsWith(dir.file("t.nnm") + ": file ends early"));
  nn::test::write_file(dir.file("e.json"), "");
  EXPECT_EQ(error_of([&] { nn::load_model(dir.file("e.json"), std::nullopt); }),
            dir.file("e.json") + ": is empty, expected weights JSON");
}

}  // namespace

namespace {

// A compact file holds floats, so its weights are always finite, but their sums can
// still overflow: the reader refuses such a model with the weights JSON reader's message.
TEST(CompactModel, RefusesWeightsWhoseOutputsCouldOverflow) {
  nn::Network net({2, 2}, nn::Activation::ReLU);  // made from sizes, then filled in place
  net.layers()[0].W << 3e38f, 3e38f, 0, 0;         // output 0: 3e38 x 2 inputs
  const std::string bytes = nn::compact_bytes(net, Encoding::Float32);
  EXPECT_THAT(parse_error(bytes), StartsWith("m.nnm: W0: with inputs in [0, 1], output 0 of layer 0 can reach 6e+38, "
                                             "beyond the largest float"));
  // The same weights as JSON: the same message.
  EXPECT_EQ(error_of([&] { nn::parse_weights(nn::weights_to_json(net), nn::Activation::ReLU, "m.nnm"); }),
            parse_error(bytes));
}

}  // namespace
