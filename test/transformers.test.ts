// upsample-wasm/transformers against transformers.js itself: its interpolate_4d (an ONNX Resize
// model run in onnxruntime) is the reference for ours, on transformers.js Tensor objects.

import { describe, expect, it } from 'vitest';
import { Tensor, interpolate_4d as theirs } from '@huggingface/transformers';
import { Tensor as OrtTensor } from 'onnxruntime-node';
import { interpolate_4d, upsample_argmax, upsample_threshold } from '../src/transformers.js';
import { backendInfo, upsampleArgmax, init } from '../src/index.js';
import { ramp } from './helpers.js';
import { error, mulberry32, reference } from '../scripts/fixtures/transformers-oracle.mjs';

function tensor(shape: number[], seed: number): Tensor {
  return new Tensor('float32', ramp(shape, seed).data, shape);
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe("interpolate_4d equals transformers.js's own (ONNX) path", () => {
  it.each([
    ['bilinear up', [1, 3, 17, 23], [40, 51], 'bilinear'],
    ['bilinear down', [2, 2, 40, 33], [13, 20], 'bilinear'],
    ['bicubic up', [1, 4, 12, 9], [31, 25], 'bicubic'],
    ['bicubic 2x', [1, 2, 16, 16], [32, 32], 'bicubic'],
    ['nearest up (round_prefer_floor, half_pixel)', [1, 3, 7, 9], [20, 19], 'nearest'],
    ['nearest down', [1, 2, 21, 18], [8, 7], 'nearest'],
    ['size [c, h, w]', [1, 3, 10, 10], [3, 25, 15], 'bilinear'],
  ] as const)('%s', async (_name, shape, size, mode) => {
    const input = tensor([...shape], 1);
    const expected = await theirs(input, { size: [...size], mode });
    const actual = await interpolate_4d(input, { size: [...size], mode });
    expect(actual).toBeInstanceOf(Tensor);
    expect(actual.type).toBe('float32');
    expect(actual.dims).toEqual(expected.dims);
    // onnxruntime computes coordinates and weights its own way: a few float32 ulps of the values (|x| <= 4.6).
    expect(maxDiff(actual.data as Float32Array, expected.data as Float32Array)).toBeLessThanOrEqual(mode === 'nearest' ? 0 : 1e-5);
  });

  // Where the ONNX reference (the oracle `resize` follows) and onnxruntime part: output row 8 of 17
  // from 7 rows sits at x = 3.0000000000000004 in the reference's float64 steps, whose padded tap
  // window then starts a row early (bilinear/bicubic weigh row 2 as row 3); row 36 of 73 from 26
  // at 12.500000000000002, which nearest rounds up. onnxruntime reads row 3 and row 12. We follow
  // the reference (README: transformers.js section).
  it.each([
    ['bicubic', [1, 1, 7, 2], [17, 2]],
    ['bilinear', [1, 1, 7, 2], [17, 2]],
    ['nearest', [1, 1, 26, 3], [73, 3]],
  ] as const)('follows the ONNX reference where onnxruntime departs from it (%s %j -> %j)', async (mode, dims, size) => {
    const input = tensor([...dims], 3);
    const actual = await interpolate_4d(input, { size: [...size], mode });
    expect(error(actual.data as Float32Array, reference(input, actual.dims, mode))).toBeLessThanOrEqual(mode === 'nearest' ? 0 : 2 ** -20);
    const expected = await theirs(input, { size: [...size], mode });
    expect(maxDiff(actual.data as Float32Array, expected.data as Float32Array)).toBeGreaterThan(0.01);
  });

  it('refuses what transformers.js refuses, and non-float32 tensors', async () => {
    await expect(interpolate_4d(tensor([3, 4, 5], 1), { size: [2, 2] })).rejects.toThrow(/4D/);
    await expect(interpolate_4d(tensor([1, 1, 4, 5], 1), {})).rejects.toThrow(/size/);
    await expect(interpolate_4d(tensor([1, 1, 4, 5], 1), { size: [2, 2], mode: 'area' as never })).rejects.toThrow(/Unsupported mode/);
    await expect(interpolate_4d(new Tensor('int32', new Int32Array(4), [1, 1, 2, 2]), { size: [2, 2] })).rejects.toThrow(TypeError);
  });
});

// A seeded sample of scripts/fixtures/fuzz_transformers.mjs: random shapes (1-pixel sides, up,
// down, non-integer ratios) in every mode. Ours against the ONNX reference's arithmetic (nearest
// exact; linear / cubic a few float32 ulps of the sum |w x|); transformers.js's own within its
// float32 coordinates (measured up to 7.3e-6 of max |x| over 20,000 cases) and nearest the same.
describe('interpolate_4d on random shapes, against the ONNX reference arithmetic and transformers.js', () => {
  const random = mulberry32(20261206);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const side = (): number => [1, 2, 3, int(2, 9), int(5, 40)][int(0, 4)];
  const cases = Array.from({ length: 60 }, (_, i) => {
    const [h, w] = [side(), side()];
    const mode = (['nearest', 'bilinear', 'bicubic'] as const)[i % 3];
    return { dims: [int(1, 2), int(1, 4), h, w], size: [int(1, 3 * h + 4), int(1, 3 * w + 4)] as [number, number], mode };
  });
  it.each(cases)('$mode $dims -> $size', async ({ dims, size, mode }) => {
    const data = Float32Array.from({ length: dims.reduce((a, b) => a * b) }, () => random() * 8 - 4);
    const input = new Tensor('float32', data, dims);
    const [actual, expected] = [await interpolate_4d(input, { size, mode }), await theirs(input, { size, mode })];
    const exact = reference(input, actual.dims, mode);
    expect(actual.dims).toEqual(expected.dims);
    expect(error(actual.data as Float32Array, exact)).toBeLessThanOrEqual(mode === 'nearest' ? 0 : 2 ** -20);
    expect(maxDiff(actual.data as Float32Array, expected.data as Float32Array)).toBeLessThanOrEqual(mode === 'nearest' ? 0 : 4 * 1e-5);
  });
});

describe('the WebAssembly instance', () => {
  it("is the caller's when init() ran before (its build, or a module given to it), not a fresh one", async () => {
    await init({ build: 'scalar' });
    const memory = backendInfo()!;
    await interpolate_4d(tensor([1, 1, 4, 4], 1), { size: [8, 8] });
    await upsample_argmax(tensor([1, 3, 4, 4], 1), { size: [8, 8] });
    expect(backendInfo()?.build).toBe('scalar');
    expect(backendInfo()).toEqual(memory);
    await init();
  });
});

describe('other tensor objects', () => {
  it('a plain { type, data, dims } (or onnxruntime Tensor) gets the same kind back', async () => {
    const data = Float32Array.of(1, 2, 3, 4);
    const plain = await interpolate_4d({ type: 'float32', data, dims: [1, 1, 2, 2] }, { size: [3, 3] });
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(plain).toEqual({ type: 'float32', data: expect.any(Float32Array), dims: [1, 1, 3, 3] });
    expect(Array.from(plain.data as Float32Array)).toEqual(Array.from((await interpolate_4d(new Tensor('float32', data, [1, 1, 2, 2]), { size: [3, 3] })).data as Float32Array));
    const ort = await interpolate_4d(new OrtTensor('float32', data, [1, 1, 2, 2]), { size: [3, 3] });
    expect(ort).toBeInstanceOf(OrtTensor);
    expect(ort.dims).toEqual([1, 1, 3, 3]);
    const labels = await upsample_argmax(Object.assign(Object.create(null), { type: 'float32', data, dims: [1, 2, 1, 2] }), { size: [1, 2] });
    expect(labels).toEqual({ type: 'uint8', data: Uint8Array.of(1, 1), dims: [1, 1, 2] });
  });
});

describe('upsample_argmax / upsample_threshold on transformers.js Tensors', () => {
  it('return uint8 Tensors of the input class, as the package functions', async () => {
    await init();
    const logits = tensor([1, 5, 8, 8], 2);
    const labels = await upsample_argmax(logits, { size: [20, 20] });
    expect(labels).toBeInstanceOf(Tensor);
    expect(labels.type).toBe('uint8');
    expect(labels.dims).toEqual([1, 20, 20]);
    expect(Array.from(labels.data as Uint8Array)).toEqual(Array.from(upsampleArgmax({ data: logits.data as Float32Array, shape: [1, 5, 8, 8] }, { size: [20, 20] }).data));
    const masks = await upsample_threshold(logits, { scaleFactor: 2 });
    expect(masks.type).toBe('uint8');
    expect(masks.dims).toEqual([1, 5, 16, 16]);
  });
});
