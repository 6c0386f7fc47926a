// The sRGB transfer function (IEC 61966-2-1) for resizeImage's `linearLight`: colour bytes are
// decoded to linear light in float32, resampled, and encoded back. Both backends use the same
// tables, so they agree; the encoding rounds to the nearest byte of the exact (double) curve.
//
// - decode: byte v -> float32(linear(v / 255)), 256 entries.
// - thresholds: thresholds[b] = float32(linear((b + 0.5) / 255)) for b < 255, the linear value from
//   which byte b + 1 is nearer than b; thresholds[255] = Infinity.
// - buckets: buckets[j] = the byte of linear value j / 4096 (j < 4096), a start from which a value
//   in [j / 4096, (j + 1) / 4096) walks up past at most a couple of thresholds.
// Encoding a linear value L: 0 below thresholds[0] (and NaN), else b = buckets[min(4095,
// trunc(L * 4096))], then b++ while L >= thresholds[b].

/** sRGB (0..1) to linear light (0..1), in double. */
export function srgbToLinear(s: number): number {
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** Linear light (0..1) to sRGB (0..1), in double. */
export function linearToSrgb(l: number): number {
  return l <= 0.0031308 ? l * 12.92 : 1.055 * l ** (1 / 2.4) - 0.055;
}

export const SRGB_BUCKETS = 4096;

export interface SrgbTables {
  decode: Float32Array;
  thresholds: Float32Array;
  buckets: Uint8Array;
}

let tables: SrgbTables | undefined;

/** The shared decode and encode tables (built once). */
export function srgbTables(): SrgbTables {
  if (tables) return tables;
  const decode = Float32Array.from({ length: 256 }, (_, v) => srgbToLinear(v / 255));
  const thresholds = Float32Array.from({ length: 256 }, (_, b) => (b < 255 ? srgbToLinear((b + 0.5) / 255) : Infinity));
  const buckets = new Uint8Array(SRGB_BUCKETS);
  for (let j = 0, b = 0; j < SRGB_BUCKETS; j++) {
    const l = Math.fround(j / SRGB_BUCKETS);
    while (l >= thresholds[b]) b++;
    buckets[j] = b;
  }
  tables = { decode, thresholds, buckets };
  return tables;
}

/** A linear value (float32) to its sRGB byte, as both kernels do it. */
export function encodeLinear(l: number, t: SrgbTables): number {
  if (!(l >= t.thresholds[0])) return 0;
  let b = t.buckets[Math.min(SRGB_BUCKETS - 1, Math.trunc(l * SRGB_BUCKETS))];
  while (l >= t.thresholds[b]) b++;
  return b;
}
