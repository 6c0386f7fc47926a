// Winograd F(2x2, 2x2) (assembly/winograd.ts, src/conv/winograd.ts): which plans take it, that it
// computes the same convolution as the direct phases (exactly on integer data, where any order of
// the sums is exact; within float rounding otherwise), that non-finite and huge values run the
// direct phases, and that the pool and the bands of a call over its memory budget give the
// synchronous whole call's bits.

import { beforeAll, describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import { buildPlan, type ConvPlan } from '../src/conv/phases.js';
import { geometry } from '../src/conv/rules.js';
import { inWinogradRange, winogradFor, winogradLayout } from '../src/conv/winograd.js';
import type { Tensor } from '../src/tensor.js';
import { expectClose, loadFixtures } from './helpers.js';
import { budgetPoolForTests, poolForTests } from './pool-helpers.js';

type Options = { stride?: number; padding?: number; outputPadding?: number; groups?: number; dilation?: number; bias?: Tensor };
type Case = [name: string, transposed: boolean, input: number[], weight: number[], options: Options];

function planOf(transposed: boolean, input: number[], weight: number[], options: Options): ConvPlan {
  return buildPlan(geometry(transposed, 2, input, weight, options));
}

let seed = 11;
function values(shape: number[], integer: boolean): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    data[i] = integer ? (seed % 9) - 4 : seed / 2147483648 - 0.5;
  }
  return { data, shape };
}

// Every one of these takes Winograd (asserted below): odd sizes (a last tile half outside),
// groups, a batch, output padding, paddings 0-3, k6 s3, M % 4 of 0-3 (blocks of 3, single channels).
const CASES: Case[] = [
  ['W4-like 32->32 k4 s2 p1', true, [1, 32, 24, 40], [32, 32, 4, 4], { stride: 2, padding: 1 }],
  ['odd 19x23, 21->17, p2, output padding 1', true, [1, 21, 19, 23], [21, 17, 4, 4], { stride: 2, padding: 2, outputPadding: 1 }],
  ['batch 2, groups 2, 2x(16->18)', true, [2, 32, 17, 30], [32, 18, 4, 4], { stride: 2, padding: 0, groups: 2 }],
  ['k6 s3 p3, 16->17', true, [1, 16, 21, 21], [16, 17, 6, 6], { stride: 3, padding: 3 }],
  ['k4 s2 p3, 18->22', true, [1, 18, 23, 22], [18, 22, 4, 4], { stride: 2, padding: 3 }],
  ['conv2d 2x2, 24->16, p1', false, [1, 24, 33, 27], [16, 24, 2, 2], { padding: 1 }],
  ['conv2d 3x3 (F(2x2, 3x3)), 24->18, p1, batch 2', false, [2, 24, 21, 26], [18, 24, 3, 3], { padding: 1 }],
  ['conv2d 3x3 groups 2, 2x(12->12), p0, odd sides', false, [1, 24, 25, 23], [24, 12, 3, 3], { groups: 2 }],
  ['convT k6 s2 p2 (3x3 taps a phase), 16->19', true, [1, 16, 21, 22], [16, 19, 6, 6], { stride: 2, padding: 2 }],
  ['convT k3 s1 p1 (one phase of 3x3), 17->16', true, [1, 17, 23, 22], [17, 16, 3, 3], { padding: 1 }],
  ['wide row: 16->16 on 4x600 (row segments)', true, [1, 16, 4, 600], [16, 16, 4, 4], { stride: 2, padding: 1 }],
];

const run = (ops: up.Operations, [, transposed, , , options]: Case, x: Tensor, w: Tensor): Tensor =>
  transposed ? ops.convTranspose2d(x, w, options) : ops.conv2d(x, w, options);

