// interpolate with layout 'nhwc' (channels last, any rank): the NCHW result of the same backend,
// permuted, on the SIMD and scalar builds, the plain-JS backend and the pool. The channels-last
// passes run the same per-axis tables in the same tap order, so the WebAssembly values are
// identical; plain JS sums a row's taps in double for NCHW but rounds each tap of a channels-last
// pixel blend to float32 (as WebAssembly does), so with 4 taps it may differ by an ulp.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The built files: the pool's workers run them.
import * as up from '../dist/index.js';
import type { InterpolateOptions, Operations, Pool, Tensor } from '../dist/index.js';

/** (N, C, ...S) <-> (N, ...S, C). */
function toLast({ data, shape }: Tensor): Tensor {
  const [n, c, ...s] = shape;
  const plane = s.reduce((a, b) => a * b, 1);
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < plane; i++) out[(b * plane + i) * c + ch] = data[(b * c + ch) * plane + i];
  return { data: out, shape: [n, ...s, c] };
}

function input(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 3 + ((i * seed) % 7) / 5), shape };
}

const CASES: Array<[string, number[], InterpolateOptions]> = [
  ['nearest 2-D up', [2, 3, 5, 7], { mode: 'nearest', size: [9, 12] }],
  ['nearest-exact 2-D down', [1, 4, 9, 11], { mode: 'nearest-exact', scaleFactor: 0.6 }],
  ['bilinear 2x (the W1 shape, small)', [1, 32, 8, 8], { mode: 'bilinear', scaleFactor: 2 }],
  ['bilinear 2x wide (the H-first path of W1)', [1, 8, 6, 40], { mode: 'bilinear', scaleFactor: 2 }],
  ['bilinear 2x wide, 3 channels, strips', [2, 3, 5, 700], { mode: 'bilinear', scaleFactor: 2 }],
  ['bilinear 2x wide, 20 channels (64-byte blocks, then 4)', [2, 20, 5, 24], { mode: 'bilinear', scaleFactor: 2 }],
  ['bilinear 2x wide, 32 channels, odd width', [1, 32, 3, 19], { mode: 'bilinear', scaleFactor: 2 }],
  ['bilinear align corners, 3 channels', [2, 3, 6, 5], { mode: 'bilinear', size: [11, 4], alignCorners: true }],
  ['bicubic 1.7x', [1, 5, 7, 6], { mode: 'bicubic', scaleFactor: 1.7 }],
  ['bilinear antialias down', [1, 3, 17, 15], { mode: 'bilinear', size: [5, 6], antialias: true }],
  ['bicubic antialias down', [1, 2, 13, 16], { mode: 'bicubic', size: [4, 7], antialias: true }],
  ['one channel', [1, 1, 6, 6], { mode: 'bilinear', scaleFactor: 2 }],
  ['linear 1-D', [2, 3, 10], { mode: 'linear', size: 17 }],
  ['nearest 1-D', [2, 5, 10], { mode: 'nearest', size: 4 }],
  ['trilinear 3-D', [1, 4, 3, 5, 4], { mode: 'trilinear', size: [5, 4, 7] }],
  ['nearest 3-D', [2, 3, 3, 4, 5], { mode: 'nearest', scaleFactor: [2, 1, 1.5] }],
  // area pools channels last in place: 4 channels a SIMD lane group, the rest one at a time.
  ['area 2-D down, odd sizes', [2, 5, 9, 11], { mode: 'area', size: [4, 5] }],
  ['area 2-D up', [1, 6, 3, 4], { mode: 'area', size: [7, 9] }],
  ['area 2-D, 7 channels, overlapping windows', [1, 7, 10, 13], { mode: 'area', size: [3, 6] }],
  ['area 2-D, 3 channels', [2, 3, 8, 8], { mode: 'area', scaleFactor: 0.5 }],
  ['area 1-D', [2, 6, 13], { mode: 'area', size: 5 }],
  ['area 3-D', [1, 5, 6, 7, 9], { mode: 'area', size: [3, 4, 5] }],
  ['area global mean 2-D', [2, 9, 5, 7], { mode: 'area', size: 1 }],
  ['area global mean 1-D', [1, 3, 10], { mode: 'area', size: 1 }],
  ['area global mean 3-D', [1, 6, 3, 4, 5], { mode: 'area', size: [1, 1, 1] }],
];

