// Plain-JS convolution and transposed convolution: the same plan and decomposition as
// assembly/conv.ts (padded input, packed weights, one stride-1 correlation per phase), scalar.
// Offsets are element indices; blocks of 4 output channels x 4 pixels keep 16 sums in registers
// (float64: see mayOverflowFloat32 for when the sums are float32 instead).

const f32 = Math.fround;

import { blockEnd, CHANNEL_BLOCK, PHASE, PHASE_FIELDS, scatterGeometry, type ConvPlan } from '../conv/phases.js';
import { needsScatter, type ConvInputs } from '../conv/plan.js';

/** The zero-padded (and for strided convolution, phase-split) copy of the input. */
export function gatherInput(plan: ConvPlan, input: Float32Array): Float32Array {
  const [inD, inH, inW] = plan.inDHW;
  const [eD, eH, eW] = plan.extent;
  const [tableD, tableH, tableW] = plan.gather;
  const [runLo, runHi] = plan.run;
  const runSrc = runHi > runLo ? tableW[runLo] : 0;
  const planes = plan.batch * plan.groups * plan.groupIn;
  const x = new Float32Array(planes * plan.xChannel);
  let d = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * inD * inH * inW;
    for (let a = 0; a < eD; a++) {
      const id = tableD[a];
      for (let b = 0; b < eH; b++, d += eW) {
        const ih = tableH[b];
        if (id < 0 || ih < 0) continue; // already zero
        const row = plane + (id * inH + ih) * inW;
        for (let e = 0; e < runLo; e++) if (tableW[e] >= 0) x[d + e] = input[row + tableW[e]];
        x.set(input.subarray(row + runSrc, row + runSrc + runHi - runLo), d + runLo);
        for (let e = runHi; e < eW; e++) if (tableW[e] >= 0) x[d + e] = input[row + tableW[e]];
      }
    }
  }
  return x;
}

/**
 * Every group's weights in the kernels' order: per phase, blocks of CHANNEL_BLOCK output channels
 * with K-major entries of CHANNEL_BLOCK floats (with M % 4 == 3 the last block holds 3 and a zero
 * channel), then the remaining channels, K floats each.
 */
export function packWeights(plan: ConvPlan, weight: Float32Array): Float32Array {
  const { groups, groupIn, groupOut: M, phases, taps, coStride, ciStride } = plan;
  const packed = new Float32Array(groups * plan.packedGroup);
  let d = 0;
  for (let g = 0; g < groups; g++) {
    const s = g * plan.weightGroup;
    for (let ph = 0; ph < plan.phaseCount; ph++) {
      const r = ph * PHASE_FIELDS;
      const t0 = phases[r + PHASE.taps];
      const t1 = t0 + phases[r + PHASE.K] / groupIn;
      const end = blockEnd(M);
      let co = 0;
      for (; co < end; co += CHANNEL_BLOCK) {
        const rows = Math.min(M - co, CHANNEL_BLOCK);
        for (let t = t0; t < t1; t++) {
          for (let ci = 0; ci < groupIn; ci++) {
            const w = s + co * coStride + ci * ciStride + taps[t];
            for (let j = 0; j < CHANNEL_BLOCK; j++) packed[d++] = j < rows ? weight[w + j * coStride] : 0;
          }
        }
      }
      for (co = end; co < M; co++) {
        for (let t = t0; t < t1; t++) {
          for (let ci = 0; ci < groupIn; ci++) packed[d++] = weight[s + co * coStride + ci * ciStride + taps[t]];
        }
      }
    }
  }
  return packed;
}

/**
 * Four output channels over one row of `pixels` pixels (4 x 4 tiles, then single pixels); with
 * `rows` 3 the fourth (zero) channel is computed but not stored.
 */
