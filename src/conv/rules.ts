// Convolution and transposed convolution: option parsing, PyTorch 1.13's refusals and output
// sizes (the geometry of a call). The phase layout the kernels run is src/conv/phases.ts.

import { checkInteger, checkTensor, expandList, formatShape, MAX_ELEMENTS, product, readOptions, type Tensor } from '../tensor.js';

export interface ConvTransposeOptions {
  /** Added to every output of a channel: Cout values (a 1-D Tensor or a Float32Array). */
  bias?: Tensor | Float32Array;
  /** Per spatial dimension or one for all; default 1. */
  stride?: number | number[];
  /** Removed from both ends of every spatial dimension of the output; default 0. */
  padding?: number | number[];
  /** Added at the end of every spatial dimension; smaller than stride or dilation; default 0. */
  outputPadding?: number | number[];
  /** Input and output channels are split into this many independent groups; default 1. */
  groups?: number;
  /** Spacing between kernel taps; default 1. */
  dilation?: number | number[];
  /**
   * The spatial output size (or the whole shape), as nn.ConvTransposeNd's forward(x, output_size):
   * picks outputPadding = size - minimum, within [minimum, minimum + stride - 1]. When given,
   * `outputPadding` is ignored, as PyTorch's module ignores its own output_padding.
   */
  outputSize?: number[];
  /** A tensor of exactly the result's shape to write into (it is returned). */
  out?: Tensor;
}

export interface ConvOptions {
  bias?: Tensor | Float32Array;
  stride?: number | number[];
  /** Zeros added on both sides; 'same' keeps the size (stride 1 only), 'valid' is 0. */
  padding?: number | number[] | 'same' | 'valid';
  dilation?: number | number[];
  groups?: number;
  out?: Tensor;
}

const TRANSPOSE_OPTIONS = ['bias', 'stride', 'padding', 'outputPadding', 'groups', 'dilation', 'outputSize', 'out'] as const;
const CONV_OPTIONS = ['bias', 'stride', 'padding', 'dilation', 'groups', 'out'] as const;
/** Everything about a call that depends only on shapes and options. */
export interface Geometry {
  transposed: boolean;
  dims: number;
  unbatched: boolean;
  batch: number;
  inChannels: number;
  outChannels: number;
  groups: number;
  inSpatial: number[];
  kernel: number[];
  stride: number[];
  /** Zeros before (conv) / cropped from (transposed) each axis. */
  padLo: number[];
  /** Zeros after each axis (conv; equal to padLo except for 'same' with an even kernel). */
  padHi: number[];
  dilation: number[];
  outputPadding: number[];
  outSpatial: number[];
  outputShape: number[];
}

const AXES = ['depth', 'height', 'width'];

function opName(transposed: boolean, dims: number): string {
  return `${transposed ? 'convTranspose' : 'conv'}${dims}d`;
}

/** A call's options, read once and their names checked. */
export function readConvOptions(transposed: boolean, dims: number, options: unknown): Record<string, unknown> {
  return readOptions(options as Record<string, unknown> | undefined, transposed ? TRANSPOSE_OPTIONS : CONV_OPTIONS, opName(transposed, dims));
}

function intList(value: unknown, fallback: number, dims: number, name: string, min: number): number[] {
  if (value === undefined) return new Array<number>(dims).fill(fallback);
  if (typeof value !== 'number' && !Array.isArray(value)) {
    throw new TypeError(`${name} must be an integer or an array of ${dims} integers, but got ${typeof value}`);
  }
  const list = expandList(value as number | number[], dims, name, (v, n) => {
    if (typeof v !== 'number') throw new TypeError(`${n} must hold integers, but got ${String(v)}`);
    if (!Number.isInteger(v)) throw new RangeError(`${n} must hold integers, but got ${String(v)}`);
  });
  if (list.some((v) => v < min)) {
    const got = `${name}=${formatShape(list)}`;
    if (name === 'stride') throw new RangeError(`non-positive stride is not supported, but got ${got}`);
    if (name === 'dilation') throw new RangeError(`dilation should be greater than zero, but got ${got}`);
    throw new RangeError(`negative ${name} is not supported, but got ${got}`);
  }
  return list;
}

