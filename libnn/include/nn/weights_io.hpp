// The weights file, in the original's format: one JSON object
//   {"W0": [...], "b0": [...], "W1": [...], "b1": [...], ...}
// Every value is a flat array. W_k is row-major with shape (I, O): element (i, j)
// is W_k[i * O + j]; b_k has O numbers. The activation is not stored in the file
// (as in the original), so the reader is told which one to use.
//
// A network with image layers adds its shape and its convolutions (docs/formats.md):
//   {"input": [C, H, W], "layers": ["conv5x8", "pool2", ..., "dense10"],
//    "C0": [...], "c0": [...], ..., "W0": [...], "b0": [...], ...}
// C_j is convolution j's weights as ONNX's (F, C, k, k) row-major array, c_j its F biases.
// A fully connected network is always written in the original's format.
#pragma once

#include <string>
#include <string_view>

#include "nn/network.hpp"

namespace nn {

// Parses weights JSON text. `source` names the text in error messages.
Network parse_weights(std::string_view json, Activation activation,
                      const std::string& source = "weights");

// Reads a weights file.
Network load_weights(const std::string& path, Activation activation);

// The weights as JSON text, each number the shortest text that reads back to the same float.
std::string weights_to_json(const Network& net);

// Writes the weights atomically: to a temporary file beside `path`, flushed to disk,
// then renamed over it. A failure leaves any existing file untouched.
void save_weights(const Network& net, const std::string& path);

}  // namespace nn
