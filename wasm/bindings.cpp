// The WebAssembly module: embind bindings over libnn. No math and no input checks here:
// parsing, normalisation, the forward pass, training and their checks are libnn's. The
// bindings only move values between JS and C++.
//
// JS API (nn.d.ts), one meaning per call (fit, toJSON, activations and inputGradient only
// in nn-train.js, built with NN_WASM_TRAINING=1; nn.js, what the page loads first, leaves
// training and the inside view out, so that the first visit does not carry them):
//   const nn = await createNNModule();
//   const model = new nn.Model(bytesOrText, options?)  // the weights, parsed once;
//                                        options: { activation: "re-lu" }
//   model.predict(input)                 -> Float32Array(10), input: inputs() numbers in [0, 1]
//   model.activations(input)             -> [Float32Array per layer]: hidden outputs, then predict's
//   model.inputGradient(input, digit)    -> Float32Array(inputs()): d(digit's logit)/d(input)
//   model.layers()                       -> [{kind, shape}] per layer output, as activations' arrays
//   model.fit(inputs, labels, options?)  -> per-epoch mean losses (libnn's nn::fit)
//   model.toJSON()                       -> the weights JSON (the original's format)
//   model.parameters()                   -> Float32Array: every weight and bias, file order
//   model.setParameters(params)          (e.g. back to the shipped model, or from a worker)
//   nn.normalizeCanvas(rgba, w, h)       -> Float32Array(784) | null (no ink)
//   nn.originalInput(rgba28)             -> Float32Array(784) (the original page's input)
//   model.delete()
// Optional arguments are one options object, left out or given: embind picks the
// overload by the number of arguments (the constructor and fit are bound twice).
//
// Errors, one path: every binding is registered through guarded<&function>, which
// catches the C++ exception and hands its message to errors.js (nn_report_error), which
// throws it as a JS Error once the wasm call has returned. (A JS exception thrown
// through wasm frames would skip their C++ destructors and leave the stack pointer
// moved: a leak on every error.) Returned arrays are copies, never views into wasm
// memory (which may move when it grows).
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <optional>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "nn/activation.hpp"
#include "nn/backward.hpp"
#include "nn/dataset.hpp"
#include "nn/error.hpp"
#if NN_WASM_TRAINING
#include "nn/fit.hpp"
#endif
#include "nn/forward.hpp"
#include "nn/image.hpp"
#include "nn/model_io.hpp"
#include "nn/weights_io.hpp"

using emscripten::val;

namespace {

EM_JS(void, nn_report_error, (const char* message), {
  nnReportError(UTF8ToString(message));
});

// Runs f(); on a C++ exception, reports its message and returns a placeholder (undefined,
// nullptr, 0) that errors.js replaces by throwing.
template <class F, class R = std::invoke_result_t<F&>>
R run_guarded(F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    nn_report_error(e.what());
  } catch (...) {
    nn_report_error("unknown C++ exception");
  }
  if constexpr (std::is_same_v<R, val>) {
    return val::undefined();
  } else if constexpr (!std::is_void_v<R>) {
    return R{};
  }
}

// guarded<&f>: a function with f's signature that runs f through run_guarded, for a free
// function or a member function (then taking the object first, as embind binds it), e.g.
// guarded<&Model::predict> is a val (*)(Model&, const val&).
template <auto F>
struct Guarded;
template <class R, class... A, R (*F)(A...)>
struct Guarded<F> {
  static R call(A... a) { return run_guarded([&] { return F(a...); }); }
};
template <class R, class C, class... A, R (C::*F)(A...)>
struct Guarded<F> {
  static R call(C& self, A... a) { return run_guarded([&] { return (self.*F)(a...); }); }
};
template <class R, class C, class... A, R (C::*F)(A...) const>
struct Guarded<F> {
  static R call(const C& self, A... a) { return run_guarded([&] { return (self.*F)(a...); }); }
};
template <auto F>
constexpr auto guarded = &Guarded<F>::call;

