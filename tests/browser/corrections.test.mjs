// corrections.test.mjs: learning from corrections in the real page (Chromium through
// playwright-core): draw, press a #correct button, the guess becomes that digit; a reload
// keeps the count and the adapted guess; a sure guess cleared without a correction is
// accepted and kept too; #forgetBtn returns to the shipped model's guess;
// the CSV download is in the original's format and the trainer reads it.
//
//   node --test tests/browser/corrections.test.mjs   (NN_SITE_DIR, NN_NATIVE_BUILD as the other suites)
// Needs the site to hold assets/replay.csv.gz (scripts/replay_sample.sh; the web fixture writes it).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ROOT, SITE_DIR, STROKES, checkPrerequisites, closeSite, drawMouseStroke, openSite, waitForLoad,
} from './harness.mjs';

const TRAINER = path.resolve(process.env.NN_NATIVE_BUILD ?? path.join(ROOT, 'build/release'), 'trainer/trainer');
const MNIST_DIR = path.resolve(process.env.MNIST_DIR ?? path.join(ROOT, 'data/mnist'));

let server;
let browser;

before(async () => {
  checkPrerequisites();
  assert.ok(existsSync(path.join(SITE_DIR, 'assets/replay.csv.gz')),
    `${SITE_DIR}/assets/replay.csv.gz missing: write it with scripts/replay_sample.sh`);
  ({ server, browser } = await openSite());
});
after(() => closeSite({ server, browser }));

const guess = (page) => page.getAttribute('#prediction', 'data-digit');

async function drawSeven(page) {
  await page.evaluate(() => window.scrollTo(0, 0));  // a reload restores the scroll position
  await drawMouseStroke(page, STROKES.seven);
  await page.click('#predictBtn');  // a guess of the whole drawing, not of the stroke so far
  await page.waitForFunction(() => document.querySelector('#prediction').dataset.digit !== '');
  await page.waitForSelector('#correct:not([hidden])');
}

/** Draws a 1, has it read, clears it: {digit, sure} of the guess that was on screen. */
async function drawAndClearOne(page) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await drawMouseStroke(page, STROKES.one);
  await page.click('#predictBtn');
  await page.waitForSelector('#correct:not([hidden])');
  const one = await page.evaluate(() => ({
    digit: document.querySelector('#prediction').dataset.digit,
    sure: Math.max(...[...document.querySelectorAll('#probabilities > li[data-probability]')]
      .map((e) => Number(e.dataset.probability))),
  }));
  await page.click('#clearBtn');
  await page.waitForSelector('#correct[hidden]', { state: 'attached' });
  assert.ok(one.sure >= 0.9, `the test stroke "one" read as ${one.digit}, only ${one.sure} sure: not accepted`);
  return one;
}

async function waitAdapted(page, count) {
  await page.waitForSelector(`#learned[data-state="adapted"][data-count="${count}"]`, { timeout: 60_000 });
}

