// A pool call's threads and chunks from its size (src/pool/sizing.ts): small calls run on the
// calling thread, larger ones on more workers, never more than the pool has, calls of a few ms
// with the calling thread as one of their threads (PoolOptions.callerJoins); and a pool of more
// workers than cores (8 on a 2-core machine) gives the synchronous API's bits on every path and
// does not stall. Workers run the built files (dist/).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as up from '../dist/index.js';
import type { Pool, Tensor } from '../dist/index.js';
import { call } from '../dist/kernels.js';
import { callThreads, chunksPerWorker, CHUNKS_PER_WORKER, DEFAULT_SIZING, SPLIT_ALL, threadsFor, type Sizing } from '../dist/pool/sizing.js';
import { workOf } from '../dist/pool/split.js';
import { Layout, type WasmModule } from '../dist/wasm/module.js';
import { differingBits, ramp as rampOnce } from './helpers.js';

/** Inputs made once: the larger ones take a while to fill. */
const inputs = new Map<string, Tensor>();
const ramp = (shape: number[], seed = 1): Tensor => {
  const key = `${shape}:${seed}`;
  if (!inputs.has(key)) inputs.set(key, rampOnce(shape, seed));
  return inputs.get(key)!;
};

interface Internals {
  sizing: Sizing;
  lastThreads: number;
  lastJoined: boolean;
  joinedCalls: number;
  callerChunks: number;
  lastFirst: number;
}
const internals = (pool: Pool): Internals => pool as unknown as Internals;

describe('threads and chunks for a call of a given work', () => {
  it('runs small calls here, then 2 workers, then one more per workerWork, at most the pool', () => {
    const s = DEFAULT_SIZING;
    expect(threadsFor(s.inlineWork - 1, 16, s)).toBe(0);
    expect(threadsFor(s.inlineWork, 16, s)).toBe(2);
    expect(threadsFor(s.inlineWork, 1, s)).toBe(1);
    expect(threadsFor(7.5 * s.workerWork, 16, s)).toBe(7);
    expect(threadsFor(1e12, 16, s)).toBe(16);
    // More work never gets fewer threads; a larger pool never gives a call fewer.
    for (const workers of [1, 2, 3, 8, 16]) {
      let previous = 0;
      for (let work = 0; work < 60e6; work += 1e5) {
        const t = threadsFor(work, workers, s);
        expect(t).toBeGreaterThanOrEqual(previous);
        expect(t).toBeLessThanOrEqual(workers);
        expect(t).toBeLessThanOrEqual(threadsFor(work, workers + 1, s));
        previous = t;
      }
    }
    expect(threadsFor(1, 5, SPLIT_ALL)).toBe(5);
  });

  it('has the calling thread join calls of at most callerWork as one of their threads, where jobs go through shared memory', () => {
    const s = DEFAULT_SIZING;
    const w3 = 3 * 1024 * (512 * 4 + 1024 * 4); // 9 threads' worth
    expect(callThreads(w3, 16, s, true)).toEqual({ threads: 9, workers: 8, caller: true });
    expect(callThreads(w3, 16, s, false)).toEqual({ threads: 9, workers: 9, caller: false });
    expect(callThreads(s.callerWork, 16, s, true)).toEqual({ threads: 16, workers: 15, caller: true });
    expect(callThreads(s.callerWork + 1, 16, s, true)).toEqual({ threads: 16, workers: 16, caller: false });
    expect(callThreads(w3, 2, s, true)).toEqual({ threads: 2, workers: 1, caller: true });
    // A one-thread pool: the calling thread alone where it joins, else the worker.
    expect(callThreads(w3, 1, s, true)).toEqual({ threads: 0, workers: 0, caller: false });
    expect(callThreads(s.callerWork + 1, 1, s, true)).toEqual({ threads: 1, workers: 1, caller: false });
    expect(callThreads(s.inlineWork - 1, 16, s, true)).toEqual({ threads: 0, workers: 0, caller: false });
    expect(callThreads(w3, 16, { ...s, callerWork: -1 }, true).caller).toBe(false);
  });

  it('cuts a call into chunks of about chunkWork, 1 to CHUNKS_PER_WORKER a worker', () => {
    const s = DEFAULT_SIZING;
    expect(chunksPerWorker(3 * s.chunkWork, 2, s)).toBe(2);
    expect(chunksPerWorker(0.1 * s.chunkWork, 8, s)).toBe(1);
    expect(chunksPerWorker(1e12, 8, s)).toBe(CHUNKS_PER_WORKER);
    expect(chunksPerWorker(1, 2, SPLIT_ALL)).toBe(CHUNKS_PER_WORKER);
  });

  it('estimates work in multiply-adds from a call\'s arguments', () => {
    const layout = new Layout({} as WasmModule, 2 ** 20);
    // W3: bicubic 2x [1,3,512,512]: 4 taps a pass over 512 input and 1024 output rows of 1024.
    const w3 = call('separable2d', { src: 0, dst: 0, ring: 0, ringRows: 0, planes: 3, inH: 512, inW: 512, outH: 1024, outW: 1024,
      tapsW: 4, indexW: 0, weightW: 0, periodLo: 0, periodHi: 0, tapsH: 4, indexH: 0, weightH: 0, channels: 1 });
    expect(workOf(w3, layout)).toBe(3 * 1024 * (512 * 4 + 1024 * 4));
    // A convolution: M channels x batch x groups x sum over phases of pixels x K.
    const fields = new Int32Array(2 * 11);
    fields.set([1, 10, 10, 64], 0); // phase 0: 1x10x10 pixels, K 64
    fields.set([1, 5, 10, 32], 11); // phase 1: 1x5x10 pixels, K 32
    const phases = layout.i32(fields);
    const conv = call('convPhases', { x: 0, xBatch: 0, xGroup: 0, xStrideD: 0, xStrideH: 0, phases, phaseCount: 2, offsets: 0,
      packed: 0, packedGroup: 0, bias: 0, M: 8, out: 0, outChannel: 0, batch: 2, groups: 3, groupIn: 0, xChannel: 0, panel: 0, skip: 0 });
    expect(workOf(conv, layout)).toBe(2 * 3 * 8 * (100 * 64 + 50 * 32));
  });
});

