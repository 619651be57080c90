// The weights as JSON text: shortest round-trip text for every float (std::to_chars).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "nn/error.hpp"
#include "nn/layer_list.hpp"
#include "nn/weights_io.hpp"

namespace nn {
namespace {

// The shortest text that reads back to the same float, into buf; returns its end.
// std::to_chars where the standard library has it for floats; Emscripten's libc++
// does not, so there the fewest %g digits (up to 9, always enough) that read back.
char* shortest(char* buf, std::size_t size, float v) {
#ifndef __EMSCRIPTEN__
  return std::to_chars(buf, buf + size, v).ptr;
#else
  int n = 0;
  for (int digits = 1; digits <= 9; ++digits) {
    n = std::snprintf(buf, size, "%.*g", digits, static_cast<double>(v));
    if (std::strtof(buf, nullptr) == v) break;
  }
  return buf + n;
#endif
}

void append_array(std::string& out, const std::string& key, const float* v, Eigen::Index n) {
  out += '"' + key + "\":[";
  char buf[32];
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(v[i])) {
      throw Error("refusing to write weights: " + key + "[" + std::to_string(i) +
                  "] is not a finite number");
    }
    if (i) out += ',';
    // "-0" would read back as the integer 0, losing the sign.
    if (v[i] == 0 && std::signbit(v[i])) {
      out += "-0.0";
      continue;
    }
    out.append(buf, shortest(buf, sizeof buf, v[i]));
  }
  out += ']';
}

}  // namespace

std::string weights_to_json(const Network& net) {
  std::string out = "{";
  out.reserve(static_cast<std::size_t>(net.parameter_count()) * 12);
  if (!net.is_dense()) {
    // A convolutional network: its input shape and layer list, then each convolution's
    // C<j> (ONNX's (F, C, k, k) row-major, which is W's memory) and c<j>.
    const Shape in = net.input_shape();
    out += "\"input\":[" + std::to_string(in.channels) + "," + std::to_string(in.height) + "," +
           std::to_string(in.width) + "],\n\"layers\":[";
    const std::vector<std::string> tokens = layer_list(net);
    for (std::size_t i = 0; i < tokens.size(); ++i) out += (i ? ",\"" : "\"") + tokens[i] + '"';
    out += "],\n";
    std::size_t j = 0;
    for (const ImageLayer& l : net.image_layers()) {
      if (l.kind != ImageLayer::Kind::Conv) continue;
      append_array(out, "C" + std::to_string(j), l.W.data(), l.W.size());
      out += ",\n";
      append_array(out, "c" + std::to_string(j), l.b.data(), l.b.size());
      out += ",\n";
      ++j;
    }
  }
  const auto& layers = net.layers();
  for (std::size_t k = 0; k < layers.size(); ++k) {
    if (k) out += ",\n";
    // Column-major O x I memory is the file's flat row-major (I, O) order.
    append_array(out, "W" + std::to_string(k), layers[k].W.data(), layers[k].W.size());
    out += ",\n";
    append_array(out, "b" + std::to_string(k), layers[k].b.data(), layers[k].b.size());
  }
  out += "}\n";
  return out;
}

}  // namespace nn
