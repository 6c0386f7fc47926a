// Convolution and transposed convolution kernels. The wrapper (src/conv.ts) turns either operation
// into *phases*: stride-1 correlations over a zero-padded (for strided convolution also
// phase-split) copy of the input, `x`, each writing one sub-grid of the output:
//
//   out[co, pixel] = bias[co] + sum_k packed[co, k] * x[pixel + offsets[k]]
//
// k runs over (input channel of the group, tap of this phase), so each phase is a small GEMM
// (M = output channels per group, K, N = pixels) with no multiplications by inserted zeros and,
// thanks to the padding, no bounds checks. Pixels are contiguous in x along W, so the SIMD
// micro-kernel loads 8 neighbouring pixels per k and broadcasts one weight per output channel
// (multiply-add: fused in the relaxed-SIMD build, mul then add otherwise).
//
// Pointers are byte addresses; sizes, strides and offsets are element counts.

import {
  blockEnd, PHASE_FIELDS, PHASE_K, PHASE_OFFSETS, PHASE_OUT, PHASE_PACKED, PHASE_PIXELS_D, PHASE_PIXELS_H,
  PHASE_PIXELS_W, PHASE_STEP_D, PHASE_STEP_H, PHASE_STEP_W, PHASE_TAPS,
} from './lib/phase';
import { madd } from './lib/simd';

// ---- preparing x and the packed weights ----

/** dst[e] = row[table[e]] for e in [from, to), 0 where the table says -1. */
@inline function gatherRow(row: usize, dst: usize, from: i32, to: i32, table: usize): void {
  for (let e = from; e < to; e++) {
    const i = load<i32>(table + (<usize>e << 2));
    store<f32>(dst + (<usize>e << 2), i >= 0 ? load<f32>(row + (<usize>i << 2)) : 0);
  }
}

/**
 * Builds x: for each of `planes` input planes, the outer product of the per-axis index tables
 * (D, H, W; -1 is a zero). W indices [runLo, runHi) copy one contiguous run of the input row.
 * Then `slack` zeros, which the SIMD tiles may read past the last row.
 */
export function gatherInput(src: usize, dst: usize, planes: i32, inD: i32, inH: i32, inW: i32,
                            eD: i32, eH: i32, eW: i32, tableD: usize, tableH: usize, tableW: usize,
                            runLo: i32, runHi: i32, slack: i32): void {
  const inPlane = <usize>inD * <usize>inH * <usize>inW << 2;
  const rowBytes = <usize>eW << 2;
  const runSrc = runHi > runLo ? load<i32>(tableW + (<usize>runLo << 2)) : 0;
  let d = dst;
  for (let p = 0; p < planes; p++) {
    const plane = src + <usize>p * inPlane;
    for (let a = 0; a < eD; a++) {
      const id = load<i32>(tableD + (<usize>a << 2));
      for (let b = 0; b < eH; b++) {
        const ih = load<i32>(tableH + (<usize>b << 2));
        if (id < 0 || ih < 0) {
          memory.fill(d, 0, rowBytes);
        } else {
          const row = plane + (<usize>((id * inH + ih) * inW) << 2);
          gatherRow(row, d, 0, runLo, tableW);
          memory.copy(d + (<usize>runLo << 2), row + (<usize>runSrc << 2), <usize>(runHi - runLo) << 2);
          gatherRow(row, d, runHi, eW, tableW);
        }
        d += rowBytes;
      }
    }
  }
  memory.fill(d, 0, <usize>slack << 2);
}

/**
 * Packs every group's weights in the micro-kernels' order: per phase, blocks of 4 output channels
 * with K-major entries of 4 floats (blockEnd, lib/phase.ts: with M % 4 == 3 the last block holds 3
 * and a zero channel), then the remaining channels, K floats each. Weight element of (co, ci, tap)
 * within a group: co*coStride + ci*ciStride + taps[tap].
 */
