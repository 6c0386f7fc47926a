// upsampleArgmax and upsampleThreshold against their composition (interpolate, then argmax or
// threshold) on the same backend: equal bit for bit, ties and NaN included, with and without a
// crop, on the SIMD and scalar builds, the plain-JS backend and the pool; and against PyTorch's
// labels and masks (scripts/fixtures/upsample_reduce.py), ties included.

import { describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import type { Operations, Tensor, UpsampleThresholdOptions } from '../src/index.js';
import * as dist from '../dist/index.js';
import { poolForTests } from './pool-helpers.js';
import { loadFixtures, ownBuilds, ramp } from './helpers.js';

type Options = UpsampleThresholdOptions;

/** logits[:, :, top:top+height, left:left+width] */
function crop(t: Tensor, box: Options['crop']): Tensor {
  if (!box) return t;
  const [n, c, h, w] = t.shape;
  const data = new Float32Array(n * c * box.height * box.width);
  let at = 0;
  for (let p = 0; p < n * c; p++) {
    for (let y = 0; y < box.height; y++) {
      const s = (p * h + box.top + y) * w + box.left;
      data.set(t.data.subarray(s, s + box.width), at);
      at += box.width;
    }
  }
  return { data, shape: [n, c, box.height, box.width] };
}

function interpolated(ops: Operations, logits: Tensor, options: Options): Tensor {
  const { size, scaleFactor, alignCorners, antialias, mode = 'bilinear' } = options;
  return ops.interpolate(crop(logits, options.crop), { size, scaleFactor, alignCorners, antialias, mode });
}

/** argmax over dim 1 as torch.argmax: the first maximum, NaN the maximum. */
function argmaxOf(t: Tensor): number[] {
  const [n, k, h, w] = t.shape;
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < h * w; i++) {
      let best = t.data[b * k * h * w + i];
      let label = 0;
      for (let c = 1; c < k; c++) {
        const v = t.data[(b * k + c) * h * w + i];
        if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) { best = v; label = c; }
      }
      out.push(label);
    }
  }
  return out;
}

function thresholdOf(t: Tensor, threshold = 0): number[] {
  const f = Math.fround(threshold);
  return Array.from(t.data, (v) => (v > f ? 255 : 0));
}

/** Classes whose planes tie: class 2 copies class 1 and class 4 copies class 0 (so the first must win). */
function withTies(shape: number[], seed: number): Tensor {
  const t = ramp(shape, seed);
  const [n, k, h, w] = shape;
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    const at = (c: number) => (b * k + c) * plane;
    if (k > 2) t.data.copyWithin(at(2), at(1), at(1) + plane);
    if (k > 4) t.data.copyWithin(at(4), at(0), at(0) + plane);
  }
  return t;
}

const argmaxCases: Array<[string, Tensor, Options]> = [
  ['bilinear 4x, ties', withTies([1, 6, 9, 11], 1), { scaleFactor: 4 }],
  ['bilinear 2x (rows-first path), ties, batch 2', withTies([2, 5, 10, 24], 2), { scaleFactor: 2 }],
  ['bilinear alignCorners to a size', withTies([1, 7, 8, 13], 3), { size: [29, 40], alignCorners: true }],
  ['bicubic 3x', withTies([1, 5, 7, 9], 4), { scaleFactor: 3, mode: 'bicubic' }],
  ['nearest (exact ties everywhere)', withTies([1, 5, 6, 7], 5), { size: [13, 17], mode: 'nearest' }],
  ['nearest-exact', withTies([1, 3, 6, 7], 6), { scaleFactor: 2.5, mode: 'nearest-exact' }],
  ['bilinear antialias down', withTies([1, 5, 31, 27], 7), { size: [10, 9], antialias: true }],
  ['crop, bilinear', withTies([1, 5, 16, 16], 8), { size: [40, 48], crop: { top: 3, left: 1, height: 10, width: 12 } }],
  ['crop, bilinear 2x', withTies([2, 3, 20, 30], 9), { scaleFactor: 2, crop: { top: 2, left: 5, height: 16, width: 20 } }],
  ['crop, bicubic', withTies([1, 4, 12, 12], 10), { size: [30, 30], mode: 'bicubic', crop: { top: 0, left: 2, height: 12, width: 9 } }],
  ['one class', ramp([1, 1, 5, 6], 11), { scaleFactor: 2 }],
  ['constant scores: all ties', { data: new Float32Array(4 * 5 * 6).fill(0.25), shape: [1, 4, 5, 6] }, { size: [11, 13] }],
];

