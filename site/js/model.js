// model.js: loads the WebAssembly module and the trained weights once, and runs
// predictions. The network itself lives in C++ (libnn through wasm/); this file
// only moves bytes in and out and times things.
//
// Contract of nn.js (a classic Emscripten script, not an ES module):
//   globalThis.createNNModule(opts) -> Promise<Module>
//   new Module.Model(jsonBytes)     throws Error(message) on a bad model
//   Module.normalizeCanvas(rgba, w, h) -> Float32Array(784) in [0, 1], or null if no ink
//   model.predict(Float32Array(784))   -> Float32Array(10) probabilities

export const MODULE_URL = new URL('../nn.js', import.meta.url);
export const MODEL_URL = new URL('../assets/my_weights.json', import.meta.url);

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

async function fetchModelBytes(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new LoadError(`Could not fetch the model ${url.pathname}: ${err.message}`);
  }
  if (!response.ok) {
    throw new LoadError(
      `Could not load the model ${url.pathname}: HTTP ${response.status} ${response.statusText}`.trim(),
      'Train one with the trainer (--weight-path site/assets/my_weights.json) and rebuild the site.');
  }
  // Bytes, not text: the module reads UTF-8 directly, which skips building a
  // multi-megabyte JS string and encoding it again.
  return new Uint8Array(await response.arrayBuffer());
}

function parseModel(Module, bytes, url) {
  try {
    return new Module.Model(bytes);
  } catch (err) {
    throw new LoadError(`The model ${url.pathname} is not valid: ${err?.message ?? err}`,
      'Write it again with the trainer\'s --weight-path option.');
  }
}

/**
 * Loads the module and the model in parallel; resolves to a Predictor.
 * Timings (ms) land in performance measures "nn:module", "nn:fetch", "nn:parse".
 */
export async function loadPredictor(modelUrl = MODEL_URL) {
  if (typeof WebAssembly !== 'object') {
    throw new LoadError('This browser has no WebAssembly support.', 'Try a current browser.');
  }
  const modulePromise = timed('nn:module', loadModule);
  const textPromise = timed('nn:fetch', () => fetchModelBytes(modelUrl));
  // Wait for both so that a failure in either is reported, not left unhandled.
  const [moduleResult, textResult] = await Promise.allSettled([modulePromise, textPromise]);
  if (moduleResult.status === 'rejected') throw moduleResult.reason;
  if (textResult.status === 'rejected') throw textResult.reason;
  const Module = moduleResult.value;
  const model = await timed('nn:parse', async () => parseModel(Module, textResult.value, modelUrl));
  return new Predictor(Module, model, {
    moduleMs: measured('nn:module'),
    fetchMs: measured('nn:fetch'),
    parseMs: measured('nn:parse'),
  });
}

/** One model for the page's lifetime: the weights are parsed once, at load. */
export class Predictor {
  constructor(Module, model, loadTimings) {
    this.Module = Module;
    this.model = model;
    this.loadTimings = loadTimings;
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
    return { input, probabilities: this.model.predict(input) };
  }
}
