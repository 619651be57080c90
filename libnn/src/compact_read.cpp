// Reading the compact model format (see compact_model.hpp for the byte layout). Part of
// nn::core: the same reader runs natively and in WebAssembly.
//
// Order of checks: header fields one by one, then the file's whole length against what
// the header's sizes imply (nothing is allocated before that), then the checksum, then
// the values themselves while decoding.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "activation_table.hpp"
#include "compact_layout.hpp"
#include "conv.hpp"
#include "nn/compact_model.hpp"
#include "nn/error.hpp"
#include "nn/layer_list.hpp"

namespace nn {
namespace {

using detail::kCompactHeaderBytes;
using detail::kActivations;
using detail::kEncodings;
using detail::kMaxSizes;

// std::bit_cast, which Emscripten 3.1.6's C++ library lacks.
float float_from_bits(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

std::string hex_bytes(std::string_view bytes, std::size_t max) {
  std::string out;
  char buf[4];
  for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
    std::snprintf(buf, sizeof buf, "%02X", static_cast<unsigned>(static_cast<unsigned char>(bytes[i])));
    out += (i ? " " : "") + std::string(buf);
  }
  return out.empty() ? "nothing" : out;
}

class CompactReader {
 public:
  CompactReader(std::string_view bytes, const std::string& source) : b_(bytes), source_(source) {}

  Network read() {
    check_magic();
    if (b_.size() < kCompactHeaderBytes) {
      fail("file ends early: a compact model's header takes " + std::to_string(kCompactHeaderBytes) +
           " bytes, the file has " + std::to_string(b_.size()));
    }
    const auto version = u16(4);
    if (version != kCompactVersion && version != kCompactLayersVersion) {
      fail_at(4, "unsupported version " + std::to_string(version) + " (this reader reads versions " +
                     std::to_string(kCompactVersion) + " and " + std::to_string(kCompactLayersVersion) + ")");
    }
    const Encoding encoding = read_code(kEncodings, 6, "encoding");
    const Activation activation = read_code(kActivations, 7, "activation");
    if (version == kCompactLayersVersion) return read_layer_list(encoding, activation);
    const std::vector<int> sizes = read_sizes();
    check_length(encoding, sizes);
    check_checksum();
    return Network(read_layers(encoding, sizes), activation, source_);  // checked as every network is
  }

 private:
  void check_magic() const {
    const std::string_view magic(kCompactMagic, sizeof kCompactMagic);
    const std::string_view head = b_.substr(0, magic.size());
    if (head == magic) return;
    if (head.size() < magic.size() && magic.starts_with(head) && !head.empty()) {
      fail("file ends early: " + std::to_string(b_.size()) + " bytes, a compact model starts with the " +
           std::to_string(kCompactHeaderBytes) + "-byte header");
    }
    std::string what = "not a compact model (.nnm): expected the magic bytes " + hex_bytes(magic, 4) +
                       " at byte 0, got " + hex_bytes(head, 4);
    const std::size_t first = b_.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && b_[first] == '{') what += " ('{': this looks like weights JSON)";
    fail(what);
  }

  // The byte at `at` as a code of `table` (its index): "unknown KIND 9 (expected 0 a, ...)".
  template <class T, std::size_t N>
  T read_code(const detail::NameTable<T, N>& table, std::size_t at, const char* kind) const {
    const unsigned code = u8(at);
    const auto value = detail::from_code(table, code);
    if (!value) {
      fail_at(at, "unknown " + std::string(kind) + " " + std::to_string(code) + " (expected " +
                      detail::codes_text(table) + ")");
    }
    return *value;
  }

  std::vector<int> read_sizes() const {
    const std::uint32_t n = u32(8);
    if (n < 2 || n > kMaxSizes) {
      fail_at(8, "expected 2.." + std::to_string(kMaxSizes) + " layer sizes, got " + std::to_string(n));
    }
    const std::size_t end = kCompactHeaderBytes + 4 * std::size_t{n};
    if (b_.size() < end) {
      fail("file ends early: the header's " + std::to_string(n) + " layer sizes take bytes " +
           std::to_string(kCompactHeaderBytes) + ".." + std::to_string(end) + ", the file has " +
           std::to_string(b_.size()) + " bytes");
    }
    std::vector<int> sizes;
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t at = kCompactHeaderBytes + 4 * k;
      const std::uint32_t s = u32(at);
      if (s < 1 || s > static_cast<std::uint32_t>(kMaxLayerSize)) {
        fail_at(at, "layer size " + std::to_string(k) + " is " + std::to_string(s) + " (expected 1.." +
                        std::to_string(kMaxLayerSize) + ")");
      }
      sizes.push_back(static_cast<int>(s));
    }
    return sizes;
  }

