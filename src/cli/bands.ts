// Band-wise resizing for the command, bit-identical to one whole-image resizeImage call.
//
// resizeImage builds its per-axis tables from the sizes it is given, so a band of rows handed to
// it as a smaller image gets the same row table, shifted, only when (1) the band's row scale R is
// the whole image's, and (2) the band starts at an output row `a` with R * a an integer r0 (its
// first input row), every intermediate value being exact: then each output row's source
// coordinate in the band is the whole image's minus r0, bit for bit, so its taps and weights are
// the same. The column table is the same when the band call's width parameters are (the same
// `scale`, or the same output width). This file checks those conditions from the documented
// coordinate rules (PyTorch's, README "interpolate against PyTorch") and plans bands that meet
// them. Each band holds the input rows its kept output rows need, with a margin, and its output
// rows outside the kept range (near the band's edges, where its clamps differ) are computed and
// dropped. Where the conditions cannot be met (a row scale that is not a multiple of 1/4096 such
// as 1/3 or 2/3, an area resize by a non-integer factor, ...) it says why, and the bands are cut
// from the whole image's plan instead, as below.
//
// Pillow's and OpenCV's conventions, and linear light, build tables that depend on the whole
// image's size, so a band of them is not a smaller image: their bands (and those of 'pytorch'
// geometries refused above) are cut from the whole image's plan instead (src/image-band.ts, as
// the library's maximumMemory tiling cuts them): each band of output rows is computed from
// exactly the input rows its vertical taps read, by the same kernels, so every geometry bands.

import type { ImageConvention, ImageMode, ImageTarget as AnyTarget, ResizeImageOptions } from '../image.js';
import { cutOf, wholePlan } from './band-run.js';

// Running the bands (resizeInBands) is in ./band-run.ts.
export { isIdentity, resizeInBands, type RowSource } from './band-run.js';

/** The CLI's targets: one scale for both sides. */
export type ImageTarget = Omit<AnyTarget, 'scale'> & { scale?: number };

const f32 = Math.fround;

export interface BandGeometry {
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  target: ImageTarget;
  /** 'pytorch' (default) bands as smaller images; the others, and linear light, are cut from the whole plan. */
  convention?: ImageConvention;
  linearLight?: boolean;
  mode: ImageMode;
  alignCorners: boolean;
  antialias: boolean;
  /**
   * Bytes a pixel: 4 (RGBA, default) or 3 (RGB: an opaque image's rows without their alpha of 255;
   * with premultiplying off, the RGBA call's colour bytes, every kernel working channel by channel).
   */
  channels?: 3 | 4;
}

/** The geometry of resizing `size` to outWidth x outHeight (the fit's `target`) with resizeImage's `options`. */
export function bandGeometry(size: { width: number; height: number }, outWidth: number, outHeight: number, target: ImageTarget,
                             options: ResizeImageOptions, channels: 3 | 4 = 4): BandGeometry {
  return { width: size.width, height: size.height, outWidth, outHeight, target, channels, convention: options.convention,
    linearLight: options.linearLight, mode: options.mode ?? 'bilinear', alignCorners: !!options.alignCorners, antialias: !!options.antialias };
}

export interface Band {
  /** Input rows [r0, r0 + inRows) handed to resizeImage as an image of inRows rows. */
  r0: number;
  inRows: number;
  /** The output rows the call gives (outRows of them, the first being output row a). */
  a: number;
  outRows: number;
  /** Output rows kept from this call: [k0, k1) of the whole image. */
  k0: number;
  k1: number;
  /** The target for this call. */
  target: ImageTarget;
  /** Cut from the whole image's plan (src/image-band.ts; then a = k0, outRows = k1 - k0) rather than resized as an image of inRows rows. */
  cut?: boolean;
}

/** The output size resizeImage gives (its own rule, src/image.ts). */
export { outputSize } from '../image.js';

type Plan = { bands: Band[] } | { reason: string };

/**
 * Bands of about `bandRows` output rows each whose results, stitched, equal one resizeImage call
 * on the whole image bit for bit: 'pytorch' ones resized as smaller images where they can be
 * (subImageBands), else cut from the whole image's plan; or the reason there are none.
 */
