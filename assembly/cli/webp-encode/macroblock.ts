// One macroblock's choices, as libwebp's method-4 encoder makes them (src/enc/quant_enc.c,
// RD_OPT_BASIC): each 16x16 luma mode, then each 4x4 block's ten modes, then each chroma mode is
// predicted, transformed, quantised and reconstructed, and scored as rate * lambda + 256 * SSE
// (rate: the tokens' and modes' cost under the default probabilities, with the neighbours'
// contexts). The winner's levels go to the macroblock's record; its reconstruction stays in the
// work block, laid out and edged exactly as the decoder's (../webp-decode/reconstruct.ts), so
// that the next blocks predict from what the decoder will have.

import { BPS, U_OFF, V_OFF, WORK, Y_OFF } from '../webp-decode/state';
import { predict4, predictBlock } from '../webp-decode/predict';
import { loadEdges } from '../webp-decode/reconstruct';
import { inverseDc, inverseDct } from '../webp-decode/transform';
import { walshHadamard } from '../webp-decode/residuals';
import { forwardDct, forwardWht, LAMBDA_I16, LAMBDA_I4, LAMBDA_MODE, LAMBDA_UV, MATRICES, MATRIX_BYTES, quantize, SEGMENT_PARAMS } from './quant';
import { tokenCost } from './tokens';
import { I16_COST, I4_COST, UV_COST } from './modes';
import { sse, sse4x4 } from './distortion';

/** A macroblock's record: modes (16), chroma mode, segment, skip, is i4x4; levels (25 blocks of 16 i16: Y, U, V, Y2); last indices (25 i8). */
export const RECORD_BYTES: usize = 864;
export const UV_MODE: usize = 16;
export const SEGMENT: usize = 17;
export const SKIP: usize = 18;
export const IS_I4X4: usize = 19;
export const LEVELS: usize = 32;
export const LASTS: usize = 832;
export const Y2_BLOCK: usize = 24;

export const SRC: usize = memory.data(<i32>BPS * 26, 16); // the source macroblock, laid out as WORK
const PRED: usize = memory.data(<i32>BPS * 26, 16);
const REC: usize = memory.data(<i32>BPS * 26, 16);
const BEST: usize = memory.data(<i32>BPS * 26, 16);
const BEST4: usize = memory.data(<i32>BPS * 26, 16); // the 4x4 blocks' best, while BEST keeps the 16x16 one
const COEFFS: usize = memory.data(25 * 32, 16);
const Y2: usize = memory.data(32, 16);
const TRIAL: usize = memory.data(<i32>RECORD_BYTES, 16); // levels and lasts of the mode being tried
const FLATNESS_PENALTY = 140;

// @ts-ignore: decorator
@inline function blockAt(n: usize): usize {
  return (n & 3) * 4 + (n >> 2) * 4 * BPS;
}
// @ts-ignore: decorator
@inline function chromaAt(n: usize): usize { // 8 blocks: 4 U then 4 V
  return (n < 4 ? U_OFF : V_OFF) + (n & 1) * 4 + ((n >> 1) & 1) * 4 * BPS;
}

/**
 * Copies `bytes` (a multiple of 16) from src to dst, 16 at a time: memory.copy is a call out of
 * WebAssembly in V8, costly for the few dozen bytes of a block's levels.
 */
// @ts-ignore: decorator
@inline function copyVectors(dst: usize, src: usize, bytes: usize): void {
  for (let i: usize = 0; i < bytes; i += 16) v128.store(dst + i, v128.load(src + i));
}

/** Copies rows of 4, 16 or 24 bytes (chroma: U, the gap, V) between BPS-strided blocks. */
function copyRows(dst: usize, src: usize, width: usize, rows: usize): void {
  for (let j: usize = 0; j < rows; j++) {
    const d = dst + j * BPS, s = src + j * BPS;
    if (width == 4) {
      store<u32>(d, load<u32>(s));
    } else if (width == 16) {
      v128.store(d, v128.load(s));
    } else {
      store<u64>(d, load<u64>(s));
      v128.store(d + 8, v128.load(s + 8));
    }
  }
}

