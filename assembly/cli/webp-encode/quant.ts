// Quantisation as libwebp's encoder does it (src/enc/quant_enc.c): `quality` to the quantiser
// index (QualityToCompression), each block type's steps from the same tables the decoder reads,
// libwebp's rounding biases and zero thresholds, the forward 4x4 DCT and Walsh-Hadamard
// transforms (the exact integer inverses of the decoder's), and the rate-distortion lambdas.

import { quantSteps } from '../webp-decode/tables';
import { BPS } from '../webp-decode/state';
import { zip32hi, zip32lo, zip64hi, zip64lo } from '../webp-decode/zip';

const QFIX = 17;
const MAX_LEVEL = 2047;
/** One segment's six steps (../webp-decode/tables.ts quantSteps). */
const STEPS: usize = memory.data(24, 4);
const SHARPENING: usize = memory.data<u8>([0, 30, 60, 90, 30, 60, 90, 90, 60, 90, 90, 90, 90, 90, 90, 90]);

/** A matrix: q (16 i16), sharpen (16 i16), iq (16 i32), bias (16 i32). */
export const MATRIX_BYTES: usize = 192;
const Q: usize = 0;
const SHARPEN: usize = 32;
const IQ: usize = 64;
const BIAS: usize = 128;
/** Per segment: y1, y2, uv matrices. */
export const MATRICES: usize = memory.data(4 * 3 * <i32>MATRIX_BYTES, 16);
/** Per segment: lambda i4, i16, uv, mode; quantiser index; filter level (i32). */
export const SEGMENT_PARAMS: usize = memory.data(4 * 8 * 4, 16);
export const LAMBDA_I4: usize = 0;
export const LAMBDA_I16: usize = 4;
export const LAMBDA_UV: usize = 8;
export const LAMBDA_MODE: usize = 12;
export const QUANT_INDEX: usize = 16;
export const FILTER_LEVEL: usize = 20;


/** libwebp's QualityToCompression: quality 0-100 to the compression exponent's base. */
export function qualityToCompression(quality: f64): f64 {
  const c = quality / 100;
  const linear = c < 0.75 ? c * (2.0 / 3.0) : 2.0 * c - 1.0;
  return Math.cbrt(linear);
}

/** Fills matrix m (type: 0 y1, 1 y2, 2 uv) from its DC and AC steps; returns the average step. */
function expand(m: usize, dc: i32, ac: i32, type: i32): i32 {
  const biasDc = type == 0 ? 96 : type == 1 ? 96 : 110;
  const biasAc = type == 0 ? 110 : type == 1 ? 108 : 115;
  let sum = 0;
  for (let i: usize = 0; i < 16; i++) {
    const q = i == 0 ? dc : ac;
    store<i16>(m + Q + (i << 1), <i16>q);
    store<i16>(m + SHARPEN + (i << 1), <i16>(type == 0 ? (<i32>load<u8>(SHARPENING + i) * q) >> 11 : 0));
    store<i32>(m + IQ + (i << 2), (1 << QFIX) / q);
    store<i32>(m + BIAS + (i << 2), (i == 0 ? biasDc : biasAc) << (QFIX - 8));
    sum += q;
  }
  return (sum + 8) >> 4;
}

/** Segment s's matrices and lambdas for quantiser index q and libwebp's chroma offsets. */
export function setupSegment(s: usize, q: i32, uvDcDelta: i32, uvAcDelta: i32): void {
  const m = MATRICES + s * 3 * MATRIX_BYTES;
  quantSteps(STEPS, q, 0, 0, 0, uvDcDelta, uvAcDelta);
  const step = (k: usize): i32 => load<i32>(STEPS + (k << 2));
  const qi4 = expand(m, step(0), step(1), 0);
  const qi16 = expand(m + MATRIX_BYTES, step(2), step(3), 1);
  const quv = expand(m + 2 * MATRIX_BYTES, step(4), step(5), 2);
  const p = SEGMENT_PARAMS + s * 32;
  store<i32>(p + LAMBDA_I4, max((3 * qi4 * qi4) >> 7, 1));
  store<i32>(p + LAMBDA_I16, max(3 * qi16 * qi16, 1));
  store<i32>(p + LAMBDA_UV, max((3 * quv * quv) >> 6, 1));
  store<i32>(p + LAMBDA_MODE, max((qi4 * qi4) >> 7, 1));
  store<i32>(p + QUANT_INDEX, q);
}

