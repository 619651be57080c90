// style.js: how a person writes against MNIST, and their drawings with it taken out. A
// person's digits lean and are as narrow or wide as each other, whatever the digit: the
// style is {slant, aspect}, the median over their drawings of how much more each leans
// (x per y) and how much wider it is (log(width / height)) than MNIST's digits of the same
// class. Straightening a drawing takes the style out (docs/corrections.md says why). Not: deciding
// when to straighten (training_set.js, reader.js).
//
// Shapes: a digit is 784 bytes, row-major 28x28, ink = 255 (formats.js); a network input
// is 784 floats in [0, 1].

import { CLASSES, INK_BOX, PIXELS, SIDE } from './digit.js';
import { toBytes } from './formats.js';
import { RECIPE } from './recipe.js';

/**
 * The shape of a 28x28 digit from its ink's moments: the centre of mass (cx, cy), the
 * slant (x moved per pixel down: the ink's covariance of x and y over its variance of
 * y), the width once the slant is taken out and the height (standard deviations, px).
 * Null for a blank digit. `offset`: where the digit starts in `pixels`.
 */
export function shape(pixels, offset = 0) {
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
  const slant = new Float64Array(CLASSES), aspect = new Float64Array(CLASSES), count = new Float64Array(CLASSES);
  for (let j = 0; j < sample.labels.length; j++) {
    const s = shape(sample.pixels, j * PIXELS);
    if (!s) continue;
    const label = sample.labels[j];
    slant[label] += s.slant;
    aspect[label] += Math.log(s.width / s.height);
    count[label]++;
  }
  for (let l = 0; l < CLASSES; l++) {
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

const clamp = (v, limit) => Math.min(limit, Math.max(-limit, v));

/**
 * How the person writes against MNIST: {slant, aspect}, the medians over their drawings
 * ({pixels, label}) of (a drawing's slant - the mean slant of the sample's digits of its
 * class) and the same for log(width / height), each within recipe.style's limits. Null
 * without a (non-blank) drawing.
 */
export function personStyle(drawings, sample, recipe = RECIPE) {
  const mean = sampleShapes(sample);
  const slants = [], aspects = [];
  for (const d of drawings) {
    const s = shape(d.pixels);
    if (!s) continue;
    slants.push(s.slant - mean.slant[d.label]);
    aspects.push(Math.log(s.width / s.height) - mean.aspect[d.label]);
  }
  if (!slants.length) return null;
  return { slant: clamp(median(slants), recipe.style.maxSlant), aspect: clamp(median(aspects), recipe.style.maxAspect) };
}

/**
 * `digit` (784 bytes) in the style: slanted by style.slant more and exp(style.aspect)
 * times as wide, about its centre of mass; then shrunk, if it has to be, so that its ink
 * (RECIPE.style.ink) fits MNIST's 20x20 box again. Bilinear. Written into `out` (784
 * bytes), returned.
 */
export function restyle(digit, style, out = new Uint8Array(PIXELS)) {
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
      if (digit[k] < RECIPE.style.ink) continue;
      const xs = s.cx + wide * (x - s.cx + shear * (y - s.cy));
      x0 = Math.min(x0, xs);
      x1 = Math.max(x1, xs);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  const fit = x0 > x1 ? 1 : Math.min(1, INK_BOX / Math.max(x1 - x0 + 1, y1 - y0 + 1));
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
export function straighten(pixels, style, out = new Uint8Array(PIXELS)) {
  return restyle(pixels, { slant: -style.slant, aspect: -style.aspect }, out);
}

/** The same for a network input (784 values in [0, 1]), as the adapted network reads it. */
export function straightenInput(input, style) {
  return Float32Array.from(straighten(toBytes(input), style), (v) => v / 255);
}
