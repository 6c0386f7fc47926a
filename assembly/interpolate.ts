// Interpolation drivers, the module's separable kernels: blendAxis (a non-contiguous axis),
// resampleRows (the contiguous axis), separable2d (2-D, with a row cache) and separable (1-D and
// 3-D). Every weight and index comes from per-axis tables built by the wrapper
// (src/interpolate.ts), so these loops hold no coordinate rules: a separable pass is a K-tap
// weighted sum per output, `index[o*K + t]` and `weight[o*K + t]`, summed left to right as
// PyTorch does (w0*x0 + w1*x1 + ...). The loops they run are in lib/: blend.ts (rows blended
// vertically), resample.ts (the contiguous axis), bilinear2x.ts (bilinear 2x, H first), rows2d.ts
// (one output row of separable2d, shared with upsample-reduce.ts). `area` is in area.ts.
//
// Pointers are byte addresses; sizes are element counts.

import { blendSlice } from './lib/blend';
import { ringSlots } from './lib/ring';
import { clearRing, resampleRow, rowsFirst, upsampledRow } from './lib/rows2d';

/**
 * Resample a non-contiguous axis. The source is `outer` blocks of `inLen x inner` floats, the
 * destination `outer` blocks of `outLen x inner`; output slice o is the K-tap blend of source
 * slices index[o*K + t]. Slices are contiguous, so this is SIMD over `inner`.
 */
export function blendAxis(src: usize, dst: usize, outer: i32, inLen: i32, outLen: i32, inner: i32,
                          taps: i32, index: usize, weight: usize): void {
  const slice = <usize>inner << 2;
  for (let m = 0; m < outer; m++) {
    const srcBlock = src + <usize>m * <usize>inLen * slice;
    const dstBlock = dst + <usize>m * <usize>outLen * slice;
    for (let o = 0; o < outLen; o++) {
      const k = <usize>(o * taps) << 2;
      blendSlice(dstBlock + <usize>o * slice, srcBlock, slice, taps, -1, index + k, weight + k, inner);
    }
  }
}

/**
 * Resample the contiguous axis of `rows` rows (inW -> outW floats each). [periodLo, periodHi)
 * is the stretch where the tables repeat with period 2 (empty when they do not).
 */
export function resampleRows(src: usize, dst: usize, rows: i32, inW: i32, outW: i32, taps: i32,
                             index: usize, weight: usize, periodLo: i32, periodHi: i32): void {
  for (let r = 0; r < rows; r++) {
    resampleRow(src + (<usize>(r * inW) << 2), dst + (<usize>(r * outW) << 2), outW, taps, index, weight, periodLo, periodHi);
  }
}

/**
 * 2-D separable interpolation with a row cache: each output row blends K rows of the W-resampled
 * input, kept in a ring (lib/ring.ts; a row is resampled once per plane since the tables are
 * monotonic), so intermediates stay in L1 and each output row is written once. With one tap on H
 * (nearest) the W pass writes straight into the output. `ringRows` holds the slots' i32 row tags.
 */
export function separable2d(src: usize, dst: usize, ring: usize, ringRows: usize, planes: i32,
                            inH: i32, inW: i32, outH: i32, outW: i32,
                            tapsW: i32, indexW: usize, weightW: usize, periodLo: i32, periodHi: i32,
                            tapsH: i32, indexH: usize, weightH: usize): void {
  const inPlane = <usize>inH * <usize>inW << 2;
  const outRow = <usize>outW << 2;
  const inRow = <usize>inW << 2;
  const mask = ringSlots(tapsH) - 1;
  const first = rowsFirst(tapsH, tapsW, periodLo, periodHi, indexW, weightW);
  for (let p = 0; p < planes; p++) {
    const s = src + <usize>p * inPlane;
    const d = dst + <usize>p * <usize>outH * outRow;
    clearRing(ringRows, mask);
    for (let o = 0; o < outH; o++) {
      upsampledRow(s, inRow, d + <usize>o * outRow, o, inW, outW, ring, ringRows, mask, first,
        tapsW, indexW, weightW, periodLo, periodHi, tapsH, indexH, weightH);
    }
  }
}

/**
 * Separable interpolation of `planes` (N*C) planes of rank 1 or 3 (the wrapper sends rank 2 to
 * separable2d; any rank but 1 takes the three passes), processed `chunk` planes at a time so the
 * intermediate results stay in cache. Axis tables: W (contiguous), H, D.
 */
export function separable(src: usize, dst: usize, tmpA: usize, tmpB: usize, planes: i32, chunk: i32, rank: i32,
                          inD: i32, inH: i32, inW: i32, outD: i32, outH: i32, outW: i32,
                          tapsW: i32, indexW: usize, weightW: usize, periodLo: i32, periodHi: i32,
                          tapsH: i32, indexH: usize, weightH: usize,
                          tapsD: i32, indexD: usize, weightD: usize): void {
  const inPlane = <usize>inD * <usize>inH * <usize>inW << 2;
  const outPlane = <usize>outD * <usize>outH * <usize>outW << 2;
  for (let p = 0; p < planes; p += chunk) {
    const n = min(chunk, planes - p);
    const s = src + <usize>p * inPlane;
    const d = dst + <usize>p * outPlane;
    if (rank == 1) {
      resampleRows(s, d, n, inW, outW, tapsW, indexW, weightW, periodLo, periodHi);
    } else {
      resampleRows(s, tmpA, n * inD * inH, inW, outW, tapsW, indexW, weightW, periodLo, periodHi);
      blendAxis(tmpA, tmpB, n * inD, inH, outH, outW, tapsH, indexH, weightH);
      blendAxis(tmpB, d, n, inD, outD, outH * outW, tapsD, indexD, weightD);
    }
  }
}
