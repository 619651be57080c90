// The compact model format (.nnm): the network in a few hundred KB instead of the
// weights JSON's 7 MB, for the page to download. Binary, little-endian:
//
//   offset  bytes  field
//   0       4      magic 89 4E 4E 4D ("\x89NNM"; the first byte is never text)
//   4       2      version, u16 = 1
//   6       1      encoding of the weights: 0 float32, 1 float16, 2 int8, 3 int4, 4 int4-b32,
//                  5 int4-b64
//   7       1      hidden activation: 0 re-lu, 1 sigmoid, 2 tanh, 3 linear, 4 leaky-re-lu
//                  (the order of activation_names())
//   8       4      n = number of layer sizes, u32, 2..64
//   12      4n     the sizes s_0 .. s_{n-1}, u32 each, 1..kMaxLayerSize (network.hpp; e.g. 784 500 300 100 10)
//   then, for each layer k (I = s_k inputs, O = s_{k+1} outputs):
//           4 O    biases b_k, float32
//           4 O    int8 and int4 only: scales, float32, one per output unit j (finite, >= 0)
//           2 O B  int4-b32 / int4-b64 only: scales, float16, one per block b of 32 / 64
//                  inputs and unit j, at index b O + j (B = ceil(I / 32 or 64); finite, >= 0)
//           ...    weights W_k in the JSON's order, element (i, j) at index i O + j:
//                  float32  4 I O bytes
//                  float16  2 I O bytes (IEEE binary16, finite)
//                  int8     I O bytes, q in -127..127, weight = q * scale_j
//                  int4     ceil(I O / 2) bytes, two 4-bit two's complement q in -7..7 per
//                           byte (even index in the low nibble; an unused last nibble is 0),
//                           weight = q * scale_j
//                  int4-b32 the same codes; weight (i, j) = q * scale_(i / 32) O + j
//                  int4-b64 the same with blocks of 64: q * scale_(i / 64) O + j
//   end-4   4      CRC-32 (as zlib and PNG compute it) of every byte before it
//
// Version 2 holds any layer list (a network with image layers; the writer keeps version
// 1 for fully connected ones, byte for byte as before):
//   8       4      n = number of layers, u32, 1..64
//   12      12     input channels, height, width, u32 each, 1..kMaxLayerSize
//   24      8n     per layer: kind u8 (0 dense, 1 conv, 2 pool), padding u8 (conv: 0 valid,
//                  1 same), kernel u16 (conv), size u32 (dense: units, conv: filters); 0 where unused
//   then each convolution's and each dense layer's parameters, in order, as a version 1
//   layer's: a convolution as I = Q = C k k inputs and O = F outputs (weight (q, f) at q F + f,
//   scales per filter), then the CRC-32.
//
// The reader is strict: a short or long file, a wrong magic, version, encoding or
// activation, sizes that do not match the data, a non-finite value, an out-of-range
// code or a wrong checksum is an nn::Error naming the source, the byte offset and
// expected vs got. It checks the whole length against the header before allocating.
//
// Legend: I = layer inputs, O = layer outputs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nn/network.hpp"

namespace nn {

enum class Encoding : std::uint8_t { Float32 = 0, Float16 = 1, Int8 = 2, Int4 = 3, Int4Block32 = 4, Int4Block64 = 5 };

// "float32", "float16", "int8", "int4", "int4-b32", "int4-b64"; parse_encoding throws nn::Error naming them.
Encoding parse_encoding(std::string_view name);
std::string_view encoding_name(Encoding e);
std::vector<std::string> encoding_names();

inline constexpr char kCompactMagic[4] = {'\x89', 'N', 'N', 'M'};
inline constexpr std::uint16_t kCompactVersion = 1;        // fully connected networks
inline constexpr std::uint16_t kCompactLayersVersion = 2;  // any layer list

// True when the bytes start like a compact model (its first magic byte, 0x89: a
// truncated compact file is still told apart from JSON, and rejected as truncated).
bool looks_compact(std::string_view bytes);

// Reads a compact model; the activation is the file's. `source` names it in errors.
Network parse_compact(std::string_view bytes, const std::string& source = "compact model");

// --- writing (native library only) ----------------------------------------------------

// The model in the compact format. int8 / int4 / int4-b32 pick each scale (per output unit,
// or per unit and block of 32 inputs) to minimise the squared rounding error of its
// weights (clipping a few outliers when that helps).
// Throws nn::Error for a non-finite parameter, or a weight float16 cannot hold.
std::string compact_bytes(const Network& net, Encoding encoding);

// Writes compact_bytes atomically (temporary file beside `path`, then renamed over it).
void save_compact(const Network& net, Encoding encoding, const std::string& path);

}  // namespace nn
