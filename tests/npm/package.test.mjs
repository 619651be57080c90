// package.test.mjs: the npm package of the module (build/wasm/npm) as a user gets it:
// `npm pack`, then `npm install ./digitnn-X.tgz --offline` into an empty project, then
//   - Node, CommonJS (require) and ESM (import), with Node's fetch left on: the package
//     must read nn.wasm itself; its probabilities for real MNIST test images must be native
//     libnn's (tests/native_probs) within 1e-5, and the digits mostly the labels;
//   - a page without a bundler, in Chromium, importing node_modules/digitnn/browser.mjs.
//
//   node --test tests/npm/
//
// Environment: NN_NPM_DIR (default build/wasm/npm, made by the wasm build), NN_NATIVE_BUILD
// (default build/release: trainer/trainer, tests/native_probs), MNIST_DIR (default data/mnist),
// NN_CHROMIUM (default /usr/bin/chromium).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { ROOT, launchBrowser, startServer } from '../browser/harness.mjs';

const fromEnv = (name, fallback) => path.resolve(ROOT, process.env[name] ?? fallback);
const NPM_DIR = fromEnv('NN_NPM_DIR', 'build/wasm/npm');
const NATIVE = fromEnv('NN_NATIVE_BUILD', 'build/release');
const MNIST = fromEnv('MNIST_DIR', 'data/mnist');
const N = 100;            // test images
const TOLERANCE = 1e-5;   // max |p_package - p_native|
const EXPECTED_FILES = ['README.md', 'browser.mjs', 'index.cjs', 'index.mjs', 'nn.d.ts', 'nn.js', 'nn.wasm',
  'package.json'];

let tmp;
let app;        // the consumer project
let images;     // N x 784 floats in [0, 1], as arrays
let labels;
let native;     // N x 10 probabilities from native libnn
let packed;     // npm pack --json's entry

/** An IDX file (gzip): the bytes after its header, checked against the magic number. */
function readIdx(file, magic) {
  const bytes = gunzipSync(readFileSync(file));
  assert.equal(bytes.readUInt32BE(0), magic, `${file}: bad IDX magic`);
  return bytes.subarray(4 + 4 * (magic & 0xff));
}

before(() => {
  for (const [file, hint] of [[path.join(NPM_DIR, 'package.json'), 'build the wasm preset'],
    [path.join(NATIVE, 'tests', 'native_probs'), 'build the release preset'],
    [path.join(MNIST, 't10k-images-idx3-ubyte.gz'), 'set MNIST_DIR']]) {
    if (!existsSync(file)) throw new Error(`${file} not found (${hint})`);
  }
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nn-npm-'));
  const testImages = path.join(MNIST, 't10k-images-idx3-ubyte.gz');
  execFileSync(path.join(NATIVE, 'trainer', 'trainer'), ['--train-path', path.join(MNIST, 'train-images-idx3-ubyte.gz'),
    '--validation-path', testImages, '--network-structure', '784', '64', '10', '--learning-rate', '0.003',
    '--batch-size', '64', '--num-epochs', '1', '--initialization', 'xavier', '--threads', '2',
    '--weight-path', path.join(tmp, 'w.json')], { stdio: 'ignore' });
  native = JSON.parse(execFileSync(path.join(NATIVE, 'tests', 'native_probs'),
    [path.join(tmp, 'w.json'), testImages, String(N)], { encoding: 'utf8' })).probabilities;
  const pixels = readIdx(testImages, 0x803);
  const INV_255 = Math.fround(1 / 255);  // as libnn scales: float32 pixel * float32(1/255)
  images = Array.from({ length: N }, (_, i) =>
    Array.from(pixels.subarray(i * 784, (i + 1) * 784), (v) => Math.fround(v * INV_255)));
  labels = Array.from(readIdx(path.join(MNIST, 't10k-labels-idx1-ubyte.gz'), 0x801).subarray(0, N));
  writeFileSync(path.join(tmp, 'images.json'), JSON.stringify(images));

  [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', tmp, NPM_DIR],
    { encoding: 'utf8' }));
  app = path.join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', path.join(tmp, packed.filename), '--offline', '--no-audit', '--no-fund'],
    { cwd: app, stdio: 'pipe' });
});

