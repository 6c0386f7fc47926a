// interpolate, resize and the TF entries on every element type, on the SIMD and scalar builds,
// the plain-JS backend and the pool:
// - uint8 nearest / nearest-exact against PyTorch 1.13 (test/fixtures/dtypes.json, written by
//   scripts/fixtures/dtypes.py; 1.13 interpolates no other integer type);
// - every type's nearest is a gather: checked element by element against the source index the
//   float32 call gives for an input of indices, bit for bit (int32 beyond 2^24 and int32 words
//   that are signalling NaNs as float32 included);
// - linear, cubic and area on integer types: the same backend's float32 result, rounded half to
//   even and saturated (PyTorch 2's uint8 rule; PyTorch 1.13 has no integer linear to compare);
//   ONNX resize's in float64 as its reference (fixtures in test/resize.test.ts): the plain-JS
//   backend's result on every backend, within one (int32: 2^-20 of the largest) of the float32 one.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as up from '../dist/index.js';
import type { Operations, Pool, Tensor, TensorData } from '../dist/index.js';

type Ctor = { new (n: number): TensorData; new (b: ArrayBufferLike): TensorData; name: string };
const F16 = (globalThis as Record<string, unknown>).Float16Array as Ctor | undefined;
const INTEGER: Array<[Ctor, number, number]> = [
  [Uint8Array as never, 0, 255], [Uint8ClampedArray as never, 0, 255], [Int8Array as never, -128, 127],
  [Uint16Array as never, 0, 65535], [Int16Array as never, -32768, 32767], [Int32Array as never, -(2 ** 31), 2 ** 31 - 1],
];
const TYPES: Ctor[] = [...INTEGER.map(([c]) => c), ...(F16 ? [F16] : [])];

/** Deterministic values over a type's range, with its extremes (and float32 NaN patterns for int32). */
function fill(C: Ctor, n: number, seed: number): TensorData {
  const range = INTEGER.find(([c]) => c === C);
  const out = new C(n);
  const special = C === (Int32Array as never) ? [2 ** 31 - 1, -(2 ** 31), 2139095041, -5000000, 16777217, -16777217] : range ? [range[1], range[2]] : [65504, -0.000061035];
  let s = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const u = s / 2 ** 31;
    out[i] = i < special.length ? special[i] : range ? Math.floor(range[1] + u * (range[2] - range[1] + 1)) : (u - 0.5) * 200;
  }
  return out;
}

/** Round half to even, saturate (the rule under test, written independently of src/dtype.ts). */
function narrow(x: number, lo: number, hi: number): number {
  const f = Math.floor(x);
  const r = x - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(x);
  return Math.min(hi, Math.max(lo, r)) + 0; // + 0: no -0 in an integer array
}

