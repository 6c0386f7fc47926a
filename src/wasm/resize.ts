// WebAssembly axis-by-axis resizing: each pass is resampleRows (the contiguous axis) or
// blendAxis (any other) through two intermediate buffers, or for the last two axes the 2-D row
// cache kernel; then the fills (extrapolation, empty sums).

import { call, type KernelCall } from '../kernels.js';
import type { ResizeInputs, ResizePlan } from '../resize.js';
import { ringFloats2d, stripPixels } from '../ring.js';
import type { Layout } from './module.js';
import { stageResizeWide } from './resize-wide.js';
import type { Staged } from './staged.js';

const bits = new Int32Array(1);
const asFloat = new Float32Array(bits.buffer);

export function stageResize(layout: Layout, plan: ResizePlan, { input }: ResizeInputs, outputLength: number, target: number): Staged {
  if (plan.wide) return stageResizeWide(layout, plan, { input }, outputLength);
  const src = layout.f32(input.length, input);
  const [w, h] = plan.passes;
  if (plan.passes.length === 2 && h.inner === w.table.outSize * w.inner) {
    // Two neighbouring axes, the last two (an image's H and W) or the two before the channels of
    // a channels-last tensor: interpolate's 2-D kernel, which keeps resampled rows in a ring
    // instead of a whole intermediate (and which the pool splits by rows).
    const dst = target >= 0 ? target : layout.f32(outputLength);
    const { ring, tags: ringRows } = layout.rowRing(h.table.taps, stripPixels(w.table.outSize, w.inner) * w.inner,
      ringFloats2d(h.table.taps, w.table.inSize, w.table.outSize, w.inner));
    const calls: KernelCall[] = [call('separable2d', { src, dst, ring, ringRows, planes: h.outer,
      inH: h.table.inSize, inW: w.table.inSize, outH: h.table.outSize, outW: w.table.outSize,
      tapsW: w.table.taps, indexW: layout.i32(w.table.index), weightW: layout.f32(w.table.weight.length, w.table.weight),
      periodLo: w.period[0], periodHi: w.period[1],
      tapsH: h.table.taps, indexH: layout.i32(h.table.index), weightH: layout.f32(h.table.weight.length, h.table.weight),
      channels: w.inner })];
    return { dst, calls: [...calls, ...fills(layout, plan, dst)] };
  }
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
  return { dst, calls: [...calls, ...fills(layout, plan, dst)] };
}

function fills(layout: Layout, plan: ResizePlan, dst: number): KernelCall[] {
  return plan.fills.map(({ outer, len, inner, outside, value }) => {
    asFloat[0] = value;
    return call('fillOutside', { dst, outer, len, inner, outside: layout.bytes(outside.length, outside), valueBits: bits[0] });
  });
}
