// One output row of the 2-D separable interpolation, the body of interpolate's separable2d and of
// the fused kernels that reduce upsampled rows as they are produced (assembly/upsample-reduce.ts):
// whoever calls it computes a row with the same instructions, so their results are bit-identical.
// Three paths, picked from the tables: one tap on H (the W pass straight into the row), bilinear
// 2x rows H first (lib/bilinear2x.ts), else K rows of the W-resampled input kept in a ring
// (lib/ring.ts) blended vertically. Helpers only: nothing under lib/ is a module export.

import { bilinearRow2x, mirroredAdjacentRun } from './bilinear2x';
import { blendSlice } from './blend';
import { gatherRange, stretch2 } from './resample';

/** Resample one row along W (interpolate's resampleRows for one row). */
@inline export function resampleRow(srcRow: usize, dstRow: usize, outW: i32, taps: i32,
                                    index: usize, weight: usize, periodLo: i32, periodHi: i32): void {
  const done = stretch2(srcRow, dstRow, periodLo, periodHi, taps, index, weight);
  if (done > periodLo) {
    gatherRange(srcRow, dstRow, 0, periodLo, taps, index, weight);
    gatherRange(srcRow, dstRow, done, outW, taps, index, weight);
  } else {
    gatherRange(srcRow, dstRow, 0, outW, taps, index, weight);
  }
}

/** Whether the rows take the bilinear 2x H-first path (SIMD builds, 2 x 2 taps, a mirrored run on W). */
@inline export function rowsFirst(tapsH: i32, tapsW: i32, periodLo: i32, periodHi: i32, indexW: usize, weightW: usize): bool {
  return ASC_FEATURE_SIMD && tapsH == 2 && tapsW == 2 && mirroredAdjacentRun(periodLo, periodHi, indexW, weightW);
}

/** Marks every slot of a plane's ring empty (slots = mask + 1 i32 tags). */
@inline export function clearRing(ringRows: usize, mask: i32): void {
  for (let t = 0; t <= mask; t++) store<i32>(ringRows + (<usize>t << 2), -1);
}

/**
 * Output row `o` of the plane at `s` (rows `inRow` bytes apart) into `out` (outW floats). The
 * ring (`mask` + 1 slots of outW floats, tags at `ringRows`) carries rows between calls for one
 * plane, in increasing `o`; clear it (clearRing) before a plane's first row.
 */
@inline export function upsampledRow(s: usize, inRow: usize, out: usize, o: i32, inW: i32, outW: i32,
                                     ring: usize, ringRows: usize, mask: i32, first: bool,
                                     tapsW: i32, indexW: usize, weightW: usize, periodLo: i32, periodHi: i32,
                                     tapsH: i32, indexH: usize, weightH: usize): void {
  if (tapsH == 1) {
    // Resampling the (cached) input row again beats copying the previous output row: freshly
    // streamed output lines are slow to read back.
    const r = load<i32>(indexH + (<usize>o << 2));
    resampleRow(s + <usize>r * inRow, out, outW, tapsW, indexW, weightW, periodLo, periodHi);
    return;
  }
  const k = <usize>(o * tapsH) << 2;
  if (ASC_FEATURE_SIMD && first) {
    bilinearRow2x(s + <usize>load<i32>(indexH + k) * inRow, s + <usize>load<i32>(indexH + k, 4) * inRow,
      load<f32>(weightH + k), load<f32>(weightH + k, 4), out, outW, inW, periodLo, periodHi, indexW, weightW);
    return;
  }
  const outRow = <usize>outW << 2;
  for (let t = 0; t < tapsH; t++) {
    const r = load<i32>(indexH + k + (<usize>t << 2));
    const slot = ringRows + (<usize>(r & mask) << 2);
    if (load<i32>(slot) != r) {
      resampleRow(s + <usize>r * inRow, ring + <usize>(r & mask) * outRow, outW, tapsW, indexW, weightW, periodLo, periodHi);
      store<i32>(slot, r);
    }
  }
  // Ring slots are addressed as "row r & mask", so the blend reads index & mask: remap on the fly.
  blendSlice(out, ring, outRow, tapsH, mask, indexH + k, weightH + k, outW);
}
