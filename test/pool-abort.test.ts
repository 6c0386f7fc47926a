// The pool never hangs: per-call `signal` and `timeout`, close({ force }), workers that hang or
// throw (test/workers/faulty-worker.mjs injects the fault into the pixelShuffle kernel only), the
// worker's error reaching the caller, and a failed pool refusing every method.

import { afterEach, describe, expect, it } from 'vitest';
import * as up from '../dist/index.js';
import type { Pool, Tensor } from '../dist/index.js';
import { ABORT_GRACE_MS } from '../dist/pool/call.js';
import { SPLIT_ALL, SPLIT_ALL_JOINED, type Sizing } from '../dist/pool/sizing.js';
import { differingBits, ramp } from './helpers.js';

const FAULTY_WORKER = new URL('./workers/faulty-worker.mjs', import.meta.url);
const SHUFFLE_INPUT = ramp([1, 16, 32, 32]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let pools: Pool[] = [];
afterEach(async () => {
  await Promise.all(pools.map((p) => p.close({ force: true })));
  pools = [];
});

async function faultyPool(fault: 'hang' | 'throw' | 'slow', options: { threads?: number; timeout?: number } = {}): Promise<Pool> {
  process.env.POOL_FAULT = fault; // read by each worker as it starts
  try {
    const pool = await up.createPool({ threads: options.threads ?? 2, worker: FAULTY_WORKER, timeout: options.timeout });
    // The faulty kernel runs on the workers only: small calls would otherwise run on this thread.
    Object.assign((pool as unknown as { sizing: Sizing }).sizing, SPLIT_ALL);
    pools.push(pool);
    return pool;
  } finally {
    delete process.env.POOL_FAULT;
  }
}

function expectSame(actual: Tensor, expected: Tensor, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  expect(differingBits(actual.data, expected.data), what).toBe(0);
}

/** One call of every operation, its options object last, with `extra` merged into it. */
function everyOperation(extra: object): Array<[string, (p: Pool) => Promise<unknown>]> {
  const x = ramp([1, 2, 4, 4]);
  const w = ramp([2, 2, 3, 3]);
  const image = { data: new Uint8ClampedArray(4 * 4 * 4), width: 4, height: 4, channels: 4 as const };
  return [
    ['interpolate', (p) => p.interpolate(x, { size: 8, ...extra })],
    ['convTranspose1d', (p) => p.convTranspose1d(ramp([1, 2, 5]), ramp([2, 2, 3]), { ...extra })],
    ['convTranspose2d', (p) => p.convTranspose2d(x, w, { ...extra })],
    ['convTranspose3d', (p) => p.convTranspose3d(ramp([1, 2, 3, 3, 3]), ramp([2, 2, 2, 2, 2]), { ...extra })],
    ['conv1d', (p) => p.conv1d(ramp([1, 2, 5]), ramp([2, 2, 3]), { ...extra })],
    ['conv2d', (p) => p.conv2d(x, w, { ...extra })],
    ['conv3d', (p) => p.conv3d(ramp([1, 2, 3, 3, 3]), ramp([2, 2, 2, 2, 2]), { ...extra })],
    ['pixelShuffle', (p) => p.pixelShuffle(ramp([1, 4, 2, 2]), 2, { ...extra })],
    ['pixelUnshuffle', (p) => p.pixelUnshuffle(x, 2, { ...extra })],
    ['resizeImage', (p) => p.resizeImage(image, { width: 8, height: 8 }, { ...extra })],
    ['resize', (p) => p.resize(x, { sizes: [1, 2, 8, 8], ...extra })],
    ['resizeBilinear', (p) => p.resizeBilinear(ramp([1, 4, 4, 2]), [8, 8], { ...extra })],
    ['resizeNearestNeighbor', (p) => p.resizeNearestNeighbor(ramp([1, 4, 4, 2]), [8, 8], { ...extra })],
  ];
}

describe.each([true, false])('per-call options, shared %s', (shared) => {
  it('every operation takes signal and timeout in its options; an aborted signal rejects with its reason', async () => {
    await up.init({ simd: true });
    const pool = await up.createPool({ threads: 2, shared });
    pools.push(pool);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    controller.abort(reason);
    for (const [name, run] of everyOperation({ signal: controller.signal })) {
      await expect(run(pool), name).rejects.toBe(reason);
    }
    for (const [name, run] of everyOperation({ signal: new AbortController().signal, timeout: 10_000 })) {
      await expect(run(pool), name).resolves.toBeDefined();
    }
  });

  it('refuses a signal that is not an AbortSignal and a bad timeout, before work; the sync API refuses both', async () => {
    const pool = await up.createPool({ threads: 2, shared });
    pools.push(pool);
    const x = ramp([1, 1, 4, 4]);
    await expect(pool.interpolate(x, { size: 8, signal: {} as never })).rejects.toThrow(/signal must be an AbortSignal, but got Object/);
    await expect(pool.interpolate(x, { size: 8, signal: 'stop' as never })).rejects.toThrow(TypeError);
    await expect(pool.interpolate(x, { size: 8, timeout: '5' as never })).rejects.toThrow(/timeout must be a number/);
    for (const timeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      await expect(pool.interpolate(x, { size: 8, timeout }), String(timeout)).rejects.toThrow(RangeError);
    }
    await expect(pool.close({ force: 1 } as never)).rejects.toThrow(/force must be a boolean/);
    await expect(pool.close({ forced: true } as never)).rejects.toThrow(/unknown option 'forced'/);
    expectSame(await pool.interpolate(x, { size: 8, timeout: 5000 }), up.interpolate(x, { size: 8 }), 'after the refusals');
    const signal = new AbortController().signal;
    expect(() => up.interpolate(x, { size: 8, signal } as never)).toThrow(/unknown option 'signal'/);
    expect(() => up.js.pixelShuffle(ramp([1, 4, 2, 2]), 2, { timeout: 5 } as never)).toThrow(/unknown option 'timeout'/);
  });
});

describe('a stuck worker', () => {
  it('close({ force: true }) terminates it and rejects the pending calls within a bound', async () => {
    const pool = await faultyPool('hang');
    const stuck = pool.pixelShuffle(SHUFFLE_INPUT, 2).catch((e: Error) => e) as Promise<Error>;
    const queued = pool.interpolate(ramp([1, 1, 8, 8]), { size: 16 }).catch((e: Error) => e) as Promise<Error>;
    await sleep(50);
    const polite = pool.close(); // waits for the stuck call: only the forced close ends it
    const start = performance.now();
    await pool.close({ force: true });
    expect(performance.now() - start).toBeLessThan(2000);
    await polite;
    expect((await stuck).message).toMatch(/^this pool is closed \(close\(\{ force: true \}\) terminated its workers\)$/);
    expect((await queued).message).toMatch(/pool is closed/);
    await expect(pool.interpolate(ramp([1, 1, 2, 2]), { size: 4 })).rejects.toThrow(/closed/);
    expect(() => pool.allocTensor([2])).toThrow(/closed/);
    await pool.close(); // closing again settles
  });

  it('a script that awaits close({ force: true }) runs on to its end (Node keeps the terminating workers referenced)', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = `
      import * as up from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      import { SPLIT_ALL } from ${JSON.stringify(new URL('../dist/pool/sizing.js', import.meta.url).href)};
      const pool = await up.createPool({ threads: 2, worker: new URL(${JSON.stringify(FAULTY_WORKER.href)}) });
      Object.assign(pool.sizing, SPLIT_ALL);
      const stuck = pool.pixelShuffle({ data: new Float32Array(64), shape: [1, 4, 4, 4] }, 2).catch((e) => e.message);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await pool.close({ force: true });
      console.log(await stuck);`;
    const out = execFileSync(process.execPath, ['--input-type=module'], { input: script, encoding: 'utf8', env: { ...process.env, POOL_FAULT: 'hang' }, timeout: 20_000 });
    expect(out.trim()).toMatch(/pool is closed/);
  });

  it('a job pending past UPSAMPLE_POOL_WATCHDOG_MS prints its queue and control blocks to stderr; none without it', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `
      import * as up from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      import { SPLIT_ALL } from ${JSON.stringify(new URL('../dist/pool/sizing.js', import.meta.url).href)};
      const pool = await up.createPool({ threads: 2, worker: new URL(${JSON.stringify(FAULTY_WORKER.href)}) });
      Object.assign(pool.sizing, SPLIT_ALL);
      pool.pixelShuffle({ data: new Float32Array(64), shape: [1, 4, 4, 4] }, 2).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 400));
      await pool.close({ force: true });`;
    const run = (watchdog: string | undefined) => {
      const env = { ...process.env, POOL_FAULT: 'hang' } as Record<string, string | undefined>;
      if (watchdog === undefined) delete env.UPSAMPLE_POOL_WATCHDOG_MS;
      else env.UPSAMPLE_POOL_WATCHDOG_MS = watchdog;
      return spawnSync(process.execPath, ['--input-type=module'], { input: script, encoding: 'utf8', env, timeout: 20_000 }).stderr;
    };
    const dump = run('100');
    expect(dump).toMatch(/upsample-wasm pool watchdog: a job at \d+ pending after \d+ ms /);
    const state = JSON.parse(dump.slice(dump.indexOf('{')).split('\n')[0]);
    // Its one chunk claimed, never done: the worker it went to hangs in it, having seen its request.
    expect(state.header).toMatchObject({ next: 1, count: 1, done: 0, failed: 0, pending: 1 });
    expect(state.workers).toHaveLength(1);
    expect(state.workers[0].request).toBe(state.workers[0].sequence);
    expect(run(undefined)).not.toMatch(/watchdog/);
  });

  it('a timeout rejects the call in time; the pool then terminates the stuck workers and fails clearly', async () => {
    const pool = await faultyPool('hang');
    const start = performance.now();
    const stuck = pool.pixelShuffle(SHUFFLE_INPUT, 2, { timeout: 100 });
    const later = pool.interpolate(ramp([1, 1, 8, 8]), { size: 16 }).catch((e: Error) => e) as Promise<Error>;
    const error = await stuck.catch((e: unknown) => e) as DOMException;
    expect(error.name).toBe('TimeoutError');
    expect(error.message).toMatch(/timed out after 100 ms/);
    expect(performance.now() - start).toBeLessThan(100 + 600);
    expect((await later).message).toMatch(/terminated them as stuck/);
    expect(performance.now() - start).toBeLessThan(100 + ABORT_GRACE_MS + 1000);
    expect(() => pool.allocTensor([2])).toThrow(/terminated them as stuck/);
    await expect(pool.interpolate(ramp([1, 1, 2, 2]), { size: 4 })).rejects.toThrow(/terminated them as stuck/);
    await pool.close();
  });
});

