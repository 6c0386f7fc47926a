// The WebAssembly backend: every call runs on the module that init() loaded.

import type { Backend } from '../backend.js';
import { loadedModule } from '../init.js';
import { runConv } from './conv.js';
import { runResizeImage } from './image.js';
import { runInterpolate } from './interpolate.js';
import { runShuffle } from './shuffle.js';

export const wasmBackend: Backend = {
  interpolate(plan, input, output) {
    runInterpolate(loadedModule(), plan, input, output);
  },
  conv(plan, input, weight, bias, output) {
    runConv(loadedModule(), plan, input, weight, bias, output);
  },
  pixelShuffle(plan, input, output) {
    runShuffle(loadedModule(), plan, input, output);
  },
  resizeImage(plan, input, output) {
    runResizeImage(loadedModule(), plan, input, output);
  },
};