function rowBlock4(x: Float32Array, xRow: number, offsets: Int32Array, offAt: number, K: number,
                   w: Float32Array, wAt: number, b0: number, b1: number, b2: number, b3: number, rows: number,
                   out: Float32Array, o0: number, chan: number, step: number, pixels: number): void {
  const offEnd = offAt + K;
  let q = 0;
  for (; q + 4 <= pixels; q += 4) {
    let s00 = b0, s01 = b0, s02 = b0, s03 = b0;
    let s10 = b1, s11 = b1, s12 = b1, s13 = b1;
    let s20 = b2, s21 = b2, s22 = b2, s23 = b2;
    let s30 = b3, s31 = b3, s32 = b3, s33 = b3;
    const xp = xRow + q;
    for (let k = offAt, wi = wAt; k < offEnd; k++, wi += 4) {
      const xi = xp + offsets[k];
      const x0 = x[xi], x1 = x[xi + 1], x2 = x[xi + 2], x3 = x[xi + 3];
      const w0 = w[wi], w1 = w[wi + 1], w2 = w[wi + 2], w3 = w[wi + 3];
      s00 += w0 * x0; s01 += w0 * x1; s02 += w0 * x2; s03 += w0 * x3;
      s10 += w1 * x0; s11 += w1 * x1; s12 += w1 * x2; s13 += w1 * x3;
      s20 += w2 * x0; s21 += w2 * x1; s22 += w2 * x2; s23 += w2 * x3;
      s30 += w3 * x0; s31 += w3 * x1; s32 += w3 * x2; s33 += w3 * x3;
    }
    let o = o0 + q * step;
    out[o] = s00; out[o + step] = s01; out[o + 2 * step] = s02; out[o + 3 * step] = s03;
    o += chan;
    out[o] = s10; out[o + step] = s11; out[o + 2 * step] = s12; out[o + 3 * step] = s13;
    o += chan;
    out[o] = s20; out[o + step] = s21; out[o + 2 * step] = s22; out[o + 3 * step] = s23;
    if (rows > 3) {
      o += chan;
      out[o] = s30; out[o + step] = s31; out[o + 2 * step] = s32; out[o + 3 * step] = s33;
    }
  }
  for (; q < pixels; q++) {
    let s0 = b0, s1 = b1, s2 = b2, s3 = b3;
    const xp = xRow + q;
    for (let k = offAt, wi = wAt; k < offEnd; k++, wi += 4) {
      const v = x[xp + offsets[k]];
      s0 += w[wi] * v; s1 += w[wi + 1] * v; s2 += w[wi + 2] * v; s3 += w[wi + 3] * v;
    }
    const o = o0 + q * step;
    out[o] = s0; out[o + chan] = s1; out[o + 2 * chan] = s2;
    if (rows > 3) out[o + 3 * chan] = s3;
  }
}

/**
 * One output channel over one row with every product and sum rounded to float32, in the
 * WebAssembly kernels' order (bias, then the K taps): the same bits as the scalar build, so the
 * same Infinity or NaN where a partial sum overflows. Weights `wStride` apart (4 in a block).
 */
function rowExact(x: Float32Array, xRow: number, offsets: Int32Array, offAt: number, K: number,
                  w: Float32Array, wAt: number, wStride: number, bias: number, out: Float32Array, o0: number, step: number,
                  pixels: number): void {
  const offEnd = offAt + K;
  for (let q = 0; q < pixels; q++) {
    let s = bias;
    const xp = xRow + q;
    for (let k = offAt, wi = wAt; k < offEnd; k++, wi += wStride) s = f32(s + f32(w[wi] * x[xp + offsets[k]]));
    out[o0 + q * step] = s;
  }
}

/** The largest |v| (NaN if any is NaN). */
function maxAbs(values: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]);
    if (!(v <= max)) max = v;
  }
  return max;
}

/**
 * Whether a float32 partial sum could overflow: |x| * sum |w| + |bias| reaches half of float32's
 * range (the half covers rounding on the way), or a value is NaN or infinite. Then the sums are
 * rounded to float32 at every step (rowExact), so Infinity and NaN come out where WebAssembly
 * gives them; otherwise no order of float32 sums overflows, and float64 differs only in rounding.
 * Rounding every step in the blocked loops cost 1.6x; this check is one pass over the arrays.
 */
