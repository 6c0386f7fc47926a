// Pillow's resize rules (Pillow 9.4, src/libImaging/Resample.c, Geometry.c, Convert.c and
// Image.resize), as exact tables for the shared kernel in src/js/image-exact.ts.
//
// Image.resize(size, resample) with box=None and reducing_gap=None on an 8-bit image:
// - same size: a copy (before the premultiplication below, so LA / RGBA come back unchanged).
// - NEAREST (no premultiplication): an affine scale. Per axis a = in / out (double),
//   x = a / 2, then for each output: src = trunc(x), x += a (accumulated in double).
// - every other filter: LA / RGBA are converted to La / RGBa (premultiplied, MULDIV255),
//   resized, and converted back (integer division, clipped). The resize is two passes,
//   horizontal first, each skipped when its axis is unchanged; the horizontal pass writes a real
//   8-bit image (rounded and clipped), which the vertical pass reads.
// - Per axis (precompute_coeffs): scale = in / out; filterscale = max(scale, 1) (the support
//   widens on downscale: antialiasing); support = filter.support * filterscale;
//   center = (o + 0.5) * scale; window [trunc(center - support + 0.5) clamped at 0,
//   trunc(center + support + 0.5) clamped at in); w_t = filter((t + xmin - center + 0.5) / filterscale),
//   normalised by their sum (in double), then quantised to int32 with PRECISION_BITS = 22:
//   trunc(w * 2^22 + 0.5) (trunc(w * 2^22 - 0.5) for negative w), with no correction of the sum.
// - Each pass: acc = 2^21 + sum_t x_t * k_t in int32; out = clip8(acc >> 22).

import { cachedTable, checkExactSizes, identityTable, tableFromWindows, type ExactArithmetic, type ExactAxisTable, type ExactPlan } from './exact.js';

export type PillowMode = 'nearest' | 'box' | 'bilinear' | 'hamming' | 'bicubic' | 'lanczos';
export type PillowFilterMode = Exclude<PillowMode, 'nearest'>;

export const PILLOW_MODES: readonly PillowMode[] = ['nearest', 'box', 'bilinear', 'hamming', 'bicubic', 'lanczos'];

/** Fractional bits of Pillow's 8-bit coefficients: 32 - 8 - 2. */
export const PILLOW_PRECISION_BITS = 22;

export interface PillowFilter {
  /** Half-width of the filter at scale 1, in source pixels. */
  support: number;
  /** The kernel, in double. */
  filter: (x: number) => number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  x = x * Math.PI;
  return Math.sin(x) / x;
}

const F32_054 = Math.fround(0.54);
const F32_046 = Math.fround(0.46);

