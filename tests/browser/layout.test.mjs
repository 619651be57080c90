// layout.test.mjs: no text of the page overlaps other text, is cut off by a box it
// sits in, or runs out of the window, at any width from 320 px up: before a drawing,
// with a guess on screen (the answer's "99.9 % sure" and the top three are the widest
// text beside the canvas), and with the inside view open (every part of it shown).
// Every text node is measured with Range client rects, one rect per line box.
//
//   node --test tests/browser/layout.test.mjs     (NN_SITE_DIR=build/wasm/site by default)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STROKES, closeSite, drawMouseStroke, openSite, waitForLoad } from './harness.mjs';

// Phones, the one-column/two-column switch at 760 px and its neighbours, tablets, desktops.
const WIDTHS = [320, 360, 390, 430, 480, 600, 700, 759, 760, 800, 900, 1024, 1280, 1440, 1920];
// Glyph boxes of neighbouring lines may touch; this much shared is not an overlap (CSS px).
const SLACK = 2;

let server;
let browser;

before(async () => ({ server, browser } = await openSite()));
after(() => closeSite({ server, browser }));

/** Every problem with the page's visible text as laid out now, as sentences. */
function textProblems(page) {
  return page.evaluate((slack) => {
    const visible = (el) => {
      if (el.closest('.visually-hidden')) return false;
      const s = getComputedStyle(el);
      return s.visibility === 'visible' && s.display !== 'none' && Number(s.opacity) > 0;
    };
    // The boxes that clip an element's content: ancestors whose overflow is not visible.
    const clips = (el) => {
      const out = [];
      for (let a = el.parentElement; a; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX !== 'visible' || s.overflowY !== 'visible') out.push(a);
      }
      return out;
    };
    const name = (el) => el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''}`;
    const lines = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!node.textContent.trim() || !visible(el)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        if (r.width > 0 && r.height > 0) lines.push({ node, el, r, text: node.textContent.trim().slice(0, 30) });
      }
    }
    const problems = [];
    const where = (l) => `"${l.text}" (${name(l.el)})`;
    for (const l of lines) {
      if (l.r.left < -slack || l.r.right > innerWidth + slack) {
        problems.push(`${where(l)} runs out of the ${innerWidth} px window`);
      }
      for (const c of clips(l.el)) {
        const b = c.getBoundingClientRect();
        if (l.r.left < b.left - slack || l.r.right > b.right + slack || l.r.top < b.top - slack ||
            l.r.bottom > b.bottom + slack) {
          problems.push(`${where(l)} is cut off by ${name(c)}`);
        }
      }
    }
    for (let i = 0; i < lines.length; i++) {
      for (let j = i + 1; j < lines.length; j++) {
        const [a, b] = [lines[i], lines[j]];
        if (a.node === b.node) continue;
        const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (w > slack && h > slack) problems.push(`${where(a)} overlaps ${where(b)} by ${w.toFixed(0)}x${h.toFixed(0)} px`);
      }
    }
    return problems;
  }, SLACK);
}

describe('no text overlaps, is cut off or leaves the window', () => {
  for (const width of WIDTHS) {
    test(`${width} px wide`, async () => {
      const page = await browser.newPage({ viewport: { width, height: width < 760 ? 800 : 1036 } });
      try {
        await page.goto(server.url);
        assert.equal(await waitForLoad(page), 'ready', await page.textContent('#status'));
        assert.deepEqual(await textProblems(page), [], 'before a drawing');
        await drawMouseStroke(page, STROKES.seven);
        await page.waitForSelector('#prediction:not([data-digit=""])');
        await page.waitForSelector('#correct:not([hidden])');
        assert.deepEqual(await textProblems(page), [], 'with a guess on screen');
        // The inside view open, with a unit's detail and "where it comes from".
        await page.click('#insideBtn');
        await page.waitForSelector('#inside[data-state="ready"]');
        await page.waitForFunction(() => window.nnInside?.updates > 0);
        await page.click('#inside .inside-layer[data-layer="0"] canvas');
        await page.waitForSelector('.inside-detail[data-unit]');
        await page.click('.inside-origin summary');
        await page.waitForSelector('.inside-origin[data-state="ready"]');
        await page.evaluate(() => window.scrollTo(0, 0));
        assert.deepEqual(await textProblems(page), [], 'with the inside view open');
      } finally {
        await page.close();
      }
    });
  }
});
