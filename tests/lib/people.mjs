// people.mjs: simulated people with a handwriting of their own, for bench/personal.cjs.
//
// A person is a style, fixed for all their drawings: a slant (shear), a tilt, a width
// (narrow or wide digits), a pen (thin or bold strokes) and habits for some digits that
// MNIST's writers rarely had (a 1 with a long up-stroke and a base, a 7 with a bar, a
// slashed 0, a 4 with an open top, a 9 with a long straight tail). Each drawing also
// varies a little around the style, as a real person's do.
//
// A drawing starts from an MNIST digit (28x28 bytes, ink = 255): habits add strokes, the
// style transforms it, and it is drawn on the page's 336x336 white canvas as an opaque
// black pencil stroke, at a random size and place (as bench/drawn_digits.cjs draws). The
// canvas then goes through the page's own path (the module's normalizeCanvas).
//
// Legend: coordinates in MNIST pixels (x right, y down) unless said otherwise.

import { CANVAS, SIDE } from "../../site/js/digit.js";  // MNIST digit side, the page's canvas side (px)
import { mulberry32 } from "../../site/js/random.js";   // the page's seeded PRNG

const GRID = 48;       // the transformed digit's grid (px): room for slant and added strokes
const OFFSET = (GRID - SIDE) / 2;


const uniform = (rand, lo, hi) => lo + (hi - lo) * rand();
// Approximately normal (sum of four uniforms), mean 0, standard deviation sd.
const gauss = (rand, sd) => sd * Math.sqrt(3) * (rand() + rand() + rand() + rand() - 2);

// Habits, by digit: each adds strokes to an MNIST digit of that class.
const HABITS = {
  1: ["flag", "flag+base"],
  7: ["bar"],
  0: ["slash"],
  4: ["open"],
  9: ["tail"],
};

// A random style from a seeded generator; `rand` is consumed in a fixed order.
export function randomStyle(rand) {
  const sign = rand() < 0.5 ? -1 : 1;
  const style = {
    shear: sign * uniform(rand, 0.15, 0.65),  // x += shear * (y - centre): a slant
    rotation: gauss(rand, 8),                 // degrees, clockwise
    width: Math.exp(gauss(rand, 0.25)),       // x scale: < 1 narrow, > 1 wide
    pen: uniform(rand, 0.2, 0.75),            // the ink level drawn as stroke: low = bold
    habits: {},
  };
  for (const [digit, kinds] of Object.entries(HABITS)) {
    if (rand() < 0.35) style.habits[digit] = kinds[Math.floor(rand() * kinds.length)];
  }
  return style;
}

export function describeStyle(s) {
  const habits = Object.entries(s.habits).map(([d, h]) => `${d}:${h}`).join(" ");
  return `slant ${s.shear.toFixed(2)}, tilt ${s.rotation.toFixed(0)} deg, width ${s.width.toFixed(2)}, ` +
    `pen ${s.pen < 0.4 ? "bold" : s.pen > 0.6 ? "thin" : "medium"}${habits ? `, habits ${habits}` : ""}`;
}

// The ink box of a 28x28 float digit (pixels >= 0.5), and the mean x of the ink in a row band.
function inkBox(img) {
  let x0 = SIDE, y0 = SIDE, x1 = -1, y1 = -1;
  for (let y = 0; y < SIDE; ++y) {
    for (let x = 0; x < SIDE; ++x) {
      if (img[y * SIDE + x] >= 0.5) x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

function inkX(img, yFrom, yTo) {
  let sum = 0, n = 0;
  for (let y = Math.max(0, Math.floor(yFrom)); y < Math.min(SIDE, Math.ceil(yTo)); ++y) {
    for (let x = 0; x < SIDE; ++x) {
      const v = img[y * SIDE + x];
      if (v >= 0.5) sum += v * (x + 0.5), n += v;
    }
  }
  return n ? sum / n : null;
}

// A stroke of `width` px from (ax, ay) to (bx, by), anti-aliased, added (max) into img.
function addStroke(img, ax, ay, bx, by, width) {
  const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy || 1;
  for (let y = 0; y < SIDE; ++y) {
    for (let x = 0; x < SIDE; ++x) {
      const px = x + 0.5, py = y + 0.5;
      const t = Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2));
      const d = Math.hypot(px - ax - t * dx, py - ay - t * dy);
      const v = Math.min(1, Math.max(0, width / 2 + 0.5 - d));
      if (v > img[y * SIDE + x]) img[y * SIDE + x] = v;
    }
  }
}

// Removes the ink in a box (an open top), softly at its edges.
function erase(img, x0, y0, x1, y1) {
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(SIDE, Math.ceil(y1)); ++y) {
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(SIDE, Math.ceil(x1)); ++x) img[y * SIDE + x] = 0;
  }
}