export function packWeights(dst: usize, src: usize, phases: usize, phaseCount: i32, taps: usize, groups: i32,
                            groupIn: i32, M: i32, coStride: i32, ciStride: i32, weightGroup: i32): void {
  let d = dst;
  const coStep = <usize>coStride << 2;
  for (let g = 0; g < groups; g++) {
    const s = src + (<usize>(g * weightGroup) << 2);
    for (let ph = 0; ph < phaseCount; ph++) {
      const rec = phases + (<usize>(ph * PHASE_FIELDS) << 2);
      const t0 = taps + (<usize>load<i32>(rec, PHASE_TAPS << 2) << 2);
      const t1 = t0 + (<usize>(load<i32>(rec, PHASE_K << 2) / groupIn) << 2);
      const end = blockEnd(M);
      let co = 0;
      for (; co < end; co += 4) {
        const rows = min(M - co, 4);
        for (let ci = 0; ci < groupIn; ci++) {
          const base = s + (<usize>(co * coStride + ci * ciStride) << 2);
          for (let t = t0; t < t1; t += 4) {
            const w = base + (<usize>load<i32>(t) << 2);
            store<f32>(d, load<f32>(w));
            store<f32>(d, load<f32>(w + coStep), 4);
            store<f32>(d, load<f32>(w + 2 * coStep), 8);
            store<f32>(d, rows > 3 ? load<f32>(w + 3 * coStep) : 0, 12);
            d += 16;
          }
        }
      }
      for (co = end; co < M; co++) {
        for (let ci = 0; ci < groupIn; ci++) {
          const base = s + (<usize>(co * coStride + ci * ciStride) << 2);
          for (let t = t0; t < t1; t += 4) {
            store<f32>(d, load<f32>(base + (<usize>load<i32>(t) << 2)));
            d += 4;
          }
        }
      }
    }
  }
}

// ---- storing tiles ----

