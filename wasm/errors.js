// errors.js: part of nn.js (linked with --post-js, so it runs inside the module factory).
//
// The one error path of the module: a binding that fails catches the C++ exception and
// hands its message to nnReportError (bindings.cpp, guarded), then returns normally; the
// wrapper around every binding throws it here as a JS Error, after the wasm call has
// returned, so that no wasm frame is ever unwound by a JS exception. The wrappers pass
// their arguments on as they are: a left-out options object is embind's business (it
// picks the binding's overload by the number of arguments).

var nnPendingError = null;  // message of the failed call in progress, if any

function nnReportError(message) {
  nnPendingError = message;
}

// A binding's result, or the JS Error for the failure it reported.
function nnChecked(result) {
  if (nnPendingError === null) return result;
  var error = new Error(nnPendingError);
  nnPendingError = null;
  throw error;
}

// binding(...arguments), checked. `name` names it in a wrong argument count's error.
function nnWrap(binding, name) {
  // A binding overloaded by argument count (fit) is embind's dispatcher, which finds its
  // overloads, indexed by argument count, on whatever function holds its name: they are
  // kept on the wrapper, which also says plainly which counts there are.
  var overloads = binding.overloadTable;
  var wrapped = function () {
    if (overloads && !overloads.hasOwnProperty(arguments.length)) {
      throw new TypeError(name + ": expected " + Object.keys(overloads).join(" or ") + " arguments, got " + arguments.length);
    }
    return nnChecked(binding.apply(this, arguments));
  };
  if (overloads) wrapped.overloadTable = overloads;
  return wrapped;
}

addOnInit(function () {
  var NativeModel = Module["Model"];
  function Model() {
    if (!new.target) throw new TypeError("Model must be called with new");
    return nnChecked(Reflect.construct(NativeModel, arguments));
  }
  Model.prototype = NativeModel.prototype;
  Module["Model"] = Model;
  // Every method the bindings register on Model (embind's own, such as delete(), live
  // on the prototype's prototype and are left alone), and the free functions.
  Object.getOwnPropertyNames(NativeModel.prototype).forEach(function (name) {
    var method = NativeModel.prototype[name];
    if (name !== "constructor" && typeof method === "function") {
      NativeModel.prototype[name] = nnWrap(method, "Model." + name);
    }
  });
  ["normalizeCanvas", "originalInput"].forEach(function (name) {
    Module[name] = nnWrap(Module[name], name);
  });
});