// @ts-ignore: decorator
@inline function quantizeHalf(c: v128, m: usize, at: usize): v128 { // 8 coefficients from index `at` to signed levels
  const sign = i16x8.shr_s(c, 15);
  const magnitude = i16x8.add(i16x8.abs(c), v128.load(m + SHARPEN + (at << 1)));
  // (magnitude * iq + bias) >> QFIX: 0 below libwebp's zero threshold, by its definition.
  const lo = i32x4.shr_u(i32x4.add(i32x4.mul(i32x4.extend_low_i16x8_u(magnitude), v128.load(m + IQ + (at << 2))), v128.load(m + BIAS + (at << 2))), QFIX);
  const hi = i32x4.shr_u(i32x4.add(i32x4.mul(i32x4.extend_high_i16x8_u(magnitude), v128.load(m + IQ + (at << 2), 16)), v128.load(m + BIAS + (at << 2), 16)), QFIX);
  const level = i16x8.min_s(i16x8.narrow_i32x4_s(lo, hi), i16x8.splat(<i16>MAX_LEVEL));
  return i16x8.sub(v128.xor(level, sign), sign);
}

/**
 * Quantises the 16 coefficients at `input` (i16, raster order) with matrix m, as libwebp's
 * QuantizeBlock: levels (i16, zigzag order, from index `first`: 0 or 1) to `levels`, the
 * dequantised coefficients back into `input`. Returns the index of the last non-zero level, or -1.
 */
export function quantize(input: usize, levels: usize, m: usize, first: i32): i32 {
  const l0 = quantizeHalf(v128.load(input), m, 0);
  const l1 = quantizeHalf(v128.load(input, 16), m, 8);
  v128.store(input, i16x8.mul(l0, v128.load(m + Q)));
  v128.store(input, i16x8.mul(l1, v128.load(m + Q, 16)), 16);
  // Zigzag: 0 1 4 8 5 2 3 6 | 9 12 13 10 7 11 14 15.
  let z0 = v128.shuffle<u8>(l0, l1, 0, 1, 2, 3, 8, 9, 16, 17, 10, 11, 4, 5, 6, 7, 12, 13);
  const z1 = v128.shuffle<u8>(l0, l1, 18, 19, 24, 25, 26, 27, 20, 21, 14, 15, 22, 23, 28, 29, 30, 31);
  if (first > 0) z0 = i16x8.replace_lane(z0, 0, 0);
  v128.store(levels, z0);
  v128.store(levels, z1, 16);
  const zero = i16x8.splat(0);
  const mask = <u32>i8x16.bitmask(i8x16.narrow_i16x8_s(i16x8.ne(z0, zero), i16x8.ne(z1, zero)));
  return mask == 0 ? -1 : 31 - <i32>clz(mask);
}

// @ts-ignore: decorator
@inline function rowDiff(src: usize, ref: usize): v128 {
  return i32x4.sub(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(src))),
    i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(ref))));
}

