// The worker pool: bit-identical to the synchronous API for every family however the work is
// split, resident tensors in shared memory (growth, dispose while pending), serialised concurrent
// calls, the one-thread fallback, and the refusals. Workers run the built files, so this imports
// dist/ (npm test builds first).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as up from '../dist/index.js';
import type { Operations, Pool, Tensor } from '../dist/index.js';
import { workerExecArgv } from '../dist/pool/index.js';
import { DEFAULT_SIZING, SPLIT_ALL, SPLIT_ALL_JOINED, type Sizing } from '../dist/pool/sizing.js';
import { ResidentHeap } from '../dist/wasm/resident.js';
import { differingBits, POOL_AGREEMENT, ramp } from './helpers.js';

function expectSameBits(actual: Tensor, expected: Tensor, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  const a = actual.data;
  const e = expected.data;
  expect(a.length, what).toBe(e.length);
  const differ = differingBits(a, e);
  expect(differ, `${what}: ${differ} of ${e.length} elements differ`).toBe(0);
}

type Case = [name: string, run: (ops: typeof up | Pool) => Tensor | Promise<Tensor>];

const interpolateCases: Case[] = [
  ['bicubic 2x, 3 planes (rows split mid-plane)', (o) => o.interpolate(ramp([1, 3, 40, 37]), { scaleFactor: 2, mode: 'bicubic' })],
  ['bilinear 2x, 32 planes', (o) => o.interpolate(ramp([2, 16, 12, 10]), { scaleFactor: 2, mode: 'bilinear' })],
  ['bilinear alignCorners, odd sizes, 1 plane', (o) => o.interpolate(ramp([1, 1, 9, 13]), { size: [31, 7], mode: 'bilinear', alignCorners: true })],
  ['bicubic antialias downscale', (o) => o.interpolate(ramp([1, 5, 30, 28]), { size: [11, 9], mode: 'bicubic', antialias: true })],
  ['nearest 3x', (o) => o.interpolate(ramp([1, 7, 11, 9]), { scaleFactor: 3, mode: 'nearest' })],
  ['nearest-exact 1.7x', (o) => o.interpolate(ramp([3, 2, 10, 6]), { scaleFactor: 1.7, mode: 'nearest-exact' })],
  ['linear 1-D', (o) => o.interpolate(ramp([2, 5, 33]), { size: 70, mode: 'linear' })],
  ['trilinear 3-D', (o) => o.interpolate(ramp([1, 3, 5, 6, 7]), { scaleFactor: 2, mode: 'trilinear' })],
  ['area pooling', (o) => o.interpolate(ramp([1, 5, 23, 19]), { size: [7, 6], mode: 'area' })],
  ['area global mean', (o) => o.interpolate(ramp([2, 3, 8, 9]), { size: 1, mode: 'area' })],
];

const convCases: Case[] = [
  ['convTranspose2d 32->32 k4 s2 p1', (o) => o.convTranspose2d(ramp([1, 32, 9, 8]), ramp([32, 32, 4, 4], 2), { stride: 2, padding: 1 })],
  ['convTranspose2d K 256, 34 channels (x packed in panels, one per chunk)', (o) => o.convTranspose2d(ramp([1, 64, 6, 19]), ramp([64, 34, 4, 4], 2), { stride: 2, padding: 1 })],
  ['convTranspose2d M=6, bias, batch 2', (o) => o.convTranspose2d(ramp([2, 3, 7, 5]), ramp([3, 6, 3, 3], 2), { stride: 2, bias: ramp([6], 3).data, outputPadding: 1 })],
  ['convTranspose2d groups 2, dilation', (o) => o.convTranspose2d(ramp([1, 4, 6, 6]), ramp([4, 5, 3, 3], 2), { groups: 2, dilation: 2, stride: 3 })],
  ['convTranspose1d', (o) => o.convTranspose1d(ramp([2, 3, 17]), ramp([3, 9, 4], 2), { stride: 2, padding: 1 })],
  ['convTranspose3d', (o) => o.convTranspose3d(ramp([1, 2, 4, 5, 3]), ramp([2, 8, 2, 2, 2], 2), { stride: 2 })],
  ['conv2d strided, padding', (o) => o.conv2d(ramp([1, 3, 15, 14]), ramp([10, 3, 3, 3], 2), { stride: 2, padding: 1, bias: ramp([10], 4).data })],
  ['conv2d depthwise', (o) => o.conv2d(ramp([1, 6, 9, 9]), ramp([6, 1, 3, 3], 2), { groups: 6, padding: 'same' })],
  ['conv1d dilated', (o) => o.conv1d(ramp([3, 4, 20]), ramp([5, 4, 3], 2), { dilation: 2 })],
];

