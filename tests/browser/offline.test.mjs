// offline.test.mjs: after a first visit the page works without the network (sw.js), and
// a new deployment replaces what browsers cached (the build stamps sw.js with a version).
//
//   node --test tests/browser/offline.test.mjs   (NN_SITE_DIR=build/wasm/site by default)
//
// The update test serves a copy of the site, changes a file in it, stamps sw.js again
// with cmake/SiteManifest.cmake (as the build does) and checks that a returning visitor
// gets the new page.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  PHONE, ROOT, SITE_DIR, STROKES, checkPrerequisites, drawMouseStroke, launchBrowser, startServer, waitForLoad,
} from './harness.mjs';

let browser;

before(async () => {
  checkPrerequisites();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Waits until the service worker is active, with the page, module and model cached. */
async function waitForOfflineCopy(page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    if (worker.state !== 'activated') {
      await new Promise((resolve) => worker.addEventListener('statechange', () => {
        if (worker.state === 'activated') resolve();
      }));
    }
    const names = await caches.keys();
    const cached = [];
    for (const name of names) {
      for (const request of await (await caches.open(name)).keys()) cached.push(new URL(request.url).pathname);
    }
    return { state: registration.active.state, names, cached };
  });
}

/** Stamps sw.js of a site folder with its files' version, as the build does. */
function stamp(site) {
  execFileSync('cmake', [`-DSITE_DIR=${site}`, `-DTEMPLATE=${path.join(ROOT, 'site/sw.js')}`,
    '-P', path.join(ROOT, 'cmake/SiteManifest.cmake')], { stdio: 'pipe' });
}

describe('offline', () => {
  test('after a first visit, a reload with the network off draws and predicts', async () => {
    const server = await startServer();
    const context = await browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      assert.equal(await waitForLoad(page), 'ready', await page.textContent('#status'));
      const copy = await waitForOfflineCopy(page);
      assert.equal(copy.state, 'activated');
      for (const file of ['/', '/nn.js', '/nn.wasm', '/js/main.js', '/css/style.css']) {
        assert.ok(copy.cached.includes(file === '/' ? '/index.html' : file), `${file} not cached: ${copy.cached}`);
      }
      assert.ok(copy.cached.some((f) => /\/assets\/(model\.nnm|my_weights\.json)$/.test(f)),
        `no model cached: ${copy.cached}`);

      await context.setOffline(true);
      await page.reload();
      assert.equal(await waitForLoad(page), 'ready', `offline: ${await page.textContent('#status')}`);
      assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'not served by sw.js');
      await drawMouseStroke(page, STROKES.one);
      await page.click('#predictBtn');
      assert.equal(await page.getAttribute('#prediction', 'data-digit'), '1');
    } finally {
      await context.close();
      await server.stop();
    }
  });

  test('a new deployment replaces the cached page at the next visit', async () => {
    const site = mkdtempSync(path.join(os.tmpdir(), 'digitnn-site-'));
    cpSync(SITE_DIR, site, { recursive: true });
    stamp(site);
    const server = await startServer(site);
    const context = await browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      assert.equal(await waitForLoad(page), 'ready');
      await waitForOfflineCopy(page);
      const oldWorker = readFileSync(path.join(site, 'sw.js'), 'utf8');

      // Deploy: a changed page, stamped again.
      const index = path.join(site, 'index.html');
      writeFileSync(index, readFileSync(index, 'utf8').replace('<title>Digit recogniser</title>',
        '<title>Digit recogniser, new version</title>'));
      stamp(site);
      assert.notEqual(readFileSync(path.join(site, 'sw.js'), 'utf8'), oldWorker, 'sw.js unchanged');

      // The visitor comes back: the cached page first, then the new one, without a hand.
      await page.reload();
      const deadline = Date.now() + 20_000;
      let title = '';
      while (Date.now() < deadline && !title.includes('new version')) {
        title = await page.title().catch(() => '');
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.match(title, /new version/, 'the page was not replaced');
      assert.equal(await waitForLoad(page), 'ready');
      const copy = await waitForOfflineCopy(page);
      assert.equal(copy.names.length, 1, `old caches kept: ${copy.names}`);

      // And it is the new version that works offline.
      await context.setOffline(true);
      await page.reload();
      assert.equal(await waitForLoad(page), 'ready');
      assert.match(await page.title(), /new version/);
    } finally {
      await context.close();
      await server.stop();
      rmSync(site, { recursive: true, force: true });
    }
  });
});
