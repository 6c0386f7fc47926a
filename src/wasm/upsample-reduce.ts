// WebAssembly upsampleArgmax / upsampleThreshold: the logits, interpolate's tables (moved to the
// crop) and the scratch rows laid out in linear memory; one call of assembly/upsample-reduce.ts.
// A band's logits are its rows (or columns of rows) of each class plane, packed, and a band of
// columns stages its labels packed too (src/tiling/reduce-bands.ts).

import { call } from '../kernels.js';
import type { UpsampleReduceInputs, UpsampleReducePlan } from '../pipeline/upsample-reduce.js';
import { ringSlots } from '../ring.js';
import { rowsFirst } from '../tiling/reduce-bands.js';
import { runsLength } from '../tiling/runs.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

export function stageUpsampleReduce(layout: Layout, plan: UpsampleReducePlan, { input }: UpsampleReduceInputs,
                                    outputLength: number): Staged {
  const { batch, channels, inH, inW, outH, outW, rows, cols, period } = plan;
  const src = plan.inputRuns ? layout.f32Runs(input, plan.inputRuns) : layout.f32(input.length, input);
  const { wide, outputRuns: runs } = plan;
  // A band of columns: its labels packed, copied out run by run (src/wasm/executor.ts copyOut).
  const dst = layout.bytes((runs ? runsLength(runs) : outputLength) * (wide ? 2 : 1), undefined, 16);
  const indexW = layout.i32(cols.index);
  const weightW = layout.f32(cols.weight.length, cols.weight);
  const indexH = layout.i32(rows.index);
  const weightH = layout.f32(rows.weight.length, rows.weight);
  // Bilinear 2x rows H first (SIMD builds) blends two input rows straight into the output row: no rings.
  const hFirst = layout.simd && rowsFirst(rows, cols, period);
  const rings = hFirst ? 0 : plan.kind === 'argmax' ? channels : 1;
  const slots = ringSlots(rows.taps);
  const ring = layout.f32(rings * slots * outW);
  const ringRows = layout.i32(new Int32Array(rings * slots));
  const row = layout.f32(outW);
  const table = { tapsW: cols.taps, indexW, weightW, periodLo: period[0], periodHi: period[1], tapsH: rows.taps, indexH, weightH };
  if (plan.kind === 'argmax') {
    const best = layout.f32(outW);
    const label = layout.f32(outW);
    return {
      dst,
      runs,
      calls: [call('upsampleArgmax', { src, dst, ring, ringRows, row, best, label, batch, classes: channels, inH, inW, outH, outW,
        ...table, wide: wide ? 1 : 0, hFirst: hFirst ? 1 : 0 })],
    };
  }
  const thresholdBits = new Int32Array(new Float32Array([plan.threshold]).buffer)[0];
  return {
    dst,
    calls: [call('upsampleThreshold', { src, dst, ring, ringRows, row, planes: batch * channels, inH, inW, outH, outW,
      ...table, thresholdBits, hFirst: hFirst ? 1 : 0 })],
  };
}
