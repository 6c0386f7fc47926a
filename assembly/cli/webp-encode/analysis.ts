// libwebp's analysis pass (src/enc/analysis_enc.c, method >= 2), approximately: each macroblock's
// "susceptibility" alpha from the spread of its DCT coefficients under the DC and TM predictions
// (a histogram of |coefficient| / 8: the last occupied bin over the fullest one's count), luma
// and chroma mixed 3:1; then k-means on the alphas into up to 4 segments, whose centres set each
// segment's quantiser and filter strength (./quant.ts, ../webp-encoder.ts). Predictions here are
// from the source's own neighbours (no reconstruction yet).

import { BPS, U_OFF, V_OFF, WORK, Y_OFF } from '../webp-decode/state';
import { predictBlock } from '../webp-decode/predict';
import { forwardDct } from './quant';
import { SRC, startMacroblock } from './macroblock';

/**
 * Four histograms of 32 bins (i32), coefficient k of a block counted in histogram k & 3: most
 * coefficients fall in bin 0, and one histogram's increments would wait on each other (a load
 * of what the last one stored), ~5 cycles each.
 */
const HISTOGRAMS: usize = memory.data(4 * 32 * 4, 16);
const COEFFS: usize = memory.data(32, 16);
const BINS: usize = memory.data(16, 16);
const COUNTS4: usize = memory.data(16, 16);
const MAX_ALPHA = 255;

/** GetAlpha of the histogram of `blocks` 4x4 blocks (offsets from `at`) of SRC against WORK's prediction. */
function blocksAlpha(at: usize, blocks: usize, chroma: bool): i32 {
  for (let k: usize = 0; k < 4 * 32 * 4; k += 16) v128.store(HISTOGRAMS + k, i32x4.splat(0)); // not memory.fill: a call out in V8
  const top = i16x8.splat(31);
  for (let n: usize = 0; n < blocks; n++) {
    const offset = chroma ? (n < 4 ? U_OFF : V_OFF) + (n & 1) * 4 + ((n >> 1) & 1) * 4 * BPS : at + (n & 3) * 4 + (n >> 2) * 4 * BPS;
    forwardDct(SRC + offset, WORK + offset, COEFFS);
    // Each coefficient's bin, min(|c| >> 3, 31), sixteen at once; then the counts.
    const bins0 = i16x8.min_u(i16x8.shr_u(i16x8.abs(v128.load(COEFFS)), 3), top);
    const bins1 = i16x8.min_u(i16x8.shr_u(i16x8.abs(v128.load(COEFFS, 16)), 3), top);
    v128.store(BINS, i8x16.narrow_i16x8_u(bins0, bins1));
    for (let k: usize = 0; k < 16; k += 4) {
      for (let j: usize = 0; j < 4; j++) {
        const h = HISTOGRAMS + j * 128 + (<usize>load<u8>(BINS + k + j) << 2);
        store<i32>(h, load<i32>(h) + 1);
      }
    }
  }
  let max = 0, last = 0;
  for (let k: usize = 0; k < 32; k += 4) {
    const h = HISTOGRAMS + (k << 2);
    const counts = i32x4.add(i32x4.add(v128.load(h), v128.load(h, 128)), i32x4.add(v128.load(h, 256), v128.load(h, 384)));
    v128.store(COUNTS4, counts);
    for (let j: usize = 0; j < 4; j++) {
      const count = load<i32>(COUNTS4 + (j << 2));
      if (count > 0) {
        if (count > max) max = count;
        last = <i32>(k + j);
      }
    }
  }
  return max > 1 ? 2 * MAX_ALPHA * last / max : 0;
}

/** Writes each macroblock's alpha (u8) to `alphas`; returns the mean chroma alpha. */
export function analyze(mbW: i32, mbH: i32, planeY: usize, planeU: usize, planeV: usize, yStride: usize, alphas: usize): i32 {
  const uvStride = yStride >> 1;
  let uvSum = 0;
  for (let mbY = 0; mbY < mbH; mbY++) {
    for (let mbX = 0; mbX < mbW; mbX++) {
      const above: usize = mbY > 0 ? <usize>(mbY * 16 - 1) : 0; // the source's row above (unread in row 0)
      const aboveUv: usize = mbY > 0 ? <usize>(mbY * 8 - 1) : 0;
      startMacroblock(mbX, mbY, mbW, planeY, planeU, planeV, yStride,
        planeY + above * yStride, planeU + aboveUv * uvStride, planeV + aboveUv * uvStride);
      let best = -1;
      for (let mode = 0; mode < 2; mode++) {
        predictBlock(WORK + Y_OFF, 16, mode, mbY > 0, mbX > 0);
        const a = blocksAlpha(Y_OFF, 16, false);
        if (a > best) best = a;
      }
      let bestUv = -1;
      for (let mode = 0; mode < 2; mode++) {
        predictBlock(WORK + U_OFF, 8, mode, mbY > 0, mbX > 0);
        predictBlock(WORK + V_OFF, 8, mode, mbY > 0, mbX > 0);
        const a = blocksAlpha(0, 8, true);
        if (a > bestUv) bestUv = a;
      }
      let alpha = MAX_ALPHA - ((3 * best + bestUv + 2) >> 2);
      alpha = alpha < 0 ? 0 : alpha > MAX_ALPHA ? MAX_ALPHA : alpha;
      store<u8>(alphas + <usize>(mbY * mbW + mbX), <u8>alpha);
      uvSum += bestUv;
      // The source stands in for the reconstruction: the next macroblock's left edge.
      for (let j: usize = 0; j < 16; j++) v128.store(WORK + Y_OFF + j * BPS, v128.load(SRC + Y_OFF + j * BPS));
      for (let j: usize = 0; j < 8; j++) {
        store<u64>(WORK + U_OFF + j * BPS, load<u64>(SRC + U_OFF + j * BPS));
        store<u64>(WORK + V_OFF + j * BPS, load<u64>(SRC + V_OFF + j * BPS));
      }
    }
  }
  return uvSum / (mbW * mbH);
}

