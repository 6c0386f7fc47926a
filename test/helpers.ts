// Shared test plumbing: the committed PyTorch fixtures and the three backends they run on.

import { readFileSync } from 'node:fs';
import { beforeAll, expect } from 'vitest';
import * as up from '../src/index.js';
import type { ImageInput, Operations, Tensor } from '../src/index.js';

export interface FixtureCase {
  name: string;
  op: string;
  inputs: Record<string, Tensor>;
  options: Record<string, unknown>;
  expected?: Tensor;
  error?: { type: string; message: string };
}

interface RawTensor { shape: number[]; data: string }

function decode(raw: RawTensor): Tensor {
  const bytes = Buffer.from(raw.data, 'base64');
  const data = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(data.buffer).set(bytes);
  return { data, shape: raw.shape };
}

/** Loads test/fixtures/<family>.json (written by scripts/fixtures/<family>.py). */
export function loadFixtures(family: string): FixtureCase[] {
  const file = JSON.parse(readFileSync(new URL(`./fixtures/${family}.json`, import.meta.url), 'utf8'));
  return file.cases.map((c: { inputs: Record<string, RawTensor>; expected?: RawTensor }) => ({
    ...c,
    inputs: Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, decode(v)])),
    expected: c.expected && decode(c.expected),
  }));
}

export interface BackendUnderTest {
  name: string;
  ops: Operations & Record<string, unknown>;
  /** Makes this backend the one the package-root operations run on. */
  setup(): Promise<void>;
}

/** The SIMD build, the scalar build and the plain-JS backend. */
export const backends: BackendUnderTest[] = [
  { name: 'wasm-simd', ops: up as unknown as BackendUnderTest['ops'], setup: async () => { expect((await up.init({ simd: true })).simd).toBe(true); } },
  { name: 'wasm-scalar', ops: up as unknown as BackendUnderTest['ops'], setup: async () => { expect((await up.init({ simd: false })).simd).toBe(false); } },
  { name: 'js', ops: up.js as BackendUnderTest['ops'], setup: async () => {} },
];

/**
 * The SIMD and scalar builds (each in an instance of its own, loaded in a beforeAll) and `js`, as
 * [name, get] pairs, for tests that compare an operation with a composition on the same backend.
 * Call at a test file's top level.
 */
export function ownBuilds(): Array<[string, () => Operations]> {
  let simd: Operations;
  let scalar: Operations;
  beforeAll(async () => {
    [simd, scalar] = await Promise.all([up.createOperations({ build: 'simd' }), up.createOperations({ build: 'scalar' })]);
  });
  return [['wasm-simd', () => simd], ['wasm-scalar', () => scalar], ['js', () => up.js]];
}

/** |actual - expected| <= tol * max(1, max|expected|), elementwise, with matching shapes. */
export function expectClose(actual: Tensor, expected: Tensor, relTol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.data.length).toBe(expected.data.length);
  let scale = 1;
  for (const v of expected.data) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const tol = relTol * scale;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i];
    const a = actual.data[i];
    // NaN only matches NaN, and an infinity only itself (a NaN difference must not pass as 0).
    const d = Number.isNaN(e) || Number.isNaN(a) ? (Number.isNaN(a) && Number.isNaN(e) ? 0 : Infinity) : e === a ? 0 : Math.abs(a - e);
    if (d > worst) { worst = d; at = i; }
  }
  if (worst > tol) {
    throw new Error(`max difference ${worst} at element ${at} (got ${actual.data[at]}, expected ${expected.data[at]}) exceeds ${tol}`);
  }
}

/** Exact equality (index-only modes). */
export function expectExact(actual: Tensor, expected: Tensor): void {
  expectClose(actual, expected, 0);
}

/** A deterministic, irregular input (a sine plus a sawtooth), different for each seed. */
export function ramp(shape: number[], seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 3 + ((i * seed) % 7) / 5), shape };
}

/** Elements that are not the same float (Object.is: NaN and -0 too); all of them if the lengths differ. */
export function differingBits(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Math.max(actual.length, expected.length);
  let differ = 0;
  for (let i = 0; i < expected.length; i++) if (!Object.is(actual[i], expected[i])) differ++;
  return differ;
}

/** A deep copy, to check that an operation did not modify its inputs. */
export function clone(t: Tensor): Tensor {
  return { data: t.data.slice(), shape: t.shape.slice() };
}

/**
 * A module-script fragment (for a page or a child process) that, with `up` imported and `pool`
 * created, defines `ramp` and counts in `differ` the output elements where the pool and the
 * synchronous API disagree on bicubic, bilinear and transposed-convolution calls, sized and cut
 * over all workers (with and without the calling thread).
 */
export const POOL_AGREEMENT = `
const ramp = (shape, seed = 1) => ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37 + seed) * 3), shape });
const runs = [
  (o) => o.interpolate(ramp([1, 3, 40, 37]), { scaleFactor: 2, mode: 'bicubic' }),
  (o) => o.interpolate(ramp([2, 5, 12, 10]), { scaleFactor: 2, mode: 'bilinear' }),
  (o) => o.convTranspose2d(ramp([1, 8, 9, 8]), ramp([8, 8, 4, 4], 2), { stride: 2, padding: 1 }),
];
let differ = 0;
for (const split of [undefined, -1, Infinity]) {
  // Sized, these small calls run on the calling thread; then every call is cut over all workers,
  // and over the workers and the calling thread (pool.sizing: internal, absent in the one-thread fallback).
  if (split !== undefined && pool.sizing) Object.assign(pool.sizing, { inlineWork: 0, workerWork: 0, chunkWork: 0, callerWork: split });
  const inFlight = await Promise.all(runs.map((run) => run(pool))); // staged while the others run
  for (const [k, run] of runs.entries()) {
    const a = await run(up), b = await run(pool);
    for (let i = 0; i < a.data.length; i++) if (!Object.is(a.data[i], b.data[i]) || !Object.is(a.data[i], inFlight[k].data[i])) differ++;
  }
}`;

/** A width x height image for band tests: smooth plus noise, alpha varying (Pillow premultiplies RGBA and LA). */
export function noisyImage(width: number, height: number, channels: 1 | 2 | 3 | 4 = 4): ImageInput {
  return {
    data: Uint8ClampedArray.from({ length: width * height * channels }, (_, i) => {
      const p = Math.floor(i / channels);
      return (((p % width) * 3 + Math.floor(p / width) * 5) & 255) ^ ((i * 2654435761) >>> 29);
    }),
    width, height, channels,
  };
}