// Applies a habit to a float digit in place; a digit whose shape does not allow it is left as is.
function applyHabit(img, habit, rand) {
  const box = inkBox(img);
  if (!box) return;
  const h = box.y1 - box.y0, w = box.x1 - box.x0;
  const pen = 2.2;
  if (habit === "flag" || habit === "flag+base") {
    // The continental 1: a long up-stroke into the top, and sometimes a base.
    const topX = inkX(img, box.y0, box.y0 + 2) ?? (box.x0 + box.x1) / 2;
    addStroke(img, topX, box.y0 + 0.5, topX - uniform(rand, 0.3, 0.45) * h, box.y0 + uniform(rand, 0.3, 0.45) * h, pen);
    if (habit === "flag+base") {
      const baseX = inkX(img, box.y1 - 2, box.y1) ?? topX;
      const half = uniform(rand, 0.2, 0.3) * h;
      addStroke(img, baseX - half, box.y1 - 0.8, baseX + half, box.y1 - 0.8, pen);
    }
  } else if (habit === "bar") {
    const y = box.y0 + uniform(rand, 0.5, 0.6) * h;
    const x = inkX(img, y - 1, y + 1) ?? (box.x0 + box.x1) / 2;
    const half = uniform(rand, 0.25, 0.35) * Math.max(w, 0.6 * h);
    addStroke(img, x - half, y, x + half, y, pen);
  } else if (habit === "slash") {
    addStroke(img, box.x1 + 0.5, box.y0 - 0.5, box.x0 - 0.5, box.y1 + 0.5, pen);
  } else if (habit === "open") {
    // A 4 whose two top strokes do not meet: erase a band of its top third between them.
    const mid = (box.x0 + box.x1) / 2;
    erase(img, mid - 0.12 * w, box.y0, mid + 0.12 * w, box.y0 + 0.4 * h);
  } else if (habit === "tail") {
    // A 9 whose stem goes on below and curls left.
    const x = inkX(img, box.y1 - 3, box.y1) ?? box.x1 - 2;
    const len = uniform(rand, 0.15, 0.25) * h;
    addStroke(img, x, box.y1 - 1, x - len, Math.min(SIDE - 0.5, box.y1 + 0.2 * len), pen);
  }
}

// The personal transform of a 28x28 float digit into a GRID x GRID float image.
function transform(img, style, jitter) {
  const out = new Float32Array(GRID * GRID);
  const shear = style.shear + jitter.shear;
  const angle = ((style.rotation + jitter.rotation) * Math.PI) / 180;
  const sx = style.width * jitter.width;
  // Forward map from the digit's centre: q = R * [[sx, shear], [0, 1]] * p. Inverse by hand.
  const c = Math.cos(angle), s = Math.sin(angle);
  const at = (x, y) => (x < 0 || y < 0 || x >= SIDE || y >= SIDE ? 0 : img[y * SIDE + x]);
  for (let Y = 0; Y < GRID; ++Y) {
    for (let X = 0; X < GRID; ++X) {
      const qx = X + 0.5 - OFFSET - SIDE / 2, qy = Y + 0.5 - OFFSET - SIDE / 2;
      const rx = c * qx + s * qy, ry = -s * qx + c * qy;  // R^-1 q
      const py = ry, px = (rx - shear * ry) / sx;        // S^-1
      const fx = px + SIDE / 2 - 0.5, fy = py + SIDE / 2 - 0.5;
      const ix = Math.floor(fx), iy = Math.floor(fy), tx = fx - ix, ty = fy - iy;
      out[Y * GRID + X] = (1 - ty) * ((1 - tx) * at(ix, iy) + tx * at(ix + 1, iy)) +
        ty * ((1 - tx) * at(ix, iy + 1) + tx * at(ix + 1, iy + 1));
    }
  }
  return out;
}