// new T(a...) as a function, for guarded (a constructor has no address).
template <class T, class... A>
T* construct(A... a) {
  return new T(a...);
}

// --- moving values between JS and C++ ------------------------------------------------

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

bool is_instance(const val& v, const char* type) { return v.instanceof(val::global(type)); }

bool is_bytes(const val& v) { return is_instance(v, "Uint8Array") || is_instance(v, "Uint8ClampedArray"); }

// An Array or a typed array of numbers: what TypedArray.prototype.set takes.
bool is_numbers(const val& v) {
  return v.isArray() || (val::global("ArrayBuffer").call<bool>("isView", v) && !is_instance(v, "DataView"));
}

// A JS array of numbers copied into a vector (one TypedArray.set, converting as JS does).
template <class T>
std::vector<T> copy_from_js(const val& from, const char* what) {
  if (!is_numbers(from)) throw nn::Error(std::string("expected ") + what + ", got " + describe(from));
  std::vector<T> out(from["length"].as<std::size_t>());
  val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", from);
  return out;
}

val to_float32_array(const float* data, std::size_t n) {
  return val::global("Float32Array").new_(emscripten::typed_memory_view(n, data));
}

// Canvas pixels: RGBA bytes, as getImageData(...).data gives them.
std::vector<std::uint8_t> rgba_of(const val& rgba) {
  if (!is_bytes(rgba)) {
    throw nn::Error("expected RGBA bytes (a Uint8ClampedArray, as getImageData gives), got " + describe(rgba));
  }
  return copy_from_js<std::uint8_t>(rgba, "RGBA bytes");
}

// The model file's bytes: a Uint8Array or ArrayBuffer (as fetch gives), or the JSON text.
// A compact model (.nnm) or weights JSON, told apart by content (nn::parse_model).
std::string model_bytes(const val& model) {
  if (model.isString()) return model.as<std::string>();
  const val bytes = is_instance(model, "ArrayBuffer") ? val::global("Uint8Array").new_(model) : model;
  if (!is_bytes(bytes)) {
    throw nn::Error("expected the model as a Uint8Array, an ArrayBuffer or a JSON string, got " + describe(model));
  }
  std::string out(bytes["length"].as<std::size_t>(), '\0');
  val(emscripten::typed_memory_view(out.size(), reinterpret_cast<std::uint8_t*>(out.data()))).call<void>("set", bytes);
  return out;
}

// --- options objects ---------------------------------------------------------------

bool is_object(const val& v) { return !v.isNull() && !v.isArray() && v.typeOf().as<std::string>() == "object"; }

// A JS options object, read key by key with its type checked. check_all_read() then
// rejects any other key, so that a misspelt option is an error rather than ignored.
class Options {
 public:
  // `options`: undefined (every option left out) or an object; `name` prefixes errors.
  Options(const val& options, std::string name) : options_(object_or_empty(options, name)), name_(std::move(name)) {}

  // options[key], or undefined when absent (no type check: the caller's).
  val get(const char* key) {
    read_.emplace_back(key);
    return options_[key];
  }
  double number(const char* key, double fallback) {
    const val v = get(key);
    if (v.isUndefined()) return fallback;
    if (!v.isNumber()) throw nn::Error(where(key) + ": expected a number, got " + describe(v));
    return v.as<double>();
  }
  bool boolean(const char* key, bool fallback) {
    const val v = get(key);
    if (v.isUndefined()) return fallback;
    if (!v.isTrue() && !v.isFalse()) throw nn::Error(where(key) + ": expected true or false, got " + describe(v));
    return v.isTrue();
  }
  std::optional<std::string> string(const char* key) {
    const val v = get(key);
    if (v.isUndefined()) return std::nullopt;
    if (!v.isString()) throw nn::Error(where(key) + ": expected a string, got " + describe(v));
    return v.as<std::string>();
  }