function biasLength(bias: unknown): number | undefined {
  if (bias === undefined) return undefined;
  if (bias instanceof Float32Array) return bias.length;
  const t = checkTensor(bias, 'bias');
  if (t.shape.length !== 1) return -1;
  return t.shape[0];
}

/** Everything PyTorch checks that depends only on shapes and options; throws before any work. */
export function geometry(transposed: boolean, dims: number, inputShape: unknown, weightShape: unknown,
                  optionsArg: unknown): Geometry {
  const op = opName(transposed, dims);
  const options = readConvOptions(transposed, dims, optionsArg);
  const shapeOf = (s: unknown, name: string): number[] => {
    if (!Array.isArray(s) || s.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
      throw new TypeError(`${name} must be an array of non-negative integers, but got ${String(s)}`);
    }
    return s as number[];
  };
  const input = shapeOf(inputShape, 'input shape');
  const weight = shapeOf(weightShape, 'weight shape');

  if (input.length !== dims + 1 && input.length !== dims + 2) {
    throw new Error(`Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${op}, but got input of size: ${formatShape(input)}`);
  }
  const unbatched = input.length === dims + 1;
  const batch = unbatched ? 1 : input[0];
  const inChannels = input[input.length - dims - 1];
  const inSpatial = input.slice(input.length - dims);
  if (weight.length !== dims + 2) {
    const layout = transposed ? 'in_channels, out_channels/groups' : 'out_channels, in_channels/groups';
    throw new Error(`${op} expects a ${dims + 2}-D weight (${layout}, ${AXES.slice(3 - dims).map((a) => `k${a[0].toUpperCase()}`).join(', ')}), but got weight of size ${formatShape(weight)}`);
  }

  const groups = options.groups ?? 1;
  if (typeof groups !== 'number') throw new TypeError(`groups must be an integer, but got ${String(groups)}`);
  if (!Number.isInteger(groups)) throw new RangeError(`groups must be an integer, but got ${groups}`);
  if (groups <= 0) throw new RangeError(`non-positive groups is not supported, but got groups=${groups}`);

  // PyTorch 1.13 runs a zero-batch or zero-channel input through its 'Empty' backend, which only
  // computes the output's shape: the kernels' own checks (dilation > 0, output padding below stride
  // or dilation, an output of at least one element) never run, so a shape is all it refuses.
  const empty = batch === 0 || inChannels === 0;
  const stride = intList(options.stride, 1, dims, 'stride', 1);
  const dilation = intList(options.dilation, 1, dims, 'dilation', empty ? -Infinity : 1);
  let padLo: number[];
  let padHi: number[];
  const padding = options.padding;
  if (typeof padding === 'string') {
    if (transposed) throw new TypeError(`${op}: padding must be an integer or an array of ${dims} integers, but got '${padding}'`);
    if (padding !== 'same' && padding !== 'valid') throw new RangeError(`Invalid padding string: '${padding}'; expected 'same', 'valid', an integer or an array of integers`);
    padLo = new Array<number>(dims).fill(0);
    padHi = padLo.slice();
  } else {
    padLo = intList(padding, 0, dims, 'padding', 0);
    padHi = padLo.slice();
  }
  let outputPadding = new Array<number>(dims).fill(0);
  if (transposed) outputPadding = intList(options.outputPadding, 0, dims, 'outputPadding', 0);

  const kernel = weight.slice(2);
  if (kernel.some((k) => k <= 0)) {
    throw new RangeError(`kernel size should be greater than zero, but got ${kernel.map((k, i) => `kernel_${AXES[3 - dims + i]}: ${k}`).join(' ')} (weight of size ${formatShape(weight)})`);
  }
  if (weight[0] < groups) {
    throw new RangeError(`Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${formatShape(weight)} instead`);
  }
  if (weight[0] % groups !== 0) {
    throw new RangeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${formatShape(weight)} instead`);
  }
  if (weight[1] === 0) {
    throw new RangeError(`${op} expects a non-empty weight, but got weight of size ${formatShape(weight)}`);
  }
  const expectIn = transposed ? weight[0] : weight[1] * groups;
  if (inChannels !== expectIn) {
    throw new RangeError(`Given ${transposed ? 'transposed=1' : `groups=${groups}`}, weight of size ${formatShape(weight)}, expected input${formatShape(input)} to have ${expectIn} channels, but got ${inChannels} channels instead`);
  }
  const outChannels = transposed ? weight[1] * groups : weight[0];
  const nBias = biasLength(options.bias);
  if (nBias !== undefined && nBias !== outChannels) {
    const got = options.bias instanceof Float32Array ? `[${nBias}]` : formatShape((options.bias as Tensor).shape);
    throw new RangeError(`Given ${transposed ? 'transposed=1, ' : ''}weight of size ${formatShape(weight)}, expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size ${got} instead`);
  }
  if (inSpatial.some((n) => n === 0)) {
    throw new RangeError(`Only zero batch or zero channel inputs are supported, but got input shape: ${formatShape(input)}`);
  }

  const dilatedKernel = kernel.map((k, i) => dilation[i] * (k - 1) + 1);
  let outSpatial: number[];
  if (transposed) {
    const bad = outputPadding.findIndex((p, i) => !(p < stride[i] || p < dilation[i]));
    if (bad >= 0 && !empty) {
      throw new RangeError(`output padding must be smaller than either stride or dilation, but got outputPadding=${formatShape(outputPadding)}, stride=${formatShape(stride)}, dilation=${formatShape(dilation)}`);
    }
    const minimum = inSpatial.map((n, i) => (n - 1) * stride[i] - 2 * padLo[i] + dilatedKernel[i]);
    if (options.outputSize !== undefined) {
      outputPadding = outputPaddingFor(options.outputSize, minimum, stride, dims, input.length, inSpatial);
    }
    outSpatial = minimum.map((m, i) => m + outputPadding[i]);
    if (outSpatial.some((n) => n < (empty ? 0 : 1))) {
      throw new RangeError(`Given input size per channel: (${inSpatial.join(' x ')}). Calculated output size per channel: (${outSpatial.join(' x ')}). Output size is too small`);
    }
  } else {
    if (padding === 'same') {
      if (stride.some((s) => s !== 1)) throw new Error(`padding='same' is not supported for strided convolutions (stride=${formatShape(stride)})`);
      // PyTorch's split: the left gets half of dilation*(k-1), the right the rest.
      padLo = dilatedKernel.map((k) => Math.floor((k - 1) / 2));
      padHi = dilatedKernel.map((k, i) => k - 1 - padLo[i]);
    }
    const padded = inSpatial.map((n, i) => n + padLo[i] + padHi[i]);
    if (padded.some((n, i) => n < dilatedKernel[i])) {
      throw new RangeError(`Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${dilatedKernel.join(' x ')}). Kernel size can't be greater than actual input size`);
    }
    outSpatial = padded.map((n, i) => Math.floor((n - dilatedKernel[i]) / stride[i]) + 1);
  }
  const outputShape = unbatched ? [outChannels, ...outSpatial] : [batch, outChannels, ...outSpatial];
  const outCount = product(outputShape);
  if (outCount > MAX_ELEMENTS) {
    throw new RangeError(`the output of size ${formatShape(outputShape)} has ${outCount} elements, more than the ${MAX_ELEMENTS} supported`);
  }
  return { transposed, dims, unbatched, batch, inChannels, outChannels, groups, inSpatial, kernel, stride, padLo, padHi,
    dilation, outputPadding, outSpatial, outputShape };
}

