// Interpolation kernels. Every weight and index comes from per-axis tables built by the wrapper
// (src/interpolate.ts), so these loops hold no coordinate rules: a separable pass is a K-tap
// weighted sum per output, `index[o*K + t]` and `weight[o*K + t]`, summed left to right as
// PyTorch does (w0*x0 + w1*x1 + ...).
//
// Pointers are byte addresses; sizes are element counts.

import { ringSlots } from './lib/ring';
import { madd } from './lib/simd';

// ---- contiguous blends: out[i] = sum_t w_t * row_t[i], SIMD over i, one scalar tail ----

@inline function blend2(dst: usize, a: usize, b: usize, w0: f32, w1: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v0 = f32x4.splat(w0);
    const v1 = f32x4.splat(w1);
    for (; i + 16 <= n; i += 16) {
      const o = <usize>i << 2;
      const r0 = madd(v0, v128.load(a + o), f32x4.mul(v1, v128.load(b + o)));
      const r1 = madd(v0, v128.load(a + o, 16), f32x4.mul(v1, v128.load(b + o, 16)));
      const r2 = madd(v0, v128.load(a + o, 32), f32x4.mul(v1, v128.load(b + o, 32)));
      const r3 = madd(v0, v128.load(a + o, 48), f32x4.mul(v1, v128.load(b + o, 48)));
      v128.store(dst + o, r0);
      v128.store(dst + o, r1, 16);
      v128.store(dst + o, r2, 32);
      v128.store(dst + o, r3, 48);
    }
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, madd(v0, v128.load(a + o), f32x4.mul(v1, v128.load(b + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, w0 * load<f32>(a + o) + w1 * load<f32>(b + o));
  }
}

@inline function blend4(dst: usize, a: usize, b: usize, c: usize, d: usize,
                        w0: f32, w1: f32, w2: f32, w3: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v0 = f32x4.splat(w0);
    const v1 = f32x4.splat(w1);
    const v2 = f32x4.splat(w2);
    const v3 = f32x4.splat(w3);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      let s = madd(v0, v128.load(a + o), f32x4.mul(v1, v128.load(b + o)));
      s = madd(v2, v128.load(c + o), s);
      v128.store(dst + o, madd(v3, v128.load(d + o), s));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, w0 * load<f32>(a + o) + w1 * load<f32>(b + o) + w2 * load<f32>(c + o) + w3 * load<f32>(d + o));
  }
}

/** dst = w * a (first tap of a generic blend). */
@inline function scaleRow(dst: usize, a: usize, w: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v = f32x4.splat(w);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, f32x4.mul(v, v128.load(a + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, w * load<f32>(a + o));
  }
}

/** dst += w * a (later taps of a generic blend). */
@inline function accumulateRow(dst: usize, a: usize, w: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v = f32x4.splat(w);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, madd(v, v128.load(a + o), v128.load(dst + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + w * load<f32>(a + o));
  }
}

/** dst = a (a row copy; a SIMD loop beats memory.copy's call for rows of a few KiB). */
@inline function copyRow(dst: usize, a: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      v128.store(dst + o, v128.load(a + o));
      v128.store(dst + o, v128.load(a + o, 16), 16);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(a + o));
  }
}

/** One output slice: the K-tap blend of source slices base + index[t] * slice. */
@inline function blendSlice(out: usize, base: usize, slice: usize, taps: i32, ip: usize, wp: usize, inner: i32): void {
  if (taps == 1) {
    copyRow(out, base + <usize>load<i32>(ip) * slice, inner);
  } else if (taps == 2) {
    blend2(out, base + <usize>load<i32>(ip) * slice, base + <usize>load<i32>(ip, 4) * slice,
           load<f32>(wp), load<f32>(wp, 4), inner);
  } else if (taps == 4) {
    blend4(out, base + <usize>load<i32>(ip) * slice, base + <usize>load<i32>(ip, 4) * slice,
           base + <usize>load<i32>(ip, 8) * slice, base + <usize>load<i32>(ip, 12) * slice,
           load<f32>(wp), load<f32>(wp, 4), load<f32>(wp, 8), load<f32>(wp, 12), inner);
  } else {
    scaleRow(out, base + <usize>load<i32>(ip) * slice, load<f32>(wp), inner);
    for (let t = 1; t < taps; t++) {
      accumulateRow(out, base + <usize>load<i32>(ip + (<usize>t << 2)) * slice, load<f32>(wp + (<usize>t << 2)), inner);
    }
  }
}

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
      blendSlice(dstBlock + <usize>o * slice, srcBlock, slice, taps, index + k, weight + k, inner);
    }
  }
}