  void check_all_read() const {
    const val keys = val::global("Object").call<val>("keys", options_);
    const auto count = keys["length"].as<std::size_t>();
    for (std::size_t i = 0; i < count; ++i) {
      const std::string key = keys[i].as<std::string>();
      if (std::find(read_.begin(), read_.end(), key) != read_.end()) continue;
      std::string known;
      for (const std::string& k : read_) known += (known.empty() ? "" : ", ") + k;
      throw nn::Error(name_ + ": unknown option '" + key + "' (expected one of: " + known + ")");
    }
  }

 private:
  static val object_or_empty(const val& options, const std::string& name) {
    if (options.isUndefined()) return val::object();
    if (!is_object(options)) throw nn::Error("expected the " + name + " as an object, got " + describe(options));
    return options;
  }
  std::string where(const char* key) const { return name_ + "." + key; }

  val options_;
  std::string name_;  // "options", "options.augment"
  std::vector<std::string> read_;  // the keys asked for, in order
};

// The Model constructor's options: { activation }. Left out: re-lu for weights JSON, the
// file's own for a compact model (.nnm).
std::optional<nn::Activation> model_activation(const val& options) {
  Options o(options, "options");
  const std::optional<std::string> name = o.string("activation");
  o.check_all_read();
  if (!name) return std::nullopt;
  return nn::parse_activation(*name);
}

#if NN_WASM_TRAINING
// options.augment: absent or false (none), true (libnn's defaults), or an object whose
// absent keys keep libnn's defaults.
std::optional<nn::AugmentOptions> augment_options(const val& v) {
  if (v.isUndefined() || v.isFalse()) return std::nullopt;
  nn::AugmentOptions a;
  if (v.isTrue()) return a;
  if (!is_object(v)) throw nn::Error("options.augment: expected true, false or an object, got " + describe(v));
  Options o(v, "options.augment");
  a.max_shift = static_cast<float>(o.number("maxShift", a.max_shift));
  a.max_rotation = static_cast<float>(o.number("maxRotation", a.max_rotation));
  a.max_scale = static_cast<float>(o.number("maxScale", a.max_scale));
  a.max_thickness = static_cast<float>(o.number("maxThickness", a.max_thickness));
  a.elastic_alpha = static_cast<float>(o.number("elasticAlpha", a.elastic_alpha));
  a.elastic_sigma = static_cast<float>(o.number("elasticSigma", a.elastic_sigma));
  o.check_all_read();
  return a;
}

// JS fit options -> libnn's (which validates them). Absent keys keep libnn's defaults,
// except epochs (1) and the batch (the whole set, up to 64).
nn::FitOptions fit_options(const val& options, std::size_t samples, std::uint64_t& seed) {
  Options o(options, "options");
  nn::FitOptions f;
  f.sgd.learning_rate = static_cast<float>(o.number("learningRate", f.sgd.learning_rate));
  f.sgd.momentum = static_cast<float>(o.number("momentum", f.sgd.momentum));
  f.sgd.weight_decay = static_cast<float>(o.number("weightDecay", f.sgd.weight_decay));
  f.batch_size = static_cast<int>(o.number("batchSize", static_cast<double>(std::min<std::size_t>(samples, 64))));
  f.epochs = static_cast<int>(o.number("epochs", 1));
  f.lr_decay = static_cast<float>(o.number("lrDecay", f.lr_decay));
  f.shuffle = o.boolean("shuffle", f.shuffle);
  f.sgd.frozen_layers = static_cast<int>(o.number("frozenLayers", 0));
  f.augment = augment_options(o.get("augment"));
  seed = static_cast<std::uint64_t>(o.number("seed", 1));
  o.check_all_read();
  return f;
}
#endif

// --- the API ---------------------------------------------------------------------------

// A parsed network with its scratch buffers: predictions reuse them instead of allocating.
class Model {
 public:
  // new Model(model, options?): the options are checked before the model is parsed.
  Model(const val& model, const val& options) : net_(parse(model, model_activation(options))) {}
  explicit Model(const val& model) : Model(model, val::undefined()) {}

