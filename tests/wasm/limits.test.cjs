// Limits of the WebAssembly module: the canvas size (below) and the weights that
// setParameters accepts (at the end).
//
// Canvas size limits (issue 11, finding 3). In WebAssembly
// size_t is 32 bits: 65536 x 65537 x 4 wraps to 262,144, which used to pass the size
// check and then read out of bounds ("memory access out of bounds", past the bindings'
// error handling); 32768 x 32768 threw std::length_error. Both must give a JS Error
// that names the limit, and the module must keep working afterwards.
//
// Run: node --test tests/wasm/   (after cmake --build --preset wasm)
//   NN_SITE_DIR  folder with nn.js and nn.wasm (default build/wasm/site)
"use strict";

const { describe, it, before } = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { loadModule } = require("../lib/node_nn.cjs");

const ROOT = path.resolve(__dirname, "..", "..");
const SITE_DIR = path.resolve(process.env.NN_SITE_DIR || path.join(ROOT, "build/wasm/site"));
const LIMIT = /canvas of \d+ x \d+ pixels is larger than the limit of 4096 x 4096/;

// A 784 -> 10 model whose class 3 wins whenever there is any input.
function tinyModelJson() {
  const W0 = new Array(784 * 10).fill(0);
  for (let i = 0; i < 784; ++i) W0[i * 10 + 3] = 1;
  return JSON.stringify({ W0, b0: new Array(10).fill(0) });
}

// A 40 x 40 RGBA canvas: white paper with a black square in the middle.
function drawing() {
  const side = 40;
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 12; y < 28; ++y) {
    for (let x = 16; x < 24; ++x) rgba.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
  }
  return { rgba, side };
}

describe("canvas size limits", () => {
  let Module, model;
  before(async () => {
    Module = await loadModule(SITE_DIR, "build the wasm preset or set NN_SITE_DIR");
    model = new Module.Model(tinyModelJson(), { activation: "re-lu" });
  });

  function assertStillWorks() {
    const { rgba, side } = drawing();
    const x = Module.normalizeCanvas(rgba, side, side);
    assert.equal(x.length, 784);
    assert.ok(x.some((v) => v > 0.5), "the square is ink");
    const p = model.predict(x);
    assert.equal(p.length, 10);
    assert.ok(p[3] > 0.9, `class 3 wins, got ${Array.from(p)}`);
  }

  const cases = [
    ["65536 x 65537 with 262,144 bytes (the product wraps to 262,144 in 32 bits)", 65536, 65537, 262144],
    ["32768 x 32768 with 4 bytes", 32768, 32768, 4],
    ["4097 x 1 with the right byte count", 4097, 1, 4097 * 4],
  ];
  for (const [what, width, height, bytes] of cases) {
    it(`rejects a canvas of ${what}`, () => {
      const rgba = new Uint8ClampedArray(bytes);
      for (const call of [() => Module.normalizeCanvas(rgba, width, height)]) {
        assert.throws(call, (e) => {
          assert.ok(e instanceof Error, `a JS Error, got ${typeof e} ${e}`);
          assert.match(e.message, LIMIT);
          return true;
        });
        assertStillWorks();
      }
    });
  }

  it("accepts a canvas of exactly 4096 x 4096", () => {
    const side = 4096;
    const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
    assert.equal(Module.normalizeCanvas(rgba, side, side), null, "blank paper has no ink");
    assertStillWorks();
  });
});

// setParameters checks the weights as the model readers do (libnn's nn::set_parameters):
// finite weights whose outputs could overflow float are refused with the readers' message,
// and the model is left as it was.
describe("setParameters limits", () => {
  let Module;
  before(async () => {
    Module = await loadModule(SITE_DIR, "build the wasm preset or set NN_SITE_DIR");
  });

  function errorOf(call) {
    try {
      call();
    } catch (e) {
      assert.ok(e instanceof Error, `a JS Error, got ${typeof e} ${e}`);
      return e.message;
    }
    assert.fail("no error");
  }

  it("refuses finite weights whose outputs could overflow, with the readers' message, and changes nothing", () => {
    const model = new Module.Model(tinyModelJson(), { activation: "re-lu" });
    const before = Array.from(model.parameters());
    // W0 is row-major inputs x outputs: inputs 0 and 1 into output 0, 3e38 each, so
    // output 0 can reach 6e38 with inputs in [0, 1].
    const huge = Float32Array.from(before);
    huge[0 * 10 + 0] = 3e38;
    huge[1 * 10 + 0] = 3e38;
    assert.ok(huge.every(Number.isFinite), "every weight is finite");
    const message = errorOf(() => model.setParameters(huge));
    assert.match(message, /^setParameters: W0: with inputs in \[0, 1\], output 0 of layer 0 can reach 6e\+38, beyond the largest float/);

    // The same weights as a weights file: the reader's message, after its source.
    const W0 = Array.from(huge.subarray(0, 7840));
    const json = JSON.stringify({ W0, b0: Array.from(huge.subarray(7840)) });
    const fromFile = errorOf(() => new Module.Model(json, { activation: "re-lu" }));
    assert.equal(message.replace(/^setParameters: /, ""), fromFile.replace(/^model: /, ""));

    assert.deepEqual(Array.from(model.parameters()), before, "the model is unchanged");
    const x = new Float32Array(784).fill(1);
    assert.ok(model.predict(x)[3] > 0.9, "and still predicts class 3");
    model.delete();
  });
});
