// Plain-JS run of a wide resize plan (ResizePlan.wide: integer inputs of ONNX linear and cubic),
// the same float64 steps as assembly/resize-wide.ts: passes in the plan's order, each pass's
// extrapolation right after it, the contiguous axis' taps summed as numpy sums them, the result
// rounded half to even and saturated.

import { integerType, roundSaturate, type TensorData } from '../dtype.js';
import type { AxisTable } from '../rules/pytorch.js';
import { numpySum } from '../rules/numpy-sum.js';
import type { ResizeInputs, ResizePlan } from '../resize.js';

export function runResizeWide(plan: ResizePlan, { input }: ResizeInputs, output: TensorData): void {
  const tmp = [new Float64Array(plan.passes.length > 1 ? plan.tmp : 0), new Float64Array(plan.passes.length > 2 ? plan.tmp : 0)];
  const wide = new Float64Array(output.length);
  const last = plan.passes.length - 1;
  plan.passes.forEach(({ outer, inner, table }, i) => {
    const from = i === 0 ? Float64Array.from(input) : tmp[(i - 1) & 1];
    const to = i === last ? wide : tmp[i & 1];
    if (inner === 1) resampleRows64(from, to, outer, table);
    else blendAxis64(from, to, outer, inner, table);
    for (const { outer: fillOuter, len, inner: fillInner, outside, value, pass } of plan.fills) {
      if (pass !== i) continue;
      for (let m = 0; m < fillOuter; m++) {
        for (let o = 0; o < len; o++) if (outside[o]) to.fill(Math.fround(value), (m * len + o) * fillInner, (m * len + o + 1) * fillInner);
      }
    }
  });
  const type = integerType(output)!;
  for (let i = 0; i < wide.length; i++) output[i] = roundSaturate(wide[i], type);
}

function resampleRows64(src: Float64Array, dst: Float64Array, rows: number, t: AxisTable): void {
  const { inSize, outSize, taps, index } = t;
  const weight = t.weight64!;
  const products = new Float64Array(taps);
  for (let r = 0; r < rows; r++) {
    const s = r * inSize;
    const d = r * outSize;
    for (let o = 0, k = 0; o < outSize; o++, k += taps) {
      for (let j = 0; j < taps; j++) products[j] = weight[k + j] * src[s + index[k + j]];
      dst[d + o] = numpySum(products, 0, taps);
    }
  }
}

function blendAxis64(src: Float64Array, dst: Float64Array, outer: number, inner: number, t: AxisTable): void {
  const { inSize, outSize, taps, index } = t;
  const weight = t.weight64!;
  for (let m = 0; m < outer; m++) {
    const s = m * inSize * inner;
    for (let o = 0; o < outSize; o++) {
      const d = (m * outSize + o) * inner;
      const k = o * taps;
      const a = s + index[k] * inner;
      for (let i = 0; i < inner; i++) dst[d + i] = weight[k] * src[a + i];
      for (let j = 1; j < taps; j++) {
        const b = s + index[k + j] * inner;
        const w = weight[k + j];
        for (let i = 0; i < inner; i++) dst[d + i] += w * src[b + i];
      }
    }
  }
}