  // The whole file's length follows from the header: compare before allocating anything.
  void check_length(Encoding encoding, const std::vector<int>& sizes) const {
    check_total_length(detail::compact_file_bytes(encoding, sizes),
                       sizes_text(sizes) + ", " + std::string(encoding_name(encoding)));
  }

  void check_total_length(std::uint64_t expected, const std::string& header) const {
    const std::string what = "the header (" + header + ") needs " + std::to_string(expected) + " bytes";
    if (b_.size() < expected) {
      fail("file ends early: " + what + ", the file has " + std::to_string(b_.size()));
    }
    if (b_.size() > expected) {
      fail(std::to_string(b_.size() - expected) + " unexpected bytes after the end of the model at byte " +
           std::to_string(expected) + " (" + what + ", the file has " + std::to_string(b_.size()) + ")");
    }
  }

  void check_checksum() const {
    const std::size_t at = b_.size() - 4;
    const std::uint32_t stored = u32(at), computed = detail::crc32(b_.substr(0, at));
    if (stored != computed) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "checksum mismatch: expected CRC-32 %08X of bytes 0..%zu, got %08X",
                    static_cast<unsigned>(computed), at, static_cast<unsigned>(stored));
      fail_at(at, std::string(buf) + " (the file is corrupt)");
    }
  }

  std::vector<Layer> read_layers(Encoding encoding, const std::vector<int>& sizes) {
    std::size_t at = kCompactHeaderBytes + 4 * sizes.size();
    std::vector<Layer> layers;
    for (std::size_t k = 0; k + 1 < sizes.size(); ++k) {
      layers.push_back(read_matrix(encoding, at, sizes[k], sizes[k + 1], "layer " + std::to_string(k)));
    }
    return layers;
  }

  // One layer's biases, scales and weights from byte `at` (moved past them): W is O x I.
  Layer read_matrix(Encoding encoding, std::size_t& at, Eigen::Index in, Eigen::Index out, const std::string& name) {
    Layer layer{Eigen::MatrixXf(out, in), Eigen::VectorXf(out)};
    for (Eigen::Index j = 0; j < out; ++j, at += 4) layer.b(j) = finite(at, f32(at), name + " bias", j);
    std::vector<float> scales;
    if (encoding == Encoding::Int8 || encoding == Encoding::Int4 || detail::block_scales(encoding)) {
      const bool half = detail::block_scales(encoding);
      scales.resize(static_cast<std::size_t>(out * static_cast<Eigen::Index>(detail::scale_blocks(encoding, in))));
      for (std::size_t j = 0; j < scales.size(); ++j, at += half ? 2 : 4) {
        scales[j] = half ? detail::half_to_float(u16(at)) : f32(at);
        if (!std::isfinite(scales[j]) || scales[j] < 0) {
          fail_at(at, name + " scale " + std::to_string(j) + " is " + std::to_string(scales[j]) +
                          " (expected a finite number >= 0)");
        }
      }
    }
    at = read_weights(encoding, at, name, scales, layer.W);
    return layer;
  }

  // --- version 2: any layer list ------------------------------------------------------

  // A layer as its record says, before any parameter is read.
  struct Planned {
    detail::LayerKind kind;
    Shape in;
    int size = 0, kernel = 0;
    Padding padding = Padding::Valid;
    std::uint64_t inputs = 0, outputs = 0;  // its parameters' matrix: I (or Q) x O (or F)
  };

  std::uint32_t dimension(std::size_t at, const char* what) const {
    const std::uint32_t v = u32(at);
    if (v < 1 || v > static_cast<std::uint32_t>(kMaxLayerSize)) {
      fail_at(at, std::string("input ") + what + " is " + std::to_string(v) + " (expected 1.." +
                      std::to_string(kMaxLayerSize) + ")");
    }
    return v;
  }

  static std::int64_t volume(Shape s) { return std::int64_t{s.channels} * s.height * s.width; }

  Network read_layer_list(Encoding encoding, Activation activation) {
    if (b_.size() < detail::kLayersHeaderBytes) {
      fail("file ends early: a version 2 compact model's header takes " + std::to_string(detail::kLayersHeaderBytes) +
           " bytes, the file has " + std::to_string(b_.size()));
    }
    const std::uint32_t n = u32(8);
    if (n < 1 || n > detail::kMaxLayers) {
      fail_at(8, "expected 1.." + std::to_string(detail::kMaxLayers) + " layers, got " + std::to_string(n));
    }
    const Shape input{static_cast<int>(dimension(12, "channels")), static_cast<int>(dimension(16, "height")),
                      static_cast<int>(dimension(20, "width"))};
    if (volume(input) > kMaxParameters) fail_at(12, "the input " + shape_text(input) + " is larger than the limit");
    const std::size_t records_end = detail::kLayersHeaderBytes + detail::kLayerRecordBytes * n;
    if (b_.size() < records_end) {
      fail("file ends early: the header's " + std::to_string(n) + " layers take bytes " +
           std::to_string(detail::kLayersHeaderBytes) + ".." + std::to_string(records_end) + ", the file has " +
           std::to_string(b_.size()) + " bytes");
    }
    // Every record checked, and the file's length, before anything is allocated.
    std::vector<Planned> plan;
    std::string text = shape_text(input);
    Shape shape = input;
    std::int64_t parameters = 0;
    std::uint64_t expected = records_end + 4;  // the checksum
    for (std::size_t i = 0; i < n; ++i) {
      plan.push_back(plan_layer(i, shape, plan.empty() ? nullptr : &plan.back(), parameters, text));
      expected += plan.back().outputs ? detail::layer_bytes(encoding, plan.back().inputs, plan.back().outputs) : 0;
    }
    if (plan.back().kind != detail::LayerKind::Dense) {
      fail_at(detail::kLayersHeaderBytes + detail::kLayerRecordBytes * (n - 1),
              "layer " + std::to_string(n) + ": the last layer must be dense (the classes)");
    }
    check_total_length(expected, text + ", " + std::string(encoding_name(encoding)));
    check_checksum();
    std::size_t at = records_end;
    std::vector<ImageLayer> image;
    std::vector<Layer> dense;
    std::size_t convs = 0;
    for (const Planned& p : plan) {
      const auto in = static_cast<Eigen::Index>(p.inputs), out = static_cast<Eigen::Index>(p.outputs);
      if (p.kind == detail::LayerKind::Pool) {
        image.push_back(ImageLayer::pool(p.in));
      } else if (p.kind == detail::LayerKind::Conv) {
        const Layer m = read_matrix(encoding, at, in, out, "convolution " + std::to_string(convs++));
        image.push_back(ImageLayer::conv(p.in, p.size, p.kernel, p.padding));
        image.back().W = m.W.transpose();  // the file's F x Q -> Q x F (ONNX's (F, C, k, k) memory)
        image.back().b = m.b;
      } else {
        dense.push_back(read_matrix(encoding, at, in, out, "layer " + std::to_string(dense.size())));
      }
    }
    return Network(input, std::move(image), std::move(dense), activation, source_);  // checked as every network is
  }

  // Record i (its kind, padding, kernel and size), checked against the shape so far.
  Planned plan_layer(std::size_t i, Shape& shape, const Planned* previous, std::int64_t& parameters,
                     std::string& text) const {
    const std::size_t at = detail::kLayersHeaderBytes + detail::kLayerRecordBytes * i;
    const std::string name = "layer " + std::to_string(i + 1);
    const unsigned kind = u8(at), padding = u8(at + 1), kernel = u16(at + 2);
    const std::uint32_t size = u32(at + 4);
    const bool after_dense = previous && previous->kind == detail::LayerKind::Dense;
    Planned p{detail::LayerKind::Dense, shape};
    std::string token;
    if (kind > 2) fail_at(at, name + ": unknown layer kind " + std::to_string(kind) + " (expected 0 dense, 1 conv, 2 pool)");
    p.kind = static_cast<detail::LayerKind>(kind);
    if (p.kind != detail::LayerKind::Conv && (padding || kernel)) {
      fail_at(at + 1, name + ": padding " + std::to_string(padding) + " and kernel " + std::to_string(kernel) +
                          " (expected 0 and 0 for a dense or pooling layer)");
    }
    if (p.kind != detail::LayerKind::Dense && after_dense) {
      fail_at(at, name + ": an image layer after a dense layer (convolutions and pooling come first)");
    }
    if (p.kind == detail::LayerKind::Pool) {
      if (size) fail_at(at + 4, name + ": size " + std::to_string(size) + " (expected 0 for pooling)");
      token = "pool2";
    } else if (size < 1 || size > static_cast<std::uint32_t>(kMaxLayerSize)) {
      fail_at(at + 4, name + ": size " + std::to_string(size) + " (expected 1.." + std::to_string(kMaxLayerSize) + ")");
    }
    p.size = static_cast<int>(size);
    if (p.kind == detail::LayerKind::Conv) {
      if (padding > 1) fail_at(at + 1, name + ": unknown padding " + std::to_string(padding) + " (expected 0 valid, 1 same)");
      p.kernel = static_cast<int>(kernel);
      p.padding = padding ? Padding::Same : Padding::Valid;
      token = "conv" + std::to_string(kernel) + "x" + std::to_string(size) + (padding ? ":same" : "");
      const conv::Conv2d g{shape, p.size, p.kernel, p.padding};
      try {
        conv::check(g);
      } catch (const Error& e) {
        fail_at(at, name + " '" + token + "': " + e.what());
      }
      p.inputs = static_cast<std::uint64_t>(shape.channels) * kernel * kernel;
      p.outputs = size;
      shape = g.out();
    } else if (p.kind == detail::LayerKind::Pool) {
      try {
        shape = conv::pool_out(shape);
      } catch (const Error& e) {
        fail_at(at, name + " 'pool2': " + e.what());
      }
    } else {
      token = "dense" + std::to_string(size);
      const std::int64_t in = after_dense ? static_cast<std::int64_t>(previous->outputs) : volume(shape);
      if (in > kMaxLayerSize) {
        fail_at(at, name + " '" + token + "': " + std::to_string(in) + " inputs, more than the limit of " +
                        std::to_string(kMaxLayerSize));
      }
      p.inputs = static_cast<std::uint64_t>(in);
      p.outputs = size;
    }
    parameters += static_cast<std::int64_t>(p.inputs * p.outputs + p.outputs);
    if (parameters > kMaxParameters || volume(shape) > kMaxParameters) {
      fail_at(at, name + " '" + token + "': the network is larger than the limit");
    }
    text += " " + token;
    return p;
  }

  // W (O x I, column-major) is filled in memory order, which is the file's order i O + j.
  std::size_t read_weights(Encoding encoding, std::size_t at, const std::string& name,
                           const std::vector<float>& scales, Eigen::MatrixXf& w) const {
    float* out = w.data();
    const auto count = static_cast<std::size_t>(w.size());
    const auto rows = static_cast<std::size_t>(w.rows());
    const auto block = static_cast<std::size_t>(detail::scale_block(encoding));
    const std::string what = name + " weight";
    switch (encoding) {
      case Encoding::Float32:
        for (std::size_t n = 0; n < count; ++n, at += 4) out[n] = finite(at, f32(at), what, n);
        return at;
      case Encoding::Float16:
        for (std::size_t n = 0; n < count; ++n, at += 2) out[n] = finite(at, detail::half_to_float(u16(at)), what, n);
        return at;
      case Encoding::Int8:
        for (std::size_t n = 0; n < count; ++n, ++at) {
          const int q = static_cast<std::int8_t>(u8(at));
          if (q == -128) fail_at(at, what + " " + std::to_string(n) + ": code -128 (expected -127..127)");
          out[n] = static_cast<float>(q) * scales[n % rows];
        }
        return at;
      case Encoding::Int4:
      case Encoding::Int4Block32:
      case Encoding::Int4Block64:
        for (std::size_t n = 0; n < count; ++n) {
          const std::size_t byte = at + n / 2;
          const unsigned nibble = (n % 2 ? u8(byte) >> 4 : u8(byte)) & 0xFu;
          const int q = nibble >= 8 ? static_cast<int>(nibble) - 16 : static_cast<int>(nibble);
          if (q == -8) fail_at(byte, what + " " + std::to_string(n) + ": code -8 (expected -7..7)");
          // scale of unit j = n % rows, for int4-b32/b64 in the block of input i = n / rows
          const std::size_t s = encoding == Encoding::Int4 ? n % rows : n / rows / block * rows + n % rows;
          out[n] = static_cast<float>(q) * scales[s];
        }
        if (count % 2 && (u8(at + count / 2) >> 4) != 0) {
          fail_at(at + count / 2, name + ": the unused last nibble is " + std::to_string(u8(at + count / 2) >> 4) +
                                      " (expected 0)");
        }
        return at + (count + 1) / 2;
    }
    return at;
  }

  float finite(std::size_t at, float v, const std::string& what, std::size_t index) const {
    if (!std::isfinite(v)) fail_at(at, what + " " + std::to_string(index) + " is not a finite number");
    return v;
  }

  unsigned u8(std::size_t at) const { return static_cast<unsigned char>(b_[at]); }
  std::uint16_t u16(std::size_t at) const { return static_cast<std::uint16_t>(u8(at) | u8(at + 1) << 8); }
  std::uint32_t u32(std::size_t at) const {
    return static_cast<std::uint32_t>(u8(at)) | static_cast<std::uint32_t>(u8(at + 1)) << 8 |
           static_cast<std::uint32_t>(u8(at + 2)) << 16 | static_cast<std::uint32_t>(u8(at + 3)) << 24;
  }
  float f32(std::size_t at) const { return float_from_bits(u32(at)); }

  [[noreturn]] void fail(const std::string& what) const { throw Error(source_ + ": " + what); }
  [[noreturn]] void fail_at(std::size_t at, const std::string& what) const {
    fail("byte " + std::to_string(at) + ": " + what);
  }

  std::string_view b_;
  const std::string& source_;
};

}  // namespace

