// drawn_digits: how well a weights file recognises digits drawn the way people draw them on
// the page, through the page's own path (the WebAssembly module). A program that prints
// figures; with --min-accuracy it is also the CI assertion.
//
// Each MNIST test digit is redrawn as a person would on the page's 336x336 canvas: black on
// white, its ink box's longer side a random 30-90 % of the canvas, at a random position
// where it stays fully on the canvas. The 28x28 grey digit is upscaled bilinearly and turned
// into a pencil stroke: solid black where the ink is >= 0.5, with a ~1-2 px anti-aliased
// edge, like the page's opaque round pencil (the stroke scales with the drawing, where
// the page's pencil is always 20 px wide: a limit of this redrawing). Then two pipelines:
//   original  the original page: the canvas shrunk to 28x28 by drawImage, emulated by
//             averaging each 12x12 block (area averaging, what a high-quality downscale
//             approximates; --downscale bilinear instead takes the 2x2 pixels at each block
//             centre, what plain bilinear sampling without mipmaps does), then
//             model.predict(Module.originalInput(rgba28)): red < 127 is ink.
//   ours      model.predict(Module.normalizeCanvas(rgba336, 336, 336)): crop, fit 20x20,
//             centre of mass (the page's path).
//
//   node bench/drawn_digits.cjs --weights FILE [--site DIR] [--count N] [--seed S] [--sample]
//        [--activation NAME] [--downscale box|bilinear] [--min-accuracy X] [--json]
//        [--save-examples DIR] [--styles FILE]
//
//   --weights FILE        the model: weights JSON or compact (.nnm) (required)
//   --site DIR            folder with nn.js and nn.wasm (default build/wasm/site)
//   --count N             test digits used (default 10000): the first N, or with --sample
//                         a random sample of N seeded by --seed
//   --seed S              seed for the drawings (sizes, positions) and --sample (default 1)
//   --min-accuracy X      exit 1 when our pipeline's accuracy is below X (a fraction, 0..1)
//   --json                print one JSON summary line instead of the table
//   --save-examples DIR   write the first 12 drawn canvases as PNG files into DIR
//   --styles FILE         also draw the pen-style digits of FILE (gzipped JSON written by
//                         build/release/trainer/nn-pen-digits from the test set: libnn's own
//                         synthesis, nn/pen.hpp, with seeds apart from training's) and print the
//                         accuracy of each style (plain, thin-pen, thick-pen, small, strokes,
//                         flag-one, crossed-seven, open-four, straight-nine) and of all of them.
//                         Each is drawn on the white canvas as libnn placed it, with a black
//                         round pen of its width (round caps and joins, ~1 px anti-aliased
//                         edge, as the page's pencil), then normalizeCanvas + predict.
// Environment: MNIST_DIR, the folder with t10k-{images-idx3,labels-idx1}-ubyte.gz
// (default data/mnist). Exit status: 0 ok, 1 below --min-accuracy, 2 error.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");
const { performance } = require("node:perf_hooks");
const { loadModule, readIdx } = require("../tests/lib/node_nn.cjs");
const { loadSite } = require("../tests/lib/site.cjs");

const ROOT = path.resolve(__dirname, "..");
// From the page's own modules (site/js/digit.js, random.js), set by main() before anything runs:
let SIDE;        // MNIST digit side (px)
let CANVAS;      // the page's canvas side (px)
let BLOCK;       // CANVAS / SIDE: 12 canvas px per 28x28 px
let mulberry32;  // the page's seeded PRNG
const SIZE_MIN = 0.3, SIZE_MAX = 0.9;  // drawn size: longer side of the ink box / canvas side
const BUCKETS = [[0.3, 0.5, "30-50 %"], [0.5, 0.7, "50-70 %"], [0.7, 0.9, "70-90 %"]];
const EXAMPLES = 12;

