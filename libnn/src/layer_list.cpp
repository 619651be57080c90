// Layer lists as text (nn/layer_list.hpp).
#include "nn/layer_list.hpp"

#include <charconv>
#include <optional>

#include "nn/error.hpp"

namespace nn {
namespace {

struct Token {
  enum class Kind { Conv, Pool, Dense } kind;
  int kernel = 0, size = 0;
  Padding padding = Padding::Valid;
};

// A whole decimal number of 1..kMaxLayerSize, or nothing.
std::optional<int> number(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > kMaxLayerSize) {
    return std::nullopt;
  }
  return value;
}

std::optional<Token> parse(std::string_view text) {
  if (text == "pool2") return Token{Token::Kind::Pool};
  if (text.starts_with("dense")) {
    if (const auto n = number(text.substr(5))) return Token{Token::Kind::Dense, 0, *n};
    return std::nullopt;
  }
  if (!text.starts_with("conv")) return std::nullopt;
  text.remove_prefix(4);
  Padding padding = Padding::Valid;
  if (text.ends_with(":same")) {
    padding = Padding::Same;
    text.remove_suffix(5);
  }
  const auto x = text.find('x');
  if (x == std::string_view::npos) return std::nullopt;
  const auto kernel = number(text.substr(0, x)), filters = number(text.substr(x + 1));
  if (!kernel || !filters) return std::nullopt;
  return Token{Token::Kind::Conv, *kernel, *filters, padding};
}

}  // namespace

std::string shape_text(Shape shape) {
  return std::to_string(shape.channels) + "x" + std::to_string(shape.height) + "x" + std::to_string(shape.width);
}

Network network_from_layers(Shape input, std::span<const std::string> tokens, Activation activation) {
  std::vector<ImageLayer> image;
  std::vector<int> dense;
  Shape shape = input;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string where = "layer " + std::to_string(i + 1) + " '" + tokens[i] + "'";
    const std::optional<Token> t = parse(tokens[i]);
    if (!t) throw Error(where + ": expected convKxF, convKxF:same, pool2 or denseN (e.g. conv5x16, dense128)");
    if (t->kind == Token::Kind::Dense) {
      dense.push_back(t->size);
      continue;
    }
    if (!dense.empty()) {
      throw Error(where + ": an image layer after a dense layer; convolutions and pooling come first");
    }
    try {
      image.push_back(t->kind == Token::Kind::Conv ? ImageLayer::conv(shape, t->size, t->kernel, t->padding)
                                                   : ImageLayer::pool(shape));
    } catch (const Error& e) {
      throw Error(where + ": " + e.what());
    }
    shape = image.back().out();
  }
  if (dense.empty()) throw Error("the layer list needs at least one dense layer at the end (the classes)");
  if (image.empty()) {
    std::vector<int> sizes{input.size()};
    sizes.insert(sizes.end(), dense.begin(), dense.end());
    return Network(std::move(sizes), activation);
  }
  return Network(input, std::move(image), dense, activation);
}

std::vector<std::string> layer_list(const Network& net) {
  std::vector<std::string> tokens;
  for (const ImageLayer& l : net.image_layers()) {
    if (l.kind == ImageLayer::Kind::Pool) {
      tokens.push_back("pool2");
    } else {
      tokens.push_back("conv" + std::to_string(l.kernel) + "x" + std::to_string(l.filters) +
                       (l.padding == Padding::Same ? ":same" : ""));
    }
  }
  for (std::size_t k = 1; k < net.sizes().size(); ++k) tokens.push_back("dense" + std::to_string(net.sizes()[k]));
  return tokens;
}

}  // namespace nn
