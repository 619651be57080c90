// The package's Node entry (CommonJS): createNNModule(options) with nn.wasm read from
// this folder. Node 20's global fetch cannot load a file path, and Emscripten's loader
// (3.1.6) tries it when fetch exists: handing the binary over avoids that.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const createModule = require("./nn.js");

/** Same options as nn.js's createNNModule (see nn.d.ts); wasmBinary defaults to ./nn.wasm. */
function createNNModule(options = {}) {
  const wasmBinary = options.wasmBinary ?? fs.readFileSync(path.join(__dirname, "nn.wasm"));
  return createModule({ ...options, wasmBinary });
}

module.exports = createNNModule;
module.exports.default = createNNModule;
module.exports.createNNModule = createNNModule;
