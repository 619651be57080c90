// The WebAssembly module with compact models (.nnm, written by nn-convert): Model takes
// the file's bytes (Uint8Array, ArrayBuffer or Node Buffer), gives native libnn's
// probabilities for the same file within 1e-5 on real MNIST images, stays within each
// encoding's stated tolerance of the float model, and rejects bad files with a JS Error
// after which it keeps working.
//
// Run (from the repository root), after building both sides:
//   cmake --build build/release -j2 --target trainer nn-convert native_probs
//   NODE_PATH=/usr/share/nodejs cmake --preset wasm && cmake --build --preset wasm
//   MNIST_DIR=/path/to/mnist node --test tests/wasm/compact.test.cjs
// Environment: NN_SITE_DIR, NN_NATIVE_BUILD, MNIST_DIR as in module.test.cjs. Without the
// MNIST files the comparisons on real images are skipped; the rejections run on a small
// made-up model.
"use strict";

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { loadModule, readIdx, testPaths } = require("../lib/node_nn.cjs");
const { SITE_DIR, NATIVE_BUILD, MNIST_DIR, TRAIN_IMAGES, TEST_IMAGES, HAVE_MNIST } = testPaths();

const TOOLS = { trainer: "trainer/trainer", convert: "trainer/nn-convert", probs: "tests/native_probs" };
const tool = (name) => path.join(NATIVE_BUILD, TOOLS[name]);
const N = 200;            // test images compared
const SAME_FILE = 1e-5;   // wasm vs native, both reading the same .nnm
// Each encoding's stated tolerance against the float model (docs/formats.md): per image, d = max |p - p_float|
// over the 10 probabilities, bounded on every image (float32, float16) or on 99 % of them (int8, int4:
// an image between two digits may change its answer).
const ENCODINGS = { float32: [1e-5, "every"], float16: [5e-3, "every"], int8: [2e-2, "99 %"], int4: [0.25, "99 %"],
  "int4-b32": [0.25, "99 %"], "int4-b64": [0.25, "99 %"] };
const PIXELS = 784;
const INV_255 = Math.fround(1 / 255);

let Module, tmp;
before(async () => {
  for (const name of Object.keys(TOOLS)) {
    assert.ok(fs.existsSync(tool(name)), `${tool(name)} not found: build the native preset or set NN_NATIVE_BUILD`);
  }
  Module = await loadModule(SITE_DIR, "build the wasm preset or set NN_SITE_DIR");
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nn-compact-test-"));
});
after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

const convert = (from, to, ...flags) => execFileSync(tool("convert"), [from, to, ...flags], { encoding: "utf8" });

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; ++i) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

// A made-up 784-16-10 model (deterministic), in the weights file's format.
function syntheticWeightsJson() {
  let seed = 777;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.2;
  const sizes = [784, 16, 10];
  const weights = {};
  for (let k = 0; k + 1 < sizes.length; ++k) {
    weights[`W${k}`] = Array.from({ length: sizes[k] * sizes[k + 1] }, rand);
    weights[`b${k}`] = Array.from({ length: sizes[k + 1] }, rand);
  }
  return JSON.stringify(weights);
}

