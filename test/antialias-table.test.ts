// The antialiased axis tables exactly (PyTorch's _compute_weights_aa): the resize tests compare
// results within a tolerance, which a table off by a rounding (a window padded or normalised
// wrongly) passes. Here each output's taps, merged by input, must be PyTorch's window weights
// bit for bit, padded only by halving (no zero-weight tap where a weight was not zero).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fmaf } from '../src/rules/fma.js';
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
  // aa_filter on a float32 x: the inner piece in float64, the outer one in float32 with fused multiply-adds (x86 build).
  const filter = (x: number) => {
    x = Math.abs(x);
    if (!cubic) return x < 1 ? 1 - x : 0;
    const a = -0.5;
    return x < 1 ? ((a + 2) * x - (a + 3)) * x * x + 1 : x < 2 ? fmaf(fmaf(f32(x - 5), x, 8), x, -4) * a : 0;
  };
  const weights: number[] = [];
  let total = 0;
  for (let k = 0; k < size; k++) {
    // (float32 distance + 0.5) * invscale in float64, rounded to float32 once as the filter's argument
    weights.push(f32(filter(f32((f32(f32(k + start) - center) + 0.5) * invScale))));
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

interface ProbedTable {
  mode: 'bilinear' | 'bicubic';
  antialias: boolean;
  alignCorners: boolean;
  inSize: number;
  size?: number;
  scale?: number;
  /** Per output, PyTorch's non-zero [input, weight] pairs. */
  rows: Array<Array<[number, number]>>;
}

const probed = (JSON.parse(readFileSync(new URL('./fixtures/weights.json', import.meta.url), 'utf8')) as { cases: ProbedTable[] }).cases;

// PyTorch's tables read out of PyTorch itself (scripts/fixtures/weights.py, one-hot inputs): the
// windows above are a rule written out, these are the oracle's bits, rounding and fused
// multiply-adds included (bicubic sources just off an integer, antialiased filters).
describe("axis tables equal PyTorch's own, read with one-hot inputs", () => {
  it.each(probed.map((c) => [`${c.mode}${c.antialias ? ' antialias' : ''}${c.alignCorners ? ' alignCorners' : ''} ${c.inSize} -> ${c.size ?? `x${c.scale}`}`, c] as const))('%s', (_, c) => {
    const outSize = c.size ?? Math.floor(c.inSize * c.scale!);
    const t = axisTableFor(c.mode, c.inSize, outSize, c.scale, c.alignCorners, c.antialias, false);
    expect(t.outSize).toBe(c.rows.length);
    for (let o = 0; o < outSize; o++) {
      const merged = new Map<number, number>(); // float32 sums in tap order, as the kernel reads a one-hot input
      for (let k = o * t.taps; k < (o + 1) * t.taps; k++) merged.set(t.index[k], f32((merged.get(t.index[k]) ?? 0) + t.weight[k]));
      const ours = [...merged].filter(([, w]) => w !== 0).sort((a, b) => a[0] - b[0]);
      expect(ours, `output ${o}`).toEqual(c.rows[o]);
    }
  });
});

/** a * b + c rounded once to float32 (half to even), from exact BigInt arithmetic (normal floats around 1). */
function fmaExact(a: number, b: number, c: number): number {
  const big = (x: number) => BigInt(x * 2 ** 160); // x * 2^160: whole for every float32 >= 2^-149 * 2^10 here
  const v = big(a) * big(b) + big(c) * 2n ** 160n; // (a * b + c) * 2^320, exactly
  if (v === 0n) return 0;
  let m = v < 0n ? -v : v;
  const drop = m.toString(2).length - 24;
  if (drop > 0) {
    const rest = m & ((1n << BigInt(drop)) - 1n);
    const half = 1n << BigInt(drop - 1);
    m >>= BigInt(drop);
    if (rest > half || (rest === half && (m & 1n) === 1n)) m += 1n;
  }
  const r = Number(m) * 2 ** (Math.max(drop, 0) - 320);
  return v < 0n ? -r : r;
}

describe('fmaf (the fused multiply-add the PyTorch rules emulate)', () => {
  it('rounds a * b + c once, also where a float64 sum lands on a float32 midpoint', () => {
    const a = f32(1 + 2 ** -12);
    // a * a = 1 + 2^-11 + 2^-24, a float32 midpoint: 2^-70 more or less decides the rounding.
    expect(fmaf(a, a, 2 ** -70)).toBe(1 + 2 ** -11 + 2 ** -23);
    expect(fmaf(a, a, -(2 ** -70))).toBe(1 + 2 ** -11);
    expect(fmaf(a, a, 2 ** -70)).toBe(fmaExact(a, a, 2 ** -70));
    let seed = 7;
    const next = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    for (let n = 0; n < 20000; n++) {
      const x = f32((next() - 0.5) * 2 ** Math.floor(next() * 12 - 4));
      const y = f32((next() - 0.5) * 2 ** Math.floor(next() * 12 - 4));
      const z = n % 2 ? f32(-x * y * (1 + (next() - 0.5) * 2 ** -20)) : f32((next() - 0.5) * 8); // near-cancelling sums too
      expect(fmaf(x, y, z)).toBe(fmaExact(x, y, z));
    }
  });
});