// ---- the contiguous (last) axis: a gather per output ----

/** Outputs [from, to) of one row, straight from the tables (borders and irregular scales). */
@inline function gatherRange(srcRow: usize, dstRow: usize, from: i32, to: i32, taps: i32,
                             index: usize, weight: usize): void {
  if (taps == 1) {
    for (let o = from; o < to; o++) {
      store<f32>(dstRow + (<usize>o << 2), load<f32>(srcRow + (<usize>load<i32>(index + (<usize>o << 2)) << 2)));
    }
  } else if (taps == 2) {
    for (let o = from; o < to; o++) {
      const ip = index + (<usize>o << 3);
      const wp = weight + (<usize>o << 3);
      store<f32>(dstRow + (<usize>o << 2),
        load<f32>(wp) * load<f32>(srcRow + (<usize>load<i32>(ip) << 2)) +
        load<f32>(wp, 4) * load<f32>(srcRow + (<usize>load<i32>(ip, 4) << 2)));
    }
  } else {
    for (let o = from; o < to; o++) {
      const ip = index + (<usize>(o * taps) << 2);
      const wp = weight + (<usize>(o * taps) << 2);
      let s = load<f32>(wp) * load<f32>(srcRow + (<usize>load<i32>(ip) << 2));
      for (let t = 1; t < taps; t++) {
        s += load<f32>(wp + (<usize>t << 2)) * load<f32>(srcRow + (<usize>load<i32>(ip + (<usize>t << 2)) << 2));
      }
      store<f32>(dstRow + (<usize>o << 2), s);
    }
  }
}

/** Stores phases x (outputs 2j) and y (outputs 2j + 1) of four pairs, interleaved: 8 outputs. */
@inline function storePairs(out: usize, x: v128, y: v128): void {
  v128.store(out, v128.shuffle<f32>(x, y, 0, 4, 1, 5));
  v128.store(out, v128.shuffle<f32>(x, y, 2, 6, 3, 7), 16);
}

/** w0 * s0 + w1 * s1, summed left to right as PyTorch does. */
@inline function taps2(w0: v128, w1: v128, s0: v128, s1: v128): v128 {
  return madd(w0, s0, f32x4.mul(w1, s1));
}

/** w0 * s0 + w1 * s1 + w2 * s2 + w3 * s3, summed left to right. */
@inline function taps4(w0: v128, w1: v128, w2: v128, w3: v128, s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  return madd(w3, s3, madd(w2, s2, taps2(w0, w1, s0, s1)));
}

/**
 * SIMD for an exact 2x stretch: on [lo, hi) the tables repeat with period 2 (output lo+2j+p reads
 * source index[lo+p, t] + j with weight[lo+p, t]), so both phases are SIMD over j from unaligned
 * loads and are interleaved on store. When both phases read the same sources (bilinear and
 * bicubic 2x from an odd start) each source vector is loaded once: half the loads, the same
 * arithmetic. Returns the first output it did not write.
 */
