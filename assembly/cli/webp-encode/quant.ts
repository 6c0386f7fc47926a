// Quantisation as libwebp's encoder does it (src/enc/quant_enc.c): `quality` to the quantiser
// index (QualityToCompression), each block type's steps from the same tables the decoder reads,
// libwebp's rounding biases and zero thresholds, the forward 4x4 DCT and Walsh-Hadamard
// transforms (the exact integer inverses of the decoder's), and the rate-distortion lambdas.

import { AC_TABLE, DC_TABLE } from '../webp-decode/tables';
import { BPS } from '../webp-decode/state';

const QFIX = 17;
const MAX_LEVEL = 2047;
export const ZIGZAG: usize = memory.data<u8>([0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15]);
const SHARPENING: usize = memory.data<u8>([0, 30, 60, 90, 30, 60, 90, 90, 60, 90, 90, 90, 90, 90, 90, 90]);

/** A matrix: q[16], iq[16], bias[16], zthresh[16], sharpen[16] (i32 each). */
export const MATRIX_BYTES: usize = 5 * 64;
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

const clip = (v: i32, lo: i32, hi: i32): i32 => (v < lo ? lo : v > hi ? hi : v);

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
    const iq = (1 << QFIX) / q;
    const bias = (i == 0 ? biasDc : biasAc) << (QFIX - 8);
    store<i32>(m + (i << 2), q);
    store<i32>(m + 64 + (i << 2), iq);
    store<i32>(m + 128 + (i << 2), bias);
    store<i32>(m + 192 + (i << 2), ((1 << QFIX) - 1 - bias) / iq);
    store<i32>(m + 256 + (i << 2), type == 0 ? (<i32>load<u8>(SHARPENING + i) * q) >> 11 : 0);
    sum += q;
  }
  return (sum + 8) >> 4;
}

/** Segment s's matrices and lambdas for quantiser index q and libwebp's chroma offsets. */
export function setupSegment(s: usize, q: i32, uvDcDelta: i32, uvAcDelta: i32): void {
  const m = MATRICES + s * 3 * MATRIX_BYTES;
  const dc = (i: i32): i32 => <i32>load<u16>(DC_TABLE + (<usize>i << 1));
  const ac = (i: i32): i32 => <i32>load<u16>(AC_TABLE + (<usize>i << 1));
  const qi4 = expand(m, dc(clip(q, 0, 127)), ac(clip(q, 0, 127)), 0);
  const y2ac = (ac(clip(q, 0, 127)) * 101581) >> 16;
  const qi16 = expand(m + MATRIX_BYTES, dc(clip(q, 0, 127)) * 2, y2ac < 8 ? 8 : y2ac, 1);
  const quv = expand(m + 2 * MATRIX_BYTES, dc(clip(q + uvDcDelta, 0, 117)), ac(clip(q + uvAcDelta, 0, 127)), 2);
  const p = SEGMENT_PARAMS + s * 32;
  store<i32>(p + LAMBDA_I4, max((3 * qi4 * qi4) >> 7, 1));
  store<i32>(p + LAMBDA_I16, max(3 * qi16 * qi16, 1));
  store<i32>(p + LAMBDA_UV, max((3 * quv * quv) >> 6, 1));
  store<i32>(p + LAMBDA_MODE, max((qi4 * qi4) >> 7, 1));
  store<i32>(p + QUANT_INDEX, q);
}

/**
 * Quantises the 16 coefficients at `input` (i16, raster order) from index `first` (zigzag) with
 * matrix m: levels (i16, zigzag order) to `levels`, the dequantised coefficients (raster order)
 * back into `input`. Returns the index of the last non-zero level, or -1.
 */
export function quantize(input: usize, levels: usize, m: usize, first: i32): i32 {
  let last = -1;
  if (first > 0) store<i16>(levels, 0);
  for (let n = first; n < 16; n++) {
    const j = <usize>load<u8>(ZIGZAG + <usize>n);
    const c = <i32>load<i16>(input + (j << 1));
    const coeff = (c < 0 ? -c : c) + load<i32>(m + 256 + (j << 2));
    let level = 0;
    if (coeff > load<i32>(m + 192 + (j << 2))) {
      level = <i32>((<u32>coeff * <u32>load<i32>(m + 64 + (j << 2)) + <u32>load<i32>(m + 128 + (j << 2))) >> QFIX);
      if (level > MAX_LEVEL) level = MAX_LEVEL;
      if (c < 0) level = -level;
    }
    store<i16>(levels + (<usize>n << 1), <i16>level);
    store<i16>(input + (j << 1), <i16>(level * load<i32>(m + (j << 2))));
    if (level != 0) last = n;
  }
  return last;
}

/** The forward 4x4 DCT of src - ref (both BPS-strided bytes) into out (16 i16), as libwebp's FTransform. */
export function forwardDct(src: usize, ref: usize, out: usize): void {
  const tmp = TMP;
  for (let i: usize = 0; i < 4; i++) {
    const s = src + i * BPS;
    const r = ref + i * BPS;
    const d0 = <i32>load<u8>(s) - <i32>load<u8>(r);
    const d1 = <i32>load<u8>(s, 1) - <i32>load<u8>(r, 1);
    const d2 = <i32>load<u8>(s, 2) - <i32>load<u8>(r, 2);
    const d3 = <i32>load<u8>(s, 3) - <i32>load<u8>(r, 3);
    const a0 = d0 + d3, a1 = d1 + d2, a2 = d1 - d2, a3 = d0 - d3;
    store<i32>(tmp + i * 16, (a0 + a1) * 8);
    store<i32>(tmp + i * 16 + 4, (a2 * 2217 + a3 * 5352 + 1812) >> 9);
    store<i32>(tmp + i * 16 + 8, (a0 - a1) * 8);
    store<i32>(tmp + i * 16 + 12, (a3 * 2217 - a2 * 5352 + 937) >> 9);
  }
  for (let i: usize = 0; i < 4; i++) {
    const t0 = load<i32>(tmp + i * 4), t1 = load<i32>(tmp + 16 + i * 4);
    const t2 = load<i32>(tmp + 32 + i * 4), t3 = load<i32>(tmp + 48 + i * 4);
    const a0 = t0 + t3, a1 = t1 + t2, a2 = t1 - t2, a3 = t0 - t3;
    store<i16>(out + (i << 1), <i16>((a0 + a1 + 7) >> 4));
    store<i16>(out + ((4 + i) << 1), <i16>(((a2 * 2217 + a3 * 5352 + 12000) >> 16) + (a3 != 0 ? 1 : 0)));
    store<i16>(out + ((8 + i) << 1), <i16>((a0 - a1 + 7) >> 4));
    store<i16>(out + ((12 + i) << 1), <i16>((a3 * 2217 - a2 * 5352 + 51000) >> 16));
  }
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
