// report.test.mjs: `trainer --report FILE.html` on a small real-MNIST run, opened in a real
// browser (Debian's Chromium through playwright-core) with JavaScript off and every network
// request refused: the charts and the heat map must be there, and their numbers (the
// data-value of each point, bar and cell) must be the ones the trainer logged.
//
//   node --test tests/browser/report.test.mjs
//
// Environment: NN_NATIVE_BUILD (default build/release: trainer/trainer), MNIST_DIR
// (default data/mnist), NN_CHROMIUM (default /usr/bin/chromium).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { ROOT, launchBrowser } from './harness.mjs';

const BUILD = path.resolve(ROOT, process.env.NN_NATIVE_BUILD ?? 'build/release');
const TRAINER = path.join(BUILD, 'trainer', 'trainer');
const MNIST = path.resolve(ROOT, process.env.MNIST_DIR ?? 'data/mnist');
const EPOCHS = 3;
const LR = 0.003;
const LR_DECAY = 0.8;

let tmp;
let log;            // the trainer's stdout
let browser;
let page;
let requests = [];  // every request the page made besides the report itself

before(async () => {
  for (const f of [TRAINER, path.join(MNIST, 'train-images-idx3-ubyte.gz')]) {
    if (!existsSync(f)) throw new Error(`${f} not found (build the release preset; set MNIST_DIR)`);
  }
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nn-report-'));
  log = execFileSync(TRAINER, [
    '--train-path', path.join(MNIST, 'train-images-idx3-ubyte.gz'),
    '--validation-path', path.join(MNIST, 't10k-images-idx3-ubyte.gz'),
    '--train-limit', '2000', '--num-epochs', String(EPOCHS), '--network-structure', '784', '32', '10',
    '--learning-rate', String(LR), '--lr-decay', String(LR_DECAY), '--batch-size', '32',
    '--initialization', 'xavier', '--threads', '2', '--report', path.join(tmp, 'report.html'),
  ], { encoding: 'utf8' });
  browser = await launchBrowser();
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
  page = await context.newPage();
  const url = pathToFileURL(path.join(tmp, 'report.html')).href;
  await page.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    requests.push(route.request().url());
    return route.abort();
  });
  await page.goto(url);
});

