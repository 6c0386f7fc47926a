// WebAssembly-resident tensors: same results as plain arrays, used in place (no copies), views
// safe across memory growth, dispose and reuse, and the refusals.

import { beforeAll, describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import { backendInfo, type Tensor } from '../src/index.js';
import * as dist from '../dist/index.js'; // pools run the built workers

function ramp(shape: number[], seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => ((i * 37 + seed * 11) % 101) / 13 - 3), shape };
}

const same = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
};

describe.each([true, false])('resident tensors (simd %s)', (simd) => {
  beforeAll(async () => {
    expect((await up.init({ simd })).simd).toBe(simd);
  });

  it('give bit-identical results as inputs and as out, for every family', () => {
    const x = ramp([2, 3, 9, 11]);
    const w = ramp([3, 4, 3, 3], 2);
    const bias = ramp([4], 3);
    const rx = up.allocTensor(x.shape, x.data);
    const rw = up.allocTensor(w.shape, w.data);
    const rb = up.allocTensor(bias.shape, bias.data);

    const interp = up.interpolate(x, { scaleFactor: 2, mode: 'bicubic' });
    const rInterp = up.allocTensor(interp.shape);
    expect(up.interpolate(rx, { scaleFactor: 2, mode: 'bicubic', out: rInterp })).toBe(rInterp);
    same(rInterp.data, interp.data);
    same(up.interpolate(rx, { scaleFactor: 2, mode: 'bicubic' }).data, interp.data); // resident in, JS out
    const jsOut = { data: new Float32Array(interp.data.length), shape: interp.shape };
    up.interpolate(x, { scaleFactor: 2, mode: 'bicubic', out: jsOut });
    same(jsOut.data, interp.data);

    const conv = up.convTranspose2d(x, w, { stride: 2, padding: 1, bias: bias.data });
    const rConv = up.allocTensor(conv.shape);
    up.convTranspose2d(rx, rw, { stride: 2, padding: 1, bias: rb, out: rConv });
    same(rConv.data, conv.data);

    const shuffled = up.pixelShuffle(ramp([1, 8, 5, 6]), 2);
    const rShuffleIn = up.allocTensor([1, 8, 5, 6], ramp([1, 8, 5, 6]).data);
    const rShuffled = up.allocTensor(shuffled.shape);
    up.pixelShuffle(rShuffleIn, 2, { out: rShuffled });
    same(rShuffled.data, shuffled.data);

    // The plain-JS backend takes them too: they are ordinary Float32Arrays.
    same(up.js.interpolate(rx, { size: [4, 5], mode: 'bilinear' }).data, up.js.interpolate(x, { size: [4, 5], mode: 'bilinear' }).data);
    for (const t of [rx, rw, rb, rInterp, rConv, rShuffleIn, rShuffled]) t.dispose();
  });

  it('write nothing outside out: the tensors on both sides keep their values (2x row kernels)', () => {
    for (const mode of ['bilinear', 'bicubic', 'nearest'] as const) {
      for (let w = 6; w < 42; w++) {
        const x = up.allocTensor([1, 2, 3, w], ramp([1, 2, 3, w], w).data);
        const before = up.allocTensor([16], new Float32Array(16).fill(9));
        const out = up.allocTensor([1, 2, 6, 2 * w]);
        const after = up.allocTensor([64], new Float32Array(64).fill(9));
        up.interpolate(x, { scaleFactor: 2, mode, out });
        expect(before.data.every((v) => v === 9) && after.data.every((v) => v === 9), `${mode} width ${w}`).toBe(true);
        for (const t of [x, before, out, after]) t.dispose();
      }
    }
  });

  it('are used in place: a pipeline grows memory by its tables only, not by copies', () => {
    const shape = [1, 8, 128, 128]; // 512 KiB in, 2 MiB out
    const x = up.allocTensor(shape, ramp(shape).data);
    const y = up.allocTensor([1, 8, 256, 256]);
    const z = up.allocTensor([1, 8, 128, 128]);
    const before = backendInfo()!.memoryBytes;
    up.interpolate(x, { scaleFactor: 2, mode: 'bilinear', out: y });
    up.interpolate(y, { size: 128, mode: 'area', out: z });
    // Copies of x and y in the scratch would need 2.5 MiB more; the tables need a few KiB.
    expect(backendInfo()!.memoryBytes - before).toBeLessThan(256 * 1024);
    const expected = up.interpolate(up.interpolate(ramp(shape), { scaleFactor: 2, mode: 'bilinear' }), { size: 128, mode: 'area' });
    same(z.data, expected.data);
    for (const t of [x, y, z]) t.dispose();
  });

  it('keep their values and re-derive their views when memory grows', () => {
    const a = up.allocTensor([2, 3], [1, 2, 3, 4, 5, 6]);
    const view = a.data;
    const bytes = backendInfo()!.memoryBytes;
    // A call whose scratch is larger than all memory so far grows it (detaching old views).
    const big = Math.ceil(Math.sqrt(bytes / 4 / 4)) + 8;
    up.interpolate(ramp([1, 1, big, big]), { scaleFactor: 2, mode: 'bilinear' });
    expect(backendInfo()!.memoryBytes).toBeGreaterThan(bytes);
    expect(view.length).toBe(0); // the old view is detached: the documented rule is to re-read .data
    expect(a.data === view).toBe(false);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    // A call's scratch sits above resident tensors: they survive any call.
    const b = up.allocTensor([1, 1, 4, 4], ramp([1, 1, 4, 4]).data);
    const copy = b.data.slice();
    up.interpolate(ramp([1, 2, 40, 40]), { scaleFactor: 3, mode: 'bicubic' });
    up.convTranspose2d(ramp([1, 4, 20, 20]), ramp([4, 4, 4, 4]), { stride: 2, padding: 1 });
    same(b.data, copy);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    a.dispose();
    b.dispose();
  });

  it('dispose frees the memory for reuse, and a disposed tensor is refused', () => {
    const a = up.allocTensor([1, 1, 8, 8]);
    const address = a.data.byteOffset;
    const stale = a.data;
    expect(a.disposed).toBe(false);
    a.dispose();
    a.dispose(); // idempotent
    expect(a.disposed).toBe(true);
    expect(() => a.data).toThrow(/disposed/);
    expect(() => up.interpolate(a, { size: 4 })).toThrow(/disposed/);
    expect(() => up.interpolate({ data: stale, shape: [1, 1, 8, 8] }, { size: 4 })).toThrow(/live tensor from allocTensor/);
    const b = up.allocTensor([1, 1, 8, 8]);
    expect(b.data.byteOffset).toBe(address); // first fit reuses the gap
    expect(b.data.every((v) => v === 0)).toBe(true); // zero-filled even where old data was
    b.dispose();
  });

  it('refuses bad shapes and data, wrong out shapes and out aliasing the input', () => {
    expect(() => up.allocTensor('1,2' as never)).toThrow(TypeError);
    expect(() => up.allocTensor([1, -2])).toThrow(RangeError);
    expect(() => up.allocTensor([1, 2.5])).toThrow(RangeError);
    expect(() => up.allocTensor([2, 2], [1, 2, 3])).toThrow(/has 3 elements but shape \[2, 2\] needs 4/);
    expect(() => up.allocTensor([2 ** 20, 2 ** 20])).toThrow(RangeError);
    const x = up.allocTensor([1, 1, 4, 4], ramp([1, 1, 4, 4]).data);
    const wrong = up.allocTensor([1, 1, 8, 7]);
    expect(() => up.interpolate(x, { size: 8, out: wrong })).toThrow(/out has shape \[1, 1, 8, 7\]/);
    expect(() => up.interpolate(x, { size: 4, out: x })).toThrow(/must not share memory/);
    // A plain object over a resident tensor's data is accepted (the memory is live).
    const y = up.allocTensor([1, 1, 8, 8]);
    up.interpolate({ data: x.data, shape: x.shape }, { size: 8, out: { data: y.data, shape: y.shape } });
    same(y.data, up.interpolate(x, { size: 8 }).data);
    for (const t of [x, wrong, y]) t.dispose();
  });
});

