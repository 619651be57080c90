// personal: does learning from corrections help people whose handwriting the shipped model
// misreads, without forgetting MNIST? Replays simulated people (tests/lib/people.mjs: a
// slant, a tilt, a width, a pen and habits such as a 1 with a flag and a base, a 7 with a
// bar, a slashed 0) through the page's own path: each drawing on a 336x336 canvas, the
// module's normalizeCanvas and predict, and on every wrong guess the page's correction
// (the drawing stored as bytes, then site/js/training_set.js: Model.fit in nn-train.js;
// docs/corrections.md describes the recipe). A right guess the page is sure of (reader.js,
// accepts) is accepted, as when the person clears it without a correction. --lazy F: the
// person lets a fraction F of the wrong guesses stand instead of correcting them
// (accepted, if sure, with the wrong digit).
//
// For each person: up to --digits drawings, correcting each wrong guess, until
// --corrections corrections; then --later more of their drawings, read by the shipped model
// and as the page reads once adapted (reader.js, read; not learning any more). Prints,
// per person and in total: the error on those later drawings without and with
// corrections, the page's accuracy after adapting (read the same way) on MNIST's test set
// (normalised as the page normalises drawings) against the shipped model's, and the time
// of each adaptation (WebAssembly, one thread). The error is also given for the people
// the shipped model misreads: at least --misread (a fraction, 0.05) of --screen other
// drawings of theirs read wrong, six times its error on MNIST's own digits; the others'
// errors are mostly MNIST's own hard digits, which no handwriting explains.
//
//   node bench/personal.cjs --weights W.json --sample replay.csv.gz [--site DIR] [--people N]
//        [--seed S] [--digits N] [--later N] [--screen N] [--misread F] [--lazy F] [--corrections N]
//        [--mnist-test N] [--json] [--recipe JSON]
//
// --recipe tries another way of adapting: a JSON object merged over site/js/recipe.js's
// RECIPE (its objects, such as "fit" and "read", merged over RECIPE's), e.g.
// --recipe '{"replay": 512, "fit": {"epochs": 2}}'.
//
// Environment: MNIST_DIR (default data/mnist): train-* (the people's digits) and t10k-*.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { performance } = require("node:perf_hooks");
const { loadModule, readIdx } = require("../tests/lib/node_nn.cjs");
const { loadSite, readSample } = require("../tests/lib/site.cjs");

const ROOT = path.resolve(__dirname, "..");
// The page's own modules (site/js: digit, random, recipe, formats, style, trainingSet,
// reader), imported by main() before anything else runs.
let site;

function parseArgs(argv) {
  const args = {
    weights: null, sample: null, site: path.join(ROOT, "build/wasm/site"), people: 20, seed: 1,
    digits: 400, later: 400, screen: 200, misread: 0.05, lazy: 0, corrections: 50, mnistTest: 10000, json: false, recipe: site.recipe.RECIPE,
  };
  const numeric = { people: 1, seed: 0, digits: 1, later: 1, screen: 1, corrections: 1, mnistTest: 1 };
  for (let i = 0; i < argv.length; ++i) {
    const flag = argv[i];
    const key = flag.replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (flag === "--json") { args.json = true; continue; }
    if (flag === "--help" || flag === "-h") {
      const lines = fs.readFileSync(__filename, "utf8").split("\n");
      console.log(lines.slice(0, lines.findIndex((line) => !line.startsWith("//"))).join("\n"));
      process.exit(0);
    }
    if (!(key in args) || i + 1 >= argv.length) throw new Error(`unknown argument or missing value: '${flag}' (see --help)`);
    const value = argv[++i];
    if (key === "recipe") {
      args.recipe = mergeRecipe(site.recipe.RECIPE, value);
    } else if (key === "misread" || key === "lazy") {
      const v = Number(value);
      if (!(v >= 0 && v <= 1)) throw new Error(`${flag}: expected a fraction from 0 to 1, got '${value}'`);
      args[key] = v;
    } else if (key in numeric) {
      const v = Number(value);
      if (!Number.isInteger(v) || v < numeric[key]) throw new Error(`${flag}: expected an integer >= ${numeric[key]}, got '${value}'`);
      args[key] = v;
    } else {
      args[key] = path.resolve(value);
    }
  }
  if (!args.weights || !args.sample) throw new Error("--weights FILE and --sample FILE are required (see --help)");
  return args;
}