type Call = (ops: Operations, x: Tensor<TensorData>) => Tensor<TensorData>;
const NEAREST: Array<[string, number[], Call]> = [
  ['interpolate nearest 2-D', [2, 3, 5, 7], (o, x) => o.interpolate(x, { mode: 'nearest', size: [9, 12] })],
  ['interpolate nearest-exact 1-D', [1, 3, 10], (o, x) => o.interpolate(x, { mode: 'nearest-exact', size: 7 })],
  ['interpolate nearest 3-D', [1, 2, 3, 4, 5], (o, x) => o.interpolate(x, { mode: 'nearest', scaleFactor: [2, 1, 1.5] })],
  ['interpolate nearest nhwc', [1, 5, 6, 3], (o, x) => o.interpolate(x, { mode: 'nearest', scaleFactor: 3, layout: 'nhwc' })],
  ['resize nearest ceil, axes 0 and 2', [3, 4, 5], (o, x) => o.resize(x, { mode: 'nearest', nearestMode: 'ceil', scales: [1.5, 0.7], axes: [0, 2] })],
  ['resize nearest excludeOutside-free crop with 0 fill', [1, 1, 6, 6], (o, x) => o.resize(x, { mode: 'nearest', sizes: [1, 1, 8, 8],
    coordinateTransformationMode: 'tf_crop_and_resize', roi: [0, 0, -0.2, 0.1, 1, 1, 0.9, 1.3] })],
  ['resizeNearestNeighbor', [1, 5, 4, 2], (o, x) => o.resizeNearestNeighbor(x, [9, 7], { halfPixelCenters: true })],
  // Rows long enough for the 8/16-bit gather's 16-byte swizzle groups (src/wasm/gather.ts): integer
  // and fractional upscales, a downscale (groups that do not fit), 1-4 channels last.
  ['interpolate nearest 4x, wide rows', [1, 2, 5, 40], (o, x) => o.interpolate(x, { mode: 'nearest', scaleFactor: 4 })],
  ['interpolate nearest-exact 2.7x, wide rows', [1, 1, 6, 37], (o, x) => o.interpolate(x, { mode: 'nearest-exact', size: [13, 100] })],
  ['interpolate nearest downscale, wide rows', [1, 1, 4, 100], (o, x) => o.interpolate(x, { mode: 'nearest', size: [3, 45] })],
  ['interpolate nearest nhwc 2 channels', [1, 4, 20, 2], (o, x) => o.interpolate(x, { mode: 'nearest', scaleFactor: 2.5, layout: 'nhwc' })],
  ['interpolate nearest nhwc 4 channels', [2, 3, 9, 4], (o, x) => o.interpolate(x, { mode: 'nearest', scaleFactor: 3, layout: 'nhwc' })],
  ['resizeNearestNeighbor alignCorners, wide', [1, 6, 30, 1], (o, x) => o.resizeNearestNeighbor(x, [11, 77], { alignCorners: true })],
];
const LINEAR: Array<[string, number[], Call]> = [
  ['interpolate bilinear', [1, 2, 7, 9], (o, x) => o.interpolate(x, { mode: 'bilinear', size: [13, 5] })],
  ['interpolate bilinear 2x (SIMD 2x path)', [1, 2, 4, 40], (o, x) => o.interpolate(x, { mode: 'bilinear', scaleFactor: 2 })],
  ['interpolate bicubic (overshoot saturates)', [1, 2, 6, 7], (o, x) => o.interpolate(x, { mode: 'bicubic', scaleFactor: 1.5 })],
  ['interpolate area', [1, 3, 9, 8], (o, x) => o.interpolate(x, { mode: 'area', size: [4, 3] })],
  ['interpolate bilinear antialias nhwc', [1, 9, 9, 3], (o, x) => o.interpolate(x, { mode: 'bilinear', size: [4, 4], antialias: true, layout: 'nhwc' })],
  ['interpolate trilinear', [1, 2, 3, 4, 5], (o, x) => o.interpolate(x, { mode: 'trilinear', size: [5, 4, 3] })],
  ['resize cubic', [1, 1, 6, 6], (o, x) => o.resize(x, { mode: 'cubic', scales: [1, 1, 1.7, 0.6] })],
  ['resize linear 2x (float64 SIMD stretch)', [1, 2, 5, 37], (o, x) => o.resize(x, { mode: 'linear', scales: [1, 1, 2, 2] })],
  ['resize cubic 2x antialias (float64 SIMD stretch)', [1, 2, 5, 37], (o, x) => o.resize(x, { mode: 'cubic', scales: [1, 1, 2, 2], antialias: true })],
  ['resize linear extrapolation 100.5', [1, 1, 5, 5], (o, x) => o.resize(x, { mode: 'linear', sizes: [1, 1, 7, 7],
    coordinateTransformationMode: 'tf_crop_and_resize', roi: [0, 0, -0.3, 0, 1, 1, 1, 1.2], extrapolationValue: 100.5 })],
  ['resizeBilinear', [2, 5, 4, 3], (o, x) => o.resizeBilinear(x, [8, 9], { halfPixelCenters: true })],
];

/**
 * The source element each output copies: the float32 call on an input of indices + 1 (exact
 * below 2^24; 0 is a fill of 0).
 */
function gatherOracle(ops: Operations, call: Call, x: Tensor<TensorData>): Tensor<TensorData> {
  const idx = call(ops, { data: Float32Array.from({ length: x.data.length }, (_, i) => i + 1), shape: x.shape });
  const data = new (x.data.constructor as Ctor)(idx.data.length);
  for (let i = 0; i < idx.data.length; i++) data[i] = idx.data[i] === 0 ? 0 : x.data[idx.data[i] - 1];
  return { data, shape: idx.shape };
}

function bits(a: TensorData): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

const backends: Array<[string, () => Promise<Operations>]> = [
  ['wasm-simd', async () => { await up.init({ simd: true }); return up as unknown as Operations; }],
  ['wasm-scalar', async () => { await up.init({ simd: false }); return up as unknown as Operations; }],
  ['js', async () => up.js],
];

