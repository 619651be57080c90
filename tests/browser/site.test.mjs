// site.test.mjs: the built page in a real browser (Debian's Chromium through
// playwright-core), served by scripts/serve.py exactly as a person would use it.
//
//   node --test tests/browser/          (NN_SITE_DIR=build/wasm/site by default)
//
// Needs the wasm build and a trained model in <site>/assets/my_weights.json; it
// fails at once, saying what is missing, when they are not there.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CANVAS_SIZE, PHONE, SITE_MODEL, STROKES, canvasToPage, closeSite, countInk, drawMouseStroke, openSite,
  touchDrag, waitForLoad,
} from './harness.mjs';

const DESKTOP = { viewport: { width: 1100, height: 800 } };
const MODEL_GLOB = `**/${SITE_MODEL}`;

let server;
let browser;

before(async () => ({ server, browser } = await openSite()));
after(() => closeSite({ server, browser }));

/**
 * Opens the page in a fresh context and records console errors and page errors.
 * `setup(page)` runs before navigation (e.g. to add routes).
 */
async function openPage(options = DESKTOP, setup = async () => {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    // A site without the compact model answers its request with 404 before the page
    // falls back to my_weights.json: the browser logs that, and it is expected.
    const fallback = SITE_MODEL !== 'assets/model.nnm' && m.location().url.endsWith('/assets/model.nnm');
    if (m.type() === 'error' && !fallback) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await setup(page);
  await page.goto(server.url);
  const state = await waitForLoad(page);
  return { page, context, problems, state };
}

/**
 * Opens the page (see openPage), asserts that it became ready, runs body with it,
 * and always closes the context.
 */
async function withReadyPage(body, options = DESKTOP, setup = undefined) {
  const opened = await openPage(options, setup);
  try {
    await assertReady(opened);
    await body(opened);
  } finally {
    await opened.context.close();
  }
}

/** Asserts the page is ready, saying what it shows instead. */
async function assertReady({ page, problems, state }) {
  assert.equal(state, 'ready',
    `status: ${await page.textContent('#status')}\nproblems: ${problems.join('\n') || 'none'}`);
}

async function readProbabilities(page) {
  return page.$$eval('#probabilities li', (rows) =>
    rows.map((r) => ({ digit: Number(r.dataset.digit), p: Number(r.dataset.probability) })));
}

const predicted = (page) => page.getAttribute('#prediction', 'data-digit');

describe('a working site', () => {
  test('loads without console or page errors and becomes ready', async () => {
    await withReadyPage(async ({ page, problems }) => {
      assert.deepEqual(problems, []);
      assert.equal(await page.isEnabled('#predictBtn'), true);
      assert.equal(await page.isEnabled('#clearBtn'), true);
      const timings = await page.evaluate(() => window.nnTimings);
      assert.ok(timings.readyMs > 0, `readyMs = ${timings.readyMs}`);
      assert.match(await page.textContent('#timings'), /Ready in \d/);
      // Empty at first: a hint, no guess, all bars at zero.
      assert.equal(await predicted(page), '');
      assert.match(await page.textContent('#prediction'), /Draw a digit/);
      assert.ok((await readProbabilities(page)).every(({ p }) => p === 0));
    });
  });

  test('serves nn.wasm as application/wasm', async () => {
    const types = new Map();
    await withReadyPage(async () => {
      assert.equal(types.size, 1, `wasm responses: ${[...types.keys()]}`);
      assert.equal([...types.values()][0], 'application/wasm');
    }, DESKTOP, async (page) => {
      page.on('response', (r) => {
        if (r.url().endsWith('.wasm')) types.set(r.url(), r.headers()['content-type']);
      });
    });
  });

  test('a drawn 7 and Predict give a digit and ten probabilities summing to 1', async () => {
    await withReadyPage(async ({ page, problems }) => {
      await drawMouseStroke(page, STROKES.seven);
      await page.click('#predictBtn');
      assert.match(await predicted(page), /^[0-9]$/);
      const probs = await readProbabilities(page);
      assert.deepEqual(probs.map((r) => r.digit), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.ok(probs.every(({ p }) => p >= 0 && p <= 1), JSON.stringify(probs));
      const sum = probs.reduce((s, { p }) => s + p, 0);
      assert.ok(Math.abs(sum - 1) <= 1e-3, `sum of probabilities = ${sum}`);
      assert.equal(await page.locator('#topGuesses li').count(), 3);
      // The shown digit is the most probable one.
      const best = probs.reduce((a, b) => (b.p > a.p ? b : a));
      assert.equal(await predicted(page), String(best.digit));
      assert.ok(Number.isFinite(await page.evaluate(() => window.nnTimings.lastPredictMs)));
      assert.deepEqual(problems, []);
    });
  });

  test('a vertical stroke is read as a 1', async () => {
    await withReadyPage(async ({ page }) => {
      await drawMouseStroke(page, STROKES.one);
      await page.click('#predictBtn');
      const probs = await readProbabilities(page);
      assert.equal(await predicted(page), '1', `probabilities: ${JSON.stringify(probs)}`);
    });
  });

  test('the network input view shows the normalised drawing', async () => {
    await withReadyPage(async ({ page }) => {
      await drawMouseStroke(page, STROKES.seven);
      await page.click('#predictBtn');
      // MNIST framing: ink inside the centre 20x20 box, a 4-pixel empty border.
      const ink = await page.evaluate(() => {
        const d = document.getElementById('inputView').getContext('2d').getImageData(0, 0, 28, 28).data;
        let inside = 0;
        let border = 0;
        for (let i = 0; i < 784; i++) {
          const x = i % 28;
          const y = Math.floor(i / 28);
          if (d[4 * i] < 64) continue;
          if (x >= 4 && x < 24 && y >= 4 && y < 24) inside++; else border++;
        }
        return { inside, border };
      });
      assert.ok(ink.inside > 20, JSON.stringify(ink));
      assert.ok(ink.border <= 0.1 * ink.inside, JSON.stringify(ink));
    });
  });

  test('Clear empties the canvas and the prediction', async () => {
    await withReadyPage(async ({ page }) => {
      await drawMouseStroke(page, STROKES.seven);
      await page.click('#predictBtn');
      assert.notEqual(await predicted(page), '');
      assert.ok((await countInk(page)) > 1000);

      await page.click('#clearBtn');
      const nonWhite = await page.evaluate(() => {
        const c = document.getElementById('drawingCanvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] !== 255 || d[i + 1] !== 255 || d[i + 2] !== 255) n++;
        return n;
      });
      assert.equal(nonWhite, 0);
      assert.equal(await predicted(page), '');
      assert.match(await page.textContent('#prediction'), /Draw a digit/);
      assert.equal(await page.locator('#topGuesses li').count(), 0);
      assert.ok((await readProbabilities(page)).every(({ p }) => p === 0));
    });
  });

  test('an empty canvas gives no guess', async () => {
    await withReadyPage(async ({ page }) => {
      await page.click('#predictBtn');
      assert.equal(await predicted(page), '');
      assert.match(await page.textContent('#prediction'), /Draw a digit/);
      assert.ok((await readProbabilities(page)).every(({ p }) => p === 0));
    });
  });

  test('the guess updates live while drawing, without Predict', async () => {
    await withReadyPage(async ({ page }) => {
      // Button still down: the stroke is in progress.
      await drawMouseStroke(page, STROKES.one, { release: false });
      await page.waitForSelector('#prediction:not([data-digit=""])', { timeout: 1000 });
      assert.match(await predicted(page), /^[0-9]$/);
      await page.mouse.up();
    });
  });

  test('the keyboard reaches both buttons and C clears', async () => {
    await withReadyPage(async ({ page }) => {
      const focused = [];
      for (let i = 0; i < 2; i++) {
        await page.keyboard.press('Tab');
        focused.push(await page.evaluate(() => document.activeElement?.id));
      }
      assert.deepEqual(focused, ['predictBtn', 'clearBtn']);
      await drawMouseStroke(page, STROKES.seven);
      await page.waitForSelector('#prediction:not([data-digit=""])', { timeout: 1000 });
      await page.keyboard.press('c');
      assert.equal(await predicted(page), '');
      assert.equal(await countInk(page), 0);
    });
  });
});

describe('on a phone', () => {
  /** A vertical drag downwards in steps, as a finger would (page pixels). */
  const verticalPath = (x, y0, y1, n = 12) =>
    Array.from({ length: n + 1 }, (_, i) => [x, y0 + ((y1 - y0) * i) / n]);

  test('a finger stroke draws and does not scroll the page', async () => {
    await withReadyPage(async ({ page, problems }) => {
      // Make sure the page could scroll if the touch were taken as a pan.
      await page.evaluate(() => { document.body.style.minHeight = '3000px'; });
      const [[x, top], [, bottom]] = await canvasToPage(page, [[CANVAS_SIZE / 2, 60], [0, 290]]);
      // Drag upwards: a pan would scroll the page down.
      await touchDrag(page, verticalPath(x, bottom, top));
      assert.ok((await countInk(page)) > 1000, 'the finger left no ink');
      assert.equal(await page.evaluate(() => window.scrollY), 0);
      await page.waitForSelector('#prediction:not([data-digit=""])', { timeout: 1000 });
      assert.deepEqual(problems, []);

      // Control: the same drag on the page's header does scroll, so the check above means something.
      const header = await page.locator('.page-header').boundingBox();
      await touchDrag(page, verticalPath(header.x + 40, header.y + header.height, header.y - 100 + header.height));
      await page.waitForFunction(() => window.scrollY > 0, null, { timeout: 2000 });
    }, PHONE);
  });

  test('pointer positions are scaled when the canvas is shown smaller', async () => {
    await withReadyPage(async ({ page }) => {
      const box = await page.locator('#drawingCanvas').boundingBox();
      assert.ok(box.width < CANVAS_SIZE - 20, `canvas shown ${box.width} px wide`);
      assert.ok(Math.abs(box.width - box.height) < 1, 'canvas stays square');
      // A tap at the displayed centre must leave its dot at the bitmap's centre.
      await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
      const ink = await page.evaluate(() => {
        const c = document.getElementById('drawingCanvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        let sx = 0;
        let sy = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i] >= 128) continue;
          const p = i / 4;
          n++;
          sx += p % c.width;
          sy += Math.floor(p / c.width);
        }
        return { n, x: sx / n, y: sy / n };
      });
      assert.ok(ink.n > 100, `a tap leaves a dot (${ink.n} dark pixels)`);
      assert.ok(Math.abs(ink.x - CANVAS_SIZE / 2) < 3 && Math.abs(ink.y - CANVAS_SIZE / 2) < 3,
        `dot centred at (${ink.x.toFixed(1)}, ${ink.y.toFixed(1)}), expected (168, 168)`);
    }, { ...PHONE, viewport: { width: 320, height: 640 } });
  });
});

describe('a broken model or module', () => {
  async function expectError(fulfil, pattern, glob = MODEL_GLOB) {
    const { page, context, problems, state } = await openPage(DESKTOP, (p) => p.route(glob, fulfil));
    try {
      assert.equal(state, 'error');
      const message = await page.textContent('#status');
      assert.match(message, pattern);
      assert.equal(await page.isDisabled('#predictBtn'), true);
      assert.equal(await page.isDisabled('#clearBtn'), true);
      assert.equal(await predicted(page), '');
      assert.deepEqual(problems.filter((p) => p.startsWith('pageerror')), [], 'no uncaught error');
    } finally {
      await context.close();
    }
  }

  test('invalid JSON shows the error state with the parser\'s message', () =>
    expectError((route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"W0": [0.1, 0.2' }),
      /(model\.nnm|my_weights\.json) is not valid: \S+/, '**/assets/{model.nnm,my_weights.json}'));

  test('a missing model (404 for both model files) shows the error state', () =>
    expectError((route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }),
      /Could not load the model .*model\.nnm: HTTP 404.*my_weights\.json: HTTP 404/,
      '**/assets/{model.nnm,my_weights.json}'));

  /** A weights JSON of the given layer sizes, every weight `w` and bias 0. */
  function modelJson(sizes, w = 0.01) {
    const layers = {};
    for (let k = 0; k + 1 < sizes.length; k++) {
      layers[`W${k}`] = new Array(sizes[k] * sizes[k + 1]).fill(w);
      layers[`b${k}`] = new Array(sizes[k + 1]).fill(0);
    }
    return JSON.stringify(layers);
  }
  const BOTH_MODELS = '**/assets/{model.nnm,my_weights.json}';
  const serve = (body) => (route) => route.fulfill({ status: 200, contentType: 'application/json', body });

  test('a model with 5 outputs is refused, saying the page needs 784 -> ... -> 10', () =>
    expectError(serve(modelJson([784, 3, 5])),
      /is a 784 -> 3 -> 5 network; this page needs 784 inputs \(28x28 pixels\) and 10 outputs/, BOTH_MODELS));

  test('a model with 4 inputs is refused, saying the page needs 784 -> ... -> 10', () =>
    expectError(serve(modelJson([4, 2, 10])), /is a 4 -> 2 -> 10 network; this page needs 784 inputs/, BOTH_MODELS));

  test('a model whose outputs overflow never shows "NaN %"', async () => {
    const { page, context, problems, state } =
      await openPage(DESKTOP, (p) => p.route(BOTH_MODELS, serve(modelJson([784, 10], 3e38))));
    try {
      if (state === 'ready') {
        await drawMouseStroke(page, STROKES.seven); // the live guess runs at the stroke's end
        await page.waitForSelector('#prediction:not([data-digit=""]), #status[data-state="error"]');
      }
      const shown = `${await page.textContent('#prediction')} ${await page.textContent('#probabilities')}`;
      assert.doesNotMatch(shown, /NaN/);
      if (await page.getAttribute('#status', 'data-state') === 'error') {
        // Refused at load or at the first guess: said plainly, drawing switched off.
        assert.match(await page.textContent('#status'), /not valid|no valid answer|finite/);
        assert.equal(await page.isDisabled('#predictBtn'), true);
      } else {
        assert.match(await page.textContent('#prediction .caption'), /^\d+(\.\d)? % sure$/);
      }
      assert.deepEqual(problems.filter((p) => p.startsWith('pageerror')), [], 'no uncaught error');
    } finally {
      await context.close();
    }
  });

  test('a missing nn.js shows the error state', () =>
    expectError((route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }),
      /Could not load the WebAssembly module/, '**/nn.js'));

  test('a missing nn.wasm shows the error state', () =>
    expectError((route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }),
      /The WebAssembly module failed to start/, '**/nn.wasm'));
});
