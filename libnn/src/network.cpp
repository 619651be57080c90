#include "nn/network.hpp"

#include <cmath>
#include <string>

#include "conv.hpp"
#include "nn/error.hpp"
#include "nn/layer_list.hpp"
#include "output_bounds.hpp"

namespace nn {
namespace {

// The bounds of network.hpp, before anything is allocated.
void check_shape(const std::vector<int>& sizes) {
  if (sizes.size() < 2) {
    throw Error("a network needs at least 2 layer sizes (inputs and outputs), got " +
                std::to_string(sizes.size()));
  }
  for (int s : sizes) {
    if (s <= 0) throw Error("layer sizes must be positive, got " + std::to_string(s));
    if (s > kMaxLayerSize) {
      throw Error("a layer of " + std::to_string(s) + " units is larger than the limit of " +
                  std::to_string(kMaxLayerSize));
    }
  }
  std::int64_t parameters = 0;  // stops past the limit: no overflow
  for (std::size_t k = 0; k + 1 < sizes.size() && parameters <= kMaxParameters; ++k) {
    parameters += std::int64_t{sizes[k + 1]} * (sizes[k] + 1);
  }
  if (parameters > kMaxParameters) {
    throw Error("a network of more than " + std::to_string(kMaxParameters) +
                " parameters (1 GiB of floats) is larger than the limit");
  }
}

// The image layers chain from the input, their geometry makes sense and their
// parameters have the shapes it implies; returns the flattened features' count.
int check_image_layers(Shape input, const std::vector<ImageLayer>& image) {
  const auto fail = [](std::size_t i, const std::string& what) {
    throw Error("image layer " + std::to_string(i) + ": " + what);
  };
  if (input.channels < 1 || input.height < 1 || input.width < 1 || input.channels > kMaxLayerSize ||
      input.height > kMaxLayerSize || input.width > kMaxLayerSize ||
      std::int64_t{input.channels} * input.height * input.width > kMaxParameters) {
    throw Error("the input shape " + std::to_string(input.channels) + "x" + std::to_string(input.height) + "x" +
                std::to_string(input.width) + " is empty or too large");
  }
  Shape shape = input;
  std::int64_t parameters = 0;
  for (std::size_t i = 0; i < image.size(); ++i) {
    const ImageLayer& l = image[i];
    if (!(l.in == shape)) fail(i, "its input shape does not match the previous layer's output");
    if (l.kind == ImageLayer::Kind::Conv) {
      if (l.filters > kMaxLayerSize) fail(i, std::to_string(l.filters) + " filters is more than the limit");
      if (l.kernel > kMaxLayerSize) fail(i, "a kernel side of " + std::to_string(l.kernel) + " is too large");
      conv::check(conv::geometry(l));
      if (std::int64_t{l.in.channels} * l.kernel * l.kernel * l.filters > kMaxParameters) {
        fail(i, "the convolution is larger than the limit");
      }
      if (l.W.rows() != l.patch() || l.W.cols() != l.filters || l.b.size() != l.filters) {
        fail(i, "expected " + std::to_string(l.patch()) + " x " + std::to_string(l.filters) + " weights and " +
                    std::to_string(l.filters) + " biases");
      }
      parameters += l.W.size() + l.b.size();
    } else {
      conv::pool_out(l.in);
      if (l.W.size() != 0 || l.b.size() != 0) fail(i, "max-pooling has no parameters");
    }
    shape = l.out();
    if (std::int64_t{shape.channels} * shape.height * shape.width > kMaxParameters || parameters > kMaxParameters) {
      fail(i, "the network is larger than the limit");
    }
  }
  return shape.size();
}

std::vector<int> sizes_of(const std::vector<Layer>& layers) {
  if (layers.empty()) throw Error("a network needs at least one dense layer");
  std::vector<int> sizes{static_cast<int>(layers.front().W.cols())};
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const Layer& l = layers[k];
    if (l.W.cols() != sizes.back()) {
      throw Error("layer " + std::to_string(k) + " takes " + std::to_string(l.W.cols()) +
                  " inputs but the previous layer gives " + std::to_string(sizes.back()));
    }
    if (l.b.size() != l.W.rows()) {
      throw Error("layer " + std::to_string(k) + " has " + std::to_string(l.W.rows()) +
                  " outputs but " + std::to_string(l.b.size()) + " biases");
    }
    sizes.push_back(static_cast<int>(l.W.rows()));
  }
  check_shape(sizes);
  return sizes;
}

}  // namespace

ImageLayer ImageLayer::conv(Shape in, int filters, int kernel, Padding padding) {
  ImageLayer l;
  l.kind = Kind::Conv;
  l.in = in;
  l.filters = filters;
  l.kernel = kernel;
  l.padding = padding;
  conv::check(conv::geometry(l));
  // Bounded in 64 bits before patch() multiplies in int.
  if (std::int64_t{in.channels} * kernel * kernel * filters > kMaxParameters) {
    throw Error("a convolution of " + std::to_string(kernel) + "x" + std::to_string(kernel) + " kernels on " +
                std::to_string(in.channels) + " channels with " + std::to_string(filters) +
                " filters is larger than the limit of " + std::to_string(kMaxParameters) + " parameters");
  }
  l.W = Eigen::MatrixXf::Zero(l.patch(), filters);
  l.b = Eigen::VectorXf::Zero(filters);
  return l;
}

ImageLayer ImageLayer::pool(Shape in) {
  ImageLayer l;
  l.kind = Kind::Pool;
  l.in = in;
  conv::pool_out(in);
  return l;
}

