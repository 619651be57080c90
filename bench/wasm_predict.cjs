// wasm_predict: how long the WebAssembly module takes to parse a model and to predict,
// in Node, what one update of the inside view costs (every layer's outputs and the input
// gradient of the shown digit's score), and what one guess costs once the person has corrected drawings (the page's
// reading, site/js/reader.js: up to three more forward passes, the drawing straightened,
// the nearest corrected drawing and the nearest digit of the replay sample searched).
// A program that prints figures, not a test.
//
//   node bench/wasm_predict.cjs [--module DIR] [--weights FILE] [--activation NAME]
//                               [--iterations N] [--sample FILE] [--corrections N]
//
//   --module DIR      folder with nn.js and nn.wasm (default build/wasm/site). To compare
//                     builds, configure one without SIMD:
//                       NODE_PATH=/usr/share/nodejs cmake --preset wasm -B build/wasm-nosimd -DNN_WASM_SIMD=OFF
//                       cmake --build build/wasm-nosimd
//                       node bench/wasm_predict.cjs --module build/wasm-nosimd/site
//   --weights FILE    weights JSON (the original's format); default: random weights for
//                     784-500-300-100-10 (the original's network), made up here
//   --iterations N    predictions timed per round (default 2000; 5 rounds after a warm-up)
//   --sample FILE     the replay sample (default DIR/assets/replay.csv.gz; without one, no
//                     guess after corrections is timed)
//   --corrections N   corrected drawings for the guess after corrections (default 50): N of
//                     the sample's digits in a person's slant and width, the guesses on
//                     others of them (the model stands for both the shipped and the adapted
//                     network: other weights, the same cost)
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { performance } = require("node:perf_hooks");
const { loadModule } = require("../tests/lib/node_nn.cjs");
const { loadSite, readSample } = require("../tests/lib/site.cjs");

const ROOT = path.resolve(__dirname, "..");

function parseArgs(argv) {
  const args = {
    module: path.join(ROOT, "build/wasm/site"), weights: null, activation: "re-lu", iterations: 2000, sample: null, corrections: 50,
  };
  for (let i = 0; i < argv.length; ++i) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === "--module") args.module = path.resolve(value());
    else if (flag === "--weights") args.weights = path.resolve(value());
    else if (flag === "--activation") args.activation = value();
    else if (flag === "--iterations") args.iterations = Number(value());
    else if (flag === "--sample") args.sample = path.resolve(value());
    else if (flag === "--corrections") args.corrections = Number(value());
    else if (flag === "--help" || flag === "-h") {
      const lines = fs.readFileSync(__filename, "utf8").split("\n");
      console.log(lines.slice(0, lines.findIndex((line) => !line.startsWith("//"))).join("\n"));
      process.exit(0);
    } else throw new Error(`unknown argument '${flag}' (see --help)`);
  }
  for (const key of ["iterations", "corrections"]) {
    if (!Number.isInteger(args[key]) || args[key] <= 0) throw new Error(`--${key}: expected a positive integer, got ${args[key]}`);
  }
  args.sample ??= path.join(args.module, "assets/replay.csv.gz");
  return args;
}

// Glorot-uniform weights, zero biases, with about as many digits as the trainer writes.
function randomWeightsJson(sizes) {
  let seed = 42;
  const uniform = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const parts = [];
  for (let k = 0; k + 1 < sizes.length; ++k) {
    const limit = Math.sqrt(6 / (sizes[k] + sizes[k + 1]));
    const w = new Array(sizes[k] * sizes[k + 1]);
    for (let i = 0; i < w.length; ++i) w[i] = +((2 * uniform() - 1) * limit).toPrecision(8);
    parts.push(`"W${k}":${JSON.stringify(w)}`, `"b${k}":${JSON.stringify(new Array(sizes[k + 1]).fill(0))}`);
  }
  return `{${parts.join(",")}}`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Runs fn `iterations` times per round, `rounds` rounds after a warm-up; ms per call.
function time(fn, iterations, rounds = 5) {
  for (let i = 0; i < Math.min(200, iterations); ++i) fn(i);
  const perCall = [];
  for (let r = 0; r < rounds; ++r) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; ++i) fn(i);
    perCall.push((performance.now() - t0) / iterations);
  }
  return { median: median(perCall), best: Math.min(...perCall) };
}

