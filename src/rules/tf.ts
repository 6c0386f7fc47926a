// TensorFlow's tf.image resize rules (raw ops ResizeBilinear / ResizeNearestNeighbor) as per-axis
// tables over NHWC [batch, h, w, c] or [h, w, c]. Their coordinate rules are ONNX's (half_pixel,
// align_corners, asymmetric for bilinear; tf_half_pixel_for_nn + floor, align_corners +
// round_prefer_ceil, asymmetric + floor for nearest) but TensorFlow computes them in float32
// (image_resizer_state.h, resize_bilinear_op.cc, resize_nearest_neighbor_op.cc), which moves
// nearest picks and bilinear taps where float64 rounds the other way; so these tables are built
// here, step by step in float32 as TensorFlow does. Apply them as src/rules/onnx.ts's plans.

import type { AxisTable } from './pytorch.js';
import type { ResizeAxis } from './onnx.js';

export interface TfResizeOptions {
  /** Default false. */
  alignCorners?: boolean;
  /** Default false (the raw ops' and tfjs's default; tf.image.resize in TF 2 passes true). */
  halfPixelCenters?: boolean;
  /** Not used by the rules. */
  out?: unknown;
}

export interface TfResizePlan {
  inputShape: number[];
  outputShape: number[];
  /** The H and W axes that change (1 and 2 for 4-D input, 0 and 1 for 3-D). */
  axes: ResizeAxis[];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

const f32 = Math.fround;

/** CalculateResizeScale: float32 source step per output step. */
export function tfResizeScale(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1 ? f32(f32(inSize - 1) / f32(outSize - 1)) : f32(f32(inSize) / f32(outSize));
}

/** HalfPixelScaler (bilinear): (y + 0.5) * scale - 0.5; LegacyScaler: y * scale; float32. */
function bilinearSource(y: number, scale: number, halfPixelCenters: boolean): number {
  return halfPixelCenters ? f32(f32(f32(y + 0.5) * scale) - 0.5) : f32(y * scale);
}

/** compute_interpolation_weights: lower = max(floor, 0), upper = min(ceil, in - 1), lerp = x - floor(x). */
export function tfBilinearTable(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): AxisTable {
  const scale = tfResizeScale(inSize, outSize, alignCorners);
  const t: AxisTable = { inSize, outSize, taps: 2, index: new Int32Array(2 * outSize), weight: new Float32Array(2 * outSize) };
  for (let y = 0; y < outSize; y++) {
    const x = bilinearSource(y, scale, halfPixelCenters);
    const lo = Math.floor(x);
    const lerp = f32(x - lo);
    t.index[2 * y] = Math.max(lo, 0);
    t.index[2 * y + 1] = Math.min(Math.ceil(x), inSize - 1);
    // TF blends as a + (b - a) * lerp; as a table that is (1 - lerp) * a + lerp * b.
    t.weight[2 * y] = 1 - lerp;
    t.weight[2 * y + 1] = lerp;
  }
  return t;
}

/**
 * compute_indices: align_corners rounds (roundf, half away from zero) y * scale; otherwise
 * floor of (y + 0.5) * scale (HalfPixelScalerForNN: no -0.5, the floor does it) or of y * scale.
 */
export function tfNearestTable(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): AxisTable {
  const scale = tfResizeScale(inSize, outSize, alignCorners);
  const t: AxisTable = { inSize, outSize, taps: 1, index: new Int32Array(outSize), weight: new Float32Array(outSize).fill(1) };
  for (let y = 0; y < outSize; y++) {
    const x = halfPixelCenters ? f32(f32(y + 0.5) * scale) : f32(y * scale);
    let i = Math.min(alignCorners ? Math.floor(x + 0.5) : Math.floor(x), inSize - 1);
    if (halfPixelCenters) i = Math.max(i, 0);
    t.index[y] = i;
  }
  return t;
}

function fail(op: string, kind: 'type' | 'range' | 'plain', message: string): never {
  const C = kind === 'type' ? TypeError : kind === 'range' ? RangeError : Error;
  throw new C(`${op}: ${message}`);
}

function show(v: unknown): string {
  return Array.isArray(v) ? `[${v.map(show).join(', ')}]` : String(v);
}

export const TF_OPTION_NAMES = ['alignCorners', 'halfPixelCenters', 'out'];

/** ImageResizerState's checks, in its order, then the tables for H and W. */
function plan(op: 'resizeBilinear' | 'resizeNearestNeighbor', inputShape: readonly number[], size: readonly number[],
              options: TfResizeOptions = {}): TfResizePlan {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail(op, 'type', `options must be an object, but got ${show(options)}`);
  for (const key of Object.keys(options)) {
    if (!TF_OPTION_NAMES.includes(key)) {
      fail(op, 'type', `unknown option '${key}'; expected one of alignCorners, halfPixelCenters, out`);
    }
  }
  const flag = (v: unknown, name: string): boolean => {
    if (v === undefined) return false;
    if (typeof v !== 'boolean') fail(op, 'type', `${name} must be a boolean, but got ${show(v)}`);
    return v;
  };
  const alignCorners = flag(options.alignCorners, 'alignCorners');
  const halfPixelCenters = flag(options.halfPixelCenters, 'halfPixelCenters');
  if (halfPixelCenters && alignCorners) fail(op, 'plain', 'If halfPixelCenters is true, alignCorners must be false');
  if (!Array.isArray(inputShape)) fail(op, 'type', `images shape must be an array, but got ${typeof inputShape}`);
  const shape = inputShape.slice();
  if (shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    fail(op, 'range', `images shape must hold non-negative integers, but got ${show(shape)}`);
  }
  if (shape.length !== 3 && shape.length !== 4) {
    fail(op, 'range', `images must be NHWC [batch, height, width, channels] or [height, width, channels], but got shape ${show(shape)}`);
  }
  const h = shape.length - 3;
  if (shape[h + 2] === 0) fail(op, 'range', `images must have at least one channel, but got shape ${show(shape)}`);
  if (shape[h] === 0 || shape[h + 1] === 0) fail(op, 'range', `images must be of non-zero size, but got shape ${show(shape)}`);
  if (!Array.isArray(size) && !ArrayBuffer.isView(size)) fail(op, 'type', `size must be [height, width], but got ${show(size)}`);
  const sz = Array.from(size as ArrayLike<number>);
  if (sz.length !== 2) fail(op, 'range', `size must have two elements [height, width], but got ${show(sz)}`);
  if (sz.some((d) => typeof d !== 'number')) fail(op, 'type', `size must hold numbers, but got ${show(sz)}`);
  if (sz.some((d) => !Number.isInteger(d) || d <= 0 || d > 0x7fffffff)) {
    fail(op, 'range', `size must be positive integers (output dimensions must be positive), but got ${show(sz)}`);
  }
  if (op === 'resizeNearestNeighbor' && (shape[h] >= 2 ** 24 || shape[h + 1] >= 2 ** 24)) {
    fail(op, 'range', `nearest neighbor requires height and width below 2^24, but got shape ${show(shape)}`);
  }
  const outputShape = shape.slice();
  outputShape[h] = sz[0];
  outputShape[h + 1] = sz[1];
  const table = op === 'resizeBilinear' ? tfBilinearTable : tfNearestTable;
  const axes: ResizeAxis[] = [];
  for (const a of [h, h + 1]) {
    // TF copies when the size is unchanged; each table is the identity there anyway.
    if (shape[a] !== outputShape[a]) axes.push({ axis: a, table: table(shape[a], outputShape[a], alignCorners, halfPixelCenters) });
  }
  return { inputShape: shape, outputShape, axes, alignCorners, halfPixelCenters };
}

export function planResizeBilinear(inputShape: readonly number[], size: readonly number[], options?: TfResizeOptions): TfResizePlan {
  return plan('resizeBilinear', inputShape, size, options);
}

export function planResizeNearestNeighbor(inputShape: readonly number[], size: readonly number[], options?: TfResizeOptions): TfResizePlan {
  return plan('resizeNearestNeighbor', inputShape, size, options);
}
