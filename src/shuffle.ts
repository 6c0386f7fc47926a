// F.pixel_shuffle / F.pixel_unshuffle: PyTorch 1.13's refusals and the plan (a pure permutation).
//
//   pixelShuffle:   (*, C*r*r, H, W) -> (*, C, H*r, W*r),  out[p, h*r+i, w*r+j] = in[p*r*r + i*r + j, h, w]
//   pixelUnshuffle: the inverse.

import type { Prepared } from './ops.js';
import { checkOut, checkTensor, product, readOptions, tensorOutput, type Tensor } from './tensor.js';

export interface ShuffleOptions {
  /** A tensor of exactly the result's shape to write into (it is returned). */
  out?: Tensor;
}

export interface ShufflePlan {
  /** true: pixelShuffle (channels to space); false: pixelUnshuffle. */
  upscale: boolean;
  /** Product of the leading dimensions and the channels of the *large* (spatial) side. */
  planes: number;
  factor: number;
  /** Height and width of the *small* (channel) side. */
  height: number;
  width: number;
  outputShape: number[];
}

function checkFactor(value: unknown, op: string, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${op}: ${name} must be an integer, but got ${value === undefined ? 'undefined' : typeof value}`);
  if (!Number.isInteger(value)) throw new RangeError(`${op}: ${name} must be an integer, but got ${value}`);
  const torchName = op === 'pixel_shuffle' ? 'upscale_factor' : 'downscale_factor';
  if (value <= 0) throw new RangeError(`${op} expects a positive ${torchName}, but got ${value}`);
  return value;
}

/** What a pixel shuffle reads. */
export interface ShuffleInputs {
  input: Float32Array;
}

/** The table entry of pixelShuffle (upscale) or pixelUnshuffle: validates the call and plans it. */
export function prepareShuffle(upscale: boolean): (input: Tensor, factor: number, options?: ShuffleOptions) => Prepared<Tensor, ShufflePlan, ShuffleInputs> {
  return (input, factor, options) => {
    const { plan, out, data } = planShuffle(upscale, input, factor, options);
    return { plan, inputs: { input: data }, outputLength: product(plan.outputShape), allocate: () => tensorOutput(plan.outputShape, out, data) };
  };
}

function planShuffle(upscale: boolean, inputArg: unknown, factorArg: unknown, options: ShuffleOptions | undefined) {
  const op = upscale ? 'pixel_shuffle' : 'pixel_unshuffle';
  const input = checkTensor(inputArg, 'input');
  const r = checkFactor(factorArg, op, upscale ? 'upscaleFactor' : 'downscaleFactor');
  const opts = readOptions(options, ['out'], upscale ? 'pixelShuffle' : 'pixelUnshuffle');
  const shape = input.shape;
  if (shape.length < 3) {
    throw new Error(`${op} expects input to have at least 3 dimensions, but got input with ${shape.length} dimension(s)`);
  }
  const lead = shape.slice(0, -3);
  const [c, h, w] = shape.slice(-3);
  let outputShape: number[];
  let plan: ShufflePlan;
  const leadCount = lead.reduce((a, b) => a * b, 1);
  if (upscale) {
    if (c % (r * r) !== 0) {
      throw new RangeError(`pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`);
    }
    outputShape = [...lead, c / (r * r), h * r, w * r];
    plan = { upscale, planes: leadCount * (c / (r * r)), factor: r, height: h, width: w, outputShape };
  } else {
    if (h % r !== 0) {
      throw new RangeError(`pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${h} is not divisible by ${r}`);
    }
    if (w % r !== 0) {
      throw new RangeError(`pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${w} is not divisible by ${r}`);
    }
    // PyTorch 1.13 returns an empty input as it is (self.clone()), shape included.
    const empty = leadCount * c * h * w === 0;
    outputShape = empty ? shape.slice() : [...lead, c * r * r, h / r, w / r];
    plan = { upscale, planes: empty ? 0 : leadCount * c, factor: r, height: h / r, width: w / r, outputShape };
  }
  const out = checkOut(opts.out, outputShape, [input]);
  return { plan, out, data: input.data };
}

