// adapt.js: how the page adapts the shipped model to a person's corrected drawings,
// with the module's Model.fit (libnn's own training, compiled to WebAssembly). Used by
// the page's worker (learner.worker.js, importScripts) and by bench/personal.cjs
// (require), so the benchmark measures exactly what the page does.
//
// The recipe, measured by bench/personal.cjs (README, "Learning from corrections"):
//   - Always from the shipped model: every adaptation starts from its weights and trains
//     on all the corrected (and accepted) drawings so far. The result depends only on the
//     drawings (the seed is the count of corrected ones), so a reload rebuilds it from the
//     stored drawings (with the drawings accepted since, which the page learns from at the
//     next correction: accepting alone does not adapt again).
//   - The first layer (784 x 500, 68 % of the weights) stays as shipped: its strokes
//     detectors serve every handwriting; the layers above learn the person's shapes.
//     Freezing it halves the forgetting and the time.
//   - Reading (read): the adapted network reads a drawing straightened and as drawn, the
//     straightened reading counting the more, the more it makes the drawing look like
//     MNIST to the shipped network (the person's drawings do; everyone else's do not).
//     A drawing more like the person's corrected drawings than like MNIST's sample is then
//     read by the adapted network; one more like MNIST's by both networks, which keeps
//     MNIST's digits read as the shipped model reads them (a person's 7 with a bar, once
//     learned, costs some of MNIST's 9s in the adapted network alone).
//   - A memory (recall, withMemory): a drawing nearly identical to a corrected one is read
//     as corrected, so the drawing on the canvas reads right at once after a correction.
//   - Each drawing COPIES times, distorted a little every epoch (shift, turn, size, pen),
//     mixed with REPLAY digits drawn from a small sample of MNIST (fetched at the first
//     correction), so that the model keeps reading everyone else's digits.
//   - The drawings the person let stand (accepted: a confident guess they did not
//     correct) take the place of as many replayed digits, once each: the person's own
//     digits that the page already reads right. Without them, a habit learned
//     from corrections spills over (a barred 7, once learned, takes some of that
//     person's 9s); with them the network learns where their 7s end and their 9s begin.
//   - The person's drawings straightened (straighten): a person's digits lean and are as
//     narrow or wide as each other, whatever the digit. The page measures how much their
//     drawings (corrected, and the latest accepted) lean and how wide they are against
//     MNIST's digits of the same class (personStyle), and takes that lean and width out
//     of each of their drawings before it learns from it, and out of each drawing it
//     reads: the network then sees their digits in MNIST's slant and width, which it
//     already knows, and learns only what differs beyond that (a bar on a 7, an open 4).
//
// Shapes: a drawing is {pixels: Uint8Array(784), label}, pixels 0..255 (ink = 255),
// row-major 28x28, what store.js keeps and the CSV download holds.
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.nnAdapt = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  const PIXELS = 784;

  const RECIPE = Object.freeze({
    copies: 4,    // each corrected drawing, this many times per epoch
    replay: 384,  // MNIST digits mixed in, drawn afresh from the sample for each adaptation
    accepted: 200, // the latest accepted drawings, in place of as many replayed digits
    straighten: true, // the person's drawings learned and read in MNIST's slant and width (personStyle)
    fit: Object.freeze({
      learningRate: 0.002,
      batchSize: 16,
      epochs: 5,
      frozenLayers: 1,
      augment: Object.freeze({
        maxShift: 1, maxRotation: 8, maxScale: 0.08, maxThickness: 0.3, elasticAlpha: 0,
      }),
    }),
    // How a drawing is read once adapted (read()): near and far are ratios of distances;
    // sureness, the scale (nats) of the logistic over how much surer the shipped network is
    // of the straightened drawing than of it as drawn (its entropies' difference): at 0
    // the adapted network's two readings count equally, at +0.2 nats 0.73 to 0.27.
    read: Object.freeze({ near: 0.9, far: 1.2, nearWeight: 1, farWeight: 0.3, sureness: 0.2 }),
  });

  // mulberry32: a small seeded PRNG, uniform in [0, 1) (also the benchmarks' and tests').
  function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
  }

  /**
   * The replay sample from its CSV text (the original's format: a header, then
   * label,p0..p783 with pixels 0..255): {pixels: Uint8Array(n * 784), labels: Uint8Array(n)}.
   */
  function parseSample(text, source) {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    if (lines.length < 2) throw new Error(`${source}: expected a header and at least one row`);
    const n = lines.length - 1;
    const pixels = new Uint8Array(n * PIXELS);
    const labels = new Uint8Array(n);
    for (let r = 0; r < n; r++) {
      const cells = lines[r + 1].split(',');
      if (cells.length !== PIXELS + 1) {
        throw new Error(`${source}:${r + 2}: expected ${PIXELS + 1} columns, got ${cells.length}`);
      }
      for (let c = 0; c <= PIXELS; c++) {
        const v = Number(cells[c]);
        const max = c === 0 ? 9 : 255;
        if (!Number.isInteger(v) || v < 0 || v > max) {
          throw new Error(`${source}:${r + 2}: column ${c + 1}: expected an integer from 0 to ${max}, got '${cells[c]}'`);
        }
        if (c === 0) labels[r] = v;
        else pixels[r * PIXELS + c - 1] = v;
      }
    }
    return { pixels, labels };
  }

  /**
   * What one adaptation trains on: every corrected drawing RECIPE.copies times, the latest
   * RECIPE.accepted accepted drawings once, then as many digits of the sample as make up
   * RECIPE.replay with them, chosen by a PRNG seeded with the number of corrected
   * drawings. When RECIPE.straighten, the person's drawings straightened by their style
   * (personStyle of the corrected and the kept accepted drawings); the sample as it is.
   * @returns {{inputs: Float32Array, labels: Uint8Array, style: ?{slant, aspect}, accepted: number}}
   *   inputs n x 784 in [0, 1]; style, the person's (null when not straightening);
   *   accepted, how many accepted drawings are in it
   */
  function trainingSet(drawings, sample, recipe = RECIPE, accepted = []) {
    const sampleSize = sample.labels.length;
    const kept = recipe.accepted > 0 ? accepted.slice(-recipe.accepted) : [];
    const replay = Math.max(0, recipe.replay - kept.length);
    const n = drawings.length * recipe.copies + kept.length + replay;
    const inputs = new Float32Array(n * PIXELS);
    const labels = new Uint8Array(n);
    let row = 0;
    const put = (pixels, label) => {
      for (let i = 0; i < PIXELS; i++) inputs[row * PIXELS + i] = pixels[i] / 255;
      labels[row++] = label;
    };
    const style = recipe.straighten ? personStyle(drawings.concat(kept), sample) : null;
    const own = style ? (d) => ({ pixels: straighten(d.pixels, style), label: d.label }) : (d) => d;
    const corrected = drawings.map(own);
    for (let c = 0; c < recipe.copies; c++) {
      for (const d of corrected) put(d.pixels, d.label);
    }
    for (const d of kept.map(own)) put(d.pixels, d.label);
    const rand = mulberry32(drawings.length);
    for (let r = 0; r < replay; r++) {
      const j = Math.floor(rand() * sampleSize);
      put(sample.pixels.subarray(j * PIXELS, (j + 1) * PIXELS), sample.labels[j]);
    }
    return { inputs, labels, style, accepted: kept.length };
  }

  const SIDE = 28;

  /**
   * The shape of a 28x28 digit from its ink's moments: the centre of mass (cx, cy), the
   * slant (x moved per pixel down: the ink's covariance of x and y over its variance of
   * y), the width once the slant is taken out and the height (standard deviations, px).
   * Null for a blank digit. `offset`: where the digit starts in `pixels`.
   */
  function shape(pixels, offset = 0) {
    let mass = 0, sx = 0, sy = 0;
    for (let y = 0, k = offset; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++, k++) {
        mass += pixels[k];
        sx += pixels[k] * x;
        sy += pixels[k] * y;
      }
    }
    if (mass === 0) return null;
    const cx = sx / mass, cy = sy / mass;
    let xx = 0, xy = 0, yy = 0;
    for (let y = 0, k = offset; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++, k++) {
        const dx = x - cx, dy = y - cy;
        xx += pixels[k] * dx * dx;
        xy += pixels[k] * dx * dy;
        yy += pixels[k] * dy * dy;
      }
    }
    const slant = yy > 0 ? xy / yy : 0;
    return { cx, cy, slant, width: Math.sqrt(Math.max(1e-6, (xx - slant * xy) / mass)), height: Math.sqrt(Math.max(1e-6, yy / mass)) };
  }

  // Per sample (computed once): the mean slant and log(width / height) of its digits by class.
  const classShapes = new WeakMap();
  function sampleShapes(sample) {
    let shapes = classShapes.get(sample);
    if (shapes) return shapes;
    const slant = new Float64Array(10), aspect = new Float64Array(10), count = new Float64Array(10);
    for (let j = 0; j < sample.labels.length; j++) {
      const s = shape(sample.pixels, j * PIXELS);
      if (!s) continue;
      const label = sample.labels[j];
      slant[label] += s.slant;
      aspect[label] += Math.log(s.width / s.height);
      count[label]++;
    }
    for (let l = 0; l < 10; l++) {
      slant[l] /= Math.max(1, count[l]);
      aspect[l] /= Math.max(1, count[l]);
    }
    shapes = { slant, aspect };
    classShapes.set(sample, shapes);
    return shapes;
  }

  const median = (values) => {
    const v = [...values].sort((a, b) => a - b);
    const h = v.length >> 1;
    return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
  };

  // How far a person's style is taken out (the limits measured when the page slanted the
  // replay into the person's hand instead, kept unchanged). Widths: about the 5th to 95th
  // percentiles of MNIST's own digits around their class's mean (the replay sample:
  // log(width / height) -0.41 to 0.39). Slants: as far as people lean (MNIST's own: -0.45
  // to 0.47); the strongly slanted gain the most.
  const STYLE_LIMIT = Object.freeze({ slant: 0.75, aspect: 0.4 });
  const clamp = (v, limit) => Math.min(limit, Math.max(-limit, v));

  /**
   * How the person writes against MNIST: {slant, aspect}, the medians over their drawings
   * of (a drawing's slant - the mean slant of the sample's digits of its class) and the
   * same for log(width / height), each within STYLE_LIMIT. Null without a (non-blank) drawing.
   */
  function personStyle(drawings, sample) {
    const mean = sampleShapes(sample);
    const slants = [], aspects = [];
    for (const d of drawings) {
      const s = shape(d.pixels);
      if (!s) continue;
      slants.push(s.slant - mean.slant[d.label]);
      aspects.push(Math.log(s.width / s.height) - mean.aspect[d.label]);
    }
    if (!slants.length) return null;
    return { slant: clamp(median(slants), STYLE_LIMIT.slant), aspect: clamp(median(aspects), STYLE_LIMIT.aspect) };
  }

  /**
   * `digit` (784 bytes) in the style: slanted by style.slant more and exp(style.aspect)
   * times as wide, about its centre of mass; then shrunk, if it has to be, so that its ink
   * fits MNIST's 20x20 box again. Bilinear. Written into `out` (784 bytes), returned.
   */
  function restyle(digit, style, out = new Uint8Array(PIXELS)) {
    const s = shape(digit);
    out.fill(0);
    if (!s) return out;
    // Forward: x' = cx + wide (x - cx + shear (y - cy)), y' = y; its slant is then the
    // digit's plus style.slant.
    const wide = Math.exp(style.aspect);
    const shear = (s.slant + style.slant) / wide - s.slant;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let y = 0, k = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++, k++) {
        if (digit[k] < 64) continue;
        const xs = s.cx + wide * (x - s.cx + shear * (y - s.cy));
        x0 = Math.min(x0, xs);
        x1 = Math.max(x1, xs);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
    const fit = x0 > x1 ? 1 : Math.min(1, 20 / Math.max(x1 - x0 + 1, y1 - y0 + 1));
    const at = (x, y) => (x < 0 || y < 0 || x >= SIDE || y >= SIDE ? 0 : digit[y * SIDE + x]);
    for (let yo = 0, k = 0; yo < SIDE; yo++) {
      const y = s.cy + (yo - s.cy) / fit;
      for (let xo = 0; xo < SIDE; xo++, k++) {
        const x = s.cx + (xo - s.cx) / (fit * wide) - shear * (y - s.cy);
        const xi = Math.floor(x), yi = Math.floor(y), fx = x - xi, fy = y - yi;
        out[k] = Math.round((1 - fy) * ((1 - fx) * at(xi, yi) + fx * at(xi + 1, yi)) +
          fy * ((1 - fx) * at(xi, yi + 1) + fx * at(xi + 1, yi + 1)));
      }
    }
    return out;
  }

  /** A person's drawing (784 bytes) with their style taken out: restyle by the opposite. */
  function straighten(pixels, style, out = new Uint8Array(PIXELS)) {
    return restyle(pixels, { slant: -style.slant, aspect: -style.aspect }, out);
  }

  /** The same for a network input (784 values in [0, 1]), as the adapted network reads it. */
  function straightenInput(input, style) {
    return Float32Array.from(straighten(toBytes(input), style), (v) => v / 255);
  }

  /**
   * Adapts `model` (a Module.Model) to the corrected drawings (and the accepted ones):
   * back to the shipped parameters, then Model.fit on trainingSet(). With no corrected
   * drawings the model is the shipped one.
   * @returns {{style: ?{slant, aspect}, accepted: number}} the person's style, taken out of
   *   the drawings the model learned (read() takes it out too; null when not straightening),
   *   and how many accepted drawings it learned from
   */
  function adapt(model, shippedParameters, drawings, sample, recipe = RECIPE, accepted = []) {
    model.setParameters(shippedParameters);
    if (drawings.length === 0) return { style: null, accepted: 0 };
    const { inputs, labels, style, accepted: learned } = trainingSet(drawings, sample, recipe, accepted);
    model.fit(inputs, labels, { ...recipe.fit, seed: drawings.length });
    return { style, accepted: learned };
  }

  // How sure a guess must be for a drawing cleared without a correction to be accepted
  // as read right (a guess the person let stand may still be wrong: the surer, the less
  // likely; a scribble is seldom this sure).
  const ACCEPT_CONFIDENCE = 0.9;

  /** The digit a drawing with these probabilities is accepted as, or -1 if not sure enough. */
  function accepts(probabilities) {
    let best = 0;
    for (let d = 1; d < probabilities.length; d++) if (probabilities[d] > probabilities[best]) best = d;
    return probabilities[best] >= ACCEPT_CONFIDENCE ? best : -1;
  }

  /** The corrected drawing nearest to `input` (L2 distance of the 784 inputs in [0, 1]). */
  function nearest(drawings, input) {
    let best = null;
    let bestSq = Infinity;
    for (const d of drawings) {
      let sq = 0;
      for (let i = 0; i < PIXELS && sq < bestSq; i++) {
        const e = d.pixels[i] / 255 - input[i];
        sq += e * e;
      }
      if (sq < bestSq) {
        bestSq = sq;
        best = d;
      }
    }
    return best && { drawing: best, distance: Math.sqrt(bestSq) };
  }

  // A memory of the corrected drawings: a drawing this close to one of them (two different
  // drawings of a digit are 5 to 10 apart) is read as that one was corrected, so a
  // corrected drawing reads right at once even where the network alone still hesitates.
  // MNIST's digits are never this close to a person's.
  const RECALL_DISTANCE = 1.5;

  /** {label, weight in (0, 1]} of the nearest corrected drawing within RECALL_DISTANCE, or null. */
  function recall(drawings, input, near = nearest(drawings, input)) {
    if (!near || near.distance >= RECALL_DISTANCE) return null;
    return { label: near.drawing.label, weight: 1 - near.distance / RECALL_DISTANCE };
  }

  /** The probabilities blended with the memory's answer (recall) when there is one. */
  function withMemory(probabilities, drawings, input, near = nearest(drawings, input)) {
    const memory = recall(drawings, input, near);
    if (!memory) return probabilities;
    const out = Float32Array.from(probabilities, (p) => (1 - memory.weight) * p);
    out[memory.label] += memory.weight;
    return out;
  }

  /**
   * How the page reads a drawing once it has learned from corrections. `shipped` and
   * `adapted`: the two networks (Module.Model, or anything with predict(input) giving 10
   * probabilities). Options: style, the one adapt() returned with the adapted network's
   * parameters (null: none); recipe; sample, the replay sample (null: not loaded yet);
   * adaptedAsDrawn, the adapted network's probabilities for `input` when already known.
   *
   * The adapted network reads the drawing straightened by the person's style, as it learned
   * their drawings, and as drawn, mixed (a weighted geometric mean) by how much surer the
   * shipped network is of the straightened one (the difference of its entropies, over
   * recipe.read.sureness, through a logistic): the person's drawings look more like MNIST
   * once straightened, MNIST's own digits less.
   *
   * Then the adapted and the shipped networks are mixed by whether the drawing looks more
   * like the person's corrected drawings or like MNIST's digits (the replay sample). The
   * measure is r = (distance to the nearest corrected drawing) / (distance to the nearest
   * sample digit). Below recipe.read.near the drawing is the person's handwriting, which
   * the adapted network learned: it answers (nearWeight). Beyond far the drawing is more
   * like everyone else's digits, which the adapted network knows less well than the
   * shipped one (learning a 7 with a bar costs some of MNIST's 9s): both count, the
   * adapted one farWeight. In between, a ramp. The mix is a weighted geometric mean
   * (p ~ adapted^w shipped^(1-w)): where the two disagree, the surer one counts more.
   * Without the sample yet, every drawing is far. Last, the memory (withMemory).
   * @returns {Float32Array} 10 probabilities
   */
  function read(shipped, adapted, drawings, input, { style = null, recipe = RECIPE, sample = null, adaptedAsDrawn = null } = {}) {
    const asDrawn = adaptedAsDrawn ?? adapted.predict(input);
    const near = nearest(drawings, input);
    if (!near) return asDrawn;
    const shippedAsDrawn = shipped.predict(input);
    let mine = asDrawn;
    if (style) {
      const straight = straightenInput(input, style);
      const surer = (entropy(shippedAsDrawn) - entropy(shipped.predict(straight))) / recipe.read.sureness;
      mine = geometricMean(adapted.predict(straight), asDrawn, 1 / (1 + Math.exp(-surer)));
    }
    const { near: r1, far: r2, nearWeight, farWeight } = recipe.read;
    const r = sample ? near.distance / Math.max(1e-6, sampleDistance(sample, input)) : Infinity;
    const t = Math.min(1, Math.max(0, (r2 - r) / (r2 - r1)));
    const w = farWeight + (nearWeight - farWeight) * t;
    return withMemory(geometricMean(mine, shippedAsDrawn, w), drawings, input, near);
  }

  /** The entropy of probabilities, in nats. */
  function entropy(p) {
    let h = 0;
    for (const v of p) if (v > 0) h -= v * Math.log(v);
    return h;
  }

  /** The network input (784 floats in [0, 1]) as the bytes stored and downloaded. */
  function toBytes(input) {
    return Uint8Array.from(input, (x) => Math.round(255 * Math.min(1, Math.max(0, x))));
  }

  /** Probabilities proportional to a^w b^(1-w). */
  function geometricMean(a, b, w) {
    const out = Float32Array.from(a, (p, i) => Math.exp(w * Math.log(p + 1e-9) + (1 - w) * Math.log(b[i] + 1e-9)));
    const total = out.reduce((sum, v) => sum + v, 0);
    return out.map((v) => v / total);
  }

  /** The distance from `input` to the nearest digit of the replay sample. */
  function sampleDistance(sample, input) {
    let bestSq = Infinity;
    const n = sample.labels.length;
    for (let j = 0; j < n; j++) {
      let sq = 0;
      const o = j * PIXELS;
      for (let i = 0; i < PIXELS && sq < bestSq; i++) {
        const e = sample.pixels[o + i] / 255 - input[i];
        sq += e * e;
      }
      if (sq < bestSq) bestSq = sq;
    }
    return Math.sqrt(bestSq);
  }

  return {
    PIXELS, RECIPE, ACCEPT_CONFIDENCE, RECALL_DISTANCE, accepts, STYLE_LIMIT, mulberry32, shape, personStyle, restyle, straighten, straightenInput, parseSample, trainingSet, adapt, nearest, sampleDistance, recall, withMemory, geometricMean, read, toBytes,
  };
});