function parseArgs(argv) {
  const args = {
    weights: null, site: path.join(ROOT, "build/wasm/site"), count: 10000, seed: 1, sample: false,
    activation: undefined, downscale: "box", minAccuracy: null, json: false, examples: null, styles: null,
  };
  for (let i = 0; i < argv.length; ++i) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    const number = (check, expected) => {
      const v = Number(value());
      if (!check(v)) throw new Error(`${flag}: expected ${expected}, got '${argv[i]}'`);
      return v;
    };
    if (flag === "--weights") args.weights = path.resolve(value());
    else if (flag === "--site") args.site = path.resolve(value());
    else if (flag === "--count") args.count = number((v) => Number.isInteger(v) && v > 0, "a positive integer");
    else if (flag === "--seed") args.seed = number((v) => Number.isInteger(v) && v >= 0, "an integer >= 0");
    else if (flag === "--sample") args.sample = true;
    else if (flag === "--activation") args.activation = value();
    else if (flag === "--downscale") args.downscale = value();
    else if (flag === "--min-accuracy") args.minAccuracy = number((v) => v >= 0 && v <= 1, "a fraction in [0, 1], e.g. 0.9");
    else if (flag === "--json") args.json = true;
    else if (flag === "--save-examples") args.examples = path.resolve(value());
    else if (flag === "--styles") args.styles = path.resolve(value());
    else if (flag === "--help" || flag === "-h") {
      const lines = fs.readFileSync(__filename, "utf8").split("\n");
      console.log(lines.slice(0, lines.findIndex((line) => !line.startsWith("//"))).join("\n"));
      process.exit(0);
    } else throw new Error(`unknown argument '${flag}' (see --help)`);
  }
  if (!args.weights) throw new Error("--weights FILE is required (see --help)");
  if (!["box", "bilinear"].includes(args.downscale)) {
    throw new Error(`--downscale: expected box or bilinear, got '${args.downscale}'`);
  }
  return args;
}


function loadTestSet(dir) {
  const images = readIdx(path.join(dir, "t10k-images-idx3-ubyte.gz"), 0x803);
  const labels = readIdx(path.join(dir, "t10k-labels-idx1-ubyte.gz"), 0x801);
  if (images.shape[1] !== SIDE || images.shape[2] !== SIDE) throw new Error(`${dir}: expected 28x28 images, got ${images.shape.slice(1).join("x")}`);
  if (labels.shape[0] !== images.shape[0]) throw new Error(`${dir}: ${images.shape[0]} images but ${labels.shape[0]} labels`);
  const image = (i) => images.data.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE);
  return { total: images.shape[0], image, label: (i) => labels.data[i] };
}

