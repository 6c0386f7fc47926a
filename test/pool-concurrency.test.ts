// Worker threads never see each other's buffers: 150 random calls of every family (the fuzz
// cases), all in flight at once on a pool of 2 workers, each bit-identical to the synchronous API
// (or refused alike), three times over: sized (most of these calls are small enough to run on
// the calling thread), then every call cut over both workers, then over one worker and the
// calling thread. Workers run the built
// files, so this imports dist/ as test/pool.test.ts does (npm test builds first).

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as up from '../dist/index.js';
import type { Pool, Tensor } from '../dist/index.js';
import { DEFAULT_SIZING, SPLIT_ALL, SPLIT_ALL_JOINED, type Sizing } from '../dist/pool/sizing.js';
import { anyCase, prepare } from './fuzz-cases.js';
import type { Operations } from '../src/index.js';

let pool: Pool;
beforeAll(async () => {
  await up.init({ simd: true });
  pool = await up.createPool({ threads: 2 });
});
afterAll(() => pool.close());

type Outcome = { bytes: Buffer } | { error: string };

function outcome(t: Tensor): Outcome {
  return { bytes: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength) };
}
const failure = (e: unknown): Outcome => ({ error: `${(e as Error).constructor.name}: ${(e as Error).message}` });

it('150 concurrent mixed calls on 2 workers: each result is the synchronous one, bit for bit, three times', async () => {
  const cases = fc.sample(anyCase, { seed: 7, numRuns: 150 });
  const calls = cases.map((c) => prepare(c));
  const expected = calls.map((call) => {
    try {
      return outcome(call.run(up as unknown as Operations));
    } catch (e) {
      return failure(e);
    }
  });
  expect(expected.filter((o) => 'bytes' in o).length).toBeGreaterThan(100);
  const sizing = (pool as unknown as { sizing: Sizing }).sizing;
  for (const rule of [DEFAULT_SIZING, SPLIT_ALL, SPLIT_ALL_JOINED]) {
    Object.assign(sizing, rule);
    const got = await Promise.all(calls.map((call) =>
      Promise.resolve().then(() => call.run(pool as unknown as Operations) as unknown as Promise<Tensor>).then(outcome, failure)));
    got.forEach((o, i) => {
      const want = expected[i];
      if ('bytes' in want) expect('bytes' in o && o.bytes.equals(want.bytes), `case ${i}: ${JSON.stringify(cases[i])}`).toBe(true);
      else expect(o, `case ${i}`).toEqual(want);
    });
  }
}, 60_000);