/**
 * One guess once `n` drawings are corrected, as the page makes it (corrections.js): the
 * adapted network's forward pass, then reader.js's read. Null without a sample file.
 * @returns {?{guess: {median, best}, n, sampleSize, parts: {[what]: {median, best}}}}
 */
function timeGuessAfterCorrections(site, model, args) {
  if (!fs.existsSync(args.sample)) return null;
  const { PIXELS } = site.digit;
  const file = readSample(site, args.sample);
  const GUESSES = 8;
  if (file.labels.length < args.corrections + GUESSES) {
    throw new Error(`${args.sample}: ${file.labels.length} digits, too few for --corrections ${args.corrections}`);
  }
  // A person's hand: the file's digits slanted and narrowed. The first n are the corrected
  // drawings; the guesses are on the last eight, which the sample the page reads with
  // leaves out (a new drawing is in neither).
  const hand = { slant: 0.3, aspect: -0.15 };
  const mine = (j) => ({ pixels: site.style.restyle(file.pixels.subarray(j * PIXELS, (j + 1) * PIXELS), hand), label: file.labels[j] });
  const size = file.labels.length - GUESSES;
  const sample = { pixels: file.pixels.subarray(0, size * PIXELS), labels: file.labels.subarray(0, size) };
  const drawings = Array.from({ length: args.corrections }, (_, j) => mine(j));
  const inputs = Array.from({ length: GUESSES }, (_, k) => Float32Array.from(mine(size + k).pixels, (v) => v / 255));
  const style = site.style.personStyle(drawings, sample);
  const shipped = model, adapted = model;
  const n = Math.max(1, args.iterations >> 4);
  const input = (i) => inputs[i % inputs.length];
  let sink = 0;
  const guess = time((i) => {
    const x = input(i);
    const asDrawn = adapted.predict(x);
    sink += site.reader.read(shipped, adapted, drawings, x, { style, sample, adaptedAsDrawn: asDrawn })[0];
  }, n);
  const parts = {
    "one forward pass": time((i) => { sink += adapted.predict(input(i))[0]; }, n),
    "straightening the drawing": time((i) => { sink += site.style.straightenInput(input(i), style)[0]; }, n),
    [`nearest of the ${args.corrections} corrected drawings`]: time((i) => { sink += site.reader.nearest(drawings, input(i)).distance; }, n),
    [`nearest of the ${size} sample digits`]: time((i) => { sink += site.reader.sampleDistance(sample, input(i)); }, n),
  };
  if (Number.isNaN(sink)) console.log("(NaN in the results)");
  return { guess, n, sampleSize: size, parts };
}