/** Pillow's five filters (Resample.c). Hamming uses the float constants 0.54f and 0.46f, as Pillow does. */
export const PILLOW_FILTERS: Readonly<Record<PillowFilterMode, PillowFilter>> = {
  box: { support: 0.5, filter: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: { support: 1, filter: (x) => { x = Math.abs(x); return x < 1 ? 1 - x : 0; } },
  hamming: {
    support: 1,
    filter: (x) => {
      x = Math.abs(x);
      if (x === 0) return 1;
      if (x >= 1) return 0;
      x = x * Math.PI;
      return (Math.sin(x) / x) * (F32_054 + F32_046 * Math.cos(x));
    },
  },
  bicubic: {
    support: 2,
    filter: (x) => {
      const a = -0.5;
      x = Math.abs(x);
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
  lanczos: { support: 3, filter: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

/** precompute_coeffs: per output, the window start, its length and the normalised double coefficients. */
export function pillowCoefficients(inSize: number, outSize: number, mode: PillowFilterMode):
  { xmin: Int32Array; count: Int32Array; ksize: number; kk: Float64Array } {
  const { support: baseSupport, filter } = PILLOW_FILTERS[mode];
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = baseSupport * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const kk = new Float64Array(outSize * ksize);
  const xmin = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    let lo = Math.trunc(center - support + 0.5);
    if (lo < 0) lo = 0;
    let hi = Math.trunc(center + support + 0.5);
    if (hi > inSize) hi = inSize;
    const n = hi - lo;
    let ww = 0;
    for (let x = 0; x < n; x++) {
      const w = filter((x + lo - center + 0.5) * ss);
      kk[xx * ksize + x] = w;
      ww += w;
    }
    if (ww !== 0) for (let x = 0; x < n; x++) kk[xx * ksize + x] /= ww;
    xmin[xx] = lo;
    count[xx] = n;
  }
  return { xmin, count, ksize, kk };
}

/** normalize_coeffs_8bpc: round half away from zero (by truncation after +-0.5) to 22 fractional bits. */
export function pillowQuantise(w: number): number {
  const s = w * (1 << PILLOW_PRECISION_BITS);
  return w < 0 ? Math.trunc(-0.5 + s) : Math.trunc(0.5 + s);
}

/** Nearest: Pillow's affine scale, the source position accumulated in double. */
export function pillowNearestIndex(inSize: number, outSize: number): Int32Array {
  const a = inSize / outSize;
  const index = new Int32Array(outSize);
  let x = a * 0.5;
  for (let o = 0; o < outSize; o++) {
    // COORD(v): -1 below 0, else trunc(v). Outside [0, in) Pillow leaves 0 in the output; the
    // accumulated position never gets there for sizes an image can have, so clamp to be safe.
    const i = x < 0 ? -1 : Math.trunc(x);
    index[o] = Math.min(Math.max(i, 0), inSize - 1);
    x += a;
  }
  return index;
}

/** One axis of Pillow's resize: the identity when the axis is unchanged (Pillow skips that pass). */
export function pillowAxisTable(inSize: number, outSize: number, mode: PillowMode): ExactAxisTable {
  if (inSize === outSize) return identityTable(inSize, PILLOW_PRECISION_BITS);
  return cachedTable(`pillow ${inSize} ${outSize} ${mode}`, () => buildPillowAxisTable(inSize, outSize, mode));
}

function buildPillowAxisTable(inSize: number, outSize: number, mode: PillowMode): ExactAxisTable {
  if (mode === 'nearest') {
    const index = pillowNearestIndex(inSize, outSize);
    return tableFromWindows(inSize, Array.from(index, (i) => ({ index: [i], weight: [1], fixed: [1 << PILLOW_PRECISION_BITS] })),
                            PILLOW_PRECISION_BITS, true);
  }
  const { xmin, count, ksize, kk } = pillowCoefficients(inSize, outSize, mode);
  const windows = Array.from(xmin, (lo, o) => {
    const n = count[o];
    const index: number[] = [], weight: number[] = [], fixed: number[] = [];
    for (let t = 0; t < n; t++) {
      index.push(lo + t);
      weight.push(kk[o * ksize + t]);
      fixed.push(pillowQuantise(kk[o * ksize + t]));
    }
    return { index, weight, fixed };
  });
  return tableFromWindows(inSize, windows, PILLOW_PRECISION_BITS, true);
}

/** The arithmetic of Image.resize on 8-bit images for `mode` and `channels`. */
export function pillowArithmetic(mode: PillowMode, channels: number): ExactArithmetic {
  const pass = mode === 'nearest'
    ? { kind: 'copy' as const }
    : { kind: 'fixed' as const, preShift: 0, mulShift: 0, bias: 1 << (PILLOW_PRECISION_BITS - 1), shift: PILLOW_PRECISION_BITS, clamp: 'uint8' as const };
  return {
    first: 'horizontal',
    intermediate: 'uint8',
    horizontal: pass,
    vertical: pass,
    skipIdentity: true,
    alpha: mode !== 'nearest' && (channels === 2 || channels === 4) ? 'pillow' : 'none',
  };
}

/** The whole plan of `Image.resize((outWidth, outHeight), mode)` on a width x height image of 1-4 channels. */
export function planPillowResize(width: number, height: number, channels: number, outWidth: number, outHeight: number,
                                 mode: PillowMode): ExactPlan {
  if (!PILLOW_MODES.includes(mode)) throw new RangeError(`pillow: unknown mode '${String(mode)}'; expected one of ${PILLOW_MODES.join(' | ')}`);
  checkExactSizes('pillow', width, height, channels, outWidth, outHeight);
  return {
    kind: 'exact', convention: 'pillow', mode, width, height, channels, outWidth, outHeight,
    rows: pillowAxisTable(height, outHeight, mode),
    cols: pillowAxisTable(width, outWidth, mode),
    // Same size: Image.resize returns a copy before any premultiplication.
    arithmetic: width === outWidth && height === outHeight ? { ...pillowArithmetic(mode, channels), alpha: 'none' } : pillowArithmetic(mode, channels),
  };
}

/** Convert.c rgbA2rgba / lA2la: colour times alpha / 255, rounded (MULDIV255). */
export function pillowPremultiply(c: number, a: number): number {
  const t = c * a + 128;
  return ((t >> 8) + t) >> 8;
}

/** Convert.c rgba2rgbA / la2lA: alpha 0 and 255 keep the colour; otherwise floor(255 c / a), clipped. */
export function pillowUnpremultiply(c: number, a: number): number {
  if (a === 0 || a === 255) return c;
  const v = Math.trunc((255 * c) / a);
  return v > 255 ? 255 : v;
}