after(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

/** Runs `source` with node in the app folder; it prints JSON probabilities. */
function runInApp(file, source) {
  writeFileSync(path.join(app, file), source);
  return JSON.parse(execFileSync(process.execPath, [file, path.join(tmp, 'w.json'), path.join(tmp, 'images.json')],
    { cwd: app, encoding: 'utf8' }));
}

const PREDICT = `
  const nn = await createNNModule();
  const model = new nn.Model(fs.readFileSync(process.argv[2]));
  const out = JSON.parse(fs.readFileSync(process.argv[3], 'utf8')).map((x) => Array.from(model.predict(Float32Array.from(x))));
  model.delete();
  console.log(JSON.stringify(out));`;

function checkAgainstNative(probs, how) {
  assert.equal(probs.length, N);
  let worst = 0;
  let right = 0;
  probs.forEach((row, i) => {
    row.forEach((p, k) => { worst = Math.max(worst, Math.abs(p - native[i][k])); });
    if (row.indexOf(Math.max(...row)) === labels[i]) right++;
  });
  assert.ok(worst <= TOLERANCE, `${how}: max |p - p_native| = ${worst}`);
  assert.ok(right >= 0.85 * N, `${how}: only ${right}/${N} digits recognised`);
}

test('npm pack ships the module, its declarations and the entries, nothing else', () => {
  assert.deepEqual(packed.files.map((f) => f.path).sort(), EXPECTED_FILES);
  const pkg = JSON.parse(readFileSync(path.join(app, 'node_modules', 'digitnn', 'package.json'), 'utf8'));
  assert.equal(pkg.types, './nn.d.ts');
  assert.deepEqual(Object.keys(pkg.exports['.']), ['types', 'browser', 'import', 'require', 'default']);
  for (const target of Object.values(pkg.exports['.'])) {
    assert.ok(existsSync(path.join(app, 'node_modules', 'digitnn', target)), `${target} missing`);
  }
});

test('require("digitnn") predicts MNIST digits as native libnn does', () => {
  checkAgainstNative(runInApp('predict.cjs',
    `const fs = require('node:fs');\nconst createNNModule = require('digitnn');\n(async () => {${PREDICT}\n})();`),
  'CommonJS');
});

test('import "digitnn" predicts MNIST digits as native libnn does', () => {
  checkAgainstNative(runInApp('predict.mjs',
    `import fs from 'node:fs';\nimport createNNModule from 'digitnn';\n${PREDICT}`), 'ESM');
});

test('a page without a bundler imports node_modules/digitnn/browser.mjs', async () => {
  writeFileSync(path.join(app, 'w.json'), readFileSync(path.join(tmp, 'w.json')));
  writeFileSync(path.join(app, 'images.json'), JSON.stringify(images.slice(0, 10)));
  writeFileSync(path.join(app, 'index.html'), `<!DOCTYPE html><title>digitnn from npm</title>
<script type="module">
  import createNNModule from './node_modules/digitnn/browser.mjs';
  const nn = await createNNModule();
  const model = new nn.Model(await (await fetch('w.json')).text());
  const images = await (await fetch('images.json')).json();
  document.body.dataset.probs = JSON.stringify(images.map((x) => Array.from(model.predict(Float32Array.from(x)))));
</script>`);
  const server = await startServer(app);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('body[data-probs]', { state: 'attached', timeout: 20_000 });
    const probs = JSON.parse(await page.getAttribute('body', 'data-probs'));
    assert.deepEqual(errors, []);
    assert.equal(probs.length, 10);
    probs.forEach((row, i) => row.forEach((p, k) => assert.ok(Math.abs(p - native[i][k]) <= TOLERANCE,
      `image ${i}, class ${k}: page ${p}, native ${native[i][k]}`)));
  } finally {
    await browser.close();
    await server.stop();
  }
});
