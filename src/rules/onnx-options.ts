// ONNX Resize's options (opset 19 attributes and inputs, camelCased) and their validation:
// defaults filled, float attributes rounded to float32 as the operator stores them. The rules that
// use them: ./onnx-axis.ts (one axis's table), ./onnx.ts (shapes and the plan).

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

const MODES: readonly ResizeMode[] = ['nearest', 'linear', 'cubic'];
const CTMS: readonly CoordinateTransformationMode[] = ['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel',
  'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'tf_crop_and_resize'];
const NEAREST_MODES: readonly NearestMode[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];
const POLICIES: readonly KeepAspectRatioPolicy[] = ['stretch', 'not_larger', 'not_smaller'];
export const OPTION_NAMES = ['sizes', 'scales', 'roi', 'axes', 'mode', 'coordinateTransformationMode', 'nearestMode',
  'cubicCoeffA', 'excludeOutside', 'extrapolationValue', 'antialias', 'keepAspectRatioPolicy', 'out'];

const f32 = Math.fround;

// ---- validation (messages name the argument and the value) ----

export function fail(kind: 'type' | 'range' | 'plain', message: string): never {
  const C = kind === 'type' ? TypeError : kind === 'range' ? RangeError : Error;
  throw new C(`resize: ${message}`);
}

export function show(v: unknown): string {
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

export function numberList(value: unknown, name: string, integers: boolean): number[] | undefined {
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
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail('type', `options must be an object, but got ${show(options)}`);
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
