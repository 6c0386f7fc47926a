// The plain-JS backend: the same operations with no WebAssembly and no init().

import type { Backend } from '../backend.js';
import { runConv } from './conv.js';
import { runResizeImage } from './image.js';
import { areaPool, planeMean, separable } from './interpolate.js';
import { runShuffle } from './shuffle.js';

export const jsBackend: Backend = {
  interpolate(plan, input, output) {
    if (plan.kind === 'area') (plan.globalMean ? planeMean : areaPool)(plan, input, output);
    else separable(plan, input, output);
  },
  conv: runConv,
  pixelShuffle: runShuffle,
  resizeImage: runResizeImage,
};