/** nn.ConvTransposeNd._output_padding: the output padding that yields the requested size. */
function outputPaddingFor(outputSize: unknown, minimum: number[], stride: number[], dims: number, inputRank: number,
                          inSpatial: number[]): number[] {
  if (!Array.isArray(outputSize)) throw new TypeError(`outputSize must be an array of integers, but got ${typeof outputSize}`);
  for (const s of outputSize) checkInteger(s, 'outputSize', 0);
  const nonSpatial = inputRank - dims;
  let size = outputSize as number[];
  if (size.length === nonSpatial + dims) size = size.slice(nonSpatial);
  if (size.length !== dims) {
    throw new RangeError(`ConvTranspose${dims}D: for ${inputRank}D input, outputSize must have ${dims} or ${nonSpatial + dims} elements (got ${outputSize.length})`);
  }
  const maximum = minimum.map((m, i) => m + stride[i] - 1);
  if (size.some((s, i) => s < minimum[i] || s > maximum[i])) {
    throw new RangeError(`requested an output size of ${formatShape(size)}, but valid sizes range from ${formatShape(minimum)} to ${formatShape(maximum)} (for an input of ${formatShape(inSpatial)})`);
  }
  return size.map((s, i) => s - minimum[i]);
}

/**
 * The output shape of convTranspose{1,2,3}d for these shapes and options (dimensionality from the
 * weight's rank), with the same checks as the operation. Per spatial axis:
 * `(in - 1)*stride - 2*padding + dilation*(k - 1) + outputPadding + 1`.
 */
