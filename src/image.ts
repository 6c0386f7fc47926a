// resizeImage: 8-bit interleaved images (ImageData, decoded PNG/JPEG) resized by one of three
// conventions. Validation, the target size and the plan (per-axis tables, arithmetic) live here;
// both backends run the plan on the bytes directly.
//
// Contract, convention 'pytorch' (default): the result equals `interpolate` on the float image laid
// out as (1, channels, H, W) (colour multiplied by alpha / 255 first when premultiplying, divided
// by the result's alpha after), rounded half to even and clamped to 0..255, within 1 level per
// channel. 'pillow' and 'opencv': the bytes Pillow 9.4's Image.resize and OpenCV 4.6's cv2.resize
// give (docs/conventions-images.md), planned by src/rules/pillow.ts and opencv.ts.

import { areaTable, axisTableFor, periodTwoRun, type AxisTable } from './rules/pytorch.js';
import { roundHalfEven, type ExactAxisTable, type ExactPlan } from './rules/exact.js';
import { OPENCV_MODES, planOpenCVResize, type OpenCVMode } from './rules/opencv.js';
import { PILLOW_MODES, planPillowResize, type PillowMode } from './rules/pillow.js';
import type { Prepared } from './ops.js';
import { checkBoolean, checkOptionNames, isDetached, noteChecked, overlaps, readOptions, snapshotOptions } from './tensor.js';

export type ImageConvention = 'pytorch' | 'pillow' | 'opencv';
/** The modes of convention 'pytorch' (interpolate's). */
export type PytorchImageMode = 'nearest' | 'nearest-exact' | 'bilinear' | 'bicubic' | 'area';
export type { OpenCVMode, PillowMode };
/** A mode of any convention; each convention takes its own (CONVENTION_MODES). */
export type ImageMode = PytorchImageMode | PillowMode | OpenCVMode;

/** Each convention's modes, and its default (first). */
export const CONVENTION_MODES: Readonly<Record<ImageConvention, readonly ImageMode[]>> = {
  pytorch: ['bilinear', 'nearest', 'nearest-exact', 'bicubic', 'area'],
  pillow: ['bicubic', ...PILLOW_MODES.filter((m) => m !== 'bicubic')],
  opencv: ['linear', ...OPENCV_MODES.filter((m) => m !== 'linear')],
};
const CONVENTIONS = Object.keys(CONVENTION_MODES) as ImageConvention[];

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
  /**
   * Multiplier of both sides, or `[height, width]` ones (PyTorch's order): floor(side * scale)
   * (round half to even with 'opencv', as cv2.resize's fx / fy), and the scale drives the
   * coordinates, as interpolate's scaleFactor.
   */
  scale?: number | [number, number];
}

export interface ResizeImageOptions {
  /**
   * Whose resize to reproduce: 'pytorch' (default: interpolate's rules), 'pillow' (Image.resize,
   * bit-exact with Pillow 9.4) or 'opencv' (cv2.resize, bit-exact with OpenCV 4.6).
   */
  convention?: ImageConvention;
  /**
   * The convention's mode (CONVENTION_MODES). Defaults: 'bilinear' (pytorch; interpolate's default
   * is 'nearest', images want a smooth one), 'bicubic' (pillow, as Image.resize), 'linear' (opencv).
   */
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
  /**
   * Resample in linear light: colour (not alpha) decoded from sRGB to linear float32, resampled
   * with the convention's coordinates and unquantised filter weights in float32 (alpha handled
   * as the convention does), then encoded to the nearest sRGB byte. Within 1 level of the same
   * computation in double; not bit-exact with any library (none of them does this). Default false.
   */
  linearLight?: boolean;
  /** A caller-owned array of exactly width * height * channels bytes of the result to write into. */
  out?: Uint8ClampedArray;
}

export interface ImageResult {
  data: Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
}

/**
 * The plan of a call: float tables (convention 'pytorch', and any convention in linear light)
 * or an exact plan (Pillow's and OpenCV's integer arithmetic, src/rules/exact.ts).
 */
