// inside.js: the inside view, what the network does with the drawing. Loaded only when the
// person first opens it (main.js imports it then, and InsidePanel opens and closes it from
// then on), with css/inside.css and the module build that
// has the inside calls (nn-train.js: activations, inputGradient, layers), the one learning
// from corrections fetches too, so a browser that has one has both.
//
// What it shows, for the drawing on the canvas, at most once per animation frame:
//   layers   every layer's outputs: a dense layer's n units as a grid of cells, a
//            convolution's or pooling's C x H x W output as C small feature maps
//   detail   a tapped or hovered unit's value and what it responds to: a dense unit's
//            incoming weights laid out as the layer below (28x28 for the first layer),
//            a feature map unit's patch of the input (its receptive field)
//   why      the input gradient of the answer's score, or of the runner-up's: red where
//            more ink raises that score, blue where it lowers it
//   origin   "where it comes from" (origin.js, fetched when that part is opened): the
//            shipped model's training curves, confusion matrix and misread test digits
//
// Test hook: window.nnInside = {updates, lastMs, last: {input, layers, digit, shown, gradient}}.

import { CLASSES, SIDE } from './digit.js';

const TRAIN_MODULE_URL = new URL('../nn-train.js', import.meta.url);
const CSS_URL = new URL('../css/inside.css', import.meta.url);
// CSS pixels per dense unit: small for wide layers, larger for the ten outputs
const cellOf = (n) => (n <= 16 ? 16 : 6);
const MAP_CELL = 2; // CSS pixels per feature-map pixel

/** A new element of `doc`, with a class and a text when given (origin.js uses it too). */
export function element(doc, tag, className, text) {
  const el = doc.createElement(tag);
  if (className) el.className = className;
  if (text != null) el.textContent = text;
  return el;
}

/** Adds a stylesheet; resolves once it applies. */
function loadCss(url) {
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = url.href;
    link.onload = () => resolve();
    link.onerror = () => reject(new Error(`could not load ${url.pathname}`));
    document.head.append(link);
  });
}

/**
 * nn-train.js's createNNModule. It is a classic script that sets the same global as nn.js:
 * the page's own factory is put back once it has run.
 */
function loadTrainFactory(url) {
  return new Promise((resolve, reject) => {
    const pageFactory = globalThis.createNNModule;
    const script = document.createElement('script');
    script.src = url.href;
    script.onload = () => {
      const factory = globalThis.createNNModule;
      globalThis.createNNModule = pageFactory;
      resolve(factory);
    };
    script.onerror = () => reject(new Error(`could not load ${url.pathname}`));
    document.head.append(script);
  });
}

/** Asks the service worker to keep what the view fetched, for offline visits (sw.js, 'keep'). */
async function keepOffline(urls) {
  if (!('serviceWorker' in navigator)) return;
  // ready: once a worker is active (the page registers it after its first load).
  const registration = await navigator.serviceWorker.ready;
  registration.active?.postMessage({ type: 'keep', urls: urls.map((u) => u.href) });
}

/** Colour of a signed value v / scale: red > 0, blue < 0, white 0. RGBA into out at i. */
function diverging(out, i, v) {
  const t = Math.max(-1, Math.min(1, v));
  const fade = Math.round(255 * (1 - Math.abs(t)));
  out[i] = t > 0 ? 255 : fade;
  out[i + 1] = fade;
  out[i + 2] = t < 0 ? 255 : fade;
  out[i + 3] = 255;
}

/** Grey level of v / scale in [0, 1]: black 0 to white 1 (as the 28x28 view shows ink). */
function grey(out, i, v) {
  const g = Math.round(255 * Math.max(0, Math.min(1, v)));
  out[i] = out[i + 1] = out[i + 2] = g;
  out[i + 3] = 255;
}

const maxAbs = (xs) => xs.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** A canvas of w x h pixels shown `cell` CSS pixels each. */
function pixelCanvas(w, h, cell, label) {
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  canvas.style.width = `${w * cell}px`;
  canvas.style.height = `${h * cell}px`;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return canvas;
}

