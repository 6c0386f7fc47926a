// imageToTensor: 8-bit pixels to a model's float32 input. The resize is resizeImage's plan
// (src/image.ts), run a band of output rows at a time into a small scratch, which normaliseRows
// turns into tensor rows at once (both backends), so no resized image exists at the target size.
// Every output row of either kind of plan depends only on its own vertical taps: a float plan's
// band is its rows table sliced; an exact plan's ('pillow', 'opencv') is its kernel's row range,
// whose horizontal pass runs again on the few input rows two bands share.
//
// Contract: the tensor EQUALS the composition, bit for bit:
//   bytes = resizeImage(rgb, inner size, { convention, mode, antialias }) where rgb is the image
//   without its alpha (dropped before resizing, as Hugging Face's convert('RGB') does; for
//   'pytorch' this is resizeImage(image, ..., { premultiplyAlpha: false }), channels being
//   independent there), placed in the tensor (`fit`), then per
//   output channel c, in float32 as numpy does it: x = f32(f32(f32(v * rescale) - mean[c]) / std[c]),
//   v = the channel's byte, or for 'gray' the luma (wR R + wG G + wB B + 32768) >> 16 of the resized
//   RGB: OpenCV's cv2.cvtColor(COLOR_RGB2GRAY) with 'opencv' (19596, 38470, 7470), else Pillow's
//   L (19595, 38470, 7471: ITU-R 601-2 luma, as Image.convert('L')); padding is padValue through
//   the same formula.

import { planResizeImage, scaledSide, type FloatImagePlan, type ImageConvention, type ImageInput, type ImageMode, type ImagePlan } from '../image.js';
import type { Prepared } from '../ops.js';
import { OPENCV_GRAY_WEIGHTS } from '../rules/opencv.js';
import { checkBoolean, checkOut, product, readOptions, type Tensor } from '../tensor.js';
import type { Runs } from '../tiling/runs.js';

export type TensorFit = 'fill' | 'contain' | 'cover';
export type TensorChannels = 'rgb' | 'bgr' | 'gray';

export interface ImageToTensorOptions {
  /** The tensor's [height, width]; exactly one of size / scale. */
  size?: [number, number];
  /** Multiplier of both sides (floor(side * scale)); the scale drives the coordinates. Only with fit 'fill'. */
  scale?: number;
  /** 'fill' (default): stretch to size; 'contain': keep the aspect ratio and pad (letterbox); 'cover': keep it and crop. */
  fit?: TensorFit;
  /** contain's padding, in pixel units before rescale/mean/std (e.g. 114): one number or one per output channel; default 0. */
  padValue?: number | number[];
  /** Where contain/cover place the image: 'center' (default; the odd pixel goes bottom/right) or 'top-left'. */
  align?: 'center' | 'top-left';
  /**
   * The resize convention, as resizeImage's: 'pytorch' (default), 'pillow' (as Hugging Face image
   * processors resize) or 'opencv'. Alpha is dropped before resizing with any of them.
   */
  convention?: ImageConvention;
  /** The convention's mode (CONVENTION_MODES); default its first ('bilinear', 'bicubic', 'linear'). */
  mode?: ImageMode;
  /** 'pytorch' bilinear and bicubic: antialiased downsampling; default false. */
  antialias?: boolean;
  /** Multiplies the bytes first; default 1/255. */
  rescale?: number;
  /** Per output channel (or one number for all), subtracted after rescale; default 0. */
  mean?: number | number[];
  /** Per output channel (or one number), divides after mean; default 1. */
  std?: number | number[];
  /** Output channels: 'rgb' (default), 'bgr', or 'gray' (one channel: cv2.cvtColor's RGB2GRAY with 'opencv', else Pillow's L). */
  channels?: TensorChannels;
  /** 'nchw' (default): [1, C, H, W]; 'nhwc': [1, H, W, C]. */
  layout?: 'nchw' | 'nhwc';
  /** A caller-owned float32 tensor of exactly the result's shape to write into. */
  out?: Tensor;
}