after(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The logged epoch lines: "epoch   1  train loss 2.1  validation loss 1.2  accuracy 80.00 %  0.12 s". */
function loggedEpochs() {
  const re = /^epoch +(\d+) +train loss ([\d.]+) +validation loss ([\d.]+) +accuracy ([\d.]+) % +([\d.]+) s$/gm;
  return [...log.matchAll(re)].map((m) => ({
    epoch: Number(m[1]), trainLoss: Number(m[2]), valLoss: Number(m[3]), accuracy: Number(m[4]), seconds: Number(m[5]),
  }));
}

/** {epoch: value} of the points or bars of one series. */
async function series(name) {
  const items = await page.$$eval(`[data-series="${name}"]`, (els) => els.map((e) => ({
    epoch: Number(e.dataset.epoch), value: Number(e.dataset.value), cy: Number(e.getAttribute('cy')),
  })));
  return items;
}

test('the report is self-contained: no request besides the file, no script', async () => {
  assert.deepEqual(requests, []);
  const html = readFileSync(path.join(tmp, 'report.html'), 'utf8');
  assert.doesNotMatch(html, /<script|https?:\/\/|<link /i);
});

test('the charts and the heat map are drawn', async () => {
  for (const id of ['loss', 'accuracy', 'learning-rate', 'time', 'confusion']) {
    const box = await page.locator(`svg#${id}`).boundingBox();
    assert.ok(box && box.width > 200 && box.height > 150, `svg#${id} is not visible: ${JSON.stringify(box)}`);
  }
  assert.equal(await page.locator('svg#loss polyline').count(), 2);
  assert.equal(await page.locator('svg#accuracy polyline').count(), 2);
});

test('every plotted number is the one the trainer logged', async () => {
  const logged = loggedEpochs();
  assert.equal(logged.length, EPOCHS, `expected ${EPOCHS} epoch lines in:\n${log}`);
  const near = (got, want, tol, what) => assert.ok(Math.abs(got - want) <= tol, `${what}: plotted ${got}, logged ${want}`);
  const byEpoch = async (name) => new Map((await series(name)).map((p) => [p.epoch, p.value]));
  const [trainLoss, valLoss, valAcc, seconds, lr, trainAcc] = await Promise.all(
    ['train-loss', 'validation-loss', 'validation-accuracy', 'seconds', 'learning-rate', 'train-accuracy'].map(byEpoch));
  for (const e of logged) {
    // The log rounds to 4 decimals (losses) and 2 (percent, seconds).
    near(trainLoss.get(e.epoch), e.trainLoss, 5e-5 + 1e-9, `epoch ${e.epoch} train loss`);
    near(valLoss.get(e.epoch), e.valLoss, 5e-5 + 1e-9, `epoch ${e.epoch} validation loss`);
    near(100 * valAcc.get(e.epoch), e.accuracy, 5e-3 + 1e-9, `epoch ${e.epoch} validation accuracy`);
    near(seconds.get(e.epoch), e.seconds, 5e-3 + 1e-9, `epoch ${e.epoch} seconds`);
    // The learning rate is a float32 multiplied by the decay after each epoch.
    const want = Math.fround(LR) * Math.fround(LR_DECAY) ** (e.epoch - 1);
    near(lr.get(e.epoch), want, 1e-6 * want, `epoch ${e.epoch} learning rate`);
    const acc = trainAcc.get(e.epoch);
    assert.ok(acc > 0.1 && acc <= 1, `epoch ${e.epoch} train accuracy ${acc}`);
  }
});

test('higher values are drawn higher', async () => {
  for (const name of ['train-loss', 'validation-loss', 'validation-accuracy']) {
    const pts = (await series(name)).sort((a, b) => a.value - b.value);
    for (let i = 1; i < pts.length; ++i) {
      if (pts[i].value > pts[i - 1].value) assert.ok(pts[i].cy < pts[i - 1].cy, `${name}: ${JSON.stringify(pts)}`);
    }
  }
});

test('the heat map holds the logged confusion matrix', async () => {
  // "Confusion matrix (rows: true class, columns: predicted):" then a header and 10 rows.
  const rows = log.split('\n').filter((l) => /^\s+\d+(\s+\d+){10}$/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
  assert.equal(rows.length, 10, `no confusion matrix in:\n${log}`);
  const cells = await page.$$eval('rect.cell', (els) => els.map((e) => ({
    t: Number(e.dataset.true), p: Number(e.dataset.predicted), n: Number(e.dataset.count), fill: e.getAttribute('fill'),
  })));
  assert.equal(cells.length, 100);
  for (const c of cells) assert.equal(c.n, rows[c.t][c.p + 1], `true ${c.t}, predicted ${c.p}`);
  // Diagonal cells (most of each row) are darker than the off-diagonal ones.
  const lightness = (fill) => fill.match(/\d+/g).map(Number).reduce((a, b) => a + b);
  const diag = cells.filter((c) => c.t === c.p).map((c) => lightness(c.fill));
  const off = cells.filter((c) => c.t !== c.p).map((c) => lightness(c.fill));
  assert.ok(Math.max(...diag) < Math.min(...off), 'the diagonal is not the darkest');
  const accuracy = Number(log.match(/^Accuracy: ([\d.]+) %/m)[1]);
  const total = cells.reduce((s, c) => s + c.n, 0);
  const correct = cells.filter((c) => c.t === c.p).reduce((s, c) => s + c.n, 0);
  assert.equal(total, 10000);
  assert.ok(Math.abs((100 * correct) / total - accuracy) <= 0.005 + 1e-9);
});

test('the command line and the settings are shown', async () => {
  const command = await page.textContent('#command');
  assert.match(command, /trainer --train-path \S+train-images-idx3-ubyte\.gz/);
  assert.match(command, /--report \S+report\.html/);
  const settings = Object.fromEntries(await page.$$eval('#settings tr', (trs) => trs.map(
    (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent))));
  assert.equal(settings['network-structure'], '[784, 32, 10]');
  assert.equal(Number(settings['learning-rate']), LR);
  assert.equal(Number(settings['train-limit']), 2000);
});
