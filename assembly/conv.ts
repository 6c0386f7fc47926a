// Convolution and transposed convolution kernels. The wrapper (src/conv.ts) turns either operation
// into *phases*: stride-1 correlations over a zero-padded (for strided convolution also
// phase-split) copy of the input, `x`, each writing one sub-grid of the output:
//
//   out[co, pixel] = bias[co] + sum_k packed[co, k] * x[pixel + offsets[k]]
//
// k runs over (tap of this phase, input channel of the group), so each phase is a small GEMM
// (M = output channels per group, K, N = pixels) with no multiplications by inserted zeros and,
// thanks to the padding, no bounds checks. Pixels are contiguous in x along W, so the SIMD
// micro-kernels (lib/conv-rows.ts) load 8 neighbouring pixels per k and broadcast one weight per
// output channel. The phase record's fields and the channel blocks: lib/phase.ts.
//
// Pointers are byte addresses; sizes, strides and offsets are element counts.

import {
  blockEnd, PHASE_FIELDS, PHASE_K, PHASE_OFFSETS, PHASE_OUT, PHASE_PACKED, PHASE_PIXELS_D, PHASE_PIXELS_H,
  PHASE_PIXELS_W, PHASE_STEP_D, PHASE_STEP_H, PHASE_STEP_W, PHASE_TAPS,
} from './lib/phase';
import { packPanel, rowBlock1, rowBlock4, tile4x8 } from './lib/conv-rows';

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
                            groupIn: i32, M: i32, coStride: i32, ciStride: i32, weightGroup: i32, skip: usize): void {
  if (load<i32>(skip) != 0) return;
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
        for (let t = t0; t < t1; t += 4) {
          const tap = s + (<usize>(co * coStride + load<i32>(t)) << 2);
          for (let ci = 0; ci < groupIn; ci++) {
            const w = tap + (<usize>(ci * ciStride) << 2);
            store<f32>(d, load<f32>(w));
            store<f32>(d, load<f32>(w + coStep), 4);
            store<f32>(d, load<f32>(w + 2 * coStep), 8);
            store<f32>(d, rows > 3 ? load<f32>(w + 3 * coStep) : 0, 12);
            d += 16;
          }
        }
      }
      for (co = end; co < M; co++) {
        for (let t = t0; t < t1; t += 4) {
          const tap = s + (<usize>(co * coStride + load<i32>(t)) << 2);
          for (let ci = 0; ci < groupIn; ci++) {
            store<f32>(d, load<f32>(tap + (<usize>(ci * ciStride) << 2)));
            d += 4;
          }
        }
      }
    }
  }
}

// ---- running the phases ----

// A pixel tile's x is packed into a panel (packPanel) when its K rows of x span more cache lines
// than L1 keeps next to the weights: K >= 256 lines of 64 bytes (16 KiB; W4, K = 128, runs
// straight from x), and when at least two channel blocks share the panel. Measured with
// bench/conv-ab.js: convT 64->64 on [1,64,128,128] and 128->128 on [1,128,32,32] 5-45% faster,
// W4 4% slower with a panel (relaxed build).
const PANEL_MIN_K = 256;
const PANEL_MIN_CHANNELS = 8;

/**
 * Runs every phase for every batch item and group. x holds `batch` items of `groups` groups of
 * channels (xBatch / xGroup floats apart; x rows are xStrideH, x planes xStrideD floats long);
 * `packed` holds each group's weights (packedGroup floats apart); `bias` points at `groups * M`
 * floats (zeros when there is no bias). The output is (batch, groups * M, outChannel floats).
 * Does nothing when the i32 at `skip` is nonzero (see packWeights).
 */
export function convPhases(x: usize, xBatch: i32, xGroup: i32, xStrideD: i32, xStrideH: i32,
                           phases: usize, phaseCount: i32, offsets: usize, packed: usize, packedGroup: i32,
                           bias: usize, M: i32, out: usize, outChannel: i32, batch: i32, groups: i32,
                           groupIn: i32, xChannel: i32, panel: usize, skip: usize): void {
  if (load<i32>(skip) != 0) return;
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
        const w = pg + (<usize>load<i32>(rec, PHASE_PACKED << 2) << 2);
        const outBase = og + (<usize>load<i32>(rec, PHASE_OUT << 2) << 2);
        const stepD = <usize>load<i32>(rec, PHASE_STEP_D << 2) << 2, stepH = <usize>load<i32>(rec, PHASE_STEP_H << 2) << 2;
        const step = <usize>load<i32>(rec, PHASE_STEP_W << 2) << 2;
        const blockBytes = <usize>K << 4;
        // Row by row, every channel of the row: the row's x (K offsets around it) and the phase's
        // packed weights stay in L1/L2 while the channels take turns, where channel by channel
        // would stream all of x from L3 once per block on large planes.
        // Blocks of 4 channels (the last may hold 3), then single channels: blockEnd, lib/phase.ts.
        const end = blockEnd(M);
        for (let d = 0; d < qD; d++) {
          for (let h = 0; h < qH; h++) {
            const xRow = xg + (<usize>(d * xStrideD + h * xStrideH) << 2);
            const oRow = outBase + <usize>d * stepD + <usize>h * stepH;
            if (ASC_FEATURE_SIMD && K >= PANEL_MIN_K && end >= PANEL_MIN_CHANNELS) {
              for (let q = 0; q < qW; q += 8) {
                packPanel(xRow + (<usize>q << 2), offs, K, groupIn, xChannel, panel);
                const oTile = oRow + <usize>q * step;
                const count = min(qW - q, 8);
                let wm = w;
                let m = 0;
                for (; m < end; m += 4) {
                  // The panel as one tap of K rows 32 bytes apart, its offset (offs[0]) taken back out.
                  tile4x8(panel - (<usize>load<i32>(offs) << 2), offs, offs + 4, 4, <usize>K << 5, 32,
                    wm, bg + (<usize>m << 2), min(M - m, 4), oTile + <usize>m * chan, chan, step, count);
                  wm += blockBytes;
                }
                for (; m < M; m++) {
                  rowBlock1(xRow + (<usize>q << 2), offs, K, wm, load<f32>(bg + (<usize>m << 2)), oTile + <usize>m * chan, step, count);
                  wm += <usize>K << 2;
                }
              }
              continue;
            }
            let wm = w;
            let m = 0;
            for (; m < end; m += 4) {
              const rows = min(M - m, 4);
              rowBlock4(xRow, offs, K, groupIn, xChannel, wm, bg + (<usize>m << 2), rows, oRow + <usize>m * chan, chan, step, qW);
              wm += blockBytes;
            }
            for (; m < M; m++) {
              rowBlock1(xRow, offs, K, wm, load<f32>(bg + (<usize>m << 2)), oRow + <usize>m * chan, step, qW);
              wm += <usize>K << 2;
            }
          }
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