const thresholdCases: Array<[string, Tensor, Options]> = [
  ['bilinear 4x', ramp([1, 3, 16, 16], 1), { scaleFactor: 4 }],
  ['bilinear 2x (rows-first path)', ramp([2, 3, 12, 40], 2), { scaleFactor: 2 }],
  ['bicubic to a size, threshold 0.5', ramp([1, 2, 9, 10], 3), { size: [37, 41], mode: 'bicubic', threshold: 0.5 }],
  ['nearest, threshold -1', ramp([1, 2, 7, 8], 4), { scaleFactor: 3, mode: 'nearest', threshold: -1 }],
  ['crop, bilinear', ramp([1, 3, 20, 20], 5), { size: [64, 50], crop: { top: 4, left: 0, height: 12, width: 20 } }],
  ['threshold 0.1 (not a float32): compared as float32', ramp([1, 1, 6, 6], 6), { size: [6, 6], threshold: 0.1 }],
];

function withNaN(): Tensor {
  const t = withTies([1, 4, 6, 6], 12);
  t.data[1 * 36 + 14] = NaN; // class 1 at (2, 2)
  t.data[3 * 36 + 14] = NaN; // and class 3: the first NaN wins
  t.data[2 * 36 + 30] = NaN;
  return t;
}

const backends = ownBuilds();
const [[, simd]] = backends;

describe.each(backends)('on %s', (_, get) => {
  it.each(argmaxCases)('upsampleArgmax equals interpolate then argmax: %s', (_name, logits, options) => {
    const ops = get();
    const result = ops.upsampleArgmax(logits, options);
    const expected = interpolated(ops, logits, options);
    const [n, , h, w] = expected.shape;
    expect(result.shape).toEqual([n, h, w]);
    expect(result.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(result.data)).toEqual(argmaxOf(expected));
  });

  it.each(loadFixtures('upsample-reduce'))('equals PyTorch (interpolate, then torch.argmax or > threshold): $name', (c) => {
    const ops = get();
    const result = c.op === 'upsampleArgmax' ? ops.upsampleArgmax(c.inputs.logits, c.options) : ops.upsampleThreshold(c.inputs.logits, c.options);
    expect(result.shape).toEqual(c.expected!.shape);
    expect(Array.from(result.data)).toEqual(Array.from(c.expected!.data));
  });

  it('upsampleArgmax: NaN is the maximum, the first NaN wins', () => {
    const ops = get();
    const logits = withNaN();
    const result = ops.upsampleArgmax(logits, { size: [6, 6], mode: 'nearest' });
    expect(result.data[14]).toBe(1);
    expect(result.data[30]).toBe(2);
    const scaled = ops.upsampleArgmax(logits, { scaleFactor: 2 });
    expect(Array.from(scaled.data)).toEqual(argmaxOf(interpolated(ops, logits, { scaleFactor: 2 })));
  });

  it('upsampleArgmax: more than 256 classes give Uint16Array labels', () => {
    const ops = get();
    const logits = ramp([1, 300, 3, 4], 13);
    for (let i = 0; i < 12; i++) logits.data[299 * 12 + i] = 100; // the last class wins everywhere
    logits.data[257 * 12 + 5] = 200;
    const result = ops.upsampleArgmax(logits, { scaleFactor: 2 });
    expect(result.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(result.data)).toEqual(argmaxOf(interpolated(ops, logits, { scaleFactor: 2 })));
    expect(new Set(result.data)).toEqual(new Set([299, 257]));
  });

  it.each(thresholdCases)('upsampleThreshold equals interpolate then > threshold: %s', (_name, logits, options) => {
    const ops = get();
    const result = ops.upsampleThreshold(logits, options);
    const expected = interpolated(ops, logits, options);
    expect(result.shape).toEqual(expected.shape);
    expect(result.data).toBeInstanceOf(Uint8Array);
    const want = thresholdOf(expected, options.threshold);
    expect(Array.from(result.data)).toEqual(want);
    expect(want.includes(0) && want.includes(255)).toBe(true);
  });

  it('writes into `out` and returns it; refuses a wrong type or shape before writing', () => {
    const ops = get();
    const logits = withTies([1, 5, 6, 7], 14);
    const out = { data: new Uint8Array(12 * 14).fill(9), shape: [1, 12, 14] };
    expect(ops.upsampleArgmax(logits, { scaleFactor: 2, out })).toBe(out);
    expect(Array.from(out.data)).toEqual(Array.from(ops.upsampleArgmax(logits, { scaleFactor: 2 }).data));
    const wrongType = { data: new Uint16Array(12 * 14).fill(9), shape: [1, 12, 14] };
    expect(() => ops.upsampleArgmax(logits, { scaleFactor: 2, out: wrongType })).toThrow(TypeError);
    const wrongShape = { data: new Uint8Array(5 * 12 * 14).fill(9), shape: [1, 5, 12, 14] };
    expect(() => ops.upsampleArgmax(logits, { scaleFactor: 2, out: wrongShape })).toThrow(/out has shape \[1, 5, 12, 14\]/);
    expect(ops.upsampleThreshold(logits, { scaleFactor: 2, out: wrongShape })).toBe(wrongShape);
    expect(wrongType.data.every((v) => v === 9)).toBe(true);
    expect(wrongShape.data.every((v) => v === 0 || v === 255)).toBe(true);
  });

  it('upsampleThreshold: NaN is not above any threshold', () => {
    const logits = { data: Float32Array.from([NaN, 1, -1, NaN]), shape: [1, 1, 2, 2] };
    expect(Array.from(get().upsampleThreshold(logits, { size: [2, 2], mode: 'nearest', threshold: -Infinity }).data)).toEqual([0, 255, 255, 0]);
  });
});

