// reader.js: how the page reads a drawing once it has learned from corrections (read),
// and which guesses it keeps as read right when the person lets them stand (accepts).
// docs/corrections.md says why it reads this way; RECIPE.read holds its numbers. Not:
// learning (training_set.js) nor measuring the person's style (style.js).
//
// Shapes: an input is the network's, 784 floats in [0, 1]; a corrected drawing is
// {pixels: Uint8Array(784), label} (formats.js); probabilities are 10 floats; distances
// are L2 over the 784 inputs in [0, 1].

import { PIXELS } from './digit.js';
import { RECIPE } from './recipe.js';
import { straightenInput } from './style.js';

/** The digit a drawing with these probabilities is accepted as, or -1 if not sure enough. */
export function accepts(probabilities, recipe = RECIPE) {
  let best = 0;
  for (let d = 1; d < probabilities.length; d++) if (probabilities[d] > probabilities[best]) best = d;
  return probabilities[best] >= recipe.acceptConfidence ? best : -1;
}

/** The corrected drawing nearest to `input`: {drawing, distance}, or null without one. */
export function nearest(drawings, input) {
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

/** The distance from `input` to the nearest digit of the replay sample. */
export function sampleDistance(sample, input) {
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

/**
 * The memory: {label, weight in (0, 1]} of the nearest corrected drawing within
 * recipe.read.recall of `input` (the nearer, the heavier), or null.
 */
export function recall(drawings, input, near = nearest(drawings, input), recipe = RECIPE) {
  const reach = recipe.read.recall;
  if (!near || near.distance >= reach) return null;
  return { label: near.drawing.label, weight: 1 - near.distance / reach };
}

/** The probabilities blended with the memory's answer (recall) when there is one. */
export function withMemory(probabilities, drawings, input, near = nearest(drawings, input), recipe = RECIPE) {
  const memory = recall(drawings, input, near, recipe);
  if (!memory) return probabilities;
  const out = Float32Array.from(probabilities, (p) => (1 - memory.weight) * p);
  out[memory.label] += memory.weight;
  return out;
}

/** The entropy of probabilities, in nats. */
function entropy(p) {
  let h = 0;
  for (const v of p) if (v > 0) h -= v * Math.log(v);
  return h;
}

/** Probabilities proportional to a^w b^(1-w). */
export function geometricMean(a, b, w) {
  const out = Float32Array.from(a, (p, i) => Math.exp(w * Math.log(p + 1e-9) + (1 - w) * Math.log(b[i] + 1e-9)));
  const total = out.reduce((sum, v) => sum + v, 0);
  return out.map((v) => v / total);
}

/**
 * How the page reads a drawing once it has learned from corrections. `shipped` and
 * `adapted`: the two networks (Module.Model, or anything with predict(input) giving 10
 * probabilities). Options: style, the one adapt() (training_set.js) returned with the
 * adapted network's parameters (null: none); recipe; sample, the replay sample (null: not
 * loaded yet); adaptedAsDrawn, the adapted network's probabilities for `input` when
 * already known.
 *
 * 1. The adapted network reads the drawing straightened by the person's style, as it
 *    learned their drawings, and as drawn, mixed (a weighted geometric mean) by how much
 *    surer the shipped network is of the straightened one: the difference of its
 *    entropies over recipe.read.sureness, through a logistic.
 * 2. That and the shipped network are mixed (p ~ adapted^w shipped^(1-w)) by
 *    r = (distance to the nearest corrected drawing) / (distance to the nearest sample
 *    digit): w = nearWeight below recipe.read.near, farWeight from far on, a ramp in
 *    between. Without the sample yet, every drawing is far.
 * 3. The memory (withMemory).
 * Cost: up to three forward passes besides the page's own (adaptedAsDrawn), a pass over
 * the corrected drawings and one over the sample.
 * @returns {Float32Array} 10 probabilities
 */
export function read(shipped, adapted, drawings, input, { style = null, recipe = RECIPE, sample = null, adaptedAsDrawn = null } = {}) {
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
  return withMemory(geometricMean(mine, shippedAsDrawn, w), drawings, input, near, recipe);
}
