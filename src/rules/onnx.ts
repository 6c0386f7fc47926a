// ONNX Resize (opset 19) as per-axis tables: output shape, one coordinate rule per
// coordinate_transformation_mode, one rounding rule per nearest_mode, cubic with A and
// exclude_outside, antialias, and tf_crop_and_resize's extrapolation marks. The numbers follow the
// ONNX reference implementation (onnx/reference/ops/op_resize.py, float64) and the operator's shape
// inference (onnx/defs/tensor/utils.cc); test/fixtures/resize-onnx.json records both.
//
// Apply it separably: for each entry of `plan.axes`, along `axis`,
//   y[.., o, ..] = sum_t weight[o*taps+t] * x[.., index[o*taps+t], ..]
// (any order of axes gives the same result up to rounding; unlisted axes are copied), then write
// `plan.extrapolationValue` at every output position that ANY axis marks in its `outside`.

import type { AxisTable } from './pytorch.js';

export type ResizeMode = 'nearest' | 'linear' | 'cubic';
export type CoordinateTransformationMode = 'half_pixel' | 'half_pixel_symmetric' | 'pytorch_half_pixel' |
  'align_corners' | 'asymmetric' | 'tf_half_pixel_for_nn' | 'tf_crop_and_resize';
export type NearestMode = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil';
export type KeepAspectRatioPolicy = 'stretch' | 'not_larger' | 'not_smaller';

/** The options of API.md's `resize`, camelCased ONNX inputs and attributes. */
export interface ResizeOptions {
  sizes?: number[];
  scales?: number[];
  roi?: number[];
  axes?: number[];
  mode?: ResizeMode;
  coordinateTransformationMode?: CoordinateTransformationMode;
  nearestMode?: NearestMode;
  cubicCoeffA?: number;
  excludeOutside?: boolean | 0 | 1;
  extrapolationValue?: number;
  antialias?: boolean | 0 | 1;
  keepAspectRatioPolicy?: KeepAspectRatioPolicy;
  /** Not used by the rules; accepted so that the operation's options pass through unchanged. */
  out?: unknown;
}

/** Options after validation: every attribute present, float attributes rounded to float32. */
export interface NormalizedResizeOptions {
  mode: ResizeMode;
  coordinateTransformationMode: CoordinateTransformationMode;
  nearestMode: NearestMode;
  cubicCoeffA: number;
  excludeOutside: boolean;
  extrapolationValue: number;
  antialias: boolean;
  keepAspectRatioPolicy: KeepAspectRatioPolicy;
}

/** What one axis's coordinate rule needs. */
export interface AxisGeometry {
  inSize: number;
  /** The integer output length. */
  outSize: number;
  /** out/in for sizes, the float32 scale for scales, the common scale under a keep-aspect policy. */
  scale: number;
  /** scale * inSize: fractional when the scale does not divide evenly (the reference uses it). */
  outWidth: number;
  /** The axis's roi, float32 (tf_crop_and_resize only; 0 and 1 otherwise). */
  roiStart: number;
  roiEnd: number;
}

/** One resized axis. */
export interface ResizeAxis {
  /** Axis of the input, 0 <= axis < rank. */
  axis: number;
  table: AxisTable;
  /**
   * tf_crop_and_resize only, and only when some output lies outside: 1 where this axis's source
   * coordinate is outside [0, inSize - 1]. The output there is the extrapolation value, whatever
   * the table gives, if ANY axis marks that output position.
   */
  outside?: Uint8Array;
}

export interface ResizePlan {
  inputShape: number[];
  outputShape: number[];
  /** The axes that change, ascending; the others are copied (identity axes are left out). */
  axes: ResizeAxis[];
  /** float32; written where any axis marks `outside`. */
  extrapolationValue: number;
  options: NormalizedResizeOptions;
}

