// WebAssembly pixel shuffle / unshuffle: a permutation in linear memory (assembly/shuffle.ts).

import { call } from '../kernels.js';
import type { ShuffleInputs, ShufflePlan } from '../shuffle.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

export function stageShuffle(layout: Layout, plan: ShufflePlan, { input }: ShuffleInputs, outputLength: number, target: number): Staged {
  const src = layout.f32(input.length, input);
  const dst = target >= 0 ? target : layout.f32(outputLength); // a resident `out` is written in place
  const { planes, factor: r, height, width } = plan;
  return { dst, calls: [call('pixelShuffle', { src, dst, planes, r, height, width, upscale: plan.upscale ? 1 : 0 })] };
}