export function planBands(g: BandGeometry, bandRows: number): Plan {
  if ((g.convention ?? 'pytorch') === 'pytorch' && !g.linearLight) {
    const sub = subImageBands(g, bandRows);
    if ('bands' in sub) return sub;
  }
  return cutBands(g, bandRows);
}

/** 'pytorch' bands that resizeImage computes as images of their own (see the top of this file), or why there are none. */
export function subImageBands(g: BandGeometry, bandRows: number): Plan {
  const { height: H, outHeight: outH, mode } = g;
  const area = mode === 'area';
  const userScale = !area && !g.alignCorners && g.target.scale !== undefined ? g.target.scale : undefined;
  const cubic = mode === 'bicubic';
  const linearIdentity = mode === 'bilinear' && !g.antialias && H === outH;

  // R: the row scale resizeImage uses (area: the integer factor H / outH).
  let R: number;
  if (area) {
    if (H % outH !== 0) return { reason: `area by a non-integer factor (${H} rows to ${outH})` };
    R = H / outH;
  } else if (g.alignCorners) {
    if (outH < 2 || H < 2) return { reason: 'align-corners with a single row' };
    R = f32(f32(H - 1) / f32(outH - 1));
    if (R * (outH - 1) !== H - 1) return { reason: `the row scale ${H - 1}/${outH - 1} is not exact in float32` };
  } else if (userScale !== undefined) {
    R = f32(1 / userScale);
  } else {
    R = f32(f32(H) / f32(outH));
    if (R * outH !== H) return { reason: `the row scale ${H}/${outH} is not exact in float32` };
  }
  // R = m / p with p a power of two: band starts are multiples of p output rows.
  let p = 1;
  while (!Number.isInteger(R * p) && p < 4096) p *= 2;
  if (!Number.isInteger(R * p)) return { reason: `the row scale ${R} is not a multiple of 1/4096` };
  if (R * p * (2 * outH + 2) >= 2 ** 52 || H >= 2 ** 24 || outH >= 2 ** 24) return { reason: 'too large for exact band coordinates' };

  const taps = cubic ? 2 : 1;
  const support = g.antialias ? f32(taps * (R >= 1 ? R : 1)) : 0;
  const limit = Math.max(outH, Math.ceil(H / Math.max(R, 1e-9))) + 2 * p + 2;
  // float32 steps must be exact for every output row (of the whole image and of any band).
  for (let y = 0; y <= limit; y++) {
    if (mode === 'nearest' && f32(y * R) !== y * R) return { reason: `nearest's float32 source index is inexact at row ${y}` };
    if (mode === 'nearest-exact' && f32((y + 0.5) * R) !== (y + 0.5) * R) return { reason: `nearest-exact's float32 source index is inexact at row ${y}` };
    if (g.antialias) {
      const c = R * (y + 0.5);
      if (f32(c) !== c || f32(c - support) !== c - support || f32(c + support) !== c + support) {
        return { reason: `the antialiasing window is inexact in float32 at row ${y}` };
      }
    }
    if (area && (f32(y * H) !== y * H)) return { reason: `area's float32 window bound is inexact at row ${y}` };
  }
  if (g.antialias && outH < 4 * p + 16) return { reason: 'too few rows for antialiased bands' };

  const clampRow = (r: number) => Math.min(Math.max(r, 0), H - 1);
  /** A superset of the input rows output row y reads. */
  const needed = (y: number): [number, number] => {
    if (area) return [R * y, R * y + R - 1];
    if (mode === 'nearest') { const i = Math.floor(R * y); return [clampRow(i - 1), clampRow(i + 1)]; }
    if (mode === 'nearest-exact') { const i = Math.floor(R * (y + 0.5)); return [clampRow(i - 1), clampRow(i + 1)]; }
    if (g.antialias) { const c = R * (y + 0.5); return [clampRow(Math.floor(c - support) - 1), clampRow(Math.ceil(c + support) + 1)]; }
    const src = g.alignCorners ? R * y : R * (y + 0.5) - 0.5;
    const i = Math.floor(src);
    return [clampRow(i - (cubic ? 2 : 1)), clampRow(i + (cubic ? 3 : 2))];
  };

  const rowsPerBand = Math.max(p, Math.ceil(bandRows / p) * p);
  const ranges: Array<[number, number]> = [];
  for (let k0 = 0; k0 < outH; k0 += rowsPerBand) ranges.push([k0, Math.min(outH, k0 + rowsPerBand)]);
  if (ranges.length > 1 && ranges[ranges.length - 1][1] - ranges[ranges.length - 1][0] < p) {
    const last = ranges.pop()!;
    ranges[ranges.length - 1][1] = last[1];
  }

  const bands: Band[] = [];
  for (const [k0, k1] of ranges) {
    const lo = needed(k0)[0];
    const hi = needed(k1 - 1)[1];
    let a = Math.floor(Math.min(k0, lo / R) / p) * p;
    while (a > 0 && R * a > lo) a -= p;
    let band: Band | undefined;
    for (; a >= 0 && !band; a -= p) band = bandAt(a);
    if (!band) return { reason: `no exact band for output rows ${k0}-${k1}` };
    bands.push(band);

    function bandAt(a: number): Band | undefined {
      const r0 = R * a;
      if (!Number.isInteger(r0) || r0 > lo) return undefined;
      let inRows: number;
      let outRows: number;
      if (userScale !== undefined) {
        inRows = hi - r0 + 1;
        for (;;) {
          if (r0 + inRows >= H) inRows = H - r0;
          outRows = Math.floor(inRows * userScale);
          const identityMatches = mode !== 'bilinear' || g.antialias || (inRows === outRows) === linearIdentity;
          if (outRows >= k1 - a && identityMatches) break;
          if (r0 + inRows >= H) return undefined;
          inRows++;
        }
        return { r0, inRows, a, outRows, k0, k1, target: { scale: userScale } };
      }
      if (g.alignCorners) {
        const span = Math.max(k1 - 1 - a, Math.ceil((hi - r0) / R), 1);
        outRows = Math.ceil(span / p) * p + 1;
        inRows = R * (outRows - 1) + 1;
      } else {
        outRows = Math.ceil(Math.max(k1 - a, (hi - r0 + 1) / R) / p) * p;
        inRows = R * outRows;
      }
      if (r0 + inRows >= H || a + outRows >= outH) {
        outRows = outH - a;
        inRows = H - r0;
        const exact = g.alignCorners ? R * (outRows - 1) === inRows - 1 && outRows >= 2 : R * outRows === inRows;
        if (!exact) return undefined;
      }
      if (area) for (let o = 0; o <= outRows; o++) if (f32(o * inRows) !== o * inRows) return undefined;
      return { r0, inRows, a, outRows, k0, k1, target: { width: g.outWidth, height: outRows } };
    }
  }
  return { bands };
}

