// upsampleArgmax and upsampleThreshold: model outputs back to image size in one pass. The plan is
// interpolate's (planInterpolate on the crop's shape, so the same rules and refusals), with the
// row and column tables moved to the crop's place in the full input; both backends compute each
// upsampled row as interpolate does and reduce it at once.
//
// Contract: the result EQUALS the composition on the same backend, bit for bit, ties included:
//   argmax:    interpolate(crop(logits), options) then argmax over dim 1, the first maximum
//              (a NaN counts as the maximum, as torch.argmax);
//   threshold: interpolate(crop(logits), options) > f32(threshold), 255 where true, else 0.
// where crop(logits) is PyTorch's view logits[:, :, rows, columns], not a copy: for one channel,
// nearest, a crop that view is not channels-last contiguous for has no copy / halve shortcut
// (cropIsChannelsLast), as F.interpolate on that view.

import type { AxisTable, SeparablePlan } from '../interpolate.js';
import { planInterpolate } from '../interpolate.js';
import type { Prepared } from '../ops.js';
import { PlanCache, planKey } from '../plan-cache.js';
import { ringSlots } from '../ring.js';
import type { Runs } from '../tiling/runs.js';
import { checkElementCount, checkTensor, formatShape, overlaps, product, readOptions, type Tensor } from '../tensor.js';

export type UpsampleReduceMode = 'nearest' | 'nearest-exact' | 'bilinear' | 'bicubic';

/** A box of whole logit pixels: rows [top, top + height), columns [left, left + width). */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

export interface UpsampleReduceOptions {
  /** Output [height, width] (or one number for both); exactly one of size / scaleFactor. */
  size?: number | [number, number];
  /** Multiplier of the (cropped) logits' size, as interpolate's scaleFactor. */
  scaleFactor?: number | [number, number];
  /** Default 'bilinear'. */
  mode?: UpsampleReduceMode;
  /** bilinear and bicubic only; default false. */
  alignCorners?: boolean;
  /** bilinear and bicubic only: antialiased downsampling, as interpolate's. */
  antialias?: boolean;
  /** Resize only this box of the logits (undo a letterbox): whole pixels in the logits' coordinates. */
  crop?: CropBox;
  /** A caller-owned result to write into: exactly the result's shape and array type (Uint8Array, or Uint16Array for labels of more than 256 classes). */
  out?: LabelTensor;
}

export interface UpsampleThresholdOptions extends UpsampleReduceOptions {
  /** Masks are 255 where the upsampled logit > threshold (rounded to float32 first, as PyTorch compares); default 0. */
  threshold?: number;
}

/** Labels (N, H, W) or masks (N, C, H, W), row-major. */
export interface LabelTensor {
  data: Uint8Array | Uint16Array;
  shape: number[];
}

export interface UpsampleReducePlan {
  kind: 'argmax' | 'threshold';
  batch: number;
  /** K classes (argmax) or C masks (threshold). */
  channels: number;
  /** The full input's plane: rows per plane and row stride. */
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  /** interpolate's H and W tables for the crop, their indices moved by the crop's top and left. */
  rows: AxisTable;
  cols: AxisTable;
  period: [number, number];
  /** Labels as Uint16Array (argmax over more than 256 classes). */
  wide: boolean;
  /** The threshold as float32. */
  threshold: number;
  outputShape: number[];
  /**
   * Set on an argmax band of a larger call (src/tiling/reduce-bands.ts): the rows (or the columns
   * of rows) of each class plane it reads, staged packed (planes of `inH` rows of `inW`), where a
   * whole call reads all the input.
   */
  inputRuns?: Runs;
  /** Set on an argmax band of columns: its labels' places (a run per row) in the job's output, where they are staged packed. */
  outputRuns?: Runs;
}

export interface UpsampleReduceInputs {
  input: Float32Array;
}

const COMMON = ['size', 'scaleFactor', 'mode', 'alignCorners', 'antialias', 'crop', 'out'] as const;
const MODES: readonly UpsampleReduceMode[] = ['nearest', 'nearest-exact', 'bilinear', 'bicubic'];
/** Labels are at most 16 bits. */
export const MAX_CLASSES = 65536;
/** Bytes one call may hold in WebAssembly memory (input, output, per-class rings). */
const MAX_BYTES = 2 ** 31 - 2 ** 26;

