// ONNX export (nn-convert W.json model.onnx) run in a real ONNX runtime (onnxruntime-node,
// CPU) on real MNIST test images as one [N, 784] float batch: the probabilities equal
// native libnn's (tests/native_probs) within 1e-5. Each hidden activation is exported
// and checked too, on a made-up model.
//
// Run (from the repository root):
//   npm ci --ignore-scripts            (onnxruntime-node; its install script only fetches GPU extras)
//   cmake --build build/release -j2 --target trainer nn-convert native_probs
//   MNIST_DIR=/path/to/mnist node --test tests/onnx/
// Environment: NN_NATIVE_BUILD (default build/release), MNIST_DIR (default data/mnist).
"use strict";

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const ort = require("onnxruntime-node");
const { readIdx, testPaths } = require("../lib/node_nn.cjs");
const { NATIVE_BUILD, MNIST_DIR, TRAIN_IMAGES, TEST_IMAGES, TEST_LABELS, HAVE_MNIST } = testPaths();

const TOOLS = { trainer: "trainer/trainer", convert: "trainer/nn-convert", probs: "tests/native_probs" };
const tool = (name) => path.join(NATIVE_BUILD, TOOLS[name]);
const N = 1000;           // test images, one batch
const TOLERANCE = 1e-5;   // max |p_onnx - p_libnn|
const PIXELS = 784;

let tmp, batch;
before(() => {
  for (const name of Object.keys(TOOLS)) {
    assert.ok(fs.existsSync(tool(name)), `${tool(name)} not found: build the native preset or set NN_NATIVE_BUILD`);
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nn-onnx-test-"));
});
after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

// The first N test images as libnn sees them (pixels x float32(1/255)), [N, 784] row-major.
function testBatch() {
  const { data } = readIdx(TEST_IMAGES, 0x803);
  const inv255 = Math.fround(1 / 255);
  return Float32Array.from(data.subarray(0, N * PIXELS), (v) => v * inv255);
}

function nativeProbs(weights, images, count, ...flags) {
  const out = execFileSync(tool("probs"), [weights, images, String(count), ...flags], { encoding: "utf8", maxBuffer: 64 << 20 });
  return JSON.parse(out).probabilities;
}

async function onnxProbs(file, input, rows) {
  const session = await ort.InferenceSession.create(file);
  assert.deepEqual(session.inputNames, ["input"]);
  assert.deepEqual(session.outputNames, ["probabilities"]);
  const result = await session.run({ input: new ort.Tensor("float32", input, [rows, PIXELS]) });
  const p = result.probabilities;
  assert.equal(p.type, "float32");
  return p;
}

function compare(p, native, t) {
  const classes = p.dims[1];
  assert.equal(p.dims[0], native.length);
  let worst = 0;
  native.forEach((row, i) => {
    row.forEach((v, j) => { worst = Math.max(worst, Math.abs(p.data[i * classes + j] - v)); });
  });
  t.diagnostic(`max |onnx - libnn| = ${worst.toExponential(2)} over ${native.length} images`);
  assert.ok(worst <= TOLERANCE, `max difference ${worst}`);
}

describe("a trained model on real MNIST", { skip: HAVE_MNIST ? false : `no MNIST files in ${MNIST_DIR} (set MNIST_DIR)` }, () => {
  const weights = () => path.join(tmp, "w.json");
  before(() => {
    execFileSync(tool("trainer"), [
      "--train-path", TRAIN_IMAGES, "--validation-path", TEST_IMAGES,
      "--network-structure", "784", "64", "32", "10",
      "--learning-rate", "0.003", "--batch-size", "64", "--num-epochs", "1", "--train-limit", "10000",
      "--initialization", "xavier", "--threads", "2", "--weight-path", weights(),
    ], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, OMP_NUM_THREADS: "2" } });
    batch = testBatch();
  });

  it("gives libnn's probabilities for a [1000, 784] batch, and classifies", async (t) => {
    const file = path.join(tmp, "w.onnx");
    execFileSync(tool("convert"), [weights(), file]);
    const p = await onnxProbs(file, batch, N);
    assert.deepEqual(p.dims, [N, 10]);
    compare(p, nativeProbs(weights(), TEST_IMAGES, N), t);
    const labels = readIdx(TEST_LABELS, 0x801).data;
    let right = 0;
    for (let i = 0; i < N; ++i) {
      const row = p.data.subarray(i * 10, i * 10 + 10);
      if (row.indexOf(Math.max(...row)) === labels[i]) ++right;
    }
    t.diagnostic(`accuracy ${right}/${N}`);
    assert.ok(right >= 0.8 * N, `only ${right}/${N} right: not a real model`);
  });

  it("exports a compact model as libnn reads it", async (t) => {
    const nnm = path.join(tmp, "w.nnm"), file = path.join(tmp, "w-int4.onnx");
    execFileSync(tool("convert"), [weights(), nnm, "--encoding", "int4"]);
    execFileSync(tool("convert"), [nnm, file]);
    compare(await onnxProbs(file, batch, N), nativeProbs(nnm, TEST_IMAGES, N), t);
  });

  it("takes any batch size (the batch dimension is symbolic)", async () => {
    const file = path.join(tmp, "w.onnx");
    const one = await onnxProbs(file, batch.subarray(0, PIXELS), 1);
    const all = await onnxProbs(file, batch, N);
    assert.deepEqual(one.dims, [1, 10]);
    for (let j = 0; j < 10; ++j) assert.ok(Math.abs(one.data[j] - all.data[j]) <= 1e-6);
  });
});

