// imageToTensor under a memory budget (maximumMemory): bands of tensor rows, each with the
// resized rows and input rows it needs, copied out per band (NCHW: a run per channel plane; NHWC:
// contiguous rows), bit-identical to one pass, WebAssembly memory within the budget (SIMD,
// scalar, the pool), for every convention, fit (padding rows, cropping), channels and layout.

import { describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import type { ImageInput, ImageToTensorOptions } from '../src/index.js';
// The pool's workers load the built worker script (npm run build), as the other pool tests do.
import { budgetPoolForTests } from './pool-helpers.js';
import { noisyImage } from './helpers.js';

const MIB = 2 ** 20;
const BUDGET = MIB;

const image = noisyImage;

type Case = [string, ImageInput, ImageToTensorOptions];
const wide = image(700, 380);
const tall = image(300, 560, 3);
const CASES: Case[] = [
  ['pytorch bilinear fill RGBA nchw', wide, { size: [512, 512], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }],
  ['pytorch bicubic antialias contain (padding rows) nhwc', wide, { size: [480, 520], fit: 'contain', mode: 'bicubic', antialias: true, padValue: 114, layout: 'nhwc' }],
  ['pillow bicubic cover (cropped) bgr', tall, { size: [500, 460], fit: 'cover', convention: 'pillow', channels: 'bgr' }],
  ['pillow lanczos contain top-left gray nhwc', wide, { size: [600, 400], fit: 'contain', align: 'top-left', convention: 'pillow', mode: 'lanczos', channels: 'gray', layout: 'nhwc' }],
  ['opencv linear contain (padding rows) RGBA', wide, { size: [520, 520], fit: 'contain', convention: 'opencv', padValue: [1, 2, 3] }],
  ['opencv area scale 0.9 gray', image(900, 700, 1), { scale: 0.9, convention: 'opencv', mode: 'area' }],
  ['opencv cubic cover gray nhwc', tall, { size: [420, 430], fit: 'cover', convention: 'opencv', mode: 'cubic', channels: 'gray', layout: 'nhwc' }],
  // Mostly padding: many bands hold no image row at all.
  ['pytorch bilinear contain, 84% padding rows', wide, { size: [1000, 300], fit: 'contain', padValue: [9, 99, 199] }],
  ['pillow bilinear LA contain gray', image(500, 640, 2), { size: [700, 700], fit: 'contain', convention: 'pillow', mode: 'bilinear', channels: 'gray' }],
];

const bits = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

for (const build of ['simd', 'scalar'] as const) {
  describe(`imageToTensor bands on the ${build} build (maximumMemory ${BUDGET} bytes)`, () => {
    it.each(CASES)('%s: bit-identical to one pass, memory within the budget', async (_, img, options) => {
      // Fresh memories: each call's own high-water mark.
      const whole = await up.createOperations({ build });
      const tiled = await up.createOperations({ build, maximumMemory: BUDGET });
      const expected = whole.imageToTensor(img, options).tensor;
      expect(whole.memoryBytes).toBeGreaterThan(BUDGET); // one pass needs more than the budget: this call bands
      const actual = tiled.imageToTensor(img, options);
      expect(actual.tensor.shape).toEqual(expected.shape);
      expect(bits(actual.tensor.data).equals(bits(expected.data))).toBe(true);
      expect(tiled.memoryBytes).toBeLessThanOrEqual(BUDGET);
      // The plain-JS backend: the same bytes for the exact conventions ('pytorch' float resizes differ from SIMD in a few bytes already in resizeImage).
      if (build === 'simd' && options.convention !== undefined) expect(bits(up.js.imageToTensor(img, options).tensor.data).equals(bits(expected.data))).toBe(true);
    });
  });
}

describe('imageToTensor into a resident out under the budget', () => {
  const budget = 2 * MIB;
  it.each([['nchw', [1, 3, 300, 300]], ['nhwc', [1, 300, 300, 3]]] as const)('%s: bands written into the resident tensor', async (layout, shape) => {
    const options: ImageToTensorOptions = { size: [300, 300], fit: 'contain', padValue: 7, convention: 'pillow', layout };
    const whole = await up.createOperations({ build: 'simd' });
    const expected = whole.allocTensor([...shape]);
    whole.imageToTensor(wide, { ...options, out: expected });
    expect(whole.memoryBytes).toBeGreaterThan(budget); // the resident tensor and one pass's staging do not fit: this call bands
    const tiled = await up.createOperations({ build: 'simd', maximumMemory: budget });
    const out = tiled.allocTensor([...shape]);
    tiled.imageToTensor(wide, { ...options, out });
    expect(bits(out.data).equals(bits(expected.data))).toBe(true);
    expect(tiled.memoryBytes).toBeLessThanOrEqual(budget);
  });
});

describe(`the pool bands imageToTensor within its maximumMemory (${BUDGET} bytes)`, () => {
  const budgetPool = budgetPoolForTests(BUDGET);

  it.each(CASES.filter((_, i) => i % 2 === 0))('%s', async (_, img, options) => {
    const { pool, whole } = budgetPool();
    const actual = await pool.imageToTensor(img, options);
    expect(bits(actual.tensor.data).equals(bits(whole.imageToTensor(img, options).tensor.data))).toBe(true);
    expect(pool.memoryBytes).toBeLessThanOrEqual(BUDGET);
  });
});