Encoding parse_encoding(std::string_view name) { return detail::parse_name(kEncodings, name, "encoding"); }
std::string_view encoding_name(Encoding e) { return detail::name_of(kEncodings, e); }
std::vector<std::string> encoding_names() { return detail::names_of(kEncodings); }

bool looks_compact(std::string_view bytes) { return !bytes.empty() && bytes[0] == kCompactMagic[0]; }

Network parse_compact(std::string_view bytes, const std::string& source) {
  return CompactReader(bytes, source).read();
}

namespace detail {

std::uint32_t crc32(std::string_view bytes) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (const char ch : bytes) c = table[(c ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::uint64_t layer_bytes(Encoding encoding, std::uint64_t in, std::uint64_t out) {
  const std::uint64_t n = in * out;  // <= 2^32 for dense sizes, <= 2^28 for a convolution
  std::uint64_t total = 4 * out;     // biases
  switch (encoding) {
    case Encoding::Float32: total += 4 * n; break;
    case Encoding::Float16: total += 2 * n; break;
    case Encoding::Int8: total += 4 * out + n; break;
    case Encoding::Int4: total += 4 * out + (n + 1) / 2; break;
    case Encoding::Int4Block32:
    case Encoding::Int4Block64: total += 2 * out * scale_blocks(encoding, in) + (n + 1) / 2; break;
  }
  return total;
}

std::uint64_t compact_file_bytes(Encoding encoding, const std::vector<int>& sizes) {
  std::uint64_t total = kCompactHeaderBytes + 4 * sizes.size() + 4;  // header, sizes, checksum
  for (std::size_t k = 0; k + 1 < sizes.size(); ++k) {
    total += layer_bytes(encoding, static_cast<std::uint64_t>(sizes[k]), static_cast<std::uint64_t>(sizes[k + 1]));
  }
  return total;
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1Fu, mantissa = h & 0x3FFu;
  if (exponent == 0) {  // zero or subnormal: mantissa x 2^-24, exact in float
    const float v = static_cast<float>(mantissa) * 0x1p-24f;
    return sign ? -v : v;
  }
  if (exponent == 31) return float_from_bits(sign | 0x7F800000u | mantissa << 13);  // inf / NaN
  return float_from_bits(sign | (exponent + 112) << 23 | mantissa << 13);            // rebias 15 -> 127
}

}  // namespace detail
}  // namespace nn
