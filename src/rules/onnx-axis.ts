// One axis of ONNX Resize as a table of taps: the coordinate rule of each
// coordinate_transformation_mode, the tap window and the rounding of each nearest_mode as the
// reference (onnx/reference/ops/op_resize.py, float64) finds them, the linear and cubic filters
// with antialias and exclude_outside, and tf_crop_and_resize's outside marks.

import type { CoordinateTransformationMode, NearestMode, NormalizedResizeOptions } from './onnx-options.js';
import { numpySum } from './numpy-sum.js';
import type { AxisTable } from './pytorch.js';

const f32 = Math.fround;

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
  // roi is a float32 tensor: under numpy 2 (NEP 50) the reference's roi[1] - roi[0], a lone output's
  // extent * (in - 1) / 2 and the offset roi[0] * (in - 1) are float32 (a float32 scalar times an int
  // stays float32); only y * extent... is float64 (y is a float64 array).
  tf_crop_and_resize: (y, g) => {
    const extent = f32(g.roiEnd - g.roiStart);
    const x = g.outWidth === 1 ? f32(f32(extent * (g.inSize - 1)) / 2) : (y * extent * (g.inSize - 1)) / (g.outWidth - 1);
    return x + f32(g.roiStart * (g.inSize - 1));
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

/** Keys' cubic convolution with coefficient a, at distance d >= 0, as the reference's antialias filter writes it. */
function keys(d: number, a: number): number {
  const d2 = d * d;
  const d3 = d * d2;
  if (d <= 1) return (a + 2) * d3 - (a + 3) * d2 + 1;
  if (d < 2) return a * d3 - 5 * a * d2 + 8 * a * d - 4 * a;
  return 0;
}

/** The reference's four plain cubic weights at ratio r (Horner forms, its float64 steps). */
function cubicWeights(r: number, a: number): number[] {
  const outer = (d: number): number => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  const inner = (d: number): number => ((a + 2) * d - (a + 3)) * d * d + 1;
  return [outer(r + 1), inner(r), inner(1 - r), outer((1 - r) + 1)];
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
    w.push(...cubicWeights(ratio, o.cubicCoeffA));
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
  // An empty axis (accepted only where the pass is empty: ./onnx.ts) clamps to 0, never read.
  const clamp = (i: number): number => Math.max(0, Math.min(i, last));
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
    index: new Int32Array(g.outSize * taps), weight: new Float32Array(g.outSize * taps), weight64: new Float64Array(g.outSize * taps) };
  rows.forEach(({ first, w }, y) => {
    if (o.excludeOutside) {
      for (let k = 0; k < taps; k++) if (first + k < 0 || first + k > last) w[k] = 0;
      const sum = numpySum(w, 0, taps); // numpy's sum along the taps
      if (sum !== 0) for (let k = 0; k < taps; k++) w[k] /= sum;
    }
    for (let k = 0; k < taps; k++) {
      table.index[y * taps + k] = clamp(first + k);
      table.weight64![y * taps + k] = w[k];
      table.weight[y * taps + k] = w[k];
    }
  });
  return { table, outside };
}
