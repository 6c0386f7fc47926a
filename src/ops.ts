// The public operations, written once over a backend.

import type { Backend } from './backend.js';
import { planConv, type ConvOptions, type ConvTransposeOptions } from './conv.js';
import { planCache, type InterpolateOptions } from './interpolate.js';
import { planResizeImage, type ImageInput, type ImageResult, type ImageTarget, type ResizeImageOptions } from './image.js';
import { planShuffle, type ShuffleOptions } from './shuffle.js';
import { product, resultTensor, type Tensor } from './tensor.js';

export interface Operations {
  interpolate(input: Tensor, options: InterpolateOptions): Tensor;
  convTranspose1d(input: Tensor, weight: Tensor, options?: ConvTransposeOptions): Tensor;
  convTranspose2d(input: Tensor, weight: Tensor, options?: ConvTransposeOptions): Tensor;
  convTranspose3d(input: Tensor, weight: Tensor, options?: ConvTransposeOptions): Tensor;
  conv1d(input: Tensor, weight: Tensor, options?: ConvOptions): Tensor;
  conv2d(input: Tensor, weight: Tensor, options?: ConvOptions): Tensor;
  conv3d(input: Tensor, weight: Tensor, options?: ConvOptions): Tensor;
  pixelShuffle(input: Tensor, upscaleFactor: number, options?: ShuffleOptions): Tensor;
  pixelUnshuffle(input: Tensor, downscaleFactor: number, options?: ShuffleOptions): Tensor;
  resizeImage(image: ImageInput, target: ImageTarget, options?: ResizeImageOptions): ImageResult;
}

export function operations(backend: Backend, ready: () => void): Operations {
  const planInterpolate = planCache();
  const conv = (transposed: boolean, dims: number) => (input: Tensor, weight: Tensor, options?: ConvOptions | ConvTransposeOptions): Tensor => {
    const { plan, bias, out } = planConv(transposed, dims, input, weight, options);
    ready();
    const result = resultTensor(plan.outputShape, out, input.data, weight.data);
    if (product(plan.outputShape) > 0) backend.conv(plan, input.data, weight.data, bias, result.data);
    return result;
  };
  const shuffle = (upscale: boolean) => (input: Tensor, factor: number, options?: ShuffleOptions): Tensor => {
    const { plan, out } = planShuffle(upscale, input, factor, options);
    ready();
    const result = resultTensor(plan.outputShape, out, input.data);
    if (product(plan.outputShape) > 0) backend.pixelShuffle(plan, input.data, result.data);
    return result;
  };
  return {
    convTranspose1d: conv(true, 1),
    convTranspose2d: conv(true, 2),
    convTranspose3d: conv(true, 3),
    conv1d: conv(false, 1),
    conv2d: conv(false, 2),
    conv3d: conv(false, 3),
    pixelShuffle: shuffle(true),
    pixelUnshuffle: shuffle(false),
    resizeImage(image, target, options) {
      const { plan, out } = planResizeImage(image, target, options);
      ready();
      const data = out ?? new Uint8ClampedArray(plan.outWidth * plan.outHeight * plan.channels);
      backend.resizeImage(plan, image.data, data);
      return { data, width: plan.outWidth, height: plan.outHeight, channels: plan.channels };
    },
    interpolate(input, options) {
      const { plan, out } = planInterpolate(input, options);
      ready();
      const result = resultTensor(plan.outputShape, out, input.data);
      if (product(plan.outputShape) > 0) backend.interpolate(plan, input.data, result.data);
      return result;
    },
  };
}