  // The inputs, then each layer's outputs (an image layer's C H W values): sizes()[k + 1]
  // is activations()[k].length. For a fully connected network, net_.sizes().
  val sizes() const {
    val out = val::array();
    out.call<void>("push", net_.inputs());
    for (const nn::ImageLayer& l : net_.image_layers()) out.call<void>("push", l.out().size());
    for (std::size_t k = 1; k < net_.sizes().size(); ++k) out.call<void>("push", net_.sizes()[k]);
    return out;
  }
  int inputs() const { return net_.inputs(); }
  int outputs() const { return net_.outputs(); }

  // inputs() numbers in [0, 1] (ink = 1): the probabilities of the outputs() classes.
  val predict(const val& input) {
    const Eigen::MatrixXf& probs = forward(input);
    return to_float32_array(probs.data(), static_cast<std::size_t>(probs.size()));
  }

#if NN_WASM_TRAINING
  // Every layer's outputs for one input, first layer first: the hidden layers'
  // activations, then the probabilities (predict's). An Array of Float32Arrays.
  val activations(const val& input) {
    forward(input);
    val out = val::array();
    for (std::size_t k = 1; k < acts_.size(); ++k) {
      out.call<void>("push", to_float32_array(acts_[k].data(), static_cast<std::size_t>(acts_[k].size())));
    }
    return out;
  }

  // What each of activations()' arrays is: {kind: "dense", shape: [n]} for a dense layer's
  // n outputs ("conv" and "pool" layers give shape [C, H, W], their arrays channel after
  // channel, each row-major), in the order of the network's layers.
  val layers() const {
    val out = val::array();
    const auto add = [&out](const char* kind, std::initializer_list<int> dims) {
      val layer = val::object();
      layer.set("kind", val(kind));
      val shape = val::array();
      for (int d : dims) shape.call<void>("push", d);
      layer.set("shape", shape);
      out.call<void>("push", layer);
    };
    for (const nn::ImageLayer& l : net_.image_layers()) {
      const nn::Shape o = l.out();
      add(l.kind == nn::ImageLayer::Kind::Conv ? "conv" : "pool", {o.channels, o.height, o.width});
    }
    for (std::size_t k = 1; k < net_.sizes().size(); ++k) add("dense", {net_.sizes()[k]});
    return out;
  }

  // Why this answer: the gradient of output `output`'s score (its logit) with respect to
  // each input (nn::input_gradient), inputs() numbers: > 0 where ink raises the score.
  val input_gradient(const val& input, const val& output) {
    // A JS number: checked whole and in range here, before it narrows to an int.
    const bool whole = val::global("Number").call<bool>("isInteger", output);
    if (!whole || output.as<double>() < 0 || output.as<double>() >= outputs()) {
      throw nn::Error("expected the output as a whole number from 0 to " + std::to_string(outputs() - 1) + ", got " +
                      (output.isNumber() ? val::global("String")(output).as<std::string>() : describe(output)));
    }
    const int k = output.as<int>();
    forward(input);
    const Eigen::MatrixXf g = nn::input_gradient(net_, acts_, k);
    return to_float32_array(g.data(), static_cast<std::size_t>(g.size()));
  }
#endif

  // Every weight and bias in the weights file's order (nn::parameters).
  val parameters() const {
    const std::vector<float> all = nn::parameters(net_);
    return to_float32_array(all.data(), all.size());
  }

