// OpenCV's cv::resize rules on uint8 images (OpenCV 4.6, modules/imgproc/src/resize.cpp), as
// exact tables for the shared kernel in src/js/image-exact.ts.
//
// cv::resize(src, dsize, fx, fy, interpolation):
// - dsize given: inv_scale = dsize / ssize (double); else dsize = round(ssize * f) (half to
//   even) and inv_scale = f. scale = 1 / inv_scale (double). dsize == ssize: a copy.
// - INTER_NEAREST: src = min(floor(dst * scale), in - 1), in double.
// - INTER_NEAREST_EXACT: 16-bit fixed point, ifx = ((in << 16) + out / 2) / out (integer),
//   ifx0 = ifx / 2 - 1, src = min((ifx * dst + ifx0) >> 16, in - 1). (Later OpenCV releases
//   subtract in % 2 instead of 1, which moves even-sized inputs; 4.6 subtracts 1, as measured.)
// - INTER_LINEAR with both scales exactly 2: runs INTER_AREA (its integer fast path).
// - INTER_LINEAR_EXACT (resize_bitExact, interpolationLinear): both scales exactly 2 and
//   channels != 2: INTER_AREA's fast path; otherwise fx = (dst + 0.5) * scale - 0.5 in double,
//   sx = floor(fx); sx < 0 (or a 1-pixel side): the first pixel, sx >= in - 1: the last;
//   between, coefficients 256 - c and c = round(256 * (fx - sx)) half to even (8 fractional bits).
//   Rows of h = c0 p0 + c1 p1, then (c0 h0 + c1 h1 + 2^15) >> 16.
// - INTER_AREA with both scales >= 1: integer scales: block sums (fast path); otherwise
//   fractional-area float tables (computeResizeAreaTab), summed in float32 along rows then
//   columns and rounded half to even. With any scale < 1: the linear kernel below with the
//   "area" coordinate rule sx = floor(dst * scale), f = (dst + 1) - (sx + 1) * inv_scale,
//   f = f <= 0 ? 0 : f - floor(f) (bilinear-like upscale).
// - INTER_LINEAR / INTER_CUBIC / INTER_LANCZOS4 (2 / 4 / 8 taps): fx = float((dst + 0.5) *
//   scale - 0.5), sx = floor(fx), fx -= sx (fx can be 1.0 after the float rounding);
//   coefficients in float, quantised each to
//   saturate_cast<short>(c * 2048) (INTER_RESIZE_COEF_BITS = 11, half to even, no sum fix-up);
//   taps at sx - (taps/2 - 1) + t clamped to the image. Linear alone moves an out-of-range sx to
//   the edge with fx = 0 horizontally. The horizontal pass keeps the int32 sums (scaled by 2^11),
//   the vertical pass rounds them back to bytes: linear `((b0 * (S0 >> 4)) >> 16) +
//   ((b1 * (S1 >> 4)) >> 16) + 2) >> 2`; cubic and lanczos4 `(sum b * S + 2^21) >> 22`
//   saturated, except that INTER_CUBIC's SIMD loop (8 bytes at a time on SSE2) computes
//   round(float32 S0 b0' + (S1 b1' + (S2 b2' + S3 b3'))) with b' = b / 2^22.

import { checkExactSizes, identityTable, roundHalfEven, tableFromWindows, type ExactArithmetic, type ExactAxisTable, type ExactPlan, type PassRule } from './exact.js';

export type OpenCVMode = 'nearest' | 'nearest-exact' | 'linear' | 'cubic' | 'area' | 'lanczos4' | 'linear-exact';

export const OPENCV_MODES: readonly OpenCVMode[] = ['nearest', 'nearest-exact', 'linear', 'cubic', 'area', 'lanczos4', 'linear-exact'];

/** INTER_LINEAR_EXACT's fractional bits (ufixedpoint16 for 8-bit images). */
export const LINEAR_EXACT_BITS = 8;

export const INTER_RESIZE_COEF_BITS = 11;
export const INTER_RESIZE_COEF_SCALE = 1 << INTER_RESIZE_COEF_BITS;
/** SIMD width of the cubic vertical loop in Debian's build (baseline SSE2: 8 int16 lanes). */
export const OPENCV_CUBIC_SIMD_LANES = 8;

