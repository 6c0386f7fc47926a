// Calls in flight together: a pool stages the next call while the workers run the one before
// (two job slots a worker), so calls that share no memory overlap. Calls that do share memory
// (one reads what another writes, or both write it) still see the synchronous order, results
// resolve in call order, and memory stays bounded. Workers run the built files (dist/).

import { afterAll, beforeAll, expect, it } from 'vitest';
import * as up from '../dist/index.js';
import type { Pool, Tensor } from '../dist/index.js';
import { differingBits, ramp } from './helpers.js';

let pool: Pool;
beforeAll(async () => {
  await up.init({ simd: true });
  pool = await up.createPool({ threads: 2 });
});
afterAll(() => pool.close());

/** Internal: the calls whose kernels the workers hold (to check that calls do overlap). */
const inFlight = (): number => (pool as unknown as { flights: unknown[] }).flights.length;

const sameBits = (actual: Float32Array, expected: Float32Array): boolean => differingBits(actual, expected) === 0;

// An interpolation that still runs while the next call is staged.
const BIG = [1, 8, 128, 128];
const up2 = { scaleFactor: 2, mode: 'bicubic' } as const;

// A slow call with a small output (tens of milliseconds): conv2d 256 -> 8 channels, 32x32 kernel.
const A_SHAPE = [4, 256, 34, 34];
const K = ramp([8, 256, 32, 32], 7);
const slowConv = (ops: Pool, a: Tensor, out?: Tensor): Promise<Tensor> => ops.conv2d(a, K, out ? { out } : {});
const slowExpected = () => up.conv2d(ramp(A_SHAPE), K).data; // [4, 8, 3, 3]

it('overlaps calls that share no memory', async () => {
  // The first call takes tens of milliseconds, so it still runs when the second is staged even if
  // other processes hold this thread up for a while (a short first call once finished first).
  const a = pool.allocTensor(A_SHAPE, ramp(A_SHAPE).data);
  const x = pool.allocTensor(BIG, ramp(BIG).data);
  const out = pool.allocTensor([1, 8, 256, 256]);
  const calls = [slowConv(pool, a), pool.interpolate(x, { ...up2, out })];
  let peak = 0;
  // Staging happens in microtasks; completions arrive as tasks, so none can intervene here.
  for (let tick = 0; tick < 50; tick++) {
    peak = Math.max(peak, inFlight());
    await null;
  }
  const [slow, fast] = await Promise.all(calls);
  expect(peak).toBe(2);
  expect(sameBits(slow.data, slowExpected())).toBe(true);
  expect(sameBits(fast.data, up.interpolate(ramp(BIG), up2).data)).toBe(true);
  for (const t of [a, x, out]) t.dispose();
});

it('runs a call that reads another call\'s resident output after it (read after write)', async () => {
  const a = pool.allocTensor(A_SHAPE, ramp(A_SHAPE).data);
  const t = pool.allocTensor([4, 8, 3, 3]);
  const x = ramp([1, 4, 6, 6], 2);
  const first = slowConv(pool, a, t);
  // t is the second call's weight, which that call packs first: it must wait for the first call.
  const second = pool.convTranspose2d(x, t, { stride: 2 });
  const [, result] = await Promise.all([first, second]);
  const expected = up.convTranspose2d(x, { data: slowExpected(), shape: [4, 8, 3, 3] }, { stride: 2 });
  expect(sameBits(result.data, expected.data)).toBe(true);
  for (const r of [a, t]) r.dispose();
});

it('lets a call finish reading a tensor before a later call overwrites it (write after read)', async () => {
  const a = pool.allocTensor(A_SHAPE, ramp(A_SHAPE).data);
  const reading = slowConv(pool, a);
  const overwriting = pool.pixelShuffle(ramp([4, 1024, 17, 17], 3), 2, { out: a });
  const [result] = await Promise.all([reading, overwriting]);
  expect(sameBits(result.data, slowExpected())).toBe(true);
  expect(sameBits(a.data, up.pixelShuffle(ramp([4, 1024, 17, 17], 3), 2).data)).toBe(true);
  a.dispose();
});

