// WebAssembly staging of a wide resize plan (ResizePlan.wide: integer inputs of ONNX linear and
// cubic): the input widened to float64 by the copy in, the passes in the plan's order through two
// float64 intermediates, each pass's extrapolation right after it, then rounded half to even and
// saturated into the input's type (assembly/resize-wide.ts).

import { narrowCode, NARROW_BYTES } from '../dtype.js';
import { call, type KernelCall } from '../kernels.js';
import type { ResizeInputs, ResizePlan } from '../resize.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

const bits = new Int32Array(1);
const asFloat = new Float32Array(bits.buffer);

export function stageResizeWide(layout: Layout, plan: ResizePlan, { input }: ResizeInputs, outputLength: number): Staged {
  const src = layout.f64(input.length, input);
  const tmp = plan.passes.length > 1 ? [layout.f64(plan.tmp), plan.passes.length > 2 ? layout.f64(plan.tmp) : 0] : [];
  const wide = layout.f64(outputLength);
  const calls: KernelCall[] = [];
  const last = plan.passes.length - 1;
  plan.passes.forEach(({ outer, inner, table, period }, i) => {
    const from = i === 0 ? src : tmp[(i - 1) & 1];
    const to = i === last ? wide : tmp[i & 1];
    const index = layout.i32(table.index);
    const weight = layout.f64(table.weight64!.length, table.weight64);
    const { inSize, outSize, taps } = table;
    calls.push(inner === 1
      ? call('resampleRows64', { src: from, dst: to, rows: outer, inW: inSize, outW: outSize, taps, index, weight,
        periodLo: period[0], periodHi: period[1] })
      : call('blendAxis64', { src: from, dst: to, outer, inLen: inSize, outLen: outSize, inner, taps, index, weight }));
    for (const { outer: fillOuter, len, inner: fillInner, outside, value, pass } of plan.fills) {
      if (pass !== i) continue;
      asFloat[0] = value;
      calls.push(call('fillOutside64', { dst: to, outer: fillOuter, len, inner: fillInner, outside: layout.bytes(outside.length, outside), valueBits: bits[0] }));
    }
  });
  const type = narrowCode(input);
  const dst = layout.bytes(outputLength * NARROW_BYTES[type], undefined, 64);
  calls.push(call('narrow64', { src: wide, dst, length: outputLength, type }));
  return { dst, calls };
}
