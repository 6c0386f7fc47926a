// resizeImage: 8-bit interleaved images (ImageData, decoded PNG/JPEG) resized with interpolate's
// rules. Validation, the target size, the premultiply rule and the per-axis tables live here;
// both backends run the plan on the bytes directly.
//
// Contract: the result equals `interpolate` on the float image laid out as (1, channels, H, W)
// (colour multiplied by alpha / 255 first when premultiplying, divided by the result's alpha
// after), rounded half to even and clamped to 0..255, within 1 level per channel.

import { areaTable, axisTableFor, periodTwoRun, type AxisTable } from './rules/pytorch.js';
import type { Prepared } from './ops.js';
import { checkBoolean, checkOptionNames, readOptions } from './tensor.js';

export type ImageMode = 'nearest' | 'nearest-exact' | 'bilinear' | 'bicubic' | 'area';

/** Interleaved 8-bit pixels, row-major; an `ImageData` fits as is (channels default to 4). */
export interface ImageInput {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA (default). */
  channels?: 1 | 2 | 3 | 4;
}

/** The output size: `scale`, or `width` and/or `height` (one alone keeps the aspect ratio). */
export interface ImageTarget {
  width?: number;
  height?: number;
  /** Multiplier of both sides: floor(side * scale), and the scale drives the coordinates, as interpolate's scaleFactor. */
  scale?: number;
}

export interface ResizeImageOptions {
  /** Default 'bilinear' (interpolate's default is 'nearest'; images want a smooth default). */
  mode?: ImageMode;
  /** bilinear and bicubic only; default false. */
  alignCorners?: boolean;
  /** bilinear and bicubic only: antialiased downsampling, as PyTorch's antialias=True. */
  antialias?: boolean;
  /**
   * Multiply colour by alpha / 255 before resampling and divide by the resampled alpha after,
   * so transparent pixels do not bleed dark fringes; colour is 0 where the alpha rounds to 0.
   * Default true when the image has alpha (channels 2 or 4); needs alpha.
   */
  premultiplyAlpha?: boolean;
  /** A caller-owned array of exactly width * height * channels bytes of the result to write into. */
  out?: Uint8ClampedArray;
}

export interface ImageResult {
  data: Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
}

export interface ImagePlan {
  width: number;
  height: number;
  channels: number;
  outWidth: number;
  outHeight: number;
  /** Premultiply colour by the last channel (alpha). */
  premultiply: boolean;
  /** Tables of the H axis (rows) and the W axis (columns), as interpolate builds them. */
  rows: AxisTable;
  cols: AxisTable;
  /** Outputs of the W axis where its table repeats with period 2 (used for 1 channel). */
  period: [number, number];
}

const OPTION_NAMES = ['mode', 'alignCorners', 'antialias', 'premultiplyAlpha', 'out'] as const;
const TARGET_NAMES = ['width', 'height', 'scale'] as const;
const MODES: readonly ImageMode[] = ['nearest', 'nearest-exact', 'bilinear', 'bicubic', 'area'];
/**
 * Bytes of input or output accepted, each: calls that do not fit the memory budget run in bands
 * of rows (src/tiling/), so only each array is limited (by what engines allow, 4 GiB here).
 */
export const MAX_IMAGE_BYTES = 2 ** 32;

function checkSide(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`resizeImage: ${name} must be a number, but got ${typeof value}`);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`resizeImage: ${name} must be an integer >= 1, but got ${value}`);
  return value;
}

function checkImage(image: unknown): Required<ImageInput> {
  if (image === null || typeof image !== 'object') {
    throw new TypeError(`resizeImage: image must be { data, width, height, channels? }, but got ${image === null ? 'null' : typeof image}`);
  }
  const { data, width, height, channels = 4 } = image as ImageInput;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    const got = data === undefined ? 'undefined' : (data as object)?.constructor?.name ?? typeof data;
    throw new TypeError(`resizeImage: image.data must be a Uint8Array or Uint8ClampedArray, but got ${got}`);
  }
  checkSide(width, 'image.width');
  checkSide(height, 'image.height');
  if (![1, 2, 3, 4].includes(channels)) throw new RangeError(`resizeImage: image.channels must be 1, 2, 3 or 4, but got ${String(channels)}`);
  const n = width * height * channels;
  if (n > MAX_IMAGE_BYTES) throw new RangeError(`resizeImage: the image has ${n} bytes, more than the ${MAX_IMAGE_BYTES} supported`);
  if (data.length !== n) {
    throw new RangeError(`resizeImage: image.data has ${data.length} bytes but width ${width} x height ${height} x channels ${channels} needs ${n}`);
  }
  return { data, width, height, channels };
}

