// WebAssembly resizeImage: lays the bytes, the plan's tables and the scratch rows out in linear
// memory and returns the call of assembly/image.ts as a record (Pillow and OpenCV: image-exact.ts).

import type { ImageInputs, ImagePlan } from '../image.js';
import { call } from '../kernels.js';
import { srgbTables } from '../rules/srgb.js';
import { stageResizeExact } from './image-exact.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

/** Floats of padding after rows that the kernel reads or writes a whole vector past (see assembly/image.ts). */
const PAD = 8;

export function stageResizeImage(layout: Layout, plan: ImagePlan, { input }: ImageInputs, outputLength: number): Staged {
  if (plan.kind === 'exact') return stageResizeExact(layout, plan, input, outputLength);
  const { width, channels, outWidth: outW, outHeight: outH, rows, cols, premultiply, period } = plan;
  const src = layout.bytes(input.length, input, PAD * 4);
  const dst = layout.bytes(outputLength, undefined, PAD * 4);
  const indexW = layout.i32(cols.index);
  const weightW = layout.f32(cols.weight.length, cols.weight);
  const indexH = layout.i32(rows.index);
  const weightH = layout.f32(rows.weight.length, rows.weight);
  const line = layout.f32(width * channels + PAD);
  const stride = Math.ceil((outW * channels + PAD) / 4) * 4; // not `& ~3`: a wide row would wrap through int32
  const { ring: cache, tags: slots } = layout.rowRing(rows.taps, stride);
  const blended = layout.f32(stride);
  const slotIndex = layout.i32(new Int32Array(rows.taps));
  let srgb = 0;
  if (plan.linearLight) {
    // One block: decode (256 f32), thresholds (256 f32), buckets (4096 bytes); see assembly/image.ts.
    const { decode, thresholds, buckets } = srgbTables();
    const block = new Uint8Array(2048 + buckets.length);
    block.set(new Uint8Array(decode.buffer), 0);
    block.set(new Uint8Array(thresholds.buffer), 1024);
    block.set(buckets, 2048);
    srgb = layout.bytes(block.length, block);
  }
  return {
    dst,
    calls: [call('resizeImage', { src, dst, inW: width, channels, outW, outH, premultiply: premultiply ? 1 : 0,
      tapsW: cols.taps, indexW, weightW, periodLo: period[0], periodHi: period[1], tapsH: rows.taps, indexH, weightH,
      line, cache, stride, blended, slots, slotIndex, srgb })],
  };
}