Shape ImageLayer::out() const { return kind == Kind::Conv ? conv::geometry(*this).out() : conv::pool_out(in); }

Network::Network(std::vector<int> sizes, Activation activation)
    : input_{1, 1, sizes.empty() ? 1 : sizes.front()}, sizes_(std::move(sizes)), activation_(activation) {
  check_shape(sizes_);
  for (std::size_t k = 0; k + 1 < sizes_.size(); ++k) {
    layers_.push_back({Eigen::MatrixXf::Zero(sizes_[k + 1], sizes_[k]),
                       Eigen::VectorXf::Zero(sizes_[k + 1])});
  }
}

// Members are initialised in declaration order: input_ reads `layers` before layers_
// takes it.
Network::Network(std::vector<Layer> layers, Activation activation, const std::string& source)
    : input_{1, 1, layers.empty() ? 1 : static_cast<int>(layers.front().W.cols())},
      activation_(activation),
      layers_(std::move(layers)) {
  check_layers(source);
}

Network::Network(Shape input, std::vector<ImageLayer> image_layers, const std::vector<int>& dense_sizes,
                 Activation activation)
    : input_(input), image_(std::move(image_layers)), activation_(activation) {
  sizes_.reserve(dense_sizes.size() + 1);
  sizes_.push_back(check_image_layers(input_, image_));
  sizes_.insert(sizes_.end(), dense_sizes.begin(), dense_sizes.end());
  check_shape(sizes_);
  for (std::size_t k = 0; k + 1 < sizes_.size(); ++k) {
    layers_.push_back({Eigen::MatrixXf::Zero(sizes_[k + 1], sizes_[k]), Eigen::VectorXf::Zero(sizes_[k + 1])});
  }
}

Network::Network(Shape input, std::vector<ImageLayer> image_layers, std::vector<Layer> layers, Activation activation,
                 const std::string& source)
    : input_(input), image_(std::move(image_layers)), activation_(activation), layers_(std::move(layers)) {
  check_layers(source);
}

void Network::check_layers(const std::string& source) {
  const int features = check_image_layers(input_, image_);
  sizes_ = sizes_of(layers_);
  if (sizes_.front() != features) {
    throw Error(source + ": the first dense layer takes " + std::to_string(sizes_.front()) + " inputs but the " +
                (image_.empty() ? "input has " : "image layers give ") + std::to_string(features));
  }
  // Weights so large that outputs could be inf or NaN (see output_bounds.hpp).
  if (const std::string overflow = detail::output_overflow(*this); !overflow.empty()) {
    throw Error(source + ": " + overflow +
                ": the model's outputs could be infinite or NaN; are these weights scaled correctly?");
  }
}

long Network::parameter_count() const {
  long n = 0;
  for (const ImageLayer& l : image_) n += static_cast<long>(l.W.size() + l.b.size());
  for (const Layer& l : layers_) n += static_cast<long>(l.W.size() + l.b.size());
  return n;
}

void check_inputs(const Network& net, Eigen::Index rows) {
  if (rows != net.inputs()) {
    throw Error("expected " + std::to_string(net.inputs()) + " inputs per sample, got " + std::to_string(rows));
  }
}

std::string sizes_text(const std::vector<int>& sizes) {
  std::string s;
  for (int n : sizes) s += (s.empty() ? "" : "-") + std::to_string(n);
  return s;
}

std::string describe(const Network& net) {
  if (net.is_dense()) return sizes_text(net.sizes());
  std::string s = shape_text(net.input_shape());
  for (const std::string& token : layer_list(net)) s += " " + token;
  return s;
}

std::vector<float> parameters(const Network& net) {
  std::vector<float> all;
  all.reserve(static_cast<std::size_t>(net.parameter_count()));
  for (const ImageLayer& l : net.image_layers()) {
    all.insert(all.end(), l.W.data(), l.W.data() + l.W.size());
    all.insert(all.end(), l.b.data(), l.b.data() + l.b.size());
  }
  for (const Layer& l : net.layers()) {
    all.insert(all.end(), l.W.data(), l.W.data() + l.W.size());
    all.insert(all.end(), l.b.data(), l.b.data() + l.b.size());
  }
  return all;
}

void set_parameters(Network& net, std::span<const float> values, const std::string& source) {
  const auto expected = static_cast<std::size_t>(net.parameter_count());
  if (values.size() != expected) {
    throw Error(source + ": expected " + std::to_string(expected) + " parameters, got " + std::to_string(values.size()));
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) throw Error(source + ": parameter " + std::to_string(i) + " is not a finite number");
  }
  std::vector<ImageLayer> image = net.image_layers();
  const float* p = values.data();
  for (ImageLayer& l : image) {
    l.W = Eigen::Map<const Eigen::MatrixXf>(p, l.W.rows(), l.W.cols());
    l.b = Eigen::Map<const Eigen::VectorXf>(p + l.W.size(), l.b.size());
    p += l.W.size() + l.b.size();
  }
  std::vector<Layer> layers;
  for (const Layer& l : net.layers()) {
    // Flat row-major (I, O) is exactly column-major O x I.
    layers.push_back({Eigen::Map<const Eigen::MatrixXf>(p, l.W.rows(), l.W.cols()),
                      Eigen::Map<const Eigen::VectorXf>(p + l.W.size(), l.b.size())});
    p += l.W.size() + l.b.size();
  }
  net = Network(net.input_shape(), std::move(image), std::move(layers), net.activation(), source);  // checked before net changes
}

}  // namespace nn