  // Replaces every weight and bias (parameters()' order) with nn::set_parameters: all or
  // nothing, checked as a model file is (count, finite values, finite outputs).
  void set_parameters(const val& params) {
    nn::set_parameters(net_, copy_from_js<float>(params, "the parameters as a Float32Array"), "setParameters");
  }

#if NN_WASM_TRAINING
  // Trains on n samples (inputs: n x inputs() numbers in [0, 1], sample after sample;
  // labels: n class numbers) with libnn's nn::fit. All or nothing: on an error the
  // model is unchanged. Returns the mean training loss of each epoch (bits per sample).
  val fit(const val& inputs, const val& labels, const val& options) {
    const std::vector<float> x = copy_from_js<float>(inputs, "the training inputs as a Float32Array or Array");
    const std::vector<double> y = copy_from_js<double>(labels, "the labels as an Array or typed array");
    const nn::Dataset data = nn::dataset_from_inputs(x, net_.inputs(), y, "the training inputs");
    std::uint64_t seed = 1;
    const nn::FitOptions f = fit_options(options, data.size(), seed);
    nn::Network trained = net_;
    nn::Rng rng(seed);
    const nn::FitResult result = nn::fit(trained, data, nullptr, f, rng);
    net_ = std::move(trained);
    val losses = val::array();
    for (const nn::EpochReport& r : result.history) losses.call<void>("push", r.train_loss);
    return losses;
  }

  val to_json() const { return val(nn::weights_to_json(net_)); }
#endif

 private:
  static nn::Network parse(const val& model, std::optional<nn::Activation> activation) {
    return nn::parse_model(model_bytes(model), activation, "model");
  }

  // The reference forward pass of one input into acts_; the probabilities.
  const Eigen::MatrixXf& forward(const val& input) {
    if (is_bytes(input)) {
      throw nn::Error("expected " + std::to_string(inputs()) + " input values as a Float32Array or Array, got " +
                      describe(input) + " (RGBA pixels go through normalizeCanvas or originalInput first)");
    }
    const std::vector<float> x = copy_from_js<float>(input, "the input values as a Float32Array or Array");
    const Eigen::Map<const Eigen::MatrixXf> column(x.data(), static_cast<Eigen::Index>(x.size()), 1);
    return nn::forward(net_, column, acts_);
  }

  nn::Network net_;
  nn::Activations acts_;  // per-layer outputs, reused
};

val normalize_canvas(const val& rgba, int width, int height) {
  const std::vector<float> ink = nn::ink_from_rgba(rgba_of(rgba), width, height);
  Eigen::VectorXf out(nn::kDigitSide * nn::kDigitSide);
  if (!nn::normalize_digit(ink, width, height, out)) return val::null();
  return to_float32_array(out.data(), static_cast<std::size_t>(out.size()));
}

val original_input(const val& rgba) {
  const Eigen::VectorXf x = nn::original_input(rgba_of(rgba));
  return to_float32_array(x.data(), static_cast<std::size_t>(x.size()));
}

#if NN_WASM_TRAINING
// model.fit(inputs, labels): every option left out.
val fit_with_defaults(Model& m, const val& inputs, const val& labels) { return m.fit(inputs, labels, val::undefined()); }
#endif

}  // namespace

// Every binding through guarded: the JS caller sees a JS Error, never a C++ exception.
// A call with an optional argument left out goes to the overload with one argument less.
EMSCRIPTEN_BINDINGS(nn_module) {
  emscripten::class_<Model>("Model")
      .constructor(guarded<&construct<Model, const val&>>)
      .constructor(guarded<&construct<Model, const val&, const val&>>)
      .function("sizes", guarded<&Model::sizes>)
      .function("inputs", guarded<&Model::inputs>)
      .function("outputs", guarded<&Model::outputs>)
      .function("predict", guarded<&Model::predict>)
      .function("parameters", guarded<&Model::parameters>)
      .function("setParameters", guarded<&Model::set_parameters>)
#if NN_WASM_TRAINING
      .function("activations", guarded<&Model::activations>)
      .function("inputGradient", guarded<&Model::input_gradient>)
      .function("layers", guarded<&Model::layers>)
      .function("fit", guarded<&fit_with_defaults>)
      .function("fit", guarded<&Model::fit>)
      .function("toJSON", guarded<&Model::to_json>)
#endif
      ;
  emscripten::function("normalizeCanvas", guarded<&normalize_canvas>);
  emscripten::function("originalInput", guarded<&original_input>);
}
