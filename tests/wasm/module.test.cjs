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
const { loadModule, readIdx, testPaths } = require("../lib/node_nn.cjs");
const { SITE_DIR, NATIVE_BUILD, MNIST_DIR, TRAIN_IMAGES, TEST_IMAGES, TEST_LABELS, HAVE_MNIST } = testPaths();

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

let Module, TrainModule;
before(async () => {
  Module = await loadSiteModule();
  TrainModule = await loadModule(SITE_DIR, "build the wasm preset or set NN_SITE_DIR", "nn-train");
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
    const relu = new Module.Model(json, { activation: "re-lu" });
    const sigmoid = new Module.Model(new TextEncoder().encode(json), { activation: "sigmoid" });
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
    ["a number instead of text", 42, "expected the model as a Uint8Array, an ArrayBuffer or a JSON string"],
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
    assert.throws(() => new Module.Model(json, { activation: "relu" }), /unknown activation 'relu'.*re-lu/);
    assertStillWorks();
  });

  it("takes its options left out, undefined or empty", () => {
    for (const m of [new Module.Model(json), new Module.Model(json, undefined), new Module.Model(json, {}),
                     new Module.Model(json, { activation: undefined })]) {
      assert.deepEqual(m.predict(x), reference);
      m.delete();
    }
  });

  const badOptions = [
    ["the activation as a second argument", "re-lu", /^expected the options as an object, got a string$/],
    ["null options", null, /^expected the options as an object, got null$/],
    ["options that are an Array", ["re-lu"], /^expected the options as an object, got an Array$/],
    ["an activation that is not a string", { activation: 1 }, /^options.activation: expected a string, got a number$/],
    ["a misspelt option", { activaton: "re-lu" }, /^options: unknown option 'activaton' \(expected one of: activation\)$/],
  ];
  for (const [what, options, message] of badOptions) {
    it(`rejects ${what} with an Error`, () => {
      assert.throws(() => new Module.Model(json, options), (e) => e instanceof Error && message.test(e.message));
      assertStillWorks();
    });
  }

  it("rejects a call with no model or too many arguments", () => {
    assert.throws(() => new Module.Model(), (e) => e instanceof Error && /parameters/.test(e.message));
    assert.throws(() => new Module.Model(json, {}, {}), (e) => e instanceof Error && /parameters/.test(e.message));
    assert.throws(() => Module.Model(json), TypeError);
    assertStillWorks();
  });

  const badInputs = [
    ["783 values", new Float32Array(783), /expected 784 inputs per sample, got 783/],
    ["785 numbers", new Array(785).fill(0), /expected 784 inputs per sample, got 785/],
    ["an empty array", [], /expected 784 inputs per sample, got 0/],
    ["RGBA bytes", new Uint8ClampedArray(3136), /got a Uint8ClampedArray \(RGBA pixels go through normalizeCanvas or originalInput/],
    ["a string", "0".repeat(784), /expected the input values as a Float32Array or Array, got a string/],
    ["null", null, /expected the input values as a Float32Array or Array, got null/],
    ["a NaN", new Float32Array(784).fill(NaN), /input\[0\]: expected a finite number, got nan/],
  ];
  for (const [what, input, message] of badInputs) {
    it(`rejects an input of ${what}`, () => {
      assert.throws(() => model.predict(input), (e) => e instanceof Error && message.test(e.message));
      assertStillWorks();
    });
  }

  it("rejects a canvas whose size does not match its bytes", () => {
    const rgba = canvas(10, 10, [[2, 2, 3, 3]]);
    assert.throws(() => Module.normalizeCanvas(rgba, 10, 11), /expected 10 x 11 x 4 RGBA bytes, got 400/);
    assert.throws(() => Module.normalizeCanvas(Array.from(rgba), 10, 10), /expected RGBA bytes .*got an Array/);
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
    assertDistribution(model.predict(x), "predict(normalizeCanvas)");
  });

  it("keeps the aspect ratio of a tall stroke", () => {
    const drawing = canvas(336, 336, [[280, 10, 20, 120]]);  // top right, 1:6
    const g = geometry(Module.normalizeCanvas(drawing, 336, 336));
    assert.equal(g.height, 20);
    assert.ok(g.width >= 3 && g.width <= 5, `width ${g.width}, expected about 20 / 6`);
    assert.ok(Math.abs(g.cx - 14) <= 1 && Math.abs(g.cy - 14) <= 1, `centre of mass (${g.cx}, ${g.cy})`);
  });
});

