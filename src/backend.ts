// A backend is the inner loops: it runs a validated plan on raw arrays. Everything before the
// plan (option parsing, refusals, shapes, tables) lives in the family files and is shared.

import type { InterpolatePlan } from './interpolate.js';

export interface Backend {
  interpolate(plan: InterpolatePlan, input: Float32Array, output: Float32Array): void;
}