/**
 * The tensor and where the image went: a tensor pixel (x, y) maps back to the source pixel
 * ((x - padding.left) / scale[1], (y - padding.top) / scale[0]). padding is negative where
 * 'cover' cropped.
 */
export interface ImageTensorResult {
  tensor: Tensor;
  /** [y, x]: resized size / source size (the user's scale with `scale`). */
  scale: [number, number];
  padding: { top: number; left: number; bottom: number; right: number };
}

export interface ImageTensorPlan {
  /** Run in bands of `band` rows (rows rowStart..rowEnd) into the scratch. */
  resize: ImagePlan;
  /** The tensor's height, width, channels and layout. */
  height: number;
  width: number;
  outChannels: number;
  nhwc: boolean;
  /** Tensor row and column of the resized image's (0, 0) (negative where cropped). */
  top: number;
  left: number;
  /** Resized rows [rowStart, rowEnd) and columns [colStart, colEnd) that land in the tensor. */
  rowStart: number;
  rowEnd: number;
  colStart: number;
  colEnd: number;
  /** Source byte of each output channel (-1: luma), the tables (256 floats a channel), the padding values. */
  map: Int32Array;
  /** The luma's R, G and B weights (16 fractional bits, summing to 2^16; rounded half up). */
  luma: Int32Array;
  lut: Float32Array;
  pad: Float32Array;
  /**
   * Per output channel, 8 floats: rescale split in high and low float32 parts, mean,
   * std, exactInverse(std): the tables' arithmetic, which the SIMD kernel computes (rescaleHigh
   * NaN where that arithmetic would not give the table's values: the kernel reads the table).
   */
  coefficients: Float32Array;
  /** Resized rows per band. */
  band: number;
  /** A memory-budget band's tensor rows (src/tiling/tensor-bands.ts), staged packed: where they go in the whole tensor. */
  runs?: Runs;
  outputShape: number[];
  scale: [number, number];
}

export interface ImageTensorInputs {
  input: Uint8Array | Uint8ClampedArray;
}

const OP = 'imageToTensor';
const OPTION_NAMES = ['size', 'scale', 'fit', 'padValue', 'align', 'convention', 'mode', 'antialias', 'rescale', 'mean', 'std',
  'channels', 'layout', 'out'] as const;
/** Bytes of a band of resized rows: small enough to stay in L2 while normalised. */
const BAND_BYTES = 96 * 1024;
/** Rows a band, when set (> 0) instead of the sizes here: tests force many small bands. Not public. */
export const FORCED_BAND = { rows: 0 };
/**
 * An exact plan's band is at least this many times its vertical taps: each band resamples the
 * input rows it shares with the previous one along W again (the kernel's row cache starts empty).
 */
const EXACT_BAND_TAPS = 8;
const f32 = Math.fround;
/** Pillow's convert('L'): ITU-R 601-2 luma in 16-bit fixed point. */
const PILLOW_GRAY_WEIGHTS: readonly [number, number, number] = [19595, 38470, 7471];
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw new RangeError(`${OP}: ${name} must be one of ${allowed.join(' | ')}, but got ${String(value)}`);
  return value as T;
}

function perChannel(value: unknown, count: number, name: string, fallback: number): number[] {
  if (value === undefined) return new Array<number>(count).fill(fallback);
  const list = typeof value === 'number' ? new Array<number>(count).fill(value) : value;
  if (!Array.isArray(list)) throw new TypeError(`${OP}: ${name} must be a number or an array of ${count} numbers, but got ${typeof value}`);
  if (list.length !== count) throw new RangeError(`${OP}: ${name} must have ${count} value${count === 1 ? '' : 's'} (one per output channel), but got ${list.length}: [${list.join(', ')}]`);
  for (const v of list) {
    if (typeof v !== 'number') throw new TypeError(`${OP}: ${name} must hold numbers, but got ${typeof v}`);
    if (!Number.isFinite(v)) throw new RangeError(`${OP}: ${name} must hold finite numbers, but got [${list.join(', ')}]`);
  }
  return list.slice();
}

function side(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${OP}: ${name} must be a number, but got ${typeof value}`);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${OP}: ${name} must be an integer >= 1, but got ${value}`);
  return value;
}