const f32 = Math.fround;
const DBL_EPSILON = 2.220446049250313e-16;
const F32_1E6 = Math.fround(1e-6);
const F32_1E30 = Math.fround(1e30);

/**
 * cv2.cvtColor(rgb, COLOR_RGB2GRAY) on uint8: (9798 R + 19235 G + 3735 B + 2^14) >> 15 (OpenCV
 * 4.6's 15-bit R2Y / G2Y / B2Y), written as 16-bit weights with the same rounding (each doubled),
 * so one luma kernel serves it and Pillow's convert('L') (19595, 38470, 7471).
 */
export const OPENCV_GRAY_WEIGHTS: readonly [number, number, number] = [19596, 38470, 7470];

/** cv2.resize's target: dsize (width, height) or scale factors (fx, fy). */
export type OpenCVTarget = { width: number; height: number } | { fx: number; fy: number };

/** Output size and the inverse scales cv::resize hands to hal::resize. */
export function opencvTargetSize(width: number, height: number, target: OpenCVTarget):
  { outWidth: number; outHeight: number; invScaleX: number; invScaleY: number } {
  if ('fx' in target) {
    return {
      outWidth: roundHalfEven(width * target.fx), outHeight: roundHalfEven(height * target.fy),
      invScaleX: target.fx, invScaleY: target.fy,
    };
  }
  return { outWidth: target.width, outHeight: target.height, invScaleX: target.width / width, invScaleY: target.height / height };
}

/** saturate_cast<short>(c * INTER_RESIZE_COEF_SCALE), c a float. */
function quantise(c: number): number {
  const v = roundHalfEven(f32(c * INTER_RESIZE_COEF_SCALE));
  return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

/** interpolateCubic (A = -0.75), every operation in float32. */
export function opencvCubicCoefficients(x: number): [number, number, number, number] {
  const A = -0.75;
  const x1 = f32(x + 1);
  const c0 = f32(f32(f32(f32(f32(f32(A * x1) - 5 * A) * x1) + 8 * A) * x1) - 4 * A);
  const c1 = f32(f32(f32(f32(f32((A + 2) * x) - (A + 3)) * x) * x) + 1);
  const y = f32(1 - x);
  const c2 = f32(f32(f32(f32(f32((A + 2) * y) - (A + 3)) * y) * y) + 1);
  const c3 = f32(f32(f32(1 - c0) - c1) - c2);
  return [c0, c1, c2, c3];
}

const S45 = 0.70710678118654752440084436210485;
const LANCZOS_CS: readonly [number, number][] = [[1, 0], [-S45, -S45], [0, 1], [S45, -S45], [-1, 0], [S45, S45], [0, -1], [-S45, S45]];

/**
 * interpolateLanczos4: sin and cos in double, the coefficients and their normalisation in
 * float32. A tap at distance |x + 3 - i| < 1e-6 gets 1e30 before the normalisation (so x = 0
 * gives [0,0,0,1,0,0,0,0] and x = 1, which the float rounding of a position just below an
 * integer produces, gives [0,0,0,0,1,0,0,0]): OpenCV 4.6's rule, measured (an older early
 * return for x < FLT_EPSILON would give NaN at x = 1).
 */
export function opencvLanczos4Coefficients(x: number): number[] {
  const x3 = f32(x + 3);
  const y0 = -x3 * Math.PI * 0.25;
  const s0 = Math.sin(y0), c0 = Math.cos(y0);
  const coeffs: number[] = [];
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const d = f32(x3 - i);
    let c: number;
    if (Math.abs(d) >= F32_1E6) {
      const y = -d * Math.PI * 0.25;
      c = f32((LANCZOS_CS[i][0] * s0 + LANCZOS_CS[i][1] * c0) / (y * y));
    } else {
      c = F32_1E30;
    }
    coeffs.push(c);
    sum = f32(sum + c);
  }
  const inv = f32(1 / sum);
  return coeffs.map((c) => f32(c * inv));
}