async function main() {
  const site = await loadSite();
  const { CANVAS, PIXELS } = site.digit;
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const Module = await loadModule(args.module, "build the wasm preset or pass --module");
  const startMs = performance.now() - t0;

  const json = args.weights ? fs.readFileSync(args.weights, "utf8") : randomWeightsJson([PIXELS, 500, 300, 100, 10]);
  const source = args.weights || "random 784-500-300-100-10 weights";

  // Parsing: the first parse also grows wasm memory; report it and the median of the next ones.
  const parses = [];
  let model = null;
  for (let r = 0; r < 6; ++r) {
    if (model) model.delete();
    const t = performance.now();
    model = new Module.Model(json, { activation: args.activation });
    parses.push(performance.now() - t);
  }
  const sizes = model.sizes();
  const parameters = sizes.slice(1).reduce((n, o, k) => n + (sizes[k] + 1) * o, 0);

  // Inputs: a few different 784-value images in [0, 1], and the page's 336x336 canvas with a stroke.
  const inputs = Array.from({ length: 8 }, (_, j) =>
    Float32Array.from({ length: model.inputs() }, (_, i) => ((i * 7 + j * 13) % 17) / 16));
  const canvas = new Uint8ClampedArray(CANVAS * CANVAS * 4).fill(255);
  for (let y = 60; y < 280; ++y) {
    for (let x = 150; x < 170; ++x) canvas.fill(0, 4 * (y * CANVAS + x), 4 * (y * CANVAS + x) + 3);
  }

  let sink = 0;
  const predict = time((i) => { sink += model.predict(inputs[i % inputs.length])[0]; }, args.iterations);
  const predictCanvas = model.inputs() === PIXELS
    ? time((i) => { sink += model.predict(Module.normalizeCanvas(canvas, CANVAS, CANVAS))[0]; }, Math.max(1, args.iterations >> 3))
    : null;
  const corrected = model.inputs() === PIXELS ? timeGuessAfterCorrections(site, model, args) : null;
  // One update of the inside view in the module (nn-train.js, the module the view loads),
  // as site/js/inside.js makes it: every layer's outputs, the digits ranked, the input
  // gradient of the shown one's score (the answer's, or the runner-up's when asked).
  const Full = await loadModule(args.module, "build the wasm preset or pass --module", "nn-train");
  const full = new Full.Model(json, { activation: args.activation });
  const insideLayers = full.layers().length;
  const inside = time((i) => {
    const x = inputs[i % inputs.length];
    const acts = full.activations(x);
    const probs = acts[acts.length - 1];
    const ranked = [...probs.keys()].sort((a, b) => probs[b] - probs[a]);
    sink += acts.length + full.inputGradient(x, ranked[i & 1])[0];
  }, Math.max(1, args.iterations >> 2));
  full.delete();

  const ms = (x) => x.toFixed(4);
  console.log(`module:          ${args.module} (started in ${startMs.toFixed(1)} ms)`);
  console.log(`model:           ${source}: ${sizes.join("-")}, ${parameters} parameters, ` +
              `${(json.length / 1e6).toFixed(2)} MB of JSON, activation ${args.activation}`);
  console.log(`parse (new Model): first ${parses[0].toFixed(1)} ms, then median ${median(parses.slice(1)).toFixed(1)} ms`);
  console.log(`predict (784 Float32Array): ${ms(predict.median)} ms per prediction (median of 5 x ${args.iterations}; ` +
              `best round ${ms(predict.best)} ms)`);
  console.log(`inside view update (activations of ${insideLayers} layers + inputGradient of the shown digit): ` +
              `${ms(inside.median)} ms per update (best round ${ms(inside.best)} ms)`);
  if (predictCanvas) {
    console.log(`normalizeCanvas + predict (${CANVAS}x${CANVAS} RGBA): ${ms(predictCanvas.median)} ms per prediction (best round ${ms(predictCanvas.best)} ms)`);
  }
  if (corrected) {
    const { guess, n, sampleSize, parts } = corrected;
    console.log(`a guess after ${args.corrections} corrections (predict + the page's reading, ${sampleSize}-digit sample): ` +
                `${ms(guess.median)} ms (median of 5 x ${n}; best round ${ms(guess.best)} ms), against ${ms(predict.median)} ms before any`);
    for (const [what, t] of Object.entries(parts)) console.log(`  ${what}: ${ms(t.median)} ms`);
  } else {
    console.log(`no guess after corrections timed: no replay sample ${args.sample} (--sample)`);
  }
  model.delete();
  if (Number.isNaN(sink)) console.log("(NaN in the results)");
}

main().catch((e) => {
  console.error(`wasm_predict: error: ${e.message}`);
  process.exit(1);
});
