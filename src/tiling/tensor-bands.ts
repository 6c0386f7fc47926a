// Bands of imageToTensor (see ./plan.ts): tensor rows [t0, t1), each with the resized rows that
// land there and the input rows their vertical taps read (imageBand, ./families.ts), so that
// neither the image nor the tensor need be whole in WebAssembly memory. A band's plan is the
// call's own (the same tables, sliced; the same placement, shifted), so its values are the whole
// call's, bit for bit. Its tensor rows are staged packed and copied out as runs (./runs.ts): one
// run per channel plane in NCHW, one run of whole pixels in NHWC.

import type { ImageTensorInputs, ImageTensorPlan } from '../pipeline/image-tensor.js';
import { imageBand } from './families.js';
import type { Tiling } from './plan.js';

/** The plan of tensor rows [t0, t1) alone: a tensor of t1 - t0 rows with its resized rows (or none: all padding). */
export function tensorBand(plan: ImageTensorPlan, [t0, t1]: [number, number]): { plan: ImageTensorPlan; lo: number; hi: number } {
  const { top, width, outChannels, height, nhwc } = plan;
  const r0 = Math.max(plan.rowStart, t0 - top);
  const r1 = Math.min(plan.rowEnd, t1 - top);
  const empty = r0 >= r1;
  // An all-padding band still stages a resize (one row, never run): staging expects one.
  const band = imageBand(plan.resize, empty ? [plan.rowStart, plan.rowStart + 1] : [r0, r1]);
  const rows = t1 - t0;
  const runs = nhwc ? { count: 1, length: rows * width * outChannels, stride: 0, from: t0 * width * outChannels }
    : { count: outChannels, length: rows * width, stride: height * width, from: t0 * width };
  return {
    plan: {
      ...plan, resize: band.plan, height: rows, top: empty ? 0 : top + r0 - t0, rowStart: 0, rowEnd: empty ? 0 : r1 - r0,
      band: Math.max(1, Math.min(plan.band, r1 - r0)), runs,
      outputShape: nhwc ? [1, rows, width, outChannels] : [1, outChannels, rows, width],
    },
    lo: band.lo,
    hi: band.hi,
  };
}

export const tensorTiling: Tiling<ImageTensorPlan, ImageTensorInputs> = {
  extent: (plan) => ({ planes: 1, rows: plan.height }),
  tile(job, _plane, _count, rows) {
    if (!rows) return job;
    const { plan, lo, hi } = tensorBand(job.plan, rows);
    const inRow = job.plan.resize.width * job.plan.resize.channels;
    // The whole output: the band's runs say where its rows go.
    return { ...job, plan, inputs: { input: job.inputs.input.subarray(lo * inRow, hi * inRow) } };
  },
};