function mergeRecipe(base, json) {
  let over;
  try {
    over = JSON.parse(json);
  } catch (err) {
    throw new Error(`--recipe: not JSON: ${err.message}`);
  }
  for (const key of Object.keys(over)) {
    if (!(key in base)) throw new Error(`--recipe: unknown key '${key}', expected one of ${Object.keys(base).join(", ")}`);
  }
  const merged = { ...base, ...over };
  for (const key of Object.keys(over)) {
    if (typeof base[key] === "object" && over[key] !== null && typeof over[key] === "object") merged[key] = { ...base[key], ...over[key] };
  }
  return merged;
}

const argmax = (p) => p.reduce((best, v, i) => (v > p[best] ? i : best), 0);

// MNIST digits normalised as the page normalises a drawing (a 28x28 canvas, ink = dark).
function normalisedTestSet(nn, dir, count) {
  const { PIXELS, SIDE } = site.digit;
  const images = readIdx(path.join(dir, "t10k-images-idx3-ubyte.gz"), 0x803);
  const labels = readIdx(path.join(dir, "t10k-labels-idx1-ubyte.gz"), 0x801);
  const rgba = new Uint8ClampedArray(PIXELS * 4);
  const set = [];
  for (let i = 0; i < Math.min(count, labels.shape[0]); ++i) {
    for (let k = 0; k < PIXELS; ++k) {
      const v = 255 - images.data[i * PIXELS + k];
      rgba[4 * k] = rgba[4 * k + 1] = rgba[4 * k + 2] = v;
      rgba[4 * k + 3] = 255;
    }
    const input = nn.normalizeCanvas(rgba, SIDE, SIDE);
    if (input) set.push([input, labels.data[i]]);
  }
  return set;
}

// The page's reading (reader.js, read): the adapted and shipped networks, the memory.
// `page`: {shipped, model, drawings, style, recipe, sample}, what the page reads with.
const pageProbabilities = (page, input) => site.reader.read(page.shipped, page.model, page.drawings, input,
  { style: page.style, recipe: page.recipe, sample: page.sample });
const pageRead = (page, input) => argmax(pageProbabilities(page, input));

function accuracy(page, set) {
  let right = 0;
  for (const [input, label] of set) right += pageRead(page, input) === label;
  return right / set.length;
}

