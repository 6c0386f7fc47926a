// How upsampleArgmax's and upsampleThreshold's plans split (see ./plan.ts). A threshold plane is
// one (n, c) logit plane, an argmax plane one image (its K class planes are reduced together).
// Bands are output rows of one plane: their slice of the row table (bandTable, as interpolate's
// bands) reads logit rows [lo, hi), the same rows through the same weights as the whole call, so
// each output row and its reduction are the whole call's, bit for bit. An argmax band reads rows
// [lo, hi) of every class plane: not one range, so it is staged packed (./runs.ts); its labels
// (and a threshold band's masks) are one range of the output.
//
// Argmax keeps a ring of rows for each of its K classes, as wide as the output, so with many
// classes even one row may not fit: its bands of the fewest rows then split into bands of output
// columns, the column table sliced the same way (columns [clo, chi) of rows [lo, hi) of each class
// plane, packed; the labels a run per row). A threshold plane's ring is one class: rows suffice.

import type { Job } from '../ops.js';
import type { UpsampleReduceInputs, UpsampleReducePlan } from '../pipeline/upsample-reduce.js';
import type { AxisTable } from '../rules/pytorch.js';
import { bandTable, planeSlice } from './families.js';
import type { Tiling } from './plan.js';

/**
 * Whether the kernel takes bilinear 2x rows H first for these tables on SIMD builds (the vertical
 * blend before the horizontal one, other roundings; no ring of rows): assembly/lib/rows2d.ts
 * rowsFirst, with mirroredAdjacentRun (assembly/lib/bilinear2x.ts) on the period-two run [lo, hi).
 * The staging tells the kernel (src/wasm/upsample-reduce.ts), which traps where it disagrees.
 */
export function rowsFirst(rows: AxisTable, cols: AxisTable, [lo, hi]: [number, number]): boolean {
  if (rows.taps !== 2 || cols.taps !== 2 || hi - lo < 16) return false;
  const { index: i, weight: w } = cols;
  const a = 2 * lo;
  return i[a + 1] === i[a] + 1 && i[a + 2] === i[a] && i[a + 3] === i[a + 1] && w[a] === w[a + 3] && w[a + 1] === w[a + 2];
}

/**
 * The period-two run of output columns [c0, c1): the whole call's run [lo, hi) within them, from
 * the same phase, relative to c0. Not periodTwoRun of the band's table: that may start a column
 * later (its ties go to an even start), and a band whose run is not mirrored (or shorter than 16)
 * would leave the H-first path the whole call takes, with other bits.
 */
export function bandPeriod([lo, hi]: [number, number], [c0, c1]: [number, number]): [number, number] {
  const a = lo + 2 * Math.ceil(Math.max(0, c0 - lo) / 2);
  const b = a + 2 * Math.floor((Math.min(hi, c1) - a) / 2);
  return b - a >= 4 ? [a - c0, b - c0] : [0, 0];
}

/**
 * Column bands of an argmax plan: where they start (multiples of colStep) and how narrow they may
 * be. 4: the vertical blends are SIMD blocks of 4 columns from a row's start, the rest scalar (in
 * the relaxed build, fused or not), so a band keeps each column's place in its block. A plan the
 * kernel takes H first needs every band H first too: a mirrored run of 16 or more in each. A band
 * loses at most 2 columns of the whole run to its phase, and one at an end the `slack` the run
 * leaves there too (bilinear 2x: 1), so bands of 18 + slack keep 16; no column bands where the
 * run leaves more than a few columns.
 */
function columnBands(plan: UpsampleReducePlan): { cols?: number; colStep?: number } {
  if (!rowsFirst(plan.rows, plan.cols, plan.period)) return { cols: plan.outW, colStep: 4 };
  const [lo, hi] = plan.period;
  const slack = Math.max(lo, plan.outW - hi);
  return slack <= 14 ? { cols: plan.outW, colStep: 18 + slack } : {};
}

export const reduceTiling: Tiling<UpsampleReducePlan, UpsampleReduceInputs> = {
  extent: (plan) => (plan.kind === 'argmax' ? { planes: plan.batch, rows: plan.outH, ...columnBands(plan) }
    : { planes: plan.batch * plan.channels, rows: plan.outH }),
  tile(job, plane, count, rows, cols) {
    const plan = job.plan;
    const argmax = plan.kind === 'argmax';
    const classes = argmax ? plan.channels : 1;
    const inPlane = classes * plan.inH * plan.inW;
    const sub: UpsampleReducePlan = argmax ? { ...plan, batch: count } : { ...plan, batch: count, channels: 1 };
    const whole = planeSlice(job, sub, plane, count, inPlane, plan.outH * plan.outW);
    if (!rows) return whole;
    const { table, lo, hi } = bandTable(plan.rows, rows);
    const { inW, outW } = plan;
    const output = whole.output.subarray(rows[0] * outW, rows[1] * outW);
    const outH = rows[1] - rows[0];
    if (argmax && cols) {
      const c = bandTable(plan.cols, cols);
      const band: UpsampleReducePlan = { ...sub, inH: hi - lo, inW: c.hi - c.lo, outH, outW: cols[1] - cols[0], rows: table,
        cols: c.table, period: bandPeriod(plan.period, cols),
        inputRuns: { blocks: classes, blockStride: plan.inH * inW, count: hi - lo, length: c.hi - c.lo, stride: inW, from: lo * inW + c.lo },
        outputRuns: { count: outH, length: cols[1] - cols[0], stride: outW, from: cols[0] } };
      return { ...whole, plan: band, output } as Job<UpsampleReducePlan, UpsampleReduceInputs>;
    }
    const band: UpsampleReducePlan = { ...sub, inH: hi - lo, outH, rows: table,
      ...(argmax && { inputRuns: { count: classes, length: (hi - lo) * inW, stride: plan.inH * inW, from: lo * inW } }) };
    const input = argmax ? whole.inputs.input : whole.inputs.input.subarray(lo * inW, hi * inW);
    return { ...whole, plan: band, inputs: { input }, output } as Job<UpsampleReducePlan, UpsampleReduceInputs>;
  },
};
