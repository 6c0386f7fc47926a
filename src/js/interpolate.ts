// Plain-JS interpolation: the same plan and passes as assembly/interpolate.ts, scalar.
// Offsets are element indices; each function sees one array type per parameter (monomorphic).
// Sums of more than two taps (cubic, antialias, area) round every product and partial sum to
// float32 (f32(); a store into a Float32Array rounds too) where the WebAssembly kernels round,
// in their order: the scalar build's bits, so a sum that overflows float32 on the way is Infinity
// or NaN here as there (float64 carried it through to a finite value). A float64 sum or product
// of float32 values rounds to the float32 result exactly. Two-tap (linear) sums round once, at
// the store: a convex blend cannot overflow, and rounding each product cost W1 4-5% for at most
// one ulp.

import type { AreaPlan, AxisTable, InterpolateInputs, InterpolatePlan, SeparablePlan } from '../interpolate.js';
import { isFloat16, sameType } from '../dtype.js';
import { ringSlots } from '../ring.js';
import { runResize } from './resize.js';

const f32 = Math.fround;

const bitViews = new WeakMap<ArrayBufferView, ArrayLike<number>>();
/**
 * The array's bit patterns (an integer view over the same bytes, made once per array): one-tap
 * copies move these, since a float read and written back turns a signalling NaN quiet. Integer
 * arrays (other element types run their index-only plans here as they are) copy exactly as they are.
 */
function bitsOf(array: Float32Array): Float32Array {
  const a = array as ArrayBufferView & ArrayLike<number>;
  if (!(a instanceof Float32Array) && !isFloat16(a)) return array;
  let view = bitViews.get(a);
  if (!view) bitViews.set(a, view = new (a instanceof Float32Array ? Int32Array : Uint16Array)(a.buffer as ArrayBuffer, a.byteOffset, a.length));
  return view as unknown as Float32Array;
}

/** Resamples the contiguous axis of `rows` rows from `src` (at srcOff) into `dst` (at dstOff). */
export function resampleRows(src: Float32Array, srcOff: number, dst: Float32Array, dstOff: number,
                             rows: number, t: AxisTable): void {
  const { inSize, outSize, taps, index, weight } = t;
  const from = taps === 1 ? bitsOf(src) : undefined;
  const to = taps === 1 ? bitsOf(dst) : undefined;
  for (let r = 0; r < rows; r++) {
    const s = srcOff + r * inSize;
    const d = dstOff + r * outSize;
    if (from && to) {
      for (let o = 0; o < outSize; o++) to[d + o] = from[s + index[o]];
    } else if (taps === 2) {
      for (let o = 0, k = 0; o < outSize; o++, k += 2) {
        dst[d + o] = weight[k] * src[s + index[k]] + weight[k + 1] * src[s + index[k + 1]];
      }
    } else if (taps === 4) {
      for (let o = 0, k = 0; o < outSize; o++, k += 4) {
        dst[d + o] = f32(f32(f32(weight[k] * src[s + index[k]]) + f32(weight[k + 1] * src[s + index[k + 1]])) +
          f32(weight[k + 2] * src[s + index[k + 2]])) + f32(weight[k + 3] * src[s + index[k + 3]]);
      }
    } else {
      for (let o = 0, k = 0; o < outSize; o++, k += taps) {
        let sum = f32(weight[k] * src[s + index[k]]);
        for (let j = 1; j < taps; j++) sum = f32(sum + f32(weight[k + j] * src[s + index[k + j]]));
        dst[d + o] = sum;
      }
    }
  }
}

/**
 * Resamples a non-contiguous axis: `outer` blocks of `inSize x inner` floats into blocks of
 * `outSize x inner`, each output slice a K-tap blend of contiguous source slices.
 */
export function blendAxis(src: Float32Array, srcOff: number, dst: Float32Array, dstOff: number,
                          outer: number, inner: number, t: AxisTable): void {
  const { inSize, outSize, taps, index, weight } = t;
  for (let m = 0; m < outer; m++) {
    const s = srcOff + m * inSize * inner;
    for (let o = 0; o < outSize; o++) {
      const d = dstOff + (m * outSize + o) * inner;
      const k = o * taps;
      if (taps === 1) {
        const a = s + index[k] * inner;
        dst.set(src.subarray(a, a + inner), d);
      } else if (taps === 2) {
        const a = s + index[k] * inner;
        const b = s + index[k + 1] * inner;
        const w0 = weight[k];
        const w1 = weight[k + 1];
        for (let i = 0; i < inner; i++) dst[d + i] = w0 * src[a + i] + w1 * src[b + i];
      } else {
        const a = s + index[k] * inner;
        const w0 = weight[k];
        for (let i = 0; i < inner; i++) dst[d + i] = w0 * src[a + i];
        for (let j = 1; j < taps; j++) {
          const b = s + index[k + j] * inner;
          const w = weight[k + j];
          for (let i = 0; i < inner; i++) dst[d + i] += f32(w * src[b + i]);
        }
      }
    }
  }
}