it('leaves the later call\'s result in an out that two calls write (write after write)', async () => {
  const a = pool.allocTensor(A_SHAPE, ramp(A_SHAPE).data);
  const out = pool.allocTensor([4, 8, 3, 3]);
  const order: string[] = [];
  const calls = [
    slowConv(pool, a, out).then(() => order.push('slow')),
    pool.pixelUnshuffle(ramp([4, 2, 6, 6], 5), 2, { out }).then(() => order.push('fast')),
  ];
  await Promise.all(calls);
  expect(order).toEqual(['slow', 'fast']);
  expect(sameBits(out.data, up.pixelUnshuffle(ramp([4, 2, 6, 6], 5), 2).data)).toBe(true);
  for (const r of [a, out]) r.dispose();
});

it('passes a JS array written by one call to the next as its input', async () => {
  const js = new Float32Array(8 * 256 * 256);
  const first = pool.interpolate(ramp(BIG), { ...up2, out: { data: js, shape: [1, 8, 256, 256] } });
  const second = pool.interpolate({ data: js, shape: [1, 8, 256, 256] }, { size: [64, 64], mode: 'area' });
  const [, result] = await Promise.all([first, second]);
  const expected = up.interpolate(up.interpolate(ramp(BIG), up2), { size: [64, 64], mode: 'area' });
  expect(sameBits(result.data, expected.data)).toBe(true);
});

it('resolves calls in call order, whatever their size', async () => {
  const order: number[] = [];
  const shapes = [BIG, [1, 1, 2, 2], BIG, [1, 1, 3, 3], [1, 2, 4, 4]];
  await Promise.all(shapes.map((shape, i) => pool.interpolate(ramp(shape), up2).then(() => order.push(i))));
  expect(order).toEqual([0, 1, 2, 3, 4]);
});

it('keeps memory bounded with two calls in flight, of alternating sizes', async () => {
  const small = [1, 2, 32, 32];
  const inputs = [BIG, small].map((shape) => pool.allocTensor(shape, ramp(shape).data));
  const outs = [0, 1, 2, 3].map((i) => pool.allocTensor(inputs[i & 1].shape.map((n, d) => (d < 2 ? n : 2 * n))));
  const expected = inputs.map((x) => up.interpolate({ data: Float32Array.from(x.data), shape: x.shape }, up2).data);
  const window = async (calls: number): Promise<void> => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < calls) {
        const i = next++;
        await pool.interpolate(inputs[i & 1], { ...up2, out: outs[i & 3] });
      }
    };
    await Promise.all([lane(), lane()]);
  };
  await window(8);
  const bytes = pool.memoryBytes;
  await window(40);
  expect(pool.memoryBytes).toBe(bytes);
  outs.forEach((out, i) => expect(sameBits(out.data, expected[i & 1]), `out ${i}`).toBe(true));
  for (const t of [...inputs, ...outs]) t.dispose();
});

it('never places a new tensor in memory that a call in flight uses, even in a gap between tensors', async () => {
  const fresh = await up.createPool({ threads: 2 }); // no gaps left by other tests
  const shape = [16, 256, 34, 34]; // the slow conv, 4 times over: the call runs while we allocate
  const a = fresh.allocTensor(shape, ramp(shape).data);
  const sevens = new Float32Array(5 << 20).fill(7);
  const running = fresh.conv2d(a, K); // its scratch (a copy of K, packed weights) sits above a
  await new Promise((resolve) => setTimeout(resolve, 0)); // staged, and running
  expect((fresh as unknown as { flights: unknown[] }).flights.length).toBe(1);
  const above = fresh.allocTensor([1 << 10]); // goes above that scratch: the scratch is now a gap
  const inGap = fresh.allocTensor([sevens.length], sevens); // must not land in it
  expect(inGap.data.byteOffset).toBeGreaterThan(above.data.byteOffset);
  expect(sameBits((await running).data, up.conv2d(ramp(shape), K).data)).toBe(true);
  expect(inGap.data.every((v) => v === 7)).toBe(true);
  await fresh.close();
});
