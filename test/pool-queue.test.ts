// Work sharing in the pool: through shared memory, a call is cut into more chunks than workers
// and the workers claim them from one atomic counter. The cuts cover every output unit once, in
// order; results are bit-identical to the synchronous API when the chunk count divides nothing,
// exceeds the units, or exceeds the workers; a kernel failing in some chunks rejects the call and
// leaves the pool usable; chunk scratch does not grow memory call after call. Each runs with the
// workers alone and with the calling thread claiming chunks beside them (PoolOptions.callerJoins).
// Workers run the built files, so this imports dist/ (npm test builds first).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as up from '../dist/index.js';
import type { Pool, Tensor } from '../dist/index.js';
import { call, KERNEL_NAMES, type KernelCall } from '../dist/kernels.js';
import { operation } from '../dist/ops.js';
import { startPool } from '../dist/pool/index.js';
import { CHUNK_INTS, encodeQueue, QUEUE_CHUNKS, QUEUE_COUNT, QUEUE_PENDING } from '../dist/pool/protocol.js';
import { SPLIT_ALL, SPLIT_ALL_JOINED, type Sizing } from '../dist/pool/sizing.js';
import { chunkCount, claimOrder, SCRATCH_BUDGET, splitCall } from '../dist/pool/split.js';
import { Layout, type WasmModule } from '../dist/wasm/module.js';
import { differingBits, ramp } from './helpers.js';

function differing(actual: Tensor, expected: Tensor): number {
  expect(actual.shape).toEqual(expected.shape);
  return differingBits(actual.data, expected.data);
}

/**
 * These calls are small: sized, they would run on the calling thread. Cut every call over all
 * workers instead, to test the workers' claiming (a pool's sizing rule: internal, for tests);
 * `joined`: the calling thread is one of the call's threads, claiming chunks too.
 */
function splitAll<P>(pool: P, joined = false): P {
  Object.assign((pool as unknown as { sizing: Sizing }).sizing, joined ? SPLIT_ALL_JOINED : SPLIT_ALL);
  return pool;
}

/** Who claims a call's chunks. */
const CLAIMERS = [['the workers', false], ['the workers and the calling thread', true]] as const;

/** Scratch laid out from 1 MiB up, with no memory behind it: splitCall only takes addresses. */
const scratch = (): Layout => new Layout({} as WasmModule, 2 ** 20);

