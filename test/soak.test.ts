// The memory soak, shorter than `npm run soak`: WebAssembly memory stays at its high-water mark,
// the heap does not climb, results stay bit-identical. And when WebAssembly memory cannot grow
// (a module whose memory has a maximum), a call fails with a clear RangeError and the module stays
// usable for smaller work.

import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import { expectClose } from './helpers.js';
import { formatFigures, soak } from '../scripts/soak-lib.mjs';

const MIB = 2 ** 20;

/** A full garbage collection, as node --expose-gc gives (the flag can be set at run time). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // Twice: the first collection frees ArrayBuffers, the second their backing stores' accounting.
  return () => { gc(); gc(); };
}

describe('memory soak', () => {
  it('6,000 mixed calls of every op (up to 16 MiB, refusals between): memory at its high-water mark', async () => {
    await up.init();
    const f = soak(up, { calls: 6000, gc: exposeGc() });
    console.log(formatFigures(f));
    expect(f.refusalsTried).toBeGreaterThan(100);
    expect(f.memoryAfter).toBe(f.memoryBefore);
    expect(f.probeAfter).toBe(f.probeBefore);
    // After a full collection: keeping any one 16 MiB result, or a fraction of the rest, breaks it.
    expect(f.heapAfter - f.heapBefore).toBeLessThan(8 * MIB);
    expect(f.externalAfter - f.externalBefore).toBeLessThan(8 * MIB);
    expect(f.bytesOut).toBeGreaterThan(40 * MIB);
  }, 120_000);
});

describe('a call too large for one WebAssembly memory', () => {
  it('is a RangeError before its output is allocated when even its smallest tile cannot fit, and the module stays usable', async () => {
    await up.init();
    // 1 GiB in (untouched, so the pages are never committed), 1.5 GiB out: one 5-D plane of
    // depth 1, which tiles only by planes and depths, so its one tile needs both side by side.
    const input = { data: new Float32Array(2 ** 28), shape: [1, 1, 1, 16384, 16384] };
    const before = up.backendInfo()!.memoryBytes;
    expect(() => up.interpolate(input, { size: [1, 16384, 24576], mode: 'trilinear' }))
      .toThrow(/^this call needs \d+ bytes of WebAssembly memory( even for its smallest part)?, more than the 2147483648 one call can have/);
    expect(up.backendInfo()!.memoryBytes).toBe(before);
    const small = { data: Float32Array.from({ length: 16 }, (_, i) => i), shape: [1, 1, 4, 4] };
    expect(Array.from(up.interpolate(small, { size: 2, mode: 'nearest' }).data)).toEqual([0, 2, 8, 10]);
  });
});

/** The module's bytes with a maximum on its memory (the limits of the memory section). */
function withMaximumMemory(bytes: Uint8Array, maximumPages: number): Uint8Array<ArrayBuffer> {
  const leb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const readLeb = (at: number): [number, number] => {
    let n = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[at++];
      n |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return [n, at];
  };
  const parts: number[][] = [Array.from(bytes.subarray(0, 8))];
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at];
    const [size, body] = readLeb(at + 1);
    if (id === 5) {
      // One memory: flags 0 (minimum only) -> 1 (minimum and maximum).
      const [count, limits] = readLeb(body);
      expect(count).toBe(1);
      expect(bytes[limits]).toBe(0);
      const [minimum] = readLeb(limits + 1);
      const payload = [1, 1, ...leb(minimum), ...leb(maximumPages)];
      parts.push([5, ...leb(payload.length), ...payload]);
    } else {
      parts.push(Array.from(bytes.subarray(at, body + size)));
    }
    at = body + size;
  }
  return Uint8Array.from(parts.flat());
}

describe('when WebAssembly memory cannot grow', () => {
  it('a call that needs more fails with a RangeError, leaves memory as it was, and smaller calls still work', async () => {
    const bytes = readFileSync(new URL('../build/simd.wasm', import.meta.url));
    const module = new WebAssembly.Module(withMaximumMemory(bytes, 64)); // 4 MiB at most
    expect(WebAssembly.Module.exports(module).some((e) => e.name === 'memory')).toBe(true);
    const info = await up.init({ wasm: module });
    expect(info.simd).toBe(true);
    const small = { data: Float32Array.from({ length: 2 * 16 * 16 }, (_, i) => Math.sin(i)), shape: [1, 2, 16, 16] };
    const expected = up.interpolate(small, { scaleFactor: 2, mode: 'bicubic' });
    expectClose(expected, up.js.interpolate(small, { scaleFactor: 2, mode: 'bicubic' }), 1e-5);
    const before = up.backendInfo()!.memoryBytes;

    const big = { data: new Float32Array(4 * 256 * 256), shape: [1, 4, 256, 256] }; // 1 MiB in, 4 MiB out
    let error: unknown;
    try {
      up.interpolate(big, { scaleFactor: 2, mode: 'bilinear' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/WebAssembly memory could not grow to \d+ bytes/);
    expect(up.backendInfo()!.memoryBytes).toBe(before);
    for (const op of ['convTranspose2d', 'pixelShuffle'] as const) {
      const call = op === 'pixelShuffle' ? () => up.pixelShuffle({ data: new Float32Array(2 ** 21), shape: [1, 16, 256, 512] }, 4)
        : () => up.convTranspose2d({ data: new Float32Array(2 ** 20), shape: [1, 16, 256, 256] }, { data: new Float32Array(256), shape: [16, 4, 2, 2] }, { stride: 2 });
      expect(call).toThrow(RangeError);
    }
    // The module is still usable for work that fits, with the same results.
    expect(up.interpolate(small, { scaleFactor: 2, mode: 'bicubic' }).data).toEqual(expected.data);
    expect(up.pixelShuffle({ data: new Float32Array(64).fill(1), shape: [1, 4, 4, 4] }, 2).data).toEqual(new Float32Array(64).fill(1));
    await up.init();
  });
});
