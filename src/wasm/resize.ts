// WebAssembly axis-by-axis resizing: each pass is resampleRows (the contiguous axis) or
// blendAxis (any other) through two intermediate buffers, then the extrapolation fills.

import { call, type KernelCall } from '../kernels.js';
import type { ResizeInputs, ResizePlan } from '../resize.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

const bits = new Int32Array(1);
const asFloat = new Float32Array(bits.buffer);

export function stageResize(layout: Layout, plan: ResizePlan, { input }: ResizeInputs, outputLength: number, target: number): Staged {
  const src = layout.f32(input.length, input);
  const tmp = plan.passes.length > 1 ? [layout.f32(plan.tmp), plan.passes.length > 2 ? layout.f32(plan.tmp) : 0] : [];
  const dst = target >= 0 ? target : layout.f32(outputLength); // a resident `out` is written in place
  const calls: KernelCall[] = [];
  const last = plan.passes.length - 1;
  plan.passes.forEach(({ outer, inner, table, period }, i) => {
    const from = i === 0 ? src : tmp[(i - 1) & 1];
    const to = i === last ? dst : tmp[i & 1];
    const index = layout.i32(table.index);
    const weight = layout.f32(table.weight.length, table.weight);
    const { inSize, outSize, taps } = table;
    calls.push(inner === 1
      ? call('resampleRows', { src: from, dst: to, rows: outer, inW: inSize, outW: outSize, taps, index, weight,
        periodLo: period[0], periodHi: period[1] })
      : call('blendAxis', { src: from, dst: to, outer, inLen: inSize, outLen: outSize, inner, taps, index, weight }));
  });
  for (const { outer, len, inner, outside, value } of plan.fills) {
    asFloat[0] = value;
    calls.push(call('fillOutside', { dst, outer, len, inner, outside: layout.bytes(outside.length, outside), valueBits: bits[0] }));
  }
  return { dst, calls };
}
