// resizeImage with Pillow's and OpenCV's exact plans, and in linear light, under a memory budget
// (maximumMemory): bands of output rows, each with the input rows its vertical taps read,
// bit-identical to one pass, WebAssembly memory within the budget (SIMD, scalar, the pool).
// A 1 MiB budget makes images of a few MB band, so none of this allocates much.

import { describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import type { ImageInput, ResizeImageOptions } from '../src/index.js';
// The pool's workers load the built worker script (npm run build), as the other pool tests do.
import { budgetPoolForTests } from './pool-helpers.js';
import { noisyImage } from './helpers.js';

const MIB = 2 ** 20;
const BUDGET = MIB;

const image = noisyImage;

type Case = [string, ImageInput, { width?: number; height?: number; scale?: number }, ResizeImageOptions];
const CASES: Case[] = [
  ...(['bicubic', 'nearest', 'box', 'bilinear', 'hamming', 'lanczos'] as const).map((mode): Case =>
    [`pillow ${mode} x1.9 RGBA`, image(400, 260), { scale: 1.9 }, { convention: 'pillow', mode }]),
  ['pillow lanczos x0.35 RGB (wide windows)', image(1100, 900, 3), { scale: 0.35 }, { convention: 'pillow', mode: 'lanczos' }],
  ['pillow bicubic LA to 620 x 1300', image(300, 500, 2), { width: 620, height: 1300 }, { convention: 'pillow' }],
  ...(['linear', 'nearest', 'nearest-exact', 'cubic', 'area', 'lanczos4', 'linear-exact'] as const).map((mode): Case =>
    [`opencv ${mode} x1.7 RGB`, image(450, 300, 3), { scale: 1.7 }, { convention: 'opencv', mode }]),
  ['opencv area x0.5 RGBA (integer blocks)', image(1000, 700), { scale: 0.5 }, { convention: 'opencv', mode: 'area' }],
  ['opencv area x0.3 gray (fractional windows)', image(1900, 1400, 1), { scale: 0.3 }, { convention: 'opencv', mode: 'area' }],
  ['opencv cubic RGBA to 1201 x 333', image(300, 200), { width: 1201, height: 333 }, { convention: 'opencv', mode: 'cubic' }],
  ['pillow lanczos in linear light x2 RGBA', image(380, 240), { scale: 2 }, { convention: 'pillow', mode: 'lanczos', linearLight: true }],
  ['opencv linear in linear light x1.5 RGB', image(500, 400, 3), { scale: 1.5 }, { convention: 'opencv', linearLight: true }],
  ['pytorch bilinear in linear light x2 RGBA', image(400, 260), { scale: 2 }, { linearLight: true }],
];

const bits = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

for (const build of ['simd', 'scalar'] as const) {
  describe(`resizeImage bands on the ${build} build (maximumMemory ${BUDGET} bytes)`, () => {
    it.each(CASES)('%s: bit-identical to one pass, memory within the budget', async (_, img, target, options) => {
      // Fresh memories: each call's own high-water mark.
      const whole = await up.createOperations({ build });
      const tiled = await up.createOperations({ build, maximumMemory: BUDGET });
      const expected = whole.resizeImage(img, target, options);
      expect(whole.memoryBytes).toBeGreaterThan(BUDGET); // one pass needs more than the budget: this call bands
      const actual = tiled.resizeImage(img, target, options);
      expect(bits(actual.data).equals(bits(expected.data))).toBe(true);
      expect(tiled.memoryBytes).toBeLessThanOrEqual(BUDGET);
      // And the plain-JS backend computes the same bytes (one pass).
      if (build === 'simd' && options.linearLight !== true) expect(bits(up.js.resizeImage(img, target, options).data).equals(bits(expected.data))).toBe(true);
    });
  });
}

describe(`the pool bands resizeImage within its maximumMemory (${BUDGET} bytes)`, () => {
  const budgetPool = budgetPoolForTests(BUDGET);

  it.each(CASES.filter((_, i) => i % 3 === 0))('%s', async (_, img, target, options) => {
    const { pool, whole } = budgetPool();
    const actual = await pool.resizeImage(img, target, options);
    expect(bits(actual.data).equals(bits(whole.resizeImage(img, target, options).data))).toBe(true);
    expect(pool.memoryBytes).toBeLessThanOrEqual(BUDGET);
  });
});
