// The WebAssembly module: embind bindings over libnn. No math here: parsing, input
// normalisation and the forward pass are libnn's (nn::parse_weights, nn::ink_from_rgba,
// nn::normalize_digit, nn::original_input, nn::forward).
//
// JS API (see nn.d.ts):
//   const Module = await createNNModule();
//   const model = new Module.Model(jsonText, "re-lu");   // parses once
//   model.predict(input)              -> Float32Array(10)
//   model.predictCanvas(rgba, w, h)   -> Float32Array(10) | null (no ink)
//   Module.normalizeCanvas(rgba, w, h) -> Float32Array(784) | null
//   Module.originalInput(rgba28)      -> Float32Array(784)
//   model.delete()
//
// Errors: every binding catches std::exception; the JS caller gets an Error with the
// same message (see "Errors" below), never a C++ exception or an abort. Returned arrays
// are copies, never views into wasm memory (which may move when it grows).
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nn/activation.hpp"
#include "nn/error.hpp"
#include "nn/image.hpp"
#include "nn/network.hpp"
#include "nn/weights_io.hpp"

using emscripten::val;

namespace {

constexpr int kDigitPixels = nn::kDigitSide * nn::kDigitSide;  // 784
constexpr int kDigitRgbaBytes = kDigitPixels * 4;               // 3136

// Errors. The bindings never throw into JavaScript: a JS exception unwinds wasm frames
// without running their C++ destructors (leaking the JS arguments' handles) and without
// restoring the stack pointer (embind's invoker frame leaks stack on every error). So a
// failing call records its message and returns normally; errors.js (--post-js), wrapped
// around every binding, then throws it as a JS Error, with no wasm frame left to unwind.
EM_JS(void, nn_report_error, (const char* message), {
  nnReportError(UTF8ToString(message));
});

// Runs once the runtime has run all static constructors (embind registration among
// them), before the module's promise resolves.
EM_JS(void, nn_install_error_wrappers, (), {
  addOnInit(nnInstallErrorWrappers);
});

// Runs f; on a C++ exception, reports its message and returns a placeholder
// (undefined or nullptr) that errors.js replaces by throwing.
template <class F, class R = std::invoke_result_t<F&>>
R guarded(F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    nn_report_error(e.what());
  } catch (...) {
    nn_report_error("unknown C++ exception");
  }
  if constexpr (std::is_pointer_v<R>) {
    return nullptr;
  } else {
    return val::undefined();
  }
}

std::string describe(const val& v) {
  if (v.isNull()) return "null";
  if (v.isUndefined()) return "undefined";
  if (v.isArray()) return "an Array";
  const std::string type = v.typeOf().as<std::string>();
  if (type == "object") {
    const val ctor = v["constructor"];
    if (!ctor.isUndefined() && !ctor.isNull() && ctor["name"].isString()) return "a " + ctor["name"].as<std::string>();
  }
  return "a " + type;
}

bool is_byte_array(const val& v) {
  return v.instanceof(val::global("Uint8Array")) || v.instanceof(val::global("Uint8ClampedArray"));
}

// An Array or any typed array (not a DataView): something TypedArray.prototype.set takes.
bool is_array_like(const val& v) {
  return v.isArray() || (val::global("ArrayBuffer").call<bool>("isView", v) &&
                         !v.instanceof(val::global("DataView")));
}

std::size_t length_of(const val& v) { return v["length"].as<std::size_t>(); }

// Copies a JS array of numbers into wasm memory (one TypedArray.set, converting as JS does).
template <class T>
void copy_from_js(const val& from, T* to, std::size_t n) {
  val(emscripten::typed_memory_view(n, to)).call<void>("set", from);
}

// A Float32Array holding a copy of the values.
val to_float32_array(const float* data, std::size_t n) {
  return val::global("Float32Array").new_(emscripten::typed_memory_view(n, data));
}

// RGBA bytes of a width x height image, checked and copied into `bytes`.
void read_rgba(const val& rgba, int width, int height, std::vector<std::uint8_t>& bytes) {
  if (!is_array_like(rgba)) {
    throw nn::Error("expected RGBA bytes (a Uint8ClampedArray, as getImageData gives), got " + describe(rgba));
  }
  const std::size_t n = length_of(rgba);
  nn::check_rgba_size(width, height, n);  // overflow-safe where size_t is 32 bits, canvas bounded
  bytes.resize(n);
  copy_from_js(rgba, bytes.data(), n);
}

// MNIST-style 28x28 input from a canvas of any size; false when there is no ink.
bool normalize_canvas(const val& rgba, int width, int height, std::vector<std::uint8_t>& bytes,
                      Eigen::Ref<Eigen::VectorXf> out) {
  read_rgba(rgba, width, height, bytes);
  const std::vector<float> ink = nn::ink_from_rgba(bytes, width, height);
  return nn::normalize_digit(ink, width, height, out);
}

std::string text_of(const val& json) {
  if (json.isString()) return json.as<std::string>();
  if (is_byte_array(json)) {  // UTF-8 bytes, e.g. new Uint8Array(await response.arrayBuffer())
    std::string text(length_of(json), '\0');
    copy_from_js(json, reinterpret_cast<std::uint8_t*>(text.data()), text.size());
    return text;
  }
  throw nn::Error("expected the weights JSON as a string or Uint8Array, got " + describe(json));
}

