// sw.js: the service worker that makes the page work offline after a first visit.
//
// The build (cmake/SiteManifest.cmake) writes VERSION, a hash of every file of the
// built site, and FILES, the page's own files, into the copy of this file it ships.
// A new deployment changes VERSION, so browsers see a changed sw.js and install it:
// the new version's files go into a new cache, the old cache is deleted, and the
// page reloads itself (js/offline.js). Nobody keeps an old model once online again.
//
// Requests are answered from the cache first (instant on a slow link, and offline),
// then from the network. The model is found at install time as the page finds it
// (js/model_files.js): model.nnm, else my_weights.json. The worker's scope is the
// site's folder: on localhost, another project later served at the same address gets
// this page until the worker is removed (DevTools > Application > Service workers >
// Unregister).

const VERSION = 'dev';
const FILES = [];
importScripts('js/model_files.js'); // the models the page looks for, in its order
const MODELS = self.nnModelFiles;

const PREFIX = 'digitnn-';
const CACHE = PREFIX + VERSION;
const SCOPE = new URL(self.registration.scope);
const INDEX = new URL('index.html', SCOPE).href;
const MODEL_URLS = MODELS.map((file) => new URL(file, SCOPE).href);
// Fetched only when the person asks for them (learning from corrections, the inside view):
// not downloaded at install, kept once fetched, so that they work offline afterwards.
const LAZY_URLS = ['nn-train.js', 'nn-train.wasm', 'assets/report.json', 'assets/misread.json']
  .map((file) => new URL(file, SCOPE).href);
const KEPT_URLS = [...MODEL_URLS, ...LAZY_URLS];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // 'no-cache': revalidate with the server (a 304 costs no body) rather than take a
    // stale copy from the HTTP cache into a cache that lives until the next version.
    await cache.addAll(FILES.map((file) => new Request(new URL(file, SCOPE), { cache: 'no-cache' })));
    await cacheModel(cache);
    await self.skipWaiting(); // replace the old version at once: the page reloads itself
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
  })());
});

// {type: 'keep', urls}: the page fetched these before this worker controlled it (a first
// visit): fetch them into the cache now (only the lazily loaded files and the page's own).
self.addEventListener('message', (event) => {
  if (event.data?.type !== 'keep' || !Array.isArray(event.data.urls)) return;
  const known = new Set([...LAZY_URLS, ...FILES.map((file) => new URL(file, SCOPE).href)]);
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    for (const url of event.data.urls.filter((u) => known.has(u))) {
      if (await cache.match(url)) continue;
      const response = await fetch(url);
      if (response.ok) await cache.put(url, response);
    }
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE.href)) return;
  event.respondWith(answer(request));
});

/** The first model the server has, as the page looks for it. */
async function cacheModel(cache) {
  for (const file of MODELS) {
    const request = new Request(new URL(file, SCOPE), { cache: 'no-cache' });
    const response = await fetch(request);
    if (response.ok) return cache.put(request, response);
    if (response.status !== 404) throw new Error(`${file}: HTTP ${response.status}`);
  }
  return undefined; // no model at all: the page says so; nothing to keep
}

async function answer(request) {
  const cache = await caches.open(CACHE);
  const isPage = request.mode === 'navigate' &&
    (request.url.split(/[?#]/)[0] === SCOPE.href || request.url.split(/[?#]/)[0] === INDEX);
  const hit = await cache.match(isPage ? INDEX : request, { ignoreSearch: isPage, ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(request);
  // Keep a model the install did not find (one added to the site later) and the lazily
  // loaded files; nothing else: whatever else shares this origin (another project on
  // localhost:8080) stays fresh.
  if (response.ok && KEPT_URLS.includes(request.url.split(/[?#]/)[0])) await cache.put(request, response.clone());
  return response;
}
