// offline.js: registers the service worker (sw.js) once the page is ready, so that the
// next visit starts from the cache and works offline; and reloads the page when a new
// deployment has replaced the cached one (see sw.js for how versions change).
//
// Registered only after the network is ready: the worker's own downloads (it caches
// the page, the module and the model) must not compete with the first load on a slow link.

/**
 * @param {{canReload: () => boolean, onUpdate: () => void}} hooks
 *   canReload: true when reloading now loses nothing (no drawing on the canvas);
 *   onUpdate: otherwise, tell the person that a reload gives the new version.
 */
export function registerServiceWorker({ canReload, onUpdate }) {
  if (!('serviceWorker' in navigator)) return; // e.g. plain http:// to another machine
  // A worker already in charge means this is an update; the first install changes nothing
  // on this page (it was loaded from the network, and the worker does not claim it).
  const hadController = Boolean(navigator.serviceWorker.controller);
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!hadController || reloading) return;
    if (canReload()) {
      reloading = true;
      window.location.reload();
    } else {
      onUpdate();
    }
  });
  navigator.serviceWorker.register('sw.js').catch((err) => {
    // The page works without it, only not offline.
    console.warn(`Offline use is not available: ${err?.message ?? err}`);
  });
}