nn::Activation activation_of(const val& name) {
  if (name.isUndefined() || name.isNull()) return nn::Activation::ReLU;
  if (!name.isString()) throw nn::Error("expected the activation name as a string, got " + describe(name));
  return nn::parse_activation(name.as<std::string>());
}

// A parsed network with its scratch buffers: predictions reuse them instead of allocating.
class Model {
 public:
  Model(const val& json, const val& activation)
      : net_(nn::parse_weights(text_of(json), activation_of(activation), "weights JSON")),
        input_(net_.inputs()) {}

  val sizes() const {
    val out = val::array();
    for (int s : net_.sizes()) out.call<void>("push", s);
    return out;
  }
  int inputs() const { return net_.inputs(); }
  int outputs() const { return net_.outputs(); }

  // input: inputs() numbers in [0, 1] (ink = 1), or 28x28 RGBA bytes from the
  // original page's pipeline (a Uint8Array or Uint8ClampedArray of 3136 bytes).
  val predict(const val& input) {
    if (!is_array_like(input)) {
      throw nn::Error("expected " + std::to_string(inputs()) +
                      " input values (a Float32Array or Array) or " + std::to_string(kDigitRgbaBytes) +
                      " RGBA bytes, got " + describe(input));
    }
    const std::size_t n = length_of(input);
    if (is_byte_array(input)) {  // bytes are always RGBA, never 0..255 pixel values
      if (n != kDigitRgbaBytes) {
        throw nn::Error("expected a Uint8Array of " + std::to_string(kDigitRgbaBytes) +
                        " RGBA bytes (28 x 28 x 4) or a Float32Array of " +
                        std::to_string(inputs()) + " input values, got " + std::to_string(n) + " bytes");
      }
      read_rgba(input, nn::kDigitSide, nn::kDigitSide, bytes_);
      input_ = nn::original_input(bytes_);
    } else {
      if (n != static_cast<std::size_t>(inputs())) {
        throw nn::Error("expected " + std::to_string(inputs()) + " input values, got " + std::to_string(n));
      }
      input_.resize(inputs());
      copy_from_js(input, input_.data(), n);
      check_finite();
    }
    return run();
  }

  // Full-resolution canvas (e.g. 336x336 RGBA): MNIST-style normalisation, then the network.
  val predict_canvas(const val& rgba, int width, int height) {
    input_.resize(kDigitPixels);
    if (!normalize_canvas(rgba, width, height, bytes_, input_)) return val::null();
    return run();
  }

 private:
  val run() {
    const Eigen::MatrixXf& probs = nn::forward(net_, input_, acts_);
    return to_float32_array(probs.data(), static_cast<std::size_t>(probs.size()));
  }

  void check_finite() const {
    for (Eigen::Index i = 0; i < input_.size(); ++i) {
      if (!std::isfinite(input_[i])) {
        throw nn::Error("input[" + std::to_string(i) + "]: expected a number, got " + std::to_string(input_[i]));
      }
    }
  }

  nn::Network net_;
  nn::Activations acts_;             // per-layer outputs, reused
  Eigen::VectorXf input_;            // the network's input, reused
  std::vector<std::uint8_t> bytes_;  // RGBA copied from JS, reused
};

Model* make_model(val json, val activation) {
  return guarded([&] { return new Model(json, activation); });
}

val model_sizes(const Model& m) { return guarded([&] { return m.sizes(); }); }
int model_inputs(const Model& m) { return m.inputs(); }
int model_outputs(const Model& m) { return m.outputs(); }
val model_predict(Model& m, val input) { return guarded([&] { return m.predict(input); }); }
val model_predict_canvas(Model& m, val rgba, int width, int height) {
  return guarded([&] { return m.predict_canvas(rgba, width, height); });
}

val normalize_canvas_js(val rgba, int width, int height) {
  return guarded([&] {
    std::vector<std::uint8_t> bytes;
    Eigen::VectorXf out(kDigitPixels);
    if (!normalize_canvas(rgba, width, height, bytes, out)) return val::null();
    return to_float32_array(out.data(), static_cast<std::size_t>(out.size()));
  });
}

val original_input_js(val rgba) {
  return guarded([&] {
    std::vector<std::uint8_t> bytes;
    read_rgba(rgba, nn::kDigitSide, nn::kDigitSide, bytes);
    const Eigen::VectorXf x = nn::original_input(bytes);
    return to_float32_array(x.data(), static_cast<std::size_t>(x.size()));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(nn_module) {
  emscripten::class_<Model>("Model")
      .constructor(&make_model)
      .function("sizes", &model_sizes)
      .function("inputs", &model_inputs)
      .function("outputs", &model_outputs)
      .function("predict", &model_predict)
      .function("predictCanvas", &model_predict_canvas);
  emscripten::function("normalizeCanvas", &normalize_canvas_js);
  emscripten::function("originalInput", &original_input_js);
  nn_install_error_wrappers();
}