describe("the pool's timeout", () => {
  it('applies to every call that gives none: a call queued behind a stuck one rejects in time, not at close', async () => {
    const pool = await faultyPool('hang', { timeout: 150 });
    const start = performance.now();
    const stuck = pool.pixelShuffle(SHUFFLE_INPUT, 2).catch((e: unknown) => e) as Promise<DOMException>;
    const queued = pool.interpolate(ramp([1, 1, 8, 8]), { size: 16 }).catch((e: unknown) => e) as Promise<DOMException>;
    const stuckError = await stuck;
    expect(stuckError.name).toBe('TimeoutError');
    expect(stuckError.message).toMatch(/timed out after 150 ms/);
    // The queued call's own clock ran from its call: it times out too (or the pool failed first).
    expect((await queued).message).toMatch(/timed out after 150 ms|terminated them as stuck/);
    expect(performance.now() - start).toBeLessThan(150 + ABORT_GRACE_MS + 1000);
  });

  it("a call's own timeout wins over the pool's, and the pool's lets quick calls finish", async () => {
    await up.init({ simd: true });
    const pool = await up.createPool({ threads: 2, timeout: 60_000 });
    pools.push(pool);
    Object.assign((pool as unknown as { sizing: Sizing }).sizing, SPLIT_ALL);
    const x = ramp([1, 2, 8, 8]);
    expectSame(await pool.interpolate(x, { size: 16 }), up.interpolate(x, { size: 16 }), 'pool timeout, quick call');
    const slowPool = await faultyPool('hang', { timeout: 60_000 });
    const error = await slowPool.pixelShuffle(SHUFFLE_INPUT, 2, { timeout: 50 }).catch((e: unknown) => e) as DOMException;
    expect(error.name).toBe('TimeoutError');
    expect(error.message).toMatch(/after 50 ms/);
  });

  it('createPool refuses a timeout that is not a number or out of range, for both kinds of pool', async () => {
    for (const shared of [true, false]) {
      await expect(up.createPool({ threads: 1, shared, timeout: '100' as unknown as number })).rejects.toThrow(TypeError);
      await expect(up.createPool({ threads: 1, shared, timeout: 0 })).rejects.toThrow(/createPool: timeout must be milliseconds in \(0, 2147483647\], but got 0/);
      await expect(up.createPool({ threads: 1, shared, timeout: 2 ** 31 })).rejects.toThrow(RangeError);
    }
  });
});

