// browser_ready.mjs: how fast the built page gets ready and guesses, in real Chromium.
//
//   node bench/browser_ready.mjs [--runs N]      (default 5; NN_SITE_DIR=build/wasm/site)
//
// Serves the built site with scripts/serve.py and opens it N times, each in a fresh
// browser context (empty cache). Per run it prints, in milliseconds from navigation
// start: the document's response end, DOMContentLoaded, load, and "ready" (module
// compiled and model parsed, window.nnTimings.readyMs), with the load steps; then it
// draws a digit slowly with the mouse and reports the live guesses made during the
// stroke (normalise + forward pass in WebAssembly, window.nnTimings.predictMs).
// It prints figures only; it asserts nothing.

import { parseArgs } from 'node:util';
import { benchInBrowser, drawMouseStroke, waitForLoad } from '../tests/browser/harness.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`browser_ready: error: --runs expects a positive integer, got ${values.runs}`);
  process.exit(2);
}

/** An "8" traced twice, slowly enough (~2 s) for the 100 ms live guesses to fire many times. */
const EIGHT = Array.from({ length: 121 }, (_, i) => {
  const t = (i / 60) * 2 * Math.PI;
  return [168 + 56 * Math.sin(2 * t), 168 - 110 * Math.cos(t)];
});

const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, width = 8) => (Number.isFinite(x) ? x.toFixed(1) : '-').padStart(width);

async function oneRun(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(url);
    const state = await waitForLoad(page, 60_000);
    if (state !== 'ready') throw new Error(`page not ready: ${await page.textContent('#status')}`);
    const load = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return { ...window.nnTimings, responseEnd: nav.responseEnd,
        domContentLoaded: nav.domContentLoadedEventEnd, loadEvent: nav.loadEventEnd };
    });
    await drawMouseStroke(page, EIGHT, { steps: 2 });
    await page.waitForTimeout(200); // the final guess after the stroke
    const predictMs = await page.evaluate(() => window.nnTimings.predictMs.slice());
    return { ...load, predictMs, digit: await page.getAttribute('#prediction', 'data-digit') };
  } finally {
    await context.close();
  }
}

await benchInBrowser(`; ${runs} runs, each in a fresh context`, async (browser, url) => {
  console.log('run  response     DOM    load   ready | module   fetch   parse | guesses  median     max  digit');
  const all = [];
  for (let i = 1; i <= runs; i++) {
    const r = await oneRun(browser, url);
    all.push(r);
    console.log(`${String(i).padStart(3)} ${fmt(r.responseEnd, 9)}${fmt(r.domContentLoaded)}${fmt(r.loadEvent)}` +
      `${fmt(r.readyMs)} |${fmt(r.moduleMs, 7)}${fmt(r.fetchMs)}${fmt(r.parseMs)} |` +
      `${String(r.predictMs.length).padStart(8)}${fmt(median(r.predictMs))}${fmt(Math.max(...r.predictMs))}` +
      `${String(r.digit).padStart(7)}`);
  }
  const pick = (key) => all.map((r) => r[key]);
  const guesses = all.flatMap((r) => r.predictMs);
  console.log('\nmedians over runs (ms):');
  console.log(`  navigation start -> ready     ${fmt(median(pick('readyMs')))}`);
  console.log(`  navigation start -> load      ${fmt(median(pick('loadEvent')))}`);
  console.log(`  wasm module compile + start   ${fmt(median(pick('moduleMs')))}`);
  console.log(`  model fetch                   ${fmt(median(pick('fetchMs')))}`);
  console.log(`  model parse (new Model)       ${fmt(median(pick('parseMs')))}`);
  console.log(`  one guess during a stroke     ${fmt(median(guesses), 8)}  (${guesses.length} guesses; ` +
    `read canvas + normalise 336x336 -> 28x28 + forward pass)`);
});
