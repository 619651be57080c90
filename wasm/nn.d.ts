// TypeScript declarations for nn.js / nn.wasm, the digit recogniser's WebAssembly module
// (embind bindings over libnn, wasm/bindings.cpp). nn.js is a classic script: in a page it
// defines the global createNNModule; in Node, `require("./nn.js")` returns it.
//
// Every method that fails throws a JS Error whose message is libnn's, e.g.
// "model: missing b0 (found W0)" or "expected 784 input values, got 783".
// Returned arrays are copies: they stay valid after further calls.
//
// Usage: const createNNModule = require("./nn.js");            // Node (CommonJS)
//        <script src="nn.js"></script> then createNNModule(...)  // page or worker (a global)
//        const nn = await createNNModule({ wasmBinary });
//        const model = new nn.Model(new Uint8Array(await (await fetch("model.nnm")).arrayBuffer()));

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

  /** A network parsed once from the weights JSON; free it with delete(). */
  interface Model {
    /** Layer sizes, inputs first, e.g. [784, 500, 300, 100, 10]. */
    sizes(): number[];
    /** Number of inputs (784 for MNIST). */
    inputs(): number;
    /** Number of outputs (10 digits). */
    outputs(): number;
    /**
     * Class probabilities (length outputs(), summing to 1) for one input:
     * - a Float32Array or number[] of inputs() values in [0, 1], ink = 1 (MNIST's convention), or
     * - 28 x 28 RGBA bytes (3136), turned into the input as the original page did
     *   (red channel < 127 is ink; see originalInput).
     * Any other length throws.
     */
    predict(input: Float32Array | Float64Array | number[] | RGBA): Float32Array;
    /**
     * Probabilities for a full-resolution drawing (e.g. a 336 x 336 canvas): dark opaque pixels
     * are ink; the ink is cropped, scaled to fit 20 x 20 and centred by its centre of mass in
     * 28 x 28, as MNIST's digits were (see normalizeCanvas). null when the canvas has no ink.
     */
    predictCanvas(rgba: RGBA, width: number, height: number): Float32Array | null;
    /** Frees the model's wasm memory. The object must not be used afterwards. */
    delete(): void;
    isDeleted(): boolean;
  }

  interface ModelConstructor {
    /**
     * Parses a model, told apart by content: a compact model (.nnm: nn-convert's output, the
     * bytes as a Uint8Array or ArrayBuffer, e.g. from fetch(...).arrayBuffer()), or the weights
     * JSON in the original's format, {"W0": [...], "b0": [...], ...}, each a flat array, W_k
     * row-major (inputs x outputs), as a string or its UTF-8 bytes. `activation` is the hidden
     * layers' activation: "re-lu", "sigmoid", "tanh", "linear" or "leaky-re-lu"; by default
     * "re-lu" for JSON and the file's own for a compact model (which must match when given).
     * Throws an Error on a malformed, truncated or corrupt file, inconsistent shapes or an
     * unknown activation.
     */
    new (model: Uint8Array | ArrayBuffer | string, activation?: string): Model;
  }

  interface NNModule {
    Model: ModelConstructor;
    /**
     * The 28 x 28 input (784 values, row-major, 0..1, ink = 1) that predictCanvas feeds the
     * network for this drawing, or null when the canvas has no ink.
     */
    normalizeCanvas(rgba: RGBA, width: number, height: number): Float32Array | null;
    /** The original page's input from a 28 x 28 RGBA image: red < 127 -> 1, else 0 (784 values). */
    originalInput(rgba28: RGBA): Float32Array;
  }
}

export = createNNModule;
export as namespace createNNModule;