async function main() {
  site = await loadSite();
  const { CANVAS, PIXELS } = site.digit;
  const { mulberry32 } = site.random;
  const { toBytes } = site.formats;
  const { randomStyle, describeStyle, Person } = await import("../tests/lib/people.mjs");
  const args = parseArgs(process.argv.slice(2));
  const mnistDir = path.resolve(process.env.MNIST_DIR || path.join(ROOT, "data/mnist"));
  const images = readIdx(path.join(mnistDir, "train-images-idx3-ubyte.gz"), 0x803);
  const labels = readIdx(path.join(mnistDir, "train-labels-idx1-ubyte.gz"), 0x801);
  const nn = await loadModule(args.site, "build the wasm preset or pass --site", "nn-train");
  const weights = fs.readFileSync(args.weights);
  const shipped = new nn.Model(weights);
  const model = new nn.Model(weights);
  const shippedParameters = shipped.parameters();
  const sample = readSample(site, args.sample);
  const testSet = normalisedTestSet(nn, mnistDir, args.mnistTest);
  const shippedMnist = accuracy({ shipped, model: shipped, drawings: [] }, testSet);

  const canvas = new Uint8ClampedArray(CANVAS * CANVAS * 4);
  const rows = [];
  for (let p = 0; p < args.people; ++p) {
    const rand = mulberry32(args.seed * 1000 + p);
    const style = randomStyle(rand);
    // The drawings until the last correction, and the later ones, from separate generators:
    // the later drawings are the same whatever was corrected (a paired comparison).
    const drawer = (rand, person) => () => {
      for (;;) {
        const i = Math.floor(rand() * labels.shape[0]);
        const label = labels.data[i];
        if (person.draw(images.data.subarray(i * PIXELS, (i + 1) * PIXELS), label, canvas)) {
          return [nn.normalizeCanvas(canvas, CANVAS, CANVAS), label];
        }
      }
    };
    const draw = drawer(rand, new Person(style, args.seed * 1000 + p + 500));
    const drawLater = drawer(mulberry32(args.seed * 1000 + p + 250), new Person(style, args.seed * 1000 + p + 750));
    // Whether the shipped model misreads this person: its error on --screen drawings of
    // theirs from a third generator (independent of the drawings measured).
    const drawScreen = drawer(mulberry32(args.seed * 1000 + p + 125), new Person(style, args.seed * 1000 + p + 875));
    let wrongScreen = 0;
    for (let n = 0; n < args.screen; ++n) {
      const [input, label] = drawScreen();
      wrongScreen += argmax(shipped.predict(input)) !== label;
    }
    model.setParameters(shippedParameters);
    const drawings = [], accepted = [];
    const page = { shipped, model, drawings, style: null, recipe: args.recipe, sample };
    const lazy = mulberry32(args.seed * 1000 + p + 375);
    const times = [];
    let drawn = 0, reread = 0;
    while (drawn < args.digits && drawings.length < args.corrections) {
      const [input, label] = draw();
      ++drawn;
      const probabilities = pageProbabilities(page, input);
      if (argmax(probabilities) === label || lazy() < args.lazy) {
        const digit = site.reader.accepts(probabilities, args.recipe);
        if (digit >= 0 && !site.reader.recall(drawings, input, undefined, args.recipe)) accepted.push({ pixels: toBytes(input), label: digit, wrong: digit !== label });
        continue;
      }
      drawings.push({ pixels: toBytes(input), label });
      const t0 = performance.now();
      page.style = site.trainingSet.adapt(model, shippedParameters, drawings, sample, args.recipe, accepted).style;
      times.push(performance.now() - t0);
      // The corrected drawing, by the network alone, as it learned it (straightened).
      const learned = page.style ? site.style.straightenInput(input, page.style) : input;
      reread += argmax(model.predict(learned)) === label;
    }
    let wrongShipped = 0, wrongAdapted = 0;
    for (let n = 0; n < args.later; ++n) {
      const [input, label] = drawLater();
      wrongShipped += argmax(shipped.predict(input)) !== label;
      wrongAdapted += pageRead(page, input) !== label;
    }
    rows.push({
      person: p, style: describeStyle(style), screenError: wrongScreen / args.screen, drawn, corrections: drawings.length, reread,
      accepted: accepted.length, acceptedWrong: accepted.filter((d) => d.wrong).length,
      later: args.later, wrongShipped, wrongAdapted, mnist: accuracy(page, testSet),
      msMean: times.length ? times.reduce((a, b) => a + b, 0) / times.length : 0,
      msLast: times.length ? times[times.length - 1] : 0,
    });
    const r = rows[rows.length - 1];
    if (!args.json) {
      console.log(`person ${String(p).padStart(2)}: shipped error ${(100 * r.screenError).toFixed(1).padStart(4)} %; ${String(r.corrections).padStart(2)} corrections and ${String(r.accepted).padStart(3)} accepted` +
        `${args.lazy ? ` (${r.acceptedWrong} wrong)` : ''} in ${String(r.drawn).padStart(3)} drawings;` +
        ` later error ${(100 * r.wrongShipped / r.later).toFixed(1).padStart(4)} % -> ${(100 * r.wrongAdapted / r.later).toFixed(1).padStart(4)} %;` +
        ` MNIST ${(100 * r.mnist).toFixed(2)} % (${(100 * (r.mnist - shippedMnist)).toFixed(2)});` +
        ` ${r.msMean.toFixed(0)} ms per correction (last ${r.msLast.toFixed(0)})  [${r.style}]`);
    }
  }
  shipped.delete();
  model.delete();

  const sumOf = (some, f) => some.reduce((a, r) => a + f(r), 0);
  const sum = (f) => sumOf(rows, f);
  const corrections = sum((r) => r.corrections);
  const drops = rows.map((r) => 100 * (shippedMnist - r.mnist));
  const at50 = rows.filter((r) => r.corrections >= args.corrections);
  const misread = rows.filter((r) => r.screenError >= args.misread);
  const summary = {
    people: rows.length, shipped_mnist: shippedMnist,
    later_error_shipped: sum((r) => r.wrongShipped) / sum((r) => r.later),
    later_error_adapted: sum((r) => r.wrongAdapted) / sum((r) => r.later),
    misread_people: misread.length,
    misread_later_error_shipped: sumOf(misread, (r) => r.wrongShipped) / Math.max(1, sumOf(misread, (r) => r.later)),
    misread_later_error_adapted: sumOf(misread, (r) => r.wrongAdapted) / Math.max(1, sumOf(misread, (r) => r.later)),
    corrections, accepted: sum((r) => r.accepted), accepted_wrong: sum((r) => r.acceptedWrong), lazy: args.lazy,
    corrected_reread: sum((r) => r.reread) / Math.max(1, corrections),
    mnist_drop_mean: drops.reduce((a, b) => a + b, 0) / drops.length, mnist_drop_worst: Math.max(...drops),
    mnist_drop_worst_at_max_corrections: at50.length ? Math.max(...at50.map((r) => 100 * (shippedMnist - r.mnist))) : null,
    people_at_max_corrections: at50.length,
    ms_per_correction: sum((r) => r.msMean * r.corrections) / Math.max(1, corrections),
    ms_at_max_corrections: at50.length ? at50.reduce((a, r) => a + r.msLast, 0) / at50.length : null,
    recipe: args.recipe,
  };
  if (args.json) {
    console.log(JSON.stringify({ summary, rows }));
    return;
  }
  const pct = (x) => `${(100 * x).toFixed(2)} %`;
  console.log(`\n${rows.length} people, ${corrections} corrections (the corrected drawing, straightened, read right by the adapted network alone, without the memory: ${pct(summary.corrected_reread)})`);
  console.log(`${summary.accepted} drawings accepted (a sure guess not corrected)` +
    (args.lazy ? `, ${summary.accepted_wrong} of them wrong (${pct(args.lazy)} of the wrong guesses let stand)` : ''));
  console.log(`error on their later ${args.later} drawings: ${pct(summary.later_error_shipped)} without corrections, ` +
    `${pct(summary.later_error_adapted)} with (x${(summary.later_error_adapted / summary.later_error_shipped).toFixed(2)})`);
  console.log(`  the ${misread.length} people the shipped model misreads (at least ${pct(args.misread)} of ${args.screen} other drawings of theirs): ` +
    `${pct(summary.misread_later_error_shipped)} without corrections, ${pct(summary.misread_later_error_adapted)} with ` +
    `(x${(summary.misread_later_error_adapted / summary.misread_later_error_shipped).toFixed(2)})`);
  console.log(`MNIST test (${testSet.length} digits, normalised): shipped ${pct(shippedMnist)}; adapted: ` +
    `${summary.mnist_drop_mean.toFixed(2)} points lower on average, ${summary.mnist_drop_worst.toFixed(2)} at worst; ` +
    (at50.length ? `${at50.length} people reached ${args.corrections} corrections: at worst ` +
      `${summary.mnist_drop_worst_at_max_corrections.toFixed(2)} points lower` : `nobody reached ${args.corrections} corrections`));
  console.log(`time per correction (WebAssembly, one thread): ${summary.ms_per_correction.toFixed(0)} ms mean` +
    (at50.length ? `, ${summary.ms_at_max_corrections.toFixed(0)} ms at the ${args.corrections}th` : ''));
}

main().catch((err) => {
  console.error(`personal: ${err.message}`);
  process.exit(2);
});
