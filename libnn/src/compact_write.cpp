// Writing the compact model format (see compact_model.hpp for the byte layout):
// float16 rounding, scales for int8 / int4 / int4-b32, and the atomic file write.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "activation_table.hpp"
#include "compact_layout.hpp"
#include "nn/atomic_file.hpp"
#include "nn/compact_model.hpp"
#include "nn/error.hpp"

namespace nn {
namespace {

void put_u8(std::string& out, unsigned v) { out += static_cast<char>(v & 0xFFu); }
void put_u16(std::string& out, unsigned v) {
  put_u8(out, v);
  put_u8(out, v >> 8);
}
void put_u32(std::string& out, std::uint32_t v) {
  put_u16(out, v & 0xFFFFu);
  put_u16(out, v >> 16);
}
void put_f32(std::string& out, float v) { put_u32(out, std::bit_cast<std::uint32_t>(v)); }

// float -> IEEE binary16, rounding to nearest even. Throws for what binary16 cannot hold.
std::uint16_t float_to_half(float f, const std::string& what) {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  const auto sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  const std::uint32_t magnitude = x & 0x7FFFFFFFu;
  if (magnitude >= 0x477FF000u) {  // >= 65520 rounds to infinity (the largest half is 65504)
    throw Error("refusing to write float16: " + what + " = " + std::to_string(f) +
                " is outside its range (+-65504); use --encoding float32 or int8");
  }
  if (magnitude < 0x38800000u) {  // below 2^-14: a subnormal half, k x 2^-24 (k = 1024 is 2^-14)
    const float k = std::nearbyint(std::bit_cast<float>(magnitude) * 0x1p24f);
    return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(k));
  }
  std::uint32_t m = magnitude - (112u << 23);  // rebias the exponent 127 -> 15
  m += 0x0FFFu + ((m >> 13) & 1u);              // round the 13 dropped bits, ties to even
  return static_cast<std::uint16_t>(sign | (m >> 13));
}

// Weights of output unit j (row j of W, stride O in memory), as the format orders them.
struct Row {
  const float* first;
  Eigen::Index count, stride;
  float operator[](Eigen::Index i) const { return first[i * stride]; }
};

float quantised(float w, float scale, int levels) {
  return static_cast<float>(std::clamp(static_cast<int>(std::lround(w / scale)), -levels, levels)) * scale;
}

// The scale minimising the row's squared error at +-levels codes: max|w| / levels, or
// a smaller one that clips the largest weights when that rounds the rest better.
float best_scale(const Row& row, int levels) {
  float max = 0;
  for (Eigen::Index i = 0; i < row.count; ++i) max = std::max(max, std::abs(row[i]));
  if (max == 0) return 0;
  float best = max / static_cast<float>(levels);
  double best_error = -1;
  for (int step = 0; step <= 25; ++step) {  // clip at 100 %, 98 %, ..., 50 % of max|w|
    const float scale = max * (1.0f - 0.02f * static_cast<float>(step)) / static_cast<float>(levels);
    double error = 0;
    for (Eigen::Index i = 0; i < row.count; ++i) {
      const double d = static_cast<double>(row[i]) - static_cast<double>(quantised(row[i], scale, levels));
      error += d * d;
    }
    if (best_error < 0 || error < best_error) {
      best_error = error;
      best = scale;
    }
  }
  return best;
}

// Scales, then codes. A scale per unit j (float32), or for int4-b32 per block b of 32
// inputs and unit j (float16, at b O + j; the codes use the scale as rounded to float16).
void put_quantised(std::string& out, const Eigen::MatrixXf& w, Encoding encoding, const std::string& name) {
  const int levels = encoding == Encoding::Int8 ? 127 : 7;
  const auto rows = static_cast<std::size_t>(w.rows()), cols = static_cast<std::size_t>(w.cols());
  const bool half = detail::block_scales(encoding);
  const std::size_t blocks = detail::scale_blocks(encoding, cols), span = half ? detail::scale_block(encoding) : cols;
  std::vector<float> scales(rows * blocks);
  for (std::size_t b = 0; b < blocks; ++b) {
    for (std::size_t j = 0; j < rows; ++j) {
      const auto count = static_cast<Eigen::Index>(std::min(span, cols - b * span));
      float& scale = scales[b * rows + j];
      scale = best_scale({w.data() + b * span * rows + j, count, w.rows()}, levels);
      if (!half) {
        put_f32(out, scale);
      } else {
        const std::uint16_t bits = float_to_half(scale, name + " scale " + std::to_string(b * rows + j));
        put_u16(out, bits);
        scale = detail::half_to_float(bits);
      }
    }
  }
  const float* v = w.data();
  const auto count = static_cast<std::size_t>(w.size());
  auto code = [&](std::size_t n) {
    const float scale = scales[n / rows / span * rows + n % rows];
    return scale == 0 ? 0 : std::clamp(static_cast<int>(std::lround(v[n] / scale)), -levels, levels);
  };
  if (levels == 127) {
    for (std::size_t n = 0; n < count; ++n) put_u8(out, static_cast<unsigned>(code(n)));
    return;
  }
  for (std::size_t n = 0; n < count; n += 2) {  // int4: two codes per byte, the even one low
    const unsigned low = static_cast<unsigned>(code(n)) & 0xFu;
    const unsigned high = n + 1 < count ? static_cast<unsigned>(code(n + 1)) & 0xFu : 0u;
    put_u8(out, low | high << 4);
  }
}

void check_finite(const float* v, Eigen::Index n, const std::string& what) {
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(v[i])) {
      throw Error("refusing to write the model: " + what + "[" + std::to_string(i) + "] is not a finite number");
    }
  }
}

}  // namespace

