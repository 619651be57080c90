// The weights as JSON text: shortest round-trip text for every float (std::to_chars).
#include <charconv>
#include <cmath>
#include <string>

#include "nn/error.hpp"
#include "nn/weights_io.hpp"

namespace nn {
namespace {

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
    const auto res = std::to_chars(buf, buf + sizeof buf, v[i]);
    out.append(buf, res.ptr);
  }
  out += ']';
}

}  // namespace

std::string weights_to_json(const Network& net) {
  std::string out = "{";
  out.reserve(static_cast<std::size_t>(net.parameter_count()) * 12);
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