@inline function stretch2(srcRow: usize, dstRow: usize, lo: i32, hi: i32, taps: i32,
                          index: usize, weight: usize): i32 {
  if (!ASC_FEATURE_SIMD) return lo;
  const p0 = index + (<usize>(lo * taps) << 2);
  const p1 = p0 + (<usize>taps << 2);
  const w0 = weight + (<usize>(lo * taps) << 2);
  const w1 = w0 + (<usize>taps << 2);
  const pairs = (hi - lo) >> 1;
  let j = 0;
  let out = dstRow + (<usize>lo << 2);
  if (taps == 1) {
    const a = srcRow + (<usize>load<i32>(p0) << 2);
    const b = srcRow + (<usize>load<i32>(p1) << 2);
    for (; j + 4 <= pairs; j += 4, out += 32) {
      storePairs(out, v128.load(a + (<usize>j << 2)), v128.load(b + (<usize>j << 2)));
    }
  } else if (taps == 2) {
    const a0 = srcRow + (<usize>load<i32>(p0) << 2), a1 = srcRow + (<usize>load<i32>(p0, 4) << 2);
    const b0 = srcRow + (<usize>load<i32>(p1) << 2), b1 = srcRow + (<usize>load<i32>(p1, 4) << 2);
    const wa0 = f32x4.splat(load<f32>(w0)), wa1 = f32x4.splat(load<f32>(w0, 4));
    const wb0 = f32x4.splat(load<f32>(w1)), wb1 = f32x4.splat(load<f32>(w1, 4));
    if (a0 == b0 && a1 == b1) {
      for (; j + 8 <= pairs; j += 8, out += 64) {
        const o = <usize>j << 2;
        const s0 = v128.load(a0 + o), s1 = v128.load(a1 + o);
        const t0 = v128.load(a0 + o, 16), t1 = v128.load(a1 + o, 16);
        storePairs(out, taps2(wa0, wa1, s0, s1), taps2(wb0, wb1, s0, s1));
        storePairs(out + 32, taps2(wa0, wa1, t0, t1), taps2(wb0, wb1, t0, t1));
      }
    }
    for (; j + 8 <= pairs; j += 8, out += 64) {
      const o = <usize>j << 2;
      storePairs(out, taps2(wa0, wa1, v128.load(a0 + o), v128.load(a1 + o)),
                 taps2(wb0, wb1, v128.load(b0 + o), v128.load(b1 + o)));
      storePairs(out + 32, taps2(wa0, wa1, v128.load(a0 + o, 16), v128.load(a1 + o, 16)),
                 taps2(wb0, wb1, v128.load(b0 + o, 16), v128.load(b1 + o, 16)));
    }
    for (; j + 4 <= pairs; j += 4, out += 32) {
      const o = <usize>j << 2;
      storePairs(out, taps2(wa0, wa1, v128.load(a0 + o), v128.load(a1 + o)),
                 taps2(wb0, wb1, v128.load(b0 + o), v128.load(b1 + o)));
    }
  } else if (taps == 4) {
    const a0 = srcRow + (<usize>load<i32>(p0) << 2), a1 = srcRow + (<usize>load<i32>(p0, 4) << 2);
    const a2 = srcRow + (<usize>load<i32>(p0, 8) << 2), a3 = srcRow + (<usize>load<i32>(p0, 12) << 2);
    const b0 = srcRow + (<usize>load<i32>(p1) << 2), b1 = srcRow + (<usize>load<i32>(p1, 4) << 2);
    const b2 = srcRow + (<usize>load<i32>(p1, 8) << 2), b3 = srcRow + (<usize>load<i32>(p1, 12) << 2);
    const wa0 = f32x4.splat(load<f32>(w0)), wa1 = f32x4.splat(load<f32>(w0, 4));
    const wa2 = f32x4.splat(load<f32>(w0, 8)), wa3 = f32x4.splat(load<f32>(w0, 12));
    const wb0 = f32x4.splat(load<f32>(w1)), wb1 = f32x4.splat(load<f32>(w1, 4));
    const wb2 = f32x4.splat(load<f32>(w1, 8)), wb3 = f32x4.splat(load<f32>(w1, 12));
    if (a0 == b0 && a1 == b1 && a2 == b2 && a3 == b3) {
      for (; j + 4 <= pairs; j += 4, out += 32) {
        const o = <usize>j << 2;
        const s0 = v128.load(a0 + o), s1 = v128.load(a1 + o), s2 = v128.load(a2 + o), s3 = v128.load(a3 + o);
        storePairs(out, taps4(wa0, wa1, wa2, wa3, s0, s1, s2, s3), taps4(wb0, wb1, wb2, wb3, s0, s1, s2, s3));
      }
    }
    for (; j + 4 <= pairs; j += 4, out += 32) {
      const o = <usize>j << 2;
      storePairs(out, taps4(wa0, wa1, wa2, wa3, v128.load(a0 + o), v128.load(a1 + o), v128.load(a2 + o), v128.load(a3 + o)),
                 taps4(wb0, wb1, wb2, wb3, v128.load(b0 + o), v128.load(b1 + o), v128.load(b2 + o), v128.load(b3 + o)));
    }
  } else {
    return lo;
  }
  return lo + (j << 1);
}

