// Differential fuzzing of every operation: the SIMD build, the scalar build and plain JS agree
// (same refusals, same shapes, values within tolerance, inputs untouched). A fixed seed here;
// `npm run fuzz` runs longer with a random seed (FUZZ_SEED / FUZZ_RUNS) and prints the seed and
// shrunk case of any failure. Failures found so far are the explicit regressions below.

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { anyCase, checkCase, convCase, interpolateCase, loadAllBackends, shuffleCase,
  type BackendOps, type FuzzCase } from './fuzz-cases.js';

const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261125;
/** Multiplies every property's run count (npm run fuzz raises it). */
const scale = process.env.FUZZ_SCALE !== undefined ? Number(process.env.FUZZ_SCALE) : 1;
const runs = (n: number) => Math.max(1, Math.round(n * scale));

/** Seeds/cases that once failed: each is replayed exactly. */
const REGRESSIONS: Array<{ why: string; case: FuzzCase }> = [];

let backends: BackendOps[];
beforeAll(async () => {
  backends = await loadAllBackends();
});

function property<T extends FuzzCase>(name: string, arb: fc.Arbitrary<T>, numRuns: number, nonfinite = false) {
  it(`${name}: ${numRuns} random cases agree on SIMD, scalar and JS (seed ${seed})`, () => {
    let valid = 0;
    const details = fc.check(fc.property(arb, (c) => {
      if (checkCase(c, backends, nonfinite).valid) valid++;
    }), { seed, numRuns, verbose: 0 });
    if (details.failed) {
      // The seed and path replay the failure exactly: add the case to REGRESSIONS.
      throw new Error(`fuzz failure (FUZZ_SEED=${seed}, path ${details.counterexamplePath}):\n` +
        `${JSON.stringify(details.counterexample?.[0])}\n${String(details.errorInstance)}`);
    }
    // Most drawn cases must be valid calls, or the property would test only refusals.
    expect(valid).toBeGreaterThan(numRuns * 0.5);
    console.log(`fuzz ${name}: ${numRuns} cases (${valid} valid calls, ${numRuns - valid} shared refusals)`);
  }, 120_000 * Math.max(1, scale));
}

describe('differential fuzzing', () => {
  property('interpolate', interpolateCase, runs(8000));
  property('conv / convTranspose', convCase, runs(4000));
  property('pixelShuffle / pixelUnshuffle', shuffleCase, runs(1000));
  property('any op with NaN and Infinity in the data', anyCase, runs(3000), true);

  it('the comparison itself fails on a wrong value, a different refusal and a modified input', () => {
    const [js, simd, scalar] = backends;
    const c: FuzzCase = { op: 'interpolate', shape: [1, 2, 3, 4], seed: 7, amp: 1, options: { mode: 'bilinear', scaleFactor: 2 } };
    expect(checkCase(c, backends).valid).toBe(true);
    const off: BackendOps = { name: 'off', ops: { ...simd.ops, interpolate: (input, options) => {
      const r = simd.ops.interpolate(input, options);
      r.data[5] += 1e-4;
      return r;
    } } };
    expect(() => checkCase(c, [js, off, scalar])).toThrow(/off differs from js/);
    const refuses: BackendOps = { name: 'refuses', ops: { ...simd.ops, interpolate: () => { throw new RangeError('no'); } } };
    expect(() => checkCase(c, [js, scalar, refuses])).toThrow(/js returned but refuses threw/);
    const writes: BackendOps = { name: 'writes', ops: { ...simd.ops, interpolate: (input, options) => {
      input.data[0] = 42;
      return simd.ops.interpolate(input, options);
    } } };
    expect(() => checkCase(c, [js, writes, scalar])).toThrow(/input was modified/);
  });

  it.each(REGRESSIONS)('regression: $why', ({ case: c }) => {
    expect(checkCase(c, backends).valid).toBeDefined();
  });
});
