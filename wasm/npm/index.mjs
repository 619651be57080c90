// The package's Node entry for `import`: the CommonJS entry, re-exported.
//   import createNNModule from "digitnn";
import { createRequire } from "node:module";

const createNNModule = createRequire(import.meta.url)("./index.cjs");

export default createNNModule;
export { createNNModule };
