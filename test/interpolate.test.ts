// interpolate against PyTorch 1.13 fixtures (scripts/fixtures/interpolate.py), on every backend.

import { beforeAll, describe, expect, it } from 'vitest';
import { backends, clone, expectClose, loadFixtures, ramp, type FixtureCase } from './helpers.js';
import type { InterpolateOptions, Tensor } from '../src/index.js';

const cases = loadFixtures('interpolate');
const TOLERANCE = 1e-5;
/** Modes whose result is a pure copy: exact. (`area` sums in PyTorch's order, but its global mean is a reduction.) */
const EXACT_MODES = new Set([undefined, 'nearest', 'nearest-exact']);

function expectedErrorClass(c: FixtureCase): ErrorConstructor {
  return c.error!.type === 'TypeError' ? TypeError : Error;
}

describe.each(backends)('interpolate on $name', (backend) => {
  beforeAll(() => backend.setup());
  const run = (input: Tensor, options: Record<string, unknown>) => backend.ops.interpolate(input, options as InterpolateOptions);

  it.each(cases.filter((c) => c.expected))('$name', (c) => {
    const input = c.inputs.input;
    const before = clone(input);
    const result = run(input, c.options);
    expectClose(result, c.expected!, EXACT_MODES.has(c.options.mode as string) ? 0 : TOLERANCE);
    expect(input).toEqual(before);
  });

  it.each(cases.filter((c) => c.error))('refuses: $name', (c) => {
    expect(() => run(c.inputs.input, c.options)).toThrow(expectedErrorClass(c));
  });

  it('writes into `out` and returns it', () => {
    const c = cases.find((k) => k.name === 'seed bilinear 4x4->8x8')!;
    const out = { data: new Float32Array(c.expected!.data.length).fill(NaN), shape: c.expected!.shape.slice() };
    const result = run(c.inputs.input, { ...c.options, out });
    expect(result).toBe(out);
    expectClose(out, c.expected!, TOLERANCE);
  });

  it('refuses an `out` of the wrong shape before writing anything', () => {
    const c = cases.find((k) => k.name === 'seed bilinear 4x4->8x8')!;
    const out = { data: new Float32Array(8 * 8 * 8 * 2).fill(7), shape: [1, 8, 16, 8] };
    expect(() => run(c.inputs.input, { ...c.options, out })).toThrow(RangeError);
    expect(out.data.every((v) => v === 7)).toBe(true);
  });
});

it('covers every mode and rank the issue names', () => {
  const seen = new Set(cases.filter((c) => c.expected).map((c) => `${c.options.mode ?? 'nearest'}/${c.inputs.input.shape.length}`));
  for (const key of ['nearest/3', 'nearest/4', 'nearest/5', 'nearest-exact/3', 'nearest-exact/4', 'nearest-exact/5',
    'area/3', 'area/4', 'area/5', 'linear/3', 'bilinear/4', 'bicubic/4', 'trilinear/5']) {
    expect(seen.has(key), key).toBe(true);
  }
  expect(cases.some((c) => c.options.antialias === true && c.expected)).toBe(true);
  expect(cases.some((c) => c.options.recomputeScaleFactor === true && c.expected)).toBe(true);
});

it('bilinear and bicubic 2x: the W period run starts where both phases read the same sources', async () => {
  // The SIMD stretch loads shared sources once (assembly/lib/resample.ts stretch2); the fixtures
  // above check its values, this that the plan hands it the run that takes that path.
  const { planInterpolate } = await import('../src/interpolate.js');
  for (const [mode, taps] of [['bilinear', 2], ['bicubic', 4]] as const) {
    const plan = planInterpolate({ data: new Float32Array(40), shape: [1, 1, 2, 20] }, { scaleFactor: 2, mode });
    if (plan.kind !== 'separable') throw new Error('expected a separable plan');
    const [lo, hi] = plan.period;
    const w = plan.axes[2];
    expect(w.taps).toBe(taps);
    expect(lo % 2).toBe(1);
    expect(hi - lo).toBeGreaterThanOrEqual(40 - 2 * taps);
    expect(Array.from(w.index.slice(lo * taps, (lo + 1) * taps))).toEqual(Array.from(w.index.slice((lo + 1) * taps, (lo + 2) * taps)));
  }
});

it('bilinear 2x rows (H first): every width and row alignment agrees with the plain-JS reference', async () => {
  // assembly/lib/bilinear2x.ts bilinearRow2x: an unaligned block first when a row's first pair is
  // not on a 16-byte boundary (odd widths alternate), whole blocks, and blocks overlapping the
  // run's end, one or two of them. Widths 1-40 reach every branch (from 9 on, rows take this path).
  const [simd, , js] = backends;
  await simd.setup();
  for (let width = 1; width <= 40; width++) {
    for (const height of [2, 3]) {
      const input = ramp([1, 2, height, width]);
      const options = { scaleFactor: 2, mode: 'bilinear' } as const;
      expectClose(simd.ops.interpolate(input, options), js.ops.interpolate(input, options), 1e-6);
    }
  }
});

describe.each(backends)('remembered plans on $name', (backend) => {
  beforeAll(() => backend.setup());
  it('a repeated (shape, options) reuses its plan but still checks the tensors and the options', () => {
    const ops = backend.ops;
    const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const input = { data, shape: [1, 2, 3, 4] };
    const first = ops.interpolate(input, { scaleFactor: 2, mode: 'bilinear' });
    const again = ops.interpolate({ data: data.map((v) => 2 * v), shape: [1, 2, 3, 4] }, { scaleFactor: 2, mode: 'bilinear' });
    again.data.forEach((v, i) => expect(v).toBeCloseTo(2 * first.data[i], 5));
    // Same shape, other options: another plan.
    expect(ops.interpolate(input, { scaleFactor: 2, mode: 'nearest' }).data).not.toEqual(first.data);
    expect(ops.interpolate(input, { scaleFactor: 3, mode: 'bilinear' }).shape).toEqual([1, 2, 9, 12]);
    // A known (shape, options) with a broken tensor or `out` is still refused.
    expect(() => ops.interpolate({ data: new Float32Array(5), shape: [1, 2, 3, 4] }, { scaleFactor: 2, mode: 'bilinear' })).toThrow(RangeError);
    const badOut = { data: new Float32Array(48), shape: [1, 2, 6, 4] };
    expect(() => ops.interpolate(input, { scaleFactor: 2, mode: 'bilinear', out: badOut })).toThrow(RangeError);
    expect(() => ops.interpolate(input, { scaleFactor: 2, mode: 'bilinear', out: input })).toThrow(/shape|share/);
  });
});
