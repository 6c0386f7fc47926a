// Axis-by-axis resizing with other frameworks' rules: ONNX Resize (`resize`, rules in
// src/rules/onnx.ts) and TensorFlow's `resizeBilinear` / `resizeNearestNeighbor` (NHWC, rules in
// src/rules/tf.ts). A rule module gives per-axis tables for any axes; this file orders them into
// passes (the last axis first, each pass one table blend over `outer x len x inner` blocks, the
// kernels interpolate uses) and, for tf_crop_and_resize, the fills of the extrapolated outputs.

import type { Prepared } from './ops.js';
import { PlanCache, planKey } from './plan-cache.js';
import { planResize, type ResizeAxis, type ResizeOptions } from './rules/onnx.js';
import { OPTION_NAMES } from './rules/onnx-options.js';
import { identityTable, periodTwoRun, type AxisTable } from './rules/pytorch.js';
import { planResizeBilinear, planResizeNearestNeighbor, TF_OPTION_NAMES, type TfResizeOptions } from './rules/tf.js';
import { integerType, type TensorData } from './dtype.js';
import { checkOut, checkTensor, product, snapshotOptions, typedOutput, type Tensor } from './tensor.js';

export type { ResizeOptions } from './rules/onnx.js';
export type { TfResizeOptions } from './rules/tf.js';

/** One table blend along one axis: blocks of `outer x inLen x inner` floats become `outer x outLen x inner`. */
export interface AxisPass {
  /** The axis it resizes. */
  axis: number;
  outer: number;
  inner: number;
  table: AxisTable;
  /** Outputs where the table repeats with period 2 (the contiguous-axis kernel's 2x stretch). */
  period: [number, number];
}

/** Slices set to `value`: index o along an axis of `len` where `outside[o]`. */
export interface OutsideFill {
  outer: number;
  len: number;
  inner: number;
  outside: Uint8Array;
  value: number;
  /** Wide plans: the pass it follows (later passes blend what it writes); else it follows the last. */
  pass?: number;
}

export interface ResizePlan {
  outputShape: number[];
  /** In order; the first reads the input, the last writes the output, others go through `tmp`. */
  passes: AxisPass[];
  /** In order: the zero-weight outputs of one-tap tables, then the extrapolated ones. */
  fills: OutsideFill[];
  /** Floats of each of the two intermediate buffers. */
  tmp: number;
  /**
   * Integer inputs of ONNX linear / cubic: float64 from the input to the rounding (weights from
   * `table.weight64`), the passes in the reference's order (`axes` as given, else ascending), each
   * pass's extrapolation written right after it, so that later passes blend it, as the reference's.
   */
  wide?: boolean;
}

/** What a resize reads. */
export interface ResizeInputs {
  input: TensorData;
}

/**
 * The plan when it only copies elements (nearest): then every element type is exact, as it is; its
 * fills write their value as that type gives it (an integer type's rounded, saturated value).
 */
export function resizeCopies(plan: ResizePlan): ResizePlan | undefined {
  return plan.passes.every((p) => p.table.taps === 1) ? plan : undefined;
}

/**
 * The passes and fills for a rule module's axes (none: one identity pass, a copy): the last axis
 * first, or for a wide plan (see ResizePlan) in the order `wideOrder` lists the axes.
 */
export function axisPasses(inputShape: readonly number[], outputShape: number[], axes: readonly ResizeAxis[],
                           extrapolationValue = 0, wideOrder?: readonly number[]): ResizePlan {
  const shape = inputShape.slice();
  const wide = wideOrder !== undefined;
  const order = axes.length > 0 ? [...axes].sort((a, b) => (wide ? wideOrder.indexOf(a.axis) - wideOrder.indexOf(b.axis) : b.axis - a.axis))
    : [{ axis: shape.length - 1, table: identityTable(shape[shape.length - 1]) }];
  const passes: AxisPass[] = [];
  let tmp = 0;
  order.forEach(({ axis, table }, i) => {
    passes.push({ axis, outer: product(shape.slice(0, axis)), inner: product(shape.slice(axis + 1)), table, period: passPeriod(table, wide) });
    shape[axis] = table.outSize;
    if (i < order.length - 1) tmp = Math.max(tmp, product(shape));
  });
  const fill = (axis: number, outside: Uint8Array, value: number): OutsideFill =>
    ({ outer: product(outputShape.slice(0, axis)), len: outputShape[axis], inner: product(outputShape.slice(axis + 1)), outside, value });
  // The one-tap kernels copy, never multiply: where nearest with excludeOutside weighs a sample 0
  // the output is +0 (the reference's empty sum), whatever the sample.
  const zeros = axes.filter((a) => a.table.taps === 1 && a.table.weight.some((w) => w === 0))
    .map(({ axis, table }) => fill(axis, Uint8Array.from(table.weight, (w) => (w === 0 ? 1 : 0)), 0));
  if (wide) {
    // The fill after each pass: the axes not yet resized at their input sizes.
    const fills = order.flatMap(({ axis, outside }, pass) => {
      if (!outside) return [];
      const now = outputShape.slice();
      for (const later of order.slice(pass + 1)) now[later.axis] = inputShape[later.axis];
      return [{ outer: product(now.slice(0, axis)), len: now[axis], inner: product(now.slice(axis + 1)), outside, value: extrapolationValue, pass }];
    });
    return { outputShape, passes, fills, tmp, wide };
  }
  const extrapolated = axes.filter((a) => a.outside).map(({ axis, outside }) => fill(axis, outside!, extrapolationValue));
  return { outputShape, passes, fills: [...zeros, ...extrapolated], tmp };
}