const shuffleCases: Case[] = [
  ['pixelShuffle 2', (o) => o.pixelShuffle(ramp([2, 12, 5, 7]), 2)],
  ['pixelUnshuffle 3', (o) => o.pixelUnshuffle(ramp([1, 5, 9, 12]), 3)],
];

const cases = [...interpolateCases, ...convCases, ...shuffleCases];

describe.each([1, 2, 3])('a pool of %i worker(s)', (threads) => {
  let pool: Pool;
  beforeAll(async () => {
    await up.init({ simd: true });
    pool = await up.createPool({ threads });
    expect(pool.shared).toBe(true);
    expect(pool.threads).toBe(threads);
  });
  afterAll(() => pool.close());

  it.each(cases)('%s: bit-identical to the synchronous API', async (name, run) => {
    const expected = await run(up);
    // Sized (these small calls run on the calling thread), then cut over every worker, then over
    // every worker but one and the calling thread.
    for (const sizing of [DEFAULT_SIZING, SPLIT_ALL, SPLIT_ALL_JOINED]) {
      Object.assign((pool as unknown as { sizing: Sizing }).sizing, sizing);
      expectSameBits(await run(pool), expected, `${name}${sizing === SPLIT_ALL ? ', on the workers' : sizing === SPLIT_ALL_JOINED ? ', on the workers and this thread' : ''}`);
    }
  });
});

/**
 * Whether this Node validates relaxed SIMD without flags, so that `init()` picks the relaxed build by
 * default: yes from Node 22 (V8 12.4); Node 20 only with --experimental-wasm-relaxed-simd, a flag
 * that Node 24 refuses as a bad option.
 */
const RELAXED_BY_DEFAULT = Number(process.versions.node.split('.')[0]) >= 22;

describe('the relaxed-SIMD shared build', () => {
  it(`matches the relaxed synchronous build bit for bit (a child process: Node ${process.versions.node} ${
    RELAXED_BY_DEFAULT ? 'picks relaxed by default' : 'picks relaxed only with --experimental-wasm-relaxed-simd'})`, async () => {
    const { execFileSync } = await import('node:child_process');
    const script = `
      import * as up from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const info = await up.init();
      const pool = await up.createPool({ threads: 2 });
      ${POOL_AGREEMENT}
      await pool.close();
      console.log(JSON.stringify({ sync: info.build, pool: pool.build, differ }));`;
    const flags = RELAXED_BY_DEFAULT ? [] : ['--experimental-wasm-relaxed-simd'];
    const out = execFileSync(process.execPath, [...flags, '--input-type=module'], { input: script, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ sync: 'relaxed', pool: 'relaxed', differ: 0 });
  });

  it(`is what init() picks by default on this Node (${process.versions.node}): ${RELAXED_BY_DEFAULT ? 'relaxed' : 'SIMD'}`, async () => {
    const info = await up.init();
    expect({ build: info.build, engineRelaxedSimd: info.engineRelaxedSimd })
      .toEqual(RELAXED_BY_DEFAULT ? { build: 'relaxed', engineRelaxedSimd: true } : { build: 'simd', engineRelaxedSimd: false });
    const pool = await up.createPool({ threads: 1 });
    expect(pool.build).toBe(info.build);
    await pool.close();
  });

  it('is chosen to match the synchronous API, or as asked', async () => {
    await up.init({ simd: true });
    const pool = await up.createPool({ threads: 1 });
    expect(pool.build).toBe('simd');
    await pool.close();
    await expect(up.createPool({ build: 'scalar' as never })).rejects.toThrow(TypeError);
    if (!up.backendInfo()!.engineRelaxedSimd) await expect(up.createPool({ build: 'relaxed' })).rejects.toThrow(/relaxed SIMD/);
  });
});