/** Draws values (w x h, row-major) on a canvas, coloured by paint(out, i, v / scale). */
function paint(canvas, values, scale, colour) {
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(canvas.width, canvas.height);
  const s = scale > 0 ? scale : 1;
  for (let k = 0; k < canvas.width * canvas.height; k++) colour(image.data, 4 * k, k < values.length ? values[k] / s : 0);
  ctx.putImageData(image, 0, 0);
}

/** Columns of the grid of n dense units: near square, 10 for the outputs (one row of digits). */
const gridColumns = (n) => (n <= CLASSES ? n : Math.ceil(Math.sqrt(n * 1.6)));

/** The grid (cols x rows) a layer's units are drawn in, and how to name a unit. */
function layerGeometry(layer) {
  if (layer.kind === 'dense') {
    const n = layer.shape[0];
    const cols = gridColumns(n);
    return { maps: 1, cols, rows: Math.ceil(n / cols), size: n };
  }
  const [c, h, w] = layer.shape;
  return { maps: c, cols: w, rows: h, size: c * h * w };
}

/**
 * Where a feature-map unit looks in the input: its receptive field, walking back through
 * the layers below. A 'valid' convolution's kernel is k = H_in - H_out + 1; a 'same' one
 * keeps the size and its kernel is not in the shapes, so it counts as 1 here (the patch
 * shown is then too small by k - 1). A 2x2 pooling doubles. Returns {y0, x0, y1, x1} in
 * input pixels, inclusive.
 */
export function receptiveField(layers, index, y, x) {
  let box = { y0: y, x0: x, y1: y, x1: x };
  for (let k = index; k >= 0; k--) {
    const [, h] = layers[k].shape;
    const below = k > 0 ? layers[k - 1].shape : [1, SIDE, SIDE];
    if (layers[k].kind === 'pool') {
      const f = Math.round(below[1] / h);
      box = { y0: box.y0 * f, x0: box.x0 * f, y1: box.y1 * f + f - 1, x1: box.x1 * f + f - 1 };
    } else if (layers[k].kind === 'conv') {
      const kernel = Math.max(1, below[1] - h + 1);
      box = { ...box, y1: box.y1 + kernel - 1, x1: box.x1 + kernel - 1 };
    }
  }
  const clamp = (v) => Math.max(0, Math.min(SIDE - 1, v));
  return { y0: clamp(box.y0), x0: clamp(box.x0), y1: clamp(box.y1), x1: clamp(box.x1) };
}

export class Inside {
  /**
   * @param {HTMLElement} root   the view's container (filled here)
   * @param {import('./model.js').Predictor} predictor   the page's network
   */
  constructor(root, predictor) {
    this.root = root;
    this.predictor = predictor;
    this.model = null;     // nn-train.js's copy of the page's network
    this.layers = null;    // model.layers()
    this.weights = null;   // per dense layer (all-dense networks): {offset, inputs, outputs} in params
    this.params = null;
    this.input = null;     // the latest input asked for, drawn at the next frame
    this.frame = 0;
    this.why = 'answer';   // 'answer' or 'runner-up'
    this.selected = null;  // {layer, unit} shown in the detail
    this.last = null;
    this.hook = { updates: 0, lastMs: null, last: null };
    window.nnInside = this.hook;
  }

  /** Fetches the module and the styles, builds the view. */
  async start() {
    const [factory] = await Promise.all([loadTrainFactory(TRAIN_MODULE_URL), loadCss(CSS_URL)]);
    const Module = await factory({ locateFile: (file) => new URL(file, TRAIN_MODULE_URL).href });
    this.attach(new Module.Model(this.predictor.bytes));
    keepOffline([TRAIN_MODULE_URL, new URL('../nn-train.wasm', import.meta.url), CSS_URL]).catch(() => {});
  }

  /**
   * Builds the view for `model` (nn-train.js's Model, or anything with its layers,
   * activations, inputGradient and setParameters: the tests show a convolutional one).
   */
  attach(model) {
    this.model = model;
    this.layers = model.layers();
    this.syncModel();
    this.#build();
  }