/**
 * Output row `o` of the plane starting at `s` (rows `stride` floats apart) into `out` at `at`, as
 * the WebAssembly kernel (assembly/lib/rows2d.ts): with one tap on H the W pass of the source row,
 * else the blend of K W-resampled rows kept in `ring` (slot r & mask, src/ring.ts; `ringRows` the
 * tags, -1 for empty, reset before a plane's first row). Shared by separable2d and the fused
 * reductions (src/js/upsample-reduce.ts), so both compute every row the same way.
 */
export function upsampledRow(input: Float32Array, s: number, stride: number, out: Float32Array, at: number, o: number,
                             axisH: AxisTable, axisW: AxisTable, ring: Float32Array, ringRows: Int32Array, mask: number): void {
  const { taps, index, weight } = axisH;
  if (taps === 1) {
    resampleRows(input, s + index[o] * stride, out, at, 1, axisW);
    return;
  }
  const outW = axisW.outSize;
  const k = o * taps;
  for (let t = 0; t < taps; t++) {
    const r = index[k + t];
    if (ringRows[r & mask] !== r) {
      resampleRows(input, s + r * stride, ring, (r & mask) * outW, 1, axisW);
      ringRows[r & mask] = r;
    }
  }
  if (taps === 2) {
    const a = (index[k] & mask) * outW;
    const b = (index[k + 1] & mask) * outW;
    const w0 = weight[k];
    const w1 = weight[k + 1];
    for (let i = 0; i < outW; i++) out[at + i] = w0 * ring[a + i] + w1 * ring[b + i];
  } else if (taps === 4) { // one pass, as the kernel's blend4
    const a = (index[k] & mask) * outW;
    const b = (index[k + 1] & mask) * outW;
    const c = (index[k + 2] & mask) * outW;
    const e = (index[k + 3] & mask) * outW;
    const w0 = weight[k], w1 = weight[k + 1], w2 = weight[k + 2], w3 = weight[k + 3];
    for (let i = 0; i < outW; i++) {
      out[at + i] = f32(f32(f32(w0 * ring[a + i]) + f32(w1 * ring[b + i])) + f32(w2 * ring[c + i])) + f32(w3 * ring[e + i]);
    }
  } else {
    const a = (index[k] & mask) * outW;
    const w0 = weight[k];
    for (let i = 0; i < outW; i++) out[at + i] = w0 * ring[a + i];
    for (let t = 1; t < taps; t++) {
      const b = (index[k + t] & mask) * outW;
      const w = weight[k + t];
      for (let i = 0; i < outW; i++) out[at + i] += f32(w * ring[b + i]);
    }
  }
}

/** 2-D with a row cache, row by row (upsampledRow); with one tap on H a repeated source row copies the previous output row. */
function separable2d(plan: SeparablePlan, input: Float32Array, output: Float32Array): void {
  const [, inH, inW] = plan.inDHW;
  const [, outH, outW] = plan.outDHW;
  const [, axisH, axisW] = plan.axes;
  const { taps, index } = axisH;
  const mask = ringSlots(taps) - 1;
  const ring = new Float32Array((mask + 1) * outW);
  const ringRows = new Int32Array(mask + 1);
  for (let p = 0; p < plan.planes; p++) {
    const s = p * inH * inW;
    const d = p * outH * outW;
    ringRows.fill(-1);
    for (let o = 0; o < outH; o++) {
      const out = d + o * outW;
      if (taps === 1 && o > 0 && index[o] === index[o - 1]) output.copyWithin(out, out - outW, out);
      else upsampledRow(input, s, inW, output, out, o, axisH, axisW, ring, ringRows, mask);
    }
  }
}

