// F.interpolate: option parsing, PyTorch 1.13's refusals, output sizes and the per-axis
// index/weight tables. Both backends run the plan built here; they differ only in inner loops.
//
// One helper per coordinate rule, after aten/src/ATen/native/UpSample.h (PyTorch 1.13).

import { checkBoolean, checkElementCount, checkOptionNames, checkOut, checkTensor, formatShape, product, type Tensor } from './tensor.js';

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';

export interface InterpolateOptions {
  /** Output spatial size: one number for every spatial dimension, or one per dimension. */
  size?: number | number[];
  /** Multiplier of the spatial size (one number, or one per dimension); exactly one of size / scaleFactor. */
  scaleFactor?: number | number[];
  /** Default 'nearest'. */
  mode?: InterpolateMode;
  /** Linear modes only (linear, bilinear, bicubic, trilinear); default false. */
  alignCorners?: boolean;
  /** Compute the output size from scaleFactor, then interpolate as if that size had been given. */
  recomputeScaleFactor?: boolean;
  /** Anti-aliasing when downsampling: bilinear and bicubic on 4-D input only. */
  antialias?: boolean;
  /** A tensor of exactly the result's shape to write into (it is returned). */
  out?: Tensor;
}

const OPTION_NAMES = ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor', 'antialias', 'out'] as const;
const MODES: readonly InterpolateMode[] = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area'];
/** The rank each interpolating mode needs; index modes take any of 3-D, 4-D, 5-D. */
const MODE_RANK: Partial<Record<InterpolateMode, number>> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };

/** One spatial axis of a separable resampling: output o = sum_t weight[o*taps+t] * x[index[o*taps+t]]. */
export interface AxisTable {
  inSize: number;
  outSize: number;
  taps: number;
  index: Int32Array;
  weight: Float32Array;
}

interface PlanBase {
  /** N * C: independent planes. */
  planes: number;
  /** Spatial sizes padded to three axes (D, H, W) with leading 1s. */
  inDHW: [number, number, number];
  outDHW: [number, number, number];
  /** 1, 2 or 3 spatial dimensions. */
  rank: number;
  outputShape: number[];
}

export interface SeparablePlan extends PlanBase {
  kind: 'separable';
  /** Tables for the D, H and W axes (identity tables of size 1 where the rank has no such axis). */
  axes: [AxisTable, AxisTable, AxisTable];
  /** Outputs of the W axis where the tables repeat with period 2 (an exact 2x stretch), [lo, hi). */
  period: [number, number];
  /** Planes per pass, so the intermediate results stay in cache. */
  chunk: number;
  /** Floats of the two intermediate buffers for one chunk. */
  tmpA: number;
  tmpB: number;
}

export interface AreaPlan extends PlanBase {
  kind: 'area';
  /** Adaptive-pooling windows [start, end) per axis, D, H, W. */
  start: [Int32Array, Int32Array, Int32Array];
  end: [Int32Array, Int32Array, Int32Array];
  /**
   * Every output size is 1: PyTorch then takes `input.mean()` over the spatial axes (an accurate
   * reduction) instead of the pooling loop, so the kernels sum in float64.
   */
  globalMean: boolean;
}

export type InterpolatePlan = SeparablePlan | AreaPlan;

// ---- coordinate rules ----

const f32 = Math.fround;

/** compute_scales_value<float>: the user's scale inverted, else in/out, in float32. */
function scaleValue(userScale: number | undefined, inSize: number, outSize: number): number {
  return userScale !== undefined && userScale > 0 ? f32(1 / userScale) : f32(f32(inSize) / f32(outSize));
}

/** area_pixel_compute_scale<float>: the source step per output step for the linear modes. */
export function areaPixelScale(inSize: number, outSize: number, alignCorners: boolean, userScale?: number): number {
  if (alignCorners) return outSize > 1 ? f32(f32(inSize - 1) / f32(outSize - 1)) : 0;
  return scaleValue(userScale, inSize, outSize);
}

