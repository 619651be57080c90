// Internal: what the compact format's reader and writer share (see compact_model.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "name_table.hpp"
#include "nn/compact_model.hpp"

namespace nn::detail {

inline constexpr std::size_t kCompactHeaderBytes = 12;  // magic, version, encoding, activation, n
inline constexpr std::uint32_t kMaxSizes = 64;          // layer sizes in a file (63 layers)
// Version 2 (any layer list): magic, version, encoding, activation, n, C, H, W, then 8
// bytes per layer (kind u8, padding u8, kernel u16, size u32).
inline constexpr std::size_t kLayersHeaderBytes = 24;
inline constexpr std::size_t kLayerRecordBytes = 8;
inline constexpr std::uint32_t kMaxLayers = 64;
enum class LayerKind : std::uint8_t { Dense = 0, Conv = 1, Pool = 2 };
// Layer sizes are bounded by nn::kMaxLayerSize (network.hpp), as every network's are.

// The encodings' names, by code (byte 6 of the file).
inline constexpr NameTable<Encoding, 6> kEncodings{{
    {"float32", Encoding::Float32},
    {"float16", Encoding::Float16},
    {"int8", Encoding::Int8},
    {"int4", Encoding::Int4},
    {"int4-b32", Encoding::Int4Block32},
    {"int4-b64", Encoding::Int4Block64},
}};

// The CRC-32 the format ends with (polynomial 0xEDB88320, as zlib's crc32()).
std::uint32_t crc32(std::string_view bytes);
// Whether scales are per block of inputs (float16), and the block: 32 or 64 inputs.
inline bool block_scales(Encoding encoding) {
  return encoding == Encoding::Int4Block32 || encoding == Encoding::Int4Block64;
}
inline std::uint64_t scale_block(Encoding encoding) { return encoding == Encoding::Int4Block64 ? 64 : 32; }

// Scales per output unit: 1, or one per block of scale_block() inputs (int4-b32, int4-b64).
inline std::uint64_t scale_blocks(Encoding encoding, std::uint64_t inputs) {
  return block_scales(encoding) ? (inputs + scale_block(encoding) - 1) / scale_block(encoding) : 1;
}

// Bytes of one layer's parameters: I inputs, O outputs (a convolution: Q = C k k and F).
std::uint64_t layer_bytes(Encoding encoding, std::uint64_t in, std::uint64_t out);

// Bytes of the whole file for these sizes, checksum included (no overflow: sizes are at most kMaxLayerSize).
std::uint64_t compact_file_bytes(Encoding encoding, const std::vector<int>& sizes);

// IEEE binary16 -> float (exact; inf and NaN come out as inf and NaN).
float half_to_float(std::uint16_t h);

}  // namespace nn::detail
