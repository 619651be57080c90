// native_probs: the reference side of the wasm module's tests (tests/wasm/module.test.cjs).
// Prints native libnn's probabilities for the first N images of a data set, as JSON:
//   {"probabilities": [[p0, ..., p9], ...]}        one row per image, %.9g (float round trip)
//
//   native_probs WEIGHTS.json IMAGES N [--normalize] [--activation NAME]
//                [--activations | --gradient K] [--floats]
//
// --activations prints every layer's outputs instead, {"activations": [[[...], ...], ...]}
// (per image, per layer); --gradient K the gradient of output K's logit with respect to
// the input, {"gradients": [[...], ...]} (nn::input_gradient).
//
// --floats: IMAGES holds the inputs themselves, N x 784 little-endian float32 (e.g. a
// drawing as the page normalised it), used as they are.
// Otherwise inputs are the images' pixels / 255 (nn::gather_batch, as the trainer sees them).
// --normalize first applies nn::normalize_digit to each 28x28 image (what the module's
// predictCanvas does to a drawing); an image with no ink gives null instead of a row.
#include <Eigen/Core>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nn/activation.hpp"
#include "nn/backward.hpp"
#include "nn/data_io.hpp"
#include "nn/error.hpp"
#include "nn/image.hpp"
#include "nn/forward.hpp"
#include "nn/model_io.hpp"

namespace {

struct Args {
  std::string weights, images;
  std::size_t count = 0;
  bool normalize = false;
  nn::Activation activation = nn::Activation::ReLU;
  bool activations = false;
  int gradient = -1;  // the output whose logit's input gradient is printed, or -1
  bool floats = false;
};

constexpr const char* kUsage =
    "usage: native_probs WEIGHTS.json IMAGES N [--normalize] [--activation NAME] [--activations | --gradient K] [--floats]\n";

Args parse_args(int argc, char** argv) {
  Args a;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--normalize") {
      a.normalize = true;
    } else if (arg == "--floats") {
      a.floats = true;
    } else if (arg == "--activations") {
      a.activations = true;
    } else if (arg == "--gradient" && i + 1 < argc) {
      a.gradient = std::stoi(argv[++i]);
    } else if (arg == "--activation" && i + 1 < argc) {
      a.activation = nn::parse_activation(argv[++i]);
    } else if (arg.starts_with("--")) {
      throw nn::Error("unknown option '" + std::string(arg) + "'\n" + kUsage);
    } else {
      positional.emplace_back(arg);
    }
  }
  if (positional.size() != 3) {
    throw nn::Error("expected 3 arguments, got " + std::to_string(positional.size()) + "\n" + kUsage);
  }
  a.weights = positional[0];
  a.images = positional[1];
  char* end = nullptr;
  const unsigned long long n = std::strtoull(positional[2].c_str(), &end, 10);
  if (positional[2].empty() || *end != '\0' || n == 0) {
    throw nn::Error("N: expected a positive integer, got '" + positional[2] + "'");
  }
  a.count = static_cast<std::size_t>(n);
  return a;
}

void print_row(const float* p, Eigen::Index n) {
  std::printf("[");
  for (Eigen::Index j = 0; j < n; ++j) std::printf(j ? ", %.9g" : "%.9g", static_cast<double>(p[j]));
  std::printf("]");
}

// --activations or --gradient K: one entry per image.
void print_inside(const nn::Network& net, const Eigen::MatrixXf& x, const Args& a) {
  nn::Activations acts;
  nn::forward(net, x, acts);
  std::printf(a.activations ? "{\"activations\": [\n" : "{\"gradients\": [\n");
  const Eigen::MatrixXf gradients = a.activations ? Eigen::MatrixXf() : nn::input_gradient(net, acts, a.gradient);
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    if (c) std::printf(",\n");
    if (!a.activations) {
      print_row(gradients.col(c).data(), gradients.rows());
      continue;
    }
    std::printf("[");
    for (std::size_t k = 1; k < acts.size(); ++k) {
      if (k > 1) std::printf(", ");
      print_row(acts[k].col(c).data(), acts[k].rows());
    }
    std::printf("]");
  }
  std::printf("\n]}\n");
}

// --floats: the N x features inputs of a raw float32 file, as a features x N matrix.
Eigen::MatrixXf read_floats(const std::string& path, std::size_t count, int features) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw nn::Error(path + ": cannot open");
  Eigen::MatrixXf x(features, static_cast<Eigen::Index>(count));
  const std::size_t got = std::fread(x.data(), sizeof(float), static_cast<std::size_t>(x.size()), f);
  std::fclose(f);
  if (got != static_cast<std::size_t>(x.size())) {
    throw nn::Error(path + ": expected " + std::to_string(x.size()) + " float32 values, got " + std::to_string(got));
  }
  return x;
}

void run(const Args& a) {
  const nn::Network net = nn::load_model(a.weights, a.activation);
  if (a.floats) {
    const Eigen::MatrixXf x = read_floats(a.images, a.count, net.inputs());
    if (a.activations || a.gradient >= 0) {
      print_inside(net, x, a);
      return;
    }
    throw nn::Error("--floats: give --activations or --gradient K");
  }
  const nn::Dataset data = nn::load_dataset(a.images);
  if (a.count > data.size()) {
    throw nn::Error(a.images + ": asked for " + std::to_string(a.count) + " images, it has " +
                    std::to_string(data.size()));
  }
  std::vector<std::uint32_t> index(a.count);
  std::iota(index.begin(), index.end(), 0u);
  Eigen::MatrixXf x;  // features x N
  std::vector<std::uint8_t> labels;
  nn::gather_batch(data, index, x, labels);

  std::vector<bool> has_ink(a.count, true);
  if (a.normalize) {
    if (data.features != nn::kDigitSide * nn::kDigitSide) {
      throw nn::Error(a.images + ": --normalize needs 28x28 images, got " + std::to_string(data.features) +
                      " pixels");
    }
    Eigen::VectorXf out(x.rows());
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      const std::span<const float> ink(x.col(c).data(), static_cast<std::size_t>(x.rows()));
      has_ink[static_cast<std::size_t>(c)] = nn::normalize_digit(ink, nn::kDigitSide, nn::kDigitSide, out);
      x.col(c) = out;
    }
  }

  if (a.activations || a.gradient >= 0) {
    print_inside(net, x, a);
    return;
  }
  const Eigen::MatrixXf probs = nn::predict(net, x);  // C x N
  std::printf("{\"probabilities\": [\n");
  for (Eigen::Index c = 0; c < probs.cols(); ++c) {
    if (c) std::printf(",\n");
    if (has_ink[static_cast<std::size_t>(c)]) {
      print_row(probs.col(c).data(), probs.rows());
    } else {
      std::printf("null");
    }
  }
  std::printf("\n]}\n");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    run(parse_args(argc, argv));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "native_probs: error: %s\n", e.what());
    return 1;
  }
}
