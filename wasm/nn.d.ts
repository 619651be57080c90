// TypeScript declarations for the digit recogniser's WebAssembly modules (embind bindings
// over libnn, wasm/bindings.cpp): nn.js / nn.wasm (load a model, predict, normalise a
// drawing) and nn-train.js / nn-train.wasm (the same, plus Model.fit and Model.toJSON:
// training with libnn's own nn::fit). Each is a classic script: in a page it defines the
// global createNNModule; in Node, `require("./nn.js")` returns it.
//
// Every method that fails throws a JS Error whose message is libnn's, e.g.
// "model: missing b0 (found W0)" or "expected 784 inputs per sample, got 783".
// Returned arrays are copies: they stay valid after further calls.
//
// Usage: const createNNModule = require("./nn.js");            // Node (CommonJS)
//        <script src="nn.js"></script> then createNNModule(...)  // page or worker (a global)
//        const nn = await createNNModule({ wasmBinary });
//        const model = new nn.Model(new Uint8Array(await (await fetch(url)).arrayBuffer()));
//        const sigmoid = new nn.Model(bytes, { activation: "sigmoid" });  // optional arguments: one options object

/** Loads and instantiates the module. */
declare function createNNModule(options?: createNNModule.NNModuleOptions): Promise<createNNModule.NNModule>;

declare namespace createNNModule {
  /** Options for createNNModule (a subset of Emscripten's Module object). */
  interface NNModuleOptions {
    /** The contents of nn.wasm, when it is not to be fetched (e.g. in Node: fs.readFileSync). */
    wasmBinary?: ArrayBuffer | Uint8Array;
    /** Where to find nn.wasm: given "nn.wasm" and the script's folder, return its URL or path. */
    locateFile?: (path: string, scriptDirectory: string) => string;
    /** Custom instantiation, e.g. from a cached WebAssembly.Module. */
    instantiateWasm?: (
      imports: WebAssembly.Imports,
      successCallback: (instance: WebAssembly.Instance, module?: WebAssembly.Module) => void,
    ) => WebAssembly.Exports | {};
    /** Output of the module's stdout / stderr (by default console.log / console.warn). */
    print?: (text: string) => void;
    printErr?: (text: string) => void;
    /** Called if the module fails to start (e.g. nn.wasm cannot be loaded). */
    onAbort?: (reason: unknown) => void;
  }

  /** Pixels as canvas getImageData(...).data gives them: width x height x 4 bytes, row-major. */
  type RGBA = Uint8ClampedArray | Uint8Array;

  /** Options of the Model constructor; a key not listed here is an Error. */
  interface ModelOptions {
    /**
     * The hidden layers' activation: "re-lu", "sigmoid", "tanh", "linear" or "leaky-re-lu".
     * Left out: "re-lu" for weights JSON, the file's own for a compact model (which must
     * match when given).
     */
    activation?: string;
  }

  /**
   * Options of Model.fit, checked by libnn; a key not listed here is an Error. Absent ones
   * take libnn's defaults (nn::FitOptions), except the few whose default is given here: the
   * module's own.
   */
  interface FitOptions {
    /** SGD step; gradients are summed over the batch. */
    learningRate?: number;
    /** Samples per step (default: all, up to 64). */
    batchSize?: number;
    /** Passes over the samples (default 1). */
    epochs?: number;
    /** Classical momentum in [0, 1). */
    momentum?: number;
    /** Decoupled L2 decay of the weights after each step. */
    weightDecay?: number;
    /** The learning rate is multiplied by this after every epoch, in (0, 1]. */
    lrDecay?: number;
    /** Reshuffle the samples every epoch. */
    shuffle?: boolean;
    /** Seed of the batch order and distortions (default 1): the same seed gives the same weights. */
    seed?: number;
    /** Fine-tuning: the first N layers keep their weights, only the layers above train (default 0). */
    frozenLayers?: number;
    /** Distort each sample, fresh every epoch: true (libnn's defaults), an object, or false (default). */
    augment?: boolean | AugmentOptions;
  }

  /**
   * Distortions of Model.fit's augment option (libnn's nn::AugmentOptions); absent ones take
   * libnn's defaults. A key not listed here is an Error.
   */
  interface AugmentOptions {
    /** Pixels, uniform in [-max, max] on each axis. */
    maxShift?: number;
    /** Degrees, uniform in [-max, max]. */
    maxRotation?: number;
    /** Relative: the scale is uniform in [1 - max, 1 + max]. */
    maxScale?: number;
    /** Pixels of stroke dilation (+) or erosion (-). */
    maxThickness?: number;
    /** Elastic distortion strength, pixels; 0 turns it off. */
    elasticAlpha?: number;
    /** Smoothness of the elastic field, pixels. */
    elasticSigma?: number;
  }

