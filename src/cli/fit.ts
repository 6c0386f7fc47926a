// Output sizing as sharp's `fit` (https://sharp.pixelplumbing.com/api-resize), for --width and
// --height given together: fill stretches to both; inside / outside keep the aspect ratio, as
// large as fits within / as small as covers both; cover keeps it, covers both and crops the
// centre; contain keeps it, fits within both and pads the rest with the background. With one of
// them, or --scale, the size is as before (aspect kept, or scaled) and nothing is cropped or padded.

import { outputSize, type ImageConvention } from '../image.js';
import type { ImageTarget } from './bands.js';

export type Fit = 'fill' | 'contain' | 'cover' | 'inside' | 'outside';
export const FITS: readonly Fit[] = ['fill', 'contain', 'cover', 'inside', 'outside'];

/** RGBA, 0-255 each. */
export type Rgba = [number, number, number, number];

export interface FitPlan {
  /** What resizeImage is asked for. */
  resize: ImageTarget;
  /** Its output size. */
  resizedWidth: number;
  resizedHeight: number;
  /** The final canvas, and where the resized image lies on it (negative: cropped). */
  width: number;
  height: number;
  left: number;
  top: number;
}

/** The plan for an image of width x height (after EXIF orientation). */
export function planFit(width: number, height: number, target: ImageTarget, fit: Fit, convention?: ImageConvention): FitPlan {
  const place = (w: number, h: number, W = w, H = h, resize: ImageTarget = { width: w, height: h }): FitPlan =>
    ({ resize, resizedWidth: w, resizedHeight: h, width: W, height: H, left: Math.floor((W - w) / 2), top: Math.floor((H - h) / 2) });
  if (target.scale !== undefined || target.width === undefined || target.height === undefined) {
    const { outWidth: w, outHeight: h } = outputSize(width, height, target, convention);
    return place(w, h, w, h, target);
  }
  const W = target.width;
  const H = target.height;
  if (fit === 'fill') return place(W, H);
  const sx = W / width;
  const sy = H / height;
  // One side exactly the target, the other the rounded aspect-kept length (as sharp rounds).
  const by = (s: number): [number, number] =>
    s === sx ? [W, Math.max(1, Math.round(height * sx))] : [Math.max(1, Math.round(width * sy)), H];
  const [w, h] = by(fit === 'inside' || fit === 'contain' ? Math.min(sx, sy) : Math.max(sx, sy));
  if (fit === 'inside' || fit === 'outside') return place(w, h);
  return place(w, h, W, H); // cover crops (w, h >= W, H), contain pads (w, h <= W, H)
}

/** Whether the plan only resizes (no crop, no padding). */
export const onlyResizes = (p: FitPlan): boolean => p.width === p.resizedWidth && p.height === p.resizedHeight;

/**
 * The resized RGBA image (or RGB: `channels` 3, `background`'s alpha then dropped) placed on the
 * plan's canvas: cropped where it overhangs, `background` where it does not reach.
 */
export function placeOnCanvas(pixels: Uint8Array, p: FitPlan, background: Rgba, channels: 3 | 4 = 4): Uint8Array {
  if (onlyResizes(p)) return pixels;
  const out = new Uint8Array(p.width * p.height * channels);
  if (p.resizedWidth < p.width || p.resizedHeight < p.height) {
    if (channels === 4) new Uint32Array(out.buffer).fill(new Uint32Array(Uint8Array.from(background).buffer)[0]);
    else {
      out.set(background.slice(0, 3)); // one pixel, then doubled
      for (let filled = 3; filled < out.length; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
    }
  }
  const x0 = Math.max(0, p.left);
  const x1 = Math.min(p.width, p.left + p.resizedWidth);
  const y0 = Math.max(0, p.top);
  const y1 = Math.min(p.height, p.top + p.resizedHeight);
  for (let y = y0; y < y1; y++) {
    const from = ((y - p.top) * p.resizedWidth + (x0 - p.left)) * channels;
    out.set(pixels.subarray(from, from + (x1 - x0) * channels), (y * p.width + x0) * channels);
  }
  return out;
}

const NAMED: Record<string, Rgba> = { black: [0, 0, 0, 255], white: [255, 255, 255, 255], transparent: [0, 0, 0, 0] };

/** A colour as --background takes it: #rgb, #rrggbb, #rrggbbaa, r,g,b or r,g,b,a (alpha 0-1, as sharp), black, white, transparent. */
export function parseColor(text: string): Rgba | undefined {
  const t = text.trim().toLowerCase();
  if (t in NAMED) return [...NAMED[t]] as Rgba;
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(t);
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((c) => c + c).join('') : hex[1];
    const v = (i: number) => parseInt(h.slice(2 * i, 2 * i + 2), 16);
    return [v(0), v(1), v(2), h.length === 8 ? v(3) : 255];
  }
  const parts = t.split(',').map((s) => s.trim());
  if (parts.length !== 3 && parts.length !== 4) return undefined;
  const n = parts.map(Number);
  if (parts.some((s) => s === '') || n.some((v) => !Number.isFinite(v))) return undefined;
  if (n.slice(0, 3).some((v) => !Number.isInteger(v) || v < 0 || v > 255) || (n.length === 4 && (n[3] < 0 || n[3] > 1))) return undefined;
  return [n[0], n[1], n[2], n.length === 4 ? Math.round(n[3] * 255) : 255];
}
