// Reading the weights JSON with nlohmann's SAX interface: numbers go straight into
// float arrays, with no JSON tree in between (a 784-500-300-100-10 model has
// 573,910 numbers; this matters most in the browser).
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "nn/error.hpp"
#include "nn/weights_io.hpp"

namespace nn {
namespace {

using Arrays = std::map<std::string, std::vector<float>>;

// Accepts exactly one object whose values are flat arrays of numbers.
class WeightsSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit WeightsSax(const std::string& source) : source_(source) {}
  Arrays arrays;

  bool null() override { return not_number("null"); }
  bool boolean(bool) override { return not_number("a boolean"); }
  bool number_integer(number_integer_t v) override { return push(static_cast<float>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return push(static_cast<float>(v)); }
  bool number_float(number_float_t, const string_t& text) override {
    // strtof on the token itself: correctly rounded to float, no double rounding.
    const float v = std::strtof(text.c_str(), nullptr);
    if (depth_ == 2 && !std::isfinite(v)) {
      fail(key_ + "[" + std::to_string(current_->size()) + "]: " + text + " is outside the float range");
    }
    return push(v);
  }
  bool string(string_t&) override { return not_number("a string"); }
  bool binary(binary_t&) override { return not_number("binary data"); }
  bool start_object(std::size_t) override {
    if (depth_ != 0) return not_number("an object");
    depth_ = 1;
    return true;
  }
  bool end_object() override {
    depth_ = 0;
    return true;
  }
  bool key(string_t& k) override {
    if (!valid_key(k)) {
      fail("unexpected key '" + k + "' (expected W0, b0, W1, b1, ...)");
    }
    if (arrays.count(k)) fail("key '" + k + "' appears twice");
    key_ = k;
    current_ = &arrays[k];
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 0) fail("expected a JSON object {\"W0\": [...], \"b0\": [...], ...}, got an array");
    if (depth_ == 2) return not_number("a nested array");
    depth_ = 2;
    return true;
  }
  bool end_array() override {
    depth_ = 1;
    return true;
  }
  bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception& e) override {
    std::string what = e.what();
    if (const auto at = what.find("]"); at != std::string::npos) what = what.substr(at + 2);
    fail("invalid JSON at byte " + std::to_string(byte) + ": " + what);
  }

 private:
  static bool valid_key(const std::string& k) {
    if (k.size() < 2 || (k[0] != 'W' && k[0] != 'b')) return false;
    if (k.size() > 2 && k[1] == '0') return false;
    for (std::size_t i = 1; i < k.size(); ++i) {
      if (k[i] < '0' || k[i] > '9') return false;
    }
    return k.size() < 6;
  }
  bool push(float v) {
    if (depth_ != 2) return not_number("a number");
    current_->push_back(v);
    return true;
  }
  bool not_number(const std::string& what) {
    if (depth_ == 0) fail("expected a JSON object {\"W0\": [...], \"b0\": [...], ...}, got " + what);
    if (depth_ == 1) fail(key_ + ": expected a flat array of numbers, got " + what);
    fail(key_ + "[" + std::to_string(current_->size()) + "]: expected a number, got " + what);
  }
  [[noreturn]] void fail(const std::string& what) const { throw Error(source_ + ": " + what); }

  const std::string& source_;
  int depth_ = 0;
  std::string key_;
  std::vector<float>* current_ = nullptr;
};

std::vector<Layer> to_layers(Arrays& arrays, const std::string& source) {
  auto fail = [&](const std::string& what) { throw Error(source + ": " + what); };
  if (arrays.empty()) fail("no layers (expected keys W0, b0, W1, b1, ...)");
  std::vector<Layer> layers;
  const std::size_t count = arrays.size() / 2;
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    const std::string wk = "W" + std::to_string(k), bk = "b" + std::to_string(k);
    const bool has_w = arrays.count(wk) != 0, has_b = arrays.count(bk) != 0;
    if (!has_w && !has_b) {
      if (layers.size() * 2 == arrays.size()) break;
      fail("missing " + wk + " and " + bk + " (layers must be numbered 0, 1, 2, ...)");
    }
    if (!has_w) fail("missing " + wk + " (found " + bk + ")");
    if (!has_b) fail("missing " + bk + " (found " + wk + ")");
    const std::vector<float>& w = arrays[wk];
    const std::vector<float>& b = arrays[bk];
    if (b.empty()) fail(bk + " is empty");
    if (w.empty() || w.size() % b.size() != 0) {
      fail(wk + " has " + std::to_string(w.size()) + " numbers, expected a multiple of the " +
           std::to_string(b.size()) + " outputs in " + bk);
    }
    const auto outputs = static_cast<Eigen::Index>(b.size());
    const auto inputs = static_cast<Eigen::Index>(w.size() / b.size());
    if (!layers.empty() && inputs != layers.back().W.rows()) {
      fail(wk + " has " + std::to_string(w.size()) + " numbers = " + std::to_string(inputs) +
           " inputs x " + std::to_string(outputs) + " outputs, but layer " +
           std::to_string(k - 1) + " gives " + std::to_string(layers.back().W.rows()) + " outputs");
    }
    // Flat row-major (I, O) is exactly column-major O x I.
    layers.push_back({Eigen::Map<const Eigen::MatrixXf>(w.data(), outputs, inputs),
                      Eigen::Map<const Eigen::VectorXf>(b.data(), outputs)});
  }
  if (layers.size() != count || layers.size() * 2 != arrays.size()) {
    fail("layer keys are not numbered 0, 1, 2, ... without gaps");
  }
  return layers;
}

}  // namespace

Network parse_weights(std::string_view json, Activation activation, const std::string& source) {
  WeightsSax sax(source);
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw Error(source + ": is empty, expected weights JSON");
  }
  nlohmann::json::sax_parse(json.begin(), json.end(), &sax);
  return Network(to_layers(sax.arrays, source), activation);
}

Network load_weights(const std::string& path, Activation activation) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(path + ": read failed");
  return parse_weights(text.str(), activation, path);
}

}  // namespace nn
