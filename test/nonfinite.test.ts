// NaN and Infinity inside the data propagate exactly as PyTorch 1.13 propagates them
// (scripts/fixtures/nonfinite.py): NaN where PyTorch gives NaN, the same infinities, and the
// finite values within the usual tolerance. On the SIMD build, the scalar build and plain JS.
// Sums that overflow float32 on the way give the same Infinity and NaN on every backend (plain
// JS rounds to float32 where the kernels do), and copying operations keep NaN payloads.

import { beforeAll, describe, expect, it } from 'vitest';
import { backends, clone, expectClose, loadFixtures, type FixtureCase } from './helpers.js';
import { createOperations, js, type Operations, type Tensor } from '../src/index.js';

const cases = loadFixtures('nonfinite');

function run(ops: Operations, c: FixtureCase): Tensor {
  const { input, weight, bias } = c.inputs;
  switch (c.op) {
    case 'interpolate': return ops.interpolate(input, c.options);
    case 'pixelShuffle': return ops.pixelShuffle(input, c.options.upscaleFactor as number);
    case 'pixelUnshuffle': return ops.pixelUnshuffle(input, c.options.downscaleFactor as number);
    default: return (ops[c.op as 'conv2d'])(input, weight, { ...c.options, bias });
  }
}

const tolerance = (c: FixtureCase): number =>
  c.op.startsWith('pixel') ? 0 : c.op.startsWith('conv') ? 1e-4 : ['nearest', 'nearest-exact'].includes(c.options.mode as string) ? 0 : 1e-5;

describe.each(backends)('NaN and Infinity on $name', (backend) => {
  beforeAll(() => backend.setup());

  it('the fixtures hold NaN, +Inf and -Inf in their expected results', () => {
    const all = cases.flatMap((c) => Array.from(c.expected!.data));
    expect(all.some(Number.isNaN)).toBe(true);
    expect(all.includes(Infinity) && all.includes(-Infinity)).toBe(true);
  });

  const check = (c: FixtureCase) => {
    const before = Object.values(c.inputs).map(clone);
    const result = run(backend.ops, c);
    expectClose(result, c.expected!, tolerance(c));
    expect(Object.values(c.inputs)).toEqual(before);
  };
  it.each(cases)('$name', check);
});

describe('finding non-finite weights (the exact scatter path for transposed convolutions)', () => {
  it('sees one NaN, +Inf or -Inf at any position, and no extreme finite value', async () => {
    const { hasNonFinite } = await import('../src/conv/plan.js');
    const finite = [0, -0, 1, -3.5, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -1e-45];
    for (let n = 0; n <= 11; n++) {
      const values = Float32Array.from({ length: n }, (_, i) => finite[i % finite.length]);
      expect(hasNonFinite(values), `length ${n}, all finite`).toBe(false);
      for (let at = 0; at < n; at++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const v = values.slice();
          v[at] = bad;
          expect(hasNonFinite(v), `length ${n}, ${bad} at ${at}`).toBe(true);
        }
      }
    }
  });
});

const FLT_MAX = 3.4028234663852886e38;
const HUGE = [FLT_MAX, -FLT_MAX, 0.9 * FLT_MAX, -0.7 * FLT_MAX, 1, -2];

/** A tensor of HUGE values (times `scale`) in a seeded order. */
function huge(shape: number[], seed: number, scale = 1): Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = HUGE[s % HUGE.length] * scale;
  }
  return { data, shape };
}

/**
 * Calls whose float32 sums overflow on the way, in orders PyTorch does not share (its bicubic and
 * conv2d sum in another order, so its Infinity and NaN can sit elsewhere: README, Reliability).
 * The PyTorch fixtures above cover the orders it shares.
 */
const overflowCalls: Array<[string, (ops: Operations) => Tensor]> = [
  ['interpolate bicubic 2x', (o) => o.interpolate(huge([2, 3, 6, 7], 1), { scaleFactor: 2, mode: 'bicubic' })],
  ['interpolate bicubic 1.7 alignCorners', (o) => o.interpolate(huge([1, 2, 5, 9], 2), { scaleFactor: 1.7, mode: 'bicubic', alignCorners: true })],
  ['resize cubic 3 axes', (o) => o.resize(huge([1, 3, 6, 7], 3), { scales: [1, 2, 1.5, 2.5], mode: 'cubic' })],
  ['conv2d padding 1', (o) => o.conv2d(huge([2, 3, 6, 7], 4), huge([6, 3, 3, 3], 5, 2 / FLT_MAX), { padding: 1 })],
  ['conv2d depthwise, bias', (o) => o.conv2d(huge([1, 4, 6, 6], 6), huge([4, 1, 3, 3], 7, 2 / FLT_MAX), { groups: 4, bias: huge([4], 8).data })],
  ['conv1d stride 2', (o) => o.conv1d(huge([1, 5, 17], 9), huge([7, 5, 3], 10, 2 / FLT_MAX), { stride: 2 })],
  ['conv3d', (o) => o.conv3d(huge([1, 2, 4, 5, 5], 11), huge([5, 2, 2, 2, 2], 12, 2 / FLT_MAX))],
  ['convTranspose2d stride 2', (o) => o.convTranspose2d(huge([1, 3, 5, 6], 13), huge([3, 5, 4, 4], 14, 2 / FLT_MAX), { stride: 2, padding: 1 })],
];