describe('aborting calls', () => {
  it('a call running on the workers rejects at once; the pool stays usable when its job ends within the grace period', async () => {
    const pool = await faultyPool('slow'); // pixelShuffle takes 300 ms
    const controller = new AbortController();
    const running = pool.pixelShuffle(SHUFFLE_INPUT, 2, { signal: controller.signal });
    await sleep(50);
    const aborted = performance.now();
    controller.abort();
    const error = await running.catch((e: unknown) => e) as DOMException;
    expect(performance.now() - aborted).toBeLessThan(250); // the job has 600 ms of kernels
    expect(error.name).toBe('AbortError');
    expect(error).toBe(controller.signal.reason);
    const x = ramp([1, 2, 9, 9]);
    expectSame(await pool.interpolate(x, { size: 13, mode: 'bicubic' }), up.interpolate(x, { size: 13, mode: 'bicubic' }), 'after the abort');
    await sleep(ABORT_GRACE_MS + 100);
    expectSame(await pool.pixelShuffle(SHUFFLE_INPUT, 2), up.pixelShuffle(SHUFFLE_INPUT, 2), 'after the grace period');
  });

  it('a call that has not started rejects with the reason and never runs; the calls around it are unaffected', async () => {
    await up.init({ simd: true });
    const pool = await faultyPool('slow');
    const shuffled = pool.allocTensor([1, 4, 64, 64]);
    const first = pool.pixelShuffle(SHUFFLE_INPUT, 2, { out: shuffled });
    let firstDone = false;
    void first.then(() => { firstDone = true; });
    // Reads what the first call writes: waits for it, so it has not started when aborted.
    const controller = new AbortController();
    const out = new Float32Array(4 * 128 * 128).fill(7);
    const waiting = pool.interpolate(shuffled, { scaleFactor: 2, out: { data: out, shape: [1, 4, 128, 128] }, signal: controller.signal });
    const timedOut = pool.interpolate(shuffled, { scaleFactor: 2, timeout: 50 });
    const reason = new Error('no longer needed');
    await sleep(20);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(firstDone, 'rejected before the call it waits for ended').toBe(false);
    await expect(timedOut).rejects.toMatchObject({ name: 'TimeoutError' });
    const expected = up.pixelShuffle(SHUFFLE_INPUT, 2);
    expectSame(await first, expected, 'the call before');
    expect(out.every((v) => v === 7), 'the aborted call wrote nothing').toBe(true);
    expectSame(await pool.interpolate(shuffled, { scaleFactor: 2 }), up.interpolate(expected, { scaleFactor: 2 }), 'a call after');
    shuffled.dispose();
  });
});

