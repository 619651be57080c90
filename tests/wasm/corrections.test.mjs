// Learning from corrections in the module (nn-train.js) and the page's recipe (site/js:
// recipe.js, style.js, training_set.js, reader.js):
// fine-tuning (frozen layers, distortions) gives native libnn's weights within float
// tolerance; a correction makes the corrected input read as its label; going back to the
// shipped parameters restores its outputs exactly; the person's style measured and taken
// out of what is learned and read; bad parameters are rejected.
//
//   node --test tests/wasm/corrections.test.mjs
// Environment: NN_SITE_DIR (default build/wasm/site), NN_NATIVE_BUILD (default build/release,
// with tests/native_fit).

import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadModule } from "../lib/node_nn.cjs";
import { INK_BOX, PIXELS, SIDE } from "../../site/js/digit.js";
import { drawingsToCsv } from "../../site/js/formats.js";
import { mulberry32 } from "../../site/js/random.js";
import { RECIPE } from "../../site/js/recipe.js";
import { accepts, geometricMean, nearest, read as pageRead, recall, sampleDistance } from "../../site/js/reader.js";
import { personStyle, restyle, shape, straightenInput } from "../../site/js/style.js";
import { adapt, trainingSet } from "../../site/js/training_set.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const SITE_DIR = path.resolve(process.env.NN_SITE_DIR || path.join(ROOT, "build/wasm/site"));
const NATIVE_FIT = path.resolve(process.env.NN_NATIVE_BUILD || path.join(ROOT, "build/release"), "tests/native_fit");
const SIZES = [PIXELS, 48, 24, 10];


// A random 784-48-24-10 network (Glorot-uniform weights, small biases) as weights JSON.
function randomWeightsJson(seed) {
  const rand = mulberry32(seed);
  const parts = [];
  for (let k = 0; k + 1 < SIZES.length; ++k) {
    const limit = Math.sqrt(6 / (SIZES[k] + SIZES[k + 1]));
    const W = Array.from({ length: SIZES[k] * SIZES[k + 1] }, () => ((2 * rand() - 1) * limit).toFixed(6));
    const b = Array.from({ length: SIZES[k + 1] }, () => ((rand() - 0.5) * 0.1).toFixed(6));
    parts.push(`"W${k}":[${W.join(",")}]`, `"b${k}":[${b.join(",")}]`);
  }
  return `{${parts.join(",")}}`;
}

// n "drawings": a few random strokes of ink (bytes 0..255) each, with labels 0..9.
function randomDrawings(n, seed) {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const pixels = new Uint8Array(PIXELS);
    const x0 = 4 + Math.floor(rand() * 16), y0 = 4 + Math.floor(rand() * 16);
    for (let s = 0; s < 40; ++s) {
      const x = Math.min(27, Math.max(0, x0 + Math.floor(rand() * 9) - 4));
      const y = Math.min(27, Math.max(0, y0 + Math.floor(rand() * 9) - 4));
      pixels[y * SIDE + x] = 128 + Math.floor(rand() * 128);
    }
    return { pixels, label: i % 10 };
  });
}

function inputsOf(drawings) {
  const inputs = new Float32Array(drawings.length * PIXELS);
  drawings.forEach((d, i) => inputs.set(Float32Array.from(d.pixels, (v) => v / 255), i * PIXELS));
  return inputs;
}

const argmax = (p) => p.reduce((best, v, i) => (v > p[best] ? i : best), 0);

// The flat parameters of a weights JSON, in the file's order.
const flatten = (json) => Object.values(JSON.parse(json)).flat();

let nn;
before(async () => {
  nn = await loadModule(SITE_DIR, "build the wasm preset or set NN_SITE_DIR", "nn-train");
});