describe('a pool without Atomics.waitAsync (jobs by message)', () => {
  it('gives the same bits', async () => {
    const atomics = Atomics as unknown as { waitAsync?: unknown };
    const saved = atomics.waitAsync;
    atomics.waitAsync = undefined;
    let pool: Pool;
    try {
      pool = await up.createPool({ threads: 2 });
    } finally {
      atomics.waitAsync = saved;
    }
    // These calls are small: cut over both workers, or they would run on this thread.
    Object.assign((pool as unknown as { sizing: Sizing }).sizing, SPLIT_ALL);
    for (const [name, run] of cases) expectSameBits(await run(pool), await run(up), `by message: ${name}`);
    await pool.close();
  });
});

describe('the pool and its resident tensors', () => {
  let pool: Pool;
  beforeAll(async () => {
    await up.init({ simd: true });
    pool = await up.createPool({ threads: 2 });
    // Small calls here too: on the workers, as the pool's shared memory is what these tests are about.
    Object.assign((pool as unknown as { sizing: Sizing }).sizing, SPLIT_ALL);
  });
  afterAll(() => pool.close());

  it('runs a pipeline in place: inputs and out resident in the shared memory', async () => {
    const x = pool.allocTensor([1, 4, 30, 30], ramp([1, 4, 30, 30]).data);
    const w = pool.allocTensor([4, 4, 4, 4], ramp([4, 4, 4, 4], 2).data);
    const y = pool.allocTensor([1, 4, 60, 60]);
    const z = pool.allocTensor([1, 4, 120, 120]);
    expect(x.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    const before = pool.memoryBytes;
    expect(await pool.convTranspose2d(x, w, { stride: 2, padding: 1, out: y })).toBe(y);
    expect(await pool.interpolate(y, { scaleFactor: 2, mode: 'bilinear', out: z })).toBe(z);
    expect(pool.memoryBytes - before).toBeLessThan(200 * 1024); // tables only: no copies of y or z
    const expected = up.interpolate(up.convTranspose2d(ramp([1, 4, 30, 30]), ramp([4, 4, 4, 4], 2), { stride: 2, padding: 1 }), { scaleFactor: 2, mode: 'bilinear' });
    expectSameBits(z, expected, 'pipeline');
    for (const t of [x, w, y, z]) t.dispose();
  });

  it('re-derives views after the shared memory grows and keeps the values', async () => {
    const a = pool.allocTensor([5], [1, 2, 3, 4, 5]);
    const view = a.data;
    const bytes = pool.memoryBytes;
    const side = Math.ceil(Math.sqrt(bytes / 4 / 4)) + 16;
    await pool.interpolate(ramp([1, 1, side, side]), { scaleFactor: 2, mode: 'nearest' });
    expect(pool.memoryBytes).toBeGreaterThan(bytes);
    expect(a.data === view).toBe(false);
    expect(a.data.buffer.byteLength).toBe(pool.memoryBytes);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5]);
    a.dispose();
  });

  it('serialises concurrent calls, each with its own correct result', async () => {
    const inputs = [3, 4, 5, 6, 7, 8].map((n) => ramp([1, 2, n * 3, n * 2], n));
    const results = await Promise.all(inputs.map((x, i) => (i % 2
      ? pool.interpolate(x, { scaleFactor: 2, mode: 'bicubic' })
      : pool.convTranspose2d(x, ramp([2, 3, 3, 3]), { stride: 2 }))));
    results.forEach((r, i) => expectSameBits(r, i % 2
      ? up.interpolate(inputs[i], { scaleFactor: 2, mode: 'bicubic' })
      : up.convTranspose2d(inputs[i], ramp([2, 3, 3, 3]), { stride: 2 }), `call ${i}`));
  });

  it('refuses a tensor disposed before its call ran, and finishes one disposed while running', async () => {
    const x = pool.allocTensor([1, 2, 8, 8], ramp([1, 2, 8, 8]).data);
    const early = pool.interpolate(x, { size: 16 });
    x.dispose();
    await expect(early).rejects.toThrow(/disposed/);

    const big = ramp([1, 8, 96, 96]);
    const y = pool.allocTensor(big.shape, big.data);
    const running = pool.interpolate(y, { scaleFactor: 2, mode: 'bicubic' });
    await new Promise((resolve) => setTimeout(resolve, 0)); // the call has started
    y.dispose(); // freed only when the call is done
    expectSameBits(await running, up.interpolate(big, { scaleFactor: 2, mode: 'bicubic' }), 'disposed while running');
    // The pool keeps working, and refusals reject with the synchronous API's errors.
    await expect(pool.interpolate(ramp([1, 2, 5, 5]), { size: 9, mode: 'linear' })).rejects.toThrow(/3D input/);
    await expect(pool.convTranspose2d(ramp([1, 2, 5, 5]), ramp([3, 2, 3, 3]))).rejects.toThrow(/expected input\[1, 2, 5, 5\] to have 3 channels/);
    await expect(pool.interpolate(ramp([1, 1, 4, 4]), { size: 8, out: ramp([1, 1, 8, 7]) })).rejects.toThrow(RangeError);
    expectSameBits(await pool.pixelShuffle(ramp([1, 4, 3, 3]), 2), up.pixelShuffle(ramp([1, 4, 3, 3]), 2), 'after refusals');
    // The pool remembers interpolate plans by (shape, options): a remembered plan still checks the tensors.
    await pool.interpolate(ramp([1, 1, 4, 4]), { size: 8 });
    await pool.interpolate(ramp([1, 1, 4, 4]), { size: 4 });
    await expect(pool.interpolate({ data: new Float32Array(3), shape: [1, 1, 4, 4] }, { size: 8 })).rejects.toThrow(/needs 16/);
    await expect(pool.interpolate({ data: new Float32Array(16), shape: ['1', 1, 4, 4] as never }, { size: 8 })).rejects.toThrow(TypeError);
    await expect(pool.interpolate(ramp([1, 1, 4, 4]), { size: 8, out: ramp([1, 1, 8, 7]) })).rejects.toThrow(/out has shape \[1, 1, 8, 7\]/);
    const same = ramp([1, 1, 4, 4]);
    await expect(pool.interpolate(same, { size: 4, out: same })).rejects.toThrow(/must not share memory/);
    expectSameBits(await pool.interpolate(ramp([1, 1, 4, 4], 5), { size: 8 }), up.interpolate(ramp([1, 1, 4, 4], 5), { size: 8 }), 'remembered plan');
  });
});