// A deterministic source of numbers in [-0.5, 0.5).
function seededRandom(seed) {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
}

// `count` random 28x28 images saved as an IDX pair NAME-{images-idx3,labels-idx1}-ubyte in
// tmp (labels all 0): {images: the images file, input: their pixels / 255 as floats}.
function randomImages(name, count, rand) {
  const pixels = Uint8Array.from({ length: count * PIXELS }, () => Math.floor((rand() + 0.5) * 256));
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x803, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  const images = path.join(tmp, `${name}-images-idx3-ubyte`);
  fs.writeFileSync(images, Buffer.concat([header, pixels]));
  const labels = Buffer.alloc(8 + count);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(count, 4);
  fs.writeFileSync(path.join(tmp, `${name}-labels-idx1-ubyte`), labels);
  const inv255 = Math.fround(1 / 255);
  return { images, input: Float32Array.from(pixels, (v) => v * inv255) };
}

// Every activation's node (Relu, Sigmoid, Tanh, LeakyRelu, none for linear) on a made-up
// 784-12-8-10 model, on inputs that need no data files: a saved IDX file of 50 images.
describe("every hidden activation", () => {
  const COUNT = 50;
  let images, input;
  before(() => {
    const rand = seededRandom(99);
    ({ images, input } = randomImages("r", COUNT, rand));
    const sizes = [784, 12, 8, 10];
    const weights = {};
    for (let k = 0; k + 1 < sizes.length; ++k) {
      weights[`W${k}`] = Array.from({ length: sizes[k] * sizes[k + 1] }, () => rand() * 0.3);
      weights[`b${k}`] = Array.from({ length: sizes[k + 1] }, () => rand());
    }
    fs.writeFileSync(path.join(tmp, "r.json"), JSON.stringify(weights));
  });

  for (const activation of ["re-lu", "sigmoid", "tanh", "linear", "leaky-re-lu"]) {
    it(activation, async (t) => {
      const file = path.join(tmp, `r-${activation}.onnx`);
      execFileSync(tool("convert"), [path.join(tmp, "r.json"), file, "--activation", activation]);
      const p = await onnxProbs(file, input, COUNT);
      compare(p, nativeProbs(path.join(tmp, "r.json"), images, COUNT, "--activation", activation), t);
      assert.ok(p.data.some((v) => v > 0.05 && v < 0.95), "every probability is saturated: the comparison would prove little");
    });
  }
});

// A convolutional network with made-up weights (conv5x4, pool2, conv3x6:same, pool2,
// dense12, dense10 on 1x28x28), written as weights JSON: its ONNX export (Conv, MaxPool,
// Flatten, Gemm) takes [N, 1, 28, 28] images and gives libnn's probabilities.
describe("a convolutional network", () => {
  const COUNT = 50;
  let images, input;
  before(() => {
    const rand = seededRandom(7);
    ({ images, input } = randomImages("c", COUNT, rand));
    const numbers = (n, scale) => Array.from({ length: n }, () => rand() * scale);
    const weights = {
      input: [1, 28, 28],
      layers: ["conv5x4", "pool2", "conv3x6:same", "pool2", "dense12", "dense10"],
      C0: numbers(4 * 25, 0.6), c0: numbers(4, 0.2),
      C1: numbers(6 * 4 * 9, 0.5), c1: numbers(6, 0.2),
      W0: numbers(6 * 6 * 6 * 12, 0.3), b0: numbers(12, 0.2),
      W1: numbers(12 * 10, 0.8), b1: numbers(10, 0.2),
    };
    fs.writeFileSync(path.join(tmp, "c.json"), JSON.stringify(weights));
  });

  for (const [name, flags] of [["weights JSON", []], ["an int8 .nnm", ["--encoding", "int8"]]]) {
    it(`from ${name}`, async (t) => {
      let model = path.join(tmp, "c.json");
      if (flags.length) {
        const nnm = path.join(tmp, "c.nnm");
        execFileSync(tool("convert"), [model, nnm, ...flags]);
        model = nnm;
      }
      const file = path.join(tmp, `c-${flags.length}.onnx`);
      execFileSync(tool("convert"), [model, file]);
      const session = await ort.InferenceSession.create(file);
      const result = await session.run({ input: new ort.Tensor("float32", input, [COUNT, 1, 28, 28]) });
      const p = result.probabilities;
      assert.deepEqual(p.dims, [COUNT, 10]);
      compare(p, nativeProbs(model, images, COUNT), t);
      assert.ok(p.data.some((v) => v > 0.05 && v < 0.95), "every probability is saturated: the comparison would prove little");
    });
  }
});