/**
 * Resample the contiguous axis of `rows` rows (inW -> outW floats each). [periodLo, periodHi)
 * is the stretch where the tables repeat with period 2 (empty when they do not).
 */
export function resampleRows(src: usize, dst: usize, rows: i32, inW: i32, outW: i32, taps: i32,
                             index: usize, weight: usize, periodLo: i32, periodHi: i32): void {
  for (let r = 0; r < rows; r++) {
    const srcRow = src + (<usize>(r * inW) << 2);
    const dstRow = dst + (<usize>(r * outW) << 2);
    const done = stretch2(srcRow, dstRow, periodLo, periodHi, taps, index, weight);
    if (done > periodLo) {
      gatherRange(srcRow, dstRow, 0, periodLo, taps, index, weight);
      gatherRange(srcRow, dstRow, done, outW, taps, index, weight);
    } else {
      gatherRange(srcRow, dstRow, 0, outW, taps, index, weight);
    }
  }
}

/**
 * Bilinear 2x rows, H first. When both W phases of the period-two run read the same two adjacent
 * sources with mirrored weights (bilinear 2x without align_corners, from an odd start), an output
 * row is the two input rows blended in registers, then stretched along W with lane shifts: it is
 * written once and nothing passes through the ring, whose stores cost more than the shuffles (W1:
 * 5-13% less time than the ring). Other tables take the ring.
 */
@inline function mirroredAdjacentRun(lo: i32, hi: i32, index: usize, weight: usize): bool {
  if (hi - lo < 16) return false;
  const ip = index + (<usize>lo << 3);
  const wp = weight + (<usize>lo << 3);
  const a0 = load<i32>(ip), a1 = load<i32>(ip, 4);
  return a1 == a0 + 1 && load<i32>(ip, 8) == a0 && load<i32>(ip, 12) == a1 &&
    load<f32>(wp) == load<f32>(wp, 12) && load<f32>(wp, 4) == load<f32>(wp, 8);
}

/** The vertical blend of input rows a and b at source x (the SIMD blend's order). */
@inline function blendAt(a: usize, b: usize, h0: f32, h1: f32, x: i32): f32 {
  return h0 * load<f32>(a + (<usize>x << 2)) + h1 * load<f32>(b + (<usize>x << 2));
}

/** out[c] = w0 * V[i0] + w1 * V[i1] (V: blendAt) for c in [from, to), from the W table. */
@inline function gatherRows2(a: usize, b: usize, h0: f32, h1: f32, dstRow: usize, from: i32, to: i32,
                             index: usize, weight: usize): void {
  for (let c = from; c < to; c++) {
    const ip = index + (<usize>c << 3);
    const wp = weight + (<usize>c << 3);
    store<f32>(dstRow + (<usize>c << 2), load<f32>(wp) * blendAt(a, b, h0, h1, load<i32>(ip)) +
      load<f32>(wp, 4) * blendAt(a, b, h0, h1, load<i32>(ip, 4)));
  }
}

/** The vertical blend of four adjacent sources, h0 * a + h1 * b. */
@inline function blendVector(a: usize, b: usize, h0: v128, h1: v128): v128 {
  return madd(h0, v128.load(a), f32x4.mul(h1, v128.load(b)));
}

