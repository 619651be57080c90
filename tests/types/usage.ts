// A typed use of the module's whole API (wasm/nn.d.ts), as a program would write it.
// Compiled by tsc in the tests (tests/types/tsc.sh), never run. Each line after a
// `@ts-expect-error` must NOT compile, and tsc fails if it does: the declarations cannot
// loosen (or the API change) unseen.
import createNNModule = require("../../wasm/nn.js");

// What a program would have at hand: the files' bytes and a canvas's pixels.
declare const wasmBinary: ArrayBuffer;        // nn.wasm
declare const modelBytes: Uint8Array;         // model.nnm, or a weights JSON
declare const canvas: Uint8ClampedArray;      // getImageData(0, 0, 336, 336).data
declare const canvas28: Uint8ClampedArray;    // a 28 x 28 drawing's pixels

async function loading(): Promise<createNNModule.NNModule> {
  await createNNModule();  // every option left out
  const options: createNNModule.NNModuleOptions = {
    wasmBinary,
    locateFile: (path, scriptDirectory) => scriptDirectory + path,
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onAbort: (reason) => console.error(reason),
  };
  // @ts-expect-error not an option of createNNModule
  await createNNModule({ wasmBinaryFile: "nn.wasm" });
  return createNNModule(options);
}

function models(nn: createNNModule.NNModule): createNNModule.Model {
  const fromText = new nn.Model('{"W0": [1, 2], "b0": [0, 0]}', { activation: "sigmoid" });
  const fromBuffer = new nn.Model(new ArrayBuffer(8), {});
  const options: createNNModule.ModelOptions = { activation: "re-lu" };
  const relu = new nn.Model(modelBytes, options);
  fromText.delete();
  fromBuffer.delete();
  relu.delete();
  // @ts-expect-error the activation goes in the options object
  new nn.Model(modelBytes, "sigmoid");
  // @ts-expect-error a misspelt option
  new nn.Model(modelBytes, { activaton: "sigmoid" });
  // @ts-expect-error the model is bytes or text
  new nn.Model(42);
  // @ts-expect-error a Model is made with new
  nn.Model(modelBytes);
  return new nn.Model(modelBytes);  // options left out
}

function predicting(nn: createNNModule.NNModule, model: createNNModule.Model): number {
  const sizes: number[] = model.sizes();
  const inputs: number = model.inputs();
  const outputs: number = model.outputs();
  const input: Float32Array | null = nn.normalizeCanvas(canvas, 336, 336);
  // @ts-expect-error null when the canvas has no ink: checked first
  model.predict(input);
  // @ts-expect-error RGBA pixels go through normalizeCanvas or originalInput first
  model.predict(canvas);
  const original: Float32Array = nn.originalInput(canvas28);
  const p: Float32Array = input ? model.predict(input) : model.predict(original);
  model.predict(Array.from(original));
  // @ts-expect-error predict returns a Float32Array, not an Array
  const asArray: number[] = model.predict(original);
  return sizes.length + inputs + outputs + p[0] + asArray.length + inside(model, original);
}

function inside(model: createNNModule.Model, input: Float32Array): number {
  // @ts-expect-error the inside view is nn-train.js's only: checked first
  model.activations(input);
  if (!model.activations || !model.inputGradient) return 0;
  const layers: Float32Array[] = model.activations(input);
  const why: Float32Array = model.inputGradient(input, 7);
  const kinds: string[] = (model.layers ? model.layers() : []).map(shapeOf);
  // @ts-expect-error which digit's score: a number
  model.inputGradient(input, "7");
  // @ts-expect-error the digit is not optional
  model.inputGradient(input);
  return layers.length + why[0] + kinds.length;
}

function shapeOf(layer: createNNModule.LayerInfo): string {
  if (layer.kind === "dense") {
    // @ts-expect-error a dense layer's shape has one number
    return `${layer.shape[0]} ${layer.shape[1]}`;
  }
  const [c, h, w]: [number, number, number] = layer.shape;
  return `${layer.kind} ${c}x${h}x${w}`;
}

function parameters(model: createNNModule.Model): void {
  const saved: Float32Array = model.parameters();
  model.setParameters(saved);
  model.setParameters(Array.from(saved));
  // @ts-expect-error the parameters are numbers
  model.setParameters("weights");
}

function training(model: createNNModule.Model, inputs: Float32Array, labels: number[]): string {
  // @ts-expect-error fit is nn-train.js's only: checked first
  model.fit(inputs, labels);
  if (!model.fit || !model.toJSON) return "";
  const losses: number[] = model.fit(inputs, labels);  // options left out
  const augment: createNNModule.AugmentOptions = {
    maxShift: 1, maxRotation: 8, maxScale: 0.08, maxThickness: 0.3, elasticAlpha: 0, elasticSigma: 4,
  };
  const options: createNNModule.FitOptions = {
    learningRate: 0.002, batchSize: 16, epochs: 5, momentum: 0.9, weightDecay: 1e-4, lrDecay: 0.9,
    shuffle: true, seed: 3, frozenLayers: 1, augment,
  };
  model.fit(inputs, Uint8Array.from(labels), options);
  model.fit(Array.from(inputs), labels, { augment: true });
  model.fit(inputs, labels, { augment: false, seed: losses.length });
  // @ts-expect-error a misspelt option
  model.fit(inputs, labels, { learningrate: 0.01 });
  // @ts-expect-error epochs is a number
  model.fit(inputs, labels, { epochs: "5" });
  // @ts-expect-error a misspelt distortion
  model.fit(inputs, labels, { augment: { shift: 1 } });
  const json: string = model.toJSON();
  return json;
}

export async function main(): Promise<void> {
  const nn = await loading();
  const model = models(nn);
  predicting(nn, model);
  parameters(model);
  training(model, new Float32Array(784), [7]);
  model.delete();
  const deleted: boolean = model.isDeleted();
  console.log(deleted);
}