describe('refusals, before any work', () => {
  const logits = ramp([1, 3, 4, 4]);
  it.each([
    ['K > 65536', () => up.js.upsampleArgmax({ data: new Float32Array(65537), shape: [1, 65537, 1, 1] }, { size: 2 }), RangeError, /at most 65536 classes/],
    ['3-D logits', () => up.js.upsampleArgmax(ramp([1, 3, 4]), { size: 2 }), RangeError, /4-D/],
    ['area', () => up.js.upsampleArgmax(logits, { size: 2, mode: 'area' as never }), RangeError, /unknown mode 'area'/],
    ['fractional crop', () => up.js.upsampleArgmax(logits, { size: 2, crop: { top: 0.5, left: 0, height: 2, width: 2 } }), RangeError, /whole number/],
    ['crop outside', () => up.js.upsampleThreshold(logits, { size: 2, crop: { top: 1, left: 0, height: 4, width: 2 } }), RangeError, /inside the logits/],
    ['crop not an object', () => up.js.upsampleThreshold(logits, { size: 2, crop: 3 as never }), TypeError, /crop must be/],
    ['NaN threshold', () => up.js.upsampleThreshold(logits, { size: 2, threshold: NaN }), RangeError, /NaN/],
    ['threshold on argmax', () => up.js.upsampleArgmax(logits, { size: 2, threshold: 1 } as never), TypeError, /unknown option 'threshold'/],
    ['no size', () => up.js.upsampleArgmax(logits, {}), Error, /either size or scale_factor/],
    ['alignCorners with nearest', () => up.js.upsampleArgmax(logits, { size: 8, mode: 'nearest', alignCorners: true }), Error, /align_corners/],
    ['Float64Array logits', () => up.js.upsampleArgmax({ data: new Float64Array(48) as never, shape: [1, 3, 4, 4] }, { size: 2 }), TypeError, /Float32Array/],
  ])('%s', (_name, run, type, message) => {
    expect(run).toThrow(type);
    expect(run).toThrow(message);
  });

  it('are the same on WebAssembly (before init-dependent work)', () => {
    expect(() => simd().upsampleArgmax({ data: new Float32Array(65537), shape: [1, 65537, 1, 1] }, { size: 2 })).toThrow(RangeError);
  });
});

describe('in the pool (dist/)', () => {
  const pool = poolForTests();

  it.each([...argmaxCases.slice(0, 3), ...argmaxCases.slice(7, 9)])('upsampleArgmax as the synchronous call: %s', async (_name, logits, options) => {
    const result = await pool().upsampleArgmax(logits as never, options as never);
    expect(Array.from(result.data)).toEqual(Array.from(dist.upsampleArgmax(logits as never, options as never).data));
    expect(Array.from(result.data)).toEqual(argmaxOf(interpolated(dist as never, logits, options)));
  });

  it.each(thresholdCases.slice(0, 5))('upsampleThreshold as the synchronous call: %s', async (_name, logits, options) => {
    const result = await pool().upsampleThreshold(logits as never, options as never);
    expect(Array.from(result.data)).toEqual(Array.from(dist.upsampleThreshold(logits as never, options as never).data));
  });

  it('rejects a refused call', async () => {
    await expect(pool().upsampleArgmax(ramp([1, 3, 4]) as never, { size: 2 })).rejects.toThrow(RangeError);
  });
});
