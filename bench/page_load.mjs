// page_load.mjs: what a visitor downloads before the page is ready, and how long it takes,
// on a phone over a slow link and on plain localhost. A program that prints figures.
//
//   node bench/page_load.mjs [--runs N] [--profiles slow4g,localhost,repeat]
//                                        (default 5 runs; NN_SITE_DIR=build/wasm/site)
//
// The built site is served by scripts/serve.py (gzip, validators) and opened in Debian's
// Chromium, each run in a fresh context with the browser cache off, in a phone's shape:
// 390x844 CSS pixels, touch, device scale 2. Profiles:
//   slow4g     Lighthouse's "slow 4G" through the DevTools protocol
//              (Network.emulateNetworkConditions): 150 ms round trip, 1.6 Mbit/s down,
//              750 kbit/s up
//   localhost  no throttling
//   repeat     slow 4G, a second visit: one load with the cache on and the service worker
//              allowed, then a reload (answered by the service worker; nothing should cross
//              the wire but the worker's update check)
// "ready" is window.nnTimings.readyMs: navigation start -> module started, model parsed,
// the canvas accepts drawing. Bytes are on the wire (headers included, compressed bodies),
// per file as the browser fetched it, until ready. Prints figures; asserts nothing.

import { parseArgs } from 'node:util';
import { benchInBrowser, waitForLoad } from '../tests/browser/harness.mjs';

const PROFILES = {
  slow4g: { latency: 150, down: 1.6e6, up: 750e3, label: 'slow 4G (150 ms, 1.6 Mbit/s down)' },
  localhost: { label: 'localhost, no throttling' },
  repeat: { latency: 150, down: 1.6e6, up: 750e3, repeat: true, label: 'slow 4G, second visit' },
};
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, profiles: { type: 'string', default: 'slow4g,localhost,repeat' } },
});
const runs = Number(values.runs);
const profiles = values.profiles.split(',');
if (!Number.isInteger(runs) || runs < 1) fail(`--runs expects a positive integer, got ${values.runs}`);
for (const p of profiles) if (!PROFILES[p]) fail(`unknown profile '${p}' (known: ${Object.keys(PROFILES)})`);

function fail(message) {
  console.error(`page_load: error: ${message}`);
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Records every response's bytes on the wire (CDP Network domain), by URL. */
async function recordNetwork(page, cdp) {
  const urls = new Map();
  const files = [];
  cdp.on('Network.responseReceived', (e) => {
    urls.set(e.requestId, { url: e.response.url, status: e.response.status,
      encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '',
      fromServiceWorker: e.response.fromServiceWorker });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = urls.get(e.requestId);
    if (r) files.push({ ...r, bytes: e.encodedDataLength });
  });
  await cdp.send('Network.enable');
  return files;
}

async function throttle(cdp, profile) {
  if (!profile.latency) return;
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: profile.latency,
    downloadThroughput: profile.down / 8, uploadThroughput: profile.up / 8, // bytes per second
  });
}

async function readyTimings(page) {
  const state = await waitForLoad(page, 120_000);
  if (state !== 'ready') throw new Error(`page not ready: ${await page.textContent('#status')}`);
  return page.evaluate(() => ({ ...window.nnTimings }));
}

async function oneRun(browser, url, profile) {
  const context = await browser.newContext({ ...PHONE, serviceWorkers: profile.repeat ? 'allow' : 'block' });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    let files = await recordNetwork(page, cdp);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: !profile.repeat });
    if (profile.repeat) {
      // The first visit, unthrottled: it only fills the caches.
      await page.goto(url);
      await readyTimings(page);
      await page.evaluate(() => navigator.serviceWorker.ready);
      files.length = 0;
    }
    await throttle(cdp, profile);
    if (profile.repeat) await page.reload(); else await page.goto(url);
    const timings = await readyTimings(page);
    files = files.slice(); // what arrived until ready
    return { timings, files };
  } finally {
    await context.close();
  }
}

await benchInBrowser(`, 390x844 touch, cache off; ${runs} runs per profile`, async (browser, url) => {
  const summary = [];
  for (const name of profiles) {
    const profile = PROFILES[name];
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await oneRun(browser, url, profile));
    const { files } = results[0];
    console.log(`== ${profile.label}`);
    console.log('   bytes  status  encoding  file');
    for (const f of files) {
      const path = new URL(f.url).pathname;
      const how = f.fromServiceWorker ? 'worker' : (f.encoding || '-');
      console.log(`${kb(f.bytes).padStart(10)}  ${String(f.status).padStart(4)}  ${how.padEnd(8)}  ${path}`);
    }
    const totals = results.map((r) => r.files.reduce((s, f) => s + f.bytes, 0));
    const ready = results.map((r) => r.timings.readyMs);
    const t = results[0].timings;
    console.log(`   total on the wire: ${kb(median(totals))} in ${files.length} responses (model: ` +
      `${t.modelUrl}, ${t.sizes.join('-')}, ${kb(t.modelBytes)} decoded)`);
    console.log(`   ready: median ${median(ready).toFixed(0)} ms (runs: ${ready.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`   steps, median ms: module ${median(results.map((r) => r.timings.moduleMs)).toFixed(0)}, ` +
      `model fetch ${median(results.map((r) => r.timings.fetchMs)).toFixed(0)}, ` +
      `parse ${median(results.map((r) => r.timings.parseMs)).toFixed(0)}\n`);
    summary.push(`${profile.label.padEnd(36)} ${kb(median(totals)).padStart(10)}  ready ${median(ready).toFixed(0).padStart(6)} ms`);
  }
  console.log('summary (medians):');
  for (const line of summary) console.log(`  ${line}`);
});
