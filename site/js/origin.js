// origin.js: "where it comes from", part of the inside view (inside.js), fetched when the
// person opens that part: the shipped model's training curves and confusion matrix (the
// trainer's --report-json, assets/report.json) and the MNIST test digits it misreads
// (nn-misread, assets/misread.json), both written by scripts/train_page_model.sh.

import { CLASSES, PIXELS, SIDE } from './digit.js';
import { element } from './inside.js';

export const REPORT_URL = new URL('../assets/report.json', import.meta.url);
export const MISREAD_URL = new URL('../assets/misread.json', import.meta.url);
const SHOWN_MISREAD = 100;
const SVG = 'http://www.w3.org/2000/svg';

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
  return response.json();
}

/**
 * A small line chart: one polyline per series over the epochs, y from `min` to `max`.
 * @param {{label: string, values: number[], className: string}[]} series
 */
function chart(doc, title, series, min, max, format) {
  const W = 150, H = 70;
  const figure = element(doc, 'figure', 'origin-chart');
  const svg = doc.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (i) => (n > 1 ? (i / (n - 1)) * (W - 2) + 1 : W / 2);
  const y = (v) => H - 1 - ((Math.max(min, Math.min(max, v)) - min) / (max - min || 1)) * (H - 2);
  for (const s of series) {
    const line = doc.createElementNS(SVG, 'polyline');
    line.setAttribute('points', s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '));
    line.setAttribute('class', s.className);
    svg.append(line);
  }
  const last = series.map((s) => `${s.label} ${format(s.values[s.values.length - 1])}`).join(', ');
  svg.setAttribute('aria-label', `${title} over ${n} epochs; last: ${last}`);
  figure.append(svg, element(doc, 'figcaption', null, `${title} (last: ${last})`));
  return figure;
}

/** The confusion matrix as a table, mistakes shaded by their share of the row. */
function confusionTable(doc, confusion) {
  const table = element(doc, 'table', 'origin-confusion');
  table.append(element(doc, 'caption', null, 'Mistakes: each true digit (row) read as another (column); the diagonal, read right, is shaded'));
  const head = element(doc, 'tr');
  head.append(element(doc, 'th', null, ''));
  for (let d = 0; d < CLASSES; d++) head.append(element(doc, 'th', null, String(d)));
  table.append(head);
  confusion.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const tr = element(doc, 'tr');
    tr.append(element(doc, 'th', null, String(t)));
    row.forEach((count, p) => {
      // The diagonal (read right) is shaded, not counted: the mistakes are the story, and
      // four-digit counts would not fit a phone's width.
      const td = element(doc, 'td', t === p ? 'right' : count ? 'wrong' : '', t === p ? '' : String(count));
      td.title = `${count} ${t}s read as ${p}`;
      const share = count / total;
      if (t !== p && count) td.style.setProperty('--share', String(Math.min(1, 0.15 + 20 * share)));
      tr.append(td);
    });
    table.append(tr);
  });
  return table;
}

/** A 28x28 digit from base64 bytes (ink = 255), white on black as MNIST stores it. */
function digitCanvas(doc, base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const canvas = doc.createElement('canvas');
  canvas.width = canvas.height = SIDE;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(SIDE, SIDE);
  for (let i = 0; i < PIXELS; i++) {
    image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = bytes[i] ?? 0;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

function misreadList(doc, misread) {
  const box = element(doc, 'div', 'origin-misread');
  const shown = misread.digits.slice(0, SHOWN_MISREAD);
  box.append(element(doc, 'p', 'origin-text',
    `It misreads ${misread.mistakes} of MNIST's ${misread.samples.toLocaleString('en')} test digits ` +
    `(shown as it sees them${shown.length < misread.mistakes ? `, the first ${shown.length}` : ''}): ` +
    'the true digit, then its answer.'));
  const list = element(doc, 'ol', 'origin-digits');
  for (const d of shown) {
    const li = element(doc, 'li');
    li.dataset.label = String(d.label);
    li.dataset.predicted = String(d.predicted);
    const canvas = digitCanvas(doc, d.pixels);
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `a ${d.label} read as ${d.predicted}`);
    li.append(canvas, element(doc, 'span', null, `${d.label}→${d.predicted}`));
    list.append(li);
  }
  box.append(list);
  return box;
}

/** Fills `root` with the report's curves and matrix and the misread digits. */
export async function showOrigin(root) {
  const doc = root.ownerDocument;
  const [report, misread] = await Promise.allSettled([fetchJson(REPORT_URL), fetchJson(MISREAD_URL)]);
  const parts = [];
  if (report.status === 'fulfilled') {
    const r = report.value;
    const epochs = r.epochs ?? [];
    const pct = (v) => `${(100 * v).toFixed(2)} %`;
    const bits = (v) => v.toFixed(3);
    const loss = epochs.flatMap((e) => [e.train_loss, e.validation_loss]);
    const accuracy = epochs.map((e) => e.validation_accuracy);
    parts.push(element(doc, 'p', 'origin-text',
      `Trained for ${epochs.length} epochs on MNIST's 60,000 training digits; measured on ` +
      `${r.evaluation_data.split('/').pop()} with the trained weights, before they were compressed for the page.`));
    const charts = element(doc, 'div', 'origin-charts');
    charts.append(
      chart(doc, 'Loss, bits per digit', [
        { label: 'training', values: epochs.map((e) => e.train_loss), className: 'train' },
        { label: 'test', values: epochs.map((e) => e.validation_loss), className: 'test' },
      ], 0, Math.max(...loss), bits),
      chart(doc, 'Test accuracy', [{ label: 'test', values: accuracy, className: 'test' }],
        Math.min(...accuracy), Math.max(...accuracy), pct));
    parts.push(charts, confusionTable(doc, r.confusion));
  } else {
    parts.push(element(doc, 'p', 'origin-text', 'No training report came with this model.'));
  }
  if (misread.status === 'fulfilled') parts.push(misreadList(doc, misread.value));
  root.replaceChildren(...parts);
  return { report: report.status === 'fulfilled', misread: misread.status === 'fulfilled' };
}
