// The contiguous (last) axis: each output is a K-tap gather from its row, straight from the
// tables, with a SIMD path for the stretch where an exact 2x scale makes the tables repeat with
// period 2. Used by interpolate's resampleRows (the only caller). Pointers are byte addresses;
// sizes are element counts. Helpers only: nothing under lib/ is a module export.

import { madd, maddScalar, storePairs } from './simd';

/** Outputs [from, to) of one row, straight from the tables (borders and irregular scales). */
@inline export function gatherRange(srcRow: usize, dstRow: usize, from: i32, to: i32, taps: i32,
                                    index: usize, weight: usize): void {
  if (taps == 1) {
    for (let o = from; o < to; o++) {
      store<f32>(dstRow + (<usize>o << 2), load<f32>(srcRow + (<usize>load<i32>(index + (<usize>o << 2)) << 2)));
    }
  } else if (taps == 2) {
    let o = from;
    if (ASC_FEATURE_SIMD) {
      // Four outputs a step: their sources gathered into lanes, their weight pairs deinterleaved,
      // the same madd as stretch2's taps2 (so the same bits as the scalar loop below).
      for (; o + 4 <= to; o += 4) {
        const ip = index + (<usize>o << 3);
        const wp = weight + (<usize>o << 3);
        const wA = v128.load(wp), wB = v128.load(wp, 16);
        v128.store(dstRow + (<usize>o << 2), taps2(v128.shuffle<f32>(wA, wB, 0, 2, 4, 6), v128.shuffle<f32>(wA, wB, 1, 3, 5, 7),
          gatherLanes(srcRow, ip, 8), gatherLanes(srcRow, ip + 4, 8)));
      }
    }
    for (; o < to; o++) {
      const ip = index + (<usize>o << 3);
      const wp = weight + (<usize>o << 3);
      store<f32>(dstRow + (<usize>o << 2), maddScalar(load<f32>(wp), load<f32>(srcRow + (<usize>load<i32>(ip) << 2)),
        load<f32>(wp, 4) * load<f32>(srcRow + (<usize>load<i32>(ip, 4) << 2))));
    }
  } else {
    let o = from;
    if (ASC_FEATURE_SIMD && taps == 4) {
      // Four outputs a step, as the two-tap case: each output's four weights transposed into one
      // vector a tap, the sources gathered into lanes, summed as taps4 sums them.
      for (; o + 4 <= to; o += 4) {
        const ip = index + (<usize>o << 4);
        const wp = weight + (<usize>o << 4);
        const r0 = v128.load(wp), r1 = v128.load(wp, 16), r2 = v128.load(wp, 32), r3 = v128.load(wp, 48);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        v128.store(dstRow + (<usize>o << 2), taps4(
          v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), v128.shuffle<f32>(t0, t2, 2, 3, 6, 7),
          v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), v128.shuffle<f32>(t1, t3, 2, 3, 6, 7),
          gatherLanes(srcRow, ip, 16), gatherLanes(srcRow, ip + 4, 16), gatherLanes(srcRow, ip + 8, 16), gatherLanes(srcRow, ip + 12, 16)));
      }
    }
    for (; o < to; o++) {
      const ip = index + (<usize>(o * taps) << 2);
      const wp = weight + (<usize>(o * taps) << 2);
      // The first two taps as taps2 sums them, the others one madd each (taps4's order).
      let s = maddScalar(load<f32>(wp), load<f32>(srcRow + (<usize>load<i32>(ip) << 2)),
        load<f32>(wp, 4) * load<f32>(srcRow + (<usize>load<i32>(ip, 4) << 2)));
      for (let t = 2; t < taps; t++) {
        s = maddScalar(load<f32>(wp + (<usize>t << 2)), load<f32>(srcRow + (<usize>load<i32>(ip + (<usize>t << 2)) << 2)), s);
      }
      store<f32>(dstRow + (<usize>o << 2), s);
    }
  }
}

/**
 * The sources of one tap of four consecutive outputs, one a lane: row[index] at ip, ip + stride,
 * ip + 2 stride, ip + 3 stride (stride: the bytes of one output's index entries, 4 x taps).
 */
@inline function gatherLanes(srcRow: usize, ip: usize, stride: usize): v128 {
  let v = f32x4.splat(load<f32>(srcRow + (<usize>load<i32>(ip) << 2)));
  v = f32x4.replace_lane(v, 1, load<f32>(srcRow + (<usize>load<i32>(ip + stride) << 2)));
  v = f32x4.replace_lane(v, 2, load<f32>(srcRow + (<usize>load<i32>(ip + 2 * stride) << 2)));
  return f32x4.replace_lane(v, 3, load<f32>(srcRow + (<usize>load<i32>(ip + 3 * stride) << 2)));
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
@inline export function stretch2(srcRow: usize, dstRow: usize, lo: i32, hi: i32, taps: i32,
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