/** Calls of several kinds and sizes; expected from the synchronous API of the same build. */
const cases: Array<[name: string, threads: number, run: (ops: typeof up | Pool) => Tensor | Promise<Tensor>]> = [
  ['tiny bilinear [1,1,3,4]', 0, (o) => o.interpolate(ramp([1, 1, 3, 4]), { scaleFactor: 2, mode: 'bilinear' })],
  ['bicubic 2x [1,3,256,256]', 2, (o) => o.interpolate(ramp([1, 3, 256, 256]), { scaleFactor: 2, mode: 'bicubic' })],
  ['convTranspose2d W4 [1,32,64,64]', 8, (o) => o.convTranspose2d(ramp([1, 32, 64, 64]), ramp([32, 32, 4, 4], 2), { stride: 2, padding: 1 })],
  ['conv2d 16->24 3x3 dilation 2 [2,16,40,40]', 5, (o) => o.conv2d(ramp([2, 16, 40, 40]), ramp([24, 16, 3, 3], 3), { padding: 2, dilation: 2 })],
  // Winograd F(2x2, 3x3): 16 multiply-adds a 2x2 tile per channel pair where the direct phases take 36.
  ['conv2d 16->24 3x3 [2,16,40,40] (Winograd)', 2, (o) => o.conv2d(ramp([2, 16, 40, 40]), ramp([24, 16, 3, 3], 3), { padding: 1 })],
  ['area [1,6,64,64] -> 21x17', 0, (o) => o.interpolate(ramp([1, 6, 64, 64]), { size: [21, 17], mode: 'area' })],
  ['pixelShuffle [1,64,256,256] r 2', 2, (o) => o.pixelShuffle(ramp([1, 64, 256, 256]), 2)],
];

describe('a pool of 8 workers on this machine (more workers than cores)', () => {
  let pool: Pool;
  const expected = new Map<string, Tensor>();
  beforeAll(async () => {
    await up.init({ simd: true });
    pool = await up.createPool({ threads: 8, build: 'simd' });
    for (const [name, , run] of cases) expected.set(name, await run(up));
  });
  afterAll(() => pool.close());

  it.each(cases)('%s: on the threads its size asks for, bit-identical to the synchronous API', async (name, threads, run) => {
    for (let round = 0; round < 2; round++) {
      const result = await run(pool);
      expect(internals(pool).lastThreads, name).toBe(threads);
      expect(differingBits(result.data, expected.get(name)!.data), `${name}, round ${round}`).toBe(0);
    }
  });

  it('every call cut over all 8 workers, all in flight at once, twice: the same bits, no stall', async () => {
    const sizing = internals(pool).sizing;
    Object.assign(sizing, SPLIT_ALL);
    try {
      for (let round = 0; round < 2; round++) {
        const results = await Promise.all(cases.flatMap(([, , run]) => [run(pool), run(pool)]));
        results.forEach((r, i) => expect(differingBits(r.data, expected.get(cases[i >> 1][0])!.data), cases[i >> 1][0]).toBe(0));
        expect(internals(pool).lastThreads).toBe(8);
      }
    } finally {
      Object.assign(sizing, DEFAULT_SIZING);
    }
  }, 30_000);

  it('sized calls in flight at once (some here, some on 2 to 8 workers), in call order', async () => {
    const order: string[] = [];
    const results = await Promise.all(cases.map(([name, , run]) => Promise.resolve(run(pool)).then((r) => { order.push(name); return r; })));
    results.forEach((r, i) => expect(differingBits(r.data, expected.get(cases[i][0])!.data), cases[i][0]).toBe(0));
    expect(order).toEqual(cases.map(([name]) => name));
  }, 30_000);
});