function separable(plan: SeparablePlan, input: Float32Array, output: Float32Array): void {
  if (plan.rank === 2) {
    separable2d(plan, input, output);
    return;
  }
  const [inD, inH, inW] = plan.inDHW;
  const [outD, outH, outW] = plan.outDHW;
  const [axisD, axisH, axisW] = plan.axes;
  const inPlane = inD * inH * inW;
  const outPlane = outD * outH * outW;
  // Of the input's type: index-only plans on other types (src/js/convert.ts) copy through them.
  const tmpA = sameType(input, plan.tmpA) as Float32Array;
  const tmpB = sameType(input, plan.tmpB) as Float32Array;
  for (let p = 0; p < plan.planes; p += plan.chunk) {
    const n = Math.min(plan.chunk, plan.planes - p);
    const s = p * inPlane;
    const d = p * outPlane;
    if (plan.rank === 1) {
      resampleRows(input, s, output, d, n, axisW);
    } else { // rank 3 (rank 2 went to separable2d)
      resampleRows(input, s, tmpA, 0, n * inD * inH, axisW);
      blendAxis(tmpA, 0, tmpB, 0, n * inD, outW, axisH);
      blendAxis(tmpB, 0, output, d, n, outH * outW, axisD);
    }
  }
}

/** An area plan's sizes and pooling windows as named arrays (both pooling loops read them so). */
function areaWindows(plan: AreaPlan) {
  const [, inH, inW] = plan.inDHW;
  const [outD, outH, outW] = plan.outDHW;
  const [startD, startH, startW] = plan.start;
  const [endD, endH, endW] = plan.end;
  return { inH, inW, outD, outH, outW, startD, startH, startW, endD, endH, endW };
}

function areaPool(plan: AreaPlan, input: Float32Array, output: Float32Array): void {
  const { inH, inW, outD, outH, outW, startD, startH, startW, endD, endH, endW } = areaWindows(plan);
  const inPlane = plan.inDHW[0] * inH * inW;
  const sum = new Float32Array(1); // float32 accumulation, as PyTorch's
  let out = 0;
  for (let p = 0; p < plan.planes; p++) {
    const plane = p * inPlane;
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          sum[0] = 0;
          for (let id = startD[od]; id < endD[od]; id++) {
            for (let ih = startH[oh]; ih < endH[oh]; ih++) {
              const row = plane + (id * inH + ih) * inW;
              for (let iw = startW[ow]; iw < endW[ow]; iw++) sum[0] += input[row + iw];
            }
          }
          output[out++] = Math.fround(Math.fround(Math.fround(sum[0] / (endD[od] - startD[od])) / (endH[oh] - startH[oh])) / (endW[ow] - startW[ow]));
        }
      }
    }
  }
}

/**
 * Channels last: pooling windows over pixels of `channels` values, each channel summed in the
 * NCHW order (a separate loop: the channel loop cost the NCHW one a third of its speed).
 */
function areaPoolLast(plan: AreaPlan, input: Float32Array, output: Float32Array): void {
  const { inH, inW, outD, outH, outW, startD, startH, startW, endD, endH, endW } = areaWindows(plan);
  const { channels } = plan;
  const inPlane = plan.inDHW[0] * inH * inW * channels;
  const sum = new Float32Array(channels); // float32 accumulation, as PyTorch's
  let out = 0;
  for (let p = 0; p < plan.planes; p++) {
    const plane = p * inPlane;
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          sum.fill(0);
          for (let id = startD[od]; id < endD[od]; id++) {
            for (let ih = startH[oh]; ih < endH[oh]; ih++) {
              const row = plane + (id * inH + ih) * inW * channels;
              for (let i = row + startW[ow] * channels, end = row + endW[ow] * channels; i < end; i += channels) {
                for (let c = 0; c < channels; c++) sum[c] += input[i + c];
              }
            }
          }
          const kD = endD[od] - startD[od];
          const kH = endH[oh] - startH[oh];
          const kW = endW[ow] - startW[ow];
          for (let c = 0; c < channels; c++) output[out++] = Math.fround(Math.fround(Math.fround(sum[c] / kD) / kH) / kW);
        }
      }
    }
  }
}

/** The mean of each plane and channel, summed in float64 in pixel order. */
function planeMean(plan: AreaPlan, input: Float32Array, output: Float32Array): void {
  const planeSize = plan.inDHW[0] * plan.inDHW[1] * plan.inDHW[2];
  const { channels } = plan;
  for (let p = 0; p < plan.planes; p++) {
    const plane = p * planeSize * channels;
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let i = plane + c, end = plane + planeSize * channels; i < end; i += channels) sum += input[i];
      output[p * channels + c] = Math.fround(Math.fround(sum) / planeSize);
    }
  }
}

/** interpolate's plain-JS backend. */
export function runInterpolate(plan: InterpolatePlan, inputs: InterpolateInputs, output: Float32Array): void {
  const input = inputs.input as Float32Array; // or another type, for index-only plans (src/js/convert.ts)
  if (plan.kind === 'passes') runResize(plan.resize, { input }, output);
  else if (plan.kind === 'area') (plan.globalMean ? planeMean : plan.channels === 1 ? areaPool : areaPoolLast)(plan, input, output);
  else separable(plan, input, output);
}
