// corrections.js: the person tells the page the right digit, and the page learns their
// handwriting. After every guess, "Wrong? It is: 0 ... 9" (#correct); pressing a digit
// stores the drawing in this browser (store.js), adapts the model in a worker
// (learner.worker.js, training_set.js) and then re-reads the drawing as reader.js's read
// does (the adapted network, on the drawing as drawn and straightened by the person's
// style, mixed with the shipped one). docs/corrections.md describes the whole.
// A drawing cleared without a correction, its guess sure enough (reader.js, accepts), is
// "accepted": kept as theirs, read right, so that the next adaptations keep reading such
// drawings as before. Accepted drawings are kept in memory until the first
// correction, and stored from then on (the latest RECIPE.accepted of them).
// The drawings stay in the browser; "Download my drawings" (CSV) and "Download my model"
// (weights JSON) save them; #forgetBtn returns to the shipped model and deletes them.
//
// Test hooks (stable): #correct > button[data-correct="D"];
// #learned[data-count][data-accepted][data-state]: count, the corrected drawings learned
// from (the text too); accepted, the accepted drawings kept now (the text gives those the
// latest adaptation learned from: accepting does not adapt again); state "shipped" (no
// corrected drawings), "adapting", "adapted" or "error"; #forgetBtn, #downloadDrawingsBtn,
// #downloadModelBtn.

import { CLASSES } from './digit.js';
import { drawingsToCsv, toBytes } from './formats.js';
import * as reader from './reader.js';
import { RECIPE } from './recipe.js';
import { DrawingStore } from './store.js';

const WORKER_URL = new URL('./learner.worker.js', import.meta.url);
// The module with training (nn-train.js): fetched by the worker at the first correction only.
const TRAIN_MODULE_URL = new URL('../nn-train.js', import.meta.url);
const SAMPLE_URL = new URL('../assets/replay.csv.gz', import.meta.url);

export class Corrections {
  /** @param {{onAdapted: () => void}} hooks onAdapted: the model changed, re-predict */
  constructor({ onAdapted }, doc = document) {
    this.onAdapted = onAdapted;
    this.correctBox = doc.getElementById('correct');
    this.learned = doc.getElementById('learned');
    this.forgetBtn = doc.getElementById('forgetBtn');
    this.drawingsBtn = doc.getElementById('downloadDrawingsBtn');
    this.modelBtn = doc.getElementById('downloadModelBtn');
    this.predictor = null;
    this.shippedModel = null; // the shipped model, read beside the adapted one (reader.js, read)
    this.sample = null;       // the replay sample, from the worker once it has loaded it
    this.style = null;        // the person's style, taken out of the drawings the adapted model
                              // learned (reader.js, read); always set with its parameters
    this.store = null;
    this.drawings = [];       // corrected: [{pixels: Uint8Array(784), label, key}], oldest first
    this.accepted = [];       // accepted, the same (key once stored), at most RECIPE.accepted
    this.guess = null;        // the guess on screen, {input: Float32Array(784), probabilities}, or null
    this.settled = false;     // the drawing on screen was corrected: not to be accepted
    this.worker = null;
    this.lastId = 0;          // the latest adaptation asked for
    this.forgotten = 0;       // results with an id up to this one came before #forgetBtn
    this.lastMs = null;       // the latest adaptation's time in the worker

    const label = doc.createElement('span');
    label.className = 'correct-label';
    label.textContent = 'Wrong? It is:';
    const buttons = [...Array(CLASSES).keys()].map((d) => {
      const b = doc.createElement('button');
      b.type = 'button';
      b.dataset.correct = String(d);
      b.textContent = String(d);
      b.setAttribute('aria-label', `It is a ${d}`);
      b.addEventListener('click', () => this.correct(d));
      return b;
    });
    this.correctBox.replaceChildren(label, ...buttons);
    this.forgetBtn.addEventListener('click', () => this.forget());
    this.drawingsBtn.addEventListener('click', () => this.downloadDrawings());
    this.modelBtn.addEventListener('click', () => this.downloadModel());
    this.offer(null);
    this.#show('shipped');
  }

  /** Once the network is loaded: reads the stored drawings and, if any, adapts to them. */
  async start(predictor) {
    this.predictor = predictor;
    this.shippedModel = predictor.shippedCopy();
    try {
      this.store = await DrawingStore.open();
      const stored = await this.store.all();
      this.drawings = stored.filter((d) => !d.accepted);
      this.accepted = stored.filter((d) => d.accepted).concat(this.accepted);
    } catch (err) {
      console.error(err);
      this.#show('error', `Cannot keep your drawings in this browser: ${err?.message ?? err}`);
      return;
    }
    if (this.drawings.length) this.#adapt();
    else this.#show('shipped');
    // Any accepted while the store opened, and the oldest beyond RECIPE.accepted.
    await this.#save(this.#keepLatest());
  }

  /**
   * A guess of the (adapted) network, read as reader.js reads once it has learned: the
   * drawing also straightened by the person's style, the adapted network mixed with the
   * shipped one by the distance to the corrected drawings, then the memory. The same
   * result with the page's probabilities.
   */
  read(result) {
    if (!result || !this.drawings.length || !this.shippedModel) return result;
    const probabilities = reader.read(this.shippedModel, this.predictor.model, this.drawings, result.input,
      { style: this.style, sample: this.sample, adaptedAsDrawn: result.probabilities });
    return { ...result, probabilities };
  }

  /**
   * The guess on screen changed: {input, probabilities}, or null when there is none (the
   * canvas was cleared). Clearing a guess that was not corrected accepts it, if it was sure.
   */
  offer(result) {
    if (!result) {
      if (this.guess && !this.settled && this.predictor) this.#accept(this.guess);
      this.settled = false;
    }
    this.guess = result;
    this.correctBox.hidden = !result || !this.predictor;
  }

