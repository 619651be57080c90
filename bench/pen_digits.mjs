// pen_digits.mjs: how the page reads real people's handwriting. Digits recorded as pen
// trajectories (UNIPEN's isolated digits: each a list of strokes, a list of points
// scaled to fit [0, 1] x [0, 1], y down) are drawn on the page in Chromium as a person
// draws them: the mouse goes down at each stroke's first point, moves through the rest
// and comes up, on the real page with its pencil, its normalisation and its model. The
// page's guess after the last stroke is compared with the label. Nothing is corrected:
// this is the first impression, the shipped model's.
//
// Each digit is drawn roughly centred, its longer side a random 45-80 % of the canvas
// (seeded by --seed and the digit's id), shifted by up to a tenth of the room left on each side. Prints the accuracy
// per writer, per contributor (the writer's first two name parts) and in all, and the
// most frequent confusions.
//
//   node bench/pen_digits.mjs --digits FILE [--site DIR] [--count N] [--writers REGEX]
//        [--seed S] [--held-out REGEX] [--json FILE]
//
//   --digits FILE     gzipped JSON list of {label, writer, strokes: [[[x, y], ...], ...]}
//                     (default: $PEN_DIGITS)
//   --site DIR        the built site (default: $NN_SITE_DIR, else build/wasm/site)
//   --count N         the first N digits of each writer (default: all)
//   --writers REGEX   only writers whose name matches
//   --seed S          sizes and positions (default 1)
//   --held-out REGEX  writers kept apart when choosing anything (a model, a recipe): their
//                     total is printed apart from the others', the figure to trust
//   --json FILE       also write every digit's result as JSON
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';

const { values: args } = parseArgs({
  options: {
    digits: { type: 'string', default: process.env.PEN_DIGITS },
    site: { type: 'string' },
    count: { type: 'string', default: '0' },
    writers: { type: 'string', default: '' },
    seed: { type: 'string', default: '1' },
    'held-out': { type: 'string' },
    json: { type: 'string' },
  },
});
if (!args.digits) {
  console.error('pen_digits: give the digits file with --digits FILE (or PEN_DIGITS)');
  process.exit(2);
}
if (args.site) process.env.NN_SITE_DIR = args.site;
// The harness reads NN_SITE_DIR when it is loaded.
const { CANVAS_SIZE, canvasToPage, closeSite, openSite, waitForLoad } = await import('../tests/browser/harness.mjs');
const { mulberry32 } = await import('../site/js/random.js');

const SIZE_MIN = 0.45;
const SIZE_MAX = 0.8;
const JITTER = 0.1;

/** The digits to draw, grouped by writer in the file's order: Map writer -> digits. */
function readDigits(file, count, writers) {
  let all;
  try {
    all = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
  } catch (err) {
    throw new Error(`${file}: expected gzipped JSON of pen digits: ${err.message}`);
  }
  const byWriter = new Map();
  const pattern = new RegExp(writers);
  for (const [i, d] of all.entries()) {
    if (!Number.isInteger(d.label) || !Array.isArray(d.strokes) || typeof d.writer !== 'string') {
      throw new Error(`${file}: digit ${i}: expected {label, writer, strokes}`);
    }
    if (!pattern.test(d.writer)) continue;
    const list = byWriter.get(d.writer) ?? [];
    if (count === 0 || list.length < count) list.push(d);
    byWriter.set(d.writer, list);
  }
  return byWriter;
}

/** The strokes in canvas bitmap pixels: scaled to `size` of the canvas, placed with `random`. */
function place(strokes, random) {
  const size = (SIZE_MIN + (SIZE_MAX - SIZE_MIN) * random()) * CANVAS_SIZE;
  const room = CANVAS_SIZE - size;
  const left = room / 2 + (random() * 2 - 1) * JITTER * room;
  const top = room / 2 + (random() * 2 - 1) * JITTER * room;
  return strokes.map((stroke) => stroke.map(([x, y]) => [left + x * size, top + y * size]));
}

/**
 * Draws the strokes with the mouse, as real input events (CDP Input.dispatchMouseEvent,
 * what page.mouse sends, sent without waiting for each answer: they are handled in
 * order); returns the page's guess and its probabilities.
 */