  /** The page's network changed (learning from corrections): take its weights. */
  syncModel() {
    if (!this.model) return;
    this.params = this.predictor.model.parameters();
    this.model.setParameters(this.params);
    this.weights = this.#denseWeights();
    if (this.input) this.show(this.input);
  }

  /** Shows `input` (784 numbers, or null: no drawing) at the next animation frame. */
  show(input) {
    this.input = input;
    if (!this.model || this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.#update();
    });
  }

  /** Per dense layer: where its weights are in parameters() (W row-major inputs x outputs, then b). */
  #denseWeights() {
    if (!this.layers.every((l) => l.kind === 'dense')) return null; // other layouts: not read here
    const out = [];
    let offset = 0;
    let inputs = SIDE * SIDE;
    for (const l of this.layers) {
      const outputs = l.shape[0];
      out.push({ offset, inputs, outputs });
      offset += inputs * outputs + outputs;
      inputs = outputs;
    }
    return offset === this.params.length ? out : null;
  }

  #build() {
    const doc = this.root.ownerDocument;
    this.root.replaceChildren();
    const layersBox = element(doc, 'div', 'inside-layers');
    this.views = this.layers.map((layer, k) => {
      const g = layerGeometry(layer);
      const box = doc.createElement('figure');
      box.className = `inside-layer inside-${layer.kind}`;
      box.dataset.layer = String(k);
      const caption = doc.createElement('figcaption');
      const last = k === this.layers.length - 1;
      caption.textContent = layer.kind === 'dense'
        ? `${last ? 'Output' : `Layer ${k + 1}`}: ${layer.shape[0]} units`
        : `Layer ${k + 1}: ${layer.kind === 'conv' ? 'convolution' : 'pooling'}, ${g.maps} maps of ${g.rows}x${g.cols}`;
      const maps = element(doc, 'div', 'inside-maps');
      const cell = layer.kind === 'dense' ? cellOf(layer.shape[0]) : MAP_CELL;
      const canvases = [...Array(g.maps).keys()].map((c) => {
        const canvas = pixelCanvas(g.cols, g.rows, cell, `${caption.textContent}${g.maps > 1 ? `, map ${c + 1}` : ''}`);
        canvas.dataset.map = String(c);
        canvas.addEventListener('pointerdown', (e) => this.#pick(k, c, canvas, e));
        canvas.addEventListener('pointermove', (e) => { if (e.pointerType === 'mouse') this.#pick(k, c, canvas, e); });
        return canvas;
      });
      maps.append(...canvases);
      box.append(caption, maps);
      layersBox.append(box);
      return { box, canvases, g };
    });

    this.detail = element(doc, 'div', 'inside-detail');
    this.detail.setAttribute('aria-live', 'polite');
    this.detailText = element(doc, 'p', '', 'Tap or point at a unit to see its value and what it responds to.');
    this.detailCanvas = pixelCanvas(SIDE, SIDE, 3, 'What the unit responds to');
    this.detailCanvas.hidden = true;
    this.detail.append(this.detailCanvas, this.detailText);

    const why = element(doc, 'div', 'inside-why');
    const heading = element(doc, 'h4', '', 'Why this answer');
    const switcher = element(doc, 'div', 'inside-switch');
    switcher.setAttribute('role', 'group');
    switcher.setAttribute('aria-label', 'Explain the answer or the runner-up');
    this.whyButtons = ['answer', 'runner-up'].map((which) => {
      const b = doc.createElement('button');
      b.type = 'button';
      b.dataset.why = which;
      b.setAttribute('aria-pressed', String(which === this.why));
      b.addEventListener('click', () => {
        this.why = which;
        for (const o of this.whyButtons) o.setAttribute('aria-pressed', String(o === b));
        this.show(this.input);
      });
      return b;
    });
    switcher.append(...this.whyButtons);
    this.whyCanvas = pixelCanvas(SIDE, SIDE, 4, 'Which pixels raise or lower the score');
    this.whyCanvas.id = 'insideGradient';
    const note = element(doc, 'p', 'inside-note', 'Red: more ink there raises the score; blue: lowers it (the score\'s gradient).');
    why.append(heading, switcher, this.whyCanvas, note);

    const origin = element(doc, 'details', 'inside-origin');
    const summary = element(doc, 'summary', '', 'Where it comes from');
    const originBody = element(doc, 'div', '', 'Loading…');
    origin.append(summary, originBody);
    origin.addEventListener('toggle', () => {
      if (!origin.open || origin.dataset.state) return;
      origin.dataset.state = 'loading';
      import('./origin.js')
        .then(({ showOrigin, REPORT_URL, MISREAD_URL }) =>
          showOrigin(originBody).then(() => keepOffline([REPORT_URL, MISREAD_URL])))
        .then(() => { origin.dataset.state = 'ready'; })
        .catch((err) => {
          origin.dataset.state = 'error';
          originBody.textContent = `Could not load it: ${err?.message ?? err}`;
        });
    });

    this.root.append(layersBox, this.detail, why, origin);
    this.#labelButtons(null);
    this.show(this.input);
  }

  #labelButtons(ranked) {
    const [a, b] = this.whyButtons;
    a.textContent = ranked ? `Why ${ranked[0]}` : 'Why the answer';
    b.textContent = ranked ? `Why not ${ranked[1]}` : 'Why not the runner-up';
  }

  /** One update: every layer, then the gradient of the answer's (or runner-up's) score. */
  #update() {
    const input = this.input;
    if (!input) {
      for (const v of this.views) for (const c of v.canvases) paint(c, [], 1, grey);
      paint(this.whyCanvas, [], 1, diverging);
      this.#labelButtons(null);
      this.last = null;
      return;
    }
    const start = performance.now();
    const acts = this.model.activations(input);
    const probs = acts[acts.length - 1];
    const ranked = [...probs.keys()].sort((x, y) => probs[y] - probs[x]);
    const shown = this.why === 'answer' ? ranked[0] : ranked[1];
    const gradient = this.model.inputGradient(input, shown);
    const ms = performance.now() - start;

    acts.forEach((values, k) => {
      const { canvases, g } = this.views[k];
      const scale = maxAbs(values);
      const per = g.rows * g.cols;
      canvases.forEach((canvas, c) => paint(canvas, g.maps > 1 ? values.subarray(c * per, (c + 1) * per) : values, scale, grey));
    });
    paint(this.whyCanvas, gradient, maxAbs(gradient), diverging);
    this.#labelButtons(ranked);
    this.whyCanvas.setAttribute('aria-label',
      `Which pixels raise (red) or lower (blue) the score of ${shown}`);
    this.last = { input, layers: acts, digit: ranked[0], shown, gradient };
    if (this.selected) this.#detail(this.selected.layer, this.selected.unit);
    Object.assign(this.hook, { updates: this.hook.updates + 1, lastMs: ms, last: this.last });
  }

  /** The unit under a pointer event on layer k's map c. */
  #pick(k, c, canvas, event) {
    const { g } = this.views[k];
    const box = canvas.getBoundingClientRect();
    const x = Math.min(g.cols - 1, Math.max(0, Math.floor(((event.clientX - box.left) / box.width) * g.cols)));
    const y = Math.min(g.rows - 1, Math.max(0, Math.floor(((event.clientY - box.top) / box.height) * g.rows)));
    const unit = c * g.rows * g.cols + y * g.cols + x;
    if (unit >= g.size) return;
    this.selected = { layer: k, unit };
    this.#detail(k, unit);
  }

  /** The detail of layer k's unit: its value, and its weights or input patch. */
  #detail(k, unit) {
    const layer = this.layers[k];
    const value = this.last ? this.last.layers[k][unit] : null;
    const shown = value == null ? 'no drawing' : value.toPrecision(3);
    const name = k === this.layers.length - 1 && layer.kind === 'dense' ? `Output ${unit} (the digit ${unit})` :
      `Layer ${k + 1}, unit ${unit + 1}`;
    this.detail.dataset.layer = String(k);
    this.detail.dataset.unit = String(unit);
    if (layer.kind === 'dense') {
      const w = this.weights?.[k];
      if (!w) {
        this.detailCanvas.hidden = true;
        this.detailText.textContent = `${name}: ${shown}.`;
        return;
      }
      // Column `unit` of W (inputs x outputs, row-major): the unit's incoming weights.
      const incoming = new Float32Array(w.inputs);
      for (let i = 0; i < w.inputs; i++) incoming[i] = this.params[w.offset + i * w.outputs + unit];
      const below = k === 0 ? { cols: SIDE, rows: SIDE } : this.views[k - 1].g;
      this.#sizeDetail(below.cols, below.rows, k === 0 ? 3 : Math.max(2, Math.floor(84 / below.cols)));
      paint(this.detailCanvas, incoming, maxAbs(incoming), diverging);
      this.detailText.textContent = `${name}: ${shown}. Its incoming weights, laid out as ` +
        `${k === 0 ? 'the 28x28 input' : `layer ${k}'s grid`}: red excites it, blue inhibits it.`;
      return;
    }
    const g = this.views[k].g;
    const c = Math.floor(unit / (g.rows * g.cols));
    const y = Math.floor((unit % (g.rows * g.cols)) / g.cols);
    const x = unit % g.cols;
    const box = receptiveField(this.layers, k, y, x);
    const patch = new Float32Array(SIDE * SIDE);
    const input = this.last?.input;
    for (let py = 0; py < SIDE; py++) {
      for (let px = 0; px < SIDE; px++) {
        const inside = py >= box.y0 && py <= box.y1 && px >= box.x0 && px <= box.x1;
        const ink = input ? input[py * SIDE + px] : 0;
        patch[py * SIDE + px] = inside ? 0.35 + 0.65 * ink : 0.15 * ink;
      }
    }
    this.#sizeDetail(SIDE, SIDE, 3);
    paint(this.detailCanvas, patch, 1, grey);
    this.detailText.textContent = `${name} (map ${c + 1}, row ${y + 1}, column ${x + 1}): ${shown}. ` +
      `The patch of the input it sees is lit.`;
  }

  #sizeDetail(w, h, cell) {
    this.detailCanvas.width = w;
    this.detailCanvas.height = h;
    this.detailCanvas.style.width = `${w * cell}px`;
    this.detailCanvas.style.height = `${h * cell}px`;
    this.detailCanvas.hidden = false;
  }
}