/** Brings the macroblock's source into SRC and its prediction edges (the decoder's) into WORK. */
export function startMacroblock(mbX: i32, mbY: i32, mbW: i32, planeY: usize, planeU: usize, planeV: usize, yStride: usize,
                                topY: usize, topU: usize, topV: usize): void {
  const uvStride = yStride >> 1;
  const sy = planeY + <usize>mbY * 16 * yStride + <usize>mbX * 16;
  const su = planeU + <usize>mbY * 8 * uvStride + <usize>mbX * 8;
  const sv = planeV + <usize>mbY * 8 * uvStride + <usize>mbX * 8;
  for (let j: usize = 0; j < 16; j++) v128.store(SRC + Y_OFF + j * BPS, v128.load(sy + j * yStride));
  for (let j: usize = 0; j < 8; j++) {
    store<u64>(SRC + U_OFF + j * BPS, load<u64>(su + j * uvStride));
    store<u64>(SRC + V_OFF + j * BPS, load<u64>(sv + j * uvStride));
  }
  loadEdges(mbX, mbY, mbW, topY, topU, topV, true);
}

/** Y blocks' token cost with contexts from nz bits `top` / `left` (bit i: column / row i had coefficients). */
function lumaCost(levels: usize, lasts: usize, type: usize, first: i32, top: u32, left: u32): i32 {
  let cost = 0;
  for (let n: usize = 0; n < 16; n++) {
    const x = n & 3, y = n >> 2;
    const ctx = ((top >> <u32>x) & 1) + ((left >> <u32>y) & 1);
    const last = <i32>load<i8>(lasts + n);
    cost += tokenCost(type, ctx, levels + n * 32, first, last);
    const nz: u32 = last >= first ? 1 : 0;
    top = (top & ~(1 << <u32>x)) | (nz << <u32>x);
    left = (left & ~(1 << <u32>y)) | (nz << <u32>y);
  }
  return cost;
}

// @ts-ignore: decorator
@inline function score(rate: i64, lambda: i32, distortion: i64): i64 {
  return rate * <i64>lambda + 256 * distortion;
}

/**
 * Chooses and reconstructs the macroblock's modes for segment `segment` into `record`, given
 * the contexts: `nzTop` / `nzLeft` ([nz, nzDc] bytes as ../webp-decode/residuals.ts keeps them),
 * `modesTop` / `modesLeft` (4 bytes each). Leaves the reconstruction in WORK. (Three functions,
 * not one: V8's optimising compiler takes ~10 ms on one of this size, a fresh process's cost.)
 */
export function encodeMacroblock(record: usize, segment: usize, mbX: i32, mbY: i32, nzTop: usize, nzLeft: usize,
                                 modesTop: usize, modesLeft: usize): void {
  const params = SEGMENT_PARAMS + segment * 32;
  const matrices = MATRICES + segment * 3 * MATRIX_BYTES;
  const top = <u32>load<u8>(nzTop), left = <u32>load<u8>(nzLeft);
  const hasTop = mbY > 0, hasLeft = mbX > 0;
  const ctxDc = <usize>(load<u8>(nzTop, 1) + load<u8>(nzLeft, 1));
  const lambdaMode = load<i32>(params, LAMBDA_MODE);
  const score16 = pickLuma16(record, params, matrices, top, left, ctxDc, hasTop, hasLeft, lambdaMode);
  const i4x4 = pickLuma4(params, matrices, top, left, modesTop, modesLeft, score16, lambdaMode);
  if (i4x4) {
    copyVectors(record, TRIAL, 16);
    copyVectors(record + LEVELS, TRIAL + LEVELS, 16 * 32);
    copyVectors(record + LASTS, TRIAL + LASTS, 16);
    store<i8>(record + LASTS + Y2_BLOCK, -1);
  } else {
    v128.store(record, i8x16.splat(load<u8>(record))); // the 16x16 mode, in each 4x4 block's place
    copyRows(WORK + Y_OFF, BEST + Y_OFF, 16, 16);
  }
  store<u8>(record, i4x4 ? 1 : 0, IS_I4X4);
  pickChroma(record, params, matrices, top, left, hasTop, hasLeft);

  let coded = false;
  for (let n: usize = 0; n < 25; n++) if (load<i8>(record + LASTS + n) >= 0) coded = true;
  store<u8>(record, <u8>segment, SEGMENT);
  store<u8>(record, coded ? 0 : 1, SKIP);
}

/**
 * 16x16: each mode's full reconstruction; the best's mode and levels to `record`, its
 * reconstruction to BEST. Returns its score at the mode lambda (the 4x4 modes' bar).
 */