describe('resident tensors across builds', () => {
  it('are copied like plain arrays by a module that does not own them', async () => {
    await up.init({ simd: true });
    const x = up.allocTensor([1, 2, 6, 6], ramp([1, 2, 6, 6]).data);
    const out = up.allocTensor([1, 2, 12, 12]);
    await up.init({ simd: false });
    const viaScalar = up.interpolate(x, { scaleFactor: 2, mode: 'bilinear', out });
    expect(viaScalar).toBe(out);
    await up.init({ simd: true });
    const viaSimd = up.interpolate(ramp([1, 2, 6, 6]), { scaleFactor: 2, mode: 'bilinear' });
    for (let i = 0; i < viaSimd.data.length; i++) expect(Math.abs(out.data[i] - viaSimd.data[i])).toBeLessThan(1e-5);
    x.dispose();
    out.dispose();
  });
});

describe('resident tensors of a pool beside another shared memory', () => {
  // V8 gives a shared memory a new buffer object whenever any shared memory of the thread grows;
  // the pool must still know its tensors' views as its own (else it copies them in and out).
  it('are used in place after another pool grew its memory', async () => {
    const a = await dist.createPool({ threads: 1 });
    const b = await dist.createPool({ threads: 1 });
    try {
      const shape = [1, 4, 256, 256]; // 1 MiB in, 4 MiB out
      const x = a.allocTensor(shape, ramp(shape).data);
      const out = a.allocTensor([1, 4, 512, 512]);
      await a.interpolate(x, { scaleFactor: 2, mode: 'bilinear', out }); // a's tables
      const before = a.memoryBytes;
      const big = b.allocTensor([1, 8, 1024, 1024]); // 32 MiB: b's memory grows
      for (let round = 0; round < 3; round++) {
        big.dispose();
        const again = b.allocTensor([1, 8 + round, 1024, 1024]); // grows b again between a's calls
        await a.interpolate(x, { scaleFactor: 2, mode: 'bilinear', out });
        again.dispose();
      }
      // In place, a's calls need only their tables: copies of x and out would need 5 MiB more.
      expect(a.memoryBytes - before).toBeLessThan(1 << 20);
      const expected = dist.js.interpolate(ramp(shape), { scaleFactor: 2, mode: 'bilinear' });
      for (let i = 0; i < expected.data.length; i += 997) expect(Math.abs(out.data[i] - expected.data[i])).toBeLessThan(1e-5);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
