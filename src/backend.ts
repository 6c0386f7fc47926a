// A backend is the inner loops: it runs a validated plan on raw arrays. Everything before the
// plan (option parsing, refusals, shapes, tables) lives in the family files and is shared.

import type { ConvPlan } from './conv.js';
import type { ImagePlan } from './image.js';
import type { InterpolatePlan } from './interpolate.js';
import type { ShufflePlan } from './shuffle.js';

export interface Backend {
  interpolate(plan: InterpolatePlan, input: Float32Array, output: Float32Array): void;
  conv(plan: ConvPlan, input: Float32Array, weight: Float32Array, bias: Float32Array | undefined, output: Float32Array): void;
  pixelShuffle(plan: ShufflePlan, input: Float32Array, output: Float32Array): void;
  resizeImage(plan: ImagePlan, input: Uint8Array | Uint8ClampedArray, output: Uint8ClampedArray): void;
}
