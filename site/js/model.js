// model.js: loads the WebAssembly module and the trained weights once, and runs
// predictions. The network itself lives in C++ (libnn through wasm/); this file
// only moves bytes in and out and times things.
//
// Contract of nn.js (a classic Emscripten script, not an ES module):
//   globalThis.createNNModule(opts) -> Promise<Module>
//   new Module.Model(bytes)         the compact model or the weights JSON; throws Error on a bad one
//   model.sizes()                   layer sizes, inputs first, e.g. [784, 500, 300, 100, 10]
//   Module.normalizeCanvas(rgba, w, h) -> Float32Array(784) in [0, 1], or null if no ink
//   model.predict(Float32Array(784))   -> Float32Array(10) probabilities
//
// The model: assets/model.nnm (the compact format nn-convert writes), or, when a site
// has none (HTTP 404), the trainer's assets/my_weights.json as it is.

import { CLASSES as OUTPUTS, PIXELS as INPUTS, SIDE } from './digit.js';
import './model_files.js'; // a classic script shared with sw.js: sets globalThis.nnModelFiles

export const MODULE_URL = new URL('../nn.js', import.meta.url);
/** The models to look for, in order (model_files.js), from the site's folder. */
export const MODEL_URLS = globalThis.nnModelFiles.map((file) => new URL(`../${file}`, import.meta.url));

/** Thrown for load failures; `hint` says what the person running the site can do. */
export class LoadError extends Error {
  constructor(message, hint = '') {
    super(message);
    this.name = 'LoadError';
    this.hint = hint;
  }
}

/** Times an async step with performance marks; returns its result. */
async function timed(name, step) {
  performance.mark(`${name}:start`);
  try {
    return await step();
  } finally {
    performance.mark(`${name}:end`);
    performance.measure(name, `${name}:start`, `${name}:end`);
  }
}

function measured(name) {
  const entries = performance.getEntriesByName(name, 'measure');
  return entries.length ? entries[entries.length - 1].duration : NaN;
}

/** Adds the classic nn.js script to the page and resolves when it has run. */
function injectScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url.href;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () =>
      reject(new LoadError(`Could not load the WebAssembly module (${url.pathname}).`,
        'Build it with: cmake --preset wasm && cmake --build --preset wasm, then serve build/wasm/site.'));
    document.head.append(script);
  });
}

async function loadModule() {
  await injectScript(MODULE_URL);
  if (typeof globalThis.createNNModule !== 'function') {
    throw new LoadError('nn.js loaded but defines no createNNModule().',
      'Is nn.js the module built from wasm/ in this project?');
  }
  try {
    // locateFile: find nn.wasm next to nn.js whatever page loads it.
    return await globalThis.createNNModule({
      locateFile: (file) => new URL(file, MODULE_URL).href,
    });
  } catch (err) {
    throw new LoadError(`The WebAssembly module failed to start: ${err?.message ?? err}`,
      'Check that nn.wasm sits next to nn.js and is served as application/wasm.');
  }
}

/**
 * The first of `urls` that the server has. A 404 moves on to the next one, and so does
 * a network error (offline, the service worker holds whichever model the site has).
 * @returns {Promise<{url: URL, bytes: Uint8Array}>}
 */
async function fetchModelBytes(urls) {
  const failures = [];
  for (const url of urls) {
    let response;
    try {
      response = await fetch(url);
    } catch (err) {
      failures.push(`${url.pathname}: ${err.message}`);
      continue;
    }
    if (response.ok) {
      // Bytes, not text: the module reads them directly (a compact model is binary; a
      // JSON one is read as UTF-8 without building a multi-megabyte JS string).
      return { url, bytes: new Uint8Array(await response.arrayBuffer()) };
    }
    failures.push(`${url.pathname}: HTTP ${response.status} ${response.statusText}`.trim());
    if (response.status !== 404) break; // a broken model.nnm is reported, not papered over
  }
  throw new LoadError(`Could not load the model ${failures.join('; ')}`,
    'Train one (scripts/train_page_model.sh), convert it with nn-convert to site/assets/model.nnm ' +
    'and rebuild the site.');
}