describe("fine-tuning in the module against native libnn", { skip: fs.existsSync(NATIVE_FIT) ? false : `${NATIVE_FIT} not built` }, () => {
  const cases = [
    ["all layers", { learningRate: 0.01, batchSize: 8, epochs: 3, seed: 5, frozenLayers: 0 }],
    ["the first layer frozen, with distortions", {
      learningRate: 0.01, batchSize: 8, epochs: 3, seed: 7, frozenLayers: 1,
      augment: { maxShift: 1.5, maxRotation: 10, maxScale: 0, maxThickness: 0, elasticAlpha: 0 },
    }],
  ];
  for (const [what, options] of cases) {
    it(`gives native nn::fit's weights within 1e-5 (${what})`, () => {
      const json = randomWeightsJson(11);
      const drawings = randomDrawings(30, 12);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nn-fit-"));
      try {
        const weights = path.join(dir, "w.json"), csv = path.join(dir, "d.csv");
        fs.writeFileSync(weights, json);
        fs.writeFileSync(csv, drawingsToCsv(drawings));
        const args = [weights, csv, options.learningRate, options.batchSize, options.epochs, options.seed, options.frozenLayers];
        if (options.augment) args.push(options.augment.maxShift, options.augment.maxRotation);
        const native = flatten(execFileSync(NATIVE_FIT, args.map(String), { encoding: "utf8", maxBuffer: 1 << 26 }));

        const model = new nn.Model(json);
        const before = model.parameters();
        model.fit(inputsOf(drawings), drawings.map((d) => d.label), options);
        const ours = model.parameters();
        model.delete();
        assert.equal(ours.length, native.length);
        let worst = 0, changed = 0;
        for (let i = 0; i < ours.length; ++i) {
          worst = Math.max(worst, Math.abs(ours[i] - native[i]));
          changed += ours[i] !== before[i];
        }
        assert.ok(worst < 1e-5, `max |wasm - native| = ${worst}`);
        assert.ok(changed > 1000, `only ${changed} parameters changed: no real training compared`);
        if (options.frozenLayers) {
          const first = SIZES[0] * SIZES[1] + SIZES[1];
          for (let i = 0; i < first; ++i) assert.equal(ours[i], before[i], `frozen parameter ${i} changed`);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("the page's corrections (site/js)", () => {
  const json = randomWeightsJson(21);
  const sample = (() => {
    const drawings = randomDrawings(60, 22);
    const pixels = new Uint8Array(60 * PIXELS);
    drawings.forEach((d, i) => pixels.set(d.pixels, i * PIXELS));
    return { pixels, labels: Uint8Array.from(drawings, (d) => d.label) };
  })();
  const recipe = { ...RECIPE, replay: 40 };

  it("a correction makes the corrected input read as its label, by the network alone too", () => {
    const model = new nn.Model(json);
    const shipped = model.parameters();
    const [drawing] = randomDrawings(1, 23);
    const input = Float32Array.from(drawing.pixels, (v) => v / 255);
    const guess = argmax(model.predict(input));
    const label = (guess + 3) % 10;  // a digit the model does not read there
    // The page: the recipe, then its reading (the adapted and shipped networks, the memory).
    const corrected = [{ pixels: drawing.pixels, label }];
    const shippedModel = new nn.Model(json);
    const { style } = adapt(model, shipped, corrected, sample, recipe);
    assert.equal(argmax(pageRead(shippedModel, model, corrected, input, { style })), label);
    // The network alone, on the drawing as it learned it (the memory reads the drawing itself).
    assert.equal(argmax(model.predict(style ? straightenInput(input, style) : input)), label);
    shippedModel.delete();
    // The network alone, trained on it for longer.
    model.setParameters(shipped);
    model.fit(input, [label], { learningRate: 0.01, batchSize: 1, epochs: 20, frozenLayers: 1 });
    assert.equal(argmax(model.predict(input)), label, "the network did not learn the correction");
    model.delete();
  });

  it("forgetting (no drawings) restores the shipped model's exact outputs", () => {
    const model = new nn.Model(json);
    const shippedModel = new nn.Model(json);
    const shipped = model.parameters();
    const drawings = randomDrawings(5, 24);
    const inputs = drawings.map((d) => Float32Array.from(d.pixels, (v) => v / 255));
    adapt(model, shipped, drawings, sample, recipe);
    assert.notDeepEqual(model.predict(inputs[0]), shippedModel.predict(inputs[0]));
    adapt(model, shipped, [], sample, recipe);
    for (const x of inputs) assert.deepEqual(model.predict(x), shippedModel.predict(x));
    assert.deepEqual(model.parameters(), shipped);
    model.delete();
    shippedModel.delete();
  });

  it("is deterministic: the same drawings give the same model (what a reload rebuilds)", () => {
    const a = new nn.Model(json), b = new nn.Model(json);
    const shipped = a.parameters();
    const drawings = randomDrawings(4, 25);
    adapt(a, shipped, drawings, sample, recipe);
    adapt(b, shipped, drawings, sample, recipe);
    assert.deepEqual(a.parameters(), b.parameters());
    a.delete();
    b.delete();
  });

  it("accepted drawings: the latest RECIPE.accepted, once each, in place of as many replayed digits", () => {
    const drawings = randomDrawings(3, 41);
    const accepted = randomDrawings(7, 42);
    const small = { ...recipe, replay: 10, accepted: 5, straighten: false };
    const { inputs, labels, accepted: learned } = trainingSet(drawings, sample, small, accepted);
    assert.equal(learned, 5);
    const rows = inputs.length / PIXELS;
    assert.equal(rows, drawings.length * small.copies + 10, "the accepted drawings replace replayed ones");
    const row = (r) => Array.from(inputs.subarray(r * PIXELS, (r + 1) * PIXELS), (v) => Math.round(v * 255));
    const first = drawings.length * small.copies;
    for (let k = 0; k < 5; ++k) {
      assert.deepEqual(row(first + k), Array.from(accepted[2 + k].pixels), `accepted row ${k}: the latest five, in order`);
      assert.equal(labels[first + k], accepted[2 + k].label);
    }
    // More accepted drawings than replayed digits: no replay at all, never a negative count.
    assert.equal(trainingSet(drawings, sample, { ...small, replay: 3 }, accepted).labels.length, first + 5);
    // Off (accepted: 0): the whole replay, none of the accepted drawings.
    const off = trainingSet(drawings, sample, { ...small, accepted: 0 }, accepted);
    assert.equal(off.labels.length, first + 10);
    for (let r = first; r < first + 10; ++r) {
      const pixels = off.inputs.subarray(r * PIXELS, (r + 1) * PIXELS);
      assert.ok(!accepted.some((d) => d.pixels.every((v, i) => Math.abs(v / 255 - pixels[i]) < 1e-6)), `row ${r} is an accepted drawing`);
    }
    // Accepted drawings alone (no correction) leave the shipped model as it is.
    const model = new nn.Model(json);
    const shipped = model.parameters();
    adapt(model, shipped, [], sample, recipe, accepted);
    assert.deepEqual(model.parameters(), shipped);
    // ...and with a correction they change what is learned.
    adapt(model, shipped, drawings, sample, recipe);
    const without = model.parameters();
    adapt(model, shipped, drawings, sample, recipe, accepted);
    assert.notDeepEqual(model.parameters(), without);
    model.delete();
  });

  it("accepts a guess only when sure", () => {
    const sure = Float32Array.from({ length: 10 }, (_, i) => (i === 4 ? 0.955 : 0.005));
    assert.equal(accepts(sure), 4);
    const unsure = Float32Array.from({ length: 10 }, (_, i) => (i === 4 ? RECIPE.acceptConfidence - 0.01 : 0.01));
    assert.equal(accepts(unsure), -1);
  });

  // A network that always answers `p`.
  const answering = (p) => ({ predict: () => p });

  it("reads with the adapted network what looks like the corrected drawings, with both what looks like MNIST", () => {
    const [d] = randomDrawings(1, 27);
    const ps = Float32Array.from({ length: 10 }, (_, i) => (i === 3 ? 0.91 : 0.01));
    const pa = Float32Array.from({ length: 10 }, (_, i) => (i === 7 ? 0.82 : 0.02));
    const read = (drawings, input, sample) => pageRead(answering(ps), answering(pa), drawings, input, { sample });
    const close = (a, b) => a.every((v, i) => Math.abs(v - b[i]) < 1e-6);
    const { farWeight } = RECIPE.read;
    const shared = geometricMean(pa, ps, farWeight);
    assert.equal(argmax(shared), 3, "far from the corrections, the shipped network's surer 3 wins");
    const toInput = (pixels) => Float32Array.from(pixels, (v) => v / 255);
    // "MNIST": one digit of 200 pixels of ink in the top rows (far from d: at most 40 of
    // its pixels where d has ink).
    const mnistDigit = Uint8Array.from({ length: PIXELS }, (_, i) => (i < 200 ? 255 : 0));
    const sample = { pixels: mnistDigit, labels: Uint8Array.of(4) };
    // No drawings: the network as it is (the shipped one).
    assert.ok(close(read([], toInput(d.pixels), sample), pa));
    // 16 pixels of the corrected drawing changed by 0.75: distance 3 from it, past the
    // memory's reach (1.5), much farther from the sample: the adapted network answers.
    const near = toInput(d.pixels);
    for (let i = 0; i < 16; ++i) near[i * 49] = near[i * 49] > 0.5 ? near[i * 49] - 0.75 : near[i * 49] + 0.75;
    assert.ok(Math.abs(nearest([d], near).distance - 3) < 1e-6);
    assert.ok(sampleDistance(sample, near) > 10);
    assert.ok(close(read([d], near, sample), pa));
    // Without the sample (not loaded yet) the same drawing counts as far: both answer.
    assert.ok(close(read([d], near, null), shared));
    // The sample's digit, slightly changed: like MNIST, far from d: both answer.
    const likeMnist = toInput(mnistDigit);
    likeMnist[0] = 0.5;
    assert.ok(close(read([d], likeMnist, sample), shared));
    // The corrected drawing itself: the memory gives its label.
    assert.equal(argmax(read([d], toInput(d.pixels), sample)), d.label);
  });

  it("the adapted network reads the drawing straightened when the shipped one is surer of it so", () => {
    const [d] = ellipses(1, 35);
    const style = { slant: 0.4, aspect: 0.1 };
    const drawn = Float32Array.from(restyle(d.pixels, style), (v) => v / 255);
    const straight = straightenInput(drawn, style);
    const isStraight = (x) => x.every((v, i) => v === straight[i]);
    const one = (digit, p) => Float32Array.from({ length: 10 }, (_, i) => (i === digit ? p : (1 - p) / 9));
    // The adapted network: a 5 straightened, a 6 as drawn.
    const adapted = { predict: (x) => (isStraight(x) ? one(5, 0.9) : one(6, 0.9)) };
    // Far from the corrected drawing, no sample: the adapted network counts with farWeight,
    // against a shipped network that hesitates between all ten digits.
    const corrected = [{ pixels: new Uint8Array(PIXELS).fill(255), label: 0 }];
    const shippedBy = (straightP, drawnP) => ({ predict: (x) => (isStraight(x) ? one(1, straightP) : one(1, drawnP)) });
    const read = (shipped, s = style) => pageRead(shipped, adapted, corrected, drawn, { style: s });
    // (The shipped network gives 5 and 6 the same: their ratio is the adapted network's,
    // 0.9 / 0.011 when it reads one way, to the power farWeight: about 3.7.)
    const fiveOverSix = (p) => p[5] / p[6];
    // The shipped network much surer of the straightened drawing: the adapted one reads that.
    assert.ok(fiveOverSix(read(shippedBy(0.99, 0.2))) > 3);
    // Surer of the drawing as drawn: the adapted network reads it as drawn.
    assert.ok(fiveOverSix(read(shippedBy(0.2, 0.99))) < 1 / 3);
    // No style (nothing learned yet): as drawn.
    assert.ok(fiveOverSix(read(shippedBy(0.99, 0.2), null)) < 1 / 3);
  });

  // Upright "digits": an ellipse per class (radii by class), drawn as a 2-pixel ring.
  function ellipses(n, seed) {
    const rand = mulberry32(seed);
    return Array.from({ length: n }, (_, i) => {
      const label = i % 10, rx = 3 + (label % 4) + rand(), ry = 6 + (label % 3) + rand();
      const pixels = new Uint8Array(PIXELS);
      for (let y = 0; y < SIDE; ++y) {
        for (let x = 0; x < SIDE; ++x) {
          const r = Math.hypot((x - 13.5) / rx, (y - 13.5) / ry);
          if (Math.abs(r - 1) * Math.min(rx, ry) < 1) pixels[y * SIDE + x] = 255;
        }
      }
      return { pixels, label };
    });
  }

  it("restyles a digit: its slant and its width change as asked, its ink stays in MNIST's 20x20 box", () => {
    const [digit] = ellipses(1, 31);
    const before = shape(digit.pixels);
    assert.ok(Math.abs(before.slant) < 0.01, `an upright ellipse has slant ${before.slant}`);
    for (const style of [{ slant: 0.4, aspect: 0 }, { slant: -0.3, aspect: 0.25 }, { slant: 0, aspect: -0.3 }]) {
      const out = restyle(digit.pixels, style, new Uint8Array(PIXELS));
      const after = shape(out);
      assert.ok(Math.abs(after.slant - before.slant - style.slant) < 0.05, `${JSON.stringify(style)}: slant ${after.slant}`);
      const aspect = Math.log(after.width / after.height) - Math.log(before.width / before.height);
      assert.ok(Math.abs(aspect - style.aspect) < 0.06, `${JSON.stringify(style)}: log(width / height) changed by ${aspect}`);
      let x0 = SIDE, x1 = -1, y0 = SIDE, y1 = -1;
      out.forEach((v, k) => {
        if (v < RECIPE.style.ink) return;
        x0 = Math.min(x0, k % SIDE); x1 = Math.max(x1, k % SIDE);
        y0 = Math.min(y0, Math.floor(k / SIDE)); y1 = Math.max(y1, Math.floor(k / SIDE));
      });
      assert.ok(x1 - x0 < INK_BOX + 1 && y1 - y0 < INK_BOX + 1, `${JSON.stringify(style)}: ink box ${x1 - x0 + 1}x${y1 - y0 + 1}`);
    }
  });

  it("measures how a person writes against the sample, and learns their drawings straightened", () => {
    const upright = ellipses(100, 32);
    const sample = { pixels: new Uint8Array(100 * PIXELS), labels: Uint8Array.from(upright, (d) => d.label) };
    upright.forEach((d, i) => sample.pixels.set(d.pixels, i * PIXELS));
    const hand = { slant: 0.35, aspect: -0.2 };
    const drawings = ellipses(12, 33).map((d) => ({ pixels: restyle(d.pixels, hand, new Uint8Array(PIXELS)), label: d.label }));
    const style = personStyle(drawings, sample);
    assert.ok(Math.abs(style.slant - hand.slant) < 0.05 && Math.abs(style.aspect - hand.aspect) < 0.06, JSON.stringify(style));
    assert.equal(personStyle([], sample), null);
    // A hand beyond MNIST's own range is restyled only as far as RECIPE.style allows.
    const extreme = ellipses(12, 34).map((d) => ({ pixels: restyle(d.pixels, { slant: -0.9, aspect: 0.6 }, new Uint8Array(PIXELS)), label: d.label }));
    assert.deepEqual(personStyle(extreme, sample), { slant: -RECIPE.style.maxSlant, aspect: RECIPE.style.maxAspect });
    // One adaptation learns the person's drawings upright (straightened by the style it
    // returns), the sample's digits as they are; without straighten, the drawings as drawn.
    const slants = (recipe) => {
      const { inputs, style: learned } = trainingSet(drawings, sample, { ...recipe, replay: 30 });
      const mean = (from, to) => {
        let sum = 0;
        for (let r = from; r < to; ++r) sum += shape(inputs, r * PIXELS).slant;
        return sum / (to - from);
      };
      const own = drawings.length * recipe.copies;
      return { own: mean(0, own), replay: mean(own, inputs.length / PIXELS), learned };
    };
    const straightened = slants(RECIPE);
    assert.deepEqual(straightened.learned, style);
    assert.ok(Math.abs(straightened.own) < 0.05, `straightened: ${straightened.own}`);
    assert.ok(Math.abs(straightened.replay) < 0.01, `replay: ${straightened.replay}`);
    const asDrawn = slants({ ...RECIPE, straighten: false });
    assert.equal(asDrawn.learned, null);
    assert.ok(Math.abs(asDrawn.own - hand.slant) < 0.05, `as drawn: ${asDrawn.own}`);
    // The kept accepted drawings (the latest RECIPE.accepted) count in the style, and are
    // learned straightened too: 3 corrected drawings in the hand, then 20 accepted ones
    // leaning the other way of which only the latest 15 are kept, 5 more in the hand first.
    const other = { slant: -0.3, aspect: 0.15 };
    const inHand = (n, seed, h) => ellipses(n, seed).map((d) => ({ pixels: restyle(d.pixels, h), label: d.label }));
    const few = inHand(3, 36, hand);
    const accepted = [...inHand(5, 37, hand), ...inHand(15, 38, other)];
    const mixed = { ...RECIPE, accepted: 15, replay: 20 };
    const set = trainingSet(few, sample, mixed, accepted);
    assert.equal(set.accepted, 15);
    assert.ok(Math.abs(set.style.slant - other.slant) < 0.05 && Math.abs(set.style.aspect - other.aspect) < 0.06,
      `the style of 3 + 15 drawings, 15 of them leaning ${other.slant}: ${JSON.stringify(set.style)}`);
    const first = few.length * mixed.copies;
    for (let r = first; r < first + 15; ++r) {
      const slant = shape(set.inputs, r * PIXELS).slant;
      assert.ok(Math.abs(slant) < 0.05, `accepted row ${r - first}: slant ${slant}, not straightened`);
    }
  });

  it("the memory answers only for drawings close to a corrected one", () => {
    const [d, other] = randomDrawings(2, 26);
    const input = Float32Array.from(d.pixels, (v) => v / 255);
    const memory = recall([d], input);
    assert.equal(memory.label, d.label);
    assert.ok(memory.weight > 0.999, `weight ${memory.weight} for the corrected drawing itself`);
    assert.equal(recall([d], Float32Array.from(other.pixels, (v) => v / 255)), null);
  });
});

describe("parameters and bad inputs", () => {
  const json = randomWeightsJson(31);
  const bad = [
    ["setParameters with too few", (m) => m.setParameters(new Float32Array(10)), /expected 39106 parameters, got 10/],
    ["setParameters with a NaN", (m) => m.setParameters(Float32Array.from(m.parameters(), (v, i) => (i === 7 ? NaN : v))), /parameter 7 is not a finite number/],
    ["setParameters with a string", (m) => m.setParameters("x"), /expected the parameters as a Float32Array, got a string/],
    ["fit with every layer frozen", (m) => m.fit(new Float32Array(PIXELS), [1], { frozenLayers: 3 }), /3 frozen layers, expected 0 to 2/],
    ["fit with a negative frozenLayers", (m) => m.fit(new Float32Array(PIXELS), [1], { frozenLayers: -1 }), /frozen layers must be 0 or more, got -1/],
    ["fit with a bad augment", (m) => m.fit(new Float32Array(PIXELS), [1], { augment: 3 }), /options.augment: expected true, false or an object, got a number/],
    ["fit with a negative shift", (m) => m.fit(new Float32Array(PIXELS), [1], { augment: { maxShift: -1 } }), /shift/],
    ["fit with a label outside 0-9", (m) => m.fit(new Float32Array(PIXELS), [10]), /label 0: expected a whole number from 0 to 9, got 10/],
    ["fit with a NaN input", (m) => m.fit(new Float32Array(PIXELS).fill(NaN), [1]), /expected a number in \[0, 1\], got nan/],
    ["fit with the wrong length", (m) => m.fit(new Float32Array(PIXELS - 1), [1]), /expected 1 samples of 784 inputs/],
  ];
  for (const [what, call, message] of bad) {
    it(`rejects ${what} with an Error and leaves the model unchanged`, () => {
      const model = new nn.Model(json);
      const before = model.parameters();
      assert.throws(() => call(model), (e) => e instanceof Error && message.test(e.message));
      assert.deepEqual(model.parameters(), before);
      model.delete();
    });
  }

  it("parameters() come in the weights file's order and setParameters() takes them back", () => {
    const model = new nn.Model(json);
    const p = model.parameters();
    assert.deepEqual(Array.from(p), flatten(json).map((v) => Math.fround(v)));
    const doubled = Float32Array.from(p, (v) => 2 * v);
    model.setParameters(doubled);
    assert.deepEqual(model.parameters(), doubled);
    model.delete();
  });
});