describe("training in the module (libnn's nn::fit)", () => {
  const json = syntheticWeightsJson();
  // 20 samples: sample i lights a 4x4 square at a place of its own, label i % 10.
  const COUNT = 20;
  const inputs = new Float32Array(COUNT * PIXELS);
  const labels = Array.from({ length: COUNT }, (_, i) => i % 10);
  for (let i = 0; i < COUNT; ++i) {
    const x0 = (i * 5) % 24, y0 = Math.floor(i / 5) * 6;
    for (let y = y0; y < y0 + 4; ++y) for (let x = x0; x < x0 + 4; ++x) inputs[i * PIXELS + y * SIDE + x] = 1;
  }
  const sample = (i) => inputs.subarray(i * PIXELS, (i + 1) * PIXELS);
  const options = { learningRate: 0.05, batchSize: 5, epochs: 30, seed: 3 };

  it("is left out of the page's module (nn.js), which only predicts", () => {
    const model = new Module.Model(json);
    assert.equal(model.fit, undefined);
    assert.equal(model.toJSON, undefined);
    model.delete();
  });

  it("predicts exactly as the page's module", () => {
    const a = new Module.Model(json), b = new TrainModule.Model(json);
    for (let i = 0; i < COUNT; ++i) assert.deepEqual(a.predict(sample(i)), b.predict(sample(i)));
    a.delete();
    b.delete();
  });

  it("learns the samples: the loss falls and every sample gets its label", () => {
    const model = new TrainModule.Model(json);
    try {
      const before = labels.filter((y, i) => argmax(model.predict(sample(i))) === y).length;
      const losses = model.fit(inputs, labels, options);
      assert.equal(losses.length, 30);
      assert.ok(losses[29] < losses[0] / 4, `losses ${losses[0]} -> ${losses[29]}`);
      const after = labels.filter((y, i) => argmax(model.predict(sample(i))) === y).length;
      assert.equal(after, COUNT, `${after}/${COUNT} right after training (${before} before)`);
    } finally {
      model.delete();
    }
  });

  it("is reproducible from the seed, and toJSON gives the trained weights back", () => {
    const a = new TrainModule.Model(json), b = new TrainModule.Model(json);
    try {
      a.fit(inputs, Uint8Array.from(labels), options);
      b.fit(inputs, labels, options);
      const text = a.toJSON();
      assert.equal(text, b.toJSON());
      assert.notEqual(text, new TrainModule.Model(json).toJSON());
      const again = new TrainModule.Model(text);
      for (let i = 0; i < COUNT; ++i) assert.deepEqual(again.predict(sample(i)), a.predict(sample(i)));
      again.delete();
      // The defaults: one epoch, with the options left out or undefined.
      assert.equal(b.fit(inputs, labels).length, 1);
      assert.equal(b.fit(inputs, labels, undefined).length, 1);
      assert.throws(() => b.fit(inputs), { name: "TypeError", message: "Model.fit: expected 2 or 3 arguments, got 1" });
    } finally {
      a.delete();
      b.delete();
    }
  });

  const bad = [
    ["a label of 10", inputs, [...labels.slice(0, 19), 10], {}, /label 19: expected a whole number from 0 to 9, got 10/],
    ["a negative label", inputs, [-1, ...labels.slice(1)], {}, /label 0: expected a whole number from 0 to 9, got -1/],
    ["a fractional label", inputs, [2.5, ...labels.slice(1)], {}, /label 0: expected a whole number/],
    ["a NaN label", inputs, [NaN, ...labels.slice(1)], {}, /label 0: expected a whole number/],
    ["one label too few", inputs, labels.slice(1), {}, /expected 19 samples of 784 inputs .* got 15680 values/],
    ["inputs of the wrong length", inputs.subarray(1), labels, {}, /got 15679 values/],
    ["a NaN input", Float32Array.from(inputs, (v, i) => (i === 5 ? NaN : v)), labels, {}, /sample 0, input 5: expected a number in \[0, 1\], got nan/],
    ["an input above 1", Float32Array.from(inputs, (v, i) => (i === 800 ? 2 : v)), labels, {}, /sample 1, input 16: expected a number in \[0, 1\], got 2/],
    ["a learning rate of 0", inputs, labels, { learningRate: 0 }, /learning rate must be greater than 0, got 0/],
    ["a batch size of 0", inputs, labels, { batchSize: 0 }, /batch size must be at least 1, got 0/],
    ["a string option", inputs, labels, { epochs: "5" }, /options.epochs: expected a number, got a string/],
    ["options that are not an object", inputs, labels, 5, /expected the options as an object, got a number/],
    ["a misspelt option", inputs, labels, { learningrate: 0.1 },
      /^options: unknown option 'learningrate' \(expected one of: learningRate, momentum, weightDecay, batchSize, epochs, lrDecay, shuffle, frozenLayers, augment, seed\)$/],
    ["a misspelt augment option", inputs, labels, { augment: { shift: 1 } }, /^options.augment: unknown option 'shift' \(expected one of: maxShift, /],
    ["a string augment option", inputs, labels, { augment: { maxShift: "1" } }, /^options.augment.maxShift: expected a number, got a string$/],
    ["labels that are not numbers", inputs, "0123", {}, /expected the labels as an Array or typed array, got a string/],
    ["a diverging learning rate", inputs, labels, { learningRate: 1e30, epochs: 3 }, /training diverged|training collapsed/],
  ];
  for (const [what, x, y, o, message] of bad) {
    it(`rejects ${what} with an Error and leaves the model as it was`, () => {
      const model = new TrainModule.Model(json);
      try {
        const before = model.toJSON();
        assert.throws(() => model.fit(x, y, o), (e) => e instanceof Error && message.test(e.message));
        assert.equal(model.toJSON(), before);
      } finally {
        model.delete();
      }
    });
  }
});

describe("same results as native libnn on real MNIST", { skip: HAVE_MNIST ? false : `no MNIST files in ${MNIST_DIR} (set MNIST_DIR)` }, () => {
  let tmp, weightsJson, images, labels, native, nativeNormalized, model, full;

  // native_probs' rows for the first N test images: probabilities, or with --activations
  // or --gradient K what the option names (its JSON's one key).
  function nativeProbs(...extra) {
    const tool = path.join(NATIVE_BUILD, "tests", "native_probs");
    const out = execFileSync(tool, [path.join(tmp, "w.json"), TEST_IMAGES, String(N), ...extra],
      { encoding: "utf8", maxBuffer: 256 << 20 });
    const rows = Object.values(JSON.parse(out))[0];
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
    model = new Module.Model(weightsJson, { activation: "re-lu" });
    full = new TrainModule.Model(weightsJson);  // nn-train.js: also the inside view
  });
  after(() => {
    if (model) model.delete();
    if (full) full.delete();
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
      assertDistribution(model.predict(x), `image ${i} (original input)`);
    });
  });

  it("normalizeCanvas + predict matches native normalize_digit + predict within 1e-5", (t) => {
    let worst = 0;
    images.forEach((pixels, i) => {
      const x = Module.normalizeCanvas(toRgba(pixels), SIDE, SIDE);
      assert.equal(x === null, nativeNormalized[i] === null);
      const p = model.predict(x);
      assertDistribution(p, `image ${i} (canvas)`);
      worst = Math.max(worst, maxAbsDiff(p, nativeNormalized[i]));
    });
    t.diagnostic(`max |wasm - native| = ${worst.toExponential(2)}`);
    assert.ok(worst <= TOLERANCE, `max difference ${worst}`);
  });

  it("the inside view is nn-train.js's only: nn.js, the first load, leaves it out", () => {
    assert.equal(model.activations, undefined);
    assert.equal(model.inputGradient, undefined);
  });

  it("activations(input): every layer's outputs match native within 1e-5, the last is predict's", () => {
    const native = nativeProbs("--activations");
    images.forEach((pixels, i) => {
      const x = toInput(pixels);
      const layers = full.activations(x);
      assert.deepEqual(layers.map((l) => l.length), [64, 32, 10]);
      assert.ok(layers.every((l) => l instanceof Float32Array));
      layers.forEach((l, k) => assert.ok(maxAbsDiff(l, native[i][k]) <= TOLERANCE * Math.max(1, ...native[i][k]),
        `image ${i}, layer ${k}`));
      assert.deepEqual(layers[2], model.predict(x));  // nn.js's own prediction
    });
  });

  it("layers(): one dense entry per layer output, the shapes of activations()' arrays", () => {
    const layers = full.layers();
    assert.deepEqual(layers, [
      { kind: "dense", shape: [64] }, { kind: "dense", shape: [32] }, { kind: "dense", shape: [10] },
    ]);
    const acts = full.activations(toInput(images[0]));
    layers.forEach((l, k) => assert.equal(acts[k].length, l.shape.reduce((a, b) => a * b)));
    assert.equal(model.layers, undefined);  // nn.js leaves it out, as it does activations
  });

  it("inputGradient(input, digit) matches native nn::input_gradient within 1e-5 of its largest value", (t) => {
    for (const digit of [3, 7]) {
      const native = nativeProbs("--gradient", String(digit));
      let worst = 0;
      images.forEach((pixels, i) => {
        const g = full.inputGradient(toInput(pixels), digit);
        assert.equal(g.length, 784);
        const scale = Math.max(...native[i].map(Math.abs));
        assert.ok(scale > 0, `image ${i}: a zero gradient tells nothing`);
        worst = Math.max(worst, maxAbsDiff(g, native[i]) / scale);
      });
      t.diagnostic(`digit ${digit}: max |wasm - native| / max |native| = ${worst.toExponential(2)}`);
      assert.ok(worst <= TOLERANCE, `digit ${digit}: relative difference ${worst}`);
    }
  });

  it("inputGradient rejects an output that is not a digit of the model, and still answers after", () => {
    const x = toInput(images[0]);
    for (const [digit, shown] of [[10, "10"], [-1, "-1"], [2.5, "2.5"], [1e12, "1000000000000"], ["3", "a string"]]) {
      assert.throws(() => full.inputGradient(x, digit),
        (e) => e instanceof Error && e.message === `expected the output as a whole number from 0 to 9, got ${shown}`);
    }
    assert.throws(() => full.inputGradient(new Uint8Array(784), 1), /RGBA pixels go through normalizeCanvas/);
    assert.equal(full.inputGradient(x, 1).length, 784);
  });
});