describe('resident memory bookkeeping', () => {
  it('defers freeing a pinned block, and places new blocks above in-flight scratch', () => {
    const heap = new ResidentHeap(1024, () => {});
    const a = heap.allocate(100);
    const b = heap.allocate(100);
    expect(a.ptr).toBe(1024);
    expect(b.ptr).toBe(1024 + 128);
    a.pins++;
    heap.release(a);
    expect(heap.allocate(64).ptr).not.toBe(a.ptr); // still pinned: not reused
    expect(heap.find(a.ptr, 4)).toBeUndefined(); // but no longer usable as data
    heap.unpin(a);
    expect(heap.allocate(64).ptr).toBe(a.ptr); // freed once the operation finished
    heap.busy = [{ start: 2000, end: 10000 }];
    const high = heap.allocate(1000);
    expect(high.ptr).toBeGreaterThanOrEqual(10000); // above the busy range, now a gap between blocks
    expect(heap.allocate(5000).ptr).toBeGreaterThan(high.ptr); // that stays out of reach
    heap.busy = [];
    expect(heap.allocate(5000).ptr).toBeLessThan(10000); // until the operation is done
  });
});

describe('worker options', () => {
  it('drop the main script options a worker refuses, and keep the other Node options', () => {
    const flags = process.allowedNodeEnvironmentFlags;
    expect(workerExecArgv(['--enable-source-maps'], flags)).toBeUndefined(); // inherit as is
    expect(workerExecArgv(['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', 'code'], flags)).toEqual([]);
    expect(workerExecArgv(['--conditions', 'dev', '--input-type', 'module', '--enable-source-maps'], flags))
      .toEqual(['--conditions', 'dev', '--enable-source-maps']);
  });
});