/**
 * Four pairs from V[s..s+3] and V[s+4..] (lanes 0-1 used), given as their products A = u * V and
 * B = w * V: out[e] = A[k] + B[k+1], out[e+1] = B[k+1] + A[k+2]. Each product is formed once and
 * reaches its lanes by a shift: 2 multiplies a block instead of 3, 6-9% less time on W1. The SIMD
 * build's bits are those of u * V[x] + w * V[x+1] (a sum of two terms rounds the same in either
 * order); the relaxed build does not fuse here, as fusing would need the third multiply back.
 */
@inline function storeMirroredPairs(out: usize, A: v128, B: v128, nextA: v128, nextB: v128): void {
  const shiftedB = v128.shuffle<f32>(B, nextB, 1, 2, 3, 4);
  const shiftedA = v128.shuffle<f32>(A, nextA, 2, 3, 4, 5);
  storePairs(out, f32x4.add(A, shiftedB), f32x4.add(shiftedB, shiftedA));
}

/**
 * The four pairs from pair j of a row (bilinearRow2x), reading V[x..x+5] in place as V[x..x+3] and
 * V[x+2..x+5] so that nothing past the run's last source is loaded: the unaligned block at a row's
 * start and the blocks at its end. One more shuffle than a whole block, outside the hot loop.
 */
@inline function mirroredBlockInRow(first: usize, a: usize, b: usize, x0: i32, j: i32,
                                    vh0: v128, vh1: v128, u: v128, w: v128): void {
  const x = <usize>(x0 + j) << 2;
  const v = blendVector(a + x, b + x, vh0, vh1);
  const next = v128.shuffle<f32>(blendVector(a + x + 8, b + x + 8, vh0, vh1), v, 2, 3, 2, 3);
  storeMirroredPairs(first + (<usize>j << 3), f32x4.mul(u, v), f32x4.mul(w, v), f32x4.mul(u, next), f32x4.mul(w, next));
}

/**
 * One output row from input rows a, b (weights h0, h1) on a mirrored adjacent run [lo, hi). Pair
 * k is out[e] = u * V[x] + w * V[x+1] and out[e+1] = w * V[x+1] + u * V[x+2], e = lo + 1 + 2k,
 * x = index[lo] + k (V: the vertical blend, (w, u) the run's first weights), so one blended
 * vector, its two products and two lane shifts give 4 pairs. Blocks are stored on 16-byte
 * boundaries; an unaligned block first and one or two blocks ending on the run's last pair cover
 * the rest, overlapping pairs already written (with the same bits: every block computes a pair
 * the same way), so no pair is scalar. The columns outside the run are the scalar gather.
 */
@inline function bilinearRow2x(a: usize, b: usize, h0: f32, h1: f32, dstRow: usize, outW: i32, inW: i32,
                               lo: i32, hi: i32, index: usize, weight: usize): void {
  // Pair k reads the run's pairs k and k + 1; runs hold at least 16 outputs (mirroredAdjacentRun),
  // so there are at least 7 pairs: enough for the blocks below to cover them all.
  const pairs = ((hi - lo) >> 1) - 1;
  const wp = weight + (<usize>lo << 3);
  const w = f32x4.splat(load<f32>(wp)), u = f32x4.splat(load<f32>(wp, 4));
  const vh0 = f32x4.splat(h0), vh1 = f32x4.splat(h1);
  const x0 = load<i32>(index + (<usize>lo << 3));
  const first = dstRow + (<usize>(lo + 1) << 2);
  // The aligned blocks start at pair 1 when pair 0's output is not on a 16-byte boundary.
  let j = <i32>(first & 15) >> 3;
  if (j != 0) mirroredBlockInRow(first, a, b, x0, 0, vh0, vh1, u, w);
  // Whole blocks load the next 4 sources too: they stop where that would pass the row's end.
  const lastFull = min(pairs - 4, inW - 8 - x0);
  if (j <= lastFull) {
    let pa = a + (<usize>(x0 + j) << 2), pb = b + (<usize>(x0 + j) << 2);
    let out = first + (<usize>j << 3);
    const v = blendVector(pa, pb, vh0, vh1);
    let A = f32x4.mul(u, v), B = f32x4.mul(w, v);
    // Two blocks an iteration: fewer pointer updates and branches, 2% less time on W1 here.
    for (; j + 4 <= lastFull; j += 8) {
      const v1 = blendVector(pa + 16, pb + 16, vh0, vh1), v2 = blendVector(pa + 32, pb + 32, vh0, vh1);
      const A1 = f32x4.mul(u, v1), B1 = f32x4.mul(w, v1);
      const A2 = f32x4.mul(u, v2), B2 = f32x4.mul(w, v2);
      storeMirroredPairs(out, A, B, A1, B1);
      storeMirroredPairs(out + 32, A1, B1, A2, B2);
      A = A2; B = B2;
      pa += 32; pb += 32; out += 64;
    }
    if (j <= lastFull) {
      const v1 = blendVector(pa + 16, pb + 16, vh0, vh1);
      storeMirroredPairs(out, A, B, f32x4.mul(u, v1), f32x4.mul(w, v1));
      j += 4;
    }
  }
  // At most 5 pairs are left (the last pair reads source x0 + pairs + 1 < inW): two blocks at most.
  if (j < pairs - 4) mirroredBlockInRow(first, a, b, x0, j, vh0, vh1, u, w);
  if (j < pairs) mirroredBlockInRow(first, a, b, x0, pairs - 4, vh0, vh1, u, w);
  gatherRows2(a, b, h0, h1, dstRow, 0, lo + 1, index, weight);
  gatherRows2(a, b, h0, h1, dstRow, lo + 1 + 2 * pairs, outW, index, weight);
}