const plans = new PlanCache<UpsampleReducePlan>();

function checkCrop(value: unknown, h: number, w: number, op: string): CropBox {
  if (value === null || typeof value !== 'object') throw new TypeError(`${op}: crop must be { top, left, height, width }, but got ${value === null ? 'null' : typeof value}`);
  const { top, left, height, width } = value as CropBox;
  const box = { top, left, height, width };
  for (const [name, v] of Object.entries(box)) {
    if (typeof v !== 'number') throw new TypeError(`${op}: crop.${name} must be a number, but got ${typeof v}`);
    if (!Number.isInteger(v)) throw new RangeError(`${op}: crop.${name} must be a whole number of logit pixels, but got ${v}`);
  }
  if (top < 0 || left < 0 || height < 1 || width < 1 || top + height > h || left + width > w) {
    throw new RangeError(`${op}: crop { top: ${top}, left: ${left}, height: ${height}, width: ${width} } must lie inside the logits' ${h} x ${w} with height and width >= 1`);
  }
  return box;
}

/** A table's indices moved by `offset` (the crop's first row or column). */
function shifted(t: AxisTable, offset: number): AxisTable {
  if (offset === 0) return t;
  return { ...t, index: t.index.map((i) => i + offset) };
}

/**
 * Whether PyTorch's crop logits[:, :, top:top + height, left:left + width] of a contiguous (N, C, h, w)
 * tensor is channels-last contiguous (is_contiguous(channels_last): strides in C, W, H, N order,
 * dimensions of size 1 skipped). A C == 1 crop of part of the width (or of the height, in a batch)
 * is not, so PyTorch 1.13 runs its generic nearest kernel on it, without the copy / halve shortcuts.
 */