describe('pool refusals and fallback', () => {
  it('refuses bad options', async () => {
    await expect(up.createPool({ threads: 0 })).rejects.toThrow(RangeError);
    await expect(up.createPool({ threads: 1.5 })).rejects.toThrow(RangeError);
    await expect(up.createPool({ threads: '2' as never })).rejects.toThrow(TypeError);
    await expect(up.createPool({ thread: 2 } as never)).rejects.toThrow(/unknown option 'thread'/);
    await expect(up.createPool({ maximumMemory: 100 })).rejects.toThrow(RangeError);
    await expect(up.createPool({ shared: 'yes' as never })).rejects.toThrow(TypeError);
    await expect(up.createPool({ spin: -1 })).rejects.toThrow(/spin must be milliseconds/);
    await expect(up.createPool({ spin: '1' as never })).rejects.toThrow(/spin must be milliseconds/);
    await expect(up.createPool({ spin: Number.NaN })).rejects.toThrow(RangeError);
    await expect(up.createPool({ callerJoins: 1 as never })).rejects.toThrow(/callerJoins must be a boolean/);
  });

  it('tiles a call larger than maximumMemory, rejects one that cannot tile small enough, and stays usable', async () => {
    await up.init({ simd: true });
    const pool = await up.createPool({ threads: 2, maximumMemory: 4 * 2 ** 20 });
    expectSameBits(await pool.interpolate(ramp([1, 4, 256, 256]), { scaleFactor: 2, mode: 'nearest' }),
      up.interpolate(ramp([1, 4, 256, 256]), { scaleFactor: 2, mode: 'nearest' }), 'tiled');
    await expect(pool.interpolate(ramp([1, 1, 1, 512, 512]), { scaleFactor: [1, 2, 2], mode: 'trilinear' })).rejects.toThrow(RangeError);
    expect(() => pool.allocTensor([2 ** 21])).toThrow(/^allocTensor: this tensor would end at byte \d+ of WebAssembly memory, past maximumMemory \(4194304 bytes\)/);
    expectSameBits(await pool.interpolate(ramp([1, 2, 8, 8]), { size: 12, mode: 'bilinear' }),
      up.interpolate(ramp([1, 2, 8, 8]), { size: 12, mode: 'bilinear' }), 'after refusal');
    await pool.close();
    await expect(pool.interpolate(ramp([1, 1, 2, 2]), { size: 4 })).rejects.toThrow(/closed/);
    expect(() => pool.allocTensor([2])).toThrow(/closed/);
  });

  it('fails pending and later calls when a worker dies, and still closes', async () => {
    const pool = await up.createPool({ threads: 2 });
    const x = ramp([1, 3, 64, 64]);
    await pool.interpolate(x, { scaleFactor: 2, mode: 'bicubic' });
    await (pool as unknown as { workers: Array<{ terminate(): Promise<unknown> }> }).workers[1].terminate();
    await expect(pool.interpolate(x, { scaleFactor: 2, mode: 'bicubic' })).rejects.toThrow(/worker failed/);
    await expect(pool.conv2d(x, ramp([4, 3, 3, 3]))).rejects.toThrow(/worker failed/);
    await pool.close();
  });

  it('falls back to one thread with the same results', async () => {
    await up.init({ simd: true });
    const pool = await up.createPool({ threads: 4, shared: false });
    expect(pool.shared).toBe(false);
    expect(pool.threads).toBe(1);
    for (const [name, run] of cases) expectSameBits(await run(pool), await run(up), `fallback ${name}`);
    const x = pool.allocTensor([1, 1, 3, 3], ramp([1, 1, 3, 3]).data);
    expectSameBits(await pool.interpolate(x, { size: 6, mode: 'bicubic' }), up.interpolate(ramp([1, 1, 3, 3]), { size: 6, mode: 'bicubic' }), 'fallback resident');
    x.dispose();
    await pool.close();
    await expect(pool.interpolate(ramp([1, 1, 2, 2]), { size: 4 })).rejects.toThrow(/closed/);
  });
});

describe('NaN payloads through the pool', () => {
  it('copying operations keep every bit (signalling and quiet NaNs with payloads)', async () => {
    const pool = await up.createPool({ threads: 2 });
    const payloads = [0x7f800001, 0x7fa00005, 0xffbfffff, 0xffc12345, 0x7fc00001];
    const bits = Uint32Array.from({ length: 2 * 8 * 6 * 6 }, (_, i) => (i % 2 ? payloads[i % payloads.length] : 0x40000000 + i));
    const x = { data: new Float32Array(bits.buffer), shape: [2, 8, 6, 6] };
    for (const run of [(o: Operations | Pool) => o.interpolate(x, { scaleFactor: 2, mode: 'nearest' }),
      (o: Operations | Pool) => o.pixelShuffle(x, 2), (o: Operations | Pool) => o.resize(x, { scales: [1, 1, 1.5, 0.5], mode: 'nearest' })]) {
      const expected = (await run(up.js)).data;
      const got = (await run(pool)).data;
      expect(Array.from(new Uint32Array(got.buffer, got.byteOffset, got.length)))
        .toEqual(Array.from(new Uint32Array(expected.buffer, expected.byteOffset, expected.length)));
    }
    await pool.close();
  });
});