/** 1 / s when it is exact and normal (s a power of two), so x * (1 / s) rounds as x / s; else 0. */
function exactInverse(s: number): number {
  const inverse = 1 / s;
  const exponent = Math.log2(Math.abs(s));
  return Number.isInteger(exponent) && Math.abs(exponent) < 100 ? inverse : 0;
}

/**
 * The normalised value of byte (or pad value) v, as transformers' rescale() then normalize():
 * v * rescale in double cast to float32 (torchvision's f32(v) / 255 gives the same for 1/255),
 * then float32 steps with mean and std as float32.
 */
export function normalised(v: number, rescale: number, mean: number, std: number): number {
  return f32(f32(f32(v * rescale) - f32(mean)) / f32(std));
}

const bits = new Float32Array(1);
const bitsAsInt = new Uint32Array(bits.buffer);

/**
 * The SIMD kernel's coefficients of one channel. A byte times the high part of rescale (16
 * significant bits) is exact in float32, so v * high + v * low rounds once, as the double product
 * cast to float32 mostly does; where it does not for some byte (or its mean / std steps differ
 * from the table's), rescaleHigh is NaN and the kernel reads the table.
 */
function kernelCoefficients(lut: Float32Array, rescale: number, mean: number, std: number): number[] {
  bits[0] = rescale;
  bitsAsInt[0] &= 0xffffff00;
  const high = bits[0];
  const low = f32(rescale - high);
  const inverse = exactInverse(f32(std));
  for (let v = 0; v < 256; v++) {
    const t = f32(f32(f32(v * high) + f32(v * low)) - f32(mean));
    const x = inverse !== 0 ? f32(t * inverse) : f32(t / f32(std));
    if (!Object.is(x, lut[v])) return [NaN, 0, 0, 0, 0, 0, 0, 0];
  }
  return [high, low, mean, std, inverse, 0, 0, 0]; // padded to 32 bytes a channel
}