describe('which plans run Winograd', () => {
  it.each(CASES)('%s: takes it', (_, transposed, input, weight, options) => {
    expect(planOf(transposed, input, weight, options).winograd).toBeDefined();
  });

  it.each([
    ['k3 s2 (phases of 2 and 1 taps)', true, [1, 32, 32, 32], [32, 32, 3, 3], { stride: 2, padding: 1 }],
    ['k4 s2 dilation 2', true, [1, 32, 32, 32], [32, 32, 4, 4], { stride: 2, dilation: 2 }],
    ['conv2d 3x3 dilation 2', false, [1, 32, 32, 32], [32, 32, 3, 3], { padding: 2, dilation: 2 }],
    ['conv2d 3x3 stride 2', false, [1, 32, 32, 32], [32, 32, 3, 3], { padding: 1, stride: 2 }],
    ['conv2d 3x2 (taps differ by axis)', false, [1, 32, 32, 32], [32, 32, 3, 2], { padding: 1 }],
    ['convT k5 s2 (phases of 3 and 2 taps)', true, [1, 32, 32, 32], [32, 32, 5, 5], { stride: 2, padding: 1 }],
    ['conv2d 2x2 stride 2', false, [1, 32, 32, 32], [32, 32, 2, 2], { stride: 2 }],
    ['8 -> 8 channels (too few to pay)', true, [1, 8, 64, 64], [8, 8, 4, 4], { stride: 2, padding: 1 }],
    ['3 -> 32 channels (too few to pay)', false, [1, 3, 64, 64], [32, 3, 3, 3], { padding: 1 }],
    ['8x8 input (too few tiles to pay)', true, [1, 64, 8, 8], [64, 64, 4, 4], { stride: 2, padding: 1 }],
  ] as Case[])('%s: direct phases', (_, transposed, input, weight, options) => {
    expect(planOf(transposed, input, weight, options).winograd).toBeUndefined();
  });

  it("the PyTorch fixtures named 'Winograd' take it (test/conv.test.ts checks them against PyTorch)", () => {
    const cases = loadFixtures('conv').filter((c) => c.name.includes('Winograd'));
    expect(cases.length).toBe(8);
    for (const c of cases) {
      const plan = planOf(c.op.startsWith('convTranspose'), c.inputs.input.shape, c.inputs.weight.shape, c.options as Options);
      expect(plan.winograd, c.name).toBeDefined();
    }
  });

  it('a band of a Winograd call takes it whatever its size; values decide per call', () => {
    const plan = planOf(true, [1, 64, 8, 8], [64, 64, 4, 4], { stride: 2, padding: 1 });
    expect(winogradLayout(plan, true)).toBeDefined();
    const big = planOf(true, [1, 32, 24, 40], [32, 32, 4, 4], { stride: 2, padding: 1 });
    const x = new Float32Array(10).fill(1);
    expect(winogradFor(big, { input: x, weight: x })).toBe(big);
    for (const bad of [Infinity, -Infinity, NaN, 2 ** 50, -(2 ** 51), 3e38]) {
      const y = x.slice();
      y[7] = bad;
      expect(inWinogradRange(y)).toBe(false);
      expect(winogradFor(big, { input: y, weight: x }).winograd).toBeUndefined();
      expect(winogradFor(big, { input: x, weight: y }).winograd).toBeUndefined();
    }
    expect(inWinogradRange(Float32Array.of(2 ** 50 * 0.9999999, -(2 ** 49), 1e-45, -0))).toBe(true);
  });
});

// The relaxed build runs the PyTorch fixtures below in test/relaxed.test.ts (a child Node with the flag).
describe.each(['simd', 'scalar'] as const)('Winograd on the %s build against the direct phases', (build) => {
  let ops: up.Operations;
  beforeAll(async () => {
    ops = await up.createOperations({ build });
  });

  it.each(CASES)('%s: integer data exactly, with and without a bias', (...c) => {
    const [name, transposed, input, weight, options] = c;
    const x = values(input, true), w = values(weight, true);
    const bias = values([transposed ? weight[1] * (options.groups ?? 1) : weight[0]], true);
    const withBias: Case = [name, transposed, input, weight, { ...options, bias }];
    // js runs the direct phases: every product and sum of small integers is exact in float32.
    expect(run(ops, c, x, w).data).toEqual(run(up.js, c, x, w).data);
    expect(run(ops, withBias, x, w).data).toEqual(run(up.js, withBias, x, w).data);
  });

  it.each(CASES)('%s: random data within float rounding', (...c) => {
    const x = values(c[2], false), w = values(c[3], false);
    expectClose(run(ops, c, x, w), run(up.js, c, x, w), 2e-6);
  });

  it('non-finite and huge inputs or weights run the direct phases (infinities stay, no overflow)', () => {
    const c = CASES[0];
    const w = values(c[3], false);
    for (const [at, v] of [[5, Infinity], [700, -Infinity], [3001, NaN], [4000, 3e38]] as const) {
      const x = values(c[2], false);
      for (let i = 0; i < x.data.length; i++) x.data[i] *= 1e37;
      x.data[at] = v;
      const got = run(ops, c, x, w), want = run(up.js, c, x, w);
      // Winograd would subtract neighbours (Inf - Inf = NaN, 1e37 scale overflows); direct keeps them.
      for (let i = 0; i < want.data.length; i++) {
        if (!Number.isFinite(want.data[i])) expect(got.data[i]).toBe(want.data[i]);
      }
      expectClose(got, want, 1e-5);
    }
    const x = values(c[2], false);
    const inf = { ...w, data: w.data.slice() };
    inf.data[3] = Infinity;
    const got = run(ops, c, x, inf), want = run(up.js, c, x, inf);
    expect(Array.from(got.data, Number.isNaN)).toEqual(Array.from(want.data, Number.isNaN));
  });
});

