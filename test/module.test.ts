// Loading, build switching, and the memory rules: a refused call does no work and leaks
// nothing, and repeated calls hold memory at a high-water mark.

import { describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import { backendInfo } from '../src/index.js';

function ramp(shape: number[]) {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => (i % 97) / 7), shape };
}

describe('init', () => {
  it('shares one load between concurrent calls and reports the build', async () => {
    const infos = await Promise.all([up.init(), up.init(), up.init()]);
    expect(infos.every((i) => i.simd === infos[0].simd)).toBe(true);
    expect(infos[0].engineSimd).toBe(true);
    expect(infos[0].simd).toBe(true);
  });

  it('switches between the SIMD and scalar builds, with the same results', async () => {
    const input = ramp([2, 3, 7, 9]);
    expect((await up.init({ simd: false })).simd).toBe(false);
    const scalar = up.interpolate(input, { scaleFactor: 2.5, mode: 'bicubic' });
    expect((await up.init({ simd: true })).simd).toBe(true);
    const simd = up.interpolate(input, { scaleFactor: 2.5, mode: 'bicubic' });
    expect(simd.shape).toEqual([2, 3, 17, 22]);
    for (let i = 0; i < simd.data.length; i++) expect(Math.abs(simd.data[i] - scalar.data[i])).toBeLessThan(1e-5);
  });

  it('accepts the module as bytes and as a compiled WebAssembly.Module', async () => {
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(new URL('../build/scalar.wasm', import.meta.url));
    expect((await up.init({ wasm: bytes })).simd).toBe(false);
    const module = await WebAssembly.compile(await readFile(new URL('../build/simd.wasm', import.meta.url)));
    expect((await up.init({ wasm: module })).simd).toBe(true);
    expect(up.interpolate(ramp([1, 1, 2, 2]), { size: 4 }).shape).toEqual([1, 1, 4, 4]);
    await expect(up.init({ wasm: 42 as unknown as Uint8Array })).rejects.toThrow(TypeError);
    await up.init();
  });

  it("loads the packaged file in Node without reading the global Response (which loads Node's fetch, undici: 8 MiB)", async () => {
    const { execFileSync } = await import('node:child_process');
    const index = new URL('../dist/index.js', import.meta.url).href; // built (npm run build), in a fresh process
    const script = `const up = await import(${JSON.stringify(index)}); await up.init(); await up.init({ simd: false });
      console.log(JSON.stringify(process.moduleLoadList.filter((m) => /undici|fetch/.test(m))));`;
    expect(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }))).toEqual([]);
  });
});

describe('memory', () => {
  it('grows to a high-water mark, then stays there across thousands of mixed calls', async () => {
    await up.init();
    const big = ramp([1, 4, 64, 64]);
    up.interpolate(big, { scaleFactor: 3, mode: 'bilinear' });
    const high = backendInfo()!.memoryBytes;
    for (let i = 0; i < 3000; i++) {
      const n = 1 + (i % 13);
      const input = ramp([1, 1 + (i % 3), n, n + 1]);
      const mode = (['nearest', 'bilinear', 'bicubic', 'area', 'nearest-exact'] as const)[i % 5];
      up.interpolate(input, { scaleFactor: 1 + (i % 4) * 0.75, mode });
      if (i % 100 === 0) up.interpolate(big, { scaleFactor: 3, mode: 'bilinear' });
    }
    expect(backendInfo()!.memoryBytes).toBe(high);
  });

  it('a refused call leaves the module usable and memory unchanged', async () => {
    await up.init();
    const before = backendInfo()!.memoryBytes;
    const input = ramp([1, 2, 5, 5]);
    expect(() => up.interpolate(input, { size: [10, 10], mode: 'linear' })).toThrow(/needs 3D input/);
    expect(() => up.interpolate({ data: new Float32Array(3), shape: [1, 2, 5, 5] }, { size: 2 })).toThrow(RangeError);
    expect(() => up.interpolate({ data: new Float64Array(50) as unknown as Float32Array, shape: [1, 2, 5, 5] }, { size: 2 })).toThrow(TypeError);
    expect(() => up.interpolate(input, { size: 2, sizes: 3 } as never)).toThrow(/unknown option 'sizes'/);
    expect(backendInfo()!.memoryBytes).toBe(before);
    expect(up.interpolate(input, { size: 10 }).data[0]).toBe(input.data[0]);
  });

  it('results stay valid after later calls (the caller owns them)', async () => {
    await up.init();
    const a = up.interpolate(ramp([1, 1, 3, 3]), { size: 6, mode: 'bilinear' });
    const copy = a.data.slice();
    up.interpolate(ramp([1, 2, 50, 50]), { size: 200, mode: 'bilinear' });
    expect(a.data).toEqual(copy);
  });
});