function clampIndex(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

type Kernel = 'linear' | 'cubic' | 'lanczos4';

/**
 * The fixed-point table of INTER_LINEAR / INTER_CUBIC / INTER_LANCZOS4 (and INTER_AREA's
 * bilinear-like upscale with `area` coordinates) for one axis. `horizontal` applies linear's
 * edge rule (sx outside [0, in - 1) moves to the edge with f = 0), which OpenCV applies to
 * columns only.
 */
export function opencvInterpolationTable(inSize: number, outSize: number, scale: number, invScale: number,
                                         kernel: Kernel, area: boolean, horizontal: boolean): ExactAxisTable {
  const taps = kernel === 'linear' ? 2 : kernel === 'cubic' ? 4 : 8;
  const half = taps / 2;
  const windows = [];
  for (let d = 0; d < outSize; d++) {
    let s: number, f: number;
    if (!area) {
      f = f32((d + 0.5) * scale - 0.5);
      s = Math.floor(f);
      f = f32(f - s);
    } else {
      s = Math.floor(d * scale);
      f = f32((d + 1) - (s + 1) * invScale);
      f = f <= 0 ? 0 : f32(f - Math.floor(f));
    }
    if (horizontal && kernel === 'linear') {
      if (s < 0) { f = 0; s = 0; }
      if (s >= inSize - 1) { f = 0; s = inSize - 1; }
    }
    const c = kernel === 'linear' ? [f32(1 - f), f] : kernel === 'cubic' ? opencvCubicCoefficients(f) : opencvLanczos4Coefficients(f);
    const index: number[] = [], weight: number[] = [], fixed: number[] = [];
    for (let t = 0; t < taps; t++) {
      index.push(clampIndex(s - (half - 1) + t, inSize));
      weight.push(c[t]);
      fixed.push(quantise(c[t]));
    }
    windows.push({ index, weight, fixed });
  }
  return tableFromWindows(inSize, windows, INTER_RESIZE_COEF_BITS, true);
}

/** INTER_LINEAR_EXACT's table for one axis (interpolationLinear::getCoeffs with ufixedpoint16 coefficients). */
export function opencvLinearExactTable(inSize: number, outSize: number, invScale: number): ExactAxisTable {
  const one = 1 << LINEAR_EXACT_BITS;
  const scale = 1 / invScale;
  const windows = [];
  for (let d = 0; d < outSize; d++) {
    const f = scale * (d + 0.5) - 0.5;
    const s = Math.floor(f);
    // Outside [0, in - 1) (and a 1-pixel side): the edge pixel, copied.
    const edge = s < 0 || inSize === 1 ? 0 : s >= inSize - 1 ? inSize - 1 : -1;
    if (edge >= 0) {
      windows.push({ index: [edge, edge], weight: [1, 0], fixed: [one, 0] });
      continue;
    }
    const c = roundHalfEven((f - s) * one);
    windows.push({ index: [s, s + 1], weight: [(one - c) / one, c / one], fixed: [one - c, c] });
  }
  return tableFromWindows(inSize, windows, LINEAR_EXACT_BITS, true);
}

/** computeResizeAreaTab: fractional-area float weights for a shrink by a non-integer `scale` >= 1. */
export function opencvAreaTable(inSize: number, outSize: number, scale: number): ExactAxisTable {
  const windows = [];
  for (let d = 0; d < outSize; d++) {
    const fsx1 = d * scale;
    const fsx2 = fsx1 + scale;
    const cellWidth = Math.min(scale, inSize - fsx1);
    let sx1 = Math.ceil(fsx1);
    let sx2 = Math.floor(fsx2);
    sx2 = Math.min(sx2, inSize - 1);
    sx1 = Math.min(sx1, sx2);
    const index: number[] = [], weight: number[] = [];
    if (sx1 - fsx1 > 1e-3) { index.push(sx1 - 1); weight.push(f32((sx1 - fsx1) / cellWidth)); }
    for (let sx = sx1; sx < sx2; sx++) { index.push(sx); weight.push(f32(1 / cellWidth)); }
    if (fsx2 - sx2 > 1e-3) { index.push(sx2); weight.push(f32(Math.min(Math.min(fsx2 - sx2, 1), cellWidth) / cellWidth)); }
    windows.push({ index, weight });
  }
  return tableFromWindows(inSize, windows, 0, false);
}

/** INTER_AREA's integer-factor blocks: taps = factor, weight 1 inside the image, 0 past its edge. */
export function opencvBlockTable(inSize: number, outSize: number, factor: number): ExactAxisTable {
  const taps = factor;
  const index = new Int32Array(outSize * taps);
  const fixed = new Int32Array(outSize * taps);
  const weight = new Float32Array(outSize * taps);
  const count = new Int32Array(outSize);
  for (let d = 0; d < outSize; d++) {
    let n = 0;
    for (let t = 0; t < taps; t++) {
      const s = d * factor + t;
      const inside = s < inSize;
      index[d * taps + t] = clampIndex(s, inSize);
      fixed[d * taps + t] = inside ? 1 : 0;
      weight[d * taps + t] = inside ? 1 : 0;
      if (inside) n++;
    }
    count[d] = n;
  }
  return { inSize, outSize, taps, index, weight, count, fixed, fixedBits: 0, identity: factor === 1 && inSize === outSize };
}

/** resizeNN: floor(dst * (1 / inv_scale)) in double. */
export function opencvNearestIndex(inSize: number, outSize: number, invScale: number): Int32Array {
  const ifx = 1 / invScale;
  return Int32Array.from({ length: outSize }, (_, x) => Math.min(Math.floor(x * ifx), inSize - 1));
}

/**
 * resizeNN_bitexact: 16-bit fixed point with pixel centres, as OpenCV 4.6 has it: the offset is
 * ifx / 2 - 1 for every input size (newer releases use ifx / 2 - in % 2). Computed in exact
 * integers: OpenCV's int32 `in << 16` wraps from in = 32768 and its ifx rounds to 0 or 1 past a
 * ~43690x upscale, and both make it read before the row (undefined there; our kernels would read
 * out of bounds too), so there we take the unwrapped index, clamped to the image.
 */
export function opencvNearestExactIndex(inSize: number, outSize: number): Int32Array {
  const ifx = Math.floor((inSize * 65536 + Math.floor(outSize / 2)) / outSize);
  const ifx0 = Math.floor(ifx / 2) - 1;
  return Int32Array.from({ length: outSize }, (_, x) => clampIndex(Math.floor((ifx * x + ifx0) / 65536), inSize));
}

function indexTable(inSize: number, index: Int32Array): ExactAxisTable {
  return tableFromWindows(inSize, Array.from(index, (i) => ({ index: [i], weight: [1], fixed: [1] })), 0, true);
}

const FIXED_ROWS: PassRule = { kind: 'fixed', preShift: 0, mulShift: 0, bias: 0, shift: 0, clamp: 'none' };

/** OpenCV's fixed-point passes: int32 row sums kept unrounded, then `vertical` makes the bytes. */
function int32Rows(vertical: PassRule): ExactArithmetic {
  return { first: 'horizontal', intermediate: 'int32', horizontal: FIXED_ROWS, vertical, skipIdentity: false, alpha: 'none' };
}

/** The plan of cv2.resize(src, target, interpolation=mode) on a uint8 width x height x channels image. */
export function planOpenCVResize(width: number, height: number, channels: number, target: OpenCVTarget,
                                 mode: OpenCVMode): ExactPlan {
  if (!OPENCV_MODES.includes(mode)) throw new RangeError(`opencv: unknown mode '${String(mode)}'; expected one of ${OPENCV_MODES.join(' | ')}`);
  if ('fx' in target && !(target.fx > 0 && target.fy > 0 && Number.isFinite(target.fx) && Number.isFinite(target.fy))) {
    throw new RangeError(`opencv: fx and fy must be finite numbers > 0, but got fx=${target.fx}, fy=${target.fy}`);
  }
  const { outWidth, outHeight, invScaleX, invScaleY } = opencvTargetSize(width, height, target);
  checkExactSizes('opencv', width, height, channels, outWidth, outHeight);
  const base = { kind: 'exact' as const, convention: 'opencv' as const, mode, width, height, channels, outWidth, outHeight };
  const copy: ExactArithmetic = {
    first: 'horizontal', intermediate: 'uint8', horizontal: { kind: 'copy' }, vertical: { kind: 'copy' }, skipIdentity: true, alpha: 'none',
  };
  if (outWidth === width && outHeight === height) {
    return { ...base, rows: identityTable(height, 0), cols: identityTable(width, 0), arithmetic: copy };
  }
  if (mode === 'nearest') {
    return {
      ...base, arithmetic: copy,
      rows: indexTable(height, opencvNearestIndex(height, outHeight, invScaleY)),
      cols: indexTable(width, opencvNearestIndex(width, outWidth, invScaleX)),
    };
  }
  if (mode === 'nearest-exact') {
    return {
      ...base, arithmetic: copy,
      rows: indexTable(height, opencvNearestExactIndex(height, outHeight)),
      cols: indexTable(width, opencvNearestExactIndex(width, outWidth)),
    };
  }
  const scaleX = 1 / invScaleX, scaleY = 1 / invScaleY;
  // saturate_cast<int>(double) rounds half to even.
  const iscaleX = roundHalfEven(scaleX), iscaleY = roundHalfEven(scaleY);
  const areaFast = Math.abs(scaleX - iscaleX) < DBL_EPSILON && Math.abs(scaleY - iscaleY) < DBL_EPSILON;
  let m: OpenCVMode = mode;
  if (m === 'linear' && areaFast && iscaleX === 2 && iscaleY === 2) m = 'area';
  // hal::resize: "Area resize implementation for 2-channel images isn't bit-exact".
  if (m === 'linear-exact' && areaFast && iscaleX === 2 && iscaleY === 2 && channels !== 2) m = 'area';
  if (m === 'linear-exact') {
    return {
      ...base,
      rows: opencvLinearExactTable(height, outHeight, invScaleY),
      cols: opencvLinearExactTable(width, outWidth, invScaleX),
      arithmetic: int32Rows({
        kind: 'fixed', preShift: 0, mulShift: 0, bias: 1 << (2 * LINEAR_EXACT_BITS - 1), shift: 2 * LINEAR_EXACT_BITS, clamp: 'uint8',
      }),
    };
  }
  if (m === 'area' && scaleX >= 1 && scaleY >= 1) {
    if (areaFast) {
      const halfUp = iscaleX === 2 && iscaleY === 2 && (channels === 1 || channels === 3 || channels === 4);
      return {
        ...base,
        rows: opencvBlockTable(height, outHeight, iscaleY),
        cols: opencvBlockTable(width, outWidth, iscaleX),
        arithmetic: int32Rows({ kind: 'block-mean', reciprocal: f32(1 / (iscaleX * iscaleY)), ...(halfUp ? { halfUpShift: 2 } : {}) }),
      };
    }
    return {
      ...base,
      rows: opencvAreaTable(height, outHeight, scaleY),
      cols: opencvAreaTable(width, outWidth, scaleX),
      arithmetic: {
        first: 'horizontal', intermediate: 'float32',
        horizontal: { kind: 'float32', order: 'forward', coefficients: 'weight', fixedScale: 1, round: 'none', clamp: 'none' },
        vertical: { kind: 'float32', order: 'forward', coefficients: 'weight', fixedScale: 1, round: 'half-even', clamp: 'uint8' },
        skipIdentity: false, alpha: 'none',
      },
    };
  }
  const kernel: Kernel = m === 'cubic' ? 'cubic' : m === 'lanczos4' ? 'lanczos4' : 'linear';
  const area = m === 'area';
  const rows = opencvInterpolationTable(height, outHeight, scaleY, invScaleY, kernel, area, false);
  const cols = opencvInterpolationTable(width, outWidth, scaleX, invScaleX, kernel, area, true);
  const vertical: PassRule = kernel === 'linear'
    ? { kind: 'fixed', preShift: 4, mulShift: 16, bias: 2, shift: 2, clamp: 'uint8' }
    : { kind: 'fixed', preShift: 0, mulShift: 0, bias: 1 << (2 * INTER_RESIZE_COEF_BITS - 1), shift: 2 * INTER_RESIZE_COEF_BITS, clamp: 'uint8' };
  const arithmetic = int32Rows(vertical);
  if (kernel === 'cubic') {
    arithmetic.vectorVertical = {
      lanes: OPENCV_CUBIC_SIMD_LANES,
      rule: {
        kind: 'float32', order: 'reverse', coefficients: 'fixed', fixedScale: 2 ** (-2 * INTER_RESIZE_COEF_BITS),
        round: 'half-even', clamp: 'uint8',
      },
    };
  }
  return { ...base, rows, cols, arithmetic };
}