const MODES: readonly ResizeMode[] = ['nearest', 'linear', 'cubic'];
const CTMS: readonly CoordinateTransformationMode[] = ['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel',
  'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'tf_crop_and_resize'];
const NEAREST_MODES: readonly NearestMode[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];
const POLICIES: readonly KeepAspectRatioPolicy[] = ['stretch', 'not_larger', 'not_smaller'];
const OPTION_NAMES = ['sizes', 'scales', 'roi', 'axes', 'mode', 'coordinateTransformationMode', 'nearestMode',
  'cubicCoeffA', 'excludeOutside', 'extrapolationValue', 'antialias', 'keepAspectRatioPolicy', 'out'];

const f32 = Math.fround;

// ---- coordinate rules: output coordinate y -> source coordinate, in float64 as the reference ----

export type CoordinateRule = (y: number, g: AxisGeometry) => number;

export const COORDINATE_RULES: Readonly<Record<CoordinateTransformationMode, CoordinateRule>> = {
  half_pixel: (y, g) => (y + 0.5) / g.scale - 0.5,
  // Centres the output window on the input when the output length was rounded down.
  half_pixel_symmetric: (y, g) => {
    const offset = (g.inSize / 2) * (1 - g.outSize / g.outWidth);
    return offset + (y + 0.5) / g.scale - 0.5;
  },
  // The reference gives -0.5 for a single output (the spec's text says 0; the reference decides).
  pytorch_half_pixel: (y, g) => (g.outWidth === 1 ? -0.5 : (y + 0.5) / g.scale - 0.5),
  // Divides by the fractional width minus 1, as the reference (and ONNX's test data) do.
  align_corners: (y, g) => (g.outWidth === 1 ? 0 : (y * (g.inSize - 1)) / (g.outWidth - 1)),
  asymmetric: (y, g) => y / g.scale,
  // Resize-11 only (gone from opset 13): kept because converted TF models still carry it.
  tf_half_pixel_for_nn: (y, g) => (y + 0.5) / g.scale,
  tf_crop_and_resize: (y, g) => {
    const extent = f32(g.roiEnd - g.roiStart); // float32 in the reference: roi is a float tensor
    const x = g.outWidth === 1 ? (extent * (g.inSize - 1)) / 2 : (y * extent * (g.inSize - 1)) / (g.outWidth - 1);
    return x + g.roiStart * (g.inSize - 1);
  },
};

// ---- the tap window and the ratio, as the reference finds them ----

/**
 * The reference measures the ratio from x (1 when x is integral: it keeps the tap on the left)
 * but places the window from x + n/2 rounded to float64, so a tiny x such as 1e-16 gets a window
 * one tap to the left. Kept: with excludeOutside that decides which taps count.
 */
export function tapWindow(x: number, taps: number): { first: number; ratio: number } {
  const lo = Math.floor(x);
  const ratio = x === lo ? 1 : x - lo;
  const pad = Math.ceil(taps / 2);
  const xp = x + pad;
  const p = Math.floor(xp);
  return { first: p + (xp === p ? -(taps >> 1) : 1 - (taps >> 1)) - pad, ratio };
}

// ---- nearest rules: take the upper of the window's two taps? ----

export type NearestRule = (ratio: number) => boolean;

/** ratio 1 (x integral) always takes the upper tap, which is x itself. */
export const NEAREST_RULES: Readonly<Record<NearestMode, NearestRule>> = {
  round_prefer_floor: (r) => r === 1 || r > 0.5,
  round_prefer_ceil: (r) => r === 1 || r >= 0.5,
  floor: (r) => r === 1,
  ceil: () => true,
};

/** The input index nearest mode picks for source coordinate x, before clamping. */
export function nearestIndex(x: number, mode: NearestMode): number {
  const { first, ratio } = tapWindow(x, 2);
  return NEAREST_RULES[mode](ratio) ? first + 1 : first;
}

// ---- filters ----

/** Keys' cubic convolution with coefficient a, at distance d >= 0. */
function keys(d: number, a: number): number {
  if (d <= 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
  if (d < 2) return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  return 0;
}

/**
 * Linear or cubic weights for one output: the plain 2- or 4-tap kernel, or with antialias the
 * filter at (tap - x) * s, s = min(scale, 1) (wider on downscale), over 2 - 2 * start taps, then
 * normalised.
 */
function filterWeights(mode: 'linear' | 'cubic', x: number, scale: number, o: NormalizedResizeOptions): { first: number; w: number[] } {
  const s = o.antialias ? Math.min(scale, 1) : 1;
  const half = mode === 'linear' ? 1 : 2;
  const start = o.antialias ? Math.floor(-half / s) + 1 : 1 - half;
  const count = 2 - 2 * start;
  const { first, ratio } = tapWindow(x, count);
  const w: number[] = [];
  if (!o.antialias && mode === 'linear') {
    w.push(1 - ratio, ratio);
  } else if (!o.antialias) {
    const a = o.cubicCoeffA;
    w.push(keys(ratio + 1, a), keys(ratio, a), keys(1 - ratio, a), keys(2 - ratio, a));
  } else {
    let sum = 0;
    for (let k = 0; k < count; k++) {
      const d = Math.abs((start + k - ratio) * s);
      const v = mode === 'linear' ? Math.min(Math.max(1 - d, 0), 1) : keys(d, o.cubicCoeffA);
      w.push(v);
      sum += v;
    }
    for (let k = 0; k < count; k++) w[k] /= sum;
  }
  return { first, w };
}

/** One axis's table (and outside marks): the general rule for every mode and attribute. */
export function resizeAxisTable(g: AxisGeometry, o: NormalizedResizeOptions): { table: AxisTable; outside?: Uint8Array } {
  const rule = COORDINATE_RULES[o.coordinateTransformationMode];
  const crop = o.coordinateTransformationMode === 'tf_crop_and_resize';
  const xs = new Float64Array(g.outSize);
  for (let y = 0; y < g.outSize; y++) xs[y] = rule(y, g);
  let outside: Uint8Array | undefined;
  if (crop) {
    const marks = new Uint8Array(g.outSize);
    let any = false;
    xs.forEach((x, y) => { if (x < 0 || x > g.inSize - 1) { marks[y] = 1; any = true; } });
    if (any) outside = marks;
  }
  const last = g.inSize - 1;
  const clamp = (i: number): number => (i < 0 ? 0 : i > last ? last : i);
  if (o.mode === 'nearest') {
    const table: AxisTable = { inSize: g.inSize, outSize: g.outSize, taps: 1,
      index: new Int32Array(g.outSize), weight: new Float32Array(g.outSize) };
    xs.forEach((x, y) => {
      const i = nearestIndex(x, o.nearestMode);
      table.index[y] = clamp(i);
      // exclude_outside drops the one sample when it lies outside: the reference's sum guard gives 0.
      table.weight[y] = o.excludeOutside && (i < 0 || i > last) ? 0 : 1;
    });
    return { table, outside };
  }
  const rows = Array.from(xs, (x) => filterWeights(o.mode as 'linear' | 'cubic', x, g.scale, o));
  const taps = rows.length > 0 ? rows[0].w.length : 1;
  const table: AxisTable = { inSize: g.inSize, outSize: g.outSize, taps,
    index: new Int32Array(g.outSize * taps), weight: new Float32Array(g.outSize * taps) };
  rows.forEach(({ first, w }, y) => {
    if (o.excludeOutside) {
      let sum = 0;
      for (let k = 0; k < taps; k++) {
        if (first + k < 0 || first + k > last) w[k] = 0;
        sum += w[k];
      }
      if (sum !== 0) for (let k = 0; k < taps; k++) w[k] /= sum;
    }
    for (let k = 0; k < taps; k++) {
      table.index[y * taps + k] = clamp(first + k);
      table.weight[y * taps + k] = w[k];
    }
  });
  return { table, outside };
}

// ---- validation ----

function fail(kind: 'type' | 'range' | 'plain', message: string): never {
  const C = kind === 'type' ? TypeError : kind === 'range' ? RangeError : Error;
  throw new C(`resize: ${message}`);
}

function show(v: unknown): string {
  return Array.isArray(v) ? `[${v.map(show).join(', ')}]` : typeof v === 'string' ? `'${v}'` : String(v);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') fail('type', `${name} must be a string, but got ${typeof value}`);
  if (!(allowed as readonly string[]).includes(value)) fail('range', `${name} must be one of ${allowed.join(', ')}, but got '${value}'`);
  return value as T;
}

function flag(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (value === true || value === false || value === 0 || value === 1) return value === true || value === 1;
  fail('type', `${name} must be a boolean, 0 or 1, but got ${show(value)}`);
}

function numberList(value: unknown, name: string, integers: boolean): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) fail('type', `${name} must be an array of numbers, but got ${typeof value}`);
  const list = Array.from(value as ArrayLike<unknown>);
  for (const v of list) {
    if (typeof v !== 'number' && typeof v !== 'bigint') fail('type', `${name} must be an array of numbers, but got ${show(list)}`);
    if (integers && !Number.isInteger(Number(v))) fail('range', `${name} must hold integers, but got ${show(list)}`);
    if (!integers && !Number.isFinite(v as number)) fail('range', `${name} must hold finite numbers, but got ${show(list)}`);
  }
  // An empty list is an absent input, as ONNX's shape inference reads empty sizes/scales/roi.
  return list.length === 0 ? undefined : list.map(Number);
}