function cropIsChannelsLast(shape: number[], crop: CropBox): boolean {
  const [batch, channels, h, w] = shape;
  const sizes = [batch, channels, crop.height, crop.width];
  const strides = [channels * h * w, h * w, w, 1];
  let expected = 1;
  for (const d of [1, 3, 2, 0]) {
    if (sizes[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= sizes[d];
  }
  return true;
}

function planReduce(kind: 'argmax' | 'threshold', shape: number[], options: UpsampleThresholdOptions, op: string): UpsampleReducePlan {
  if (shape.length !== 4) throw new RangeError(`${op}: logits must be 4-D (N, ${kind === 'argmax' ? 'K' : 'C'}, h, w), but got shape ${formatShape(shape)}`);
  const [batch, channels, h, w] = shape;
  const mode = options.mode ?? 'bilinear';
  if (!MODES.includes(mode)) throw new RangeError(`${op}: unknown mode '${String(mode)}'; expected one of ${MODES.join(' | ')}`);
  if (kind === 'argmax' && channels > MAX_CLASSES) {
    throw new RangeError(`${op}: at most ${MAX_CLASSES} classes (16-bit labels), but the logits have ${channels}`);
  }
  if (kind === 'argmax' && channels < 1) throw new RangeError(`${op}: argmax needs at least one class, but the logits have shape ${formatShape(shape)}`);
  const crop = options.crop === undefined ? { top: 0, left: 0, height: h, width: w } : checkCrop(options.crop, h, w, op);
  let threshold = 0;
  if (options.threshold !== undefined) {
    if (typeof options.threshold !== 'number') throw new TypeError(`${op}: threshold must be a number, but got ${typeof options.threshold}`);
    if (Number.isNaN(options.threshold)) throw new RangeError(`${op}: threshold must not be NaN`);
    threshold = Math.fround(options.threshold);
  }
  const size = Array.isArray(options.size) ? options.size.slice() : options.size;
  const scaleFactor = Array.isArray(options.scaleFactor) ? options.scaleFactor.slice() : options.scaleFactor;
  // interpolate's own rules and refusals, on the crop's shape.
  const interp = planInterpolate({ data: new Float32Array(0), shape: [batch, channels, crop.height, crop.width] },
    { size, scaleFactor, mode, alignCorners: options.alignCorners, antialias: options.antialias },
    { channelsLast: cropIsChannelsLast(shape, crop) }) as SeparablePlan;
  const [, outH, outW] = interp.outDHW;
  const outputShape = kind === 'argmax' ? [batch, outH, outW] : [batch, channels, outH, outW];
  const count = checkElementCount(outputShape, `${op}: the result`);
  const ringFloats = (kind === 'argmax' ? channels : 1) * ringSlots(interp.axes[1].taps) * outW;
  const bytes = 4 * (batch * channels * h * w + ringFloats + 3 * outW) + 2 * count;
  if (bytes > MAX_BYTES) {
    throw new RangeError(`${op}: the logits ${formatShape(shape)} and the result ${formatShape(outputShape)} need ${bytes} bytes of working memory, more than the ${MAX_BYTES} one call supports`);
  }
  return {
    kind, batch, channels, inH: h, inW: w, outH, outW,
    rows: shifted(interp.axes[1], crop.top), cols: shifted(interp.axes[2], crop.left), period: interp.period,
    wide: kind === 'argmax' && channels > 256, threshold, outputShape,
  };
}

/** The caller's `out`: exactly the result's shape and array type, its data read once. */
function checkLabelOut(out: unknown, plan: UpsampleReducePlan, op: string): { result: LabelTensor; data: Uint8Array | Uint16Array } {
  const Type = plan.wide ? Uint16Array : Uint8Array;
  if (out === null || typeof out !== 'object') throw new TypeError(`${op}: out must be { data: ${Type.name}, shape }, but got ${out === null ? 'null' : typeof out}`);
  const { data, shape } = out as LabelTensor;
  if (!(data instanceof Type)) {
    throw new TypeError(`${op}: out.data must be a ${Type.name} for this result, but got ${(data as object)?.constructor?.name ?? typeof data}`);
  }
  const expected = plan.outputShape;
  if (!Array.isArray(shape) || shape.length !== expected.length || shape.some((d, i) => d !== expected[i]) || data.length !== plan.outputShape.reduce((a, b) => a * b, 1)) {
    throw new RangeError(`${op}: out has shape ${Array.isArray(shape) ? formatShape(shape) : String(shape)} (${data.length} elements) but the result has shape ${formatShape(expected)}`);
  }
  return { result: out as LabelTensor, data };
}

function prepareReduce(kind: 'argmax' | 'threshold', names: readonly string[], op: string) {
  return (logits: Tensor, optionsArg: UpsampleThresholdOptions): Prepared<LabelTensor, UpsampleReducePlan, UpsampleReduceInputs> => {
    const input = checkTensor(logits, 'logits');
    const { out: outArg, ...options } = readOptions(optionsArg, names, op, 'with size or scaleFactor');
    if (options.crop !== undefined && options.crop !== null && typeof options.crop === 'object') options.crop = { ...options.crop };
    const key = planKey([input.shape, options]); // none for values that are not plain data: planReduce refuses them
    const build = () => planReduce(kind, input.shape, options, op);
    const plan = key === undefined ? build() : plans.get(`${kind}|${key}`, build);
    const out = outArg === undefined ? undefined : checkLabelOut(outArg, plan, op);
    if (out && overlaps(out.data, input.data)) throw new Error(`${op}: out must not share memory with the logits`);
    return {
      plan,
      inputs: { input: input.data },
      outputLength: product(plan.outputShape),
      allocate: () => {
        if (out) return { output: out.data, result: out.result };
        const n = plan.outputShape.reduce((a, b) => a * b, 1);
        const data = plan.wide ? new Uint16Array(n) : new Uint8Array(n);
        return { output: data, result: { data, shape: plan.outputShape.slice() } };
      },
    };
  };
}

/** upsampleArgmax's table entry. */
export const prepareUpsampleArgmax: (logits: Tensor, options: UpsampleReduceOptions) => Prepared<LabelTensor, UpsampleReducePlan, UpsampleReduceInputs> =
  prepareReduce('argmax', COMMON, 'upsampleArgmax');
/** upsampleThreshold's table entry. */
export const prepareUpsampleThreshold: (logits: Tensor, options: UpsampleThresholdOptions) => Prepared<LabelTensor, UpsampleReducePlan, UpsampleReduceInputs> =
  prepareReduce('threshold', [...COMMON, 'threshold'], 'upsampleThreshold');