/** imageToTensor's table entry: reads the call once, validates it, plans the resize and the placement. */
export function prepareImageToTensor(imageArg: ImageInput, optionsArg: ImageToTensorOptions):
  Prepared<ImageTensorResult, ImageTensorPlan, ImageTensorInputs> {
  if (imageArg === null || typeof imageArg !== 'object') {
    throw new TypeError(`${OP}: image must be { data, width, height, channels? }, but got ${imageArg === null ? 'null' : typeof imageArg}`);
  }
  const image: ImageInput = { data: imageArg.data, width: imageArg.width, height: imageArg.height, channels: imageArg.channels ?? 4 };
  const options = readOptions(optionsArg, OPTION_NAMES, OP, 'with size or scale');
  const fit = oneOf(options.fit, ['fill', 'contain', 'cover'] as const, 'fit', 'fill');
  const align = oneOf(options.align, ['center', 'top-left'] as const, 'align', 'center');
  const channelsOut = oneOf(options.channels, ['rgb', 'bgr', 'gray'] as const, 'channels', 'rgb');
  const layout = oneOf(options.layout, ['nchw', 'nhwc'] as const, 'layout', 'nchw');
  const antialias = checkBoolean(options.antialias, 'antialias');
  const outChannels = channelsOut === 'gray' ? 1 : 3;
  const rescale = options.rescale ?? 1 / 255;
  if (typeof rescale !== 'number' || !Number.isFinite(rescale)) throw new RangeError(`${OP}: rescale must be a finite number, but got ${String(rescale)}`);
  const mean = perChannel(options.mean, outChannels, 'mean', 0);
  const std = perChannel(options.std, outChannels, 'std', 1);
  if (std.some((s) => s === 0)) throw new RangeError(`${OP}: std must not hold 0, but got [${std.join(', ')}]`);
  const padValue = perChannel(options.padValue, outChannels, 'padValue', 0);

  const inW = side(image.width, 'image.width');
  const inH = side(image.height, 'image.height');
  // The tensor's size, the resized size, and the placement.
  let height: number, width: number, innerH: number, innerW: number;
  let target: { width?: number; height?: number; scale?: number };
  let scale: [number, number];
  if (options.scale !== undefined) {
    if (options.size !== undefined) throw new Error(`${OP}: give size or scale, not both`);
    if (fit !== 'fill') throw new Error(`${OP}: fit '${fit}' needs size; scale resizes both sides by the same factor`);
    target = { scale: options.scale };
    if (typeof options.scale !== 'number') throw new TypeError(`${OP}: scale must be a number, but got ${typeof options.scale}`);
    // As resizeImage's side for this convention (OpenCV rounds fx / fy half to even).
    const convention = typeof options.convention === 'string' ? options.convention as ImageConvention : 'pytorch';
    innerH = height = scaledSide(inH, options.scale, convention);
    innerW = width = scaledSide(inW, options.scale, convention);
    scale = [options.scale, options.scale];
  } else {
    if (options.size === undefined) throw new Error(`${OP}: options need size ([height, width]) or scale`);
    if (!Array.isArray(options.size) || options.size.length !== 2) {
      throw new TypeError(`${OP}: size must be [height, width], but got ${JSON.stringify(options.size)}`);
    }
    height = side(options.size[0], 'size[0] (height)');
    width = side(options.size[1], 'size[1] (width)');
    if (fit === 'fill') {
      innerH = height;
      innerW = width;
    } else {
      const r = (fit === 'contain' ? Math.min : Math.max)(height / inH, width / inW);
      innerH = Math.max(1, Math.round(inH * r));
      innerW = Math.max(1, Math.round(inW * r));
      // The side that sets r matches the tensor exactly.
      if (fit === 'contain') { innerH = Math.min(innerH, height); innerW = Math.min(innerW, width); }
      else { innerH = Math.max(innerH, height); innerW = Math.max(innerW, width); }
    }
    target = { width: innerW, height: innerH };
    scale = [innerH / inH, innerW / inW];
  }
  let resize: ImagePlan;
  let data: Uint8Array | Uint8ClampedArray;
  try {
    const hasAlpha = image.channels === 2 || image.channels === 4;
    const resizeOptions = { convention: options.convention, mode: options.mode, antialias };
    const pytorch = (options.convention ?? 'pytorch') === 'pytorch';
    // 'pytorch' resizes channels independently: alpha is simply not read (no premultiplying).
    let planned = planResizeImage(image, target, { ...resizeOptions, ...(hasAlpha && pytorch ? { premultiplyAlpha: false } : {}) });
    if (hasAlpha && !pytorch) {
      // Pillow premultiplies LA / RGBA and OpenCV's cubic rows depend on the channel count:
      // drop alpha first (as convert('RGB')), then plan the resize of what is left.
      const colour = withoutAlpha(planned.data, image.channels!);
      planned = planResizeImage({ data: colour, width: inW, height: inH, channels: image.channels === 4 ? 3 : 1 }, target, resizeOptions);
    }
    resize = planned.plan;
    data = planned.data;
  } catch (error) {
    if (error instanceof Error) error.message = error.message.replace(/^resizeImage/, OP);
    throw error;
  }
  // 'center': half the room, rounded toward zero, so the odd pixel goes bottom/right both when
  // contain pads (a letterbox) and when cover crops (transformers' center_crop: (inner - size) // 2).
  const top = align === 'center' ? Math.trunc((height - innerH) / 2) : 0;
  const left = align === 'center' ? Math.trunc((width - innerW) / 2) : 0;
  const rowStart = Math.max(0, -top);
  const rowEnd = Math.min(innerH, height - top);
  const colStart = Math.max(0, -left);
  const colEnd = Math.min(innerW, width - left);

  const gray = resize.channels <= 2;
  const map = Int32Array.from(channelsOut === 'gray' ? [gray ? 0 : -1] : gray ? [0, 0, 0] : channelsOut === 'rgb' ? [0, 1, 2] : [2, 1, 0]);
  const luma = Int32Array.from(options.convention === 'opencv' ? OPENCV_GRAY_WEIGHTS : PILLOW_GRAY_WEIGHTS);
  const lut = new Float32Array(outChannels * 256);
  for (let c = 0; c < outChannels; c++) for (let v = 0; v < 256; v++) lut[c * 256 + v] = normalised(v, rescale, mean[c], std[c]);
  const pad = Float32Array.from(padValue, (v, c) => normalised(v, rescale, mean[c], std[c]));
  const coefficients = Float32Array.from(mean.flatMap((m, c) => kernelCoefficients(lut.subarray(c * 256, c * 256 + 256), rescale, m, std[c])));
  const outputShape = layout === 'nhwc' ? [1, height, width, outChannels] : [1, outChannels, height, width];
  const out = checkOut(options.out, outputShape, []);
  if (out && out.data.buffer === data.buffer) throw new Error(`${OP}: out must not share memory with image.data`);
  const rowBytes = innerW * resize.channels;
  const byBytes = Math.max(4, Math.floor(BAND_BYTES / rowBytes));
  const sized = resize.kind === 'exact' ? Math.max(byBytes, EXACT_BAND_TAPS * resize.rows.taps) : byBytes;
  const band = Math.max(1, Math.min(rowEnd - rowStart, FORCED_BAND.rows || sized));
  const plan: ImageTensorPlan = {
    resize, height, width, outChannels, nhwc: layout === 'nhwc', top, left, rowStart, rowEnd, colStart, colEnd,
    map, luma, lut, pad, coefficients, band, outputShape, scale,
  };
  const padding = { top, left, bottom: height - top - innerH, right: width - left - innerW };
  return {
    plan,
    inputs: { input: data },
    outputLength: product(outputShape),
    allocate: () => {
      const tensor = out ? out.result : { data: new Float32Array(outputShape.reduce((a, b) => a * b, 1)), shape: outputShape.slice() };
      return { output: out ? out.data : tensor.data, result: { tensor, scale: [...scale] as [number, number], padding: { ...padding } } };
    },
  };
}

