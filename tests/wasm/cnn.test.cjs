// The WebAssembly module with a convolutional model: a small CNN trained by the native
// trainer (--layers), read from its weights JSON and from a compact .nnm (version 2),
// gives native libnn's probabilities for the same file within 1e-5 on real MNIST
// images; layers() names each layer's kind and shape, and activations() (nn-train.js)
// gives one array of that size per layer.
//
// Environment: NN_SITE_DIR, NN_NATIVE_BUILD, MNIST_DIR as in module.test.cjs. Needs MNIST.
"use strict";

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { loadModule, readIdx, testPaths } = require("../lib/node_nn.cjs");
const { SITE_DIR, NATIVE_BUILD, MNIST_DIR, TRAIN_IMAGES, TEST_IMAGES, HAVE_MNIST } = testPaths();

const tool = (name) => path.join(NATIVE_BUILD, name);
const N = 100;
const SAME_FILE = 1e-5;
const LAYERS = ["conv5x4", "pool2", "conv3x8:same", "pool2", "dense16", "dense10"];

describe("a convolutional model in the module", { skip: !HAVE_MNIST && "MNIST not found" }, () => {
  let Module, Training, tmp;
  before(async () => {
    Module = await loadModule(SITE_DIR, "build the wasm preset or set NN_SITE_DIR");
    Training = await loadModule(SITE_DIR, "build the wasm preset or set NN_SITE_DIR", "nn-train");
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nn-cnn-test-"));
    execFileSync(tool("trainer/trainer"), ["--train-path", TRAIN_IMAGES, "--validation-path", TEST_IMAGES,
      "--layers", ...LAYERS, "--learning-rate", "0.003", "--batch-size", "64", "--num-epochs", "1",
      "--initialization", "xavier", "--train-limit", "3000", "--weight-path", path.join(tmp, "cnn.json")]);
    execFileSync(tool("trainer/nn-convert"), [path.join(tmp, "cnn.json"), path.join(tmp, "cnn.nnm"), "--encoding", "int8"]);
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  const native = (file) => JSON.parse(execFileSync(tool("tests/native_probs"), [file, TEST_IMAGES, String(N)],
    { encoding: "utf8", maxBuffer: 1 << 26 })).probabilities;

  for (const file of ["cnn.json", "cnn.nnm"]) {
    it(`predicts as native libnn from ${file}`, () => {
      const model = new Module.Model(fs.readFileSync(path.join(tmp, file)));
      try {
        const { data } = readIdx(TEST_IMAGES, 0x803);
        const want = native(path.join(tmp, file));
        let worst = 0, right = 0;
        for (let i = 0; i < N; ++i) {
          const x = new Float32Array(784);
          for (let p = 0; p < 784; ++p) x[p] = Math.fround(data[i * 784 + p] * Math.fround(1 / 255));
          const got = model.predict(x);
          for (let c = 0; c < 10; ++c) worst = Math.max(worst, Math.abs(got[c] - want[i][c]));
          right += got.indexOf(Math.max(...got)) === want[i].indexOf(Math.max(...want[i]));
        }
        assert.ok(worst <= SAME_FILE, `largest difference ${worst}`);
        assert.equal(right, N);
      } finally {
        model.delete();
      }
    });
  }

  it("names its layers and gives their activations", () => {
    const model = new Training.Model(fs.readFileSync(path.join(tmp, "cnn.nnm")));
    try {
      const layers = model.layers();
      assert.deepEqual(layers, [
        { kind: "conv", shape: [4, 24, 24] }, { kind: "pool", shape: [4, 12, 12] },
        { kind: "conv", shape: [8, 12, 12] }, { kind: "pool", shape: [8, 6, 6] },
        { kind: "dense", shape: [16] }, { kind: "dense", shape: [10] }]);
      const acts = model.activations(new Float32Array(784).fill(0.5));
      assert.deepEqual(acts.map((a) => a.length), layers.map((l) => l.shape.reduce((p, d) => p * d, 1)));
      assert.deepEqual(model.sizes(), [784, 2304, 576, 1152, 288, 16, 10]);
    } finally {
      model.delete();
    }
  });
});
