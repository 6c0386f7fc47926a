// resizeBilinear / resizeNearestNeighbor against TensorFlow 2.21 itself (test/fixtures/
// resize-tf-oracle.json, written by scripts/fixtures/fuzz_tf.py --fixture): every data type the
// API takes, `dims` tensors, rank 3 and 4, NaN, the float32-coordinate picks on int32 ids beyond
// 2^24, tf.image.resize, refusals; on the SIMD and scalar builds, `js` and the pool. Nearest is
// bit-exact; float32 bilinear within 1e-5 * max(1, |expected|); integer bilinear (TensorFlow
// returns float32, we the input's type) is TensorFlow's value rounded half to even and saturated,
// or the rounding of a value within that tolerance of it (float32 noise across a .5).

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as up from '../dist/index.js';
import type { Operations, Pool, Tensor } from '../dist/index.js';

interface Case {
  name: string;
  op: 'resizeBilinear' | 'resizeNearestNeighbor';
  dtype: keyof typeof CTORS;
  shape: number[];
  size: [number, number];
  options: Record<string, boolean>;
  dims: boolean;
  data: string;
  expected?: { dtype: string; shape: number[]; data: string };
  error?: string;
  deviation?: 'infinity';
}

const CTORS = {
  float32: Float32Array, uint8: Uint8Array, uint8clamped: Uint8ClampedArray, int8: Int8Array,
  uint16: Uint16Array, int16: Int16Array, int32: Int32Array,
};
type Ctor = (typeof CTORS)[keyof typeof CTORS];
const RANGE: Record<string, [number, number]> = {
  uint8: [0, 255], uint8clamped: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767], int32: [-(2 ** 31), 2 ** 31 - 1],
};
const cases: Case[] = JSON.parse(readFileSync(new URL('./fixtures/resize-tf-oracle.json', import.meta.url), 'utf8')).cases;
const typed = (b64: string, C: Ctor): ArrayLike<number> => {
  const b = Buffer.from(b64, 'base64');
  return new C(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const input = (c: Case): Tensor => {
  const data = typed(c.data, CTORS[c.dtype]) as Tensor['data'];
  return (c.dims ? { data, dims: c.shape.slice() } : { data, shape: c.shape.slice() }) as unknown as Tensor;
};
/** Our integer rule on a float: round half to even, saturate. */
function narrow(v: number, dtype: string): number {
  const [lo, hi] = RANGE[dtype];
  let r = Math.round(v);
  if (Math.abs(v % 1) === 0.5 && r % 2 !== 0) r -= 1;
  return Math.min(hi, Math.max(lo, r)) + 0;
}

/** Where `got` differs from TensorFlow beyond the tolerances (null: it agrees). */
function mismatch(c: Case, got: Tensor): string | null {
  const e = c.expected!;
  if (JSON.stringify(got.shape) !== JSON.stringify(e.shape)) return `shape ${JSON.stringify(got.shape)}, TF ${JSON.stringify(e.shape)}`;
  if (!(got.data instanceof CTORS[c.dtype])) return `result is ${got.data.constructor.name}, input ${c.dtype}`;
  const want = typed(e.data, e.dtype === 'float32' ? Float32Array : CTORS[e.dtype as keyof typeof CTORS]);
  const ints = c.dtype !== 'float32';
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got.data[i], want[i]];
    if (c.op === 'resizeNearestNeighbor' || (!ints && (Number.isNaN(w) || !Number.isFinite(w)))) {
      if (Object.is(g, w)) continue;
      if (c.deviation === 'infinity' && Number.isNaN(w) && Math.abs(g) === Infinity) continue;
      return `element ${i} is ${g}, TF ${w}`;
    }
    const tol = 1e-5 * Math.max(1, Math.abs(w));
    if (ints ? g >= narrow(w - tol, c.dtype) && g <= narrow(w + tol, c.dtype) : Math.abs(g - w) <= tol) continue;
    return `element ${i} is ${g}, TF ${w}`;
  }
  return null;
}

let simd: Operations;
let scalar: Operations;
let pool: Pool;
beforeAll(async () => {
  [simd, scalar, pool] = await Promise.all([up.createOperations({ build: 'simd' }), up.createOperations({ build: 'scalar' }), up.createPool({ threads: 2 })]);
});
afterAll(() => pool.close());

describe.each([['js'], ['wasm-simd'], ['wasm-scalar']])('%s against TensorFlow 2.21', (name) => {
  const ops = (): Operations => (name === 'js' ? up.js : name === 'wasm-simd' ? simd : scalar);
  it('has the fixtures', () => expect(cases.length).toBeGreaterThan(60));
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const call = (): Tensor => ops()[c.op](input(c), c.size.slice() as [number, number], { ...c.options });
    if (c.error) {
      expect(call, c.error).toThrow();
      return;
    }
    expect(mismatch(c, call()), c.name).toBeNull();
  });
});

describe('the pool against TensorFlow 2.21', () => {
  it('agrees on every case and rejects the refusals', async () => {
    for (const c of cases) {
      const call = (): Promise<Tensor> => pool[c.op](input(c), c.size.slice() as [number, number], { ...c.options });
      if (c.error) await expect(call(), c.name).rejects.toThrow();
      else expect(mismatch(c, await call()), c.name).toBeNull();
    }
  });
});

describe('the documented infinity deviation', () => {
  it('is still there: TensorFlow gives NaN where we keep an infinity', () => {
    const c = cases.find((k) => k.deviation === 'infinity')!;
    const want = typed(c.expected!.data, Float32Array);
    const got = up.js[c.op](input(c), c.size, c.options);
    let kept = 0;
    for (let i = 0; i < want.length; i++) if (Number.isNaN(want[i]) && got.data[i] === Infinity) kept++;
    expect(kept).toBeGreaterThan(0);
  });
});
