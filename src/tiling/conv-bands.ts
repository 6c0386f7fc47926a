// How a convolution's plan splits (see ./plan.ts): whole samples (the batch), and when one sample
// does not fit, bands of output rows along the first spatial axis (D, H, or W for 1-D).
//
// A band is planned as a convolution of its own, by the same planner (buildPlan, src/conv/phases.ts):
// its input is the window of input rows its outputs read, and its padding along the axis is moved
// so that every output reads the same input element through the same tap as in the whole call
// (a zero where the whole call reads padding). Each output pixel then sums the same products in
// the same order (the phase's taps, in input-channel-major order), so the result is bit-identical,
// on the phases and on the exact scatter path alike. One planner and one staging, not a row-range
// argument to every kernel: the kernels, the pool's splitter and the plain-JS loops stay as they
// are. The band's rows of every channel are not one contiguous range, so it is staged packed and
// copied out run by run (./runs.ts).

import type { ConvInputs } from '../conv/plan.js';
import { buildPlan, type ConvPlan } from '../conv/phases.js';
import type { Geometry } from '../conv/rules.js';
import { winogradFor, winogradLayout, winogradWithin } from '../conv/winograd.js';
import { planeSlice } from './families.js';
import type { Tiling } from './plan.js';

/**
 * Input rows [lo, hi) (within [0, n)) that output rows [r0, r1) read along one axis, and the
 * padding before the window that keeps each output's reads: kernel k, stride s, padding p, dilation d.
 */
export function convWindow(transposed: boolean, n: number, k: number, s: number, p: number, d: number,
                           [r0, r1]: [number, number]): { lo: number; hi: number; padding: number } {
  const clamp = (v: number, min: number) => Math.min(n, Math.max(min, v));
  if (transposed) {
    // Output o = i*s - p + t*d: the inputs with some tap landing in [r0, r1).
    const lo = clamp(Math.ceil((r0 + p - (k - 1) * d) / s), 0);
    const hi = clamp(Math.floor((r1 - 1 + p) / s) + 1, lo);
    return { lo, hi, padding: p + r0 - lo * s };
  }
  // Output o reads input o*s - p + t*d.
  const lo = clamp(r0 * s - p, 0);
  const hi = clamp((r1 - 1) * s - p + (k - 1) * d + 1, lo);
  return { lo, hi, padding: lo - (r0 * s - p) };
}

/** The plan of output rows [r0, r1) (along the first spatial axis) of one sample. */
export function convBand(plan: ConvPlan, rows: [number, number]): ConvPlan {
  const a = 3 - plan.rank; // the first spatial axis, in D, H, W
  const { lo, hi, padding } = convWindow(plan.transposed, plan.inDHW[a], plan.kernel[a], plan.stride[a], plan.padding[a], plan.dilation[a], rows);
  const at = (v: readonly number[], x: number) => v.map((old, i) => (i === a ? x : old));
  const spatial = (v: readonly number[]) => v.slice(a);
  const inDHW = at(plan.inDHW, hi - lo);
  const outDHW = at(plan.outDHW, rows[1] - rows[0]);
  const inChannels = plan.groups * plan.groupIn;
  const outChannels = plan.groups * plan.groupOut;
  const g: Geometry = {
    transposed: plan.transposed, dims: plan.rank, unbatched: false, batch: 1, inChannels, outChannels, groups: plan.groups,
    inSpatial: spatial(inDHW), kernel: spatial(plan.kernel), stride: spatial(plan.stride),
    padLo: spatial(at(plan.padding, padding)), padHi: spatial(at(plan.padding, padding)), dilation: spatial(plan.dilation),
    outputPadding: spatial([0, 0, 0]), outSpatial: spatial(outDHW), outputShape: [1, outChannels, ...spatial(outDHW)],
  };
  // Runs of each channel's plane: rows [lo, hi) of the input, [r0, r1) of the output.
  const size = (dhw: readonly number[], from: number) => dhw.slice(from).reduce((m, v) => m * v, 1);
  const [inRow, outRow] = [size(plan.inDHW, a + 1), size(plan.outDHW, a + 1)];
  const bandPlan = buildPlan(g);
  return {
    ...bandPlan,
    // Winograd or not as the whole call (its rounding differs from the direct phases').
    winograd: plan.winograd && winogradLayout(bandPlan, true),
    band: {
      input: { count: inChannels, length: (hi - lo) * inRow, stride: size(plan.inDHW, 0), from: lo * inRow },
      output: { count: outChannels, length: (rows[1] - rows[0]) * outRow, stride: size(plan.outDHW, 0), from: rows[0] * outRow },
    },
  };
}

export const convTiling: Tiling<ConvPlan, ConvInputs> = {
  // Winograd computes the two pixel rows of a tile differently: bands start on a tile's first
  // row in every phase (output rows a multiple of 2 x stride), so each row keeps its arithmetic.
  extent: (plan, budget) => ({ planes: plan.batch, rows: plan.outDHW[3 - plan.rank], step: winogradWithin(plan, budget) ? 2 * plan.stride[1] : 1 }),
  tile(job, sample, count, rows) {
    const { batch } = job.plan;
    // Winograd or not as the whole call: by all of its values, not each tile's.
    const plan = winogradFor(job.plan, job.inputs);
    const whole = planeSlice(job, { ...plan, batch: count }, sample, count, job.inputs.input.length / batch, job.output.length / batch);
    return rows ? { ...whole, plan: convBand(plan, rows) } : whole;
  },
};
