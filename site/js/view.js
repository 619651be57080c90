// view.js: everything the page shows about the network's answer and its state.
// Pure DOM updates; no drawing input, no network calls.
//
// Test hooks (stable): #status[data-state], #prediction[data-digit],
// #probabilities > li[data-digit][data-probability], #topGuesses > li[data-digit].

import { CLASSES, PIXELS, SIDE } from './digit.js';

const DIGITS = [...Array(CLASSES).keys()];
const percent = (p) => (p === 0 ? '0 %' : `${(100 * p).toFixed(1)} %`);

export class View {
  constructor(doc = document) {
    this.status = doc.getElementById('status');
    this.timings = doc.getElementById('timings');
    this.prediction = doc.getElementById('prediction');
    this.digit = this.prediction.querySelector('.digit');
    this.caption = this.prediction.querySelector('.caption');
    this.topGuesses = doc.getElementById('topGuesses');
    this.inputView = doc.getElementById('inputView');
    this.inputCtx = this.inputView.getContext('2d');
    this.rows = this.#buildBars(doc.getElementById('probabilities'));
    this.showEmpty();
  }

  /** @param {'loading'|'ready'|'error'} state */
  setStatus(state, message, hint = '') {
    this.status.dataset.state = state;
    this.status.textContent = message;
    if (hint) {
      const small = document.createElement('span');
      small.className = 'status-hint';
      small.textContent = hint;
      this.status.append(' ', small);
    }
  }

  setTimings(text) {
    this.timings.textContent = text;
  }

  /** No ink: a hint instead of a guess, all bars at zero, a blank input view. */
  showEmpty(caption = 'Draw a digit') {
    this.prediction.dataset.digit = '';
    this.prediction.classList.add('empty');
    this.digit.textContent = '?';
    this.caption.textContent = caption;
    this.topGuesses.replaceChildren();
    for (const d of DIGITS) this.#setBar(d, 0, false);
    this.inputCtx.fillStyle = '#000';
    this.inputCtx.fillRect(0, 0, SIDE, SIDE);
  }

  /** @param {{input: Float32Array, probabilities: Float32Array}} result */
  showResult({ input, probabilities }) {
    const ranked = DIGITS.slice().sort((a, b) => probabilities[b] - probabilities[a]);
    const best = ranked[0];
    this.prediction.dataset.digit = String(best);
    this.prediction.classList.remove('empty');
    this.digit.textContent = String(best);
    this.caption.textContent = `${percent(probabilities[best])} sure`;
    this.topGuesses.replaceChildren(...ranked.slice(0, 3).map((d) => this.#guessItem(d, probabilities[d])));
    for (const d of DIGITS) this.#setBar(d, probabilities[d], d === best);
    this.#drawInput(input);
  }

  /** Marks the answer as still changing, so screen readers wait for the final one. */
  setBusy(busy) {
    this.prediction.setAttribute('aria-busy', String(busy));
  }

  #buildBars(list) {
    const rows = DIGITS.map((d) => {
      const li = document.createElement('li');
      li.dataset.digit = String(d);
      li.innerHTML =
        `<span class="bar-label">${d}</span>` +
        '<span class="bar-track"><span class="bar-fill"></span></span>' +
        '<span class="bar-value"></span>';
      return li;
    });
    list.replaceChildren(...rows);
    return rows;
  }

  #setBar(digit, p, best) {
    const row = this.rows[digit];
    row.dataset.probability = String(p);
    row.classList.toggle('best', best);
    row.querySelector('.bar-fill').style.transform = `scaleX(${p})`;
    row.querySelector('.bar-value').textContent = percent(p);
    row.setAttribute('aria-label', `${digit}: ${percent(p)}`);
  }

  #guessItem(digit, p) {
    const li = document.createElement('li');
    li.dataset.digit = String(digit);
    li.dataset.probability = String(p);
    li.innerHTML = `<span class="guess-digit">${digit}</span> <span class="guess-p">${percent(p)}</span>`;
    return li;
  }

  /** The 28x28 network input, 1 = ink, drawn white on black as MNIST stores it. */
  #drawInput(input) {
    const image = this.inputCtx.createImageData(SIDE, SIDE);
    const rgba = image.data;
    for (let i = 0; i < PIXELS; i++) {
      const v = Math.round(255 * Math.min(1, Math.max(0, input[i])));
      rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = v;
      rgba[4 * i + 3] = 255;
    }
    this.inputCtx.putImageData(image, 0, 0);
  }
}