/** Where the pass's table repeats with period 2, in the weights its kernel reads (float64 for wide plans). */
export function passPeriod(table: AxisTable, wide: boolean | undefined): [number, number] {
  return periodTwoRun(table, wide ? table.weight64 : table.weight);
}

/** Options as the caller gave them, copied once (snapshotOptions; non-objects and arrays go on to the rules, which refuse them). */
function snapshot<T>(options: T, known: readonly string[]): T {
  return options !== null && typeof options === 'object' && !Array.isArray(options) ? snapshotOptions(options, known) as T : options;
}

function prepared(input: Tensor<TensorData>, plan: ResizePlan, outArg: unknown): Prepared<Tensor<TensorData>, ResizePlan, ResizeInputs> {
  const out = checkOut(outArg, plan.outputShape, [input], input.data);
  return { plan, inputs: { input: input.data }, outputLength: product(plan.outputShape), allocate: () => typedOutput(plan.outputShape, out, input.data) };
}

const plans = new PlanCache<ResizePlan>();

/** The plan for `shape` and `options`, remembered by both (building tables costs ~0.1 ms a call). */
function cached(op: string, shape: number[], options: unknown, extra: unknown, build: () => ResizePlan): ResizePlan {
  const { out: _, ...rest } = options !== null && typeof options === 'object' ? options as Record<string, unknown> : { options };
  const key = planKey([op, shape, extra, rest]); // none for values that are not plain data: the rules see them
  return key === undefined ? build() : plans.get(key, build);
}

/** `resize`'s table entry: ONNX Resize (opset 19) on a float32 tensor of any rank. */
export function prepareResize(inputArg: Tensor<TensorData>, optionsArg: ResizeOptions): Prepared<Tensor<TensorData>, ResizePlan, ResizeInputs> {
  const input = checkTensor(inputArg, 'input', true);
  const options = snapshot(optionsArg, OPTION_NAMES);
  // Integer inputs that blend take the reference's float64 steps (ResizePlan.wide).
  const integer = integerType(input.data) !== undefined;
  const plan = cached('resize', input.shape, options, integer, () => {
    const rules = planResize(input.shape, options);
    const wide = integer && rules.options.mode !== 'nearest' && rules.axes.length > 0;
    return axisPasses(input.shape, rules.outputShape, rules.axes, rules.extrapolationValue, wide ? rules.order : undefined);
  });
  return prepared(input, plan, options?.out);
}

type TfFunction = (images: Tensor<TensorData>, size: [number, number], options?: TfResizeOptions) =>
  Prepared<Tensor<TensorData>, ResizePlan, ResizeInputs>;

/** The table entry of TensorFlow's resizeBilinear (bilinear) or resizeNearestNeighbor, NHWC. */
export function prepareTfResize(bilinear: boolean): TfFunction {
  const rules = bilinear ? planResizeBilinear : planResizeNearestNeighbor;
  return (imagesArg, sizeArg, optionsArg) => {
    const images = checkTensor(imagesArg, 'images', true);
    const options = snapshot(optionsArg, TF_OPTION_NAMES);
    const size = Array.isArray(sizeArg) ? sizeArg.slice() : sizeArg;
    const plan = cached(bilinear ? 'bilinear' : 'nearest', images.shape, options, size, () => {
      const tf = rules(images.shape, size, options);
      return axisPasses(images.shape, tf.outputShape, tf.axes);
    });
    return prepared(images, plan, options?.out);
  };
}
