// nn-misread: the digits of a data set that a model gets wrong, as JSON, for the page's
// inside view ("where it comes from": the shipped model's mistakes on MNIST's test set,
// shown small). Reads the data as the trainer does (--normalize: as the page sees digits).
//
//   nn-misread MODEL IMAGES OUT.json [--normalize] [--max N]
//
// OUT (written atomically):
//   {"model", "data", "samples", "mistakes",
//    "digits": [{"index", "label", "predicted", "p": probability of predicted,
//                "pixels": base64 of 784 bytes, 0..255, row-major, ink = 255}, ...]}
// The digits in the data set's order; at most N of them (default 100), "mistakes" counts all.
#include <CLI/CLI.hpp>
#include <Eigen/Core>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "nn/atomic_file.hpp"
#include "nn/data_io.hpp"
#include "nn/dataset.hpp"
#include "nn/error.hpp"
#include "nn/evaluate.hpp"
#include "nn/forward.hpp"
#include "nn/model_io.hpp"

#ifndef NN_VERSION
#define NN_VERSION "unknown"
#endif

namespace {

std::string base64(const std::uint8_t* data, std::size_t n) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < n; i += 3) {
    const std::uint32_t b = (std::uint32_t{data[i]} << 16) | (i + 1 < n ? std::uint32_t{data[i + 1]} << 8 : 0u) |
                            (i + 2 < n ? std::uint32_t{data[i + 2]} : 0u);
    out += abc[(b >> 18) & 63];
    out += abc[(b >> 12) & 63];
    out += i + 1 < n ? abc[(b >> 6) & 63] : '=';
    out += i + 2 < n ? abc[b & 63] : '=';
  }
  return out;
}

// A file name for the JSON: quotes and backslashes escaped.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string misread_json(const std::string& model_path, const std::string& images_path, bool normalize,
                         std::size_t max) {
  const nn::Network net = nn::load_model(model_path, std::nullopt);
  nn::Dataset data = nn::load_dataset(images_path);
  if (normalize) nn::normalize_digits(data);
  nn::check_compatible(net, data);
  std::string digits;
  std::size_t mistakes = 0;
  constexpr std::size_t kBatch = 1000;
  for (std::size_t start = 0; start < data.size(); start += kBatch) {
    std::vector<std::uint32_t> index(std::min(kBatch, data.size() - start));
    std::iota(index.begin(), index.end(), static_cast<std::uint32_t>(start));
    Eigen::MatrixXf x;  // features x batch
    std::vector<std::uint8_t> labels;
    nn::gather_batch(data, index, x, labels);
    const Eigen::MatrixXf probs = nn::predict(net, x);  // classes x batch
    for (Eigen::Index c = 0; c < probs.cols(); ++c) {
      Eigen::Index predicted = 0;
      probs.col(c).maxCoeff(&predicted);
      if (predicted == labels[static_cast<std::size_t>(c)]) continue;
      if (mistakes++ >= max) continue;
      const std::size_t i = index[static_cast<std::size_t>(c)];
      char head[160];
      std::snprintf(head, sizeof head, "{\"index\": %zu, \"label\": %d, \"predicted\": %d, \"p\": %.4f, \"pixels\": \"", i,
                    static_cast<int>(labels[static_cast<std::size_t>(c)]), static_cast<int>(predicted),
                    static_cast<double>(probs(predicted, c)));
      digits += std::string(digits.empty() ? "\n    " : ",\n    ") + head +
                base64(data.sample(i).data(), data.sample(i).size()) + "\"}";
    }
  }
  return "{\n  \"model\": " + quoted(model_path) + ",\n  \"data\": " + quoted(images_path) +
         ",\n  \"normalized\": " + (normalize ? "true" : "false") + ",\n  \"samples\": " +
         std::to_string(data.size()) + ",\n  \"mistakes\": " + std::to_string(mistakes) + ",\n  \"digits\": [" +
         digits + "]\n}\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"List the digits a model misreads, with their pixels, as JSON."};
  app.set_version_flag("--version", std::string("nn-misread ") + NN_VERSION);
  std::string model, images, out;
  bool normalize = false;
  std::size_t max = 100;
  app.add_option("MODEL", model, "The model: weights JSON or a compact model (.nnm)")->required();
  app.add_option("IMAGES", images, "The data set: IDX images (labels beside them) or CSV")->required();
  app.add_option("OUT", out, "The JSON file to write")->required();
  app.add_flag("--normalize", normalize, "Normalise each digit as the page does (as the trainer's --normalize)");
  app.add_option("--max", max, "Keep at most this many digits (all are counted)")->check(CLI::NonNegativeNumber);
  CLI11_PARSE(app, argc, argv);
  try {
    const std::string json = misread_json(model, images, normalize, max);
    nn::write_file_atomically(out, json);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nn-misread: error: %s\n", e.what());
    return 1;
  }
}
