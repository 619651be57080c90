// site.cjs: the page's own modules (site/js, ES modules) for the CommonJS benchmarks and
// tests, so that they measure and test exactly what the page runs. Node 18 cannot
// require() an ES module: loadSite() imports them (site/package.json makes Node read
// site/js as ES modules, as the browser does).
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const zlib = require("node:zlib");

const SITE_JS = path.resolve(__dirname, "../../site/js");
const MODULES = {
  digit: "digit.js",              // SIDE, PIXELS, CLASSES, INK_BOX, CANVAS
  random: "random.js",            // mulberry32
  recipe: "recipe.js",            // RECIPE
  formats: "formats.js",          // toBytes, parseSample, drawingsToCsv
  style: "style.js",              // personStyle, restyle, straighten, straightenInput
  trainingSet: "training_set.js", // trainingSet, adapt
  reader: "reader.js",            // read, accepts, nearest, recall, ...
};

/** Promise of {digit, random, recipe, formats, style, trainingSet, reader}: each module's exports. */
async function loadSite() {
  const entries = await Promise.all(Object.entries(MODULES).map(async ([name, file]) =>
    [name, await import(pathToFileURL(path.join(SITE_JS, file)).href)]));
  return Object.fromEntries(entries);
}

/**
 * The replay sample in `file` (gzip-compressed CSV, or plain), read as the page's worker
 * reads it (formats.js, parseSample). `site`: what loadSite() gave.
 */
function readSample(site, file) {
  const bytes = fs.readFileSync(file);
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes) : bytes).toString("utf8");
  return site.formats.parseSample(text, file);
}

module.exports = { loadSite, readSample };