function mayOverflowFloat32(input: Float32Array, weight: Float32Array, bias: Float32Array | undefined): boolean {
  let weights = 0;
  for (let i = 0; i < weight.length; i++) weights += Math.abs(weight[i]);
  return !(maxAbs(input) * weights + (bias ? maxAbs(bias) : 0) < 2 ** 127);
}

/** One output channel over one row (channels left over by the blocks, depthwise convolutions). */
function rowBlock1(x: Float32Array, xRow: number, offsets: Int32Array, offAt: number, K: number,
                   w: Float32Array, wAt: number, bias: number, out: Float32Array, o0: number, step: number,
                   pixels: number): void {
  const offEnd = offAt + K;
  let q = 0;
  for (; q + 4 <= pixels; q += 4) {
    let s0 = bias, s1 = bias, s2 = bias, s3 = bias;
    const xp = xRow + q;
    for (let k = offAt, wi = wAt; k < offEnd; k++, wi++) {
      const xi = xp + offsets[k];
      const wv = w[wi];
      s0 += wv * x[xi]; s1 += wv * x[xi + 1]; s2 += wv * x[xi + 2]; s3 += wv * x[xi + 3];
    }
    const o = o0 + q * step;
    out[o] = s0; out[o + step] = s1; out[o + 2 * step] = s2; out[o + 3 * step] = s3;
  }
  for (; q < pixels; q++) {
    let s = bias;
    const xp = xRow + q;
    for (let k = offAt, wi = wAt; k < offEnd; k++, wi++) s += w[wi] * x[xp + offsets[k]];
    out[o0 + q * step] = s;
  }
}

export function convPhases(plan: ConvPlan, x: Float32Array, packed: Float32Array, bias: Float32Array | undefined,
                           output: Float32Array, exact: boolean): void {
  const { batch, groups, groupIn, groupOut: M, phases, offsets, xChannel } = plan;
  const [, eH, eW] = plan.extent;
  const xStrideD = eH * eW;
  const [outD, outH, outW] = plan.outDHW;
  const chan = outD * outH * outW;
  const packedGroup = plan.packedGroup;
  const biasAt = (c: number): number => (bias === undefined ? 0 : bias[c]);
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const xg = (n * groups + g) * groupIn * xChannel;
      const og = (n * groups + g) * M * chan;
      for (let ph = 0; ph < plan.phaseCount; ph++) {
        const r = ph * PHASE_FIELDS;
        const qD = phases[r + PHASE.pixelsD], qH = phases[r + PHASE.pixelsH], qW = phases[r + PHASE.pixelsW];
        const K = phases[r + PHASE.K];
        const offAt = phases[r + PHASE.offsets];
        let wAt = g * packedGroup + phases[r + PHASE.packed];
        const outBase = og + phases[r + PHASE.outFirst];
        const stepD = phases[r + PHASE.outStepD], stepH = phases[r + PHASE.outStepH], step = phases[r + PHASE.outStepW];
        const end = blockEnd(M);
        let m = 0;
        for (; m < end; m += CHANNEL_BLOCK) {
          const rows = Math.min(M - m, CHANNEL_BLOCK);
          const c = g * M + m;
          const b0 = biasAt(c), b1 = biasAt(c + 1), b2 = biasAt(c + 2), b3 = rows > 3 ? biasAt(c + 3) : 0;
          for (let d = 0; d < qD; d++) {
            for (let h = 0; h < qH; h++) {
              const xRow = xg + d * xStrideD + h * eW;
              const o0 = outBase + m * chan + d * stepD + h * stepH;
              if (!exact) rowBlock4(x, xRow, offsets, offAt, K, packed, wAt, b0, b1, b2, b3, rows, output, o0, chan, step, qW);
              else for (let j = 0; j < rows; j++) rowExact(x, xRow, offsets, offAt, K, packed, wAt + j, CHANNEL_BLOCK, [b0, b1, b2, b3][j], output, o0 + j * chan, step, qW);
            }
          }
          wAt += K * CHANNEL_BLOCK;
        }
        for (m = end; m < M; m++) {
          const b = biasAt(g * M + m);
          for (let d = 0; d < qD; d++) {
            for (let h = 0; h < qH; h++) {
              const xRow = xg + d * xStrideD + h * eW;
              const o0 = outBase + m * chan + d * stepD + h * stepH;
              if (!exact) rowBlock1(x, xRow, offsets, offAt, K, packed, wAt, b, output, o0, step, qW);
              else rowExact(x, xRow, offsets, offAt, K, packed, wAt, 1, b, output, o0, step, qW);
            }
          }
          wAt += K;
        }
      }
    }
  }
}