test('a correction teaches the page, lasts across a reload, and #forgetBtn undoes it', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('dialog', (d) => d.accept());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nn-corrections-'));
  try {
    await page.goto(server.url);
    assert.equal(await waitForLoad(page), 'ready');
    assert.equal(await page.getAttribute('#learned', 'data-count'), '0');
    assert.equal(await page.locator('#correct button[data-correct]').count(), 10);

    // A sure guess cleared without a correction is accepted, but nothing is stored before
    // the first correction: gone after a reload.
    await drawAndClearOne(page);
    await page.waitForSelector('#learned[data-accepted="1"]');
    await page.reload();
    assert.equal(await waitForLoad(page), 'ready');
    assert.equal(await page.getAttribute('#learned', 'data-accepted'), '0');
    // Accepted again, then stored with the first correction.
    const one = await drawAndClearOne(page);
    await page.waitForSelector('#learned[data-accepted="1"]');

    await drawSeven(page);
    const shippedGuess = await guess(page);
    const target = shippedGuess === '3' ? '5' : '3';  // a digit the shipped model does not say
    await page.click(`#correct button[data-correct="${target}"]`);
    await waitAdapted(page, 1);
    await page.waitForFunction((d) => document.querySelector('#prediction').dataset.digit === d, target);

    // The CSV download: the original's format, and the trainer trains on MNIST plus it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#downloadDrawingsBtn')]);
    const csvPath = path.join(dir, 'my-drawings.csv');
    await download.saveAs(csvPath);
    const lines = readFileSync(csvPath, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3, 'the header, the correction, the accepted drawing');
    const header = lines[0].split(',');
    assert.deepEqual([header[0], header[1], header[784]], ['label', '1x1', '28x28']);
    const row = lines[1].split(',').map(Number);
    assert.equal(row.length, 785);
    assert.equal(row[0], Number(target));
    assert.equal(lines[2].split(',')[0], one.digit);
    assert.ok(row.slice(1).every((v) => Number.isInteger(v) && v >= 0 && v <= 255));
    assert.ok(row.slice(1).some((v) => v > 200), 'the drawing has ink');
    const trainImages = path.join(MNIST_DIR, 'train-images-idx3-ubyte.gz');
    if (existsSync(TRAINER) && existsSync(trainImages)) {
      const out = execFileSync(TRAINER, [
        '--train-path', trainImages, '--train-path', csvPath, '--train-limit', '2000',
        '--validation-path', path.join(MNIST_DIR, 't10k-images-idx3-ubyte.gz'),
        '--network-structure', '784', '32', '10', '--num-epochs', '1', '--threads', '1',
        '--weight-path', path.join(dir, 'w.json')], { encoding: 'utf8' });
      assert.match(out, /[Aa]ccuracy/);
      assert.ok(existsSync(path.join(dir, 'w.json')));
    }

    // "Download my model": the weights JSON of the adapted model.
    const [modelDownload] = await Promise.all([page.waitForEvent('download'), page.click('#downloadModelBtn')]);
    const weights = JSON.parse(readFileSync(await modelDownload.path(), 'utf8'));
    assert.ok(Array.isArray(weights.W0) && Array.isArray(weights.b0));

    // Reload: the count and the adapted guess are back.
    await page.reload();
    assert.equal(await waitForLoad(page), 'ready');
    await waitAdapted(page, 1);
    assert.equal(await page.getAttribute('#learned', 'data-accepted'), '1');
    await drawSeven(page);
    await page.waitForFunction((d) => document.querySelector('#prediction').dataset.digit === d, target);

    // The corrected drawing drawn again is read by the memory: not accepted when cleared.
    await page.click('#clearBtn');
    await page.waitForSelector('#correct[hidden]', { state: 'attached' });
    assert.equal(await page.getAttribute('#learned', 'data-accepted'), '1');
    // Another sure guess accepted, stored at once now; after a reload the page has learned
    // from both accepted drawings.
    await drawAndClearOne(page);
    await page.waitForSelector('#learned[data-accepted="2"]');
    await page.reload();
    assert.equal(await waitForLoad(page), 'ready');
    await waitAdapted(page, 1);
    assert.equal(await page.getAttribute('#learned', 'data-accepted'), '2');
    assert.match(await page.textContent('#learned'), /Learned from 1 correction and 2 drawings it read right/);

    // Forget: the shipped model's guess again, and nothing stored after another reload.
    await drawSeven(page);
    await page.click('#forgetBtn');
    await page.waitForSelector('#learned[data-state="shipped"][data-count="0"]');
    await page.waitForFunction((d) => document.querySelector('#prediction').dataset.digit === d, shippedGuess);
    await page.reload();
    assert.equal(await waitForLoad(page), 'ready');
    await page.waitForSelector('#learned[data-state="shipped"][data-count="0"][data-accepted="0"]');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

