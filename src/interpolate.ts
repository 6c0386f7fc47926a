// F.interpolate: option parsing, PyTorch 1.13's refusals, output sizes and the plan (per-axis
// index/weight tables from src/rules/pytorch.ts). Every backend runs the plan built here; they
// differ only in inner loops.

import { adaptiveEnd, adaptiveStart, axisTableFor, identityTable, periodTwoRun, type AxisTable } from './rules/pytorch.js';
import type { Prepared } from './ops.js';
import { PlanCache, planKey } from './plan-cache.js';
import { axisPasses, resizeCopies, type ResizePlan } from './resize.js';
import type { TensorData } from './dtype.js';
import { checkBoolean, checkElementCount, checkOut, checkTensor, formatShape, product, readOptions, typedOutput, type Tensor } from './tensor.js';

export type { AxisTable } from './rules/pytorch.js';

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
  /**
   * 'nchw' (default): (N, C, ...spatial), as PyTorch. 'nhwc': channels last, (N, ...spatial, C),
   * computed in that layout (the same values as the NCHW result, permuted).
   */
  layout?: InterpolateLayout;
  /** A tensor of exactly the result's shape and the input's element type to write into (it is returned). */
  out?: Tensor<TensorData>;
}

export type InterpolateLayout = 'nchw' | 'nhwc';

const OPTION_NAMES = ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor', 'antialias', 'layout', 'out'] as const;
const LAYOUTS: readonly InterpolateLayout[] = ['nchw', 'nhwc'];
const MODES: readonly InterpolateMode[] = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area'];
/** The rank each interpolating mode needs; index modes take any of 3-D, 4-D, 5-D. */
const MODE_RANK: Partial<Record<InterpolateMode, number>> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };

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
  /** The innermost stride: 1 for NCHW; C channels last, where `planes` is then the batch. */
  channels: number;
}

/**
 * Channels last: the same per-axis tables as a SeparablePlan, run as resize's axis passes with the
 * channels as the innermost stride (the 2-D kernel's channels, or blendAxis's inner).
 */
export interface ChannelsLastPlan {
  kind: 'passes';
  outputShape: number[];
  resize: ResizePlan;
}

export type InterpolatePlan = SeparablePlan | AreaPlan | ChannelsLastPlan;

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

/** What an interpolate call reads. */
export interface InterpolateInputs {
  input: TensorData;
}

const copyPasses = new WeakMap<InterpolatePlan, ResizePlan>();

/**
 * A plan that only copies elements (nearest), as axis passes of its one-tap tables over
 * (planes, D, H, W), unchanged axes left out; undefined for a plan that blends. Every element
 * type is exact through such a plan, as it is.
 */
export function interpolateCopies(plan: InterpolatePlan): ResizePlan | undefined {
  if (plan.kind === 'passes') return resizeCopies(plan.resize);
  if (plan.kind !== 'separable' || !plan.axes.every((t) => t.taps === 1)) return undefined;
  let passes = copyPasses.get(plan);
  if (!passes) {
    const axes = plan.axes.map((table, i) => ({ axis: 1 + i, table }))
      .filter(({ table }) => table.inSize !== table.outSize || table.index.some((k, o) => k !== o));
    passes = axisPasses([plan.planes, ...plan.inDHW], [plan.planes, ...plan.outDHW], axes);
    copyPasses.set(plan, passes);
  }
  return passes;
}

const plans = new PlanCache<InterpolatePlan>();

/** interpolate's table entry: reads the call once, validates it, plans it (remembered by shape and options). */
export function prepareInterpolate(inputArg: Tensor<TensorData>, optionsArg: InterpolateOptions):
  Prepared<Tensor<TensorData>, InterpolatePlan, InterpolateInputs> {
  const input = checkTensor(inputArg, 'input', true);
  const options = readOptions(optionsArg, OPTION_NAMES, 'interpolate', 'with size or scaleFactor');
  const { out: outArg, ...rest } = options;
  const key = planKey([input.shape, rest]); // none for values that are not plain data: planInterpolate refuses them
  const plan = key === undefined ? planInterpolate(input, rest) : plans.get(key, () => planInterpolate(input, rest));
  const out = checkOut(outArg, plan.outputShape, [input], input.data);
  return { plan, inputs: { input: input.data }, outputLength: product(plan.outputShape), allocate: () => typedOutput(plan.outputShape, out, input.data) };
}

/**
 * Validates everything PyTorch checks and builds the plan; throws before any work. Channels-last
 * input is validated and planned as its NCHW permutation (the same refusals and tables), then
 * laid out as axis passes over (N, ...spatial, C), or for `area` pooled with C as the innermost stride.
 */
export function planInterpolate(input: Tensor<TensorData>, options: Omit<InterpolateOptions, 'out'>,
                                view?: NearestView): InterpolatePlan {
  const { layout = 'nchw', ...rest } = options;
  if (!LAYOUTS.includes(layout)) {
    throw new RangeError(`interpolate: unknown layout '${String(layout)}'; expected one of ${LAYOUTS.join(' | ')}`);
  }
  const shape = input.shape;
  if (layout === 'nchw' || shape.length < 3) return planChannelsFirst(input, rest, view);
  const last = shape.length - 1;
  const plan = planChannelsFirst({ data: input.data, shape: [shape[0], shape[last], ...shape.slice(1, last)] }, rest);
  const outSpatial = plan.outputShape.slice(2);
  const outputShape = [shape[0], ...outSpatial, shape[last]];
  // area pools channels last in place: the same windows, the channels as the innermost stride.
  if (plan.kind === 'area') return { ...plan, planes: shape[0], channels: shape[last], outputShape };
  const axes = outSpatial.map((_, i) => ({ axis: 1 + i, table: plan.axes[3 - plan.rank + i] }));
  return { kind: 'passes', outputShape, resize: axisPasses(shape, outputShape, axes) };
}

/**
 * What PyTorch's input looks like to its nearest kernels, where it is not a contiguous tensor of
 * the input's shape (upsampleArgmax's crop is a view into the logits): whether it is channels-last
 * contiguous, which alone takes 1.13's channels-last kernel and its copy / halve shortcuts.
 */
export interface NearestView {
  channelsLast: boolean;
}

function planChannelsFirst(input: Tensor<TensorData>, options: Omit<InterpolateOptions, 'out' | 'layout'>,
                           view?: NearestView): SeparablePlan | AreaPlan {
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
    return { kind: 'area', ...base, start, end, globalMean, channels: 1 };
  }

  const axisTable = (inSize: number, outSize: number, userScale: number | undefined): AxisTable =>
    // A contiguous tensor is channels-last contiguous too when C == 1 (size-1 dimensions have any stride).
    axisTableFor(mode, inSize, outSize, userScale, alignCorners, antialias, rank > 1 && (view?.channelsLast ?? shape[1] === 1));
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
  return { kind: 'separable', ...base, axes, period: periodTwoRun(axes[2]), chunk, tmpA: tmpA * chunk, tmpB: tmpB * chunk };
}
