// convTranspose{1,2,3}d and conv{1,2,3}d against PyTorch 1.13 fixtures (scripts/fixtures/conv.py),
// on the SIMD build, the scalar build and plain JS; the seed's examples; the shape helpers; and
// bilinearUpsampleWeights against bilinear interpolation.

import { beforeAll, describe, expect, it } from 'vitest';
import { backends, clone, expectClose, loadFixtures, type FixtureCase } from './helpers.js';
import * as up from '../src/index.js';
import { seedConvTransposeMatches, seedConvTransposeTable } from '../src/demo/conv.js';
import type { Tensor } from '../src/index.js';

const all = loadFixtures('conv');
const cases = all.filter((c) => c.op.startsWith('conv'));
const TOLERANCE = 1e-4;
const ERRORS: Record<string, ErrorConstructor> = { TypeError, RangeError, Error };

type ConvOp = (input: Tensor, weight: Tensor, options?: Record<string, unknown>) => Tensor;

/** The case's options with its bias: a Tensor for even cases, a bare Float32Array for odd ones. */
function optionsOf(c: FixtureCase, index: number): Record<string, unknown> {
  const options: Record<string, unknown> = { ...c.options };
  if (c.inputs.bias) options.bias = index % 2 === 0 ? c.inputs.bias : c.inputs.bias.data;
  return options;
}

/** Asserts that f throws exactly `cls` (not a subclass) with a message containing `phrase`. */
export function expectThrowsExactly(f: () => unknown, cls: ErrorConstructor, phrase?: string): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a throw').toBeInstanceOf(Error);
  expect((error as Error).constructor.name).toBe(cls.name);
  if (phrase !== undefined) expect((error as Error).message).toContain(phrase);
}

/** The seed's first example: the 4x4 ramp 1..16 on 8 channels, every weight 2, k=4 s=2 p=1. */
const SEED_RAMP: Tensor = { data: new Float32Array(8 * 16).map((_, i) => (i % 16) + 1), shape: [1, 8, 4, 4] };
const SEED_FIRST_CHANNEL = [
  16, 48, 48, 80, 80, 112, 112, 64,
  96, 224, 224, 288, 288, 352, 352, 192,
  96, 224, 224, 288, 288, 352, 352, 192,
  224, 480, 480, 544, 544, 608, 608, 320,
  224, 480, 480, 544, 544, 608, 608, 320,
  352, 736, 736, 800, 800, 864, 864, 448,
  352, 736, 736, 800, 800, 864, 864, 448,
  208, 432, 432, 464, 464, 496, 496, 256,
];
const twos = (shape: number[]): Tensor => ({ data: new Float32Array(shape.reduce((a, b) => a * b)).fill(2), shape });

/** Small integers (-2..2) in a pattern: sums of their products are exact in float32. */
const integers = (shape: number[], step: number): Tensor =>
  ({ data: new Float32Array(shape.reduce((a, b) => a * b)).map((_, i) => ((i * step) % 5) - 2), shape });

/** 2-D convolution or transposed convolution by its definition (stride, padding, groups only). */
function direct2d(transposed: boolean, x: Tensor, w: Tensor, o: { stride?: number; padding?: number; groups?: number }): Tensor {
  const [n, cin, h, wd] = x.shape, [a, b, kh, kw] = w.shape;
  const s = o.stride ?? 1, p = o.padding ?? 0, groups = o.groups ?? 1;
  const cout = transposed ? b * groups : a, gin = cin / groups, gout = cout / groups;
  const oh = transposed ? (h - 1) * s - 2 * p + kh : Math.floor((h + 2 * p - kh) / s) + 1;
  const ow = transposed ? (wd - 1) * s - 2 * p + kw : Math.floor((wd + 2 * p - kw) / s) + 1;
  const y = new Float32Array(n * cout * oh * ow);
  // Transposed: input (i, j) scatters to (i*s - p + t, j*s - p + u). Otherwise output (i, j) reads
  // input (i*s - p + t, j*s - p + u). Either way (i, j) runs over the grid the stride applies to.
  const [gh, gw] = transposed ? [h, wd] : [oh, ow];
  for (let b0 = 0; b0 < n; b0++) for (let ci = 0; ci < cin; ci++) for (let k = 0; k < gout; k++) {
    const co = Math.floor(ci / gin) * gout + k;
    for (let i = 0; i < gh; i++) for (let j = 0; j < gw; j++) for (let t = 0; t < kh; t++) for (let u = 0; u < kw; u++) {
      const [yi, yj] = transposed ? [i * s - p + t, j * s - p + u] : [i, j];
      const [xi, xj] = transposed ? [i, j] : [i * s - p + t, j * s - p + u];
      if (yi < 0 || yj < 0 || yi >= oh || yj >= ow || xi < 0 || xj < 0 || xi >= h || xj >= wd) continue;
      const wv = w.data[((transposed ? ci * gout + k : co * gin + (ci % gin)) * kh + t) * kw + u];
      y[((b0 * cout + co) * oh + yi) * ow + yj] += wv * x.data[((b0 * cin + ci) * h + xi) * wd + xj];
    }
  }
  return { data: y, shape: [n, cout, oh, ow] };
}