export type ImagePlan = FloatImagePlan | ExactPlan;

export interface FloatImagePlan {
  kind: 'float';
  /** Whose coordinate rule and filter built the tables. */
  convention: ImageConvention;
  /** Colour decoded from sRGB to linear light before resampling, encoded after (src/rules/srgb.ts). */
  linearLight: boolean;
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
  /** Outputs of the W axis where its table repeats with period 2 (used for 1 channel; [0, 0], none, for more). */
  period: [number, number];
}

const OPTION_NAMES = ['convention', 'mode', 'alignCorners', 'antialias', 'premultiplyAlpha', 'linearLight', 'out'] as const;
const TARGET_NAMES = ['width', 'height', 'scale'] as const;
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

/** An integer as V8's small integer (`| 0`) where it fits in 31 bits, else as it is: the same value. */
const smallInteger = (value: number): number => (value <= 0x3fffffff ? value | 0 : value);

/**
 * Axis tables built lately, by all they depend on: a folder's photos and the command's bands are
 * mostly of a few sizes (a folder run built 42 tables, 25 distinct), and an antialiased photo's
 * table takes a millisecond or more. Plans and kernels only read their tables, so plans share them.
 */
const TABLES = new Map<string, AxisTable>();
const TABLES_KEPT = 32;

function recentTable(key: string, build: () => AxisTable): AxisTable {
  let table = TABLES.get(key);
  if (table) {
    TABLES.delete(key); // most recently used last
  } else {
    table = build();
    if (TABLES.size >= TABLES_KEPT) TABLES.delete(TABLES.keys().next().value!);
  }
  TABLES.set(key, table);
  return table;
}

/**
 * A plan's `period`: periodTwoRun of its column table where the kernel uses it (1 channel), by
 * table (plans share tables: a folder's photos of one size, the bands of an image resized as
 * smaller images), so the scan of the whole table, cold code on each new thread, runs once a
 * table; none (0, 0) for more channels, whose kernel reads a pixel a vector and no period.
 */
const PERIODS = new WeakMap<AxisTable, [number, number]>();
function periodOf(cols: AxisTable, channels: number): [number, number] {
  if (channels !== 1) return [0, 0];
  let period = PERIODS.get(cols);
  if (!period) PERIODS.set(cols, period = periodTwoRun(cols));
  return period;
}

/** width, height and channels checked; returns the image's bytes. */
function checkSizes(width: number, height: number, channels: number): number {
  checkSide(width, 'image.width');
  checkSide(height, 'image.height');
  if (![1, 2, 3, 4].includes(channels)) throw new RangeError(`resizeImage: image.channels must be 1, 2, 3 or 4, but got ${String(channels)}`);
  const n = width * height * channels;
  if (n > MAX_IMAGE_BYTES) throw new RangeError(`resizeImage: the image has ${n} bytes, more than the ${MAX_IMAGE_BYTES} supported`);
  return n;
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
  const n = checkSizes(width, height, channels);
  if (n > 0 && isDetached(data)) { // asked outright, not from the length: see checkTensor
    throw new TypeError(`resizeImage: image.data is a view of a detached ArrayBuffer, but width ${width} x height ${height} x channels ${channels} needs ${n} bytes`);
  }
  if (data.length !== n) {
    throw new RangeError(`resizeImage: image.data has ${data.length} bytes but width ${width} x height ${height} x channels ${channels} needs ${n}`);
  }
  noteChecked(data, 'resizeImage: image.data');
  return { data, width, height, channels };
}

/** A side given a scale: floor(side * scale), or OpenCV's fx/fy rounding (half to even). */
export function scaledSide(side: number, scale: number, convention: ImageConvention = 'pytorch'): number {
  return convention === 'opencv' ? roundHalfEven(side * scale) : Math.floor(side * scale);
}

/**
 * The output size of a checked target: each side scaled (scaledSide), or the sides given, one
 * alone keeping the aspect ratio (rounded, at least 1). resizeImage and the command line use it.
 */