// The first `count` indices, or a seeded random sample of them (partial Fisher-Yates).
function pickIndices(total, count, seed, sample) {
  if (count > total) throw new Error(`--count ${count}: the test set has only ${total} digits`);
  const all = Array.from({ length: total }, (_, i) => i);
  if (!sample) return all.slice(0, count);
  const rand = mulberry32(seed ^ 0x9e3779b9);
  for (let i = 0; i < count; ++i) {
    const j = i + Math.floor(rand() * (total - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count);
}

// Draws a 28x28 grey digit (0..255, ink = 255) onto the white canvas (RGBA, CANVAS^2 * 4)
// as a black pencil stroke; returns the chosen size (fraction of the canvas side).
function drawDigit(digit, rand, canvas) {
  canvas.fill(255);
  // The stroke is where the ink >= 0.5: size it by the box of pixels >= 128.
  let x0 = SIDE, y0 = SIDE, x1 = -1, y1 = -1;
  for (let y = 0; y < SIDE; ++y) {
    for (let x = 0; x < SIDE; ++x) {
      if (digit[y * SIDE + x] >= 128) x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) return null;
  // The stroke (ink >= 0.5) reaches at most half a digit pixel beyond the box, its soft edge
  // a canvas pixel more: that margin stays on the canvas (a rare digit whose box is only a few
  // pixels long would not fit at 90 %; it is drawn as large as fits).
  const longer = Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const size = Math.min(SIZE_MIN + rand() * (SIZE_MAX - SIZE_MIN), (CANVAS - 4) / (1 + 1 / longer) / CANVAS);
  const scale = (size * CANVAS) / longer;  // canvas px per digit px
  const margin = 0.5 * scale + 2;
  const w = (x1 - x0 + 1) * scale, h = (y1 - y0 + 1) * scale;
  const ox = margin + rand() * Math.max(0, CANVAS - w - 2 * margin);  // canvas x of digit x0
  const oy = margin + rand() * Math.max(0, CANVAS - h - 2 * margin);
  // Bilinear sample of the digit (0..1) at digit coordinates (u, v), pixel centres at i + 0.5.
  const at = (x, y) => (x < 0 || y < 0 || x >= SIDE || y >= SIDE ? 0 : digit[y * SIDE + x] / 255);
  const sample = (u, v) => {
    const fx = u - 0.5, fy = v - 0.5, ix = Math.floor(fx), iy = Math.floor(fy), tx = fx - ix, ty = fy - iy;
    return (1 - ty) * ((1 - tx) * at(ix, iy) + tx * at(ix + 1, iy)) + ty * ((1 - tx) * at(ix, iy + 1) + tx * at(ix + 1, iy + 1));
  };
  // coverage = clamp((v - 0.5) * k + 0.5): with k = scale, v goes from 0.5 - 0.5/k to
  // 0.5 + 0.5/k across the edge; MNIST's ink rises by ~0.5-1 per digit px, i.e. per `scale`
  // canvas px, so the edge is ~1-2 canvas px soft, as the browser's anti-aliased pencil.
  const k = scale;
  const X0 = Math.max(0, Math.floor(ox - margin)), X1 = Math.min(CANVAS, Math.ceil(ox + w + margin));
  const Y0 = Math.max(0, Math.floor(oy - margin)), Y1 = Math.min(CANVAS, Math.ceil(oy + h + margin));
  for (let Y = Y0; Y < Y1; ++Y) {
    for (let X = X0; X < X1; ++X) {
      const v = sample(x0 + (X + 0.5 - ox) / scale, y0 + (Y + 0.5 - oy) / scale);
      const coverage = Math.min(1, Math.max(0, (v - 0.5) * k + 0.5));
      if (coverage > 0) canvas.fill(Math.round(255 * (1 - coverage)), 4 * (Y * CANVAS + X), 4 * (Y * CANVAS + X) + 3);
    }
  }
  return size;
}

// The original page's drawImage(canvas336 -> 28x28), emulated (see the header): RGBA 28x28.
function shrink(canvas, mode, out) {
  const [from, n] = mode === "box" ? [0, BLOCK] : [BLOCK / 2 - 1, 2];  // pixels averaged per block side
  for (let y = 0; y < SIDE; ++y) {
    for (let x = 0; x < SIDE; ++x) {
      for (let c = 0; c < 4; ++c) {
        let sum = 0;
        for (let dy = 0; dy < n; ++dy) {
          const row = (y * BLOCK + from + dy) * CANVAS;
          for (let dx = 0; dx < n; ++dx) sum += canvas[4 * (row + x * BLOCK + from + dx) + c];
        }
        out[4 * (y * SIDE + x) + c] = Math.round(sum / (n * n));
      }
    }
  }
  return out;
}

// The pen-style digits of nn-pen-digits (see the header): [{label, writer: "style/<name>",
// pen, box: [left, top, side], strokes: [[[x, y], ...], ...]}], strokes in [0, 1] of the box.
function readStyles(file) {
  if (!fs.existsSync(file)) {
    throw new Error(`--styles ${file}: file not found; write it with build/release/trainer/nn-pen-digits ` +
      `$MNIST_DIR/t10k-images-idx3-ubyte.gz ${file}`);
  }
  try {
    return JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString("utf8"));
  } catch (e) {
    throw new Error(`--styles ${file}: expected gzipped JSON from nn-pen-digits: ${e.message}`);
  }
}

// Draws a style digit black on the white canvas (RGBA) with a round pen of d.pen px: a pixel's
// ink is clamp(r + 0.5 - distance to the nearest segment, 0, 1), each segment over its own box.
function drawStrokes(d, canvas) {
  canvas.fill(255);
  const [left, top, side] = d.box, r = d.pen / 2;
  const ink = new Float32Array(CANVAS * CANVAS);
  for (const stroke of d.strokes) {
    const pts = stroke.map(([x, y]) => [left + x * side, top + y * side]);
    for (let i = 0; i < pts.length; ++i) {
      if (i + 1 === pts.length && pts.length > 1) break;
      const [ax, ay] = pts[i], [bx, by] = pts[Math.min(i + 1, pts.length - 1)];
      const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
      const X0 = Math.max(0, Math.floor(Math.min(ax, bx) - r - 1)), X1 = Math.min(CANVAS - 1, Math.ceil(Math.max(ax, bx) + r + 1));
      const Y0 = Math.max(0, Math.floor(Math.min(ay, by) - r - 1)), Y1 = Math.min(CANVAS - 1, Math.ceil(Math.max(ay, by) + r + 1));
      for (let Y = Y0; Y <= Y1; ++Y) {
        for (let X = X0; X <= X1; ++X) {
          const px = X + 0.5, py = Y + 0.5;
          const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
          const cover = Math.min(1, Math.max(0, r + 0.5 - Math.hypot(px - ax - t * dx, py - ay - t * dy)));
          if (cover > ink[Y * CANVAS + X]) ink[Y * CANVAS + X] = cover;
        }
      }
    }
  }
  for (let i = 0; i < ink.length; ++i) {
    if (ink[i] > 0) canvas.fill(Math.round(255 * (1 - ink[i])), 4 * i, 4 * i + 3);
  }
}

// Accuracy of each style's digits: {name: {right, total}}, in the file's order.
function styleAccuracy(digits, Module, model, canvas) {
  const styles = {};
  for (const d of digits) {
    const name = d.writer.replace(/^style\//, "");
    styles[name] ??= { right: 0, total: 0 };
    drawStrokes(d, canvas);
    const input = Module.normalizeCanvas(canvas, CANVAS, CANVAS);
    const guess = input === null ? -1 : argmax(model.predict(input));
    styles[name].total += 1;
    styles[name].right += guess === d.label ? 1 : 0;
  }
  return styles;
}

const argmax = (p) => p.reduce((best, v, i) => (v > p[best] ? i : best), 0);

// PNG (RGBA, 8 bits, no interlace) in pure Node: signature, IHDR, IDAT (zlib), IEND.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const length = Buffer.alloc(4), crc = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function encodePng(rgba, width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);  // bit depth 8, colour type 6 (RGBA), deflate, filter 0, no interlace
  const raw = Buffer.alloc(height * (1 + width * 4));  // each row: filter byte 0 (none), then pixels
  for (let y = 0; y < height; ++y) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

async function loadModel(args) {
  if (!fs.existsSync(args.weights)) throw new Error(`--weights ${args.weights}: file not found`);
  const nn = await loadModule(args.site, "build the wasm preset or pass --site");
  // The file's bytes: the module tells a compact model (.nnm) from weights JSON by content.
  return { Module: nn, model: new nn.Model(fs.readFileSync(args.weights), { activation: args.activation }) };
}

async function main() {
  const site = await loadSite();
  ({ SIDE, CANVAS } = site.digit);
  BLOCK = CANVAS / SIDE;
  ({ mulberry32 } = site.random);
  const args = parseArgs(process.argv.slice(2));
  const mnistDir = path.resolve(process.env.MNIST_DIR || path.join(ROOT, "data/mnist"));
  const test = loadTestSet(mnistDir);
  const { Module, model } = await loadModel(args);
  const indices = pickIndices(test.total, args.count, args.seed, args.sample);
  if (args.examples) fs.mkdirSync(args.examples, { recursive: true });

  const rand = mulberry32(args.seed);
  const canvas = new Uint8ClampedArray(CANVAS * CANVAS * 4);
  const small = new Uint8ClampedArray(SIDE * SIDE * 4);
  const tally = () => ({ right: 0, total: 0 });
  const stats = { original: tally(), ours: tally(), buckets: BUCKETS.map(() => ({ original: tally(), ours: tally() })) };
  let oursMs = 0, empty = 0, skipped = 0;
  for (const [n, i] of indices.entries()) {
    const label = test.label(i);
    const size = drawDigit(test.image(i), rand, canvas);
    if (size === null) { ++skipped; continue; }  // no pixel >= 128: nothing a pencil would draw
    const original = argmax(model.predict(Module.originalInput(shrink(canvas, args.downscale, small))));
    const t0 = performance.now();
    const input = Module.normalizeCanvas(canvas, CANVAS, CANVAS);
    const probs = input === null ? null : model.predict(input);
    oursMs += performance.now() - t0;
    if (probs === null) ++empty;
    const ours = probs === null ? -1 : argmax(probs);
    const bucket = stats.buckets[BUCKETS.findIndex(([lo, hi]) => size >= lo && size < hi)];
    for (const [t, guess] of [[stats.original, original], [stats.ours, ours], [bucket.original, original], [bucket.ours, ours]]) {
      t.total += 1;
      t.right += guess === label ? 1 : 0;
    }
    if (args.examples && n < EXAMPLES) {
      const name = `drawn_${String(n).padStart(2, "0")}_label${label}_size${Math.round(size * 100)}_original${original}_ours${ours}.png`;
      fs.writeFileSync(path.join(args.examples, name), encodePng(canvas, CANVAS, CANVAS));
    }
  }
  const styles = args.styles ? styleAccuracy(readStyles(args.styles), Module, model, canvas) : null;
  model.delete();

  const acc = (t) => (t.total ? t.right / t.total : NaN);
  const pct = (t) => `${(100 * acc(t)).toFixed(2)} %`.padStart(8);
  const msPerPrediction = oursMs / Math.max(1, stats.ours.total);
  const summary = {
    weights: args.weights, count: stats.ours.total, skipped, seed: args.seed, sample: args.sample, downscale: args.downscale,
    original: { accuracy: acc(stats.original) }, ours: { accuracy: acc(stats.ours), empty, ms_per_prediction: msPerPrediction },
  };
  BUCKETS.forEach(([, , name], b) => {
    summary.original[name] = acc(stats.buckets[b].original);
    summary.ours[name] = acc(stats.buckets[b].ours);
  });
  if (styles) {
    const all = { right: 0, total: 0 };
    summary.styles = { file: args.styles };
    for (const [name, t] of Object.entries(styles)) {
      summary.styles[name] = { accuracy: acc(t), count: t.total };
      all.right += t.right;
      all.total += t.total;
    }
    summary.styles.all = { accuracy: acc(all), count: all.total };
  }
  if (args.json) {
    console.log(JSON.stringify(summary));
  } else {
    console.log(`drawn digits: ${summary.count} MNIST test digits redrawn on a ${CANVAS}x${CANVAS} canvas` +
      ` (seed ${args.seed}${args.sample ? ", random sample" : ", first digits"}${skipped ? `, ${skipped} blank skipped` : ""})`);
    console.log(`weights: ${args.weights}`);
    console.log(`                                   original page   ours`);
    console.log(`accuracy, all sizes                ${pct(stats.original)}        ${pct(stats.ours)}`);
    BUCKETS.forEach(([, , name], b) => {
      const { original, ours } = stats.buckets[b];
      console.log(`accuracy, size ${name} (n=${String(ours.total).padStart(5)})  ${pct(original)}        ${pct(ours)}`);
    });
    console.log(`original page: drawImage emulated by ${args.downscale === "box" ? "12x12 area averaging" : "2x2 bilinear sampling"}, red < 127 is ink`);
    console.log(`ours: normalizeCanvas + predict (336x336): ${msPerPrediction.toFixed(3)} ms per prediction (wasm, incl. copying the canvas)` +
      (empty ? `; ${empty} canvases seen as empty` : ""));
    if (styles) {
      console.log(`pen styles (${args.styles}), ours:`);
      for (const [name, t] of Object.entries(summary.styles)) {
        if (name !== "file") console.log(`  ${name.padEnd(14)} (n=${String(t.count).padStart(5)})  ${(100 * t.accuracy).toFixed(2).padStart(6)} %`);
      }
    }
  }
  if (args.minAccuracy !== null && !(acc(stats.ours) >= args.minAccuracy)) {
    console.error(`drawn_digits: our pipeline's accuracy ${(100 * acc(stats.ours)).toFixed(2)} % is below ` +
      `--min-accuracy ${(100 * args.minAccuracy).toFixed(2)} % (${args.weights}, ${summary.count} digits, seed ${args.seed})`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(`drawn_digits: error: ${e.message}`);
  process.exitCode = 2;
});