describe.each(backends)('conv on $name', (backend) => {
  beforeAll(() => backend.setup());
  const op = (name: string): ConvOp => backend.ops[name as 'conv2d'] as unknown as ConvOp;

  it.each(cases.filter((c) => c.expected).map((c, i) => ({ ...c, index: i })))('$name', (c) => {
    const before = [c.inputs.input, c.inputs.weight, c.inputs.bias].filter(Boolean).map((t) => clone(t!));
    const result = op(c.op)(c.inputs.input, c.inputs.weight, optionsOf(c, c.index));
    expectClose(result, c.expected!, TOLERANCE);
    const after = [c.inputs.input, c.inputs.weight, c.inputs.bias].filter(Boolean);
    after.forEach((t, i) => expect(t).toEqual(before[i]));
  });

  it.each(cases.filter((c) => c.error))('refuses: $name', (c) => {
    expectThrowsExactly(() => op(c.op)(c.inputs.input, c.inputs.weight, optionsOf(c, 0)),
      ERRORS[(c as FixtureCase & { jsError: string }).jsError], (c as FixtureCase & { jsMessage?: string }).jsMessage);
  });

  it('seed example: 4x4 ramp, 8 channels, weights 2, k=4 s=2 p=1 gives the 8x8 table', () => {
    const y = op('convTranspose2d')(SEED_RAMP, twos([8, 8, 4, 4]), { stride: 2, padding: 1 });
    expect(y.shape).toEqual([1, 8, 8, 8]);
    for (let c = 0; c < 8; c++) expect(Array.from(y.data.subarray(c * 64, c * 64 + 64))).toEqual(SEED_FIRST_CHANNEL);
  });

  it('seed example: k=3 s=2 p=1 dilation=2 gives a 9x9 output equal to PyTorch', () => {
    const y = op('convTranspose2d')(SEED_RAMP, twos([8, 8, 3, 3]), { stride: 2, padding: 1, dilation: 2 });
    expect(y.shape).toEqual([1, 8, 9, 9]);
    const expected = cases.find((c) => c.name === 'seed k3 s2 p1 d2 ramp 8ch')!.expected!;
    expectClose(y, expected, 0);
    // Even rows and columns receive no tap (every tap lands on odd outputs).
    expect(y.data[0]).toBe(0);
    expect(y.data[10]).toBe(224);
  });

  it("the `npm start` seed table reports both examples matching", () => {
    expect(seedConvTransposeMatches(backend.ops)).toBe(true);
    const table = seedConvTransposeTable(backend.ops);
    expect(table).toContain('| k=4, s=2, p=1 | [1, 8, 8, 8] | 8 | 9 | yes |');
    expect(table).toContain('| k=3, s=2, p=1, dilation=2 | [1, 8, 9, 9] | 9 | 9 | yes |');
    expect(table).toContain(' 352 736 736 800 800 864 864 448');
  });

  // K >= 256 with 8+ channels a group: the SIMD builds pack each pixel tile's x into a panel
  // (assembly/conv.ts); integer data keeps every sum exact, so any summation order must match.
  it.each([
    ['convTranspose2d', [1, 64, 5, 11], [64, 10, 4, 4], { stride: 2, padding: 1 }],
    ['convTranspose2d', [1, 128, 4, 9], [128, 8, 4, 4], { stride: 2, groups: 2 }],
    ['conv2d', [1, 32, 7, 13], [9, 32, 3, 3], { padding: 1 }],
  ] as const)('large K (x packed in panels): %s %j weight %j', (name, inShape, wShape, options) => {
    const x = integers([...inShape], 7), w = integers([...wShape], 3);
    expectClose(op(name)(x, w, { ...options }), direct2d(name === 'convTranspose2d', x, w, options), 0);
  });

  it('writes into `out` and returns it (and reuses it across calls)', () => {
    const c = cases.find((k) => k.name === 'convT2d W4-like c8->8 k4 s2 p1 bias')!;
    const out = { data: new Float32Array(c.expected!.data.length).fill(NaN), shape: c.expected!.shape.slice() };
    for (let i = 0; i < 2; i++) {
      const result = op(c.op)(c.inputs.input, c.inputs.weight, { ...optionsOf(c, 0), out });
      expect(result).toBe(out);
      expectClose(out, c.expected!, TOLERANCE);
    }
    const d = cases.find((k) => k.name === 'conv2d ESPCN-like c8->12 k3 p1')!;
    const out2 = { data: new Float32Array(d.expected!.data.length).fill(NaN), shape: d.expected!.shape.slice() };
    expect(op(d.op)(d.inputs.input, d.inputs.weight, { ...optionsOf(d, 0), out: out2 })).toBe(out2);
    expectClose(out2, d.expected!, TOLERANCE);
  });

  it('refuses a wrong `out` before writing anything, and stays usable', () => {
    const c = cases.find((k) => k.name === 'convT2d W4-like c8->8 k4 s2 p1 bias')!;
    const out = { data: new Float32Array(c.expected!.data.length).fill(7), shape: [2, 8, 12, 10] };
    expectThrowsExactly(() => op(c.op)(c.inputs.input, c.inputs.weight, { ...optionsOf(c, 0), out }), RangeError, 'out has shape');
    expect(out.data.every((v) => v === 7)).toBe(true);
    expectClose(op(c.op)(c.inputs.input, c.inputs.weight, optionsOf(c, 0)), c.expected!, TOLERANCE);
  });

  it('refuses `out` sharing memory with the input', () => {
    const buffer = new Float32Array(1 * 2 * 6 * 6 + 2 * 2 * 3 * 3);
    const input = { data: buffer.subarray(0, 2 * 3 * 3), shape: [1, 2, 3, 3] };
    const out = { data: buffer.subarray(0, 2 * 6 * 6), shape: [1, 2, 6, 6] };
    const weight = twos([2, 2, 2, 2]);
    expectThrowsExactly(() => op('convTranspose2d')(input, weight, { stride: 2, out }), Error, 'share memory');
    const bias = new Float32Array(2 * 6 * 6);
    const out2 = { data: new Float32Array(bias.buffer, 8, 2 * 5 * 6), shape: [1, 2, 5, 6] };
    expectThrowsExactly(() => op('convTranspose2d')({ data: new Float32Array(2 * 9), shape: [1, 2, 3, 3] }, weight,
      { stride: 2, padding: [1, 0], outputPadding: [1, 0], bias: bias.subarray(1, 3), out: out2 }), Error, 'share memory');
  });

  it('refuses wrong types with TypeError', () => {
    const x = { data: new Float32Array(2 * 9), shape: [1, 2, 3, 3] };
    const w = twos([2, 2, 3, 3]);
    expectThrowsExactly(() => op('convTranspose2d')(x, w, { strides: 2 }), TypeError, "unknown option 'strides'");
    expectThrowsExactly(() => op('conv2d')(x, w, { outputPadding: 1 }), TypeError, "unknown option 'outputPadding'");
    expectThrowsExactly(() => op('convTranspose2d')(x, w, { padding: 'same' }), TypeError, 'padding');
    expectThrowsExactly(() => op('conv2d')(x, w, { stride: '2' }), TypeError, 'stride');
    expectThrowsExactly(() => op('conv2d')(x, w, { groups: '1' }), TypeError, 'groups');
    expectThrowsExactly(() => op('conv2d')(x, w, { bias: [1, 2] }), TypeError, 'bias');
    expectThrowsExactly(() => op('conv2d')({ data: [1, 2], shape: [2] } as unknown as Tensor, w), TypeError, 'Float32Array');
    expectThrowsExactly(() => op('conv2d')(x, null as unknown as Tensor), TypeError, 'weight');
    expectThrowsExactly(() => op('convTranspose2d')(x, w, { outputSize: 6 }), TypeError, 'outputSize');
    expectThrowsExactly(() => op('conv2d')(x, w, 3 as unknown as Record<string, unknown>), TypeError, 'options');
    expectThrowsExactly(() => op('conv2d')(x, w, { stride: 1.5 }), RangeError, 'stride');
  });

  it('runs a 1x1 input, a single output channel and long rows (SIMD tails)', () => {
    // Checked against the definition: out[co, o] = b[co] + sum w[ci, co, t] x[ci, i] over o = i*s - p + t*d.
    const x = { data: new Float32Array(3 * 29).map((_, i) => Math.sin(i)), shape: [1, 3, 29] };
    const w = { data: new Float32Array(3 * 1 * 4).map((_, i) => Math.cos(i)), shape: [3, 1, 4] };
    const y = op('convTranspose1d')(x, w, { stride: 3, padding: 2, dilation: 2, bias: new Float32Array([0.5]) });
    const n = (29 - 1) * 3 - 4 + 2 * 3 + 1;
    expect(y.shape).toEqual([1, 1, n]);
    const ref = new Float64Array(n).fill(0.5);
    for (let ci = 0; ci < 3; ci++) {
      for (let i = 0; i < 29; i++) {
        for (let t = 0; t < 4; t++) {
          const o = i * 3 - 2 + t * 2;
          if (o >= 0 && o < n) ref[o] += w.data[ci * 4 + t] * x.data[ci * 29 + i];
        }
      }
    }
    expectClose(y, { data: Float32Array.from(ref), shape: [1, 1, n] }, TOLERANCE);
  });
});