export function outputSize(width: number, height: number, target: { width?: number; height?: number; scale?: number },
                           convention: ImageConvention = 'pytorch'): { outWidth: number; outHeight: number } {
  if (target.scale !== undefined) return { outWidth: scaledSide(width, target.scale, convention), outHeight: scaledSide(height, target.scale, convention) };
  const outWidth = target.width ?? Math.max(1, Math.round((width * target.height!) / height));
  const outHeight = target.height ?? Math.max(1, Math.round((height * target.width!) / width));
  return { outWidth, outHeight };
}

/**
 * The output size, and the scale that drives the coordinates (only when `scale` is given).
 * `scale` gives floor(side * scale), except with 'opencv', whose fx / fy give round(side * scale),
 * half to even, as cv2.resize(fx=, fy=) does.
 */
function targetSize(target: unknown, width: number, height: number, convention: ImageConvention):
  { outWidth: number; outHeight: number; userScale: [number, number] | undefined } {
  if (target === null || typeof target !== 'object') {
    throw new TypeError(`resizeImage: target must be { width?, height?, scale? }, but got ${target === null ? 'null' : typeof target}`);
  }
  checkOptionNames(target, TARGET_NAMES, 'resizeImage target');
  const t = target as ImageTarget;
  if (t.scale !== undefined) {
    if (t.width !== undefined || t.height !== undefined) throw new Error('resizeImage: give target.scale or target.width/height, not both');
    const pair = Array.isArray(t.scale);
    const scales = pair ? [...t.scale as number[]] : [t.scale, t.scale];
    if (scales.length !== 2 || scales.some((v) => typeof v !== 'number')) {
      throw new TypeError(`resizeImage: target.scale must be a number or [height, width] numbers, but got ${pair ? `[${scales.map((v) => typeof v)}]` : typeof t.scale}`);
    }
    const [scaleY, scaleX] = scales as [number, number];
    if (!(Number.isFinite(scaleY) && Number.isFinite(scaleX) && scaleY > 0 && scaleX > 0)) {
      throw new RangeError(pair ? `resizeImage: target.scale must be finite numbers > 0, but got [${scaleY}, ${scaleX}]`
        : `resizeImage: target.scale must be a finite number > 0, but got ${scaleX}`);
    }
    const outWidth = scaledSide(width, scaleX, convention);
    const outHeight = scaledSide(height, scaleY, convention);
    if (outWidth < 1 || outHeight < 1) {
      throw new RangeError(`resizeImage: target.scale ${pair ? `[${scaleY}, ${scaleX}]` : scaleX} gives an output of ${outWidth} x ${outHeight}; sizes should be greater than 0`);
    }
    return { outWidth, outHeight, userScale: [scaleY, scaleX] };
  }
  if (t.width === undefined && t.height === undefined) throw new Error('resizeImage: target needs width, height or scale');
  const w = t.width === undefined ? undefined : checkSide(t.width, 'target.width');
  const h = t.height === undefined ? undefined : checkSide(t.height, 'target.height');
  return { ...outputSize(width, height, { width: w, height: h, scale: undefined }), userScale: undefined }; // scale own: never inherited
}

/** The convention and its mode, checked: a mode of another convention is named as such. */
function conventionAndMode(options: ResizeImageOptions): { convention: ImageConvention; mode: ImageMode } {
  const convention = options.convention ?? 'pytorch';
  if (typeof convention !== 'string') throw new TypeError(`resizeImage: convention must be a string, but got ${typeof convention}`);
  if (!CONVENTIONS.includes(convention)) {
    throw new RangeError(`resizeImage: unknown convention '${String(convention)}'; expected one of ${CONVENTIONS.join(' | ')}`);
  }
  const modes = CONVENTION_MODES[convention];
  const mode = options.mode ?? modes[0];
  if (!modes.includes(mode)) {
    const owners = CONVENTIONS.filter((c) => CONVENTION_MODES[c].includes(mode));
    const hint = owners.length > 0 ? ` ('${mode}' is a mode of convention ${owners.map((c) => `'${c}'`).join(', ')})` : '';
    throw new RangeError(`resizeImage: unknown mode '${String(mode)}' for convention '${convention}'; expected one of ${modes.join(' | ')}${hint}`);
  }
  return { convention, mode };
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
  return { ...planSized(image, targetArg, optionsArg, image.data), data: image.data };
}

