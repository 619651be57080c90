// main.js: wires the page together. The drawing pad reports ink, the throttle
// turns that into at most one guess per LIVE_INTERVAL_MS, the predictor (the
// WebAssembly network) answers and the view shows it.
//
// window.nnTimings (milliseconds, for the tests and bench/browser_ready.mjs):
//   readyMs        navigation start -> network ready (null until then)
//   moduleMs, fetchMs, parseMs   load steps: wasm compile+start, model fetch, model parse
//   modelUrl, modelBytes, sizes  which model file was loaded, its size, its layer sizes
//   lastPredictMs  the latest guess: read the canvas, normalise, forward pass
//   predictMs      every guess so far (at most the last 1000)

import { DrawingPad } from './drawing.js';
import { FrameThrottle } from './throttle.js';
import { LoadError, loadPredictor } from './model.js';
import { registerServiceWorker } from './offline.js';
import { View } from './view.js';

const LIVE_INTERVAL_MS = 100;
const KEPT_TIMINGS = 1000;

const timings = {
  readyMs: null, moduleMs: null, fetchMs: null, parseMs: null, modelUrl: null, modelBytes: null, sizes: null,
  lastPredictMs: null, predictMs: [],
};
window.nnTimings = timings;

const view = new View();
// Learning from corrections (corrections.js and what it imports): loaded once the page is
// ready, so that it is not part of the first load; it re-predicts the canvas whenever the
// model changes.
let corrections = null;
const predictBtn = document.getElementById('predictBtn');
const clearBtn = document.getElementById('clearBtn');
let predictor = null;
// The inside view (inside.js and what it loads): fetched when the person first opens it.
let inside = null;
let insideLoad = null;
const insideBtn = document.getElementById('insideBtn');

const live = new FrameThrottle(LIVE_INTERVAL_MS, predict);
const pad = new DrawingPad(document.getElementById('drawingCanvas'), {
  onStrokeStart: () => view.setBusy(true),
  onChange: () => live.request(),
  onStrokeEnd: () => {
    live.flush();
    view.setBusy(false);
  },
});

function predict() {
  if (!predictor) return;
  const start = performance.now();
  let result;
  try {
    result = pad.hasInk ? predictor.predict(pad.pixels()) : null;
    if (corrections) result = corrections.read(result);
  } catch (err) {
    showError(err);
    return;
  }
  inside?.show(result?.input ?? null);
  if (!result) {
    view.showEmpty();
    corrections?.offer(null);
    return;
  }
  // read the pixels, normalise, forward pass; once corrected, the page's reading too
  // (corrections.js, read: the shipped network and the straightened drawing as well)
  const ms = performance.now() - start;
  timings.lastPredictMs = ms;
  timings.predictMs.push(ms);
  if (timings.predictMs.length > KEPT_TIMINGS) timings.predictMs.shift();
  view.showResult(result);
  corrections?.offer(result);
  showTimings();
}

function clear() {
  live.cancel();
  pad.clear();
  view.showEmpty();
  corrections?.offer(null);
  inside?.show(null);
}

function showTimings() {
  const ms = (x) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;
  const kb = (timings.modelBytes / 1024).toFixed(0);
  let text = `Ready in ${ms(timings.readyMs)} (module ${ms(timings.moduleMs)}, ` +
    `model fetch ${ms(timings.fetchMs)} + parse ${ms(timings.parseMs)}) · ` +
    `${timings.sizes.join('-')} network, ${timings.modelUrl.split('/').pop()} ${kb} KB`;
  if (timings.lastPredictMs != null) text += ` · last guess ${ms(timings.lastPredictMs)}`;
  view.setTimings(text);
}

function setReady(ready) {
  predictBtn.disabled = !ready;
  clearBtn.disabled = !ready;
  insideBtn.disabled = !ready;
}

predictBtn.addEventListener('click', () => {
  live.cancel();
  predict();
  view.setBusy(false);
});
clearBtn.addEventListener('click', clear);
insideBtn.addEventListener('click', () => {
  insideLoad ??= import('./inside.js').then(({ InsidePanel }) => (inside = new InsidePanel(insideBtn, predictor, predict)));
  insideLoad.then((panel) => panel.toggle(), (err) => {
    insideLoad = null; // a later click tries again
    console.error('the inside view is unavailable:', err);
  });
});

// C or Escape clears; the buttons themselves answer to Enter and Space.
document.addEventListener('keydown', (e) => {
  if (!predictor || e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
  if (e.key === 'c' || e.key === 'C' || e.key === 'Escape') clear();
});

/** A model that cannot load or answer: the reason on the page, drawing switched off. */
function showError(err) {
  console.error(err);
  const message = err instanceof LoadError ? err.message : `Unexpected error: ${err?.message ?? err}`;
  view.setStatus('error', message, err?.hint ?? '');
  view.showEmpty('No guesses: the network did not load');
  pad.setEnabled(false);
  setReady(false);
  predictor = null;
}

async function start() {
  view.setStatus('loading', 'Loading…');
  try {
    predictor = await loadPredictor();
  } catch (err) {
    showError(err);
    return;
  }
  performance.mark('nn:ready');
  Object.assign(timings, predictor.loadTimings, { readyMs: performance.now() });
  view.setStatus('ready', 'Ready');
  showTimings();
  setReady(true);
  if (pad.hasInk) predict(); // drawn while loading
  startCorrections();
  registerServiceWorker({
    canReload: () => !pad.hasInk,
    // Short, so that the header keeps its one line on a phone and the canvas does not move.
    onUpdate: () => view.setStatus('ready', 'Updated: reload'),
  });
}

async function startCorrections() {
  try {
    const { Corrections } = await import('./corrections.js');
    corrections = new Corrections({
      onAdapted: () => {
        inside?.syncModel();
        predict();
      },
    });
    corrections.start(predictor);
    if (pad.hasInk) predict(); // offer the correction buttons for what is on the canvas
  } catch (err) {
    console.error('learning from corrections is unavailable:', err);
  }
}

start();