describe('shape helpers', () => {
  it('convTransposeOutputShape / convOutputShape agree with every fixture result', () => {
    for (const c of cases.filter((k) => k.expected)) {
      const helper = c.op.startsWith('convTranspose') ? up.convTransposeOutputShape : up.convOutputShape;
      expect(helper(c.inputs.input.shape, c.inputs.weight.shape, c.options), c.name).toEqual(c.expected!.shape);
    }
  });

  it('refuse what the operations refuse (shape-only refusals)', () => {
    for (const c of cases.filter((k) => k.error)) {
      const helper = c.op.startsWith('convTranspose') ? up.convTransposeOutputShape : up.convOutputShape;
      const options = { ...c.options } as Record<string, unknown>;
      if (c.inputs.bias) options.bias = c.inputs.bias;
      expect(() => helper(c.inputs.input.shape, c.inputs.weight.shape, options), c.name).toThrow();
    }
  });

  it("uses the right dilation formula, not the seed's", () => {
    // (in-1)*stride - 2*padding + dilation*(k-1) + outputPadding + 1
    expect(up.convTransposeOutputShape([1, 8, 4, 4], [8, 8, 3, 3], { stride: 2, padding: 1, dilation: 2 })).toEqual([1, 8, 9, 9]);
    // The seed's (in-1)*stride + k + outputPadding + dilation - 2*padding says 6 + 3 + 0 + 2 - 2 = 9 here (it agrees
    // because (dilation-1)*(k-2) = 1), but 11 for k=4, dilation=3, where PyTorch gives 14:
    const seed = (n: number, s: number, k: number, p: number, d: number, op = 0) => (n - 1) * s + k + op + d - 2 * p;
    expect(seed(4, 2, 3, 1, 2)).toBe(9);
    expect(up.convTransposeOutputShape([1, 1, 4], [1, 1, 4], { stride: 2, padding: 1, dilation: 3 })).toEqual([1, 1, 14]);
    expect(seed(4, 2, 4, 1, 3)).toBe(11);
    expect(up.convTransposeOutputShape([2, 3, 5], [3, 4, 2], { stride: 3 })).toEqual([2, 4, 14]);
    expect(up.convOutputShape([1, 3, 10, 10], [6, 3, 4, 4], { padding: 'same' })).toEqual([1, 6, 10, 10]);
    expect(up.convOutputShape([3, 10, 11], [6, 3, 3, 3], { stride: 2 })).toEqual([6, 4, 5]);
  });
});