  async correct(digit) {
    if (!this.guess || !this.store) return;
    const drawing = { pixels: toBytes(this.guess.input), label: digit };
    this.settled = true;
    this.drawings.push(drawing);
    this.#adapt();
    await this.#save();
  }

  /**
   * Keeps a guess cleared without a correction, if the page was sure of it and the drawing
   * is not a corrected one drawn again (which the memory, not the network, reads right).
   */
  #accept({ input, probabilities }) {
    const label = reader.accepts(probabilities);
    if (label < 0 || reader.recall(this.drawings, input)) return;
    this.accepted.push({ pixels: toBytes(input), label, accepted: true });
    this.learned.dataset.accepted = String(this.accepted.length);
    this.#save(this.#keepLatest());
  }

  /** Drops the oldest accepted drawings beyond RECIPE.accepted; returns their store keys. */
  #keepLatest() {
    const over = this.accepted.length - RECIPE.accepted;
    return over > 0 ? this.accepted.splice(0, over).map((d) => d.key).filter((k) => k != null) : [];
  }

  /**
   * Stores the drawings not stored yet, once the person has corrected one (until then,
   * nothing is kept), and deletes the ones with the keys in `remove`. A drawing's key is
   * null while it is being stored, then its key (store.js, put).
   */
  async #save(remove = []) {
    if (!this.store) return;
    const batch = this.drawings.length ? [...this.drawings, ...this.accepted].filter((d) => d.key === undefined) : [];
    if (!batch.length && !remove.length) return;
    for (const d of batch) d.key = null;
    try {
      await this.store.put(batch, remove);
    } catch (err) {
      for (const d of batch) if (d.key === null) d.key = undefined;
      console.error(err);
      this.#show('error', `Could not store the drawing: ${err?.message ?? err}`);
    }
  }

  async forget() {
    if (!this.predictor) return;
    if (!window.confirm('Forget your drawings and return to the shipped model?')) return;
    this.forgotten = this.lastId;
    this.drawings = [];
    this.accepted = [];
    this.style = null;
    this.predictor.model.setParameters(this.shippedModel.parameters());
    this.#show('shipped');
    this.onAdapted();
    try {
      await this.store?.clear();
    } catch (err) {
      console.error(err);
      this.#show('error', `Could not delete the stored drawings: ${err?.message ?? err}`);
    }
  }

  downloadDrawings() {
    save(new Blob([drawingsToCsv([...this.drawings, ...this.accepted])], { type: 'text/csv' }), 'my-drawings.csv');
  }

  /** The adapted model's weights JSON, written by the worker (the page's module only predicts). */
  downloadModel() {
    if (!this.predictor || !this.drawings.length) return;
    if (!this.worker) this.#adapt();
    this.worker.postMessage({ type: 'json' });
  }

  /** Asks the worker to adapt to every drawing so far (started, with its data, on first use). */
  #adapt() {
    if (!this.worker) {
      this.worker = new Worker(WORKER_URL);
      this.worker.onmessage = (e) => this.#adapted(e.data);
      this.worker.onerror = (e) => this.#show('error', `The learner stopped: ${e.message ?? 'worker error'}`);
      this.worker.postMessage({
        type: 'init', moduleUrl: TRAIN_MODULE_URL.href, sampleUrl: SAMPLE_URL.href,
        // the model the page loaded (model.nnm, or the weights JSON a site may have instead)
        modelUrl: new URL(this.predictor.loadTimings.modelUrl, document.baseURI).href,
      });
    }
    this.lastId += 1;
    this.worker.postMessage({ type: 'adapt', id: this.lastId, drawings: this.drawings, accepted: this.accepted });
    this.#show('adapting');
  }

  #adapted(msg) {
    if (msg.type === 'sample') {
      this.sample = { pixels: msg.pixels, labels: msg.labels };
      this.onAdapted();  // re-read the drawing on screen with it
      return;
    }
    if (msg.type === 'json') {
      save(new Blob([msg.text], { type: 'application/json' }), 'my-model.json');
      return;
    }
    if (msg.type === 'error' && !msg.id) {  // not an adaptation: the model's JSON
      this.#show('error', `Could not write your model: ${msg.message}`);
      return;
    }
    if (msg.id <= this.forgotten) return;  // asked for before the drawings were forgotten
    if (msg.type === 'error') {
      this.#show('error', `Could not learn from your drawings: ${msg.message}`);
      return;
    }
    this.predictor.model.setParameters(msg.parameters);
    this.style = msg.style;
    this.lastMs = msg.ms;
    if (msg.id === this.lastId) this.#show('adapted', '', msg.count, msg.accepted);
    this.onAdapted();
  }

  /** count: corrected drawings; accepted: accepted ones learned from. */
  #show(state, message = '', count = this.drawings.length, accepted = this.accepted.length) {
    this.learned.dataset.state = state;
    this.learned.dataset.count = String(count);
    this.learned.dataset.accepted = String(this.accepted.length);
    const n = `${count} correction${count === 1 ? '' : 's'}` +
      (accepted ? ` and ${accepted} drawing${accepted === 1 ? '' : 's'} it read right` : '');
    const ms = this.lastMs == null ? '' : ` (${Math.round(this.lastMs)} ms)`;
    this.learned.textContent = {
      shipped: 'Using the shipped model. Correct a wrong guess to teach it your handwriting.',
      adapting: `Learning from ${n}…`,
      adapted: `Learned from ${n}${ms}.`,
      error: message,
    }[state];
    this.forgetBtn.disabled = this.drawingsBtn.disabled = this.modelBtn.disabled =
      count === 0 && state !== 'adapting';
  }
}

/** Saves a Blob as a file download; nothing leaves the browser. */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