/** Stores the first `count` (1-4) lanes of v at dst, dst + step, ... */
@inline function storeLanes(dst: usize, v: v128, step: usize, count: i32): void {
  store<f32>(dst, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(dst + step, f32x4.extract_lane(v, 1));
  if (count > 2) store<f32>(dst + 2 * step, f32x4.extract_lane(v, 2));
  if (count > 3) store<f32>(dst + 3 * step, f32x4.extract_lane(v, 3));
}

/** Stores 8 pixels (a, b) of one output channel: whole vectors when contiguous and complete. */
@inline function store8(dst: usize, a: v128, b: v128, step: usize, count: i32): void {
  if (step == 4 && count >= 8) {
    v128.store(dst, a);
    v128.store(dst, b, 16);
  } else {
    storeLanes(dst, a, step, min(count, 4));
    if (count > 4) storeLanes(dst + 4 * step, b, step, count - 4);
  }
}

// ---- micro-kernels: one output row of a phase ----

/**
 * Four output channels (rows oc, oc + chan, ...) over `pixels` pixels of one row; `rows` 3 is the
 * last block of a group with M % 4 == 3 (blockEnd), padded with a zero channel that is computed,
 * not stored. `xRow` is the x address of pixel 0 (before offsets), `w` the channel block's packed
 * weights [k][4].
 * SIMD: 4 channels x 8 pixels in eight accumulators; the last tile may read past the row (into
 * the next row or x's slack) and stores only its valid pixels.
 */
@inline function rowBlock4(xRow: usize, offsets: usize, K: i32, w: usize, b0: f32, b1: f32, b2: f32, b3: f32,
                           rows: i32, out: usize, chan: usize, step: usize, pixels: i32): void {
  const offEnd = offsets + (<usize>K << 2);
  let q = 0;
  if (ASC_FEATURE_SIMD) {
    for (; q < pixels; q += 8) {
      let a0 = f32x4.splat(b0), a1 = f32x4.splat(b1), a2 = f32x4.splat(b2), a3 = f32x4.splat(b3);
      let c0 = a0, c1 = a1, c2 = a2, c3 = a3;
      const xp = xRow + (<usize>q << 2);
      let wp = w;
      for (let op = offsets; op < offEnd; op += 4) {
        const xk = xp + (<usize>load<i32>(op) << 2);
        const xa = v128.load(xk);
        const xb = v128.load(xk, 16);
        let wv = v128.load32_splat(wp);
        a0 = madd(wv, xa, a0);
        c0 = madd(wv, xb, c0);
        wv = v128.load32_splat(wp, 4);
        a1 = madd(wv, xa, a1);
        c1 = madd(wv, xb, c1);
        wv = v128.load32_splat(wp, 8);
        a2 = madd(wv, xa, a2);
        c2 = madd(wv, xb, c2);
        wv = v128.load32_splat(wp, 12);
        a3 = madd(wv, xa, a3);
        c3 = madd(wv, xb, c3);
        wp += 16;
      }
      const count = pixels - q;
      const o = out + <usize>q * step;
      store8(o, a0, c0, step, count);
      store8(o + chan, a1, c1, step, count);
      store8(o + 2 * chan, a2, c2, step, count);
      if (rows > 3) store8(o + 3 * chan, a3, c3, step, count);
    }
  }
  // Scalar: 4 channels x 4 pixels, then single pixels.
  for (; q + 4 <= pixels; q += 4) {
    let s00 = b0, s01 = b0, s02 = b0, s03 = b0;
    let s10 = b1, s11 = b1, s12 = b1, s13 = b1;
    let s20 = b2, s21 = b2, s22 = b2, s23 = b2;
    let s30 = b3, s31 = b3, s32 = b3, s33 = b3;
    const xp = xRow + (<usize>q << 2);
    let wp = w;
    for (let op = offsets; op < offEnd; op += 4) {
      const xk = xp + (<usize>load<i32>(op) << 2);
      const x0 = load<f32>(xk), x1 = load<f32>(xk, 4), x2 = load<f32>(xk, 8), x3 = load<f32>(xk, 12);
      const w0 = load<f32>(wp), w1 = load<f32>(wp, 4), w2 = load<f32>(wp, 8), w3 = load<f32>(wp, 12);
      s00 += w0 * x0; s01 += w0 * x1; s02 += w0 * x2; s03 += w0 * x3;
      s10 += w1 * x0; s11 += w1 * x1; s12 += w1 * x2; s13 += w1 * x3;
      s20 += w2 * x0; s21 += w2 * x1; s22 += w2 * x2; s23 += w2 * x3;
      s30 += w3 * x0; s31 += w3 * x1; s32 += w3 * x2; s33 += w3 * x3;
      wp += 16;
    }
    let o = out + <usize>q * step;
    store<f32>(o, s00); store<f32>(o + step, s01); store<f32>(o + 2 * step, s02); store<f32>(o + 3 * step, s03);
    o += chan;
    store<f32>(o, s10); store<f32>(o + step, s11); store<f32>(o + 2 * step, s12); store<f32>(o + 3 * step, s13);
    o += chan;
    store<f32>(o, s20); store<f32>(o + step, s21); store<f32>(o + 2 * step, s22); store<f32>(o + 3 * step, s23);
    o += chan;
    if (rows > 3) { store<f32>(o, s30); store<f32>(o + step, s31); store<f32>(o + 2 * step, s32); store<f32>(o + 3 * step, s33); }
  }
  for (; q < pixels; q++) {
    let s0 = b0, s1 = b1, s2 = b2, s3 = b3;
    const xp = xRow + (<usize>q << 2);
    let wp = w;
    for (let op = offsets; op < offEnd; op += 4) {
      const x = load<f32>(xp + (<usize>load<i32>(op) << 2));
      s0 += load<f32>(wp) * x; s1 += load<f32>(wp, 4) * x; s2 += load<f32>(wp, 8) * x; s3 += load<f32>(wp, 12) * x;
      wp += 16;
    }
    const o = out + <usize>q * step;
    store<f32>(o, s0); store<f32>(o + chan, s1); store<f32>(o + 2 * chan, s2);
    if (rows > 3) store<f32>(o + 3 * chan, s3);
  }
}

/**
 * One output channel over `pixels` pixels of one row (the channels left over by the blocks of
 * four, and depthwise convolutions). SIMD: 16 pixels in four accumulators.
 */
@inline function rowBlock1(xRow: usize, offsets: usize, K: i32, w: usize, bias: f32,
                           out: usize, step: usize, pixels: i32): void {
  const offEnd = offsets + (<usize>K << 2);
  let q = 0;
  if (ASC_FEATURE_SIMD) {
    for (; q < pixels; q += 16) {
      let a0 = f32x4.splat(bias), a1 = a0, a2 = a0, a3 = a0;
      const xp = xRow + (<usize>q << 2);
      let wp = w;
      for (let op = offsets; op < offEnd; op += 4) {
        const xk = xp + (<usize>load<i32>(op) << 2);
        const wv = v128.load32_splat(wp);
        a0 = madd(wv, v128.load(xk), a0);
        a1 = madd(wv, v128.load(xk, 16), a1);
        a2 = madd(wv, v128.load(xk, 32), a2);
        a3 = madd(wv, v128.load(xk, 48), a3);
        wp += 4;
      }
      const count = pixels - q;
      const o = out + <usize>q * step;
      store8(o, a0, a1, step, count);
      if (count > 8) store8(o + 8 * step, a2, a3, step, count - 8);
    }
  }
  for (; q + 4 <= pixels; q += 4) {
    let s0 = bias, s1 = bias, s2 = bias, s3 = bias;
    const xp = xRow + (<usize>q << 2);
    let wp = w;
    for (let op = offsets; op < offEnd; op += 4) {
      const xk = xp + (<usize>load<i32>(op) << 2);
      const wv = load<f32>(wp);
      s0 += wv * load<f32>(xk); s1 += wv * load<f32>(xk, 4); s2 += wv * load<f32>(xk, 8); s3 += wv * load<f32>(xk, 12);
      wp += 4;
    }
    const o = out + <usize>q * step;
    store<f32>(o, s0); store<f32>(o + step, s1); store<f32>(o + 2 * step, s2); store<f32>(o + 3 * step, s3);
  }
  for (; q < pixels; q++) {
    let s = bias;
    const xp = xRow + (<usize>q << 2);
    let wp = w;
    for (let op = offsets; op < offEnd; op += 4) {
      s += load<f32>(wp) * load<f32>(xp + (<usize>load<i32>(op) << 2));
      wp += 4;
    }
    store<f32>(out + <usize>q * step, s);
  }
}

/**
 * Runs every phase for every batch item and group. x holds `batch` items of `groups` groups of
 * channels (xBatch / xGroup floats apart; x rows are xStrideH, x planes xStrideD floats long);
 * `packed` holds each group's weights (packedGroup floats apart); `bias` points at `groups * M`
 * floats (zeros when there is no bias). The output is (batch, groups * M, outChannel floats).
 */
export function convPhases(x: usize, xBatch: i32, xGroup: i32, xStrideD: i32, xStrideH: i32,
                           phases: usize, phaseCount: i32, offsets: usize, packed: usize, packedGroup: i32,
                           bias: usize, M: i32, out: usize, outChannel: i32, batch: i32, groups: i32): void {
  const chan = <usize>outChannel << 2;
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const xg = x + (<usize>(n * xBatch + g * xGroup) << 2);
      const og = out + <usize>(n * groups + g) * <usize>M * chan;
      const pg = packed + (<usize>(g * packedGroup) << 2);
      const bg = bias + (<usize>(g * M) << 2);
      for (let ph = 0; ph < phaseCount; ph++) {
        const rec = phases + (<usize>(ph * PHASE_FIELDS) << 2);
        const qD = load<i32>(rec, PHASE_PIXELS_D << 2), qH = load<i32>(rec, PHASE_PIXELS_H << 2);
        const qW = load<i32>(rec, PHASE_PIXELS_W << 2), K = load<i32>(rec, PHASE_K << 2);
        const offs = offsets + (<usize>load<i32>(rec, PHASE_OFFSETS << 2) << 2);
        let w = pg + (<usize>load<i32>(rec, PHASE_PACKED << 2) << 2);
        const outBase = og + (<usize>load<i32>(rec, PHASE_OUT << 2) << 2);
        const stepD = <usize>load<i32>(rec, PHASE_STEP_D << 2) << 2, stepH = <usize>load<i32>(rec, PHASE_STEP_H << 2) << 2;
        const step = <usize>load<i32>(rec, PHASE_STEP_W << 2) << 2;
        const blockBytes = <usize>K << 4;
        // Blocks of 4 channels (the last may hold 3), then single channels: blockEnd, lib/phase.ts.
        const end = blockEnd(M);
        let m = 0;
        for (; m < end; m += 4) {
          const rows = min(M - m, 4);
          const bm = bg + (<usize>m << 2);
          const b0 = load<f32>(bm), b1 = load<f32>(bm, 4), b2 = load<f32>(bm, 8);
          const b3: f32 = rows > 3 ? load<f32>(bm, 12) : 0;
          const oc = outBase + <usize>m * chan;
          for (let d = 0; d < qD; d++) {
            for (let h = 0; h < qH; h++) {
              const xRow = xg + (<usize>(d * xStrideD + h * xStrideH) << 2);
              rowBlock4(xRow, offs, K, w, b0, b1, b2, b3, rows, oc + <usize>d * stepD + <usize>h * stepH, chan, step, qW);
            }
          }
          w += blockBytes;
        }
        for (m = end; m < M; m++) {
          const oc = outBase + <usize>m * chan;
          const b = load<f32>(bg + (<usize>m << 2));
          for (let d = 0; d < qD; d++) {
            for (let h = 0; h < qH; h++) {
              const xRow = xg + (<usize>(d * xStrideD + h * xStrideH) << 2);
              rowBlock1(xRow, offs, K, w, b, oc + <usize>d * stepD + <usize>h * stepH, step, qW);
            }
          }
          w += <usize>K << 2;
        }
      }
    }
  }
}