describe('a pool of 8 workers that sleep between calls (spin 0): woken by the caller and by each other', () => {
  let pool: Pool;
  const expected = new Map<string, Tensor>();
  beforeAll(async () => {
    await up.init({ simd: true });
    pool = await up.createPool({ threads: 8, build: 'simd', spin: 0 });
    for (const [name, , run] of cases) expected.set(name, await run(up));
  });
  afterAll(() => pool.close());

  // The caller wakes one worker, which wakes the others (src/pool/protocol.ts wakeWorkers): a
  // worker left asleep would hold its call for ever. A call made while none is in flight starts
  // from the worker the last one started from (set here), so calls on 5 of the 8 workers from
  // the 5th to the 8th have wake lists that wrap around the pool.
  it('one call at a time, all workers asleep before each, on 8 and on 5 workers (wrapping): every call ends, the same bits', async () => {
    const sizing = internals(pool).sizing;
    const cutOverAll = cases.find(([name]) => name.startsWith('bicubic'))!;
    const onFive = cases.find(([, threads]) => threads === 5)!;
    for (let round = 0; round < 4; round++) {
      for (const [[name, , run], split] of [[cutOverAll, true], [onFive, false]] as const) {
        Object.assign(sizing, split ? SPLIT_ALL : DEFAULT_SIZING);
        await new Promise((resolve) => setTimeout(resolve, 5)); // every worker asleep
        const first = split ? 0 : 4 + round;
        internals(pool).lastFirst = first;
        const result = await run(pool);
        expect(internals(pool).lastThreads, name).toBe(split ? 8 : 5);
        expect(internals(pool).lastFirst, name).toBe(first);
        expect(differingBits(result.data, expected.get(name)!.data), `${name}, round ${round}`).toBe(0);
      }
    }
    Object.assign(sizing, DEFAULT_SIZING);
  }, 20_000);
});

describe('the calling thread as one of a call\'s threads (callerJoins)', () => {
  const w3 = cases.find(([name]) => name.startsWith('bicubic'))!; // 4.7 M multiply-adds: joined by default
  const conv = cases.find(([name]) => name.startsWith('convTranspose2d'))!; // 67 M: joined too
  const expected = new Map<string, Tensor>();
  beforeAll(async () => {
    await up.init({ simd: true });
    for (const [name, , run] of [w3, conv]) expected.set(name, await run(up));
  });

  it.each([[2, true], [2, false], [3, true], [1, true], [1, false]] as const)(
    'threads %i, callerJoins %s: the calls its size asks for, with this thread joining up to callerWork; same bits', async (threads, callerJoins) => {
      const pool = await up.createPool({ threads, build: 'simd', callerJoins, spin: 0 });
      try {
        expect(internals(pool).sizing.callerWork).toBe(callerJoins ? DEFAULT_SIZING.callerWork : -1);
        for (const [name, wanted, run] of [w3, conv]) {
          const before = internals(pool).callerChunks;
          for (let round = 0; round < 3; round++) {
            await new Promise((resolve) => setTimeout(resolve, 2)); // the workers asleep: this thread starts first
            expect(differingBits((await run(pool)).data, expected.get(name)!.data), `${name}, round ${round}`).toBe(0);
          }
          const sized = Math.min(wanted, threads);
          // Joined, a one-thread pool runs the call here alone (0); else as many threads, this one included.
          expect(internals(pool).lastThreads, name).toBe(callerJoins && sized === 1 ? 0 : sized);
          expect(internals(pool).lastJoined, name).toBe(callerJoins && threads > 1);
          // How many chunks this thread wins depends on timing (test/pool-abort.test.ts shows it
          // runs them); where it does not join, none.
          if (!(callerJoins && threads > 1)) expect(internals(pool).callerChunks - before, name).toBe(0);
        }
        // Above callerWork: on the workers alone, this thread waiting.
        const sizing = internals(pool).sizing;
        if (callerJoins) sizing.callerWork = 4e6;
        const before = internals(pool).callerChunks;
        for (const [name, wanted, run] of [w3, conv]) {
          expect(differingBits((await run(pool)).data, expected.get(name)!.data), name).toBe(0);
          expect(internals(pool).lastThreads, name).toBe(Math.min(wanted, threads));
          expect(internals(pool).lastJoined, name).toBe(false);
        }
        expect(internals(pool).callerChunks - before).toBe(0);
        Object.assign(sizing, DEFAULT_SIZING);
      } finally {
        await pool.close();
      }
    });

  it('joins no call while a later one waits to be staged: in a burst this thread stages the next call', async () => {
    const pool = await up.createPool({ threads: 2, build: 'simd' });
    try {
      const [name, , run] = w3;
      const before = internals(pool).joinedCalls;
      const results = await Promise.all([run(pool), run(pool), run(pool)]); // made at once: the first two have a call behind them
      for (const r of results) expect(differingBits(r.data, expected.get(name)!.data)).toBe(0);
      expect(internals(pool).joinedCalls - before).toBe(1);
      expect(internals(pool).lastJoined).toBe(true);
      await run(pool); // alone: joined
      expect(internals(pool).joinedCalls - before).toBe(2);
    } finally {
      await pool.close();
    }
  });
});