/** The output size and the scales that drive the coordinates (only when `scale` is given). */
function targetSize(target: unknown, width: number, height: number, mode: ImageMode):
  { outWidth: number; outHeight: number; userScale: number | undefined } {
  if (target === null || typeof target !== 'object') {
    throw new TypeError(`resizeImage: target must be { width?, height?, scale? }, but got ${target === null ? 'null' : typeof target}`);
  }
  checkOptionNames(target, TARGET_NAMES, 'resizeImage target');
  const t = target as ImageTarget;
  if (t.scale !== undefined) {
    if (t.width !== undefined || t.height !== undefined) throw new Error('resizeImage: give target.scale or target.width/height, not both');
    if (typeof t.scale !== 'number') throw new TypeError(`resizeImage: target.scale must be a number, but got ${typeof t.scale}`);
    if (!Number.isFinite(t.scale) || t.scale <= 0) throw new RangeError(`resizeImage: target.scale must be a finite number > 0, but got ${t.scale}`);
    const outWidth = Math.floor(width * t.scale);
    const outHeight = Math.floor(height * t.scale);
    if (outWidth < 1 || outHeight < 1) {
      throw new RangeError(`resizeImage: target.scale ${t.scale} gives an output of ${outWidth} x ${outHeight}; sizes should be greater than 0`);
    }
    // As interpolate with scaleFactor: the user's scale drives the coordinates, except for area.
    return { outWidth, outHeight, userScale: mode === 'area' ? undefined : t.scale };
  }
  if (t.width === undefined && t.height === undefined) throw new Error('resizeImage: target needs width, height or scale');
  const w = t.width === undefined ? undefined : checkSide(t.width, 'target.width');
  const h = t.height === undefined ? undefined : checkSide(t.height, 'target.height');
  const outWidth = w ?? Math.max(1, Math.round((width * h!) / height));
  const outHeight = h ?? Math.max(1, Math.round((height * w!) / width));
  return { outWidth, outHeight, userScale: undefined };
}

/** What a resizeImage call reads. */
export interface ImageInputs {
  input: Uint8Array | Uint8ClampedArray;
}

/** resizeImage's table entry: validates the call and plans it; the result is made after. */
export function prepareResizeImage(image: ImageInput, target: ImageTarget, options?: ResizeImageOptions):
  Prepared<ImageResult, ImagePlan, ImageInputs> {
  const { plan, out, data } = planResizeImage(image, target, options);
  return {
    plan,
    inputs: { input: data },
    outputLength: plan.outWidth * plan.outHeight * plan.channels,
    allocate: () => {
      const output = out ?? new Uint8ClampedArray(plan.outWidth * plan.outHeight * plan.channels);
      return { output, result: { data: output, width: plan.outWidth, height: plan.outHeight, channels: plan.channels } };
    },
  };
}

/** Validates everything and builds the plan; throws before any work. */
export function planResizeImage(imageArg: ImageInput, targetArg: ImageTarget, optionsArg?: ResizeImageOptions):
  { plan: ImagePlan; out?: Uint8ClampedArray; data: Uint8Array | Uint8ClampedArray } {
  const image = checkImage(imageArg);
  const options = readOptions(optionsArg, OPTION_NAMES, 'resizeImage');
  const target = targetArg === null || typeof targetArg !== 'object' ? targetArg : { ...targetArg };
  const mode = options.mode ?? 'bilinear';
  if (!MODES.includes(mode)) throw new RangeError(`resizeImage: unknown mode '${String(mode)}'; expected one of ${MODES.join(' | ')}`);
  const smooth = mode === 'bilinear' || mode === 'bicubic';
  const alignCorners = checkBoolean(options.alignCorners, 'alignCorners');
  if (alignCorners !== undefined && !smooth) throw new Error(`resizeImage: alignCorners can only be set with bilinear or bicubic, but mode is '${mode}'`);
  const antialias = checkBoolean(options.antialias, 'antialias') ?? false;
  if (antialias && !smooth) throw new Error(`resizeImage: antialias can only be set with bilinear or bicubic, but mode is '${mode}'`);
  const { width, height, channels } = image;
  const hasAlpha = channels === 2 || channels === 4;
  const premultiply = checkBoolean(options.premultiplyAlpha, 'premultiplyAlpha') ?? hasAlpha;
  if (premultiply && !hasAlpha) throw new RangeError(`resizeImage: premultiplyAlpha needs an alpha channel (channels 2 or 4), but got channels ${channels}`);

  const { outWidth, outHeight, userScale } = targetSize(target, width, height, mode);
  const outBytes = outWidth * outHeight * channels;
  if (outBytes > MAX_IMAGE_BYTES) throw new RangeError(`resizeImage: the result has ${outBytes} bytes, more than the ${MAX_IMAGE_BYTES} supported`);
  const out = options.out;
  if (out !== undefined) {
    if (!(out instanceof Uint8ClampedArray)) throw new TypeError('resizeImage: out must be a Uint8ClampedArray');
    if (out.length !== outBytes) throw new RangeError(`resizeImage: out has ${out.length} bytes but the result needs ${outBytes} (${outWidth} x ${outHeight} x ${channels})`);
    if (out.buffer === image.data.buffer && out.byteOffset < image.data.byteOffset + image.data.byteLength &&
        image.data.byteOffset < out.byteOffset + out.byteLength) throw new Error('resizeImage: out must not share memory with image.data');
  }
  // interpolate's nearest takes PyTorch's channels-last shortcuts when C == 1 (see interpolate.ts).
  const axis = (inSize: number, outSize: number): AxisTable => mode === 'area' ? areaTable(inSize, outSize)
    : axisTableFor(mode, inSize, outSize, userScale, alignCorners ?? false, antialias, channels === 1);
  const rows = axis(height, outHeight);
  const cols = axis(width, outWidth);
  return { plan: { width, height, channels, outWidth, outHeight, premultiply, rows, cols, period: periodTwoRun(cols) }, out, data: image.data };
}
