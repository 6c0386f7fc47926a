// Plain-JS imageToTensor: resizeImage's JS loops band by band (a float plan sliced, an exact
// plan's row range) into a small byte buffer, each band normalised into the tensor at once, as
// the WebAssembly kernels do.

import type { FloatImagePlan } from '../image.js';
import { bandPlan, paddingRows, type ImageTensorInputs, type ImageTensorPlan } from '../pipeline/image-tensor.js';
import { exactRows } from './image-exact.js';
import { runResizeImage } from './image.js';

/** The luma of a pixel with the plan's 16-bit weights (Pillow's convert('L') or cv2's RGB2GRAY). */
export function luma(r: number, g: number, b: number, weights: Int32Array): number {
  return (r * weights[0] + g * weights[1] + b * weights[2] + 0x8000) >> 16;
}

/** Tensor rows [y, y + rows): columns [left, left + count) from `band` rows, the rest padding (count 0: all padding). */
function normaliseRows(plan: ImageTensorPlan, band: Uint8ClampedArray, y: number, rows: number, left: number, count: number,
                       output: Float32Array): void {
  const { width, height, outChannels: O, nhwc, map, luma: weights, lut, pad, colStart } = plan;
  const C = plan.resize.channels;
  const stride = plan.resize.outWidth * C;
  const step = nhwc ? O : 1;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < O; c++) {
      const channel = map[c];
      const base = c * 256;
      const fill = pad[c];
      let at = nhwc ? (y + r) * width * O + c : (c * height + y + r) * width;
      let x = 0;
      for (; x < left; x++, at += step) output[at] = fill;
      let px = r * stride + colStart * C;
      for (; x < left + count; x++, at += step, px += C) {
        const v = channel < 0 ? luma(band[px], band[px + 1], band[px + 2], weights) : band[px + channel];
        output[at] = lut[base + v];
      }
      for (; x < width; x++, at += step) output[at] = fill;
    }
  }
}

export function runImageToTensor(plan: ImageTensorPlan, inputs: ImageTensorInputs, output: Float32Array): void {
  const { resize, rowStart, rowEnd, colStart, colEnd, top, left, band } = plan;
  const bytes = new Uint8ClampedArray(band * resize.outWidth * resize.channels);
  for (const [y, count] of paddingRows(plan)) normaliseRows(plan, bytes, y, count, plan.width, 0, output);
  const exact = resize.kind === 'exact' ? exactRows(resize) : undefined;
  for (let y0 = rowStart; y0 < rowEnd; y0 += band) {
    const n = Math.min(band, rowEnd - y0);
    const part = bytes.subarray(0, n * resize.outWidth * resize.channels);
    if (exact) exact(inputs.input, part, y0, y0 + n);
    else runResizeImage(bandPlan(resize as FloatImagePlan, y0, y0 + n), inputs, part);
    normaliseRows(plan, part, top + y0, n, left + colStart, colEnd - colStart, output);
  }
}