function pickLuma16(record: usize, params: usize, matrices: usize, top: u32, left: u32, ctxDc: usize, hasTop: bool, hasLeft: bool,
                    lambdaMode: i32): i64 {
  const y = WORK + Y_OFF;
  let best16: i64 = 0, bestRate16 = 0;
  let bestD16: i64 = 0;
  const lambda16 = load<i32>(params, LAMBDA_I16);
  for (let mode = 0; mode < 4; mode++) {
    predictBlock(y, 16, mode, hasTop, hasLeft);
    copyRows(PRED + Y_OFF, y, 16, 16);
    for (let n: usize = 0; n < 16; n++) forwardDct(SRC + Y_OFF + blockAt(n), PRED + Y_OFF + blockAt(n), COEFFS + n * 32);
    forwardWht(COEFFS, Y2);
    const lastY2 = quantize(Y2, TRIAL + LEVELS + Y2_BLOCK * 32, matrices + MATRIX_BYTES, 0);
    store<i8>(TRIAL + LASTS + Y2_BLOCK, <i8>lastY2);
    for (let n: usize = 0; n < 16; n++) store<i8>(TRIAL + LASTS + n, <i8>quantize(COEFFS + n * 32, TRIAL + LEVELS + n * 32, matrices, 1));
    walshHadamard(Y2, COEFFS);
    copyRows(REC + Y_OFF, PRED + Y_OFF, 16, 16);
    for (let n: usize = 0; n < 16; n++) {
      // A block without AC levels: its DC alone (the decoder's shortcut too, the same sums).
      if (load<i8>(TRIAL + LASTS + n) < 1) inverseDc(COEFFS + n * 32, REC + Y_OFF + blockAt(n));
      else inverseDct(COEFFS + n * 32, REC + Y_OFF + blockAt(n));
    }
    const d = sse(SRC + Y_OFF, REC + Y_OFF, 16, 16);
    const rate = tokenCost(1, ctxDc, TRIAL + LEVELS + Y2_BLOCK * 32, 0, lastY2)
      + lumaCost(TRIAL + LEVELS, TRIAL + LASTS, 0, 1, top & 15, left & 15) + load<i32>(I16_COST + (<usize>mode << 2));
    const s = score(rate, lambda16, d);
    if (mode == 0 || s < best16) {
      best16 = s;
      store<u8>(record, <u8>mode);
      copyVectors(record + LEVELS, TRIAL + LEVELS, 16 * 32);
      copyVectors(record + LEVELS + Y2_BLOCK * 32, TRIAL + LEVELS + Y2_BLOCK * 32, 32);
      copyVectors(record + LASTS, TRIAL + LASTS, 16);
      store<i8>(record + LASTS + Y2_BLOCK, <i8>lastY2);
      copyRows(BEST + Y_OFF, REC + Y_OFF, 16, 16);
      bestRate16 = rate;
      bestD16 = d;
    }
  }
  return score(bestRate16, lambdaMode, bestD16);
}

/**
 * 4x4: block by block, each block's best mode reconstructed in place (WORK) before the next; the
 * modes and levels to TRIAL. Stops, returning false, once the blocks' total reaches score16.
 */
function pickLuma4(params: usize, matrices: usize, top: u32, left: u32, modesTop: usize, modesLeft: usize, score16: i64, lambdaMode: i32): bool {
  const y = WORK + Y_OFF;
  const lambda4 = load<i32>(params, LAMBDA_I4);
  let total4 = score(211, lambdaMode, 0);
  let tnz = top & 15, lnz = left & 15;
  for (let n: usize = 0; n < 16; n++) {
    const at = blockAt(n);
    const x = n & 3, yy = n >> 2;
    const above = n < 4 ? <usize>load<u8>(modesTop + x) : <usize>load<u8>(TRIAL + n - 4);
    const leftMode = x == 0 ? <usize>load<u8>(modesLeft + yy) : <usize>load<u8>(TRIAL + n - 1);
    const ctx = <usize>(((tnz >> <u32>x) & 1) + ((lnz >> <u32>yy) & 1));
    let bestScore: i64 = 0, bestMode = -1, bestRate = 0, bestLast = -1;
    let bestD: i64 = 0;
    for (let mode = 0; mode < 10; mode++) {
      predict4(y + at, mode);
      forwardDct(SRC + Y_OFF + at, y + at, COEFFS);
      const last = quantize(COEFFS, COEFFS + 64, matrices, 0);
      copyRows(REC + Y_OFF + at, y + at, 4, 4);
      if (last >= 0) inverseDct(COEFFS, REC + Y_OFF + at); // else the prediction stands
      const d = sse4x4(SRC + Y_OFF + at, REC + Y_OFF + at);
      let rate = load<i32>(I4_COST + (((above * 10 + leftMode) * 10 + <usize>mode) << 2));
      if (mode > 0 && flat(COEFFS + 64)) rate += FLATNESS_PENALTY;
      if (bestMode >= 0 && score(rate, lambda4, d) >= bestScore) continue;
      rate += tokenCost(3, ctx, COEFFS + 64, 0, last);
      const s = score(rate, lambda4, d);
      if (bestMode < 0 || s < bestScore) {
        bestScore = s; bestMode = mode; bestRate = rate; bestD = d; bestLast = last;
        copyVectors(TRIAL + LEVELS + n * 32, COEFFS + 64, 32);
        copyRows(BEST4 + Y_OFF + at, REC + Y_OFF + at, 4, 4);
      }
    }
    copyRows(y + at, BEST4 + Y_OFF + at, 4, 4);
    store<u8>(TRIAL + n, <u8>bestMode);
    store<i8>(TRIAL + LASTS + n, <i8>bestLast);
    const nz: u32 = bestLast >= 0 ? 1 : 0;
    tnz = (tnz & ~(1 << <u32>x)) | (nz << <u32>x);
    lnz = (lnz & ~(1 << <u32>yy)) | (nz << <u32>yy);
    total4 += score(bestRate, lambdaMode, bestD);
    if (total4 >= score16) return false;
  }
  return true;
}

