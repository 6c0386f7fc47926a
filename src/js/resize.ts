// Plain-JS axis-by-axis resizing: the same passes as src/wasm/resize.ts, with interpolate's
// contiguous-axis and outer-axis loops, then the extrapolation fills.

import type { ResizeInputs, ResizePlan } from '../resize.js';
import { sameType } from '../dtype.js';
import { blendAxis, resampleRows } from './interpolate.js';

export function runResize(plan: ResizePlan, { input }: ResizeInputs, output: Float32Array): void {
  // Intermediates of the input's type: index-only plans on other types (src/js/convert.ts) copy through them.
  const tmp = [sameType(input, plan.passes.length > 1 ? plan.tmp : 0), sameType(input, plan.passes.length > 2 ? plan.tmp : 0)] as Float32Array[];
  const last = plan.passes.length - 1;
  plan.passes.forEach(({ outer, inner, table }, i) => {
    const from = i === 0 ? input as Float32Array : tmp[(i - 1) & 1];
    const to = i === last ? output : tmp[i & 1];
    if (inner === 1) resampleRows(from, 0, to, 0, outer, table);
    else blendAxis(from, 0, to, 0, outer, inner, table);
  });
  for (const { outer, len, inner, outside, value } of plan.fills) {
    for (let m = 0; m < outer; m++) {
      for (let o = 0; o < len; o++) if (outside[o]) output.fill(Math.fround(value), (m * len + o) * inner, (m * len + o + 1) * inner);
    }
  }
}
