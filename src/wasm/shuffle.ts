// WebAssembly pixel shuffle / unshuffle: copy in, permute (assembly/shuffle.ts), copy out.

import type { ShufflePlan } from '../shuffle.js';
import type { WasmModule } from './module.js';

export function runShuffle(module: WasmModule, plan: ShufflePlan, input: Float32Array, output: Float32Array): void {
  const layout = module.layout();
  const src = layout.f32(input.length, input);
  const target = module.residentPointer(output);
  const dst = target >= 0 ? target : layout.f32(output.length); // a resident `out` is written in place
  layout.commit();
  module.kernels.pixelShuffle(src, dst, plan.planes, plan.factor, plan.height, plan.width, plan.upscale ? 1 : 0);
  if (target < 0) output.set(module.f32(dst, output.length));
}
