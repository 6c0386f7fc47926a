// Plain-JS upsampleArgmax / upsampleThreshold: each output row computed as js.interpolate computes
// it (upsampledRow, src/js/interpolate.ts) into a scratch row and reduced at once.

import type { UpsampleReduceInputs, UpsampleReducePlan } from '../pipeline/upsample-reduce.js';
import { ringSlots } from '../ring.js';
import { upsampledRow } from './interpolate.js';

function argmax(plan: UpsampleReducePlan, input: Float32Array, output: Uint8Array | Uint16Array): void {
  const { batch, channels: K, inH, inW, outH, outW, rows, cols } = plan;
  const mask = ringSlots(rows.taps) - 1;
  const slots = mask + 1;
  const rings = Array.from({ length: K }, () => new Float32Array(slots * outW));
  const tags = Array.from({ length: K }, () => new Int32Array(slots));
  const row = new Float32Array(outW);
  const best = new Float32Array(outW);
  const plane = inH * inW;
  for (let n = 0; n < batch; n++) {
    for (const t of tags) t.fill(-1);
    for (let o = 0; o < outH; o++) {
      const labels = n * outH * outW + o * outW;
      upsampledRow(input, n * K * plane, inW, best, 0, o, rows, cols, rings[0], tags[0], mask);
      output.fill(0, labels, labels + outW);
      for (let k = 1; k < K; k++) {
        upsampledRow(input, (n * K + k) * plane, inW, row, 0, o, rows, cols, rings[k], tags[k], mask);
        for (let i = 0; i < outW; i++) {
          const v = row[i];
          const b = best[i];
          // Greater, or NaN over a number (torch.argmax's NaN is the maximum); ties keep the first.
          if (v > b || (v !== v && b === b)) {
            best[i] = v;
            output[labels + i] = k;
          }
        }
      }
    }
  }
}

function threshold(plan: UpsampleReducePlan, input: Float32Array, output: Uint8Array): void {
  const { batch, channels, inH, inW, outH, outW, rows, cols, threshold: t } = plan;
  const mask = ringSlots(rows.taps) - 1;
  const ring = new Float32Array((mask + 1) * outW);
  const tags = new Int32Array(mask + 1);
  const row = new Float32Array(outW);
  for (let p = 0; p < batch * channels; p++) {
    tags.fill(-1);
    for (let o = 0; o < outH; o++) {
      upsampledRow(input, p * inH * inW, inW, row, 0, o, rows, cols, ring, tags, mask);
      const d = (p * outH + o) * outW;
      for (let i = 0; i < outW; i++) output[d + i] = row[i] > t ? 255 : 0;
    }
  }
}

export function runUpsampleReduce(plan: UpsampleReducePlan, { input }: UpsampleReduceInputs, output: Uint8Array | Uint16Array): void {
  if (plan.kind === 'argmax') argmax(plan, input, output);
  else threshold(plan, input, output as Uint8Array);
}
