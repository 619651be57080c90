// Internal: what the compact format's reader and writer share (see compact_model.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nn/compact_model.hpp"

namespace nn::detail {

inline constexpr std::size_t kCompactHeaderBytes = 12;  // magic, version, encoding, activation, n
inline constexpr std::uint32_t kMaxSizes = 64;          // layer sizes in a file (63 layers)
inline constexpr std::uint32_t kMaxLayerSize = 1u << 24;
// Whether scales are per block of inputs (float16), and the block: 32 or 64 inputs.
inline bool block_scales(Encoding encoding) {
  return encoding == Encoding::Int4Block32 || encoding == Encoding::Int4Block64;
}
inline std::uint64_t scale_block(Encoding encoding) { return encoding == Encoding::Int4Block64 ? 64 : 32; }

// Scales per output unit: 1, or one per block of scale_block() inputs (int4-b32, int4-b64).
inline std::uint64_t scale_blocks(Encoding encoding, std::uint64_t inputs) {
  return block_scales(encoding) ? (inputs + scale_block(encoding) - 1) / scale_block(encoding) : 1;
}

// Bytes of the whole file for these sizes, checksum included (no overflow: sizes are capped).
std::uint64_t compact_file_bytes(Encoding encoding, const std::vector<int>& sizes);

// IEEE binary16 -> float (exact; inf and NaN come out as inf and NaN).
float half_to_float(std::uint16_t h);

}  // namespace nn::detail