/** Validates the attributes alone (no shape): defaults filled, float attributes rounded to float32. */
export function normalizeResizeOptions(options: ResizeOptions = {}): NormalizedResizeOptions {
  if (typeof options !== 'object' || options === null) fail('type', `options must be an object, but got ${show(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) fail('type', `unknown option '${key}'; expected one of ${OPTION_NAMES.join(', ')}`);
  }
  const num = (v: unknown, name: string, fallback: number): number => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number') fail('type', `${name} must be a number, but got ${show(v)}`);
    return f32(v);
  };
  const o: NormalizedResizeOptions = {
    mode: oneOf(options.mode, MODES, 'mode', 'nearest'),
    coordinateTransformationMode: oneOf(options.coordinateTransformationMode, CTMS, 'coordinateTransformationMode', 'half_pixel'),
    nearestMode: oneOf(options.nearestMode, NEAREST_MODES, 'nearestMode', 'round_prefer_floor'),
    cubicCoeffA: num(options.cubicCoeffA, 'cubicCoeffA', -0.75),
    excludeOutside: flag(options.excludeOutside, 'excludeOutside'),
    extrapolationValue: num(options.extrapolationValue, 'extrapolationValue', 0),
    antialias: flag(options.antialias, 'antialias'),
    keepAspectRatioPolicy: oneOf(options.keepAspectRatioPolicy, POLICIES, 'keepAspectRatioPolicy', 'stretch'),
  };
  if (!Number.isFinite(o.cubicCoeffA)) fail('range', `cubicCoeffA must be finite, but got ${o.cubicCoeffA}`);
  if (o.antialias && o.mode === 'nearest') fail('plain', `antialias is for the linear and cubic modes, but mode is 'nearest'`);
  return o;
}

function checkShape(shape: unknown): number[] {
  if (!Array.isArray(shape)) fail('type', `input shape must be an array of integers, but got ${typeof shape}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) fail('range', `input shape must hold non-negative integers, but got ${show(shape)}`);
  }
  if (shape.length === 0) fail('range', 'input must have rank 1 or more, but got a scalar (shape [])');
  return shape.slice();
}