/**
 * Transposed convolution by its definition, as PyTorch's col2im: every input sample scatters
 * through every tap to i*stride - padding + t*dilation. Only for weights with NaN or Infinity
 * (see needsScatter); each tap's in-range inputs are computed up front, so no branch per sample.
 */
export function scatterTransposed(plan: ConvPlan, input: Float32Array, weight: Float32Array,
                                  bias: Float32Array | undefined, output: Float32Array): void {
  const { batch, groups, groupIn, groupOut } = plan;
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, pD, pH, pW, dD, dH, dW } = scatterGeometry(plan);
  const inPlane = inD * inH * inW;
  const outPlane = outD * outH * outW;
  const kCount = kD * kH * kW;
  // Inputs i with 0 <= i*s - p + t*d < out: [first, last].
  const first = (t: number, s: number, p: number, d: number) => Math.max(0, Math.ceil((p - t * d) / s));
  const last = (t: number, s: number, p: number, d: number, n: number, out: number) => Math.min(n - 1, Math.floor((out - 1 + p - t * d) / s));
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      for (let co = 0; co < groupOut; co++) {
        const c = g * groupOut + co;
        const o = (n * groups * groupOut + c) * outPlane;
        output.fill(bias === undefined ? 0 : bias[c], o, o + outPlane);
        for (let ci = 0; ci < groupIn; ci++) {
          const x = (n * groups * groupIn + g * groupIn + ci) * inPlane;
          const w = ((g * groupIn + ci) * groupOut + co) * kCount;
          for (let td = 0; td < kD; td++) {
            const d0 = first(td, sD, pD, dD), d1 = last(td, sD, pD, dD, inD, outD);
            for (let th = 0; th < kH; th++) {
              const h0 = first(th, sH, pH, dH), h1 = last(th, sH, pH, dH, inH, outH);
              for (let tw = 0; tw < kW; tw++) {
                const w0 = first(tw, sW, pW, dW), w1 = last(tw, sW, pW, dW, inW, outW);
                const wv = weight[w + (td * kH + th) * kW + tw];
                for (let id = d0; id <= d1; id++) {
                  const od = id * sD - pD + td * dD;
                  for (let ih = h0; ih <= h1; ih++) {
                    const oh = ih * sH - pH + th * dH;
                    const xr = x + (id * inH + ih) * inW;
                    const or = o + (od * outH + oh) * outW - pW + tw * dW;
                    for (let iw = w0; iw <= w1; iw++) output[or + iw * sW] += f32(wv * input[xr + iw]);
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

/** The plain-JS backend of convolution and transposed convolution. */
export function runConv(plan: ConvPlan, { input, weight, bias }: ConvInputs, output: Float32Array): void {
  if (needsScatter(plan, weight)) scatterTransposed(plan, input, weight, bias, output);
  else convPhases(plan, gatherInput(plan, input), packWeights(plan, weight), bias, output, mayOverflowFloat32(input, weight, bias));
}