/**
 * The plan of a resizeImage call on an image of these sizes, checked as resizeImage checks its
 * arguments, without its pixels: the command line plans its bands from it (src/image-band.ts).
 */
export function planImageOfSize(size: { width: number; height: number; channels?: 1 | 2 | 3 | 4 }, target: ImageTarget,
                                options?: ResizeImageOptions): ImagePlan {
  if (size === null || typeof size !== 'object') throw new TypeError('planImageOfSize: size must be { width, height, channels? }');
  const { width, height, channels = 4 } = size;
  checkSizes(width, height, channels);
  return planSized({ width, height, channels }, target, options).plan;
}

/** Everything but the pixels validated, and the plan built; `data` (when given) only for the `out` overlap check. */
function planSized(image: { width: number; height: number; channels: number }, targetArg: ImageTarget, optionsArg: ResizeImageOptions | undefined,
                   data?: Uint8Array | Uint8ClampedArray): { plan: ImagePlan; out?: Uint8ClampedArray } {
  const options = readOptions(optionsArg, OPTION_NAMES, 'resizeImage');
  const target = targetArg === null || typeof targetArg !== 'object' ? targetArg : snapshotOptions(targetArg, TARGET_NAMES);
  const { convention, mode } = conventionAndMode(options);
  const pytorch = convention === 'pytorch';
  // Options of interpolate's rules only: Pillow and OpenCV have their own fixed ones (Pillow
  // premultiplies LA / RGBA itself, OpenCV never; both align pixel centres, Pillow always antialiases).
  const only = (name: string): string => `resizeImage: ${name} applies to convention 'pytorch' only, but convention is '${convention}'`;
  const smooth = mode === 'bilinear' || mode === 'bicubic';
  const alignCorners = checkBoolean(options.alignCorners, 'alignCorners');
  if (alignCorners !== undefined && !pytorch) throw new Error(only('alignCorners'));
  if (alignCorners !== undefined && !smooth) throw new Error(`resizeImage: alignCorners can only be set with bilinear or bicubic, but mode is '${mode}'`);
  const antialias = checkBoolean(options.antialias, 'antialias');
  if (antialias !== undefined && !pytorch) throw new Error(only('antialias'));
  if (antialias && !smooth) throw new Error(`resizeImage: antialias can only be set with bilinear or bicubic, but mode is '${mode}'`);
  // Sizes as small integers from here on (validated integers, but one computed in floating point
  // arrives as a double: V8 then deoptimised the table builders compiled for integers and stored
  // every AxisTable's sizes as doubles; a folder run recompiled antialiasTable 5-10 times).
  const { channels } = image;
  const width = smallInteger(image.width);
  const height = smallInteger(image.height);
  const hasAlpha = channels === 2 || channels === 4;
  const premultiplyAlpha = checkBoolean(options.premultiplyAlpha, 'premultiplyAlpha');
  if (premultiplyAlpha !== undefined && !pytorch) throw new Error(only('premultiplyAlpha'));
  const premultiply = premultiplyAlpha ?? hasAlpha;
  if (premultiply && !hasAlpha) throw new RangeError(`resizeImage: premultiplyAlpha needs an alpha channel (channels 2 or 4), but got channels ${channels}`);

  const linearLight = checkBoolean(options.linearLight, 'linearLight') ?? false;

  const size = targetSize(target, width, height, convention);
  const outBytes = size.outWidth * size.outHeight * channels;
  if (outBytes > MAX_IMAGE_BYTES) throw new RangeError(`resizeImage: the result has ${outBytes} bytes, more than the ${MAX_IMAGE_BYTES} supported`);
  const outWidth = smallInteger(size.outWidth);
  const outHeight = smallInteger(size.outHeight);
  const userScale = size.userScale;
  const out = options.out;
  if (out !== undefined) {
    if (!(out instanceof Uint8ClampedArray)) throw new TypeError('resizeImage: out must be a Uint8ClampedArray');
    if (out.length !== outBytes) throw new RangeError(`resizeImage: out has ${out.length} bytes but the result needs ${outBytes} (${outWidth} x ${outHeight} x ${channels})`);
    if (data && overlaps(out, data)) throw new Error('resizeImage: out must not share memory with image.data');
  }
  if (!pytorch) {
    const cvTarget = userScale !== undefined ? { fx: userScale[1], fy: userScale[0] } : { width: outWidth, height: outHeight };
    const exact = convention === 'pillow' ? planPillowResize(width, height, channels, outWidth, outHeight, mode as PillowMode)
      : planOpenCVResize(width, height, channels, cvTarget, mode as OpenCVMode);
    return { plan: linearLight ? linearLightPlan(exact) : exact, out };
  }
  // As interpolate with scaleFactor: the user's scale drives the coordinates, except for area.
  // interpolate's nearest takes PyTorch's channels-last shortcuts when C == 1 (see interpolate.ts).
  const axis = (inSize: number, outSize: number, scale: number | undefined): AxisTable => recentTable(
    `${mode} ${inSize} ${outSize} ${scale} ${!!alignCorners} ${!!antialias} ${channels === 1}`, () => mode === 'area' ? areaTable(inSize, outSize)
      : axisTableFor(mode as Exclude<PytorchImageMode, 'area'>, inSize, outSize, scale, alignCorners ?? false, antialias ?? false, channels === 1));
  const rows = axis(height, outHeight, userScale?.[0]);
  const cols = axis(width, outWidth, userScale?.[1]);
  return {
    plan: { kind: 'float', convention, linearLight, width, height, channels, outWidth, outHeight, premultiply, rows, cols, period: periodOf(cols, channels) },
    out,
  };
}