/** Per segment: alpha (-127..127) and beta (0..255), i32 each, after `assignSegments`. */
export const SEGMENT_ALPHA: usize = memory.data(16, 16);
export const SEGMENT_BETA: usize = memory.data(16, 16);
const COUNTS: usize = memory.data(256 * 4, 16);
const MAP: usize = memory.data(256, 16);
const CENTERS = memory.data(16, 16);
const ACCUM = memory.data(16, 16);
const DIST_ACCUM = memory.data(16, 16);

// @ts-ignore: decorator
@inline function counts(a: i32): i32 {
  return load<i32>(COUNTS + (<usize>a << 2));
}
// @ts-ignore: decorator
@inline function get(array: usize, k: i32): i32 {
  return load<i32>(array + (<usize>k << 2));
}
// @ts-ignore: decorator
@inline function set(array: usize, k: i32, v: i32): void {
  store<i32>(array + (<usize>k << 2), v);
}

/** libwebp's AssignSegments: k-means of the alphas into `segments` centres; each macroblock's segment to `segmentOf` (u8). */
export function assignSegments(alphas: usize, count: i32, segments: i32, segmentOf: usize): void {
  memory.fill(COUNTS, 0, 256 * 4);
  for (let i = 0; i < count; i++) {
    const c = COUNTS + (<usize>load<u8>(alphas + <usize>i) << 2);
    store<i32>(c, load<i32>(c) + 1);
  }
  let minA = 0;
  while (minA < MAX_ALPHA && counts(minA) == 0) minA++;
  let maxA = MAX_ALPHA;
  while (maxA > minA && counts(maxA) == 0) maxA--;
  const range = maxA - minA;
  // Static arrays: the module has no allocator (the wrapper owns the heap).
  const centers = CENTERS, accum = ACCUM, distAccum = DIST_ACCUM;
  for (let k = 0; k < segments; k++) set(centers, k, minA + ((2 * k + 1) * range) / (2 * segments));
  let weighted = 0;
  for (let iter = 0; iter < 6; iter++) {
    for (let n = 0; n < 4; n++) { set(accum, n, 0); set(distAccum, n, 0); }
    let n = 0;
    for (let a = minA; a <= maxA; a++) {
      if (counts(a) == 0) continue;
      while (n + 1 < segments && abs(a - get(centers, n + 1)) < abs(a - get(centers, n))) n++;
      store<u8>(MAP + <usize>a, <u8>n);
      set(distAccum, n, get(distAccum, n) + a * counts(a));
      set(accum, n, get(accum, n) + counts(a));
    }
    let displaced = 0, total = 0;
    weighted = 0;
    for (let k = 0; k < segments; k++) {
      if (get(accum, k) == 0) continue;
      const center = (get(distAccum, k) + get(accum, k) / 2) / get(accum, k);
      displaced += abs(get(centers, k) - center);
      set(centers, k, center);
      weighted += center * get(accum, k);
      total += get(accum, k);
    }
    weighted = (weighted + total / 2) / total;
    if (displaced < 5) break;
  }
  for (let i = 0; i < count; i++) store<u8>(segmentOf + <usize>i, load<u8>(MAP + <usize>load<u8>(alphas + <usize>i)));
  let min = get(centers, 0), max = get(centers, 0);
  for (let k = 1; k < segments; k++) {
    if (get(centers, k) < min) min = get(centers, k);
    if (get(centers, k) > max) max = get(centers, k);
  }
  if (max == min) max = min + 1;
  for (let k = 0; k < segments; k++) {
    const alpha = 255 * (get(centers, k) - weighted) / (max - min);
    const beta = 255 * (get(centers, k) - min) / (max - min);
    store<i32>(SEGMENT_ALPHA + (<usize>k << 2), alpha < -127 ? -127 : alpha > 127 ? 127 : alpha);
    store<i32>(SEGMENT_BETA + (<usize>k << 2), beta < 0 ? 0 : beta > 255 ? 255 : beta);
  }
}