export function convTransposeOutputShape(inputShape: number[], weightShape: number[], options?: Omit<ConvTransposeOptions, 'out'>): number[] {
  const dims = Array.isArray(weightShape) ? weightShape.length - 2 : 0;
  if (dims < 1 || dims > 3) throw new Error(`convTransposeOutputShape: weight must have 3, 4 or 5 dimensions, but got ${Array.isArray(weightShape) ? formatShape(weightShape) : String(weightShape)}`);
  return geometry(true, dims, inputShape, weightShape, options).outputShape;
}

/**
 * The output shape of conv{1,2,3}d for these shapes and options (dimensionality from the weight's
 * rank), with the same checks as the operation. Per spatial axis:
 * `floor((in + padBefore + padAfter - dilation*(k - 1) - 1) / stride) + 1`.
 */
export function convOutputShape(inputShape: number[], weightShape: number[], options?: Omit<ConvOptions, 'out'>): number[] {
  const dims = Array.isArray(weightShape) ? weightShape.length - 2 : 0;
  if (dims < 1 || dims > 3) throw new Error(`convOutputShape: weight must have 3, 4 or 5 dimensions, but got ${Array.isArray(weightShape) ? formatShape(weightShape) : String(weightShape)}`);
  return geometry(false, dims, inputShape, weightShape, options).outputShape;
}

/**
 * The classic bilinear upsampling kernel (FCN's `upsample_filt`) for a depthwise transposed
 * convolution: shape (channels, 1, K, K) with K = 2*factor - factor%2. With
 * `convTranspose2d(x, w, { stride: factor, padding: ceil((factor - 1)/2), groups: channels })`
 * it equals bilinear interpolation (alignCorners false) by `factor`, away from the borders.
 */
export function bilinearUpsampleWeights(channels: number, factor: number): Tensor {
  checkInteger(channels, 'channels', 1);
  checkInteger(factor, 'factor', 1);
  const size = 2 * factor - (factor % 2);
  const center = size % 2 === 1 ? factor - 1 : factor - 0.5;
  const taps = Array.from({ length: size }, (_, i) => 1 - Math.abs(i - center) / factor);
  const data = new Float32Array(channels * size * size);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) data[(c * size + y) * size + x] = taps[y] * taps[x];
    }
  }
  return { data, shape: [channels, 1, size, size] };
}

