// Reading the weights JSON. The file is a single object of flat number arrays, so
// a small dedicated reader does the job: numbers go straight into float arrays with
// fast_float (correctly rounded, no locale, no double rounding), with no JSON tree in
// between. A 784-500-300-100-10 model has 573,910 numbers; in WebAssembly a general
// JSON library spent seconds on them (its number conversion goes through strtod,
// whose long double arithmetic WebAssembly emulates in software).
//
// Strict JSON: what it accepts is valid JSON, and every error names the source,
// the place and the problem.
#include <fast_float/fast_float.h>

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "file_read.hpp"
#include "nn/compact_model.hpp"
#include "nn/error.hpp"
#include "nn/layer_list.hpp"
#include "nn/weights_io.hpp"

namespace nn {
namespace {

using Arrays = std::map<std::string, std::vector<float>>;

// What the file holds: its number arrays, and for a convolutional network its "input"
// shape (kept among the arrays) and "layers" list.
struct Contents {
  Arrays arrays;
  std::vector<std::string> layers;
  bool has_layers = false;
};

class WeightsReader {
 public:
  WeightsReader(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  Contents read() {
    if (looks_compact(text_)) {
      fail("this is a compact model (.nnm, first byte 0x89), expected weights JSON; nn::parse_model and "
           "nn::load_model read both");
    }
    skip_space();
    if (at_end()) fail("is empty, expected weights JSON");
    if (peek() != '{') fail("expected a JSON object {\"W0\": [...], \"b0\": [...], ...}, got " + kind(false, "a JSON object"));
    ++pos_;
    skip_space();
    if (!eat('}')) {
      do {
        skip_space();
        read_member();
        skip_space();
      } while (eat(','));
      expect('}', "',' or '}'");
    }
    skip_space();
    if (!at_end()) syntax("the end of the text");
    return {std::move(arrays_), std::move(layers_), has_layers_};
  }

 private:
  void read_member() {
    if (peek() != '"') syntax("a key in double quotes");
    const std::string key = read_key();
    skip_space();
    expect(':', "':'");
    skip_space();
    if (!valid_key(key)) fail("unexpected key '" + key + "' (expected W0, b0, W1, b1, ..., or input, layers, C0, c0, ...)");
    if (arrays_.count(key) || (key == "layers" && has_layers_)) fail("key '" + key + "' appears twice");
    if (key == "layers") {
      read_layers();
      return;
    }
    if (peek() != '[') fail(key + ": expected a flat array of numbers, got " + kind(false, "an array"));
    ++pos_;
    std::vector<float>& values = arrays_[key];
    skip_space();
    if (eat(']')) return;
    do {
      skip_space();
      read_number(key, values);
      skip_space();
    } while (eat(','));
    expect(']', "',' or ']'");
  }

  // "layers": an array of tokens in double quotes, plain ASCII (layer_list.hpp).
  void read_layers() {
    has_layers_ = true;
    if (peek() != '[') fail("layers: expected an array of layer names, got " + kind(false, "an array"));
    ++pos_;
    skip_space();
    if (eat(']')) return;
    do {
      skip_space();
      if (peek() != '"') fail("layers[" + std::to_string(layers_.size()) + "]: expected a layer name in double quotes, got " + kind(true, "a string"));
      const std::size_t start = ++pos_;
      while (!at_end() && peek() != '"') {
        if (peek() == '\\' || static_cast<unsigned char>(peek()) < 0x20) {
          fail("layers[" + std::to_string(layers_.size()) + "]: expected a layer name such as conv5x16, pool2 or dense10");
        }
        ++pos_;
      }
      if (at_end()) syntax("the closing '\"' of the layer name");
      layers_.emplace_back(text_.substr(start, pos_++ - start));
      skip_space();
    } while (eat(','));
    expect(']', "',' or ']'");
  }

  // Keys are plain ASCII (W0, b12, ...); escapes would only ever spell other keys.
  std::string read_key() {
    const std::size_t start = ++pos_;
    while (!at_end() && peek() != '"') {
      if (peek() == '\\' || static_cast<unsigned char>(peek()) < 0x20) {
        fail("unexpected key (expected W0, b0, W1, b1, ...)");
      }
      ++pos_;
    }
    if (at_end()) syntax("the closing '\"' of the key");
    return std::string(text_.substr(start, pos_++ - start));
  }

  void read_number(const std::string& key, std::vector<float>& values) {
    const std::size_t start = pos_;
    if (at_end() || !(peek() == '-' || is_digit(peek()))) {
      if (at_end() || peek() == ']' || peek() == ',') syntax("a number");
      fail(key + "[" + std::to_string(values.size()) + "]: expected a number, got " + kind(true, "a number"));
    }
    // JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    eat('-');
    if (!eat('0')) digits();
    if (eat('.')) digits();
    if (eat('e') || eat('E')) {
      if (!eat('+')) eat('-');
      digits();
    }
    float v = 0;
    const char* first = text_.data() + start;
    const auto result = fast_float::from_chars(first, text_.data() + pos_, v);
    if (result.ec != std::errc() || result.ptr != text_.data() + pos_) syntax("a number");
    if (!std::isfinite(v)) {
      fail(key + "[" + std::to_string(values.size()) + "]: " + std::string(text_.substr(start, pos_ - start)) +
           " is outside the float range");
    }
    values.push_back(v);
  }

  void digits() {
    if (at_end() || !is_digit(peek())) syntax("a digit");
    while (!at_end() && is_digit(peek())) ++pos_;
  }

  // What the value at the cursor is, for messages; a syntax error if it is no JSON value.
  std::string kind(bool in_array, const char* expected) const {
    const std::string_view rest = text_.substr(pos_);
    if (rest.starts_with("null")) return "null";
    if (rest.starts_with("true") || rest.starts_with("false")) return "a boolean";
    switch (peek()) {
      case '{': return "an object";
      case '[': return in_array ? "a nested array" : "an array";
      case '"': return "a string";
      default:
        if (peek() == '-' || is_digit(peek())) return "a number";
        syntax(expected);
    }
  }

  static bool valid_key(const std::string& k) {
    if (k == "input" || k == "layers") return true;
    if (k.size() < 2 || k.size() > 5 || (k[0] != 'W' && k[0] != 'b' && k[0] != 'C' && k[0] != 'c')) return false;
    if (k.size() > 2 && k[1] == '0') return false;
    for (std::size_t i = 1; i < k.size(); ++i) {
      if (!is_digit(k[i])) return false;
    }
    return true;
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  bool eat(char c) {
    if (at_end() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c, const char* what) {
    if (!eat(c)) syntax(what);
  }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\n' || peek() == '\r' || peek() == '\t')) ++pos_;
  }

  [[noreturn]] void syntax(const std::string& expected) const {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    const std::string got = at_end() ? "the end of the text" : "'" + std::string(1, peek()) + "'";
    fail("invalid JSON at byte " + std::to_string(pos_) + " (line " + std::to_string(line) + ", column " +
         std::to_string(column) + "): expected " + expected + ", got " + got);
  }
  [[noreturn]] void fail(const std::string& what) const { throw Error(source_ + ": " + what); }

  std::string_view text_;
  const std::string& source_;
  std::size_t pos_ = 0;
  Arrays arrays_;
  std::vector<std::string> layers_;
  bool has_layers_ = false;
};

std::vector<Layer> to_layers(Arrays& arrays, const std::string& source) {
  auto fail = [&](const std::string& what) { throw Error(source + ": " + what); };
  for (const auto& [key, values] : arrays) {
    if (key[0] == 'C' || key[0] == 'c' || key == "input") {
      fail("unexpected key '" + key + "' in a fully connected network (a convolutional one also has \"layers\")");
    }
  }
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

// A network with image layers: "input" and "layers" give its shape, then each array
// must have the count that shape implies, and every array must be used.
Network to_network(Contents& file, Activation activation, const std::string& source) {
  auto fail = [&](const std::string& what) { throw Error(source + ": " + what); };
  Arrays& arrays = file.arrays;
  const auto input_it = arrays.find("input");
  if (input_it == arrays.end()) fail("has \"layers\" but no \"input\" (expected its shape, e.g. \"input\": [1, 28, 28])");
  const std::vector<float>& dims = input_it->second;
  if (dims.size() != 3) fail("input: expected 3 numbers (channels, height, width), got " + std::to_string(dims.size()));
  for (const float d : dims) {
    if (d != std::floor(d) || d < 1 || d > static_cast<float>(kMaxLayerSize)) {
      fail("input: expected whole numbers 1.." + std::to_string(kMaxLayerSize) + ", got " + std::to_string(d));
    }
  }
  const Shape input{static_cast<int>(dims[0]), static_cast<int>(dims[1]), static_cast<int>(dims[2])};
  Network shape = [&] {
    try {
      return network_from_layers(input, file.layers, activation);
    } catch (const Error& e) {
      throw Error(source + ": layers: " + e.what());
    }
  }();
  std::size_t used = 1;  // "input"
  const auto take = [&](const std::string& key, Eigen::Index count, const std::string& what) {
    const auto it = arrays.find(key);
    if (it == arrays.end()) fail("missing " + key + " (" + what + ")");
    if (static_cast<Eigen::Index>(it->second.size()) != count) {
      fail(key + " has " + std::to_string(it->second.size()) + " numbers, expected " + std::to_string(count) + " (" +
           what + ")");
    }
    ++used;
    return it->second.data();
  };
  std::vector<ImageLayer> image = shape.image_layers();
  std::size_t j = 0;
  for (std::size_t i = 0; i < image.size(); ++i) {
    ImageLayer& l = image[i];
    if (l.kind != ImageLayer::Kind::Conv) continue;
    const std::string what = "layer " + std::to_string(i + 1) + " '" + file.layers[i] + "'";
    const std::string c = std::to_string(j++);
    l.W = Eigen::Map<const Eigen::MatrixXf>(
        take("C" + c, l.W.size(), what + ": " + std::to_string(l.filters) + " x " + std::to_string(l.patch()) + " weights"),
        l.W.rows(), l.W.cols());
    l.b = Eigen::Map<const Eigen::VectorXf>(take("c" + c, l.b.size(), what + ": one bias per filter"), l.b.size());
  }
  std::vector<Layer> layers = shape.layers();
  for (std::size_t k = 0; k < layers.size(); ++k) {
    Layer& l = layers[k];
    const std::string what = "layer " + std::to_string(image.size() + k + 1) + " '" + file.layers[image.size() + k] + "'";
    l.W = Eigen::Map<const Eigen::MatrixXf>(
        take("W" + std::to_string(k), l.W.size(),
             what + ": " + std::to_string(l.W.cols()) + " inputs x " + std::to_string(l.W.rows()) + " outputs"),
        l.W.rows(), l.W.cols());
    l.b = Eigen::Map<const Eigen::VectorXf>(take("b" + std::to_string(k), l.b.size(), what + ": one bias per output"),
                                            l.b.size());
  }
  if (used != arrays.size()) {
    for (const auto& [key, values] : arrays) {
      const bool conv = key[0] == 'C' || key[0] == 'c';
      const std::size_t index = key == "input" ? 0 : std::stoul(key.substr(1));
      const std::size_t have = conv ? j : layers.size();
      if (key != "input" && index >= have) {
        fail("unexpected key '" + key + "': the layer list has " + std::to_string(have) +
             (conv ? " convolutions" : " dense layers"));
      }
    }
  }
  return Network(shape.input_shape(), std::move(image), std::move(layers), activation, source);  // checked as every network is
}

}  // namespace

Network parse_weights(std::string_view json, Activation activation, const std::string& source) {
  Contents file = WeightsReader(json, source).read();
  if (file.has_layers) return to_network(file, activation, source);
  return Network(to_layers(file.arrays, source), activation, source);  // checked as every network is
}

Network load_weights(const std::string& path, Activation activation) {
  return parse_weights(detail::read_file(path, "weights", detail::kMaxModelFileBytes), activation, path);
}

}  // namespace nn