// ---- the exact path for non-finite weights ----

/** First input i with i*s - p + t*d >= 0. */
@inline function firstInput(t: i32, s: i32, p: i32, d: i32): i32 {
  const r = p - t * d;
  return r <= 0 ? 0 : (r + s - 1) / s;
}

/** Last input i with i*s - p + t*d < out (may be below firstInput: no inputs). */
@inline function lastInput(t: i32, s: i32, p: i32, d: i32, n: i32, out: i32): i32 {
  const r = out - 1 + p - t * d;
  return r < 0 ? -1 : min(n - 1, r / s);
}

/**
 * Transposed convolution by its definition, as PyTorch's col2im: input i scatters through tap t
 * to i*stride - padding + t*dilation, so padding is never multiplied. The wrapper uses it only
 * when a weight is NaN or infinite (0 * Infinity would make the phases' padded reads NaN).
 * Weight (groups * groupIn, groupOut, kD, kH, kW); bias points at groups * groupOut floats.
 */
export function convTransposeScatter(x: usize, w: usize, bias: usize, out: usize, batch: i32, groups: i32,
                                     groupIn: i32, groupOut: i32, inD: i32, inH: i32, inW: i32,
                                     outD: i32, outH: i32, outW: i32, kD: i32, kH: i32, kW: i32,
                                     sD: i32, sH: i32, sW: i32, pD: i32, pH: i32, pW: i32,
                                     dD: i32, dH: i32, dW: i32): void {
  const inPlane = inD * inH * inW;
  const outPlane = outD * outH * outW;
  const kCount = kD * kH * kW;
  const stepW = <usize>sW << 2;
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      for (let co = 0; co < groupOut; co++) {
        const c = g * groupOut + co;
        const o = out + (<usize>((n * groups * groupOut + c) * outPlane) << 2);
        const b = load<f32>(bias + (<usize>c << 2));
        for (let i = 0; i < outPlane; i++) store<f32>(o + (<usize>i << 2), b);
        for (let ci = 0; ci < groupIn; ci++) {
          const xc = x + (<usize>((n * groups * groupIn + g * groupIn + ci) * inPlane) << 2);
          const wc = w + (<usize>(((g * groupIn + ci) * groupOut + co) * kCount) << 2);
          for (let td = 0; td < kD; td++) {
            const d0 = firstInput(td, sD, pD, dD), d1 = lastInput(td, sD, pD, dD, inD, outD);
            for (let th = 0; th < kH; th++) {
              const h0 = firstInput(th, sH, pH, dH), h1 = lastInput(th, sH, pH, dH, inH, outH);
              for (let tw = 0; tw < kW; tw++) {
                const w0 = firstInput(tw, sW, pW, dW), w1 = lastInput(tw, sW, pW, dW, inW, outW);
                const wv = load<f32>(wc + (<usize>((td * kH + th) * kW + tw) << 2));
                for (let id = d0; id <= d1; id++) {
                  const od = id * sD - pD + td * dD;
                  for (let ih = h0; ih <= h1; ih++) {
                    const oh = ih * sH - pH + th * dH;
                    const xr = xc + (<usize>((id * inH + ih) * inW) << 2);
                    // Output column of input w0, then one stride per input.
                    let op = o + (<usize>((od * outH + oh) * outW + w0 * sW - pW + tw * dW) << 2);
                    for (let iw = w0; iw <= w1; iw++) {
                      store<f32>(op, load<f32>(op) + wv * load<f32>(xr + (<usize>iw << 2)));
                      op += stepW;
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
