// The package's entry for pages, without a bundler:
//   import createNNModule from "./node_modules/digitnn/browser.mjs";   (or via an import map)
//   const nn = await createNNModule();
// nn.js is a classic script (it defines the global createNNModule): it is added to the page
// once, and nn.wasm is fetched from beside it, wherever the package is served from.
const scriptUrl = new URL("./nn.js", import.meta.url).href;
let loaded;

function loadScript() {
  loaded ??= new Promise((resolve, reject) => {
    if (typeof globalThis.createNNModule === "function") return resolve(globalThis.createNNModule);
    const script = document.createElement("script");
    script.src = scriptUrl;
    script.onload = () => resolve(globalThis.createNNModule);
    script.onerror = () => reject(new Error(`could not load ${scriptUrl}`));
    document.head.append(script);
  });
  return loaded;
}

/** Same options as nn.js's createNNModule (see nn.d.ts). */
export default async function createNNModule(options = {}) {
  const create = await loadScript();
  return create({ locateFile: (file) => new URL(file, scriptUrl).href, ...options });
}

export { createNNModule };
