// phone.test.mjs: the page on a phone's screen, drawn with a finger (CDP touch events).
// The guess and its confidence must stay on screen, without scrolling, at every moment
// of a stroke and after it, at 360x640 (a small Android phone) and 390x844, and beside
// the canvas when the phone is held sideways. Screenshots after drawing go to
// NN_SCREENSHOT_DIR (default build/screenshots), to look at.
//
//   node --test tests/browser/phone.test.mjs     (NN_SITE_DIR=build/wasm/site by default)

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  PHONE, ROOT, STROKES, canvasToPage, closeSite, countInk, openSite, touchDrag, waitForLoad,
} from './harness.mjs';

const SCREENSHOTS = path.resolve(ROOT, process.env.NN_SCREENSHOT_DIR ?? 'build/screenshots');

let server;
let browser;

before(async () => {
  ({ server, browser } = await openSite());
  mkdirSync(SCREENSHOTS, { recursive: true });
});
after(() => closeSite({ server, browser }));

/** The 7's strokes, denser (a finger reports a sample every few pixels), in page pixels. */
async function sevenPath(page) {
  const dense = [];
  const s = STROKES.seven;
  for (let i = 0; i + 1 < s.length; i++) {
    for (let t = 0; t < 8; t++) {
      dense.push([s[i][0] + ((s[i + 1][0] - s[i][0]) * t) / 8, s[i][1] + ((s[i + 1][1] - s[i][1]) * t) / 8]);
    }
  }
  dense.push(s[s.length - 1]);
  return canvasToPage(page, dense);
}

/** Where an element is against the viewport: fully inside it, or why not. */
async function placement(page, selector) {
  return page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    const inside = r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth &&
      r.width > 0 && r.height > 0;
    return { inside, box: `${r.left.toFixed(0)},${r.top.toFixed(0)} ${r.width.toFixed(0)}x${r.height.toFixed(0)}`,
      viewport: `${window.innerWidth}x${window.innerHeight}` };
  });
}

async function assertAnswerInSight(page, when) {
  for (const selector of ['#prediction .digit', '#prediction .caption']) {
    const p = await placement(page, selector);
    assert.ok(p.inside, `${when}: ${selector} at ${p.box} is not inside the ${p.viewport} viewport`);
  }
  assert.equal(await page.evaluate(() => window.scrollY), 0, `${when}: the page scrolled`);
}

const SCREENS = [
  { name: 'phone 360x640', viewport: { width: 360, height: 640 } },
  { name: 'phone 390x844', viewport: { width: 390, height: 844 } },
  { name: 'phone sideways 844x390', viewport: { width: 844, height: 390 } },
  { name: 'phone sideways 640x360', viewport: { width: 640, height: 360 } },
];

describe('the answer stays in sight while a finger draws', () => {
  for (const screen of SCREENS) {
    test(screen.name, async () => {
      const context = await browser.newContext({ ...PHONE, viewport: screen.viewport });
      try {
        const page = await context.newPage();
        await page.goto(server.url);
        assert.equal(await waitForLoad(page), 'ready', await page.textContent('#status'));
        // The whole canvas is on screen: a finger can reach every part of it.
        const canvas = await placement(page, '#drawingCanvas');
        assert.ok(canvas.inside, `canvas at ${canvas.box} is not inside ${canvas.viewport}`);
        const before = await placement(page, '#drawingCanvas');

        // Mid-stroke: the finger is still down, the live guess is showing.
        const points = await sevenPath(page);
        await touchDrag(page, points, { release: false });
        await page.waitForSelector('#prediction:not([data-digit=""])', { timeout: 2000 });
        await assertAnswerInSight(page, 'during the stroke');
        await touchDrag(page, [points[points.length - 1]]); // lift the finger

        await page.waitForTimeout(150); // the final guess after the stroke
        assert.match(await page.getAttribute('#prediction', 'data-digit'), /^[0-9]$/);
        assert.match(await page.textContent('#prediction .caption'), /^\d+(\.\d)? % sure$/);
        await assertAnswerInSight(page, 'after the stroke');
        // A guess appearing must not move the canvas under the finger.
        assert.equal((await placement(page, '#drawingCanvas')).box, before.box, 'the canvas moved');
        assert.ok((await countInk(page)) > 1000, 'the finger left no ink');
        const file = path.join(SCREENSHOTS, `${screen.viewport.width}x${screen.viewport.height}.png`);
        await page.screenshot({ path: file });
      } finally {
        await context.close();
      }
    });
  }

  test('the canvas does not move when the page becomes ready (drawing may start before)', async () => {
    const context = await browser.newContext({ ...PHONE, viewport: { width: 360, height: 640 } });
    try {
      const page = await context.newPage();
      // Hold the model back a little, to look at the page while it loads.
      let release;
      const held = new Promise((resolve) => { release = resolve; });
      await page.route('**/assets/{model.nnm,my_weights.json}', async (route) => {
        await held;
        await route.continue();
      });
      await page.goto(server.url);
      await page.waitForSelector('#status[data-state="loading"]');
      const loading = await placement(page, '#drawingCanvas');
      release();
      assert.equal(await waitForLoad(page), 'ready');
      assert.equal((await placement(page, '#drawingCanvas')).box, loading.box, 'the canvas moved');
    } finally {
      await context.close();
    }
  });

  test('a two-finger pinch on the canvas neither zooms nor scrolls the page', async () => {
    const context = await browser.newContext({ ...PHONE, viewport: { width: 360, height: 640 } });
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      assert.equal(await waitForLoad(page), 'ready');
      const [[x, y]] = await canvasToPage(page, [[168, 168]]);
      const cdp = await context.newCDPSession(page);
      const fingers = (d) => [{ x: x - d, y: y - d, id: 1 }, { x: x + d, y: y + d, id: 2 }];
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(10) });
      for (let d = 20; d <= 120; d += 10) {
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(d) });
      }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
      const zoom = await page.evaluate(() => ({ scale: window.visualViewport.scale, y: window.scrollY }));
      assert.deepEqual(zoom, { scale: 1, y: 0 });
    } finally {
      await context.close();
    }
  });
});
