// errors.js: part of nn.js (linked with --post-js, so it runs inside the module factory).
//
// The one error path of the module: a binding that fails catches the C++ exception and
// hands its message to nnReportError (bindings.cpp), then returns normally; the wrapper
// around every binding throws it here as a JS Error, after the wasm call has returned,
// so that no wasm frame is ever unwound by a JS exception. The wrappers also let the
// trailing optional arguments (nn.d.ts) be left out: embind wants every argument.

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

// binding(...args) with args padded with undefined to `arity`, checked.
function nnWrap(binding, arity) {
  return function () {
    var args = Array.prototype.slice.call(arguments);
    while (args.length < arity) args.push(undefined);
    return nnChecked(binding.apply(this, args));
  };
}

// The number of arguments of each binding whose last ones are optional.
var nnArity = { Model: 2, fit: 3 };

addOnInit(function () {
  var NativeModel = Module["Model"];
  var construct = nnWrap(function (model, activation) { return new NativeModel(model, activation); }, nnArity.Model);
  function Model() {
    if (!new.target) throw new TypeError("Model must be called with new");
    return construct.apply(this, arguments);
  }
  Model.prototype = NativeModel.prototype;
  Module["Model"] = Model;
  // Every method the bindings register on Model (embind's own, such as delete(), live
  // on the prototype's prototype and are left alone), and the free functions.
  Object.getOwnPropertyNames(NativeModel.prototype).forEach(function (name) {
    var method = NativeModel.prototype[name];
    if (name !== "constructor" && typeof method === "function") {
      NativeModel.prototype[name] = nnWrap(method, nnArity[name] || 0);
    }
  });
  ["normalizeCanvas", "originalInput"].forEach(function (name) {
    Module[name] = nnWrap(Module[name], 0);
  });
});
