// The half-float conversions in WebAssembly (assembly/convert.ts `widen`, `narrow` type 5) on the
// SIMD and scalar builds, against a reference written here in double arithmetic, and, where the
// engine has Float16Array (Node 24, browsers), against the engine's own conversions that they
// replace: all 65,536 half bit patterns widened, and float32 patterns narrowed around every
// rounding boundary (each half, the ties between neighbours and one ulp either side, overflow,
// subnormals, NaNs of both signs with payloads) plus random bit patterns.

import { beforeAll, describe, expect, it } from 'vitest';
import { FLOAT16_CODE } from '../src/dtype.js';
import type { KernelExports } from '../src/kernels.js';
import { instantiate } from '../src/wasm/load.js';

type F16Ctor = new (b: ArrayBufferLike) => ArrayLike<number> & { set(a: ArrayLike<number>): void };
const F16 = (globalThis as Record<string, unknown>).Float16Array as F16Ctor | undefined;

const word = new Uint32Array(1);
const single = new Float32Array(word.buffer);
const floatOf = (bits: number): number => { word[0] = bits; return single[0]; };
const bitsOf = (x: number): number => { single[0] = x; return word[0]; };

function roundEven(v: number): number {
  const f = Math.floor(v);
  return v - f > 0.5 ? f + 1 : v - f < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

/** Float32 bits of half `h`: NaNs keep their payload and become quiet. */
function widenReference(h: number): number {
  const sign = (h & 0x8000) << 16;
  const e = (h >> 10) & 31;
  const m = h & 1023;
  if (e === 31) return (sign | 0x7f800000 | (m ? 0x400000 | (m << 13) : 0)) >>> 0;
  const magnitude = e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
  return (sign | bitsOf(magnitude)) >>> 0;
}

/** Half bits of float32 bits `f`, round to nearest even; NaN is 0x7e00 with its sign. */
function narrowReference(f: number): number {
  const sign = (f >>> 16) & 0x8000;
  const x = Math.abs(floatOf(f));
  if (Number.isNaN(x)) return sign | 0x7e00;
  if (x >= 65520) return sign | 0x7c00;
  if (x < 2 ** -14) return sign | roundEven(x * 2 ** 24); // 1024 is the smallest normal: its bits too
  let e = Math.floor(Math.log2(x));
  if (2 ** e > x) e--;
  if (2 ** (e + 1) <= x) e++;
  return sign | (((e + 15) << 10) + roundEven(x / 2 ** (e - 10)) - 1024); // 2048 carries into the exponent
}

function narrowCases(): Uint32Array {
  const cases: number[] = [];
  for (let h = 0; h < 0x7c00; h++) {
    const lo = widenReference(h);
    const hi = widenReference(h + 1);
    const tie = bitsOf((floatOf(lo) + floatOf(hi)) / 2); // exact in float32: halves have 11 bits
    for (const b of [lo, lo + 1, tie - 1, tie, tie + 1]) cases.push(b, (b | 0x80000000) >>> 0);
  }
  cases.push(0x7f800000, 0xff800000, 0x477fe000, 0x477fefff, 0x477ff000, 0x477ff001, 0x47800000, 0x7f7fffff,
    0x7fc00000, 0xffc00000, 0x7f800001, 0xff812345, 0x7fbfffff, 0x7fffffff, 1, 0x80000001, 0x007fffff, 0x00800000,
    0x33000000, 0x33000001, 0x32ffffff, 0x33800000, 0x33c00000, 0x387fc000, 0x387fe000, 0x387ff000);
  let s = 12345;
  for (let i = 0; i < 200000; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    cases.push(s);
  }
  return Uint32Array.from(cases);
}

/** The first few positions where `got` and `want` differ, in hex (a plain toEqual diff of 300,000 numbers takes minutes). */
function mismatches(got: ArrayLike<number>, want: ArrayLike<number>, input: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let i = 0; i < want.length && out.length < 5; i++) {
    if (got[i] !== want[i]) out.push(`${input[i].toString(16)}: ${got[i].toString(16)}, expected ${want[i].toString(16)}`);
  }
  return out;
}

describe.each([['simd', true], ['scalar', false]] as const)('half floats in WebAssembly, %s build', (_, simd) => {
  let k: KernelExports;
  beforeAll(async () => {
    k = (await instantiate(undefined, simd)).exports as unknown as KernelExports;
    k.memory.grow(64);
  });
  const base = 1 << 16;

  it('widens all 65,536 half bit patterns exactly', () => {
    const halves = Uint16Array.from({ length: 65536 }, (_, i) => i);
    new Uint16Array(k.memory.buffer, base, 65536).set(halves);
    // An odd length and offset: the SIMD loop and its scalar tail both run.
    k.widen(base, base + 2 ** 18, 65535);
    k.widen(base + 65535 * 2, base + 2 ** 18 + 65535 * 4, 1);
    const got = new Uint32Array(k.memory.buffer, base + 2 ** 18, 65536);
    const want = Uint32Array.from(halves, widenReference);
    expect(mismatches(got, want, halves)).toEqual([]);
    if (F16) {
      const engine = new Float32Array(65536);
      engine.set(new F16(halves.buffer));
      expect(mismatches(got, new Uint32Array(engine.buffer), halves)).toEqual([]);
    }
  });

  it('narrows float32 to half, round to nearest even, around every boundary', () => {
    const cases = narrowCases();
    const n = cases.length;
    new Uint32Array(k.memory.buffer, base, n).set(cases);
    const out = base + n * 4 + 64;
    k.narrow(base, out, n, FLOAT16_CODE);
    const got = new Uint16Array(k.memory.buffer, out, n);
    expect(mismatches(got, Uint16Array.from(cases, narrowReference), cases)).toEqual([]);
    if (F16) {
      const engine = new Uint16Array(n);
      new F16(engine.buffer).set(new Float32Array(cases.buffer));
      expect(mismatches(got, engine, cases)).toEqual([]);
    }
  });
});