/**
 * Bands of at most `bandRows` output rows cut from the whole image's plan, each with the input
 * rows its taps read. A band's input window is held as well as its output, so on a downscale
 * bands shrink (halving, down to one output row) until the window too fits the band's bytes,
 * bandRows * outWidth * channels: memory follows the band size whatever the scale.
 */
function cutBands(g: BandGeometry, bandRows: number): Plan {
  const pytorch = (g.convention ?? 'pytorch') === 'pytorch';
  const plan = wholePlan(g, { convention: g.convention, mode: g.mode, linearLight: g.linearLight || undefined,
    alignCorners: (pytorch && g.alignCorners) || undefined, antialias: (pytorch && g.antialias) || undefined });
  let rows = Math.max(1, Math.floor(bandRows));
  const channels = g.channels ?? 4;
  const budget = rows * g.outWidth * channels;
  const bands: Band[] = [];
  for (let k0 = 0; k0 < g.outHeight;) {
    let k1 = Math.min(g.outHeight, k0 + rows);
    let { lo, hi } = cutOf(plan, k0, k1);
    while (k1 - k0 > 1 && (hi - lo) * g.width * channels > budget) {
      rows = Math.ceil((k1 - k0) / 2);
      k1 = k0 + rows;
      ({ lo, hi } = cutOf(plan, k0, k1));
    }
    // Input rows are read once, in order: each band's window starts at or after the previous one's.
    if (bands.length > 0 && lo < bands[bands.length - 1].r0) return { reason: `output rows ${k0}-${k1 - 1} read input rows before the previous band's` };
    bands.push({ r0: lo, inRows: hi - lo, a: k0, outRows: k1 - k0, k0, k1, target: g.target, cut: true });
    k0 = k1;
  }
  return { bands };
}