  /** One layer's output, as Model.layers() describes it. */
  type LayerInfo =
    | { kind: "dense"; shape: [number] }
    | { kind: "conv" | "pool"; shape: [number, number, number] };

  /** A network parsed once from its weights; free it with delete(). */
  interface Model {
    /**
     * Layer sizes, inputs first, e.g. [784, 500, 300, 100, 10]: the inputs, then each layer's
     * outputs (for an image layer its channels x height x width values).
     */
    sizes(): number[];
    /** Number of inputs (784 for MNIST). */
    inputs(): number;
    /** Number of outputs (10 digits). */
    outputs(): number;
    /**
     * Class probabilities (length outputs(), summing to 1) for one input of inputs() numbers
     * in [0, 1], ink = 1 (MNIST's convention), e.g. from normalizeCanvas or originalInput.
     * Any other length, a non-finite value or RGBA bytes throw.
     */
    predict(input: Float32Array | Float64Array | number[]): Float32Array;
    /**
     * nn-train.js only. What each layer makes of one input (as predict takes it), first layer first: the
     * hidden layers' outputs (after their activation), then the probabilities, which are
     * predict's. E.g. lengths [500, 300, 100, 10] for 784-500-300-100-10.
     */
    activations?(input: Float32Array | Float64Array | number[]): Float32Array[];
    /**
     * nn-train.js only. What each of activations()' arrays holds, one entry per layer output, in the
     * same order: a dense layer's n units are {kind: "dense", shape: [n]}; a convolution's or a
     * max-pooling's output is {kind: "conv" | "pool", shape: [C, H, W]}, its array channel after
     * channel, each channel row-major. E.g. four dense entries [500], [300], [100], [10] for
     * 784-500-300-100-10.
     */
    layers?(): LayerInfo[];
    /**
     * nn-train.js only. Why the network answers as it does: for one input (as predict takes it), the gradient
     * of output `output`'s score (its logit, before the softmax) with respect to each input
     * value, inputs() numbers: positive where more ink raises that digit's score, negative
     * where it lowers it. `output` is a whole number from 0 to outputs() - 1, else it throws.
     */
    inputGradient?(input: Float32Array | Float64Array | number[], output: number): Float32Array;
    /**
     * nn-train.js only. Trains the model on n samples with libnn's nn::fit: `inputs` holds
     * n x inputs() numbers in [0, 1], sample after sample (stored as bytes, round(x * 255),
     * as data sets are); `labels` n whole numbers from 0 to outputs() - 1. Returns the
     * mean training loss of each epoch (cross-entropy, bits per sample). All or nothing:
     * on an Error (bad input or options, a diverging run) the model is unchanged.
     */
    fit?(inputs: Float32Array | number[], labels: ArrayLike<number>, options?: FitOptions): number[];
    /** nn-train.js only. The weights as JSON in the original's format (W0, b0, ...). */
    toJSON?(): string;
    /**
     * Every weight and bias, in the weights file's order: W0 (row-major, inputs x outputs), b0,
     * W1, b1, ... (573,910 numbers for 784-500-300-100-10). A copy: keep it to restore the model.
     */
    parameters(): Float32Array;
    /**
     * Replaces every weight and bias, in parameters()' order (e.g. weights a worker trained).
     * Throws, leaving the model unchanged, on a wrong count or a non-finite number.
     */
    setParameters(params: Float32Array | number[]): void;
    /** Frees the model's wasm memory. The object must not be used afterwards. */
    delete(): void;
    isDeleted(): boolean;
  }

  interface ModelConstructor {
    /**
     * Parses the weights, told apart by content: the bytes (Uint8Array or ArrayBuffer, as fetch
     * gives them) of a compact model (.nnm, nn-convert's output) or of a weights file, or the
     * JSON text, in the original's format: {"W0": [...], "b0": [...], ...}, each a flat array,
     * W_k row-major (inputs x outputs). `options` may be left out (see ModelOptions).
     * Throws an Error on a malformed, truncated or corrupt file, inconsistent shapes, or bad
     * options (an unknown activation, a key not in ModelOptions).
     */
    new (model: Uint8Array | ArrayBuffer | string, options?: ModelOptions): Model;
  }

  interface NNModule {
    Model: ModelConstructor;
    /**
     * The network's input for a drawing of any size (e.g. a 336 x 336 canvas): dark opaque
     * pixels are ink; the ink is cropped, scaled to fit 20 x 20 and centred by its centre of
     * mass in 28 x 28, as MNIST's digits were. 784 values, row-major, 0..1, ink = 1; null
     * when the canvas has no ink. Throws when the bytes are not width x height x 4.
     */
    normalizeCanvas(rgba: RGBA, width: number, height: number): Float32Array | null;
    /** The original page's input from a 28 x 28 RGBA image: red < 127 -> 1, else 0 (784 values). */
    originalInput(rgba28: RGBA): Float32Array;
  }
}

export = createNNModule;
export as namespace createNNModule;