describe('cutting a call into chunks', () => {
  it('chunk scratch stays within half the room left under maximumMemory: one chunk a worker when it is tight', () => {
    const [planes, outH, outW, tapsH] = [3, 80, 74, 4];
    const whole = call('separable2d', { src: 0, dst: 4096, ring: 0, ringRows: 0, planes, inH: 40, inW: 37, outH, outW,
      tapsW: 4, indexW: 0, weightW: 0, periodLo: 0, periodHi: 0, tapsH, indexH: 0, weightH: 0, channels: 1 });
    // 4 KiB left: a ring of 4 x 74 floats each, 7 chunks (as below) would take more than half of it.
    const tight = new Layout({ maximumMemory: 2 ** 20 + 4096 } as WasmModule, 2 ** 20);
    expect(splitCall(whole, 2, 4, tight).length).toBe(2);
  });

  it('separable2d: more chunks than workers, contiguous, every output row once, a ring each', () => {
    const [planes, outH, outW, tapsH] = [3, 80, 74, 4];
    const dst = 4096;
    const whole = call('separable2d', { src: 0, dst, ring: 0, ringRows: 0, planes, inH: 40, inW: 37, outH, outW,
      tapsW: 4, indexW: 0, weightW: 0, periodLo: 0, periodHi: 0, tapsH, indexH: 0, weightH: 0, channels: 1 });
    const chunks = splitCall(whole, 2, 4, scratch());
    expect(chunks.length).toBe(Math.floor((planes * outH) / (8 * tapsH))); // 7: rows of at least 8 * tapsH
    let next = 0;
    const rings = new Set<number>();
    const rowsOf = (c: KernelCall) => c.kernel === 'separable2d' ? c.args : undefined;
    for (const calls of chunks) {
      for (const c of calls) {
        const a = rowsOf(c)!;
        expect(c.kernel).toBe('separable2d');
        expect((a.dst - dst) / (outW * 4)).toBe(next);
        next += a.planes * a.outH;
        rings.add(a.ring);
      }
      expect(new Set(calls.map((c) => rowsOf(c)!.ring)).size).toBe(1); // one ring per chunk
    }
    expect(next).toBe(planes * outH);
    expect(rings.size).toBe(chunks.length);
    // The static split (by message): exactly one part per worker.
    expect(splitCall(whole, 3, 1, scratch()).length).toBe(3);
  });

  it('planes: more chunks than units gives one plane per chunk; scratch-heavy chunks stay within the budget', () => {
    const shuffle = call('pixelShuffle', { src: 0, dst: 8192, planes: 3, r: 2, height: 5, width: 7, upscale: 1 });
    const chunks = splitCall(shuffle, 2, 4, scratch());
    expect(chunks.map((calls) => calls.map((c) => (c.args as { planes: number }).planes))).toEqual([[1], [1], [1]]);
    expect(chunkCount(1000, 2, 4)).toBe(8);
    expect(chunkCount(1000, 2, 4, 1, SCRATCH_BUDGET / 3)).toBe(3);
    expect(chunkCount(1000, 4, 4, 1, SCRATCH_BUDGET)).toBe(4); // one per worker where the room allows
    expect(chunkCount(5, 2, 4, 8)).toBe(2);
    // Where even one chunk a worker would not fit the room left under maximumMemory: fewer, at least one.
    const room = (bytes: number) => ({ room: bytes }) as Parameters<typeof chunkCount>[5];
    expect(chunkCount(1000, 4, 4, 1, 1000, room(2600))).toBe(2);
    expect(chunkCount(1000, 4, 4, 1, 1000, room(100))).toBe(1);
    expect(chunkCount(1000, 4, 4, 1, 1000, room(1e9))).toBe(16);
    expect(chunkCount(1000, 4, 4, 1, 0, room(100))).toBe(16); // no scratch: no cap
  });
});

