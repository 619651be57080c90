// Tests of the WebAssembly module (build/wasm/site/nn.js + nn.wasm) in Node, against
// native libnn as the reference: a model trained by the real trainer on real MNIST, the
// same 200 test images through both, probabilities equal within 1e-5.
//
// Run (from the repository root), after building both sides:
//   cmake --preset release && cmake --build build/release -j2 --target trainer native_probs
//   NODE_PATH=/usr/share/nodejs cmake --preset wasm && cmake --build --preset wasm
//   MNIST_DIR=/path/to/mnist node --test tests/wasm/
//
// Environment:
//   NN_SITE_DIR      folder with nn.js and nn.wasm           (default build/wasm/site)
//   NN_NATIVE_BUILD  native build with trainer/trainer and tests/native_probs
//                                                            (default build/release)
//   MNIST_DIR        the four MNIST .gz files (IDX)          (default data/mnist)
// Without the MNIST files, the tests that need them are skipped; the API, error and
// canvas tests use a small model made up here.
"use strict";

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { loadModule, readIdx } = require("../../bench/lib/node_nn.cjs");

const ROOT = path.resolve(__dirname, "..", "..");
const fromEnv = (name, fallback) => path.resolve(process.env[name] || path.join(ROOT, fallback));
const SITE_DIR = fromEnv("NN_SITE_DIR", "build/wasm/site");
const NATIVE_BUILD = fromEnv("NN_NATIVE_BUILD", "build/release");
const MNIST_DIR = fromEnv("MNIST_DIR", "data/mnist");

const TRAIN_IMAGES = path.join(MNIST_DIR, "train-images-idx3-ubyte.gz");
const TEST_IMAGES = path.join(MNIST_DIR, "t10k-images-idx3-ubyte.gz");
const TEST_LABELS = path.join(MNIST_DIR, "t10k-labels-idx1-ubyte.gz");
const HAVE_MNIST = [TRAIN_IMAGES, TEST_IMAGES, TEST_LABELS].every((f) => fs.existsSync(f));

const N = 200;             // test images compared
const TOLERANCE = 1e-5;    // max |p_wasm - p_native|
const SIDE = 28;
const PIXELS = SIDE * SIDE;

// --- helpers ---------------------------------------------------------------------------

function loadSiteModule() {
  return loadModule(SITE_DIR, "build the wasm preset or set NN_SITE_DIR");
}

function readImages(file, count) {
  const { shape, data } = readIdx(file, 0x803);
  assert.deepEqual(shape.slice(1), [SIDE, SIDE], `${file}: expected 28x28 images`);
  assert.ok(shape[0] >= count, `${file}: ${shape[0]} images, need ${count}`);
  return Array.from({ length: count }, (_, i) => data.subarray(i * PIXELS, (i + 1) * PIXELS));
}

// Pixels / 255 exactly as libnn computes them (float32 multiply by float32(1/255)).
const INV_255 = Math.fround(1 / 255);
function toInput(pixels) {
  const x = new Float32Array(PIXELS);
  for (let i = 0; i < PIXELS; ++i) x[i] = pixels[i] * INV_255;
  return x;
}

