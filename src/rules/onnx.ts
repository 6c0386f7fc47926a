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
//
// This file: shapes and the plan; the options and their checks in ./onnx-options.ts, one axis's
// table in ./onnx-axis.ts (re-exported here, the one entry for callers).

import type { AxisTable } from './pytorch.js';
import { resizeAxisTable, type AxisGeometry } from './onnx-axis.js';
import { fail, normalizeResizeOptions, numberList, show, type NormalizedResizeOptions, type ResizeOptions } from './onnx-options.js';

export { COORDINATE_RULES, NEAREST_RULES, nearestIndex, resizeAxisTable, tapWindow, type AxisGeometry, type CoordinateRule, type NearestRule } from './onnx-axis.js';
export { normalizeResizeOptions, type CoordinateTransformationMode, type KeepAspectRatioPolicy, type NearestMode, type NormalizedResizeOptions,
  type ResizeMode, type ResizeOptions } from './onnx-options.js';

const f32 = Math.fround;

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
  /** The axes in the order the reference resizes them: as `axes` gives them, else ascending (identity axes too). */
  order: number[];
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
  order: number[];
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

  // Per-axis scale and output size: floor(in * float32 scale) in float64, or the sizes under the policy.
  const scale = shape.map(() => 1);
  const outputShape = shape.slice();
  if (scales) {
    axes.forEach((d, i) => { scale[d] = scales[i]; outputShape[d] = Math.floor(shape[d] * scales[i]); });
  } else if (o.keepAspectRatioPolicy === 'stretch') {
    axes.forEach((d, i) => { scale[d] = sizes![i] / shape[d]; outputShape[d] = sizes![i]; });
  } else {
    // As the reference: an empty axis's ratio is Infinity (or NaN for a size of 0), min / max carry
    // NaN, and an output size that is not finite is its refusal (int() of inf or NaN raises).
    const ratios = axes.map((d, i) => sizes![i] / shape[d]);
    const common = o.keepAspectRatioPolicy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
    axes.forEach((d) => { scale[d] = common; outputShape[d] = Math.floor(common * shape[d] + 0.5); });
    if (axes.some((d) => !Number.isFinite(outputShape[d]))) {
      fail('range', `keepAspectRatioPolicy '${o.keepAspectRatioPolicy}' gives no finite output size for sizes ${show(sizes)} and shape ${show(shape)}`);
    }
  }
  const result: ResizeGeometry = { inputShape: shape, outputShape, axes: [], options: o, order: axes };
  const sorted = axes.map((d, i) => ({ d, i })).sort((p, q) => p.d - q.d);
  for (const { d, i } of sorted) {
    const roiStart = roi ? roi[i] : 0;
    const roiEnd = roi ? roi[n + i] : 1;
    const inSize = shape[d];
    const outSize = outputShape[d];
    // The reference skips an axis whose scale is 1 with an unchanged size and full roi.
    if (isClose(scale[d], 1) && outSize === inSize && (!roi || (roiStart === 0 && isClose(roiEnd, 1)))) continue;
    // The reference asks for roi only where an axis has outputs to place.
    if (o.coordinateTransformationMode === 'tf_crop_and_resize' && !roi && outSize > 0) {
      fail('plain', `coordinateTransformationMode 'tf_crop_and_resize' needs roi (axis ${d} is resized from ${inSize} to ${outSize})`);
    }
    if (inSize === 0 && outSize > 0) {
      // The reference resizes in ascending axis order and numpy's take refuses an empty axis only
      // while the rest of the tensor is not empty; otherwise the pass has nothing to read or write.
      const rest = shape.reduce((p, n, e) => (e === d ? p : p * (e < d ? outputShape[e] : n)), 1);
      if (rest > 0) fail('range', `axis ${d} has size 0 and cannot be resized to ${outSize}`);
    }
    if (!(outSize <= 0x7fffffff)) fail('range', `output size ${outSize} of axis ${d} is out of range`);
    const geometry: AxisGeometry = { inSize, outSize, scale: scale[d], outWidth: scale[d] * inSize, roiStart, roiEnd };
    result.axes.push({ axis: d, geometry });
  }
  return result;
}

/** The full plan: output shape and one table per resized axis. */
export function planResize(inputShape: readonly number[], options: ResizeOptions = {}): ResizePlan {
  const { inputShape: shape, outputShape, axes, options: o, order } = resizeGeometry(inputShape, options);
  return { inputShape: shape, outputShape, extrapolationValue: o.extrapolationValue, options: o, order,
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
