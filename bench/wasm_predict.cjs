// wasm_predict: how long the WebAssembly module takes to parse a model and to predict,
// in Node. A program that prints figures, not a test.
//
//   node bench/wasm_predict.cjs [--module DIR] [--weights FILE] [--activation NAME]
//                               [--iterations N]
//
//   --module DIR      folder with nn.js and nn.wasm (default build/wasm/site). To compare
//                     builds, configure one without SIMD:
//                       NODE_PATH=/usr/share/nodejs cmake --preset wasm -B build/wasm-nosimd -DNN_WASM_SIMD=OFF
//                       cmake --build build/wasm-nosimd
//                       node bench/wasm_predict.cjs --module build/wasm-nosimd/site
//   --weights FILE    weights JSON (the original's format); default: random weights for
//                     784-500-300-100-10 (the original's network), made up here
//   --iterations N    predictions timed per round (default 2000; 5 rounds after a warm-up)
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { performance } = require("node:perf_hooks");
const { loadModule } = require("../tests/lib/node_nn.cjs");

const ROOT = path.resolve(__dirname, "..");

function parseArgs(argv) {
  const args = { module: path.join(ROOT, "build/wasm/site"), weights: null, activation: "re-lu", iterations: 2000 };
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
    else if (flag === "--help" || flag === "-h") {
      console.log(fs.readFileSync(__filename, "utf8").split("\n").slice(0, 15).join("\n"));
      process.exit(0);
    } else throw new Error(`unknown argument '${flag}' (see --help)`);
  }
  if (!Number.isInteger(args.iterations) || args.iterations <= 0) {
    throw new Error(`--iterations: expected a positive integer, got ${args.iterations}`);
  }
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

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const Module = await loadModule(args.module, "build the wasm preset or pass --module");
  const startMs = performance.now() - t0;

  const json = args.weights ? fs.readFileSync(args.weights, "utf8") : randomWeightsJson([784, 500, 300, 100, 10]);
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

  // Inputs: a few different 784-value images in [0, 1], and a 336x336 canvas with a stroke.
  const inputs = Array.from({ length: 8 }, (_, j) =>
    Float32Array.from({ length: model.inputs() }, (_, i) => ((i * 7 + j * 13) % 17) / 16));
  const canvas = new Uint8ClampedArray(336 * 336 * 4).fill(255);
  for (let y = 60; y < 280; ++y) {
    for (let x = 150; x < 170; ++x) canvas.fill(0, 4 * (y * 336 + x), 4 * (y * 336 + x) + 3);
  }

  let sink = 0;
  const predict = time((i) => { sink += model.predict(inputs[i % inputs.length])[0]; }, args.iterations);
  const predictCanvas = model.inputs() === 784
    ? time((i) => { sink += model.predict(Module.normalizeCanvas(canvas, 336, 336))[0]; }, Math.max(1, args.iterations >> 3))
    : null;

  const ms = (x) => x.toFixed(4);
  console.log(`module:          ${args.module} (started in ${startMs.toFixed(1)} ms)`);
  console.log(`model:           ${source}: ${sizes.join("-")}, ${parameters} parameters, ` +
              `${(json.length / 1e6).toFixed(2)} MB of JSON, activation ${args.activation}`);
  console.log(`parse (new Model): first ${parses[0].toFixed(1)} ms, then median ${median(parses.slice(1)).toFixed(1)} ms`);
  console.log(`predict (784 Float32Array): ${ms(predict.median)} ms per prediction (median of 5 x ${args.iterations}; ` +
              `best round ${ms(predict.best)} ms)`);
  if (predictCanvas) {
    console.log(`normalizeCanvas + predict (336x336 RGBA): ${ms(predictCanvas.median)} ms per prediction (best round ${ms(predictCanvas.best)} ms)`);
  }
  model.delete();
  if (Number.isNaN(sink)) console.log("(NaN in the results)");
}

main().catch((e) => {
  console.error(`wasm_predict: error: ${e.message}`);
  process.exit(1);
});
