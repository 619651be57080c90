// formats.js: a drawing as bytes, and drawings as the original's CSV. A drawing is kept,
// stored (store.js) and downloaded as its network input in bytes: Uint8Array(784),
// row-major 28x28, 0..255, ink = 255, round(input * 255). The CSV: a header
// "label,1x1,...,28x28", then label,p0..p783 per line; the replay sample comes in it and
// "Download my drawings" writes it. Not: what is done with the drawings.

import { CLASSES, PIXELS, SIDE } from './digit.js';

/** The network input (784 floats in [0, 1]) as the bytes stored and downloaded. */
export function toBytes(input) {
  return Uint8Array.from(input, (x) => Math.round(255 * Math.min(1, Math.max(0, x))));
}

/** The CSV's header: label, then each pixel as row x column, from 1. */
export function csvHeader() {
  const header = ['label'];
  for (let i = 0; i < PIXELS; i++) header.push(`${Math.floor(i / SIDE) + 1}x${(i % SIDE) + 1}`);
  return header.join(',');
}

/** Drawings ({pixels: 784 bytes, label}) as the CSV, one line each, every line ended. */
export function drawingsToCsv(drawings) {
  const lines = [csvHeader()];
  for (const { pixels, label } of drawings) lines.push(`${label},${Array.prototype.join.call(pixels, ',')}`);
  return lines.join('\n') + '\n';
}

/**
 * The replay sample from its CSV text: {pixels: Uint8Array(n * 784), labels: Uint8Array(n)}.
 * `source` names it in errors, which give the line and column.
 */
export function parseSample(text, source) {
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
      const max = c === 0 ? CLASSES - 1 : 255;
      if (!Number.isInteger(v) || v < 0 || v > max) {
        throw new Error(`${source}:${r + 2}: column ${c + 1}: expected an integer from 0 to ${max}, got '${cells[c]}'`);
      }
      if (c === 0) labels[r] = v;
      else pixels[r * PIXELS + c - 1] = v;
    }
  }
  return { pixels, labels };
}
