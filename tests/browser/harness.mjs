// harness.mjs: what the browser tests and the browser benchmarks (bench/*.mjs) share: the
// built site's folder, scripts/serve.py on a free port, and Debian's Chromium through
// playwright-core (which never downloads a browser).
//
// Environment:
//   NN_SITE_DIR   the built site (default build/wasm/site)
//   NN_CHROMIUM   the browser binary (default /usr/bin/chromium)

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CANVAS } from '../../site/js/digit.js';
import '../../site/js/model_files.js'; // sets globalThis.nnModelFiles, as for the page

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SITE_DIR = path.resolve(ROOT, process.env.NN_SITE_DIR ?? 'build/wasm/site');
export const CHROMIUM = process.env.NN_CHROMIUM ?? '/usr/bin/chromium';
export const CANVAS_SIZE = CANVAS; // #drawingCanvas bitmap, pixels
/** The models the page looks for, in its order (site/js/model_files.js). */
export const MODEL_FILES = globalThis.nnModelFiles;
/** The one the page loads from this site. */
export const SITE_MODEL = MODEL_FILES.find((f) => existsSync(path.join(SITE_DIR, f))) ?? MODEL_FILES[0];

/** Throws, saying what to do, unless the site, module, model and browser are all there. */
export function checkPrerequisites() {
  const need = [
    [path.join(SITE_DIR, 'index.html'), 'build the site: cmake --preset wasm && cmake --build --preset wasm'],
    [path.join(SITE_DIR, 'nn.js'), 'build the module: cmake --preset wasm && cmake --build --preset wasm'],
    [path.join(SITE_DIR, 'nn.wasm'), 'build the module: cmake --preset wasm && cmake --build --preset wasm'],
    [MODEL_FILES.map((f) => path.join(SITE_DIR, f)),
      'train a model (scripts/train_page_model.sh site/assets/my_weights.json), convert it with nn-convert ' +
      'to site/assets/model.nnm, then rebuild the site'],
    [CHROMIUM, 'install Chromium (apt-get install chromium) or set NN_CHROMIUM'],
  ];
  // A list of files: any one of them will do.
  const missing = need.filter(([file]) => ![file].flat().some((f) => existsSync(f)));
  if (missing.length) {
    throw new Error('browser tests cannot run, missing:\n' +
      missing.map(([file, hint]) => `  ${[file].flat().join(' or ')}\n    hint: ${hint}`).join('\n'));
  }
}

/**
 * What a test file or a benchmark starts with: the prerequisites checked, the site
 * served and Chromium started. {server, browser}; closeSite stops them.
 */
export async function openSite() {
  checkPrerequisites();
  const server = await startServer();
  try {
    return { server, browser: await launchBrowser() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** Stops what openSite started (either may be missing, if it failed). */
export async function closeSite({ server, browser }) {
  await browser?.close();
  await server?.stop();
}

/**
 * A benchmark's frame: openSite, prints which site and browser (and `setting`, how the
 * runs are made), runs body(browser, url) and closes the site, whatever happens.
 */
export async function benchInBrowser(setting, body) {
  const site = await openSite();
  try {
    console.log(`site: ${SITE_DIR}`);
    console.log(`browser: Chromium ${site.browser.version()}, headless${setting}\n`);
    return await body(site.browser, site.server.url);
  } finally {
    await closeSite(site);
  }
}

/**
 * Starts scripts/serve.py on a free port (it prints the address it took).
 * @returns {Promise<{url: string, stop: () => Promise<void>}>}
 */
export function startServer(dir = SITE_DIR) {
  const child = spawn('python3', [path.join(ROOT, 'scripts/serve.py'), '--dir', dir, '--port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`serve.py did not start within 10 s\nstdout: ${out}\nstderr: ${err}`));
    }, 10_000);
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/(http:\/\/\S+)\s/); // "Serving DIR at http://127.0.0.1:PORT/ ..."
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1].endsWith('/') ? m[1] : `${m[1]}/`, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.py exited with ${code}\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

/**
 * Launches headless Chromium. playwright-core gives every launch a fresh temporary
 * profile (--user-data-dir) and removes it on close.
 */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
}

/** A phone-sized context with touch, like an iPhone 12-ish screen. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** Waits until #status says ready or error; returns the state. */
export async function waitForLoad(page, timeout = 20_000) {
  await page.waitForSelector('#status:is([data-state="ready"], [data-state="error"])', { timeout });
  return page.getAttribute('#status', 'data-state');
}

/** Maps points in canvas bitmap pixels (0..336) to page coordinates. */
export async function canvasToPage(page, points) {
  const box = await page.locator('#drawingCanvas').boundingBox();
  return points.map(([x, y]) => [box.x + (x * box.width) / CANVAS_SIZE, box.y + (y * box.height) / CANVAS_SIZE]);
}

/**
 * Draws one stroke with the mouse through `points` (canvas bitmap pixels).
 * With `release: false` the button stays down (a stroke in progress).
 */
export async function drawMouseStroke(page, points, { steps = 6, release = true } = {}) {
  const at = await canvasToPage(page, points);
  await page.mouse.move(...at[0]);
  await page.mouse.down();
  for (const p of at.slice(1)) await page.mouse.move(...p, { steps });
  if (release) await page.mouse.up();
}

/** Strokes of a few digits, in canvas bitmap pixels. */
export const STROKES = {
  one: [[170, 50], [168, 120], [166, 190], [165, 286]],
  seven: [[90, 70], [170, 68], [250, 70], [215, 150], [185, 220], [165, 290]],
};

/**
 * One finger dragged through `points` (page CSS pixels) with CDP touch events, as a
 * phone sends them. With `release: false` the finger stays down (a stroke in progress).
 */
export async function touchDrag(page, points, { release = true } = {}) {
  const cdp = await page.context().newCDPSession(page);
  const [x0, y0] = points[0];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: x0, y: y0 }] });
  for (const [x, y] of points.slice(1)) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }] });
  }
  if (release) await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/** Counts the canvas pixels darker than mid-grey. */
export function countInk(page, selector = '#drawingCanvas') {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++;
    return n;
  }, selector);
}
