// The inverse DCT at half size (4 x 4 pixels a block): the full-size IDCT box-averaged over 2 x 2
// pixels (an exact area average, where libjpeg's DCT scaling truncates), factorised (it was a
// 4 x 8 matrix product a pass). Along one axis the average of basis u over pixels 2i, 2i + 1 is
// cos(u pi / 16) cos((2i + 1) u pi / 8): basis 4 vanishes, and 8 - u repeats u's pattern with the
// sign flipped (6 that of 2, 7 and 5 those of 1 and 3). So with each coefficient pre-multiplied by
// its axis weight (the wrapper folds w(v) w(u) into the dequantisation, zero weight: not stored),
//   a = F0, b = F2 + F6, p = F1 + F7, q = F3 + F5,
//   out = (a + b + c1 p + c3 q,  a - b + c3 p - c1 q,  a - b - c3 p + c1 q,  a + b - c1 p - c3 q)
// with c1 = cos(pi / 8), c3 = cos(3 pi / 8): 4 multiplies and 12 adds for 4 points instead of 28
// multiply-adds. Like ./aan.ts, four lanes a vector, the block transposed (coefficient (v, u) at
// u * 8 + v) so that one transpose between the passes leaves the output in rows.

import { flatSample, transpose4 } from './aan';

/** The 4-point half-size IDCT along the rows of `from` (rows 0-3, 5-7, 32 bytes apart), four lanes at a time, to 4 rows at `to`. */
@inline function idct4(from: usize, to: usize, bias: f32): void {
  const a = bias != 0 ? f32x4.add(v128.load(from), f32x4.splat(bias)) : v128.load(from);
  const b = f32x4.add(v128.load(from + 64), v128.load(from + 192));
  const p = f32x4.add(v128.load(from + 32), v128.load(from + 224));
  const q = f32x4.add(v128.load(from + 96), v128.load(from + 160));
  const even0 = f32x4.add(a, b);
  const even1 = f32x4.sub(a, b);
  const odd0 = f32x4.add(f32x4.mul(p, f32x4.splat(0.923879533)), f32x4.mul(q, f32x4.splat(0.382683432)));
  const odd1 = f32x4.sub(f32x4.mul(p, f32x4.splat(0.382683432)), f32x4.mul(q, f32x4.splat(0.923879533)));
  v128.store(to, f32x4.add(even0, odd0));
  v128.store(to + 32, f32x4.add(even1, odd1));
  v128.store(to + 64, f32x4.sub(even1, odd1));
  v128.store(to + 96, f32x4.sub(even0, odd0));
}

/**
 * One block: `coefficients` (64 f32, transposed, dequantised and weighted; row and column 4
 * zero) to 4 x 4 bytes at `out` (`stride` bytes a row), rounded, level-shifted by 128 and
 * saturated. `scratch`: 128 bytes. Zeroes the coefficients.
 */
export function halfDct(coefficients: usize, scratch: usize, out: usize, stride: usize): void {
  let ac = v128.and(v128.load(coefficients), i32x4(0, -1, -1, -1));
  let high = f32x4.splat(0); // lanes v = 4-7 (4 itself is zero)
  for (let at: usize = 0; at < 256; at += 32) {
    ac = v128.or(ac, v128.load(coefficients + at + 16));
    high = v128.or(high, v128.load(coefficients + at + 16));
    if (at != 0) ac = v128.or(ac, v128.load(coefficients + at));
  }
  if (!v128.any_true(ac)) {
    // DC alone: every output is the DC (weighted: the block's mean).
    const bytes = <u32>flatSample(coefficients);
    for (let i: usize = 0; i < 4; i++) store<u32>(out + i * stride, bytes);
    return;
  }
  // Pass 1 along u (the stored rows), lanes v; transposed back into the block's left half
  // (rows v, lanes x), pass 2 along v with the level shift. Lanes v 5-7 all zero: their half is
  // skipped, its rows of pass 2's input zero.
  idct4(coefficients, scratch, 0);
  const hasHigh = v128.any_true(high);
  if (hasHigh) idct4(coefficients + 16, scratch + 16, 0);
  transpose4(scratch, coefficients);
  if (hasHigh) {
    transpose4(scratch + 16, coefficients + 128);
  } else {
    for (let at: usize = 128; at < 256; at += 32) v128.store(coefficients + at, f32x4.splat(0));
  }
  idct4(coefficients, scratch, 128);
  for (let i: usize = 0; i < 4; i++) {
    const words = i16x8.narrow_i32x4_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(v128.load(scratch + (i << 5)))), i32x4.splat(0));
    store<u32>(out + i * stride, i32x4.extract_lane(i8x16.narrow_i16x8_u(words, words), 0));
  }
  for (let at: usize = 0; at < 256; at += 32) {
    v128.store(coefficients + at, f32x4.splat(0));
    if (hasHigh) v128.store(coefficients + at + 16, f32x4.splat(0));
  }
}
