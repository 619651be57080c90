// Loading a model in either format (see model_io.hpp). Part of nn::core.
#include "file_read.hpp"
#include "nn/compact_model.hpp"
#include "nn/error.hpp"
#include "nn/model_io.hpp"
#include "nn/weights_io.hpp"

namespace nn {

ModelFormat sniff_model_format(std::string_view bytes) {
  return looks_compact(bytes) ? ModelFormat::Compact : ModelFormat::Json;
}

Network parse_model(std::string_view bytes, std::optional<Activation> activation, const std::string& source) {
  if (sniff_model_format(bytes) == ModelFormat::Json) {
    return parse_weights(bytes, activation.value_or(Activation::ReLU), source);
  }
  Network net = parse_compact(bytes, source);
  if (activation && *activation != net.activation()) {
    throw Error(source + ": the compact model's hidden activation is " + std::string(activation_name(net.activation())) +
                ", but " + std::string(activation_name(*activation)) + " was asked for");
  }
  return net;
}

Network load_model(const std::string& path, std::optional<Activation> activation) {
  return parse_model(detail::read_file(path, "model", detail::kMaxModelFileBytes), activation, path);
}

}  // namespace nn
