// The 4x4 inverse DCT added to the prediction (RFC 6386 section 14.3), as libwebp's
// TransformOne computes it: vertical pass, then horizontal with the rounding, in 32-bit lanes
// (so that even absurd coefficients wrap as libwebp's int arithmetic does), four columns or rows
// at once, the sum clamped to 0-255.

import { BPS } from './state';
import { zip32hi, zip32lo, zip64hi, zip64lo } from './zip';

// @ts-ignore: decorator
@inline function mul1(a: v128): v128 { // a * (1 + 20091 / 65536), as libwebp rounds it
  return i32x4.add(i32x4.shr_s(i32x4.mul(a, i32x4.splat(20091)), 16), a);
}
// @ts-ignore: decorator
@inline function mul2(a: v128): v128 { // a * 35468 / 65536
  return i32x4.shr_s(i32x4.mul(a, i32x4.splat(35468)), 16);
}

/** Adds the inverse transform of the 16 coefficients at `input` (i16) to the 4x4 pixels at dst. */
export function inverseDct(input: usize, dst: usize): void {
  const r0 = v128.load16x4_s(input);
  const r1 = v128.load16x4_s(input, 8);
  const r2 = v128.load16x4_s(input, 16);
  const r3 = v128.load16x4_s(input, 24);
  // Vertical: each lane a column.
  let a = i32x4.add(r0, r2);
  let b = i32x4.sub(r0, r2);
  let c = i32x4.sub(mul2(r1), mul1(r3));
  let d = i32x4.add(mul1(r1), mul2(r3));
  const t0 = i32x4.add(a, d);
  const t1 = i32x4.add(b, c);
  const t2 = i32x4.sub(b, c);
  const t3 = i32x4.sub(a, d);
  // Transposed: each lane a row.
  const lo01 = zip32lo(t0, t1), hi01 = zip32hi(t0, t1), lo23 = zip32lo(t2, t3), hi23 = zip32hi(t2, t3);
  const c0 = zip64lo(lo01, lo23), c1 = zip64hi(lo01, lo23), c2 = zip64lo(hi01, hi23), c3 = zip64hi(hi01, hi23);
  const dc = i32x4.add(c0, i32x4.splat(4));
  a = i32x4.add(dc, c2);
  b = i32x4.sub(dc, c2);
  c = i32x4.sub(mul2(c1), mul1(c3));
  d = i32x4.add(mul1(c1), mul2(c3));
  const x0 = i32x4.shr_s(i32x4.add(a, d), 3);
  const x1 = i32x4.shr_s(i32x4.add(b, c), 3);
  const x2 = i32x4.shr_s(i32x4.sub(b, c), 3);
  const x3 = i32x4.shr_s(i32x4.sub(a, d), 3);
  // Back to rows: lane x of row y.
  const l01 = zip32lo(x0, x1), h01 = zip32hi(x0, x1), l23 = zip32lo(x2, x3), h23 = zip32hi(x2, x3);
  addResidual(dst, i16x8.narrow_i32x4_s(zip64lo(l01, l23), zip64hi(l01, l23)), i16x8.narrow_i32x4_s(zip64lo(h01, h23), zip64hi(h01, h23)));
}

/**
 * Adds rows 0-1 and 2-3 of a residual (i16, saturated: past +-32767 the byte clamps alike) to
 * the 4x4 pixels at dst, clamped to 0-255.
 */
// @ts-ignore: decorator
@inline function addResidual(dst: usize, rows01: v128, rows23: v128): void {
  let pixels = v128.load32_zero(dst);
  pixels = v128.load32_lane(dst + BPS, pixels, 1);
  pixels = v128.load32_lane(dst + 2 * BPS, pixels, 2);
  pixels = v128.load32_lane(dst + 3 * BPS, pixels, 3);
  const sum = i8x16.narrow_i16x8_u(i16x8.add_sat_s(i16x8.extend_low_i8x16_u(pixels), rows01),
    i16x8.add_sat_s(i16x8.extend_high_i8x16_u(pixels), rows23));
  v128.store32_lane(dst, sum, 0);
  v128.store32_lane(dst + BPS, sum, 1);
  v128.store32_lane(dst + 2 * BPS, sum, 2);
  v128.store32_lane(dst + 3 * BPS, sum, 3);
}

/** Adds a DC-only block's transform: (dc + 4) >> 3 to every pixel. */
export function inverseDc(input: usize, dst: usize): void {
  const dc = i16x8.splat(<i16>((<i32>load<i16>(input) + 4) >> 3));
  addResidual(dst, dc, dc);
}
