// The WebAssembly backend: every call runs on the module that init() loaded.

import type { Backend } from '../backend.js';
import { loadedModule } from '../init.js';
import { runInterpolate } from './interpolate.js';

export const wasmBackend: Backend = {
  interpolate(plan, input, output) {
    runInterpolate(loadedModule(), plan, input, output);
  },
};
