// Shared by the Node programs that use the built WebAssembly modules (the benchmarks
// and tests/wasm, tests/onnx): where the builds and MNIST are, loading the module from a
// site folder, and reading MNIST's IDX files.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");

// A module built into `siteDir`: `name` "nn" (nn.js + nn.wasm, the page's) or "nn-train"
// (with training). `hint` says how to get it when it is missing. Node's fetch cannot
// load file paths, so the binary is handed over.
async function loadModule(siteDir, hint, name = "nn") {
  const script = path.join(siteDir, `${name}.js`);
  if (!fs.existsSync(script)) throw new Error(`${script} not found (${hint})`);
  return require(script)({ wasmBinary: fs.readFileSync(path.join(siteDir, `${name}.wasm`)) });
}

// An IDX file (gzip), checked: {shape, data} with data after the header.
function readIdx(file, expectedMagic) {
  if (!fs.existsSync(file)) throw new Error(`${file} not found (set MNIST_DIR; scripts/get_mnist.sh fetches it)`);
  const bytes = zlib.gunzipSync(fs.readFileSync(file));
  const magic = bytes.length >= 4 ? bytes.readUInt32BE(0) : -1;
  if (magic !== expectedMagic) {
    throw new Error(`${file}: expected IDX magic 0x${expectedMagic.toString(16)}, got 0x${magic.toString(16)}`);
  }
  const dims = magic & 0xff;
  const shape = Array.from({ length: dims }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const data = bytes.subarray(4 + 4 * dims);
  const expected = shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected) throw new Error(`${file}: expected ${expected} data bytes for shape ${shape.join("x")}, got ${data.length}`);
  return { shape, data };
}

// The folders the tests read, from the environment or the repository's defaults:
// NN_SITE_DIR (the wasm build's site), NN_NATIVE_BUILD (the native build), MNIST_DIR,
// and MNIST's files in it; haveMnist: whether all four are there.
function testPaths() {
  const root = path.resolve(__dirname, "..", "..");
  const fromEnv = (name, fallback) => path.resolve(process.env[name] || path.join(root, fallback));
  const mnist = fromEnv("MNIST_DIR", "data/mnist");
  const files = {
    TRAIN_IMAGES: path.join(mnist, "train-images-idx3-ubyte.gz"),
    TRAIN_LABELS: path.join(mnist, "train-labels-idx1-ubyte.gz"),
    TEST_IMAGES: path.join(mnist, "t10k-images-idx3-ubyte.gz"),
    TEST_LABELS: path.join(mnist, "t10k-labels-idx1-ubyte.gz"),
  };
  return {
    ROOT: root,
    SITE_DIR: fromEnv("NN_SITE_DIR", "build/wasm/site"),
    NATIVE_BUILD: fromEnv("NN_NATIVE_BUILD", "build/release"),
    MNIST_DIR: mnist,
    ...files,
    HAVE_MNIST: Object.values(files).every((f) => fs.existsSync(f)),
  };
}

module.exports = { loadModule, readIdx, testPaths };
