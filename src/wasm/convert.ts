// Staging for tensors of other element types, around a family's float32 staging. In: the copy
// into linear memory converts each element exactly (Float32Array.prototype.set), or for an
// index-only plan on Int32Array copies the 32-bit words as they are. Out: integers are narrowed
// by the `narrow` kernel (assembly/convert.ts) into an array of their type, which the executor
// copies out as it is; Float16Array takes the float32 result and rounds it to nearest-even as
// it copies out (viewLike in ./executor.ts).

import { integerType, type TensorData } from '../dtype.js';
import { call } from '../kernels.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

type Stage<P, I> = (layout: Layout, plan: P, inputs: I, outputLength: number, target: number) => Staged;

/** `stage` for every element type: `copies(plan)` says whether the plan only copies elements. */
export function stageTyped<P, I extends { input: TensorData }>(stage: Stage<P, I>, copies: (plan: P) => boolean): Stage<P, I> {
  return (layout, plan, inputs, outputLength, target) => {
    const { input } = inputs;
    if (input instanceof Float32Array) return stage(layout, plan, inputs, outputLength, target);
    if (input instanceof Int32Array && copies(plan)) {
      // Label maps: nearest gathers move the words, so any int32 is exact (float32 holds 2^24).
      const words = new Float32Array(input.buffer, input.byteOffset, input.length);
      return stage(layout, plan, { ...inputs, input: words }, outputLength, -1);
    }
    const staged = stage(layout, plan, inputs, outputLength, -1);
    const type = integerType(input);
    if (!type) return staged; // Float16Array
    const dst = layout.bytes(outputLength * type.bytes, undefined, 64);
    return { dst, calls: [...staged.calls, call('narrow', { src: staged.dst, dst, length: outputLength, type: type.code })] };
  };
}