describe('aborting a call that waits in the workers\' job slots', () => {
  it('cancels the chunks no worker has claimed; workers that keep finishing chunks are not taken for stuck', async () => {
    const pool = await faultyPool('slow');
    // 16 planes: 8 chunks of 300 ms for 2 workers, so the first call runs longer than the grace period.
    const long = ramp([1, 64, 32, 32]);
    const first = pool.pixelShuffle(long, 2);
    const out = pool.allocTensor([1, 4, 64, 64]);
    out.data.fill(7);
    const controller = new AbortController();
    const second = pool.pixelShuffle(SHUFFLE_INPUT, 2, { out, signal: controller.signal }).catch((e: unknown) => e);
    await sleep(20);
    controller.abort();
    expect(await second).toBe(controller.signal.reason);
    const start = performance.now();
    expectSame(await first, up.pixelShuffle(long, 2), 'the call before, still running after the grace period');
    expect(performance.now() - start).toBeGreaterThan(ABORT_GRACE_MS - 300);
    const x = ramp([1, 2, 5, 5]);
    expectSame(await pool.interpolate(x, { size: 9 }), up.interpolate(x, { size: 9 }), 'a call after');
    expect(out.data.every((v) => v === 7), 'the aborted call\'s chunks never ran').toBe(true);
    out.dispose();
  });
});