describe("compact files in the module", () => {
  let bytes, model, x, reference;
  before(() => {
    fs.writeFileSync(path.join(tmp, "s.json"), syntheticWeightsJson());
    convert(path.join(tmp, "s.json"), path.join(tmp, "s.nnm"), "--encoding", "int8");
    bytes = fs.readFileSync(path.join(tmp, "s.nnm"));
    model = new Module.Model(bytes);
    x = new Float32Array(PIXELS).map((_, i) => (i % 11) / 10);
    reference = model.predict(x);
  });
  after(() => model && model.delete());
  const assertStillWorks = () => assert.deepEqual(model.predict(x), reference);

  it("takes a Buffer, a Uint8Array or an ArrayBuffer, the activation from the file", () => {
    assert.deepEqual(model.sizes(), [784, 16, 10]);
    const copy = Uint8Array.from(bytes);
    for (const input of [copy, copy.buffer]) {
      const m = new Module.Model(input);
      try {
        assert.deepEqual(m.predict(x), reference);
      } finally {
        m.delete();
      }
    }
    const asked = new Module.Model(bytes, { activation: "re-lu" });  // the file's own activation, asked for
    assert.deepEqual(asked.predict(x), reference);
    asked.delete();
  });

  it("still takes weights JSON, as text or bytes", () => {
    const json = fs.readFileSync(path.join(tmp, "s.json"));
    const fromText = new Module.Model(json.toString("utf8"));
    const fromBytes = new Module.Model(new Uint8Array(json));
    try {
      assert.deepEqual(fromText.predict(x), fromBytes.predict(x));
      const d = maxAbsDiff(fromText.predict(x), reference);
      assert.ok(d > 0 && d <= ENCODINGS.int8[0], `int8 vs float: ${d}`);
    } finally {
      fromText.delete();
      fromBytes.delete();
    }
  });

  const patched = (edit) => {
    const b = Uint8Array.from(bytes);
    edit(b);
    return b;
  };
  const bad = [
    ["a truncated file", () => bytes.subarray(0, 100), /^model: file ends early: the header \(784-16-10, int8\) needs \d+ bytes, the file has 100$/],
    ["a truncated header", () => bytes.subarray(0, 3), /^model: file ends early: 3 bytes/],
    ["trailing bytes", () => Buffer.concat([bytes, Buffer.from([0])]), /^model: 1 unexpected bytes after the end of the model/],
    ["a wrong version", () => patched((b) => { b[4] = 9; }), /^model: byte 4: unsupported version 9/],
    ["a corrupt byte", () => patched((b) => { b[500] ^= 0x40; }), /checksum mismatch: expected CRC-32 [0-9A-F]{8} of bytes/],
    ["a wrong magic", () => patched((b) => { b[3] = 0x58; }), /^model: not a compact model \(\.nnm\): expected the magic bytes 89 4E 4E 4D at byte 0, got 89 4E 4E 58$/],
    ["another activation than asked", () => bytes, /hidden activation is re-lu, but tanh was asked for/, "tanh"],
    ["JSON bytes that are not JSON", () => new TextEncoder().encode("W0 = [1]"), /^model: invalid JSON at byte 0/],
    ["an empty ArrayBuffer", () => new ArrayBuffer(0), /^model: is empty, expected weights JSON$/],
    ["a DataView", () => new DataView(bytes.buffer), /expected the model as a Uint8Array, an ArrayBuffer or a JSON string, got a DataView/],
  ];
  for (const [what, make, message, activation] of bad) {
    it(`rejects ${what} with an Error and keeps working`, () => {
      assert.throws(() => new Module.Model(make(), { activation }), (e) => {
        assert.ok(e instanceof Error, "a JS Error");
        assert.match(e.message, message);
        return true;
      });
      assertStillWorks();
    });
  }

  it("survives many rejected files without leaking", () => {
    const truncated = bytes.subarray(0, bytes.length - 1);
    for (let i = 0; i < 2000; ++i) assert.throws(() => new Module.Model(truncated));
    assertStillWorks();
    const again = new Module.Model(bytes);
    assert.deepEqual(again.predict(x), reference);
    again.delete();
  });
});

describe("same results as native libnn on real MNIST", { skip: HAVE_MNIST ? false : `no MNIST files in ${MNIST_DIR} (set MNIST_DIR)` }, () => {
  let inputs;
  const weights = () => path.join(tmp, "w.json");
  const nativeProbs = (file) => {
    const out = execFileSync(tool("probs"), [file, TEST_IMAGES, String(N)], { encoding: "utf8", maxBuffer: 64 << 20 });
    return JSON.parse(out).probabilities;
  };

  before(() => {
    execFileSync(tool("trainer"), [
      "--train-path", TRAIN_IMAGES, "--validation-path", TEST_IMAGES,
      "--network-structure", "784", "64", "32", "10",
      "--learning-rate", "0.003", "--batch-size", "64", "--num-epochs", "1", "--train-limit", "5000",
      "--initialization", "xavier", "--threads", "2", "--weight-path", weights(),
    ], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, OMP_NUM_THREADS: "2" } });
    const { data } = readIdx(TEST_IMAGES, 0x803);
    inputs = Array.from({ length: N }, (_, i) => Float32Array.from(data.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v * INV_255));
  });

  for (const [encoding, [tolerance, which]] of Object.entries(ENCODINGS)) {
    it(`${encoding}: the module matches native libnn, and the float model within ${tolerance} (${which})`, (t) => {
      const file = path.join(tmp, `w-${encoding}.nnm`);
      convert(weights(), file, "--encoding", encoding);
      const native = nativeProbs(file);
      const float = nativeProbs(weights());
      const model = new Module.Model(fs.readFileSync(file));
      let same = 0;
      const d = [];
      try {
        assert.deepEqual(model.sizes(), [784, 64, 32, 10]);
        inputs.forEach((input, i) => {
          const p = model.predict(input);
          same = Math.max(same, maxAbsDiff(p, native[i]));
          d.push(maxAbsDiff(p, float[i]));
        });
      } finally {
        model.delete();
      }
      d.sort((a, b) => a - b);
      const worst = d[d.length - 1], p99 = d[Math.floor(d.length * 0.99)];
      t.diagnostic(`max |wasm - native| = ${same.toExponential(2)}, |p - p_float|: max ${worst.toExponential(2)}, 99 % ${p99.toExponential(2)}`);
      assert.ok(same <= SAME_FILE, `wasm vs native on the same file: ${same}`);
      assert.ok((which === "every" ? worst : p99) <= tolerance, `${encoding} vs float: max ${worst}, 99 % ${p99}`);
      if (encoding !== "float32") assert.ok(worst > 0, "a lossy encoding changed nothing");
    });
  }
});