const backends: Array<[string, () => Promise<Operations>]> = [
  ['wasm-simd', async () => { await up.init({ simd: true }); return up as unknown as Operations; }],
  ['wasm-scalar', async () => { await up.init({ simd: false }); return up as unknown as Operations; }],
  ['js', async () => up.js],
];

for (const [name, setup] of backends) {
  describe(`interpolate layout 'nhwc' on ${name}`, () => {
    let ops: Operations;
    beforeAll(async () => { ops = await setup(); });
    for (const [label, shape, options] of CASES) {
      it(label, () => {
        const x = input(shape, shape.length);
        const want = toLast(ops.interpolate(x, options));
        const got = ops.interpolate(toLast(x), { ...options, layout: 'nhwc' });
        expect(got.shape).toEqual(want.shape);
        // area sums each channel in the same order either way: exact on every backend.
        if (name !== 'js' || options.mode === 'area') expect(got.data).toEqual(want.data);
        else expect(want.data.every((w, i) => Math.abs(got.data[i] - w) <= 1e-6 * Math.max(1, Math.abs(w)))).toBe(true);
      });
    }
    it('writes into an out of the channels-last shape', () => {
      const x = toLast(input([1, 3, 4, 4], 2));
      const out = { data: new Float32Array(3 * 8 * 8), shape: [1, 8, 8, 3] };
      expect(ops.interpolate(x, { mode: 'bilinear', scaleFactor: 2, layout: 'nhwc', out })).toBe(out);
    });
  });
}

describe("interpolate layout 'nhwc' on the pool", () => {
  let pool: Pool;
  beforeAll(async () => { pool = await up.createPool({ threads: 2 }); await up.init({ simd: true }); });
  afterAll(() => pool.close());
  for (const [label, shape, options] of CASES) {
    it(label, async () => {
      const x = input(shape, shape.length);
      const want = toLast(up.interpolate(x, options));
      const got = await pool.interpolate(toLast(x), { ...options, layout: 'nhwc' });
      expect(got.data).toEqual(want.data);
    });
  }
  it('splits a channels-last image across workers by rows', async () => {
    const x = input([1, 64, 64, 8], 3);
    const want = up.interpolate(x, { mode: 'bilinear', scaleFactor: 2, layout: 'nhwc' });
    expect((await pool.interpolate(x, { mode: 'bilinear', scaleFactor: 2, layout: 'nhwc' })).data).toEqual(want.data);
  });
  for (const size of [[21, 17], [1, 1]]) {
    it(`splits channels-last area (size ${size}) across workers by batch`, async () => {
      // Small: sized, it would run on the calling thread; cut it over every worker (as test/pool-queue.test.ts does).
      const sizing = (pool as unknown as { sizing: object }).sizing;
      const saved = { ...sizing };
      Object.assign(sizing, { inlineWork: 0, workerWork: 0, chunkWork: 0 });
      try {
        const x = input([4, 24, 16, 12], 5);
        const want = toLast(up.interpolate(x, { mode: 'area', size }));
        expect((await pool.interpolate(toLast(x), { mode: 'area', size, layout: 'nhwc' })).data).toEqual(want.data);
      } finally {
        Object.assign(sizing, saved);
      }
    });
  }
});

describe("interpolate layout 'nhwc', area under a memory budget (tiles)", () => {
  for (const build of ['simd', 'scalar'] as const) {
    it(`bands (images over the budget) and batches give the untiled bits on the ${build} build`, async () => {
      const whole = await up.createOperations({ build });
      const tiled = await up.createOperations({ build, maximumMemory: 1 << 20 });
      for (const [shape, size] of [[[2, 200, 160, 16], [37, 29]], [[2, 30, 40, 30, 8], [7, 9, 5]], [[3, 64, 64, 16], [1, 1]]] as const) {
        const x = input([...shape], 4);
        const options: InterpolateOptions = { mode: 'area', size: [...size], layout: 'nhwc' };
        expect(tiled.interpolate(x, options).data).toEqual(whole.interpolate(x, options).data);
      }
    });
  }
});

describe("interpolate layout: refusals", () => {
  it('names an unknown layout', () => {
    expect(() => up.js.interpolate(input([1, 2, 3, 3], 1), { size: 4, layout: 'chw' as never })).toThrow(/unknown layout 'chw'/);
  });
  it('checks the channels-last rank with the NCHW messages', () => {
    expect(() => up.js.interpolate(input([1, 3, 3, 2], 1), { size: 2, mode: 'trilinear', layout: 'nhwc' })).toThrow(/4D input, but trilinear/);
  });
});