// A 28x28 MNIST image as a canvas would hold it: ink v drawn as grey 255 - v, opaque.
function toRgba(pixels) {
  const rgba = new Uint8ClampedArray(PIXELS * 4);
  for (let i = 0; i < PIXELS; ++i) {
    rgba.fill(255 - pixels[i], 4 * i, 4 * i + 3);
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

// A white width x height canvas with black rectangles [x, y, w, h].
function canvas(width, height, rects) {
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  for (const [x0, y0, w, h] of rects) {
    for (let y = y0; y < y0 + h; ++y) {
      for (let x = x0; x < x0 + w; ++x) rgba.fill(0, 4 * (y * width + x), 4 * (y * width + x) + 3);
    }
  }
  return rgba;
}

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; ++i) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function assertDistribution(p, what) {
  assert.ok(p instanceof Float32Array, `${what}: expected a Float32Array`);
  assert.equal(p.length, 10, `${what}: length`);
  let sum = 0;
  for (const v of p) {
    assert.ok(v >= 0 && v <= 1, `${what}: probability ${v} outside [0, 1]`);
    sum += v;
  }
  assert.ok(Math.abs(sum - 1) <= 1e-5, `${what}: probabilities sum to ${sum}`);
}

const argmax = (p) => p.reduce((best, v, i) => (v > p[best] ? i : best), 0);

// A made-up 784-16-10 model (deterministic), in the weights file's format.
function syntheticWeightsJson() {
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.2;
  const sizes = [784, 16, 10];
  const weights = {};
  for (let k = 0; k + 1 < sizes.length; ++k) {
    weights[`W${k}`] = Array.from({ length: sizes[k] * sizes[k + 1] }, rand);
    weights[`b${k}`] = Array.from({ length: sizes[k + 1] }, rand);
  }
  return JSON.stringify(weights);
}

// --- tests -----------------------------------------------------------------------------

let Module;
before(async () => {
  Module = await loadSiteModule();
});

describe("API and errors", () => {
  const json = syntheticWeightsJson();
  const weights = JSON.parse(json);
  let model;
  let x;          // a fixed input
  let reference;  // its probabilities, before any error

  before(() => {
    model = new Module.Model(json);
    x = new Float32Array(PIXELS).map((_, i) => (i % 7) / 6);
    reference = model.predict(x);
  });
  after(() => model.delete());

  // After an error, the module must still give exactly the same answer.
  function assertStillWorks() {
    assert.deepEqual(model.predict(x), reference);
  }

  it("describes the network", () => {
    assert.deepEqual(model.sizes(), [784, 16, 10]);
    assert.equal(model.inputs(), 784);
    assert.equal(model.outputs(), 10);
    assert.ok(model instanceof Module.Model);
    assertDistribution(reference, "predict");
  });

  it("takes Arrays as well as Float32Arrays, and the activation by name", () => {
    assert.deepEqual(model.predict(Array.from(x)), reference);
    const relu = new Module.Model(json, "re-lu");
    const sigmoid = new Module.Model(new TextEncoder().encode(json), "sigmoid");
    try {
      assert.deepEqual(relu.predict(x), reference);
      const p = sigmoid.predict(x);
      assertDistribution(p, "sigmoid model");
      assert.ok(maxAbsDiff(p, reference) > 1e-4, "the activation must change the result");
    } finally {
      relu.delete();
      sigmoid.delete();
    }
  });

  it("returns copies, not views into wasm memory", () => {
    const first = model.predict(x);
    const copy = Float32Array.from(first);
    model.predict(new Float32Array(PIXELS));  // overwrites the model's scratch
    assert.deepEqual(first, copy);
    assert.notEqual(first.buffer, Module.HEAPF32.buffer);
  });

  const badModels = [
    ["text that is not JSON", "not json", "invalid JSON"],
    ["an array", "[1, 2, 3]", "expected a JSON object"],
    ["a missing bias", JSON.stringify({ W0: weights.W0 }), "missing b0"],
    ["sizes that do not chain", JSON.stringify({ W0: weights.W0, b0: weights.b0, W1: [1, 2, 3, 4], b1: [0, 0] }),
      "layer 0 gives 16 outputs"],
    ["weights that do not fit the biases", JSON.stringify({ W0: [1, 2, 3], b0: [0, 0] }),
      "expected a multiple of the 2 outputs in b0"],
    ["a string in W0", JSON.stringify({ W0: [0.1, 0.2, "0.3", 0.4], b0: [0, 0] }),
      "W0[2]: expected a number, got a string"],
    ["an empty text", "  ", "is empty"],
    ["a number instead of text", 42, "expected the weights JSON as a string or Uint8Array"],
  ];
  for (const [what, text, message] of badModels) {
    it(`rejects a model with ${what}`, () => {
      assert.throws(() => new Module.Model(text), (e) => {
        assert.ok(e instanceof Error, "a JS Error");
        assert.ok(e.message.includes(message), `message "${e.message}" should contain "${message}"`);
        return true;
      });
      assertStillWorks();
    });
  }

  it("rejects an unknown activation", () => {
    assert.throws(() => new Module.Model(json, "relu"), /unknown activation 'relu'.*re-lu/);
    assertStillWorks();
  });

  const badInputs = [
    ["783 values", new Float32Array(783), /expected 784 input values, got 783/],
    ["785 numbers", new Array(785).fill(0), /expected 784 input values, got 785/],
    ["an empty array", [], /expected 784 input values, got 0/],
    ["RGBA of the wrong size", new Uint8ClampedArray(100), /3136 RGBA bytes.*784 input values, got 100 bytes/],
    ["a string", "0".repeat(784), /expected 784 input values.*got a string/],
    ["null", null, /expected 784 input values.*got null/],
    ["a NaN", new Float32Array(784).fill(NaN), /input\[0\]: expected a number/],
  ];
  for (const [what, input, message] of badInputs) {
    it(`rejects an input of ${what}`, () => {
      assert.throws(() => model.predict(input), (e) => e instanceof Error && message.test(e.message));
      assertStillWorks();
    });
  }

  it("rejects a canvas whose size does not match its bytes", () => {
    const rgba = canvas(10, 10, [[2, 2, 3, 3]]);
    assert.throws(() => model.predictCanvas(rgba, 10, 11), /expected 10 x 11 x 4 RGBA bytes, got 400/);
    assert.throws(() => Module.normalizeCanvas(rgba, -10, -10), /expected -10 x -10 x 4 RGBA bytes/);
    assert.throws(() => Module.originalInput(rgba), /expected 28 x 28 x 4 RGBA bytes, got 400/);
    assertStillWorks();
  });

  it("survives many errors without leaking", () => {
    for (let i = 0; i < 20000; ++i) {
      assert.throws(() => model.predict(new Float32Array(3)));
    }
    assertStillWorks();
  });

  it("frees a model with delete()", () => {
    const m = new Module.Model(json);
    m.delete();
    assert.ok(m.isDeleted());
    assert.throws(() => m.predict(x), Error);
    assertStillWorks();
  });
});

describe("canvas normalisation", () => {
  let model;
  before(() => {
    model = new Module.Model(syntheticWeightsJson());
  });
  after(() => model.delete());

  it("gives null for a blank canvas", () => {
    const white = canvas(336, 336, []);
    assert.equal(model.predictCanvas(white, 336, 336), null);
    assert.equal(Module.normalizeCanvas(white, 336, 336), null);
    const transparent = new Uint8ClampedArray(336 * 336 * 4);  // getImageData of an untouched canvas
    assert.equal(Module.normalizeCanvas(transparent, 336, 336), null);
  });

  // Ink bounding box (v > 0) and centre of mass (pixel centres at i + 0.5) of a 28x28 input.
  function geometry(x) {
    let x0 = SIDE, y0 = SIDE, x1 = -1, y1 = -1, mass = 0, mx = 0, my = 0;
    for (let y = 0; y < SIDE; ++y) {
      for (let xx = 0; xx < SIDE; ++xx) {
        const v = x[y * SIDE + xx];
        assert.ok(v >= 0 && v <= 1, `value ${v} outside [0, 1]`);
        if (v <= 0) continue;
        x0 = Math.min(x0, xx); x1 = Math.max(x1, xx); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
        mass += v; mx += v * (xx + 0.5); my += v * (y + 0.5);
      }
    }
    return { width: x1 - x0 + 1, height: y1 - y0 + 1, cx: mx / mass, cy: my / mass };
  }

  it("centres a small off-centre square and scales it to 20 px", () => {
    const drawing = canvas(336, 336, [[30, 250, 45, 45]]);  // bottom left
    const x = Module.normalizeCanvas(drawing, 336, 336);
    assert.ok(x instanceof Float32Array);
    assert.equal(x.length, PIXELS);
    const g = geometry(x);
    assert.equal(Math.max(g.width, g.height), 20);
    assert.ok(Math.abs(g.cx - 14) <= 1 && Math.abs(g.cy - 14) <= 1, `centre of mass (${g.cx}, ${g.cy})`);
    assertDistribution(model.predictCanvas(drawing, 336, 336), "predictCanvas");
  });

  it("keeps the aspect ratio of a tall stroke", () => {
    const drawing = canvas(336, 336, [[280, 10, 20, 120]]);  // top right, 1:6
    const g = geometry(Module.normalizeCanvas(drawing, 336, 336));
    assert.equal(g.height, 20);
    assert.ok(g.width >= 3 && g.width <= 5, `width ${g.width}, expected about 20 / 6`);
    assert.ok(Math.abs(g.cx - 14) <= 1 && Math.abs(g.cy - 14) <= 1, `centre of mass (${g.cx}, ${g.cy})`);
  });

  it("predictCanvas is normalizeCanvas followed by predict", () => {
    const drawing = canvas(336, 336, [[100, 60, 16, 200], [100, 60, 120, 16]]);  // a "7"-ish shape
    assert.deepEqual(model.predictCanvas(drawing, 336, 336), model.predict(Module.normalizeCanvas(drawing, 336, 336)));
  });
});

describe("same results as native libnn on real MNIST", { skip: HAVE_MNIST ? false : `no MNIST files in ${MNIST_DIR} (set MNIST_DIR)` }, () => {
  let tmp, weightsJson, images, labels, native, nativeNormalized, model;

  function nativeProbs(...extra) {
    const tool = path.join(NATIVE_BUILD, "tests", "native_probs");
    const out = execFileSync(tool, [path.join(tmp, "w.json"), TEST_IMAGES, String(N), ...extra],
      { encoding: "utf8", maxBuffer: 64 << 20 });
    const rows = JSON.parse(out).probabilities;
    assert.equal(rows.length, N);
    return rows;
  }

  before(() => {
    for (const tool of ["trainer/trainer", "tests/native_probs"]) {
      assert.ok(fs.existsSync(path.join(NATIVE_BUILD, tool)),
        `${path.join(NATIVE_BUILD, tool)} not found: build the native preset or set NN_NATIVE_BUILD`);
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nn-wasm-test-"));
    execFileSync(path.join(NATIVE_BUILD, "trainer", "trainer"), [
      "--train-path", TRAIN_IMAGES, "--validation-path", TEST_IMAGES,
      "--network-structure", "784", "64", "32", "10",
      "--learning-rate", "0.003", "--batch-size", "64", "--num-epochs", "1", "--train-limit", "5000",
      "--initialization", "xavier", "--activation-function", "re-lu", "--threads", "2",
      "--weight-path", path.join(tmp, "w.json"),
    ], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, OMP_NUM_THREADS: "2" } });
    weightsJson = fs.readFileSync(path.join(tmp, "w.json"), "utf8");
    native = nativeProbs();
    nativeNormalized = nativeProbs("--normalize");
    images = readImages(TEST_IMAGES, N);
    labels = readIdx(TEST_LABELS, 0x801).data.subarray(0, N);
    model = new Module.Model(weightsJson, "re-lu");
  });
  after(() => {
    if (model) model.delete();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("loads the trainer's weights", () => {
    assert.deepEqual(model.sizes(), [784, 64, 32, 10]);
  });

  it("predict(Float32Array) matches native within 1e-5, and the model is a real one", (t) => {
    let worst = 0, correct = 0;
    images.forEach((pixels, i) => {
      const p = model.predict(toInput(pixels));
      assertDistribution(p, `image ${i}`);
      worst = Math.max(worst, maxAbsDiff(p, native[i]));
      if (argmax(p) === labels[i]) ++correct;
    });
    t.diagnostic(`max |wasm - native| = ${worst.toExponential(2)}, accuracy ${correct}/${N}`);
    assert.ok(worst <= TOLERANCE, `max difference ${worst}`);
    assert.ok(correct >= 0.5 * N, `only ${correct}/${N} right: the trained model is not a real model`);
  });

  it("the RGBA path follows the original page (red < 127 is ink)", () => {
    images.forEach((pixels, i) => {
      const rgba = toRgba(pixels);
      const expected = Float32Array.from(rgba.filter((_, j) => j % 4 === 0), (r) => (r < 127 ? 1 : 0));
      const x = Module.originalInput(rgba);
      assert.deepEqual(x, expected, `image ${i}`);
      const p = model.predict(rgba);
      assertDistribution(p, `image ${i} (RGBA)`);
      assert.deepEqual(p, model.predict(x), `image ${i}: predict(rgba) is predict(originalInput(rgba))`);
    });
  });

  it("predictCanvas matches native normalize_digit + predict within 1e-5", (t) => {
    let worst = 0;
    images.forEach((pixels, i) => {
      const p = model.predictCanvas(toRgba(pixels), SIDE, SIDE);
      assert.equal(p === null, nativeNormalized[i] === null);
      assertDistribution(p, `image ${i} (canvas)`);
      worst = Math.max(worst, maxAbsDiff(p, nativeNormalized[i]));
    });
    t.diagnostic(`max |wasm - native| = ${worst.toExponential(2)}`);
    assert.ok(worst <= TOLERANCE, `max difference ${worst}`);
  });
});
