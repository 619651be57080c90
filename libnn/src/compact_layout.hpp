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
inline constexpr std::uint64_t kScaleBlock = 32;        // inputs per scale in int4-b32

// Scales per output unit: 1, or one per block of kScaleBlock inputs (int4-b32).
inline std::uint64_t scale_blocks(Encoding encoding, std::uint64_t inputs) {
  return encoding == Encoding::Int4Block32 ? (inputs + kScaleBlock - 1) / kScaleBlock : 1;
}

// Bytes of the whole file for these sizes, checksum included (no overflow: sizes are capped).
std::uint64_t compact_file_bytes(Encoding encoding, const std::vector<int>& sizes);

// IEEE binary16 -> float (exact; inf and NaN come out as inf and NaN).
float half_to_float(std::uint16_t h);

}  // namespace nn::detail
