// training_set.js: what one adaptation to a person's drawings trains on, and the
// adaptation itself: the shipped parameters back, then the module's Model.fit (libnn's
// own training, compiled to WebAssembly) on that set. docs/corrections.md says why each
// part is there. The result depends only on the drawings: a PRNG seeded with the number of
// corrected drawings picks the replay, and the same number seeds Model.fit. Not: when to
// adapt (the page's worker, learner.worker.js) nor how to read afterwards (reader.js).
//
// Shapes: a drawing is {pixels: Uint8Array(784), label} (formats.js); the replay sample
// {pixels: Uint8Array(n * 784), labels: Uint8Array(n)}; inputs n x 784 in [0, 1].

import { PIXELS } from './digit.js';
import { mulberry32 } from './random.js';
import { RECIPE } from './recipe.js';
import { personStyle, straighten } from './style.js';

/**
 * What one adaptation trains on: every corrected drawing recipe.copies times, the latest
 * recipe.accepted accepted drawings once, then as many digits of the sample as make up
 * recipe.replay with them, chosen by a PRNG seeded with the number of corrected
 * drawings. When recipe.straighten, the person's drawings straightened by their style
 * (personStyle of the corrected and the kept accepted drawings); the sample as it is.
 * @returns {{inputs: Float32Array, labels: Uint8Array, style: ?{slant, aspect}, accepted: number}}
 *   inputs n x 784 in [0, 1]; style, the person's (null when not straightening);
 *   accepted, how many accepted drawings are in it
 */
export function trainingSet(drawings, sample, recipe = RECIPE, accepted = []) {
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
  const style = recipe.straighten ? personStyle(drawings.concat(kept), sample, recipe) : null;
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

/**
 * Adapts `model` (a Module.Model) to the corrected drawings (and the accepted ones):
 * back to the shipped parameters, then Model.fit on trainingSet(). With no corrected
 * drawings the model is the shipped one.
 * @returns {{style: ?{slant, aspect}, accepted: number}} the person's style, taken out of
 *   the drawings the model learned (reader.js's read takes it out too; null when not
 *   straightening), and how many accepted drawings it learned from
 */
export function adapt(model, shippedParameters, drawings, sample, recipe = RECIPE, accepted = []) {
  model.setParameters(shippedParameters);
  if (drawings.length === 0) return { style: null, accepted: 0 };
  const { inputs, labels, style, accepted: learned } = trainingSet(drawings, sample, recipe, accepted);
  model.fit(inputs, labels, { ...recipe.fit, seed: drawings.length });
  return { style, accepted: learned };
}