/** The forward 4x4 DCT of src - ref (both BPS-strided bytes) into out (16 i16), as libwebp's FTransform, four lanes at once. */
export function forwardDct(src: usize, ref: usize, out: usize): void {
  // Columns of the difference (4x4 transpose in registers): lane i holds row i.
  const r0 = rowDiff(src, ref), r1 = rowDiff(src + BPS, ref + BPS);
  const r2 = rowDiff(src + 2 * BPS, ref + 2 * BPS), r3 = rowDiff(src + 3 * BPS, ref + 3 * BPS);
  let lo01 = zip32lo(r0, r1), hi01 = zip32hi(r0, r1), lo23 = zip32lo(r2, r3), hi23 = zip32hi(r2, r3);
  const d0 = zip64lo(lo01, lo23), d1 = zip64hi(lo01, lo23), d2 = zip64lo(hi01, hi23), d3 = zip64hi(hi01, hi23);
  let a0 = i32x4.add(d0, d3), a1 = i32x4.add(d1, d2), a2 = i32x4.sub(d1, d2), a3 = i32x4.sub(d0, d3);
  const k2217 = i32x4.splat(2217), k5352 = i32x4.splat(5352);
  const t0 = i32x4.shl(i32x4.add(a0, a1), 3);
  const t1 = i32x4.shr_s(i32x4.add(i32x4.add(i32x4.mul(a2, k2217), i32x4.mul(a3, k5352)), i32x4.splat(1812)), 9);
  const t2 = i32x4.shl(i32x4.sub(a0, a1), 3);
  const t3 = i32x4.shr_s(i32x4.add(i32x4.sub(i32x4.mul(a3, k2217), i32x4.mul(a2, k5352)), i32x4.splat(937)), 9);
  // Rows of the first pass's output: lane k holds column k.
  lo01 = zip32lo(t0, t1); hi01 = zip32hi(t0, t1); lo23 = zip32lo(t2, t3); hi23 = zip32hi(t2, t3);
  const c0 = zip64lo(lo01, lo23), c1 = zip64hi(lo01, lo23), c2 = zip64lo(hi01, hi23), c3 = zip64hi(hi01, hi23);
  a0 = i32x4.add(c0, c3); a1 = i32x4.add(c1, c2); a2 = i32x4.sub(c1, c2); a3 = i32x4.sub(c0, c3);
  const o0 = i32x4.shr_s(i32x4.add(i32x4.add(a0, a1), i32x4.splat(7)), 4);
  const o1 = i32x4.sub(i32x4.shr_s(i32x4.add(i32x4.add(i32x4.mul(a2, k2217), i32x4.mul(a3, k5352)), i32x4.splat(12000)), 16),
    i32x4.ne(a3, i32x4.splat(0)));
  const o2 = i32x4.shr_s(i32x4.add(i32x4.sub(a0, a1), i32x4.splat(7)), 4);
  const o3 = i32x4.shr_s(i32x4.add(i32x4.sub(i32x4.mul(a3, k2217), i32x4.mul(a2, k5352)), i32x4.splat(51000)), 16);
  v128.store(out, i16x8.narrow_i32x4_s(o0, o1));
  v128.store(out, i16x8.narrow_i32x4_s(o2, o3), 16);
}

const TMP: usize = memory.data(64, 16);

/** The forward Walsh-Hadamard transform of the 16 blocks' DCs (blocks 32 bytes apart from `input`) into out (16 i16). */
export function forwardWht(input: usize, out: usize): void {
  const tmp = TMP;
  for (let i: usize = 0; i < 4; i++) {
    const row = input + i * 128;
    const i0 = <i32>load<i16>(row), i1 = <i32>load<i16>(row + 32), i2 = <i32>load<i16>(row + 64), i3 = <i32>load<i16>(row + 96);
    const a0 = i0 + i2, a1 = i1 + i3, a2 = i1 - i3, a3 = i0 - i2;
    store<i32>(tmp + i * 16, a0 + a1);
    store<i32>(tmp + i * 16 + 4, a3 + a2);
    store<i32>(tmp + i * 16 + 8, a3 - a2);
    store<i32>(tmp + i * 16 + 12, a0 - a1);
  }
  for (let i: usize = 0; i < 4; i++) {
    const t0 = load<i32>(tmp + i * 4), t1 = load<i32>(tmp + 16 + i * 4);
    const t2 = load<i32>(tmp + 32 + i * 4), t3 = load<i32>(tmp + 48 + i * 4);
    const a0 = t0 + t2, a1 = t1 + t3, a2 = t1 - t3, a3 = t0 - t2;
    store<i16>(out + (i << 1), <i16>((a0 + a1) >> 1));
    store<i16>(out + ((4 + i) << 1), <i16>((a3 + a2) >> 1));
    store<i16>(out + ((8 + i) << 1), <i16>((a3 - a2) >> 1));
    store<i16>(out + ((12 + i) << 1), <i16>((a0 - a1) >> 1));
  }
}