for (const [backend, setup] of backends) {
  describe(`element types on ${backend}`, () => {
    let ops: Operations;
    beforeAll(async () => { ops = await setup(); });

    describe('uint8 nearest against PyTorch 1.13 (test/fixtures/dtypes.json)', () => {
      interface Raw { shape: number[]; data: string }
      const cases: Array<{ name: string; inputs: { input: Raw }; options: object; expected: Raw }> =
        JSON.parse(readFileSync(new URL('./fixtures/dtypes.json', import.meta.url), 'utf8')).cases;
      const u8 = (t: Raw) => ({ data: new Uint8Array(Buffer.from(t.data, 'base64')), shape: t.shape });
      it('has fixtures', () => expect(cases.length).toBeGreaterThanOrEqual(10));
      for (const c of cases) {
        it(c.name, () => {
          const got = ops.interpolate(u8(c.inputs.input), c.options);
          expect(got.data).toBeInstanceOf(Uint8Array);
          expect(got.shape).toEqual(c.expected.shape);
          expect(Array.from(got.data)).toEqual(Array.from(u8(c.expected).data));
        });
      }
    });

    for (const C of TYPES) {
      for (const [label, shape, call] of NEAREST) {
        it(`${C.name} ${label}: a gather, bit for bit`, () => {
          const x = { data: fill(C, shape.reduce((a, b) => a * b, 1), shape.length), shape };
          const got = call(ops, x);
          expect(got.data.constructor).toBe(C);
          const want = gatherOracle(ops, call, x);
          expect(got.shape).toEqual(want.shape);
          expect(bits(got.data)).toEqual(bits(want.data));
        });
      }
    }
    for (const [C, lo, hi] of INTEGER) {
      for (const [label, shape, call] of LINEAR) {
        it(`${C.name} ${label}: ${label.startsWith('resize ') ? 'float64' : 'float32'} result, half to even, saturated`, () => {
          const x = { data: fill(C, shape.reduce((a, b) => a * b, 1), shape.length + 7), shape };
          const got = call(ops, x);
          expect(got.data.constructor).toBe(C);
          const float = call(ops, { data: Float32Array.from(x.data as ArrayLike<number>), shape });
          expect(got.shape).toEqual(float.shape);
          const rounded = Array.from(float.data, (v) => narrow(v, lo, hi));
          if (!label.startsWith('resize ')) {
            expect(Array.from(got.data)).toEqual(rounded);
            return;
          }
          expect(Array.from(got.data)).toEqual(Array.from(call(up.js as unknown as Operations, x).data));
          const largest = rounded.reduce((m, v) => Math.max(m, Math.abs(v)), 0); // float32's error: of the largest value
          got.data.forEach((v, i) => expect(Math.abs(v - rounded[i])).toBeLessThanOrEqual(Math.max(1, 2 ** -20 * largest)));
        });
      }
    }
    if (F16) {
      for (const [label, shape, call] of LINEAR) {
        it(`Float16Array ${label}: float32 result rounded to half`, () => {
          const x = { data: fill(F16, shape.reduce((a, b) => a * b, 1), 3), shape };
          const got = call(ops, x);
          const float = call(ops, { data: Float32Array.from(x.data as ArrayLike<number>), shape });
          expect(Array.from(got.data)).toEqual(Array.from(new F16(float.data.length).map((_, i) => float.data[i])));
        });
      }
    }

    it('copies 16-bit elements as they are in nearest: half NaN payloads, -0, subnormals', () => {
      const halves = Uint16Array.from({ length: 64 }, (_, i) => [0x7d01, 0xfe23, 0x8000, 0x0001, 0x7c00, 0x7e00, 0x83ff, 0x3c00][i % 8] + (i >> 3));
      const want = Array.from({ length: 4 * 256 }, (_, i) => halves[Math.floor((i % 256) / 4)]);
      for (const C of [Uint16Array, Int16Array, ...(F16 ? [F16] : [])] as Ctor[]) {
        const data = new C(halves.length);
        new Uint16Array(data.buffer).set(halves);
        const got = ops.interpolate({ data, shape: [1, 1, 1, 64] }, { mode: 'nearest', size: [4, 256] });
        expect(got.data.constructor).toBe(C);
        expect(Array.from(new Uint16Array(got.data.buffer, got.data.byteOffset, got.data.length))).toEqual(want);
      }
    });

    it('rounds halves to even and saturates (the rule on exact halves)', () => {
      // 1-D linear 2x with align corners: outputs at x.5 are means of neighbours.
      const x = { data: Uint8Array.from([0, 1, 2, 3, 4, 255, 254]), shape: [1, 1, 7] };
      const got = ops.interpolate(x, { mode: 'linear', size: 13, alignCorners: true });
      expect(Array.from(got.data)).toEqual([0, 0, 1, 2, 2, 2, 3, 4, 4, 130, 255, 254, 254]);
      const y = ops.interpolate({ data: Int8Array.from([-128, 127, -128, 127]), shape: [1, 1, 4] }, { mode: 'linear', size: 7, alignCorners: true });
      expect(Array.from(y.data)).toEqual([-128, 0, 127, 0, -128, 0, 127]);
    });
    it('refuses an out of another type', () => {
      const x = { data: new Uint8Array(16), shape: [1, 1, 4, 4] };
      expect(() => ops.interpolate(x, { size: 8, out: { data: new Float32Array(64), shape: [1, 1, 8, 8] } as never }))
        .toThrow(/out.data must be a Uint8Array, the input's type, but got Float32Array/);
      expect(() => ops.resize(x, { sizes: [1, 1, 8, 8], out: { data: new Int8Array(64), shape: [1, 1, 8, 8] } as never })).toThrow(TypeError);
    });
    it('writes into an out of the input type', () => {
      const out = { data: new Int16Array(64), shape: [1, 1, 8, 8] };
      const x = { data: Int16Array.from({ length: 16 }, (_, i) => i * 1000 - 8000), shape: [1, 1, 4, 4] };
      expect(ops.interpolate(x, { size: 8, mode: 'bilinear', out })).toBe(out);
      expect(out.data[0]).toBe(-8000);
    });
    it('refuses other arrays, naming the accepted ones', () => {
      expect(() => ops.interpolate({ data: new Float64Array(4), shape: [1, 1, 4] } as never, { size: 2 }))
        .toThrow(/input.data must be one of Float32Array.*Int32Array, but got Float64Array/);
      expect(() => ops.resize({ data: new BigInt64Array(4), dims: [1, 1, 4] } as never, { sizes: [1, 1, 2] })).toThrow(TypeError);
    });
    it('takes tensors with dims (onnxruntime, transformers.js), data as it is', () => {
      const data = Int32Array.from({ length: 12 }, (_, i) => i);
      const ort = { type: 'int32', data, dims: [1, 1, 3, 4], location: 'cpu' };
      const got = ops.interpolate(ort, { size: [6, 8] });
      expect(got.shape).toEqual([1, 1, 6, 8]);
      expect(got.data[got.data.length - 1]).toBe(11);
      let reads = 0;
      const counted = { data, get dims() { reads++; return [1, 1, 3, 4]; } };
      ops.resize(counted, { scales: [1, 1, 2, 2] });
      expect(reads).toBe(1);
      // Every operation's tensors (float32 ones: conv, shuffle) take dims too.
      const shuffled = ops.pixelShuffle({ data: Float32Array.from({ length: 16 }, (_, i) => i), dims: [1, 4, 2, 2] } as never, 2);
      expect(shuffled.shape).toEqual([1, 1, 4, 4]);
      expect(Array.from(shuffled.data.slice(0, 4))).toEqual([0, 4, 1, 5]);
    });
  });
}

describe('element types on the pool', () => {
  let pool: Pool;
  beforeAll(async () => { pool = await up.createPool({ threads: 2 }); await up.init({ simd: true }); });
  afterAll(() => pool.close());
  for (const C of TYPES) {
    for (const [label, shape, call] of [...NEAREST, ...LINEAR]) {
      it(`${C.name} ${label}: as the synchronous call`, async () => {
        const x = { data: fill(C, shape.reduce((a, b) => a * b, 1), 5), shape };
        const want = call(up as unknown as Operations, x);
        const got = await call(pool as unknown as Operations, x);
        expect(got.data.constructor).toBe(C);
        expect(bits(got.data)).toEqual(bits(want.data));
      });
    }
  }
  it('gathers a large uint8 label map across workers (one plane: cut by output groups)', async () => {
    const x = { data: fill(Uint8Array as never, 512 * 512, 8), shape: [1, 1, 512, 512] };
    const want = up.interpolate(x, { mode: 'nearest', scaleFactor: 4 });
    const got = await pool.interpolate(x, { mode: 'nearest', scaleFactor: 4 });
    expect(Buffer.compare(bits(got.data), bits(want.data))).toBe(0);
  });
  it.runIf(F16)('widens and narrows a large float16 tensor across workers', async () => {
    const x = { data: fill(F16!, 2 * 256 * 256, 7), shape: [1, 2, 256, 256] };
    const want = up.interpolate(x, { mode: 'bilinear', scaleFactor: 2 });
    const got = await pool.interpolate(x, { mode: 'bilinear', scaleFactor: 2 });
    expect(Buffer.compare(bits(got.data), bits(want.data))).toBe(0);
  });
  it('narrows a large uint8 result across workers', async () => {
    const x = { data: fill(Uint8Array as never, 512 * 512, 9), shape: [1, 1, 512, 512] };
    const want = up.interpolate(x, { mode: 'bilinear', scaleFactor: 2 });
    const got = await pool.interpolate(x, { mode: 'bilinear', scaleFactor: 2 });
    expect(Buffer.compare(bits(got.data), bits(want.data))).toBe(0); // toEqual on 1 MB takes seconds
  });
});