describe('the order workers claim chunks in', () => {
  it('interleaves one region a worker, so the first claims are spread over the call', () => {
    const seq = (n: number): number[] => [...Array(n).keys()];
    expect(claimOrder(seq(8), 2)).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
    expect(claimOrder(seq(7), 2)).toEqual([0, 3, 1, 4, 2, 5, 6]);
    expect(claimOrder(seq(12), 3)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(claimOrder(seq(2), 4)).toEqual([0, 1]); // fewer chunks than workers
    for (let n = 0; n <= 20; n++) {
      for (const workers of [1, 2, 3, 5]) expect([...claimOrder(seq(n), workers)].sort((a, b) => a - b)).toEqual(seq(n));
    }
  });
});

const calls: Array<[name: string, run: (ops: typeof up | Pool, out?: Tensor) => Tensor | Promise<Tensor>]> = [
  // 240 output rows in 7 chunks: chunks start and end mid-plane.
  ['bicubic, rows not divisible', (o, out) => o.interpolate(ramp([1, 3, 40, 37]), { scaleFactor: 2, mode: 'bicubic', out })],
  ['trilinear (separable), 5 planes', (o, out) => o.interpolate(ramp([1, 5, 4, 6, 5]), { scaleFactor: 2, mode: 'trilinear', out })],
  ['pixelShuffle, 13 planes', (o, out) => o.pixelShuffle(ramp([13, 4, 5, 3]), 2, { out })],
  ['area, 3 planes (fewer than chunks)', (o, out) => o.interpolate(ramp([1, 3, 17, 19]), { size: [5, 7], mode: 'area', out })],
  ['convTranspose2d, batch 2 x 8 channel blocks', (o, out) => o.convTranspose2d(ramp([2, 8, 7, 6]), ramp([8, 32, 4, 4], 2), { stride: 2, padding: 1, out })],
  ['conv2d, 2 channel blocks and 3 single channels', (o, out) => o.conv2d(ramp([1, 4, 9, 8]), ramp([11, 4, 3, 3], 2), { padding: 1, out })],
  ['bicubic, 2 output rows', (o, out) => o.interpolate(ramp([1, 1, 1, 2]), { scaleFactor: 2, mode: 'bicubic', out })],
];

describe.each([2, 3].flatMap((threads) => CLAIMERS.map(([who, joined]) => [threads, who, joined] as const)))('a pool of %i workers, chunks claimed by %s', (threads, _who, joined) => {
  let pool: Pool;
  beforeAll(async () => {
    await up.init({ simd: true });
    pool = splitAll(await up.createPool({ threads }), joined);
  });
  afterAll(() => pool.close());

  it('chunk scratch does not grow the memory call after call', async () => {
    const big = ramp([1, 6, 24, 24, 24]); // separable 3-D: ~330 KiB of intermediates per chunk
    const run = () => pool.interpolate(big, { scaleFactor: 2, mode: 'trilinear' });
    await run();
    const bytes = pool.memoryBytes;
    for (let i = 0; i < 5; i++) await run();
    for (const [, other] of calls) await other(pool);
    await run();
    expect(pool.memoryBytes).toBe(bytes);
  });

  it.each(calls)('%s: every element written, bit-identical to the synchronous API', async (name, run) => {
    const expected = await run(up);
    // A resident out full of NaN: a chunk nobody ran shows, even where memory held the last result.
    for (let round = 0; round < 3; round++) {
      const out = pool.allocTensor(expected.shape as number[], new Float32Array(expected.data.length).fill(NaN));
      expect(differing(await run(pool, out), expected), `${name}, round ${round}`).toBe(0);
      out.dispose();
    }
  });
});

describe.each(CLAIMERS)('a kernel that fails in some chunks, claimed by %s', (_who, joined) => {
  it('rejects the call, and the pool stays usable', async () => {
    // A pool of two operations of its own: `means`, the means of a tensor's planes, and `failing`,
    // means of 8 planes, each a quarter of memory long, read from address 0: planes 4 to 7 lie
    // beyond the memory, so their chunks trap (out of bounds) and the others run. With `twice`,
    // a second call whose chunks wait for the first's: the waiting workers give up instead of
    // waiting for chunks that never complete.
    const planes = 8;
    const means = operation((input: Tensor) => ({
      plan: undefined,
      inputs: { input: input.data },
      outputLength: input.shape[0],
      allocate: () => {
        const data = new Float32Array(input.shape[0]);
        return { output: data, result: data };
      },
    }), {
      wasm: (layout, _plan, { input }, n) => {
        const src = layout.f32(input.length, input);
        const dst = layout.f32(n);
        return { dst, calls: [call('planeMean', { src, dst, planes: n, planeSize: input.length / n, channels: 1 })] };
      },
      js: () => {},
    });
    let memoryBytes = 0;
    const failing = operation((twice: boolean) => ({
      plan: twice,
      inputs: {},
      outputLength: planes,
      allocate: () => {
        const data = new Float32Array(planes);
        return { output: data, result: data };
      },
    }), {
      wasm: (layout, twice, _inputs, n) => {
        const dst = layout.f32(n);
        const calls = [call('planeMean', { src: 0, dst, planes, planeSize: Math.floor(memoryBytes / 16), channels: 1 })];
        if (twice) calls.push(call('planeMean', { src: 0, dst, planes, planeSize: 4, channels: 1 }));
        return { dst, calls };
      },
      js: () => {},
    });
    const pool = splitAll(await startPool({ means, failing } as never, { threads: 2 }), joined) as unknown as {
      means(t: Tensor): Promise<Float32Array>; failing(twice: boolean): Promise<Float32Array>; memoryBytes: number; close(): Promise<void>;
    };
    try {
      const input = ramp([6, 10]);
      const expected = up.js.interpolate({ data: input.data, shape: [1, 6, 10] }, { size: 1, mode: 'area' }).data; // planeMean's twin
      expect(Array.from(await pool.means(input))).toEqual(Array.from(expected));
      memoryBytes = pool.memoryBytes;
      // The trap's own message reaches the caller, with the worker's stack (into WebAssembly) as cause.
      const trap = await pool.failing(false).catch((e: unknown) => e) as Error & { cause: Error };
      expect(trap.message).toBe('pool worker: a kernel failed: RuntimeError: memory access out of bounds');
      expect(trap.cause.stack).toMatch(/RuntimeError: memory access out of bounds\n\s+at .*wasm-function/);
      expect(Array.from(await pool.means(input)), 'after the failure').toEqual(Array.from(expected));
      await expect(pool.failing(true)).rejects.toThrow(/kernel failed/);
      expect(Array.from(await pool.means(input)), 'after the second failure').toEqual(Array.from(expected));
    } finally {
      await pool.close();
    }
  });
});

describe('a job of several calls', () => {
  it('encodes each chunk with the number of chunks of the calls before it', () => {
    const a = (planeSize: number) => call('planeMean', { src: 1, dst: 2, planes: 3, planeSize, channels: 1 });
    const b = (r: number) => call('pixelShuffle', { src: 1, dst: 2, planes: 3, r, height: 5, width: 6, upscale: 1 });
    const queue = encodeQueue([[[a(1)], [a(2)]], [[b(3)]], [[a(5), b(6)]]], 2)!;
    expect(queue[QUEUE_COUNT]).toBe(4);
    expect(queue[QUEUE_PENDING]).toBe(2);
    const entries = [0, 1, 2, 3].map((c) => Array.from(queue.subarray(QUEUE_CHUNKS + CHUNK_INTS * c, QUEUE_CHUNKS + CHUNK_INTS * (c + 1))));
    expect(entries.map((e) => e[2])).toEqual([0, 0, 2, 3]);
    expect(entries.map((e) => e[3]), 'chunks done when its call is').toEqual([2, 2, 3, 4]);
    const body = (c: number): number[] => Array.from(queue.subarray(entries[c][0], entries[c][1]));
    const [ia, ib] = [KERNEL_NAMES.indexOf('planeMean'), KERNEL_NAMES.indexOf('pixelShuffle')];
    const shuffled = (r: number) => [ib, 7, 1, 2, 3, r, 5, 6, 1];
    expect([0, 1, 2, 3].map(body)).toEqual([[ia, 5, 1, 2, 3, 1, 1], [ia, 5, 1, 2, 3, 2, 1], shuffled(3), [ia, 5, 1, 2, 3, 5, 1, ...shuffled(6)]]);
    // An argument that is not an int32: not encodable (the pool then goes by message).
    expect(encodeQueue([[[a(2 ** 31)]]], 2)).toBeUndefined();
  });

  it.each(CLAIMERS)('a convolution, claimed by %s: padding and packing run before the chunks that read them', async (_who, joined) => {
    await up.init({ simd: true });
    const pool = splitAll(await up.createPool({ threads: 2 }), joined);
    try {
      // 32 planes to pad in 2 chunks, then 8 channel blocks. Inputs and weights alternate, so a
      // block that started before the padding or packing it reads shows the previous call's data.
      const xs = [ramp([1, 32, 48, 48]), ramp([1, 32, 48, 48], 3)];
      const ws = [ramp([32, 32, 4, 4], 2), ramp([32, 32, 4, 4], 5)];
      const expected = xs.map((x) => ws.map((w) => up.convTranspose2d(x, w, { stride: 2, padding: 1 })));
      const out = pool.allocTensor(expected[0][0].shape as number[]);
      for (let round = 0; round < 24; round++) {
        const [i, j] = [round & 1, (round >> 1) & 1];
        expect(differing(await pool.convTranspose2d(xs[i], ws[j], { stride: 2, padding: 1, out }), expected[i][j]), `round ${round}`).toBe(0);
      }
    } finally {
      await pool.close();
    }
  });
});
