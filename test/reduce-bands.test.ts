// upsampleArgmax and upsampleThreshold under a memory budget (maximumMemory): images (argmax) or
// logit planes (threshold) one at a time, and bands of output rows of one, each interpolating only
// the logit rows its rows read; labels and masks bit-identical to one pass (ties and NaN
// included), WebAssembly memory within the budget (SIMD, scalar, the pool).
// A 1 MiB budget makes logits of a few MB tile, so none of this allocates much.

import { describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import type { Tensor, UpsampleThresholdOptions } from '../src/index.js';
// The pool's workers load the built worker script (npm run build), as the other pool tests do.
import { budgetPoolForTests } from './pool-helpers.js';

const MIB = 2 ** 20;
const BUDGET = MIB;

/** Logits with many ties (a few levels) and a few NaNs: argmax's first maximum and NaN rule matter. */
function logits(shape: number[], seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, (_, i) => {
    const h = Math.imul(i + seed, 2654435761) >>> 0;
    if (h % 997 === 0) return NaN;
    return (h >>> 28) % 5 + Math.sin(i * 0.01 + seed);
  });
  for (let i = 0; i < n; i += 3) data[i] = Math.floor(data[i]); // plateaus: ties after interpolation
  return { data, shape };
}

type Kind = 'upsampleArgmax' | 'upsampleThreshold';
type Case = [string, Kind, Tensor, UpsampleThresholdOptions];
const CASES: Case[] = [
  ['argmax bilinear x4, whole images (batch 2)', 'upsampleArgmax', logits([2, 21, 80, 80]), { scaleFactor: 4 }],
  ['argmax bilinear one image in bands', 'upsampleArgmax', logits([1, 19, 100, 120], 2), { size: [700, 900] }],
  ['argmax bilinear batch 3 in bands', 'upsampleArgmax', logits([3, 16, 130, 110], 3), { size: [611, 577], alignCorners: true }],
  ['argmax nearest x3.3 with a crop', 'upsampleArgmax', logits([2, 10, 150, 160], 4), { scaleFactor: 3.3, mode: 'nearest', crop: { top: 10, left: 7, height: 120, width: 140 } }],
  ['argmax nearest-exact to 777 x 501', 'upsampleArgmax', logits([1, 9, 130, 140], 5), { size: [777, 501], mode: 'nearest-exact' }],
  ['argmax bicubic with a crop', 'upsampleArgmax', logits([1, 11, 160, 150], 6), { size: [640, 600], mode: 'bicubic', crop: { top: 5, left: 20, height: 140, width: 120 } }],
  ['argmax bicubic antialias x0.45', 'upsampleArgmax', logits([1, 8, 400, 300], 7), { scaleFactor: 0.45, mode: 'bicubic', antialias: true }],
  ['argmax bilinear antialias x0.6, batch 2', 'upsampleArgmax', logits([2, 6, 300, 280], 8), { scaleFactor: 0.6, antialias: true }],
  ['argmax 300 classes (16-bit labels)', 'upsampleArgmax', logits([1, 300, 30, 30], 9), { size: [160, 150] }],
  ['threshold bilinear x2.5, planes in bands', 'upsampleThreshold', logits([2, 3, 200, 200], 10), { scaleFactor: 2.5, threshold: 1.3 }],
  ['threshold bicubic alignCorners, one plane in bands', 'upsampleThreshold', logits([1, 1, 500, 400], 11), { size: [1111, 901], mode: 'bicubic', alignCorners: true, threshold: 2 }],
  ['threshold nearest with a crop, planes', 'upsampleThreshold', logits([2, 2, 300, 310], 12), { scaleFactor: 2, mode: 'nearest', crop: { top: 31, left: 0, height: 250, width: 300 } }],
  ['threshold bilinear antialias x0.4', 'upsampleThreshold', logits([1, 2, 900, 700], 13), { scaleFactor: 0.4, antialias: true, threshold: 1.5 }],
];

const call = (ops: up.Operations, kind: Kind, t: Tensor, options: UpsampleThresholdOptions) => ops[kind](t, options);
const bits = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

for (const build of ['simd', 'scalar'] as const) {
  describe(`upsampleArgmax / upsampleThreshold in tiles on the ${build} build (maximumMemory ${BUDGET} bytes)`, () => {
    it.each(CASES)('%s: bit-identical to one pass, memory within the budget', async (_, kind, t, options) => {
      // Fresh memories: each call's own high-water mark.
      const whole = await up.createOperations({ build });
      const tiled = await up.createOperations({ build, maximumMemory: BUDGET });
      const expected = call(whole, kind, t, options);
      expect(whole.memoryBytes).toBeGreaterThan(BUDGET); // one pass needs more than the budget: this call tiles
      const actual = call(tiled, kind, t, options);
      expect(actual.shape).toEqual(expected.shape);
      expect(actual.data.constructor).toBe(expected.data.constructor);
      expect(bits(actual.data).equals(bits(expected.data))).toBe(true);
      expect(tiled.memoryBytes).toBeLessThanOrEqual(BUDGET);
    });
  });
}

describe('a tiled call writes into the caller\'s out', () => {
  it('argmax in bands into out (16-bit labels) and threshold planes into out', async () => {
    const whole = await up.createOperations({ build: 'simd' });
    const tiled = await up.createOperations({ build: 'simd', maximumMemory: BUDGET });
    for (const [, kind, t, options] of [CASES[1], CASES[8], CASES[11]]) {
      const expected = call(whole, kind, t, options);
      const out = { data: new (expected.data.constructor as Uint8ArrayConstructor)(expected.data.length).fill(7), shape: expected.shape.slice() };
      expect(call(tiled, kind, t, { ...options, out })).toBe(out);
      expect(bits(out.data).equals(bits(expected.data))).toBe(true);
    }
    expect(tiled.memoryBytes).toBeLessThanOrEqual(BUDGET);
  });
});

describe(`the pool tiles upsampleArgmax / upsampleThreshold within its maximumMemory (${BUDGET} bytes)`, () => {
  const budgetPool = budgetPoolForTests(BUDGET);

  // Not the 300 classes: each worker has its own per-class rows (classes x outW floats, which no
  // band splits), more than this budget leaves them.
  it.each(CASES.filter(([name], i) => i % 2 === 0 && !name.includes('300 classes')))('%s', async (_, kind, t, options) => {
    const { pool, whole } = budgetPool();
    const actual = await pool[kind](t, options);
    expect(bits(actual.data).equals(bits(call(whole, kind, t, options).data))).toBe(true);
    expect(pool.memoryBytes).toBeLessThanOrEqual(BUDGET);
  });
});