describe.each(backends)('bilinearUpsampleWeights on $name', (backend) => {
  beforeAll(() => backend.setup());

  it('builds the classic kernel', () => {
    const w = up.bilinearUpsampleWeights(3, 2);
    expect(w.shape).toEqual([3, 1, 4, 4]);
    const row = [0.25, 0.75, 0.75, 0.25];
    expect(Array.from(w.data.subarray(0, 16))).toEqual(row.flatMap((a) => row.map((b) => a * b)));
    expect(up.bilinearUpsampleWeights(1, 3).shape).toEqual([1, 1, 5, 5]);
    expect(Array.from(up.bilinearUpsampleWeights(1, 3).data.subarray(10, 15)).map((v) => Math.round(v * 9))).toEqual([3, 6, 9, 6, 3]);
    expect(() => up.bilinearUpsampleWeights(0, 2)).toThrow(RangeError);
    expect(() => up.bilinearUpsampleWeights(2, 1.5)).toThrow(RangeError);
  });

  it.each([2, 3, 4, 5])('convTranspose2d with it equals bilinear interpolation (alignCorners false) inside, factor %i', (f) => {
    const channels = 3;
    const x: Tensor = { data: new Float32Array(2 * channels * 7 * 9).map((_, i) => Math.sin(i * 0.37) * 3 + Math.cos(i * 0.11)), shape: [2, channels, 7, 9] };
    const w = up.bilinearUpsampleWeights(channels, f);
    const y = backend.ops.convTranspose2d(x, w, { stride: f, padding: Math.ceil((f - 1) / 2), groups: channels });
    const z = backend.ops.interpolate(x, { scaleFactor: f, mode: 'bilinear', alignCorners: false });
    expect(y.shape).toEqual(z.shape);
    const [, , H, W] = y.shape;
    let compared = 0;
    let differs = 0;
    for (let p = 0; p < 2 * channels; p++) {
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          const a = y.data[(p * H + i) * W + j];
          const b = z.data[(p * H + i) * W + j];
          // Interior: both taps of the interpolation lie inside the input.
          if (i >= f && i < H - f && j >= f && j < W - f) {
            expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * 4);
            compared++;
          } else if (Math.abs(a - b) > 1e-4) {
            differs++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
    expect(differs).toBeGreaterThan(0); // the borders differ (zeros vs clamping), so the interior test is meaningful
  });
});

it('the fixtures cover what the issue lists', () => {
  const ok = cases.filter((c) => c.expected);
  const has = (f: (c: FixtureCase) => boolean) => ok.some(f);
  const list = (v: unknown): number[] => (Array.isArray(v) ? v : v === undefined ? [] : [v as number]);
  for (const opName of ['convTranspose1d', 'convTranspose2d', 'convTranspose3d', 'conv1d', 'conv2d', 'conv3d']) {
    expect(has((c) => c.op === opName), opName).toBe(true);
    for (const s of [1, 2, 3]) expect(has((c) => c.op === opName && (list(c.options.stride).includes(s) || (s === 1 && c.options.stride === undefined))), `${opName} stride ${s}`).toBe(true);
    for (const g of [2, 4]) expect(has((c) => c.op === opName && c.options.groups === g), `${opName} groups ${g}`).toBe(true);
    expect(has((c) => c.op === opName && list(c.options.dilation).some((d) => d > 1)), `${opName} dilation`).toBe(true);
    expect(has((c) => c.op === opName && !!c.inputs.bias), `${opName} bias`).toBe(true);
    expect(has((c) => c.op === opName && c.inputs.input.shape[0] > 1 && c.inputs.input.shape.length === Number(opName.at(-2)) + 2), `${opName} batch`).toBe(true);
  }
  expect(has((c) => c.op.startsWith('convT') && list(c.options.outputPadding).some((p) => p > 0))).toBe(true);
  expect(has((c) => c.options.outputSize !== undefined)).toBe(true);
  expect(has((c) => c.options.padding === 'same')).toBe(true);
  expect(has((c) => c.options.padding === 'valid')).toBe(true);
  expect(has((c) => new Set(c.inputs.weight.shape.slice(2)).size > 1)).toBe(true);
  expect(cases.filter((c) => c.error).length).toBeGreaterThan(40);
});

it('a stride far above the kernel keeps the padded input small', async () => {
  await up.init({ simd: true });
  const x = { data: new Float32Array([1, 2, 3, 4, 5]), shape: [1, 1, 5] };
  const w = { data: new Float32Array([2]), shape: [1, 1, 1] };
  for (const ops of [up, up.js]) {
    expect(Array.from(ops.conv1d(x, w, { stride: 1e9 }).data)).toEqual([2]);
    expect(Array.from(ops.conv1d(x, w, { stride: 3, padding: 1 }).data)).toEqual([0, 6, 0]);
  }
  expect(up.convOutputShape([1, 1, 5], [1, 1, 1], { stride: 2 ** 30 })).toEqual([1, 1, 1]);
});
