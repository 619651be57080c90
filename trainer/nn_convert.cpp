// nn-convert: converts a model between formats. The output format follows OUT's
// extension: .nnm the compact format (--encoding), .onnx ONNX, .json the weights JSON.
// IN is weights JSON or a compact model, told apart by content. OUT is written
// atomically: a failed conversion leaves an existing OUT as it was.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "nn/compact_model.hpp"
#include "nn/error.hpp"
#include "nn/model_io.hpp"
#include "nn/onnx_export.hpp"
#include "nn/weights_io.hpp"

#ifndef NN_VERSION
#define NN_VERSION "unknown"
#endif

namespace {

enum class Output { Compact, Onnx, Json };

Output output_format(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".nnm") return Output::Compact;
  if (ext == ".onnx") return Output::Onnx;
  if (ext == ".json") return Output::Json;
  throw nn::Error(path + ": unknown output extension '" + ext + "' (expected .nnm, .onnx or .json)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Convert a model: weights JSON or compact (.nnm) in; .nnm, .onnx or .json out, by OUT's extension."};
  app.set_version_flag("--version", std::string("nn-convert ") + NN_VERSION);
  std::string in, out, encoding_text = "int8", activation_text;
  app.add_option("IN", in, "Model to read: weights JSON or a compact model")->required();
  app.add_option("OUT", out, "File to write: .nnm (compact), .onnx (ONNX) or .json (weights JSON)")->required();
  auto* encoding_option = app.add_option("--encoding", encoding_text,
                                         "Weights in a .nnm file: float32, float16, int8 (default), int4 (a scale per unit) or "
                                         "int4-b32 / int4-b64 (a scale per unit and block of 32 / 64 inputs)");
  app.add_option("--activation", activation_text,
                 "Hidden activation of a JSON model (re-lu by default); a .nnm file stores its own");
  CLI11_PARSE(app, argc, argv);
  try {
    const Output format = output_format(out);  // before any reading: fail fast
    const nn::Encoding encoding = nn::parse_encoding(encoding_text);
    if (format != Output::Compact && encoding_option->count()) {
      throw nn::Error("--encoding applies to .nnm output only (OUT is " + out + ")");
    }
    std::optional<nn::Activation> activation;
    if (!activation_text.empty()) activation = nn::parse_activation(activation_text);

    const nn::Network net = nn::load_model(in, activation);
    std::string what;
    switch (format) {
      case Output::Compact:
        nn::save_compact(net, encoding, out);
        what = "compact model, " + std::string(nn::encoding_name(encoding));
        break;
      case Output::Onnx:
        nn::save_onnx(net, out);
        what = "ONNX, opset " + std::to_string(nn::kOnnxOpset);
        break;
      case Output::Json:
        nn::save_weights(net, out);
        what = "weights JSON";
        break;
    }
    std::printf("wrote %s: %s, %s, %s, %ld parameters, %ju bytes\n", out.c_str(), what.c_str(),
                nn::describe(net).c_str(), std::string(nn::activation_name(net.activation())).c_str(),
                net.parameter_count(), static_cast<std::uintmax_t>(std::filesystem::file_size(out)));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nn-convert: error: %s\n", e.what());
    return 1;
  }
}
