// The antialiased axis tables exactly (PyTorch's _compute_weights_aa): the resize tests compare
// results within a tolerance, which a table off by a rounding (a window padded or normalised
// wrongly) passes. Here each output's taps, merged by input, must be PyTorch's window weights
// bit for bit, padded only by halving (no zero-weight tap where a weight was not zero).

import { describe, expect, it } from 'vitest';
import { axisTableFor } from '../src/rules/pytorch.js';

const f32 = Math.fround;

/** PyTorch's window of output o: its first input and float32 weights, normalised (the oracle, written out plainly). */
function window(inSize: number, outSize: number, o: number, cubic: boolean): { start: number; weights: number[] } {
  const scale = f32(f32(inSize) / f32(outSize)); // compute_scales_value<float>
  const support = f32((cubic ? 2 : 1) * (scale >= 1 ? scale : 1));
  const invScale = scale >= 1 ? f32(1 / scale) : 1;
  const center = f32(scale * (o + 0.5));
  const start = Math.max(Math.trunc(f32(center - support) + 0.5), 0);
  const size = Math.min(Math.trunc(f32(center + support) + 0.5), inSize) - start;
  const filter = (x: number) => {
    x = Math.abs(x);
    if (!cubic) return x < 1 ? 1 - x : 0;
    const a = -0.5;
    return x < 1 ? ((a + 2) * x - (a + 3)) * x * x + 1 : x < 2 ? (((x - 5) * x + 8) * x - 4) * a : 0;
  };
  const weights: number[] = [];
  let total = 0;
  for (let k = 0; k < size; k++) {
    weights.push(f32(filter(f32(f32(f32(k + start) - center) + 0.5) * invScale)));
    total = f32(total + weights[k]);
  }
  return { start, weights: total === 0 ? weights : weights.map((w) => f32(w / total)) };
}

// Photo scales whose windows repeat every few outputs (3000 -> 800 every 4th, 1200 -> 800 every 2nd, 640 -> 800
// every 5th; the table copies those), ones that never repeat (2000 -> 533, 333 -> 100), and windows cut at both ends.
const SIZES: Array<[number, number]> = [[3000, 800], [2000, 533], [1024, 800], [480, 600], [7, 3], [5, 5], [10, 1], [333, 100], [100, 333],
  [1200, 800], [2000, 800], [1500, 800], [640, 800], [4096, 64], [3, 12], [4000, 3]];

describe('antialiased axis tables', () => {
  for (const cubic of [false, true]) {
    for (const [inSize, outSize] of SIZES) {
      it(`${cubic ? 'bicubic' : 'bilinear'} ${inSize} -> ${outSize}: PyTorch's weights exactly, padded by halving`, () => {
        const t = axisTableFor(cubic ? 'bicubic' : 'bilinear', inSize, outSize, undefined, false, true, false);
        let longest = 1;
        for (let o = 0; o < outSize; o++) {
          const { start, weights } = window(inSize, outSize, o, cubic);
          longest = Math.max(longest, weights.length);
          const merged = new Map<number, number>();
          for (let k = o * t.taps; k < (o + 1) * t.taps; k++) {
            if (t.weight[k] === 0) expect(weights[t.index[k] - start] === 0).toBe(true); // a zero tap only where PyTorch's weight is zero (either sign)
            const i = t.index[k];
            merged.set(i, merged.has(i) ? merged.get(i)! + t.weight[k] : t.weight[k]); // halves sum back exactly (a lone tap keeps its sign)
          }
          expect([...merged].sort((a, b) => a[0] - b[0])).toEqual(weights.map((w, k) => [start + k, w]));
        }
        expect(t.taps).toBe(longest);
      });
    }
  }
});