/** Both Infinity-or-NaN where the other is, and the same bits elsewhere (NaN payloads of arithmetic are the engine's). */
function differing(a: Float32Array, b: Float32Array): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!(Number.isNaN(a[i]) ? Number.isNaN(b[i]) : ua[i] === ub[i])) n++;
  return n;
}

const kind = (v: number): string => (Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? 'finite' : String(v));

describe('sums that overflow float32 on the way', () => {
  it.each(overflowCalls)('%s: plain JS gives the scalar build\'s values, Infinity and NaN included; the SIMD build the same Infinity and NaN', async (_, run) => {
    const [scalar, simd] = [await createOperations({ build: 'scalar' }), await createOperations({ build: 'simd' })];
    const expected = run(scalar).data;
    const nonFinite = expected.filter((v) => !Number.isFinite(v)).length;
    expect(nonFinite, 'the case overflows').toBeGreaterThan(expected.length / 10);
    expect(differing(run(js).data, expected), 'js').toBe(0);
    const vector = run(simd).data;
    expect(vector.filter((v, i) => kind(v) !== kind(expected[i])).length, 'simd').toBe(0);
  });
});

/** Signalling and quiet NaNs of both signs with payloads, among ordinary values. */
const PAYLOADS = [0x7f800001, 0x7fa00005, 0xffbfffff, 0x7fc00000, 0xffc12345, 0x7fc00001, 0x7f812345, 0xff800001];

/**
 * Copying operations, each run on the payload tensor and on a tensor of element indices: the
 * second says which input element each output copies, so the first must hold its exact bits.
 */
const copyingCalls: Array<[string, number[], (ops: Operations, x: Tensor) => Tensor]> = [
  ['interpolate nearest 2x', [1, 3, 5, 6], (o, x) => o.interpolate(x, { scaleFactor: 2, mode: 'nearest' })],
  ['interpolate nearest down', [1, 3, 5, 6], (o, x) => o.interpolate(x, { size: [3, 4], mode: 'nearest' })],
  ['interpolate nearest same size', [1, 3, 5, 6], (o, x) => o.interpolate(x, { size: [5, 6], mode: 'nearest' })],
  ['interpolate nearest-exact 1.5x', [1, 3, 5, 6], (o, x) => o.interpolate(x, { scaleFactor: 1.5, mode: 'nearest-exact' })],
  ['interpolate nearest 1-D', [2, 3, 11], (o, x) => o.interpolate(x, { size: 17, mode: 'nearest' })],
  ['interpolate nearest-exact 3-D', [1, 2, 3, 4, 5], (o, x) => o.interpolate(x, { size: [5, 3, 7], mode: 'nearest-exact' })],
  ['pixelShuffle 2', [1, 8, 3, 4], (o, x) => o.pixelShuffle(x, 2)],
  ['pixelUnshuffle 2', [1, 2, 4, 6], (o, x) => o.pixelUnshuffle(x, 2)],
  ['resize nearest', [1, 3, 5, 6], (o, x) => o.resize(x, { scales: [1, 1, 2, 1.5], mode: 'nearest' })],
  ['resize identity', [1, 3, 5, 6], (o, x) => o.resize(x, { scales: [1, 1, 1, 1] })],
  ['resizeNearestNeighbor', [1, 5, 6, 3], (o, x) => o.resizeNearestNeighbor(x, [9, 4])],
];

describe.each(backends)('NaN payloads through copying operations on $name', (backend) => {
  beforeAll(() => backend.setup());

  it.each(copyingCalls)('%s keeps every bit', (_, shape, run) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const bits = Uint32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? PAYLOADS[(i / 3) % PAYLOADS.length] : 0x3f800000 + i));
    const source = run(backend.ops, { data: Float32Array.from({ length: n }, (_, i) => i), shape }).data;
    const result = run(backend.ops, { data: new Float32Array(bits.buffer), shape }).data;
    const got = new Uint32Array(result.buffer, result.byteOffset, result.length);
    let wrong = 0;
    for (let o = 0; o < got.length; o++) if (got[o] !== bits[source[o]]) wrong++;
    expect(wrong, `${wrong} of ${got.length} outputs`).toBe(0);
  });
});
