// The forward 8x8 DCT (Arai, Agui and Nakajima's factorisation in float, 5 multiplies per 8
// points: the outputs come scaled per frequency, and the scale is folded into the quantiser's
// reciprocals, which the wrapper computes), quantisation, and zigzag order (./zigzag.ts). SIMD
// over four columns: a vertical pass on each half of the block, a transpose, a vertical pass
// again; so the coefficients come out transposed (index v * 8 + u for vertical frequency u, horizontal v): the wrapper's
// reciprocals are transposed to match, and so are the zigzag shuffles.

import { storeZigzag } from './zigzag';

/** One 8-point transform down four columns: 8 vectors read `stride` bytes apart, written 32 bytes apart. */
@inline function pass(src: usize, stride: usize, dst: usize): void {
  const d0 = v128.load(src);
  const d1 = v128.load(src + stride);
  const d2 = v128.load(src + 2 * stride);
  const d3 = v128.load(src + 3 * stride);
  const d4 = v128.load(src + 4 * stride);
  const d5 = v128.load(src + 5 * stride);
  const d6 = v128.load(src + 6 * stride);
  const d7 = v128.load(src + 7 * stride);
  const s07 = f32x4.add(d0, d7);
  const s16 = f32x4.add(d1, d6);
  const s25 = f32x4.add(d2, d5);
  const s34 = f32x4.add(d3, d4);
  const t7 = f32x4.sub(d0, d7);
  const t6 = f32x4.sub(d1, d6);
  const t5 = f32x4.sub(d2, d5);
  const t4 = f32x4.sub(d3, d4);
  // Even half.
  const e0 = f32x4.add(s07, s34);
  const e3 = f32x4.sub(s07, s34);
  const e1 = f32x4.add(s16, s25);
  const e2 = f32x4.sub(s16, s25);
  v128.store(dst, f32x4.add(e0, e1));
  v128.store(dst, f32x4.sub(e0, e1), 128);
  const m = f32x4.mul(f32x4.add(e2, e3), f32x4.splat(0.707106781));
  v128.store(dst, f32x4.add(e3, m), 64);
  v128.store(dst, f32x4.sub(e3, m), 192);
  // Odd half.
  const o0 = f32x4.add(t4, t5);
  const o1 = f32x4.add(t5, t6);
  const o2 = f32x4.add(t6, t7);
  const r = f32x4.mul(f32x4.sub(o0, o2), f32x4.splat(0.382683433));
  const a = f32x4.add(f32x4.mul(o0, f32x4.splat(0.5411961)), r);
  const c = f32x4.add(f32x4.mul(o2, f32x4.splat(1.306562965)), r);
  const b = f32x4.mul(o1, f32x4.splat(0.707106781));
  const p = f32x4.add(t7, b);
  const q = f32x4.sub(t7, b);
  v128.store(dst, f32x4.add(q, a), 160);
  v128.store(dst, f32x4.sub(q, a), 96);
  v128.store(dst, f32x4.add(p, c), 32);
  v128.store(dst, f32x4.sub(p, c), 224);
}

/** The 4x4 floats at `src` (rows 32 bytes apart), transposed to `dst` (rows 32 bytes apart). */
@inline function transpose4(src: usize, dst: usize): void {
  const a = v128.load(src);
  const b = v128.load(src, 32);
  const c = v128.load(src, 64);
  const d = v128.load(src, 96);
  const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
  const ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const cd0 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const cd1 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(ab0, cd0, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<f32>(ab0, cd0, 2, 3, 6, 7), 32);
  v128.store(dst, v128.shuffle<f32>(ab1, cd1, 0, 1, 4, 5), 64);
  v128.store(dst, v128.shuffle<f32>(ab1, cd1, 2, 3, 6, 7), 96);
}

/** Rounds to nearest, ties to even, as f32x4.nearest and a truncation would, for |x| < 2^22: 1.5 x 2^23 added leaves the integer in the low mantissa bits. */
@inline function roundToInt(x: v128): v128 {
  return i32x4.sub(f32x4.add(x, f32x4.splat(12582912)), i32x4.splat(0x4b400000));
}

/** Row `j` of the quantised block (8 coefficients, i16): the floats at `s` times the reciprocals at `recip`, rounded. */
@inline function quantised(s: usize, recip: usize, j: usize): v128 {
  const at = j << 5;
  const lo = roundToInt(f32x4.mul(v128.load(s + at), v128.load(recip + at)));
  const hi = roundToInt(f32x4.mul(v128.load(s + at + 16), v128.load(recip + at + 16)));
  return i16x8.narrow_i32x4_s(lo, hi);
}

/**
 * The 8x8 floats at `src` (rows `stride` bytes apart) to 64 quantised i16 coefficients at `out`
 * in zigzag order: multiplied by the 64 reciprocals at `recip` (transposed order), rounded to
 * nearest, clamped to baseline's ranges (DC 11 bits, AC 10). `scratch`: 2 x 256 bytes.
 */
export function forwardDct(src: usize, stride: usize, recip: usize, scratch: usize, out: usize): void {
  const s = scratch;
  const t = scratch + 256;
  pass(src, stride, s);
  pass(src + 16, stride, s + 16);
  transpose4(s, t);
  transpose4(s + 16, t + 128);
  transpose4(s + 128, t + 16);
  transpose4(s + 144, t + 144);
  pass(t, 32, s);
  pass(t + 16, 32, s + 16);
  // |coefficient| < 2^14 before quantising (64 x 128 x the AAN scale), so roundToInt holds, and
  // the clamps after narrowing to i16 are the clamps before it.
  const acLow = i16x8.splat(-1023);
  const acHigh = i16x8.splat(1023);
  const q0 = i16x8.max_s(i16x8.min_s(quantised(s, recip, 0), i16x8(2047, 1023, 1023, 1023, 1023, 1023, 1023, 1023)),
    i16x8(-2047, -1023, -1023, -1023, -1023, -1023, -1023, -1023));
  const q1 = i16x8.max_s(i16x8.min_s(quantised(s, recip, 1), acHigh), acLow);
  const q2 = i16x8.max_s(i16x8.min_s(quantised(s, recip, 2), acHigh), acLow);
  const q3 = i16x8.max_s(i16x8.min_s(quantised(s, recip, 3), acHigh), acLow);
  const q4 = i16x8.max_s(i16x8.min_s(quantised(s, recip, 4), acHigh), acLow);
  const q5 = i16x8.max_s(i16x8.min_s(quantised(s, recip, 5), acHigh), acLow);
  const q6 = i16x8.max_s(i16x8.min_s(quantised(s, recip, 6), acHigh), acLow);
  const q7 = i16x8.max_s(i16x8.min_s(quantised(s, recip, 7), acHigh), acLow);
  storeZigzag(q0, q1, q2, q3, q4, q5, q6, q7, out);
}