/** Validated shapes and, per axis that changes (ascending), what its coordinate rule needs. */
export interface ResizeGeometry {
  inputShape: number[];
  outputShape: number[];
  axes: Array<{ axis: number; geometry: AxisGeometry }>;
  options: NormalizedResizeOptions;
}

/** Every check and the output shape, without building tables. */
export function resizeGeometry(inputShape: readonly number[], options: ResizeOptions = {}): ResizeGeometry {
  const shape = checkShape(inputShape);
  const o = normalizeResizeOptions(options);
  const r = shape.length;
  const sizes = numberList(options.sizes, 'sizes', true);
  const scales = numberList(options.scales, 'scales', false)?.map(f32);
  const roi = numberList(options.roi, 'roi', false)?.map(f32);
  const rawAxes = numberList(options.axes, 'axes', true);
  if (options.axes !== undefined && rawAxes === undefined) fail('range', 'axes must not be empty');
  const axes = (rawAxes ?? shape.map((_, i) => i)).map((a) => {
    if (a < -r || a > r - 1) fail('range', `axes must be in [${-r}, ${r - 1}] for rank ${r}, but got ${show(rawAxes)}`);
    return a < 0 ? a + r : a;
  });
  if (new Set(axes).size !== axes.length) fail('range', `axes must not repeat an axis, but got ${show(rawAxes)}`);
  const n = axes.length;
  if ((sizes === undefined) === (scales === undefined)) {
    fail('plain', sizes ? `only one of sizes and scales may be given, but got sizes=${show(sizes)} and scales=${show(scales)}`
      : 'one of sizes and scales must be given');
  }
  const given = (sizes ?? scales) as number[];
  const which = sizes ? 'sizes' : 'scales';
  if (given.length !== n) {
    fail('range', `${which} must have ${n} elements (${rawAxes ? 'one per axis in axes' : `the input's rank`}), but got ${show(given)}`);
  }
  if (scales && scales.some((s) => !(s > 0))) fail('range', `scales must be greater than 0, but got ${show(scales)}`);
  if (sizes && sizes.some((s) => s < 0)) fail('range', `sizes must not be negative, but got ${show(sizes)}`);
  if (scales && o.keepAspectRatioPolicy !== 'stretch') {
    fail('plain', `keepAspectRatioPolicy '${o.keepAspectRatioPolicy}' needs sizes; with scales only 'stretch' applies`);
  }
  if (roi && roi.length !== 2 * n) fail('range', `roi must have ${2 * n} elements (starts then ends), but got ${roi.length}: ${show(roi)}`);
  const crop = o.coordinateTransformationMode === 'tf_crop_and_resize';
  if (crop && !roi) fail('plain', `coordinateTransformationMode 'tf_crop_and_resize' needs roi`);

  // Per-axis scale and output size: floor(in * float32 scale) in float64, or the sizes under the policy.
  const scale = shape.map(() => 1);
  const outputShape = shape.slice();
  if (scales) {
    axes.forEach((d, i) => { scale[d] = scales[i]; outputShape[d] = Math.floor(shape[d] * scales[i]); });
  } else if (o.keepAspectRatioPolicy === 'stretch') {
    axes.forEach((d, i) => { scale[d] = sizes![i] / shape[d]; outputShape[d] = sizes![i]; });
  } else {
    if (axes.some((d) => shape[d] === 0)) fail('range', `keepAspectRatioPolicy needs non-empty axes, but got shape ${show(shape)}`);
    const ratios = axes.map((d, i) => sizes![i] / shape[d]);
    const common = o.keepAspectRatioPolicy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
    axes.forEach((d) => { scale[d] = common; outputShape[d] = Math.floor(common * shape[d] + 0.5); });
  }
  const result: ResizeGeometry = { inputShape: shape, outputShape, axes: [], options: o };
  const sorted = axes.map((d, i) => ({ d, i })).sort((p, q) => p.d - q.d);
  for (const { d, i } of sorted) {
    const roiStart = roi ? roi[i] : 0;
    const roiEnd = roi ? roi[n + i] : 1;
    const inSize = shape[d];
    const outSize = outputShape[d];
    // The reference skips an axis whose scale is 1 with an unchanged size and full roi.
    if (isClose(scale[d], 1) && outSize === inSize && (!roi || (roiStart === 0 && isClose(roiEnd, 1)))) continue;
    if (inSize === 0 && outSize > 0) fail('range', `axis ${d} has size 0 and cannot be resized to ${outSize}`);
    if (!(outSize <= 0x7fffffff)) fail('range', `output size ${outSize} of axis ${d} is out of range`);
    const geometry: AxisGeometry = { inSize, outSize, scale: scale[d], outWidth: scale[d] * inSize, roiStart, roiEnd };
    result.axes.push({ axis: d, geometry });
  }
  return result;
}

/** The full plan: output shape and one table per resized axis. */
export function planResize(inputShape: readonly number[], options: ResizeOptions = {}): ResizePlan {
  const { inputShape: shape, outputShape, axes, options: o } = resizeGeometry(inputShape, options);
  return { inputShape: shape, outputShape, extrapolationValue: o.extrapolationValue, options: o,
    axes: axes.map(({ axis, geometry }) => ({ axis, ...resizeAxisTable(geometry, o) })) };
}

/** math.isclose(a, b) with Python's defaults (relative 1e-9). */
function isClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** Only the output shape (validates as planResize does). */
export function resizeOutputShape(inputShape: readonly number[], options: ResizeOptions = {}): number[] {
  return resizeGeometry(inputShape, options).outputShape;
}