/** Interleaved pixels with `channels` (2 or 4) less their last (alpha) channel. */
function withoutAlpha(data: Uint8Array | Uint8ClampedArray, channels: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray((data.length / channels) * (channels - 1));
  if (channels === 2) {
    for (let p = 0; p < data.length; p += 2) out[p >> 1] = data[p];
    return out;
  }
  let p = 0, q = 0;
  if (LITTLE_ENDIAN && data.byteOffset % 4 === 0) {
    // Four RGBA words to three RGB words at a time: a byte loop is several times slower.
    const words = new Uint32Array(data.buffer, data.byteOffset, data.length >> 2);
    const packed = new Uint32Array(out.buffer, 0, out.length >> 2);
    for (let w = 0; w + 4 <= words.length; w += 4, q += 3) {
      const w0 = words[w], w1 = words[w + 1], w2 = words[w + 2], w3 = words[w + 3];
      packed[q] = (w0 & 0xffffff) | (w1 << 24);
      packed[q + 1] = ((w1 >>> 8) & 0xffff) | (w2 << 16);
      packed[q + 2] = ((w2 >>> 16) & 0xff) | (w3 << 8);
    }
    p = (q / 3) * 16;
    q *= 4;
  }
  for (; p < data.length; p += 4, q += 3) { out[q] = data[p]; out[q + 1] = data[p + 1]; out[q + 2] = data[p + 2]; }
  return out;
}

/** The resized rows [y0, y1) as a plan of their own (a band): the same tables, sliced. */
export function bandPlan(resize: FloatImagePlan, y0: number, y1: number): FloatImagePlan {
  const taps = resize.rows.taps;
  return {
    ...resize,
    outHeight: y1 - y0,
    rows: { ...resize.rows, outSize: y1 - y0, index: resize.rows.index.subarray(y0 * taps, y1 * taps), weight: resize.rows.weight.subarray(y0 * taps, y1 * taps) },
  };
}

/** Tensor rows that are padding: [0, top) and [top + rowEnd - rowStart... ) as [start, count] pairs. */
export function paddingRows(plan: ImageTensorPlan): Array<[number, number]> {
  const first = plan.top + plan.rowStart;
  const last = plan.top + plan.rowEnd;
  return ([[0, first], [last, plan.height - last]] as Array<[number, number]>).filter(([, n]) => n > 0);
}