/**
 * An exact convention in linear light: its tables (coordinates and window per output) with
 * float32 weights normalised to sum 1 (OpenCV's integer-factor area tables hold plain 1s), on the
 * float kernel; alpha premultiplied where the library premultiplies (Pillow, but for nearest).
 */
function linearLightPlan(exact: ExactPlan): FloatImagePlan {
  const { convention, width, height, channels, outWidth, outHeight, arithmetic } = exact;
  const normalised = (t: ExactAxisTable): AxisTable => {
    const weight = new Float32Array(t.weight.length);
    for (let o = 0; o < t.outSize; o++) {
      let sum = 0;
      for (let k = 0; k < t.taps; k++) sum += t.weight[o * t.taps + k];
      for (let k = 0; k < t.taps; k++) weight[o * t.taps + k] = sum === 0 ? 0 : t.weight[o * t.taps + k] / sum;
    }
    return { inSize: t.inSize, outSize: t.outSize, taps: t.taps, index: t.index, weight };
  };
  const rows = normalised(exact.rows), cols = normalised(exact.cols);
  const premultiply = convention === 'pillow' && arithmetic.horizontal.kind !== 'copy' && (channels === 2 || channels === 4);
  return { kind: 'float', convention, linearLight: true, width, height, channels, outWidth, outHeight, premultiply, rows, cols, period: periodOf(cols, channels) };
}

/**
 * The plan resizeImage runs for these arguments, for any convention: interpolate's tables
 * ('pytorch') or an ExactPlan (tables with integer coefficients and the pass rules, 'pillow' and
 * 'opencv'). Validates as resizeImage does; does no work on the pixels.
 */
export function planImage(image: ImageInput, target: ImageTarget, options?: ResizeImageOptions): ImagePlan {
  return planResizeImage(image, target, options).plan;
}