namespace {

// One layer's parameters: W (O x I, column-major: the file's order i O + j) and b (O).
void put_layer(std::string& out, const Eigen::MatrixXf& W, const Eigen::VectorXf& b, Encoding encoding,
               const std::string& wk, const std::string& bk) {
  check_finite(W.data(), W.size(), wk);
  check_finite(b.data(), b.size(), bk);
  for (Eigen::Index j = 0; j < b.size(); ++j) put_f32(out, b(j));
  const float* w = W.data();
  switch (encoding) {
    case Encoding::Float32:
      for (Eigen::Index n = 0; n < W.size(); ++n) put_f32(out, w[n]);
      break;
    case Encoding::Float16:
      for (Eigen::Index n = 0; n < W.size(); ++n) put_u16(out, float_to_half(w[n], wk + "[" + std::to_string(n) + "]"));
      break;
    case Encoding::Int8:
    case Encoding::Int4:
    case Encoding::Int4Block32:
    case Encoding::Int4Block64: put_quantised(out, W, encoding, wk); break;
  }
}

// Version 2: the input's shape, one 8-byte record per layer, then the parameters of each
// convolution (as a dense layer of Q = C k k inputs and F outputs: W^T) and dense layer.
std::string layers_bytes(const Network& net, Encoding encoding) {
  const std::size_t n = net.layer_count();
  if (n > detail::kMaxLayers) {
    throw Error("refusing to write the model: " + std::to_string(n) + " layers, the format holds " +
                std::to_string(detail::kMaxLayers) + " at most");
  }
  std::string out(kCompactMagic, sizeof kCompactMagic);
  put_u16(out, kCompactLayersVersion);
  put_u8(out, static_cast<unsigned>(encoding));
  put_u8(out, detail::code_of(detail::kActivations, net.activation()));
  put_u32(out, static_cast<std::uint32_t>(n));
  const Shape in = net.input_shape();
  for (int d : {in.channels, in.height, in.width}) put_u32(out, static_cast<std::uint32_t>(d));
  for (const ImageLayer& l : net.image_layers()) {
    const bool conv = l.kind == ImageLayer::Kind::Conv;
    put_u8(out, static_cast<unsigned>(conv ? detail::LayerKind::Conv : detail::LayerKind::Pool));
    put_u8(out, conv && l.padding == Padding::Same ? 1u : 0u);
    put_u16(out, conv ? static_cast<unsigned>(l.kernel) : 0u);
    put_u32(out, conv ? static_cast<std::uint32_t>(l.filters) : 0u);
  }
  for (const Layer& l : net.layers()) {
    put_u8(out, static_cast<unsigned>(detail::LayerKind::Dense));
    put_u8(out, 0);
    put_u16(out, 0);
    put_u32(out, static_cast<std::uint32_t>(l.W.rows()));
  }
  std::size_t j = 0;
  for (const ImageLayer& l : net.image_layers()) {
    if (l.kind != ImageLayer::Kind::Conv) continue;
    const Eigen::MatrixXf w = l.W.transpose();  // F x Q: element (q, f) at q F + f
    put_layer(out, w, l.b, encoding, "C" + std::to_string(j), "c" + std::to_string(j));
    ++j;
  }
  for (std::size_t k = 0; k < net.layers().size(); ++k) {
    const Layer& l = net.layers()[k];
    put_layer(out, l.W, l.b, encoding, "W" + std::to_string(k), "b" + std::to_string(k));
  }
  put_u32(out, detail::crc32(out));
  return out;
}

}  // namespace

// A fully connected network is written as version 1, byte for byte as before (the
// page's model and every existing file stay as they are, and older readers read them);
// a network with image layers as version 2.
std::string compact_bytes(const Network& net, Encoding encoding) {
  if (!net.is_dense()) return layers_bytes(net, encoding);
  const std::vector<int>& sizes = net.sizes();
  if (sizes.size() > detail::kMaxSizes) {
    throw Error("refusing to write the model: " + std::to_string(sizes.size()) + " layer sizes, the format holds " +
                std::to_string(detail::kMaxSizes) + " at most");
  }
  std::string out(kCompactMagic, sizeof kCompactMagic);
  out.reserve(static_cast<std::size_t>(detail::compact_file_bytes(encoding, sizes)));
  put_u16(out, kCompactVersion);
  put_u8(out, static_cast<unsigned>(encoding));
  put_u8(out, detail::code_of(detail::kActivations, net.activation()));
  put_u32(out, static_cast<std::uint32_t>(sizes.size()));
  for (int s : sizes) put_u32(out, static_cast<std::uint32_t>(s));
  for (std::size_t k = 0; k < net.layers().size(); ++k) {
    const Layer& l = net.layers()[k];
    put_layer(out, l.W, l.b, encoding, "W" + std::to_string(k), "b" + std::to_string(k));
  }
  put_u32(out, detail::crc32(out));
  return out;
}

void save_compact(const Network& net, Encoding encoding, const std::string& path) {
  const std::string bytes = compact_bytes(net, encoding);  // fails before touching the file
  write_file_atomically(path, bytes);
}

}  // namespace nn
