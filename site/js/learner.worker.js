// learner.worker.js: adapts the model to the person's corrected drawings off the main
// thread, so that drawing never waits for training. A classic worker, since the module
// (nn-train.js) is a classic Emscripten script that only importScripts can load (a module
// worker has none); the recipe's ES modules (training_set.js, formats.js, recipe.js) come
// with import().
//
// Messages in:
//   {type: 'init', moduleUrl, modelUrl, sampleUrl}   once; the sample is fetched at once
//   {type: 'adapt', id, drawings, accepted}   all the corrected and accepted drawings,
//        [{pixels: Uint8Array(784), label}] each, oldest first
//   {type: 'json'}   the adapted model's weights JSON, once any pending adaptation has run
// Messages out:
//   {type: 'sample', pixels: Uint8Array(n * 784), labels: Uint8Array(n)}   once loaded (reader.js, read)
//   {type: 'adapted', id, count, accepted, style, parameters: Float32Array (transferred), ms}
//        count: corrected drawings; accepted: accepted ones learned from; style: the
//        person's style, {slant, aspect}, taken out of their drawings before learning
//        (reader.js, read takes it), null when RECIPE.straighten is off
//   {type: 'error', id, message}   id: the adaptation's, or 0 for the 'json' request
//   {type: 'json', text}
// Requests that arrive while one is running are coalesced: only the latest runs next,
// since each adaptation starts from the shipped model and uses every drawing.

let ready = null;   // Promise of {model, shipped: Float32Array, sample, adapt, recipe}
let pending = null; // the latest 'adapt' message not yet run
let running = false;
let jsonWanted = false;

async function fetchOk(url, what) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${what} ${url}: HTTP ${response.status}`);
  return response;
}

/** The replay sample: gzip-compressed CSV (or plain, if a server already decompressed it). */
async function loadSample(url, parseSample) {
  const bytes = new Uint8Array(await (await fetchOk(url, 'the replay sample')).arrayBuffer());
  const gzip = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  const text = gzip
    ? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text()
    : new TextDecoder().decode(bytes);
  return parseSample(text, url);
}

async function init({ moduleUrl, modelUrl, sampleUrl }) {
  importScripts(moduleUrl);
  const [{ parseSample }, { adapt }, { RECIPE }] = await Promise.all([
    import('./formats.js'), import('./training_set.js'), import('./recipe.js'),
  ]);
  const [Module, modelBytes, sample] = await Promise.all([
    self.createNNModule({ locateFile: (file) => new URL(file, moduleUrl).href }),
    fetchOk(modelUrl, 'the model').then((r) => r.arrayBuffer()),
    loadSample(sampleUrl, parseSample),
  ]);
  const model = new Module.Model(new Uint8Array(modelBytes));
  // The page reads drawings by their distance to the corrected ones and to this sample.
  self.postMessage({ type: 'sample', pixels: sample.pixels, labels: sample.labels });
  return { model, shipped: model.parameters(), sample, adapt, recipe: RECIPE };
}

async function run() {
  if (running) return;
  if (!pending) {
    if (jsonWanted) {
      jsonWanted = false;
      try {
        self.postMessage({ type: 'json', text: (await ready).model.toJSON() });
      } catch (err) {
        self.postMessage({ type: 'error', id: 0, message: err?.message ?? String(err) });
      }
    }
    return;
  }
  running = true;
  const { id, drawings, accepted = [] } = pending;
  pending = null;
  try {
    const { model, shipped, sample, adapt, recipe } = await ready;
    const start = performance.now();
    const learned = adapt(model, shipped, drawings, sample, recipe, accepted);
    const parameters = model.parameters();
    const ms = performance.now() - start;
    self.postMessage({
      type: 'adapted', id, count: drawings.length, accepted: learned.accepted, style: learned.style, parameters, ms,
    }, [parameters.buffer]);
  } catch (err) {
    self.postMessage({ type: 'error', id, message: err?.message ?? String(err) });
  } finally {
    running = false;
    setTimeout(run, 0);
  }
}

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === 'init') {
    ready = init(msg);
    ready.catch(() => {}); // reported to each adapt request that waits for it
  } else if (msg.type === 'adapt') {
    pending = msg;
    run();
  } else if (msg.type === 'json') {
    jsonWanted = true;
    run();
  }
};
