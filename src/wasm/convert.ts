// Staging for tensors of other element types, around a family's float32 staging.
// - Index-only plans (nearest) on 8- and 16-bit types, half floats included: the bytes are
//   gathered as they are (./gather.ts), no conversion either way; on Int32Array the float32
//   kernels move the 32-bit words as they are.
// - Others: integers are widened exactly by the copy into linear memory; half floats are copied
//   in as their bits and widened by the `widen` kernel. The result is narrowed by the `narrow`
//   kernel (assembly/convert.ts) into an array of the output's type, which the executor copies
//   out as it is (copyOut in ./executor.ts).

import { bytesOf, integerType, isFloat16, narrowCode, NARROW_BYTES, roundSaturate, type TensorData } from '../dtype.js';
import { call, type KernelCall } from '../kernels.js';
import type { ResizePlan } from '../resize.js';
import { stageGather } from './gather.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

type Stage<P, I> = (layout: Layout, plan: P, inputs: I, outputLength: number, target: number) => Staged;

/** `stage` for every element type: `copies(plan)` is the plan as element copies, undefined where it blends; `own(plan)`: `stage` takes every type. */
export function stageTyped<P, I extends { input: TensorData }>(stage: Stage<P, I>, copies: (plan: P) => ResizePlan | undefined,
                                                               own: (plan: P) => boolean): Stage<P, I> {
  return (layout, plan, inputs, outputLength, target) => {
    const { input } = inputs;
    if (input instanceof Float32Array || own(plan)) return stage(layout, plan, inputs, outputLength, target);
    const gather = copies(plan);
    if (gather && input.BYTES_PER_ELEMENT < 4 && gather.fills.length === 0) return stageGather(layout, gather, input, outputLength);
    if (input instanceof Int32Array && gather) {
      // Label maps: nearest gathers move the words, so any int32 is exact (float32 holds 2^24). A
      // fill writes a word too: the int32 its float32 value rounds to, not the float's bits.
      const words = new Float32Array(input.buffer, input.byteOffset, input.length);
      const staged = stage(layout, plan, { ...inputs, input: words }, outputLength, -1);
      const type = integerType(input)!;
      return { ...staged, calls: staged.calls.map((c) => (c.kernel !== 'fillOutside' ? c
        : call('fillOutside', { ...c.args, valueBits: roundSaturate(floatOfBits(c.args.valueBits), type) }))) };
    }
    const widen: KernelCall[] = [];
    if (isFloat16(input)) {
      const { length } = input as TensorData;
      const dst = layout.f32(length);
      widen.push(call('widen', { src: layout.bytes(length * 2, bytesOf(input)), dst, length }));
      layout.place(input, dst);
    }
    const staged = stage(layout, plan, inputs, outputLength, -1);
    const type = narrowCode(input);
    const dst = layout.bytes(outputLength * NARROW_BYTES[type], undefined, 64);
    return { dst, calls: [...widen, ...staged.calls, call('narrow', { src: staged.dst, dst, length: outputLength, type })] };
  };
}

const word = new Int32Array(1);
const wordAsFloat = new Float32Array(word.buffer);

function floatOfBits(bits: number): number {
  word[0] = bits;
  return wordAsFloat[0];
}
