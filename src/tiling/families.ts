// How each family's plan splits into tiles (see ./plan.ts): the planes every family has (N*C, or
// conv's batch; resize's leading axes it does not resize), and for interpolate (every mode and
// rank), resize (./resize-bands.ts) and resizeImage (every convention) bands along the first
// spatial (resized) axis, whose input window is read off that axis' table: a band reads input rows
// [lo, hi) and its table is the band's slice of the whole table with indices made relative to lo.
// Convolutions: ./conv-bands.ts.

import type { ImageInputs, ImagePlan } from '../image.js';
import type { ChannelsLastPlan, InterpolateInputs, InterpolatePlan } from '../interpolate.js';
import type { Job } from '../ops.js';
import type { ResizeInputs, ResizePlan } from '../resize.js';
import type { ExactAxisTable } from '../rules/exact.js';
import { periodTwoRun, type AxisTable } from '../rules/pytorch.js';
import type { ShuffleInputs, ShufflePlan } from '../shuffle.js';
import type { Tiling } from './plan.js';
import { bandedPass, resizeBandJob } from './resize-bands.js';

/** Output rows [r0, r1) of `table`: the input rows they read, [lo, hi), and their table relative to lo. */
export function bandTable(table: AxisTable, [r0, r1]: [number, number]): { table: AxisTable; lo: number; hi: number } {
  const { taps } = table;
  const index = table.index.slice(r0 * taps, r1 * taps);
  // Sizes as small integers (`| 0`; bounds from the start, not +-Infinity): a double here (a row
  // computed in floating point) made V8 store every AxisTable's sizes as doubles and throw away
  // the optimised code built on them.
  const outSize = (r1 - r0) | 0;
  let lo = index.length > 0 ? index[0] : 0;
  let hi = lo;
  // Indexed, not for-of (V8 compiles this loop a few times a run, an iterator's code is larger),
  // and compared, not Math.min/max: the command's first bands run it in cold code, a call a step.
  for (let k = 0; k < index.length; k++) {
    const i = index[k];
    if (i < lo) lo = i;
    if (i >= hi) hi = i + 1;
  }
  for (let k = 0; k < index.length; k++) index[k] -= lo;
  const weight64 = table.weight64?.slice(r0 * taps, r1 * taps);
  return { table: { inSize: hi - lo, outSize, taps, index, weight: table.weight.slice(r0 * taps, r1 * taps), ...(weight64 && { weight64 }) }, lo, hi };
}

/** The job of planes [plane, plane + count) when each has `inPlane` input and `outPlane` output elements. */
export function planeSlice<P, I extends { input: ArrayBufferView & { subarray(a: number, b: number): unknown } }>(
  job: Job<P, I>, plan: P, plane: number, count: number, inPlane: number, outPlane: number): Job<P, I> {
  const input = job.inputs.input.subarray(plane * inPlane, (plane + count) * inPlane);
  return { ...job, plan, inputs: { ...job.inputs, input }, output: job.output.subarray(plane * outPlane, (plane + count) * outPlane) };
}

/**
 * interpolate: planes, then bands along the first spatial axis of the rank (D, H or W): the axis
 * whose table (or pooling windows) the band slices, the others whole (and channels-last area's C).
 */
const channelsFirstTiling: Tiling<Exclude<InterpolatePlan, ChannelsLastPlan>, InterpolateInputs> = {
  extent: (plan) => ({ planes: plan.planes, rows: plan.kind === 'area' && plan.globalMean ? 1 : plan.outDHW[3 - plan.rank] }),
  tile(job, plane, count, rows) {
    const plan = job.plan;
    const channels = plan.kind === 'area' ? plan.channels : 1; // area channels last: C innermost, planes the batch
    const inPlane = plan.inDHW[0] * plan.inDHW[1] * plan.inDHW[2] * channels;
    const outPlane = plan.outDHW[0] * plan.outDHW[1] * plan.outDHW[2] * channels;
    if (!rows) return planeSlice(job, { ...plan, planes: count }, plane, count, inPlane, outPlane);
    const a = 3 - plan.rank;
    const inner = (dhw: number[]) => dhw.slice(a + 1).reduce((n, d) => n * d, channels);
    const [inInner, outInner] = [inner(plan.inDHW), inner(plan.outDHW)];
    const with3 = <T>(v: readonly T[], x: T) => v.map((old, i) => (i === a ? x : old)) as [T, T, T];
    let band: InterpolatePlan;
    let lo: number;
    let hi: number;
    if (plan.kind === 'separable') {
      const sliced = bandTable(plan.axes[a], rows);
      ({ lo, hi } = sliced);
      const inDHW = with3(plan.inDHW, hi - lo);
      const outDHW = with3(plan.outDHW, rows[1] - rows[0]);
      // One plane a pass: the intermediates of the 3-D kernel for the band's depth window.
      const [inD, inH] = inDHW;
      const [, outH, outW] = outDHW;
      band = { ...plan, planes: 1, inDHW, outDHW, axes: with3(plan.axes, sliced.table), chunk: 1,
        period: plan.rank === 1 ? periodTwoRun(sliced.table) : plan.period,
        tmpA: plan.rank === 1 ? 0 : inD * inH * outW, tmpB: plan.rank === 3 ? inD * outH * outW : 0 };
    } else {
      // Pooling windows [start, end) of the band, relative to the first input index they read.
      const start = plan.start[a].slice(rows[0], rows[1]);
      const end = plan.end[a].slice(rows[0], rows[1]);
      lo = start.reduce((m, v) => Math.min(m, v), Infinity);
      hi = end.reduce((m, v) => Math.max(m, v), -Infinity);
      band = { ...plan, planes: 1, inDHW: with3(plan.inDHW, hi - lo), outDHW: with3(plan.outDHW, rows[1] - rows[0]),
        start: with3(plan.start, start.map((v) => v - lo)), end: with3(plan.end, end.map((v) => v - lo)) };
    }
    const from = plane * inPlane;
    const to = plane * outPlane;
    return { ...job, plan: band, inputs: { input: job.inputs.input.subarray(from + lo * inInner, from + hi * inInner) },
      output: job.output.subarray(to + rows[0] * outInner, to + rows[1] * outInner) };
  },
};

