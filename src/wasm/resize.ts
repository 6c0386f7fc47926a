// WebAssembly axis-by-axis resizing: each pass is resampleRows (the contiguous axis) or
// blendAxis (any other) through two intermediate buffers, or for the last two axes the 2-D row
// cache kernel; then the fills (extrapolation, empty sums). Wide plans (integer inputs of ONNX
// linear and cubic) run the float64 twins, each pass's fills right after it.

import { narrowCode, NARROW_BYTES, type TensorData } from '../dtype.js';
import { call, type KernelCall } from '../kernels.js';
import type { ResizeInputs, ResizePlan } from '../resize.js';
import { ringFloats2d, stripPixels } from '../ring.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

const bits = new Int32Array(1);
const asFloat = new Float32Array(bits.buffer);

export function stageResize(layout: Layout, plan: ResizePlan, { input }: ResizeInputs, outputLength: number, target: number): Staged {
  if (plan.wide) return stageResizeWide(layout, plan, input, outputLength);
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
  const dst = target >= 0 ? target : layout.f32(outputLength); // a resident `out` is written in place
  return { dst, calls: [...passCalls(layout, plan, src, dst, false), ...fills(layout, plan, dst)] };
}

/**
 * A wide plan (ResizePlan.wide: integer inputs of ONNX linear and cubic): the input widened to
 * float64 by the copy in, the float64 passes, then rounded half to even and saturated into the
 * input's type (assembly/resize-wide.ts).
 */
function stageResizeWide(layout: Layout, plan: ResizePlan, input: TensorData, outputLength: number): Staged {
  const wide = layout.f64(outputLength);
  const calls = passCalls(layout, plan, layout.f64(input.length, input), wide, true);
  const type = narrowCode(input);
  const dst = layout.bytes(outputLength * NARROW_BYTES[type], undefined, 64);
  return { dst, calls: [...calls, call('narrow64', { src: wide, dst, length: outputLength, type })] };
}

/**
 * The passes from src to dst through two intermediates: float32, or (`wide`) float64 with the
 * float64 weights and kernels, each pass followed by its fills.
 */
function passCalls(layout: Layout, plan: ResizePlan, src: number, dst: number, wide: boolean): KernelCall[] {
  const buffer = (n: number) => (wide ? layout.f64(n) : layout.f32(n));
  const tmp = plan.passes.length > 1 ? [buffer(plan.tmp), plan.passes.length > 2 ? buffer(plan.tmp) : 0] : [];
  const calls: KernelCall[] = [];
  const last = plan.passes.length - 1;
  plan.passes.forEach(({ outer, inner, table, period }, i) => {
    const from = i === 0 ? src : tmp[(i - 1) & 1];
    const to = i === last ? dst : tmp[i & 1];
    const index = layout.i32(table.index);
    const weight = wide ? layout.f64(table.weight64!.length, table.weight64) : layout.f32(table.weight.length, table.weight);
    const { inSize, outSize, taps } = table;
    calls.push(inner === 1
      ? call(wide ? 'resampleRows64' : 'resampleRows', { src: from, dst: to, rows: outer, inW: inSize, outW: outSize, taps, index, weight,
        periodLo: period[0], periodHi: period[1] })
      : call(wide ? 'blendAxis64' : 'blendAxis', { src: from, dst: to, outer, inLen: inSize, outLen: outSize, inner, taps, index, weight }));
    if (wide) calls.push(...fills(layout, { ...plan, fills: plan.fills.filter((f) => f.pass === i) }, to, 'fillOutside64'));
  });
  return calls;
}

function fills(layout: Layout, plan: ResizePlan, dst: number, kernel: 'fillOutside' | 'fillOutside64' = 'fillOutside'): KernelCall[] {
  return plan.fills.map(({ outer, len, inner, outside, value }) => {
    asFloat[0] = value;
    return call(kernel, { dst, outer, len, inner, outside: layout.bytes(outside.length, outside), valueBits: bits[0] });
  });
}
