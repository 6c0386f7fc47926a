// The seed's bilinear example, as its own test, on every backend.

import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from './helpers.js';
import { SEED_BILINEAR_EXPECTED, seedBilinear, seedRamp } from '../src/demo/interpolate.js';

describe.each(backends)('seed bilinear example on $name', (backend) => {
  beforeAll(() => backend.setup());

  it('4x4 ramp 1..16 over 8 channels -> 8x8 gives the seed table exactly, in every channel', () => {
    const result = seedBilinear(backend.ops);
    expect(result.shape).toEqual([1, 8, 8, 8]);
    for (let c = 0; c < 8; c++) {
      const channel = Array.from(result.data.subarray(c * 64, c * 64 + 64));
      expect(channel).toEqual(SEED_BILINEAR_EXPECTED.flat());
    }
  });

  it('leaves its input untouched', () => {
    const input = seedRamp();
    const copy = input.data.slice();
    backend.ops.interpolate(input, { size: [8, 8], mode: 'bilinear' });
    expect(input.data).toEqual(copy);
  });
});