/** interpolate: channels-first plans as above; channels-last plans are resize's axis passes (its planes: the batch). */
export const interpolateTiling: Tiling<InterpolatePlan, InterpolateInputs> = {
  extent: (plan, budget) => (plan.kind === 'passes' ? resizeTiling.extent(plan.resize, budget) : channelsFirstTiling.extent(plan, budget)),
  tile(job, plane, count, rows) {
    const plan = job.plan;
    if (plan.kind !== 'passes') return channelsFirstTiling.tile(job as Job<typeof plan, InterpolateInputs>, plane, count, rows) as Job<InterpolatePlan, InterpolateInputs>;
    const tile = resizeTiling.tile({ ...job, plan: plan.resize } as unknown as Job<ResizePlan, ResizeInputs>, plane, count, rows);
    return { ...job, plan: { ...plan, resize: tile.plan }, inputs: tile.inputs, output: tile.output };
  },
};

/**
 * resize's planes are the leading axes it does not resize: the pass of the first resized axis (bandedPass)
 * has exactly those as its `outer`, and every other pass, fill and intermediate is a multiple.
 * Its bands: output rows of that axis (./resize-bands.ts).
 */
export const resizeTiling: Tiling<ResizePlan, ResizeInputs> = {
  extent: (plan) => ({ planes: bandedPass(plan).outer, rows: bandedPass(plan).table.outSize }),
  tile(job, plane, count, rows) {
    const plan = job.plan;
    if (rows) return resizeBandJob(job, plane, rows, bandTable(bandedPass(plan).table, rows)); // ./resize-bands.ts
    const planes = bandedPass(plan).outer;
    const part = (n: number) => (n / planes) * count;
    const sub: ResizePlan = { ...plan, tmp: part(plan.tmp), passes: plan.passes.map((p) => ({ ...p, outer: part(p.outer) })),
      fills: plan.fills.map((f) => ({ ...f, outer: part(f.outer) })) };
    return planeSlice(job, sub, plane, count, job.inputs.input.length / planes, job.output.length / planes);
  },
};

export const shuffleTiling: Tiling<ShufflePlan, ShuffleInputs> = {
  extent: (plan) => ({ planes: plan.planes, rows: 1 }),
  tile(job, plane, count) {
    const { factor: r, height, width } = job.plan;
    const size = r * r * height * width; // both sides of a plane hold the same elements
    return planeSlice(job, { ...job.plan, planes: count }, plane, count, size, size);
  },
};

/** Output rows [r0, r1) of an exact (Pillow, OpenCV) table: bandTable's slice, with its integer coefficients and windows. */
function exactBandTable(table: ExactAxisTable, rows: [number, number]): { table: ExactAxisTable; lo: number; hi: number } {
  const { table: sliced, lo, hi } = bandTable(table, rows);
  const [r0, r1] = rows;
  const { taps, fixed, fixedBits, identity } = table;
  // An identity table's band reads exactly its own rows: still the identity.
  return { table: { ...sliced, count: table.count.slice(r0, r1), fixed: fixed?.slice(r0 * taps, r1 * taps), fixedBits, identity }, lo, hi };
}

/**
 * Output rows [r0, r1) of a resizeImage plan: the plan of that band alone (its row table cut as
 * above), which reads input rows [lo, hi) of the image and writes rows r0 .. r1 - 1 of the result.
 * The tiling below runs such bands on the caller's arrays; the command line streams them
 * (src/image-band.ts).
 */
export function imageBand(plan: ImagePlan, rows: [number, number]): { plan: ImagePlan; lo: number; hi: number } {
  const { table, lo, hi } = plan.kind === 'exact' ? exactBandTable(plan.rows, rows) : bandTable(plan.rows, rows);
  return { plan: { ...plan, height: table.inSize, outHeight: table.outSize, rows: table } as ImagePlan, lo, hi };
}

/**
 * resizeImage: bands of output rows, each with the input rows its vertical taps read, for every
 * plan: interpolate's float tables ('pytorch', and any convention in linear light) and Pillow's
 * and OpenCV's exact plans (each output row reads only its own taps, whose horizontal pass is the
 * same row by row, so a band's bytes are the whole call's).
 */
export const imageTiling: Tiling<ImagePlan, ImageInputs> = {
  extent: (plan) => ({ planes: 1, rows: plan.outHeight }),
  tile(job, _plane, _count, rows) {
    const plan = job.plan;
    if (!rows) return job;
    const band = imageBand(plan, rows);
    const inRow = plan.width * plan.channels;
    const outRow = plan.outWidth * plan.channels;
    return { ...job, plan: band.plan, inputs: { input: job.inputs.input.subarray(band.lo * inRow, band.hi * inRow) },
      output: job.output.subarray(rows[0] * outRow, rows[1] * outRow) };
  },
};