/** area_pixel_compute_source_index: half-pixel (or corner) source coordinate, in float32. */
function sourceIndex(scale: number, dst: number, alignCorners: boolean, cubic: boolean): number {
  // Kept in double (dst + 0.5 is a double in PyTorch too): rounding it to float32 turns weights
  // of 6e-8 into 0, and 0 * Infinity is NaN where PyTorch gives Infinity.
  if (alignCorners) return scale * dst;
  const src = scale * (dst + 0.5) - 0.5;
  return !cubic && src < 0 ? 0 : src;
}

/**
 * nearest: floor(dst * scale) in float32. PyTorch 1.13's channels-last kernel (nearest_idx) copies
 * when out == in and halves when out == 2 * in, whatever the user's scale. It runs for 2-D and 3-D
 * inputs that are also channels-last contiguous, which a contiguous tensor with C == 1 is; the
 * generic kernel (C > 1, and every 1-D input) has no such shortcut.
 */
function nearestIndex(dst: number, inSize: number, outSize: number, userScale: number | undefined,
                      shortcuts: boolean): number {
  if (shortcuts && outSize === inSize) return dst;
  if (shortcuts && outSize === 2 * inSize) return dst >> 1;
  const scale = scaleValue(userScale, inSize, outSize);
  return Math.min(Math.floor(f32(dst * scale)), inSize - 1);
}

/** nearest-exact: floor((dst + 0.5) * scale), rounded to float32 first as floorf does. */
function nearestExactIndex(dst: number, inSize: number, outSize: number, userScale: number | undefined): number {
  const scale = scaleValue(userScale, inSize, outSize);
  return Math.min(Math.floor(f32((dst + 0.5) * scale)), inSize - 1);
}

const CUBIC_A = -0.75;

/** The same two pieces evaluated step by step in float32 (A = -0.75), as PyTorch's kernels do. */
function cubicConvolution1f(x: number): number {
  const a = CUBIC_A;
  return f32(f32(f32(f32(f32((a + 2) * x) - (a + 3)) * x) * x) + 1);
}
function cubicConvolution2f(x: number): number {
  const a = CUBIC_A;
  return f32(f32(f32(f32(f32(f32(a * x) - 5 * a) * x) + 8 * a) * x) - 4 * a);
}

