// WebAssembly imageToTensor: resizeImage's staging (src/wasm/image.ts) lays out the image, its
// tables and scratch; its kernel call is then run band by band into a small byte buffer, each
// band followed by normaliseRows into the tensor, so no resized image exists at the target size.
// A float plan's band is its rows table sliced by named fields; an exact plan's (Pillow, OpenCV)
// is the kernel's own row range (its dst holds the band's rows).

import { call, type KernelCall } from '../kernels.js';
import { paddingRows, type ImageTensorInputs, type ImageTensorPlan } from '../pipeline/image-tensor.js';
import { stageResizeImage } from './image.js';
import { runsLength } from '../tiling/runs.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

/** The resize call for resized rows [y0, y0 + rows) into `dst` (the kernels' rows are independent given their table rows). */
function resizeBand(c: KernelCall, y0: number, rows: number, dst: number): KernelCall {
  if (c.kernel === 'resizeExact') return call('resizeExact', { ...c.args, dst, rowStart: y0, rowEnd: y0 + rows });
  if (c.kernel !== 'resizeImage') throw new Error(`imageToTensor: no band rule for the ${c.kernel} kernel`);
  const a = c.args;
  const offset = y0 * a.tapsH * 4;
  return call('resizeImage', { ...a, dst, outH: rows, indexH: a.indexH + offset, weightH: a.weightH + offset });
}

export function stageImageToTensor(layout: Layout, plan: ImageTensorPlan, inputs: ImageTensorInputs,
                                   outputLength: number, target: number): Staged {
  const { resize, height, width, outChannels, top, left, rowStart, rowEnd, colStart, colEnd, band } = plan;
  const srcStride = resize.outWidth * resize.channels;
  // No output of its own: the bands below go to `bandBytes` (padded: normaliseRows reads 16 bytes at a time).
  const [resizeCall] = stageResizeImage(layout, resize, inputs, 0).calls;
  const bandBytes = layout.bytes(band * srcStride, undefined, 64);
  // A band's rows are packed (plan.runs); else the whole tensor, in place when resident.
  const dst = plan.runs ? layout.f32(runsLength(plan.runs)) : target >= 0 ? target : layout.f32(outputLength);
  const map = layout.i32(plan.map);
  const luma = layout.i32(plan.luma);
  const lut = layout.f32(plan.lut.length, plan.lut);
  const pad = layout.f32(plan.pad.length, plan.pad);
  const coefficients = layout.f32(plan.coefficients.length, plan.coefficients);
  const rows = (src: number, y: number, count: number, pixels: number) => call('normaliseRows', {
    src, srcStride, channels: resize.channels, srcX: colStart, dst, y, rows: count, width, height,
    left: pixels > 0 ? left + colStart : width, count: pixels, outChannels, map, luma, lut, pad, coefficients, nhwc: plan.nhwc ? 1 : 0,
  });
  const calls: KernelCall[] = paddingRows(plan).map(([y, count]) => rows(bandBytes, y, count, 0));
  for (let y0 = rowStart; y0 < rowEnd; y0 += band) {
    const n = Math.min(band, rowEnd - y0);
    calls.push(resizeBand(resizeCall, y0, n, bandBytes), rows(bandBytes, top + y0, n, colEnd - colStart));
  }
  return { dst, calls, runs: plan.runs };
}
