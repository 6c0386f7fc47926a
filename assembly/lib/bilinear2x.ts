// Bilinear 2x rows, H first: separable2d's path for bilinear 2x tables. When both W phases of the
// period-two run read the same two adjacent sources with mirrored weights (bilinear 2x without
// align_corners, from an odd start), an output row is the two input rows blended in registers,
// then stretched along W with lane shifts: it is written once and nothing passes through the ring,
// whose stores cost more than the shuffles (W1: 5-13% less time than the ring). Other tables take
// the ring. bilinearRow2x is SIMD: separable2d takes it only in SIMD builds.
//
// Pointers are byte addresses; sizes are element counts. Helpers only: nothing under lib/ is a
// module export.

import { madd, maddScalar, storePairs } from './simd';

/** Whether [lo, hi) of the W tables is a mirrored adjacent run long enough for bilinearRow2x. */
@inline export function mirroredAdjacentRun(lo: i32, hi: i32, index: usize, weight: usize): bool {
  if (hi - lo < 16) return false;
  const ip = index + (<usize>lo << 3);
  const wp = weight + (<usize>lo << 3);
  const a0 = load<i32>(ip), a1 = load<i32>(ip, 4);
  return a1 == a0 + 1 && load<i32>(ip, 8) == a0 && load<i32>(ip, 12) == a1 &&
    load<f32>(wp) == load<f32>(wp, 12) && load<f32>(wp, 4) == load<f32>(wp, 8);
}

/** The vertical blend of input rows a and b at source x (the SIMD blend's order). */
@inline function blendAt(a: usize, b: usize, h0: f32, h1: f32, x: i32): f32 {
  return maddScalar(h0, load<f32>(a + (<usize>x << 2)), h1 * load<f32>(b + (<usize>x << 2)));
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
@inline export function bilinearRow2x(a: usize, b: usize, h0: f32, h1: f32, dstRow: usize, outW: i32, inW: i32,
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