/** Pillow's filters for antialiasing: triangle, and Keys' cubic with a = -0.5. */
function triangleFilter(x: number): number {
  x = Math.abs(x);
  return x < 1 ? 1 - x : 0;
}
function antialiasCubicFilter(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** Adaptive pooling window bounds, computed in float32 as PyTorch 1.13 does. */
export function adaptiveStart(o: number, inSize: number, outSize: number): number {
  return Math.floor(f32(f32(o * inSize) / outSize));
}
export function adaptiveEnd(o: number, inSize: number, outSize: number): number {
  return Math.ceil(f32(f32((o + 1) * inSize) / outSize));
}

// ---- per-axis tables ----

function table(inSize: number, outSize: number, taps: number): AxisTable {
  return { inSize, outSize, taps, index: new Int32Array(outSize * taps), weight: new Float32Array(outSize * taps) };
}

function nearestTable(inSize: number, outSize: number, userScale: number | undefined, exact: boolean,
                      shortcuts = true): AxisTable {
  const t = table(inSize, outSize, 1);
  for (let o = 0; o < outSize; o++) {
    t.index[o] = exact ? nearestExactIndex(o, inSize, outSize, userScale)
      : nearestIndex(o, inSize, outSize, userScale, shortcuts);
    t.weight[o] = 1;
  }
  return t;
}

function identityTable(size: number): AxisTable {
  return nearestTable(size, size, undefined, false);
}

function linearTable(inSize: number, outSize: number, alignCorners: boolean, userScale: number | undefined): AxisTable {
  const t = table(inSize, outSize, 2);
  if (inSize === outSize) {
    // PyTorch "copies" when the size is unchanged, whatever the scale or alignCorners, as
    // 1 * x[o] + 0 * x[o]: an infinity there becomes NaN, so keep the zero-weight tap.
    for (let o = 0; o < outSize; o++) {
      t.index[2 * o] = o;
      t.index[2 * o + 1] = o;
      t.weight[2 * o] = 1;
      t.weight[2 * o + 1] = 0;
    }
    return t;
  }
  const scale = areaPixelScale(inSize, outSize, alignCorners, userScale);
  for (let o = 0; o < outSize; o++) {
    const src = sourceIndex(scale, o, alignCorners, false);
    const i0 = Math.min(Math.trunc(src), inSize - 1);
    const lambda1 = Math.min(Math.max(f32(src - i0), 0), 1);
    t.index[2 * o] = i0;
    t.index[2 * o + 1] = i0 + (i0 < inSize - 1 ? 1 : 0);
    t.weight[2 * o] = f32(1 - lambda1);
    t.weight[2 * o + 1] = lambda1;
  }
  return t;
}

function cubicTable(inSize: number, outSize: number, alignCorners: boolean, userScale: number | undefined): AxisTable {
  const t = table(inSize, outSize, 4);
  const scale = areaPixelScale(inSize, outSize, alignCorners, userScale);
  for (let o = 0; o < outSize; o++) {
    const src = sourceIndex(scale, o, alignCorners, true);
    const i = Math.min(Math.floor(src), inSize - 1);
    const x = Math.min(Math.max(f32(src - i), 0), 1);
    // In float32 arithmetic, as PyTorch: near-zero weights keep PyTorch's sign, which decides
    // whether an infinity in that tap comes out as +Infinity or -Infinity.
    const x1 = f32(1 - x);
    const w = [cubicConvolution2f(f32(x + 1)), cubicConvolution1f(x), cubicConvolution1f(x1), cubicConvolution2f(f32(x1 + 1))];
    for (let k = 0; k < 4; k++) {
      t.index[4 * o + k] = Math.max(Math.min(i - 1 + k, inSize - 1), 0);
      t.weight[4 * o + k] = w[k];
    }
  }
  return t;
}

/**
 * Antialiased tables (PyTorch's _upsample_*_aa, after Pillow): the filter is widened by the scale
 * when downsampling, taps outside the input are dropped, and the weights are renormalised.
 */
function antialiasTable(inSize: number, outSize: number, alignCorners: boolean, userScale: number | undefined,
                        cubic: boolean): AxisTable {
  const filter = cubic ? antialiasCubicFilter : triangleFilter;
  const scale = areaPixelScale(inSize, outSize, alignCorners, userScale);
  // float32 throughout, as PyTorch's _compute_weights_aa: a weight that is exactly 0 there
  // (0 * Infinity = NaN) must be exactly 0 here too.
  const support = f32((cubic ? 2 : 1) * (scale >= 1 ? scale : 1));
  const invScale = scale >= 1 ? f32(1 / scale) : 1;
  const windows: Array<{ start: number; weights: number[] }> = [];
  let taps = 1;
  for (let o = 0; o < outSize; o++) {
    const center = f32(scale * (o + 0.5));
    const start = Math.max(Math.trunc(f32(center - support) + 0.5), 0);
    const size = Math.min(Math.trunc(f32(center + support) + 0.5), inSize) - start;
    const weights: number[] = [];
    let total = 0;
    for (let j = 0; j < size; j++) {
      const w = f32(filter(f32(f32(f32(j + start) - center) + 0.5) * invScale));
      weights.push(w);
      total = f32(total + w);
    }
    windows.push({ start, weights: total !== 0 ? weights.map((w) => f32(w / total)) : weights });
    taps = Math.max(taps, size);
  }
  // Windows shorter than `taps` are filled by halving their largest weights into adjacent taps
  // (exact: w/2 + w/2 = w), not with zero-weight taps: 0 * Infinity is NaN where PyTorch, which
  // loops over each window's own length, has no tap at all.
  const t = table(inSize, outSize, taps);
  windows.forEach(({ start, weights }, o) => {
    const pieces = weights.map((w, j) => ({ j, w }));
    while (pieces.length < taps) {
      let at = 0;
      for (let k = 1; k < pieces.length; k++) if (Math.abs(pieces[k].w) > Math.abs(pieces[at].w)) at = k;
      const half = { j: pieces[at].j, w: pieces[at].w / 2 };
      pieces.splice(at, 1, half, { ...half });
    }
    pieces.forEach(({ j, w }, k) => {
      t.index[o * taps + k] = start + j;
      t.weight[o * taps + k] = w;
    });
  });
  return t;
}

/**
 * The longest run of W outputs [lo, hi) on which the table repeats with period 2, starting at
 * either parity (an even start first on ties). Bilinear and bicubic 2x repeat from an odd start,
 * where both phases read the same sources, which the kernel's stretch loads once.
 */
export function periodTwoRun(t: AxisTable): [number, number] {
  const k = t.taps;
  const repeats = (o: number): boolean => {
    for (let i = 0; i < 2 * k; i++) {
      if (t.index[(o + 2) * k + i] !== t.index[o * k + i] + 1 || t.weight[(o + 2) * k + i] !== t.weight[o * k + i]) return false;
    }
    return true;
  };
  let best: [number, number] = [0, 0];
  for (const parity of [0, 1]) {
    let lo = -1;
    for (let o = parity; o + 3 < t.outSize; o += 2) {
      if (repeats(o)) {
        if (lo < 0) lo = o;
        if (o + 4 - lo > best[1] - best[0]) best = [lo, o + 4];
      } else {
        lo = -1;
      }
    }
  }
  return best;
}

/**
 * One axis's table for every mode but area (also used by resizeImage). `nearestShortcuts`: the
 * channels-last nearest kernel's copy/halve shortcuts (spatial rank > 1 and C == 1).
 */
export function axisTableFor(mode: Exclude<InterpolateMode, 'area'>, inSize: number, outSize: number,
                             userScale: number | undefined, alignCorners: boolean, antialias: boolean,
                             nearestShortcuts: boolean): AxisTable {
  switch (mode) {
    case 'nearest': return nearestTable(inSize, outSize, userScale, false, nearestShortcuts);
    case 'nearest-exact': return nearestTable(inSize, outSize, userScale, true);
    case 'bicubic': return antialias ? antialiasTable(inSize, outSize, alignCorners, userScale, true)
      : cubicTable(inSize, outSize, alignCorners, userScale);
    default: return antialias ? antialiasTable(inSize, outSize, alignCorners, userScale, false)
      : linearTable(inSize, outSize, alignCorners, userScale);
  }
}

// ---- options ----

function spatialList(value: number | number[], dims: number, what: string, inShape: number[]): number[] {
  if (typeof value === 'number') return new Array<number>(Math.max(dims, 0)).fill(value);
  if (!Array.isArray(value)) throw new TypeError(`${what} must be a number or an array of numbers, but got ${typeof value}`);
  if (value.length !== dims) {
    const name = what === 'size' ? 'output size' : 'scaleFactor';
    throw new Error(`Input and ${what === 'size' ? 'output' : 'scaleFactor'} must have the same number of spatial dimensions, ` +
      `but got input with spatial dimensions of ${formatShape(inShape)} and ${name} of ${formatShape(value)}`);
  }
  return value.slice();
}

/**
 * planInterpolate remembering the plans of the last `limit` (shape, options): building the tables
 * costs ~0.07 ms even for bilinear (5% of a W1 call into resident memory), more for bicubic and
 * antialias. A remembered plan came from the same shape and options, so only the tensors are
 * checked again. Each operations object (and each pool) holds its own.
 */
export function planCache(limit = 16): typeof planInterpolate {
  const plans = new Map<string, InterpolatePlan>();
  return (input, options) => {
    let key: string | undefined;
    try {
      const { out: _, ...rest } = options;
      key = `${(input.shape as unknown[]).join(',')}|${JSON.stringify(rest)}`;
    } catch {
      key = undefined; // not a plain object or shape: let planInterpolate refuse it
    }
    const known = key === undefined ? undefined : plans.get(key);
    if (known) {
      checkTensor(input, 'input');
      return { plan: known, out: checkOut(options.out, known.outputShape, [input]) };
    }
    const planned = planInterpolate(input, options);
    if (key !== undefined) {
      if (plans.size >= limit) plans.delete(plans.keys().next().value!);
      plans.set(key, planned.plan);
    }
    return planned;
  };
}

/** Validates everything PyTorch checks and builds the plan; throws before any work. */
export function planInterpolate(inputArg: Tensor, options: InterpolateOptions): { plan: InterpolatePlan; out?: Tensor } {
  const input = checkTensor(inputArg, 'input');
  if (options === null || typeof options !== 'object') {
    throw new TypeError('interpolate: options must be an object with size or scaleFactor');
  }
  checkOptionNames(options, OPTION_NAMES, 'interpolate');
  const mode = options.mode ?? 'nearest';
  if (!MODES.includes(mode)) {
    throw new RangeError(`interpolate: unknown mode '${String(mode)}'; expected one of ${MODES.join(' | ')}`);
  }
  const indexMode = mode === 'nearest' || mode === 'nearest-exact' || mode === 'area';
  const alignCornersArg = checkBoolean(options.alignCorners, 'alignCorners');
  if (indexMode && alignCornersArg !== undefined) {
    throw new Error('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  }
  const alignCorners = alignCornersArg ?? false;
  const recompute = checkBoolean(options.recomputeScaleFactor, 'recomputeScaleFactor') ?? false;
  const antialias = checkBoolean(options.antialias, 'antialias') ?? false;

  const shape = input.shape;
  const rank = shape.length - 2;
  const inSpatial = shape.slice(2);

  const { size, scaleFactor } = options;
  if (size !== undefined && scaleFactor !== undefined) throw new Error('only one of size or scale_factor should be defined');
  if (size === undefined && scaleFactor === undefined) throw new Error('either size or scale_factor should be defined');
  if (recompute && size !== undefined) throw new Error('recompute_scale_factor is not meaningful with an explicit size.');

  let outSpatial: number[];
  let userScales: Array<number | undefined> = [];
  if (size !== undefined) {
    outSpatial = spatialList(size, rank, 'size', inSpatial);
    for (const s of outSpatial) {
      if (typeof s !== 'number' || !Number.isInteger(s)) throw new TypeError(`size must hold integers, but got ${formatShape(outSpatial)}`);
      if (s < 0) throw new RangeError(`size must hold non-negative integers, but got ${formatShape(outSpatial)}`);
    }
  } else {
    const scales = spatialList(scaleFactor!, rank, 'scaleFactor', inSpatial);
    for (const s of scales) {
      if (typeof s !== 'number') throw new TypeError(`scaleFactor must hold numbers, but got ${formatShape(scales)}`);
      // 0 is legal: it gives an output size of 0, which only `area` accepts (checked below).
      if (!Number.isFinite(s) || s < 0) throw new RangeError(`scaleFactor must hold finite numbers >= 0, but got ${formatShape(scales)}`);
    }
    // floor(in * scale) in double, as both Python (recompute) and C++ compute it.
    outSpatial = inSpatial.map((n, i) => Math.floor(n * scales[i]));
    // `area` always recomputes; otherwise the user's scale drives the coordinates.
    if (!recompute && mode !== 'area') userScales = scales;
  }

  if (antialias && !((mode === 'bilinear' || mode === 'bicubic') && rank === 2)) {
    throw new Error('Anti-alias option is only supported for bilinear and bicubic modes');
  }
  if (rank < 1 || rank > 3) {
    throw new Error(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${shape.length}D) for the modes: ` +
      `nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  }
  const needRank = MODE_RANK[mode];
  if (needRank !== undefined && needRank !== shape.length) {
    throw new Error(`Got ${shape.length}D input, but ${mode} mode needs ${needRank}D input`);
  }
  const axisNames = ['D', 'H', 'W'].slice(3 - rank);
  const sizes = (v: number[]) => v.map((n, i) => `${axisNames[i]}: ${n}`).join(', ');
  const emptyOk = mode === 'area'; // adaptive pooling returns an empty tensor for an output size of 0
  if (inSpatial.some((n) => n <= 0) || (!emptyOk && outSpatial.some((n) => n <= 0))) {
    throw new RangeError(`Input and output sizes should be greater than 0, but got input (${sizes(inSpatial)}) output (${sizes(outSpatial)})`);
  }
  // PyTorch accepts a batch of 0; 0 channels only where adaptive pooling takes them (area, 3-D/4-D).
  if (shape[1] === 0 && !(mode === 'area' && rank <= 2)) {
    throw new RangeError(`Non-empty ${shape.length}D data tensor expected but got a tensor with sizes ${formatShape(shape)}`);
  }
  const outputShape = [shape[0], shape[1], ...outSpatial];
  // Before any table is built: a huge size or scale factor is a RangeError, not an allocation failure.
  checkElementCount(outputShape, `the output (from ${size !== undefined ? 'size' : 'scaleFactor'})`);
  const out = checkOut(options.out, outputShape, [input]);

  const pad = (v: number[]) => [1, 1, 1].map((one, i) => (i < 3 - rank ? one : v[i - (3 - rank)])) as [number, number, number];
  const base = { planes: shape[0] * shape[1], inDHW: pad(inSpatial), outDHW: pad(outSpatial), rank, outputShape };

  if (mode === 'area') {
    const start = [0, 1, 2].map(() => new Int32Array(0)) as AreaPlan['start'];
    const end = [0, 1, 2].map(() => new Int32Array(0)) as AreaPlan['end'];
    for (let a = 0; a < 3; a++) {
      const n = base.inDHW[a];
      const m = base.outDHW[a];
      start[a] = Int32Array.from({ length: m }, (_, o) => adaptiveStart(o, n, m));
      end[a] = Int32Array.from({ length: m }, (_, o) => adaptiveEnd(o, n, m));
    }
    const globalMean = outSpatial.every((n) => n === 1);
    return { plan: { kind: 'area', ...base, start, end, globalMean }, out };
  }

  const axisTable = (inSize: number, outSize: number, userScale: number | undefined): AxisTable =>
    axisTableFor(mode, inSize, outSize, userScale, alignCorners, antialias, rank > 1 && shape[1] === 1);
  const axes = [0, 1, 2].map((a) => {
    const i = a - (3 - rank);
    return i < 0 ? identityTable(1) : axisTable(inSpatial[i], outSpatial[i], userScales[i]);
  }) as SeparablePlan['axes'];

  const [inD, inH] = base.inDHW;
  const [, outH, outW] = base.outDHW;
  const tmpA = rank === 1 ? 0 : inD * inH * outW;
  const tmpB = rank === 3 ? inD * outH * outW : 0;
  // Keep one chunk's intermediates within half of a typical 1 MiB L2.
  const chunk = Math.max(1, Math.min(base.planes, Math.floor((512 * 1024) / (4 * Math.max(1, tmpA + tmpB)))));
  return {
    plan: { kind: 'separable', ...base, axes, period: periodTwoRun(axes[2]), chunk, tmpA: tmpA * chunk, tmpB: tmpB * chunk },
    out,
  };
}

export { product };