/** Chroma: both planes with one mode; the best's mode and levels to `record`, its reconstruction to WORK. */
function pickChroma(record: usize, params: usize, matrices: usize, top: u32, left: u32, hasTop: bool, hasLeft: bool): void {
  const lambdaUv = load<i32>(params, LAMBDA_UV);
  let bestUv: i64 = 0;
  for (let mode = 0; mode < 4; mode++) {
    predictBlock(WORK + U_OFF, 8, mode, hasTop, hasLeft);
    predictBlock(WORK + V_OFF, 8, mode, hasTop, hasLeft);
    copyRows(PRED + U_OFF, WORK + U_OFF, 24, 8);
    let rate = load<i32>(UV_COST + (<usize>mode << 2));
    let tu = top >> 4, lu = left >> 4;
    for (let n: usize = 0; n < 8; n++) {
      const at = chromaAt(n);
      forwardDct(SRC + at, PRED + at, COEFFS + n * 32);
      const last = quantize(COEFFS + n * 32, TRIAL + LEVELS + (16 + n) * 32, matrices + 2 * MATRIX_BYTES, 0);
      store<i8>(TRIAL + LASTS + 16 + n, <i8>last);
      const shift = <u32>((n >> 2) * 2 + (n & 1));
      const row = <u32>((n >> 2) * 2 + ((n >> 1) & 1));
      const ctx = <usize>(((tu >> shift) & 1) + ((lu >> row) & 1));
      rate += tokenCost(2, ctx, TRIAL + LEVELS + (16 + n) * 32, 0, last);
      const nz: u32 = last >= 0 ? 1 : 0;
      tu = (tu & ~(1 << shift)) | (nz << shift);
      lu = (lu & ~(1 << row)) | (nz << row);
    }
    copyRows(REC + U_OFF, PRED + U_OFF, 24, 8);
    for (let n: usize = 0; n < 8; n++) if (load<i8>(TRIAL + LASTS + 16 + n) >= 0) inverseDct(COEFFS + n * 32, REC + chromaAt(n));
    const d = sse(SRC + U_OFF, REC + U_OFF, 8, 8) + sse(SRC + V_OFF, REC + V_OFF, 8, 8);
    const s = score(rate, lambdaUv, d);
    if (mode == 0 || s < bestUv) {
      bestUv = s;
      store<u8>(record, <u8>mode, UV_MODE);
      copyVectors(record + LEVELS + 16 * 32, TRIAL + LEVELS + 16 * 32, 8 * 32);
      store<u64>(record + LASTS + 16, load<u64>(TRIAL + LASTS + 16));
      copyRows(BEST + U_OFF, REC + U_OFF, 24, 8);
    }
  }
  copyRows(WORK + U_OFF, BEST + U_OFF, 24, 8);
}

/** Whether a 4x4 block's levels have at most 3 non-zero AC levels (libwebp's IsFlat). */
// @ts-ignore: decorator
@inline function flat(levels: usize): bool {
  const zero = i16x8.splat(0);
  const nonzero = i8x16.bitmask(i8x16.narrow_i16x8_s(i16x8.ne(v128.load(levels), zero), i16x8.ne(v128.load(levels, 16), zero)));
  return popcnt(<u32>nonzero & 0xfffe) <= 3; // bit 0: the DC level
}