/**
 * The "Inside the network" button and the box it opens (its aria-controls): the view is
 * built at the first opening, and shown only while open.
 */
export class InsidePanel {
  /**
   * @param {HTMLButtonElement} button
   * @param {import('./model.js').Predictor} predictor   the page's network
   * @param {() => void} repredict   asks the page for a new guess (which calls show)
   */
  constructor(button, predictor, repredict) {
    this.button = button;
    this.box = button.ownerDocument.getElementById(button.getAttribute('aria-controls'));
    this.predictor = predictor;
    this.repredict = repredict;
    this.view = null;
    this.loading = null;
  }

  get open() { return this.button.getAttribute('aria-expanded') === 'true'; }

  async toggle() {
    const open = !this.open;
    this.button.setAttribute('aria-expanded', String(open));
    this.box.hidden = !open;
    this.box.ownerDocument.querySelector('.layout')?.classList.toggle('inside-open', open);
    if (!open) return;
    if (this.view) {
      this.repredict(); // it missed the drawing's changes while closed
      return;
    }
    this.loading ??= this.#load();
    await this.loading;
  }

  async #load() {
    this.box.dataset.state = 'loading';
    this.box.textContent = 'Loading…';
    try {
      const view = new Inside(this.box, this.predictor);
      await view.start();
      this.view = view;
      this.box.dataset.state = 'ready';
      this.repredict(); // show what is on the canvas
    } catch (err) {
      console.error(err);
      this.box.dataset.state = 'error';
      this.box.textContent = `The inside view could not load: ${err?.message ?? err}`;
      this.loading = null; // the next opening tries again
    }
  }

  /** The page's latest input (784 numbers) or null (no drawing); ignored while closed. */
  show(input) {
    if (this.open) this.view?.show(input);
  }

  /** The page's network changed: see Inside.syncModel. */
  syncModel() {
    this.view?.syncModel();
  }
}
