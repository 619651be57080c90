// Any model file: the weights JSON (weights_io.hpp) or the compact format
// (compact_model.hpp), told apart by content, never by the file's name. A compact file
// starts with the byte 0x89, which no JSON text does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nn/network.hpp"

namespace nn {

enum class ModelFormat { Json, Compact };

ModelFormat sniff_model_format(std::string_view bytes);

// Parses either format. `activation` is the hidden layers' activation: the weights JSON
// does not store it (nullopt means re-lu, the original's); a compact file does, and a
// given activation that differs from the file's is an error. `source` names the bytes
// in error messages.
Network parse_model(std::string_view bytes, std::optional<Activation> activation,
                    const std::string& source = "model");

// Reads and parses a model file (errors name the path).
Network load_model(const std::string& path, std::optional<Activation> activation);

}  // namespace nn
