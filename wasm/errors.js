// errors.js: part of nn.js (linked with --post-js, so it runs inside the module factory).
//
// The bindings (bindings.cpp) never throw through wasm: a failing call reports its
// message with nnReportError and returns normally. The wrappers installed here around
// every binding that can fail then throw it as a JS Error, after the wasm call has
// returned, so that no wasm frame is ever unwound by a JS exception.

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

function nnCheckedFunction(binding) {
  return function () {
    return nnChecked(binding.apply(this, arguments));
  };
}

// Called once the bindings are registered (addOnInit, from bindings.cpp).
function nnInstallErrorWrappers() {
  var NativeModel = Module["Model"];
  // new Model(json, activation?): the binding takes both (undefined means "re-lu").
  // On failure it gives an empty object, which is dropped for the Error.
  function Model(json, activation) {
    if (!new.target) throw new TypeError("Model must be called with new");
    return nnChecked(new NativeModel(json, activation));
  }
  Model.prototype = NativeModel.prototype;
  Module["Model"] = Model;

  // Every method the bindings register on Model (embind's own, such as delete(), live
  // on the prototype's prototype and are left alone).
  Object.getOwnPropertyNames(NativeModel.prototype).forEach(function (name) {
    var method = NativeModel.prototype[name];
    if (name !== "constructor" && typeof method === "function") {
      NativeModel.prototype[name] = nnCheckedFunction(method);
    }
  });
  ["normalizeCanvas", "originalInput"].forEach(function (name) {
    Module[name] = nnCheckedFunction(Module[name]);
  });
}