// Draws a GRID x GRID float image on the white canvas (RGBA bytes) as an opaque pencil:
// solid where the ink >= pen, with a ~1-2 px anti-aliased edge; at a random size (its ink
// box's longer side 30-90 % of the canvas) and place. False when there is nothing to draw.
function drawOnCanvas(img, pen, rand, canvas) {
  canvas.fill(255);
  let x0 = GRID, y0 = GRID, x1 = -1, y1 = -1;
  for (let y = 0; y < GRID; ++y) {
    for (let x = 0; x < GRID; ++x) {
      if (img[y * GRID + x] >= pen) x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) return false;
  const longer = Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const size = Math.min(uniform(rand, 0.3, 0.9), (CANVAS - 8) / (longer + 2) / (CANVAS / longer));
  const scale = (size * CANVAS) / longer;  // canvas px per grid px
  const margin = scale + 2;
  const w = (x1 - x0 + 1) * scale, h = (y1 - y0 + 1) * scale;
  const ox = margin + rand() * Math.max(0, CANVAS - w - 2 * margin);
  const oy = margin + rand() * Math.max(0, CANVAS - h - 2 * margin);
  const at = (x, y) => (x < 0 || y < 0 || x >= GRID || y >= GRID ? 0 : img[y * GRID + x]);
  const X0 = Math.max(0, Math.floor(ox - margin)), X1 = Math.min(CANVAS, Math.ceil(ox + w + margin));
  const Y0 = Math.max(0, Math.floor(oy - margin)), Y1 = Math.min(CANVAS, Math.ceil(oy + h + margin));
  for (let Y = Y0; Y < Y1; ++Y) {
    for (let X = X0; X < X1; ++X) {
      const u = x0 + (X + 0.5 - ox) / scale - 0.5, v = y0 + (Y + 0.5 - oy) / scale - 0.5;
      const ix = Math.floor(u), iy = Math.floor(v), tx = u - ix, ty = v - iy;
      const ink = (1 - ty) * ((1 - tx) * at(ix, iy) + tx * at(ix + 1, iy)) + ty * ((1 - tx) * at(ix, iy + 1) + tx * at(ix + 1, iy + 1));
      const coverage = Math.min(1, Math.max(0, (ink - pen) * scale + 0.5));
      if (coverage > 0) canvas.fill(Math.round(255 * (1 - coverage)), 4 * (Y * CANVAS + X), 4 * (Y * CANVAS + X) + 3);
    }
  }
  return true;
}

// One person: draw(digitBytes, label, canvas) puts their version of an MNIST digit on the
// canvas (RGBA, CANVAS^2 * 4 bytes); false if nothing was drawn.
export class Person {
  constructor(style, seed) {
    this.style = style;
    this.rand = mulberry32(seed);
  }

  draw(digit, label, canvas) {
    const rand = this.rand;
    const img = Float32Array.from(digit, (v) => v / 255);
    const habit = this.style.habits[label];
    if (habit) applyHabit(img, habit, rand);
    const jitter = { shear: gauss(rand, 0.05), rotation: gauss(rand, 3), width: Math.exp(gauss(rand, 0.06)) };
    const pen = Math.min(0.85, Math.max(0.1, this.style.pen + gauss(rand, 0.05)));
    return drawOnCanvas(transform(img, this.style, jitter), pen, rand, canvas);
  }
}
