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

import { blend2, blendSlice } from './lib/blend';
import { ringSlots, stripPixels } from './lib/ring';
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
 * Bilinear 2x channels-last, H first as bilinearRow2x (so the values are the NCHW call's): for
 * each output row, the input pixels it reads are blended vertically into `tmp` (the ring, which
 * staging sizes for one input row: src/ring.ts ringFloats2d)
 * (V = h0 * a + h1 * b), then along W. On the mirrored run, pair k (outputs e = lo + 1 + 2k and
 * e + 1, source x = index[lo] + k) is u * V[x] + w * V[x+1] and w * V[x+1] + u * V[x+2], each
 * product formed once, SIMD over channels; other pixels blend two pixels of V.
 */
function pixelsFirst2x(s: usize, d: usize, tmp: usize, inRow: usize, outRow: usize, outH: i32, inW: i32, outW: i32,
                       channels: i32, indexW: usize, weightW: usize, indexH: usize, weightH: usize, lo: i32, hi: i32): void {
  // Each output row strip by strip, in order (strips of rows 64 KB apart cost TLB misses), so the
  // blended input pixels of a strip stay in L1.
  const strip = stripPixels(outW, channels);
  const pixel = <usize>channels << 2;
  const runFrom = lo + 1;
  const runTo = lo + 1 + (((hi - lo) >> 1) - 1) * 2; // pairs [runFrom, runTo), as bilinearRow2x
  const x0 = load<i32>(indexW + (<usize>lo << 3));
  const w = f32x4.splat(load<f32>(weightW + (<usize>lo << 3))), u = f32x4.splat(load<f32>(weightW + (<usize>lo << 3), 4));
  const vectors = channels & ~3;
  for (let o = 0; o < outH; o++) {
    const k = <usize>(o << 1) << 2;
    const rowA = s + <usize>load<i32>(indexH + k) * inRow;
    const rowB = s + <usize>load<i32>(indexH + k, 4) * inRow;
    const h0 = load<f32>(weightH + k), h1 = load<f32>(weightH + k, 4);
    const row = d + <usize>o * outRow;
    for (let xs = 0; xs < outW; xs += strip) {
      const n = min(strip, outW - xs);
      const first = load<i32>(indexW + (<usize>xs << 3));
      const last = load<i32>(indexW + (<usize>(xs + n - 1) << 3), 4);
      // Indices are absolute: address tmp as if it started at input pixel 0 (wrapping arithmetic).
      const v = tmp - <usize>first * pixel;
      blend2(tmp, rowA + <usize>first * pixel, rowB + <usize>first * pixel, h0, h1, (last - first + 1) * channels);
      // The strip's whole pairs of the run, [pairFrom, pairTo); the pixels around them one by one.
      const end = xs + n;
      const pairFrom = max(xs, runFrom) + ((max(xs, runFrom) - runFrom) & 1);
      const pairTo = pairFrom + (max(0, min(end, runTo) - pairFrom) & ~1);
      for (let x = xs; x < end; x++) {
        if (x == pairFrom && pairTo > pairFrom) x = pairTo;
        if (x >= end) break;
        blendSlice(row + <usize>x * pixel, v, pixel, 2, -1, indexW + (<usize>x << 3), weightW + (<usize>x << 3), channels);
      }
      let src = v + <usize>(x0 + ((pairFrom - runFrom) >> 1)) * pixel;
      let out = row + <usize>pairFrom * pixel;
      const bytes = <usize>vectors << 2;
      for (let x = pairFrom; x < pairTo; x += 2, src += pixel, out += pixel << 1) {
        for (let c: usize = 0; c < bytes; c += 16) {
          const B1 = f32x4.mul(w, v128.load(src + pixel + c));
          v128.store(out + c, f32x4.add(f32x4.mul(u, v128.load(src + c)), B1));
          v128.store(out + pixel + c, f32x4.add(B1, f32x4.mul(u, v128.load(src + (pixel << 1) + c))));
        }
        if (vectors < channels) {
          blendSlice(out + bytes, v + bytes, pixel, 2, -1, indexW + (<usize>x << 3), weightW + (<usize>x << 3), channels - vectors);
          blendSlice(out + pixel + bytes, v + bytes, pixel, 2, -1, indexW + (<usize>(x + 1) << 3), weightW + (<usize>(x + 1) << 3), channels - vectors);
        }
      }
    }
  }
}

/**
 * 2-D separable interpolation with a row cache: each output row blends K rows of the W-resampled
 * input, kept in a ring (lib/ring.ts; a row is resampled once per plane since the tables are
 * monotonic), so intermediates stay in L1 and each output row is written once. With one tap on H
 * (nearest) the W pass writes straight into the output. `ringRows` holds the slots' i32 row tags.
 * `channels` > 1 is channels-last (a row is inW x channels floats): the W pass is then a blend of
 * whole pixels, SIMD over the channels, and the H pass blends rows of outW x channels floats, in
 * vertical strips (lib/ring.ts stripPixels) so the ring stays in L1.
 */
export function separable2d(src: usize, dst: usize, ring: usize, ringRows: usize, planes: i32,
                            inH: i32, inW: i32, outH: i32, outW: i32,
                            tapsW: i32, indexW: usize, weightW: usize, periodLo: i32, periodHi: i32,
                            tapsH: i32, indexH: usize, weightH: usize, channels: i32): void {
  const inPlane = <usize>inH * <usize>inW * <usize>channels << 2;
  const outRow = <usize>outW * <usize>channels << 2;
  const inRow = <usize>inW * <usize>channels << 2;
  const mask = ringSlots(tapsH) - 1;
  const first = rowsFirst(tapsH, tapsW, periodLo, periodHi, indexW, weightW);
  for (let p = 0; p < planes; p++) {
    const s = src + <usize>p * inPlane;
    const d = dst + <usize>p * <usize>outH * outRow;
    if (channels == 1) {
      // NCHW: row by row, with the instructions the fused reductions use (lib/rows2d.ts).
      clearRing(ringRows, mask);
      for (let o = 0; o < outH; o++) {
        upsampledRow(s, inRow, d + <usize>o * outRow, o, inW, outW, ring, ringRows, mask, first,
          tapsW, indexW, weightW, periodLo, periodHi, tapsH, indexH, weightH);
      }
      continue;
    }
    if (tapsH == 1) {
      // Resampling the (cached) input row again beats copying the previous output row: freshly
      // streamed output lines are slow to read back.
      for (let o = 0; o < outH; o++) {
        const r = load<i32>(indexH + (<usize>o << 2));
        blendAxis(s + <usize>r * inRow, d + <usize>o * outRow, 1, inW, outW, channels, tapsW, indexW, weightW);
      }
      continue;
    }
    if (ASC_FEATURE_SIMD && first) {
      pixelsFirst2x(s, d, ring, inRow, outRow, outH, inW, outW, channels, indexW, weightW, indexH, weightH, periodLo, periodHi);
      continue;
    }
    // Channels-last rows are long: the ring holds strips of them (lib/ring.ts stripPixels).
    const strip = stripPixels(outW, channels);
    const ringRow = <usize>strip * <usize>channels << 2;
    for (let x0 = 0; x0 < outW; x0 += strip) {
      const n = min(strip, outW - x0);
      clearRing(ringRows, mask);
      for (let o = 0; o < outH; o++) {
        const k = <usize>(o * tapsH) << 2;
        for (let t = 0; t < tapsH; t++) {
          const r = load<i32>(indexH + k + (<usize>t << 2));
          const slot = ringRows + (<usize>(r & mask) << 2);
          if (load<i32>(slot) != r) {
            const row = ring + <usize>(r & mask) * ringRow;
            blendAxis(s + <usize>r * inRow, row, 1, inW, n, channels, tapsW, indexW + (<usize>(x0 * tapsW) << 2), weightW + (<usize>(x0 * tapsW) << 2));
            store<i32>(slot, r);
          }
        }
        // Ring slots are addressed as "row r & mask", so the blend reads index & mask: remap on the fly.
        blendSlice(d + <usize>o * outRow + (<usize>(x0 * channels) << 2), ring, ringRow, tapsH, mask, indexH + k, weightH + k, n * channels);
      }
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
