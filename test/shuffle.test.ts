// pixelShuffle / pixelUnshuffle against PyTorch 1.13 fixtures (scripts/fixtures/conv.py), on every
// backend: exact (a permutation), inputs untouched, `out`, refusals, and the round trip.

import { beforeAll, describe, expect, it } from 'vitest';
import { backends, clone, expectExact, loadFixtures, type FixtureCase } from './helpers.js';
import type { Tensor } from '../src/index.js';

const cases = loadFixtures('conv').filter((c) => c.op === 'pixelShuffle' || c.op === 'pixelUnshuffle');
const ERRORS: Record<string, ErrorConstructor> = { TypeError, RangeError, Error };
const factorOf = (c: FixtureCase): number => (c.options.upscaleFactor ?? c.options.downscaleFactor) as number;

describe.each(backends)('pixel shuffle on $name', (backend) => {
  beforeAll(() => backend.setup());
  const run = (c: FixtureCase, input: Tensor, options?: Record<string, unknown>) =>
    (c.op === 'pixelShuffle' ? backend.ops.pixelShuffle : backend.ops.pixelUnshuffle)(input, factorOf(c), options);

  it.each(cases.filter((c) => c.expected))('$name', (c) => {
    const before = clone(c.inputs.input);
    expectExact(run(c, c.inputs.input), c.expected!);
    expect(c.inputs.input).toEqual(before);
  });

  it.each(cases.filter((c) => c.error))('refuses: $name', (c) => {
    const cls = ERRORS[(c as FixtureCase & { jsError: string }).jsError];
    let error: unknown;
    try {
      run(c, c.inputs.input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor.name).toBe(cls.name);
    expect((error as Error).message).toContain((c as FixtureCase & { jsMessage: string }).jsMessage);
  });

  it('writes into `out`, refuses a wrong one, and refuses non-integer factors', () => {
    const c = cases.find((k) => k.name === 'pixelShuffle r3 ESPCN [1,27,7,8]')!;
    const out = { data: new Float32Array(c.expected!.data.length).fill(NaN), shape: c.expected!.shape.slice() };
    expect(run(c, c.inputs.input, { out })).toBe(out);
    expectExact(out, c.expected!);
    const wrong = { data: new Float32Array(c.expected!.data.length), shape: [1, 3, 24, 21] };
    expect(() => run(c, c.inputs.input, { out: wrong })).toThrow(RangeError);
    expect(() => backend.ops.pixelShuffle(c.inputs.input, 1.5)).toThrow(RangeError);
    expect(() => backend.ops.pixelShuffle(c.inputs.input, '3' as unknown as number)).toThrow(TypeError);
    expect(() => backend.ops.pixelShuffle(c.inputs.input, 3, { factor: 3 } as never)).toThrow(TypeError);
  });

  it.each([1, 2, 3, 4])('unshuffle inverts shuffle (factor %i)', (r) => {
    const x = { data: new Float32Array(2 * 2 * r * r * 5 * 7).map((_, i) => i), shape: [2, 2 * r * r, 5, 7] };
    const y = backend.ops.pixelShuffle(x, r);
    expect(y.shape).toEqual([2, 2, 5 * r, 7 * r]);
    expectExact(backend.ops.pixelUnshuffle(y, r), x);
  });
});