describe('the calling thread joining a call (callerJoins)', () => {
  it('runs the chunks the workers do not get to: with each worker\'s chunk taking 300 ms, the call ends in one such chunk', async () => {
    const pool = await faultyPool('slow'); // workers: 300 ms a pixelShuffle chunk; this thread: the real kernel
    Object.assign((pool as unknown as { sizing: Sizing }).sizing, SPLIT_ALL_JOINED);
    const input = ramp([1, 64, 16, 16]); // 16 planes: 8 chunks for 1 worker and this thread
    const internals = pool as unknown as { callerChunks: number; lastJoined: boolean };
    const start = performance.now();
    expectSame(await pool.pixelShuffle(input, 2), up.pixelShuffle(input, 2), 'joined');
    expect(internals.lastJoined).toBe(true);
    // The worker holds one chunk for 300 ms; the others ran here meanwhile (on the workers: 2.4 s).
    expect(internals.callerChunks).toBeGreaterThanOrEqual(6);
    expect(performance.now() - start).toBeLessThan(1500);
  });
});

describe("a worker's error reaches the caller", () => {
  it.each([true, false])('a thrown Error: its message in the rejection, its stack in cause (waitAsync %s)', async (withWaitAsync) => {
    const atomics = Atomics as unknown as { waitAsync?: unknown };
    const saved = atomics.waitAsync;
    if (!withWaitAsync) atomics.waitAsync = undefined;
    let pool: Pool;
    try {
      pool = await faultyPool('throw');
    } finally {
      atomics.waitAsync = saved;
    }
    const error = await pool.pixelShuffle(SHUFFLE_INPUT, 2).catch((e: unknown) => e) as Error & { cause: Error };
    expect(error.message).toMatch(/kernel failed: TypeError: injected fault in pixelShuffle/);
    expect(error.cause.name).toBe('TypeError');
    expect(error.cause.stack).toMatch(/injectedFault[\s\S]*faulty-worker\.mjs/);
    const x = ramp([1, 2, 5, 5]);
    expectSame(await pool.interpolate(x, { size: 9 }), up.interpolate(x, { size: 9 }), 'after the failure');
  });
});

describe('a failed pool', () => {
  it('refuses every method once a worker died, allocTensor included', async () => {
    const pool = await up.createPool({ threads: 2 });
    pools.push(pool);
    await (pool as unknown as { workers: Array<{ terminate(): Promise<unknown> }> }).workers[0].terminate();
    await sleep(20);
    expect(() => pool.allocTensor([4])).toThrow(/worker failed/);
    for (const [name, run] of everyOperation({})) await expect(run(pool), name).rejects.toThrow(/worker failed/);
    await pool.close();
  });
});

describe('lost wake-ups cost a sleep slice, not a hang', () => {
  // An engine that dropped wake-ups (none is known to; the protocol never relies on a timeout)
  // is simulated here: this thread's notifies wake no one and its waitAsync hears only its timeout.
  it('every call completes, with the same bits, while no wake-up from this thread arrives', async () => {
    const atomics = Atomics as unknown as {
      waitAsync: (a: Int32Array, i: number, v: number, t?: number) => { async: boolean; value: Promise<string> | string };
      notify: (a: Int32Array, i: number, n?: number) => number;
    };
    const { waitAsync, notify } = atomics;
    await up.init();
    let timedOut = 0;
    atomics.waitAsync = (array, index, value, timeout) => {
      if (Atomics.load(array, index) !== value) return { async: false, value: 'not-equal' };
      const heard = new Promise<string>((resolve) => {
        if (timeout !== undefined && timeout < Infinity) setTimeout(() => { timedOut++; resolve('timed-out'); }, timeout);
      });
      return { async: true, value: heard };
    };
    let pool: Pool;
    try {
      pool = await up.createPool({ threads: 2 });
    } catch (error) {
      atomics.waitAsync = waitAsync;
      throw error;
    }
    pools.push(pool);
    Object.assign((pool as unknown as { sizing: Sizing }).sizing, SPLIT_ALL);
    atomics.notify = () => 0;
    try {
      const x = ramp([1, 8, 40, 40]);
      for (let i = 0; i < 3; i++) {
        expectSame(await pool.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }), up.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }), `call ${i}`);
      }
    } finally {
      atomics.waitAsync = waitAsync;
      atomics.notify = notify;
    }
    expect((pool as unknown as { lastThreads: number }).lastThreads, 'the calls ran on the workers').toBe(2);
    expect(timedOut, 'this thread heard of the ends by its timeout only').toBeGreaterThan(0);
  }, 10_000);
});
