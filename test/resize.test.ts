// resize (ONNX Resize), resizeBilinear and resizeNearestNeighbor (TensorFlow) against their
// oracles' fixtures (scripts/fixtures/resize_onnx.py, resize_tf.mjs), on the SIMD and scalar
// builds and the plain-JS backend, and a sample through the pool: nearest exactly, linear and
// cubic within 1e-5 * max(1, |expected|); every refusal throws the fixture's error class before
// any work.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The built files: the pool's workers run them.
import * as up from '../dist/index.js';
import type { Operations, Pool, Tensor } from '../dist/index.js';
import { SPLIT_ALL, type Sizing } from '../dist/pool/sizing.js';

interface TensorJson { shape: number[]; data: string; dtype?: 'int32' | 'int16' | 'int8' | 'uint16' | 'uint8' }
interface Case {
  name: string;
  op: 'resize' | 'resizeBilinear' | 'resizeNearestNeighbor';
  inputs: { input: TensorJson };
  options: Record<string, unknown>;
  size?: [number, number];
  expected?: TensorJson;
  error?: { type: string };
}

const load = (file: string): Case[] => JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')).cases;
const ARRAYS = { int32: Int32Array, int16: Int16Array, int8: Int8Array, uint16: Uint16Array, uint8: Uint8Array };
const decode = (t: TensorJson): Tensor => {
  const b = Buffer.from(t.data, 'base64');
  const C = t.dtype ? ARRAYS[t.dtype] : Float32Array;
  return { data: new C(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) as unknown as Float32Array, shape: t.shape };
};
const errorClass = (type: string): ErrorConstructor => (type === 'TypeError' ? TypeError : type === 'RangeError' ? RangeError : Error);
// Nearest and integer types (the reference's round half to even, saturated) exactly.
const exact = (c: Case): boolean => c.inputs.input.dtype !== undefined ||
  (c.op === 'resize' ? (c.options.mode ?? 'nearest') === 'nearest' : c.op === 'resizeNearestNeighbor');

type Run = (ops: Operations, c: Case, x: Tensor) => Tensor;
const run: Run = (ops, c, x) => (c.op === 'resize' ? ops.resize(x, c.options as never)
  : ops[c.op](x, c.size!, c.options as never));

function check(name: string, got: Tensor, want: Tensor, isExact: boolean): void {
  expect(got.shape, name).toEqual(want.shape);
  for (let i = 0; i < want.data.length; i++) {
    const [g, w] = [got.data[i], want.data[i]];
    if (isExact ? !Object.is(g, w) : !(Math.abs(g - w) <= 1e-5 * Math.max(1, Math.abs(w)))) {
      expect.fail(`${name}: element ${i} is ${g}, expected ${w}`);
    }
  }
}

const cases = [...load('resize-onnx.json'), ...load('resize-tf.json')];
const backends: Array<{ name: string; ops: () => Operations }> = [];
let simd: Operations;
let scalar: Operations;
beforeAll(async () => {
  [simd, scalar] = await Promise.all([up.createOperations({ build: 'simd' }), up.createOperations({ build: 'scalar' })]);
});
backends.push({ name: 'js', ops: () => up.js }, { name: 'wasm-simd', ops: () => simd }, { name: 'wasm-scalar', ops: () => scalar });

describe.each(backends)('$name', ({ ops }) => {
  it('has the fixtures of both oracles', () => {
    expect(cases.filter((c) => c.op === 'resize').length).toBeGreaterThan(1000);
    expect(cases.filter((c) => c.op !== 'resize').length).toBeGreaterThan(100);
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const x = decode(c.inputs.input);
    if (c.error) {
      expect(() => run(ops(), c, x)).toThrow(errorClass(c.error.type));
      return;
    }
    const want = decode(c.expected!);
    check(c.name, run(ops(), c, x), want, exact(c));
    // Into a caller's out, the same values.
    const out = { data: new (want.data.constructor as Float32ArrayConstructor)(want.data.length).fill(NaN), shape: want.shape };
    const opts = { ...c.options, out };
    const into = c.op === 'resize' ? ops().resize(x, opts as never) : ops()[c.op](x, c.size!, opts as never);
    expect(into).toBe(out);
    check(`${c.name} (out)`, into, want, exact(c));
  });
});

describe('the pool', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await up.createPool({ threads: 2 });
    // These calls are small: cut over both workers, or they would run on the calling thread.
    Object.assign((pool as unknown as { sizing: Sizing }).sizing, SPLIT_ALL);
  });
  afterAll(() => pool.close());
  it('gives the synchronous API\'s bits on a sample of every kind, and rejects refusals', async () => {
    await up.init();
    const sample = cases.filter((_, i) => i % 15 === 0);
    for (const c of sample) {
      const x = decode(c.inputs.input);
      const call = (): Promise<Tensor> => (c.op === 'resize' ? pool.resize(x, c.options as never) : pool[c.op](x, c.size!, c.options as never));
      if (c.error) {
        await expect(call(), c.name).rejects.toThrow(errorClass(c.error.type));
        continue;
      }
      const [got, want] = [await call(), run(up as unknown as Operations, c, x)];
      expect(got.shape).toEqual(want.shape);
      expect(Buffer.from(got.data.buffer).equals(Buffer.from(want.data.buffer)), c.name).toBe(true);
    }
  });
  it('gives the reference\'s integers for every integer linear / cubic case (float64 plans)', async () => {
    const wide = cases.filter((c) => c.inputs.input.dtype && !c.error && c.op === 'resize' && ['linear', 'cubic'].includes(c.options.mode as string));
    expect(wide.length).toBeGreaterThanOrEqual(13);
    for (const c of wide) {
      const got = await pool.resize(decode(c.inputs.input), c.options as never);
      expect(Array.from(got.data), c.name).toEqual(Array.from(decode(c.expected!).data));
    }
  });
});

describe('refusals name the argument', () => {
  it('before any work', () => {
    const x = { data: new Float32Array(8), shape: [1, 1, 2, 4] };
    expect(() => up.js.resize(x, { sizes: [1, 1, 4, 8], scales: [1, 1, 2, 2] })).toThrow(/sizes|scales/);
    expect(() => up.js.resize(x, { scales: [1, 1, 2, 2], mode: 'area' as never })).toThrow(/mode/);
    expect(() => up.js.resize(x, { scales: [2, 2], axes: [2, 2] })).toThrow(/axes/);
    expect(() => up.js.resize(x, { scales: [2], axes: [4] })).toThrow(/axes/);
    expect(() => up.js.resize(x, { scales: [1, 1, 2, 2], coordinateTransformationMode: 'tf_crop_and_resize', roi: [0, 1] })).toThrow(/roi/);
    expect(() => up.js.resizeBilinear(x, [4, 8], { alignCorners: true, halfPixelCenters: true })).toThrow(/halfPixelCenters/);
    expect(() => up.js.resizeBilinear({ data: new Float32Array(4), shape: [4] }, [4, 8])).toThrow(RangeError);
    expect(() => up.js.resize(x, { scales: [1, 1, 2, 2], out: { data: new Float32Array(3), shape: [3] } })).toThrow(/out has shape/);
  });
});
