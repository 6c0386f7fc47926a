// NaN and Infinity inside the data propagate exactly as PyTorch 1.13 propagates them
// (scripts/fixtures/nonfinite.py): NaN where PyTorch gives NaN, the same infinities, and the
// finite values within the usual tolerance. On the SIMD build, the scalar build and plain JS.

import { beforeAll, describe, expect, it } from 'vitest';
import { backends, clone, expectClose, loadFixtures, type FixtureCase } from './helpers.js';
import type { Operations, Tensor } from '../src/index.js';

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