async function drawAndRead(page, cdp, strokes) {
  const sent = [];
  const mouse = (type, [x, y], pressed) =>
    sent.push(cdp.send('Input.dispatchMouseEvent', { type, x, y, button: 'left', buttons: pressed ? 1 : 0, clickCount: 1 }));
  for (const stroke of strokes) {
    const points = await canvasToPage(page, stroke);
    mouse('mouseMoved', points[0], false);
    mouse('mousePressed', points[0], true);
    // A lone point is a dot: the pen still moves a little.
    for (const p of points.length > 1 ? points.slice(1) : [[points[0][0] + 1, points[0][1]]]) {
      mouse('mouseMoved', p, true);
    }
    mouse('mouseReleased', points[points.length - 1], false);
  }
  await Promise.all(sent);
  // Every event handled (two frames: moves are dispatched with the frames), then the
  // Predict button, which reads the whole drawing now, as the last stroke's end does.
  const probabilities = await page.evaluate(async () => {
    for (let i = 0; i < 2; i++) await new Promise((done) => requestAnimationFrame(done));
    document.getElementById('predictBtn').click();
    return [...document.querySelectorAll('#probabilities > li[data-probability]')].map((e) => Number(e.dataset.probability));
  });
  await page.keyboard.press('Escape');
  const guess = probabilities.indexOf(Math.max(...probabilities));
  return { guess, probabilities };
}

/** A 32-bit FNV-1a hash: each digit's size and place depend only on the seed and its id. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const percent = (right, n) => (n ? ((100 * right) / n).toFixed(2) : '-');

async function main() {
  const byWriter = readDigits(args.digits, Number(args.count), args.writers);
  const site = await openSite();
  const results = [];
  try {
    const page = await site.browser.newPage({ viewport: { width: 1280, height: 1036 } });
    await page.goto(site.server.url);
    if ((await waitForLoad(page)) !== 'ready') throw new Error(`the page did not load: ${await page.textContent('#status')}`);
    const cdp = await page.context().newCDPSession(page);
    for (const [writer, digits] of byWriter) {
      for (const d of digits) {
        const { guess, probabilities } = await drawAndRead(page, cdp, place(d.strokes, mulberry32(hash(`${args.seed}:${d.id}`))));
        results.push({ id: d.id, writer, label: d.label, guess, sure: probabilities[guess] });
      }
      const mine = results.filter((r) => r.writer === writer);
      const right = mine.filter((r) => r.guess === r.label).length;
      console.log(`${writer.padEnd(28)} ${String(mine.length).padStart(5)} digits  ${percent(right, mine.length).padStart(6)} %`);
    }
  } finally {
    await closeSite(site);
  }

  const groups = new Map();
  for (const r of results) {
    const contributor = r.writer.split('/').slice(0, 2).join('/');
    const keys = [contributor, 'all'];
    if (args['held-out']) keys.push(new RegExp(args['held-out']).test(r.writer) ? 'held-out writers' : 'chosen-on writers');
    for (const key of keys) {
      const g = groups.get(key) ?? { n: 0, right: 0 };
      g.n += 1;
      g.right += r.guess === r.label ? 1 : 0;
      groups.set(key, g);
    }
  }
  console.log('');
  for (const [key, g] of groups) {
    console.log(`${key.padEnd(28)} ${String(g.n).padStart(5)} digits  ${percent(g.right, g.n).padStart(6)} %  (${g.n - g.right} misread)`);
  }
  const confusions = new Map();
  for (const r of results.filter((x) => x.guess !== x.label)) {
    const key = `${r.label} read as ${r.guess}`;
    confusions.set(key, (confusions.get(key) ?? 0) + 1);
  }
  const top = [...confusions].sort((a, b) => b[1] - a[1]).slice(0, 10);
  if (top.length) console.log(`\nmost frequent: ${top.map(([k, n]) => `${k} (${n})`).join(', ')}`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ seed: Number(args.seed), results }, null, 1));
}

main().catch((err) => {
  console.error(`pen_digits: ${err.message}`);
  process.exit(2);
});
