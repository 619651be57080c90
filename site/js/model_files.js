// model_files.js: the model files a site may hold, in the order the page looks for them
// (paths from the site's folder): the compact model nn-convert writes, else the trainer's
// weights JSON as it is. Not: loading them (model.js; sw.js caches the one there is).
//
// A classic script, no import or export, so that the service worker (sw.js, a classic
// worker) can load it with importScripts; model.js imports it for its effect. It sets
// globalThis.nnModelFiles.
globalThis.nnModelFiles = Object.freeze(['assets/model.nnm', 'assets/my_weights.json']);
