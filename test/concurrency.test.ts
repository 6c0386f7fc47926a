// Concurrency: many concurrent init() calls share one load per build, the last call decides the
// build, and results are bit-identical run to run, also when async tasks interleave their calls.
// (Its own file: vitest gives each file a fresh module graph, so nothing is loaded before.)

import { describe, expect, it, vi } from 'vitest';
import * as up from '../src/index.js';
import type { Tensor } from '../src/index.js';

function tensor(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 131 + i * 0.37)), shape };
}

function bytes(t: Tensor): Buffer {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** A fixed mix of every operation; `k` varies the sizes. */
function mixedCall(k: number): Tensor {
  switch (k % 6) {
    case 0: return up.interpolate(tensor([1, 3, 8 + (k % 5), 9], k), { scaleFactor: 2.3, mode: 'bicubic' });
    case 1: return up.interpolate(tensor([2, 2, 30 + k, 17], k), { size: [7, 40], mode: 'bilinear', antialias: true });
    case 2: return up.convTranspose2d(tensor([1, 8, 6 + (k % 3), 6], k), tensor([8, 4, 4, 4], k + 1), { stride: 2, padding: 1 });
    case 3: return up.conv2d(tensor([1, 4, 9, 10 + (k % 4)], k), tensor([6, 4, 3, 3], k + 1), { padding: 'same' });
    case 4: return up.pixelShuffle(tensor([1, 16, 5, 6 + (k % 3)], k), 2);
    default: return up.interpolate(tensor([1, 2, 4, 5, 6], k), { scaleFactor: 1.7, mode: 'trilinear' });
  }
}

/** Loads from bytes (V8 re-enters the spied function with the compiled Module: not counted). */
const loads = (spy: { mock: { calls: unknown[][] } }): number =>
  spy.mock.calls.filter((c) => !(c[0] instanceof WebAssembly.Module)).length;

/**
 * The build `init()` picks by default on this Node: relaxed SIMD from Node 22 (V8 12.4 validates it
 * without flags), SIMD on Node 20 (relaxed only behind --experimental-wasm-relaxed-simd).
 */
const DEFAULT_BUILD = Number(process.versions.node.split('.')[0]) >= 22 ? 'relaxed' : 'simd';

describe('concurrent init()', () => {
  it(`64 concurrent calls share one instantiation and resolve alike (the ${DEFAULT_BUILD} build on Node ${process.versions.node})`, async () => {
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    const infos = await Promise.all(Array.from({ length: 64 }, () => up.init()));
    expect(loads(instantiate)).toBe(1);
    expect(new Set(infos.map((i) => JSON.stringify({ build: i.build, simd: i.simd, engineSimd: i.engineSimd }))).size).toBe(1);
    expect(infos[0]).toMatchObject({ build: DEFAULT_BUILD, simd: true, engineRelaxedSimd: DEFAULT_BUILD === 'relaxed' });
    // Later calls reuse the loaded module.
    await Promise.all(Array.from({ length: 16 }, () => up.init()));
    expect(loads(instantiate)).toBe(1);
    instantiate.mockRestore();
  });

  it('interleaved calls for both builds load each once, and the last call decides the build', async () => {
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    const calls = Array.from({ length: 20 }, (_, i) => up.init({ simd: i % 3 !== 0 }));
    calls.push(up.init({ simd: false }));
    await Promise.all(calls);
    // The test above loaded the default build: where that is SIMD (Node 20) only the scalar build is
    // new; where it is relaxed (Node 22+) the SIMD and scalar builds both are.
    expect(loads(instantiate)).toBe(DEFAULT_BUILD === 'simd' ? 1 : 2);
    expect(up.backendInfo()!).toMatchObject({ build: 'scalar', simd: false });
    await up.init({ simd: true });
    expect(up.backendInfo()!).toMatchObject({ build: 'simd', simd: true });
    // Every build is loaded now: switching back to the default loads nothing.
    await up.init();
    expect(up.backendInfo()!.build).toBe(DEFAULT_BUILD);
    expect(loads(instantiate)).toBe(DEFAULT_BUILD === 'simd' ? 1 : 2);
    instantiate.mockRestore();
  });
});

describe('results are bit-identical run to run', () => {
  it('the same 60 mixed calls twice, on each build, give the same bytes', async () => {
    for (const simd of [true, false]) {
      await up.init({ simd });
      const first = Array.from({ length: 60 }, (_, k) => bytes(mixedCall(k)));
      // Something large in between moves the high-water mark and leaves other data in the arena.
      up.interpolate(tensor([1, 4, 128, 128], 9), { scaleFactor: 3, mode: 'bilinear' });
      const second = Array.from({ length: 60 }, (_, k) => bytes(mixedCall(k)));
      second.forEach((b, k) => expect(b.equals(first[k]), `call ${k} on ${simd ? 'SIMD' : 'scalar'}`).toBe(true));
    }
    await up.init();
  });

  it('16 async tasks interleaving their calls (awaiting between them) each get what a lone run gets', async () => {
    await up.init();
    const alone = Array.from({ length: 48 }, (_, k) => bytes(mixedCall(k)));
    const task = async (t: number): Promise<Buffer[]> => {
      const out: Buffer[] = [];
      for (let j = 0; j < 3; j++) {
        await new Promise((resolve) => setImmediate(resolve));
        out.push(bytes(mixedCall(t * 3 + j)));
      }
      return out;
    };
    const results = (await Promise.all(Array.from({ length: 16 }, (_, t) => task(t)))).flat();
    results.forEach((b, k) => expect(b.equals(alone[k]), `call ${k}`).toBe(true));
  });
});