function parseModel(Module, bytes, url) {
  let model;
  try {
    model = new Module.Model(bytes);
  } catch (err) {
    throw new LoadError(`The model ${url.pathname} is not valid: ${err?.message ?? err}`,
      'Write it again with the trainer (--weight-path) or nn-convert.');
  }
  checkShape(model, url);
  return model;
}

/** The page draws 28x28 digits and shows ten bars: any other network cannot answer it. */
function checkShape(model, url) {
  const sizes = Array.from(model.sizes());
  if (sizes[0] === INPUTS && sizes[sizes.length - 1] === OUTPUTS) return;
  model.delete();
  throw new LoadError(
    `The model ${url.pathname} is a ${sizes.join(' -> ')} network; this page needs ` +
    `${INPUTS} inputs (${SIDE}x${SIDE} pixels) and ${OUTPUTS} outputs (the digits 0 to ${OUTPUTS - 1}).`,
    `Train one with --network-structure ${INPUTS} ... ${OUTPUTS}.`);
}

/**
 * Loads the module and the model in parallel; resolves to a Predictor.
 * Timings (ms) land in performance measures "nn:module", "nn:fetch", "nn:parse".
 */
export async function loadPredictor(modelUrls = MODEL_URLS) {
  if (typeof WebAssembly !== 'object') {
    throw new LoadError('This browser has no WebAssembly support.', 'Try a current browser.');
  }
  const modulePromise = timed('nn:module', loadModule);
  const modelPromise = timed('nn:fetch', () => fetchModelBytes(modelUrls));
  // Wait for both so that a failure in either is reported, not left unhandled.
  const [moduleResult, modelResult] = await Promise.allSettled([modulePromise, modelPromise]);
  if (moduleResult.status === 'rejected') throw moduleResult.reason;
  if (modelResult.status === 'rejected') throw modelResult.reason;
  const Module = moduleResult.value;
  const { url, bytes } = modelResult.value;
  const model = await timed('nn:parse', async () => parseModel(Module, bytes, url));
  return new Predictor(Module, model, bytes, {
    moduleMs: measured('nn:module'),
    fetchMs: measured('nn:fetch'),
    parseMs: measured('nn:parse'),
    modelUrl: url.pathname,
    modelBytes: bytes.length,
    sizes: Array.from(model.sizes()),
  });
}

/** One model for the page's lifetime: the weights are parsed once, at load. */
export class Predictor {
  constructor(Module, model, bytes, loadTimings) {
    this.Module = Module;
    this.model = model;
    this.bytes = bytes;  // the model file, for a second copy (shippedCopy)
    this.loadTimings = loadTimings;
  }

  /** A second model with the shipped weights, whatever this.model has been set to since. */
  shippedCopy() {
    return new this.Module.Model(this.bytes);
  }

  /**
   * @param {ImageData} image the drawing, RGBA
   * @returns {{input: Float32Array, probabilities: Float32Array} | null}
   *   null when the drawing has no ink. The module returns copies, safe to keep.
   */
  predict(image) {
    // Normalise once and reuse the 28x28 input for both the forward pass and the view.
    const input = this.Module.normalizeCanvas(image.data, image.width, image.height);
    if (input == null) return null;
    const probabilities = this.model.predict(input);
    // A model with huge weights can overflow to NaN: say so rather than show "NaN %".
    if (probabilities.length !== OUTPUTS || !probabilities.every(Number.isFinite)) {
      throw new LoadError('The network gave no valid answer for this drawing ' +
        `(probabilities ${Array.from(probabilities, (p) => p.toFixed(3)).join(', ')}).`,
        'The model\'s weights are probably too large: train it again.');
    }
    return { input, probabilities };
  }
}
