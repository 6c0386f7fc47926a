// The float64 sums of resize's integer linear / cubic (wide plans): numpy's order, which the ONNX
// reference's last-axis and exclude_outside sums follow, in the JS helper (src/rules/numpy-sum.ts)
// and in the WebAssembly kernel resampleRows64 (assembly/resize-wide.ts), simd and scalar builds.
// The values make a left-to-right sum differ from numpy's (expected values from numpy 2.4's
// np.add.reduce of the same array). End to end, the fixtures in test/resize.test.ts.

import { describe, expect, it } from 'vitest';
import type { KernelExports } from '../src/kernels.js';
import { positional, call } from '../src/kernels.js';
import { numpySum } from '../src/rules/numpy-sum.js';
import { instantiate } from '../src/wasm/load.js';

const values = (n: number): number[] => Array.from({ length: n }, (_, k) => (((k * 40503) % 997) - 498) * 10 ** ((k * 7) % 17));
/** numpy: np.array(values(n)).reshape(1, n).sum(axis=-1)[0]. */
const NUMPY: Array<[number, number]> = [
  [9, -1.4989997379646426e+17], [12, -1.4977560079648925e+17], [17, -1.5729063117161523e+17],
  [130, 1.218774325614143e+18], [300, 8.039038762194726e+18],
];
const leftToRight = (a: number[]): number => a.reduce((s, v) => s + v, 0);

describe('numpy order of float64 sums', () => {
  it.each(NUMPY)('numpySum of %i values is numpy\'s', (n, want) => {
    expect(numpySum(values(n), 0, n)).toBe(want);
    if (n !== 17) expect(leftToRight(values(n))).not.toBe(want); // the case tells the orders apart
  });

  for (const build of ['simd', 'scalar'] as const) {
    it(`resampleRows64 sums its taps in numpy's order (${build} build)`, async () => {
      const k = (await instantiate(undefined, build)).exports as unknown as KernelExports;
      const base = Math.ceil((k.heapBase() + 64) / 64) * 64;
      for (const [n, want] of NUMPY) {
        // One output of n taps, weight 1 each: the products are the values, exactly.
        const [src, dst, index] = [base, base + n * 8, base + n * 8 + 64];
        const weight = index + Math.ceil(n / 2) * 8 + 64;
        if (k.memory.buffer.byteLength < weight + n * 8) k.memory.grow(1);
        new Float64Array(k.memory.buffer, src, n).set(values(n));
        new Int32Array(k.memory.buffer, index, n).set(Array.from({ length: n }, (_, i) => i));
        new Float64Array(k.memory.buffer, weight, n).fill(1);
        k.resampleRows64(...positional(call('resampleRows64', { src, dst, rows: 1, inW: n, outW: 1, taps: n, index, weight, periodLo: 0, periodHi: 0 })));
        expect(new Float64Array(k.memory.buffer, dst, 1)[0]).toBe(want);
      }
    });
  }
});