/**
 * 2-D separable interpolation with a row cache: each output row blends K rows of the W-resampled
 * input, kept in a ring (./lib/ring.ts; a row is resampled once per plane since the tables are
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
  const rowsFirst = ASC_FEATURE_SIMD && tapsH == 2 && tapsW == 2 && mirroredAdjacentRun(periodLo, periodHi, indexW, weightW);
  for (let p = 0; p < planes; p++) {
    const s = src + <usize>p * inPlane;
    const d = dst + <usize>p * <usize>outH * outRow;
    if (tapsH == 1) {
      // Resampling the (cached) input row again beats copying the previous output row: freshly
      // streamed output lines are slow to read back.
      for (let o = 0; o < outH; o++) {
        const r = load<i32>(indexH + (<usize>o << 2));
        resampleRows(s + <usize>r * inRow, d + <usize>o * outRow, 1, inW, outW, tapsW, indexW, weightW, periodLo, periodHi);
      }
      continue;
    }
    if (rowsFirst) {
      for (let o = 0; o < outH; o++) {
        const k = <usize>(o << 1) << 2;
        bilinearRow2x(s + <usize>load<i32>(indexH + k) * inRow, s + <usize>load<i32>(indexH + k, 4) * inRow,
          load<f32>(weightH + k), load<f32>(weightH + k, 4), d + <usize>o * outRow, outW, inW, periodLo, periodHi, indexW, weightW);
      }
      continue;
    }
    for (let t = 0; t <= mask; t++) store<i32>(ringRows + (<usize>t << 2), -1);
    for (let o = 0; o < outH; o++) {
      const k = <usize>(o * tapsH) << 2;
      for (let t = 0; t < tapsH; t++) {
        const r = load<i32>(indexH + k + (<usize>t << 2));
        const slot = ringRows + (<usize>(r & mask) << 2);
        if (load<i32>(slot) != r) {
          resampleRows(s + <usize>r * inRow, ring + <usize>(r & mask) * outRow, 1, inW, outW, tapsW, indexW, weightW, periodLo, periodHi);
          store<i32>(slot, r);
        }
      }
      // Ring slots are addressed as "row r & mask", so the blend reads index & mask: remap on the fly.
      blendRing(d + <usize>o * outRow, ring, outRow, tapsH, mask, indexH + k, weightH + k, outW);
    }
  }
}

@inline function blendRing(out: usize, ring: usize, slice: usize, taps: i32, mask: i32, ip: usize, wp: usize, inner: i32): void {
  if (taps == 2) {
    blend2(out, ring + <usize>(load<i32>(ip) & mask) * slice, ring + <usize>(load<i32>(ip, 4) & mask) * slice,
           load<f32>(wp), load<f32>(wp, 4), inner);
  } else if (taps == 4) {
    blend4(out, ring + <usize>(load<i32>(ip) & mask) * slice, ring + <usize>(load<i32>(ip, 4) & mask) * slice,
           ring + <usize>(load<i32>(ip, 8) & mask) * slice, ring + <usize>(load<i32>(ip, 12) & mask) * slice,
           load<f32>(wp), load<f32>(wp, 4), load<f32>(wp, 8), load<f32>(wp, 12), inner);
  } else {
    scaleRow(out, ring + <usize>(load<i32>(ip) & mask) * slice, load<f32>(wp), inner);
    for (let t = 1; t < taps; t++) {
      accumulateRow(out, ring + <usize>(load<i32>(ip + (<usize>t << 2)) & mask) * slice, load<f32>(wp + (<usize>t << 2)), inner);
    }
  }
}

/**
 * Separable interpolation of `planes` (N*C) planes of rank 1-3, processed `chunk` planes at a
 * time so the intermediate results stay in cache. Axis tables: W (contiguous), H, D.
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
    } else if (rank == 2) {
      resampleRows(s, tmpA, n * inH, inW, outW, tapsW, indexW, weightW, periodLo, periodHi);
      blendAxis(tmpA, d, n, inH, outH, outW, tapsH, indexH, weightH);
    } else {
      resampleRows(s, tmpA, n * inD * inH, inW, outW, tapsW, indexW, weightW, periodLo, periodHi);
      blendAxis(tmpA, tmpB, n * inD, inH, outH, outW, tapsH, indexH, weightH);
      blendAxis(tmpB, d, n, inD, outD, outH * outW, tapsD, indexD, weightD);
    }
  }
}

/**
 * `area` mode: adaptive average pooling over windows [start, end) per axis, summed in row-major
 * order in float32 and divided by each window length in turn (PyTorch: sum / kD / kH / kW).
 */
