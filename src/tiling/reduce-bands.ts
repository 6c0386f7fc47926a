// How upsampleArgmax's and upsampleThreshold's plans split (see ./plan.ts). A threshold plane is
// one (n, c) logit plane, an argmax plane one image (its K class planes are reduced together).
// Bands are output rows of one plane: their slice of the row table (bandTable, as interpolate's
// bands) reads logit rows [lo, hi), the same rows through the same weights as the whole call, so
// each output row and its reduction are the whole call's, bit for bit. An argmax band reads rows
// [lo, hi) of every class plane: not one range, so it is staged packed (./runs.ts); its labels
// (and a threshold band's masks) are one range of the output.

import type { Job } from '../ops.js';
import type { UpsampleReduceInputs, UpsampleReducePlan } from '../pipeline/upsample-reduce.js';
import { bandTable, planeSlice } from './families.js';
import type { Tiling } from './plan.js';

export const reduceTiling: Tiling<UpsampleReducePlan, UpsampleReduceInputs> = {
  extent: (plan) => ({ planes: plan.kind === 'argmax' ? plan.batch : plan.batch * plan.channels, rows: plan.outH }),
  tile(job, plane, count, rows) {
    const plan = job.plan;
    const argmax = plan.kind === 'argmax';
    const classes = argmax ? plan.channels : 1;
    const inPlane = classes * plan.inH * plan.inW;
    const sub: UpsampleReducePlan = argmax ? { ...plan, batch: count } : { ...plan, batch: count, channels: 1 };
    const whole = planeSlice(job, sub, plane, count, inPlane, plan.outH * plan.outW);
    if (!rows) return whole;
    const { table, lo, hi } = bandTable(plan.rows, rows);
    const { inW, outW } = plan;
    const band: UpsampleReducePlan = { ...sub, inH: hi - lo, outH: rows[1] - rows[0], rows: table,
      ...(argmax && { inputRuns: { count: classes, length: (hi - lo) * inW, stride: plan.inH * inW, from: lo * inW } }) };
    const input = argmax ? whole.inputs.input : whole.inputs.input.subarray(lo * inW, hi * inW);
    return { ...whole, plan: band, inputs: { input }, output: whole.output.subarray(rows[0] * outW, rows[1] * outW) } as Job<UpsampleReducePlan, UpsampleReduceInputs>;
  },
};