describe('Winograd through the pool: bit-identical to the synchronous call', () => {
  const pool = poolForTests(3);
  const bits = (t: Tensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  it.each(CASES)('%s', async (...c) => {
    const x = values(c[2], false), w = values(c[3], false);
    const sync = await up.createOperations({ build: pool().build });
    const want = run(sync, c, x, w);
    const got = await (c[1] ? pool().convTranspose2d(x, w, c[4]) : pool().conv2d(x, w, c[4]));
    expect(bits(got).equals(bits(want))).toBe(true);
  });

  // The gate: winogradRange runs in chunks on the workers, then the direct calls run and
  // Winograd's skip (or, by message, this thread runs them). Infinities stay, as the direct sums'.
  it.each([true, false])('an infinity in the input turns the workers to the direct phases (shared memory %s)', async (shared) => {
    const c = CASES[0];
    const x = values(c[2], false), w = values(c[3], false);
    x.data[1234] = -Infinity;
    const sync = await up.createOperations({ build: pool().build });
    const want = run(sync, c, x, w);
    // One infinity reaches each output through one tap: the direct sums give infinities, no NaN
    // (Winograd's transforms would subtract it from itself: NaN).
    expect(want.data.some((v) => v === Infinity || v === -Infinity)).toBe(true);
    expect(want.data.some(Number.isNaN)).toBe(false);
    const own = shared ? pool() : await up.createPool({ threads: 2, shared: false });
    try {
      expect(bits(await own.convTranspose2d(x, w, c[4])).equals(bits(want))).toBe(true);
      expectClose(want, run(up.js, c, x, w), 1e-5);
    } finally {
      if (!shared) await own.close();
    }
  });
});

describe('Winograd in bands of a call over its memory budget: bit-identical to the whole call', () => {
  const BUDGET = 4 * 2 ** 20;
  const budget = budgetPoolForTests(BUDGET);
  const bits = (t: Tensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  it.each([
    ['convT 32->32 k4 s2 p1 [1,32,96,128]', true, [1, 32, 96, 128], [32, 32, 4, 4], { stride: 2, padding: 1 }],
    ['conv2d 2x2 24->16 p1 [1,24,200,160]', false, [1, 24, 200, 160], [16, 24, 2, 2], { padding: 1 }],
    ['convT 16->17 k6 s3 p3 [1,16,80,80]', true, [1, 16, 80, 80], [16, 17, 6, 6], { stride: 3, padding: 3 }],
  ] as Case[])('%s (sync and pool), also with an infinity in the last band', async (...c) => {
    const { pool, whole } = budget();
    const banded = await up.createOperations({ build: pool.build, maximumMemory: BUDGET });
    const w = values(c[3], false);
    for (const inf of [false, true]) {
      const x = values(c[2], false);
      // In the last band only: the whole call runs the direct phases, and so must every band.
      if (inf) x.data[x.data.length - 3] = Infinity;
      const want = run(whole, c, x, w);
      expect(whole.memoryBytes).toBeGreaterThan(BUDGET);
      expect(bits(run(banded, c, x, w)).equals(bits(want))).toBe(true);
      expect(banded.memoryBytes).toBeLessThanOrEqual(BUDGET);
      expect(bits(await (c[1] ? pool.convTranspose2d(x, w, c[4]) : pool.conv2d(x, w, c[4]))).equals(bits(want))).toBe(true);
    }
  });
});

describe("a budget too small for Winograd's fixed buffers: the direct phases, within it", () => {
  // Winograd's transformed weights and scratch blocks are fixed costs of every band: taken only
  // where they fit a quarter of maximumMemory (winogradWithin). [1,64,32,32] 64->64: ~790 KiB.
  const BUDGET = 2 ** 20;
  const budget = budgetPoolForTests(BUDGET);
  const bits = (t: Tensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  it('convT 64->64 k4 s2 p1 [1,64,32,32] at 1 MiB (sync and pool): the same bits, within float rounding of the whole call', async () => {
    const { pool, whole } = budget();
    const c: Case = ['L4-like', true, [1, 64, 32, 32], [64, 64, 4, 4], { stride: 2, padding: 1 }];
    const x = values(c[2], false), w = values(c[3], false);
    const want = run(whole, c, x, w);
    expect(whole.memoryBytes).toBeGreaterThan(2 * BUDGET);
    const banded = await up.createOperations({ build: pool.build, maximumMemory: BUDGET });
    const got = run(banded, c, x, w);
    expect(banded.memoryBytes).toBeLessThanOrEqual(BUDGET);
    expectClose(got, want, 1e-5);
    expect(bits(got).equals(bits(want))).toBe(false); // the direct phases' rounding, not Winograd's
    expect(bits(await pool.convTranspose2d(x, w, c[4])).equals(bits(got))).toBe(true);
  });
});