export function areaPool(src: usize, dst: usize, planes: i32,
                         inD: i32, inH: i32, inW: i32, outD: i32, outH: i32, outW: i32,
                         startD: usize, endD: usize, startH: usize, endH: usize, startW: usize, endW: usize): void {
  const inPlane = <usize>inD * <usize>inH * <usize>inW << 2;
  let out = dst;
  for (let p = 0; p < planes; p++) {
    const plane = src + <usize>p * inPlane;
    for (let od = 0; od < outD; od++) {
      const d0 = load<i32>(startD + (<usize>od << 2)), d1 = load<i32>(endD + (<usize>od << 2));
      for (let oh = 0; oh < outH; oh++) {
        const h0 = load<i32>(startH + (<usize>oh << 2)), h1 = load<i32>(endH + (<usize>oh << 2));
        for (let ow = 0; ow < outW; ow++) {
          const w0 = load<i32>(startW + (<usize>ow << 2)), w1 = load<i32>(endW + (<usize>ow << 2));
          let sum: f32 = 0;
          for (let id = d0; id < d1; id++) {
            for (let ih = h0; ih < h1; ih++) {
              const row = plane + (<usize>((id * inH + ih) * inW) << 2);
              for (let iw = w0; iw < w1; iw++) sum += load<f32>(row + (<usize>iw << 2));
            }
          }
          store<f32>(out, sum / <f32>(d1 - d0) / <f32>(h1 - h0) / <f32>(w1 - w0));
          out += 4;
        }
      }
    }
  }
}

/** `area` to a single output per plane: the plane's mean, summed in float64 (PyTorch: mean()). */
export function planeMean(src: usize, dst: usize, planes: i32, planeSize: i32): void {
  for (let p = 0; p < planes; p++) {
    const plane = src + (<usize>p * <usize>planeSize << 2);
    let sum: f64 = 0;
    for (let i = 0; i < planeSize; i++) sum += <f64>load<f32>(plane + (<usize>i << 2));
    store<f32>(dst + (<usize>p << 2), <f32>sum / <f32>planeSize);
  }
}
