// Plain-JS axis-by-axis resizing: the same passes as src/wasm/resize.ts, with interpolate's
// contiguous-axis and outer-axis loops, then the extrapolation fills.

import type { ResizeInputs, ResizePlan } from '../resize.js';
import { integerType, roundSaturate, sameType, type TensorData } from '../dtype.js';
import { blendAxis, resampleRows } from './interpolate.js';
import { runResizeWide } from './resize-wide.js';

export function runResize(plan: ResizePlan, { input }: ResizeInputs, output: Float32Array): void {
  if (plan.wide) return runResizeWide(plan, { input }, output as TensorData);
  // Intermediates of the input's type: index-only plans on other types (src/js/convert.ts) copy through them.
  const tmp = [sameType(input, plan.passes.length > 1 ? plan.tmp : 0), sameType(input, plan.passes.length > 2 ? plan.tmp : 0)] as Float32Array[];
  const last = plan.passes.length - 1;
  plan.passes.forEach(({ outer, inner, table }, i) => {
    const from = i === 0 ? input as Float32Array : tmp[(i - 1) & 1];
    const to = i === last ? output : tmp[i & 1];
    if (inner === 1) resampleRows(from, 0, to, 0, outer, table);
    else blendAxis(from, 0, to, 0, outer, inner, table);
  });
  // Index-only plans fill arrays of the input's type: an integer takes the value rounded and saturated.
  const type = integerType(output as TensorData);
  for (const { outer, len, inner, outside, value } of plan.fills) {
    const v = type ? roundSaturate(Math.fround(value), type) : Math.fround(value);
    for (let m = 0; m < outer; m++) {
      for (let o = 0; o < len; o++) if (outside[o]) output.fill(v, (m * len + o) * inner, (m * len + o + 1) * inner);
    }
  }
}
