// Bands of `resize` (ONNX Resize, the TF entries, channels-last interpolate): output rows of its
// first resized axis, one plane (the leading axes it does not resize) at a time. Passes run the
// last axis first, so that axis is the last pass's; every earlier pass, intermediate and fill
// holds the axis at its input (passes) or output (fills) size as a factor, which a band replaces
// by its window's or its rows' count. Its table is the band's slice of the whole table
// (bandTable, ./families.ts), its fills the band's slice of where that axis extrapolates.
// A wide plan (ResizePlan.wide) runs its passes in the reference's order: those after the axis'
// hold it at its output size, which a band replaces by its rows' count.

import type { Job } from '../ops.js';
import { passPeriod, type ResizeInputs, type ResizePlan } from '../resize.js';
import { periodTwoRun, type AxisTable } from '../rules/pytorch.js';

/** The pass of the first resized axis, the one that bands (the last pass, but for wide plans). */
export function bandedPass(plan: ResizePlan): ResizePlan['passes'][number] {
  return plan.passes.reduce((a, p) => (p.axis < a.axis ? p : a));
}

/** The plan of one plane's output rows [r0, r1) of the first resized axis, whose sliced table reads input rows [lo, hi). */
export function resizeBand(plan: ResizePlan, [r0, r1]: [number, number], band: { table: AxisTable; lo: number; hi: number }): ResizePlan {
  const last = bandedPass(plan);
  const planes = last.outer;
  const { inSize, outSize } = last.table;
  const window = band.hi - band.lo;
  // Per plane: the axis' input size (passes, intermediates) or output size (fills) becomes the band's.
  const inBand = (n: number) => (n / (planes * inSize)) * window;
  const outBand = (n: number) => (n / (planes * outSize)) * (r1 - r0);
  if (plan.wide) {
    // Passes before the axis' hold it at its input size, those after at its output size.
    const at = plan.passes.indexOf(last);
    const passes = plan.passes.map((p, i) => (i === at ? { ...p, outer: 1, table: band.table, period: passPeriod(band.table, true) }
      : { ...p, outer: i < at ? inBand(p.outer) : outBand(p.outer) }));
    const tmp = Math.max(0, ...passes.slice(0, -1).map((p) => p.outer * p.table.outSize * p.inner));
    return { ...plan, tmp, passes, fills: plan.fills.map((f) => (f.pass === at ? { ...f, outer: 1, len: r1 - r0, outside: f.outside.slice(r0, r1) }
      : { ...f, outer: f.pass! < at ? inBand(f.outer) : outBand(f.outer) })) };
  }
  return {
    ...plan,
    tmp: inBand(plan.tmp),
    passes: plan.passes.map((p) => (p === last ? { ...p, outer: 1, table: band.table, period: periodTwoRun(band.table) } : { ...p, outer: inBand(p.outer) })),
    // The axis' own fills are those with only the planes outside (another axis' have its output size too, > 1 when it bands).
    fills: plan.fills.map((f) => (f.outer === planes ? { ...f, outer: 1, len: r1 - r0, outside: f.outside.slice(r0, r1) } : { ...f, outer: outBand(f.outer) })),
  };
}

/** The job of output rows `rows` of plane `plane`, given the band's slice of the axis' table. */
export function resizeBandJob(job: Job<ResizePlan, ResizeInputs>, plane: number, rows: [number, number],
                              band: { table: AxisTable; lo: number; hi: number }): Job<ResizePlan, ResizeInputs> {
  const { outer: planes, table } = bandedPass(job.plan);
  const { input } = job.inputs;
  const [inPlane, outPlane] = [input.length / planes, job.output.length / planes];
  const [inRow, outRow] = [inPlane / table.inSize, outPlane / table.outSize];
  return { ...job, plan: resizeBand(job.plan, rows, band),
    inputs: { input: input.subarray(plane * inPlane + band.lo * inRow, plane * inPlane + band.hi * inRow) },
    output: job.output.subarray(plane * outPlane + rows[0] * outRow, plane * outPlane + rows[1] * outRow) };
}
