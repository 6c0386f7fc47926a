// Shared shapes of the exact (bit-for-bit) image conventions: a per-axis table that extends
// interpolate's AxisTable with integer coefficients, and a small "arithmetic" descriptor saying
// how a table-driven two-pass kernel accumulates, rounds and clips. A convention (Pillow,
// OpenCV) is a coordinate rule plus a filter table plus one of these descriptors; one kernel
// (src/js/image-exact.ts, later the WebAssembly one) runs them all.
//
// Both libraries resample separably and along rows (the W axis) first, then along columns.

import type { AxisTable } from './pytorch.js';

/**
 * One axis of an exact resampling. Output o reads taps t = 0 .. taps-1 at `index[o*taps+t]`
 * (always a valid source index: padding taps repeat a clamped index) with
 *  - `fixed[o*taps+t]`: the integer coefficient, scaled by 2 ** fixedBits, when the pass is an
 *    integer one (padding taps hold 0);
 *  - `weight[o*taps+t]`: the coefficient as float32: exactly what a float pass multiplies by
 *    (OpenCV's INTER_AREA tables), or, for an integer pass, the unquantised coefficient rounded to
 *    float32 (for documentation and float kernels; the exact result needs `fixed`).
 */
export interface ExactAxisTable extends AxisTable {
  /** Taps of output o that lie in its window (the rest, up to `taps`, are zero-weight padding). */
  count: Int32Array;
  /** Integer coefficients, `outSize * taps`; absent where the pass is float or index-only. */
  fixed?: Int32Array;
  /** Fractional bits of `fixed` (Pillow 22, OpenCV 11, 0 for plain sums). */
  fixedBits: number;
  /** outSize == inSize with one tap of weight one at index o: a pass over it may be skipped where `skipIdentity`. */
  identity: boolean;
}

/**
 * How one pass turns the taps of one output value into the stored value.
 * - `copy`: index only (nearest modes): the value at tap 0.
 * - `fixed`: C int32 arithmetic (wrapping, as the C code runs on x86):
 *   `acc = bias + sum_t ((fixed[t] * (x_t >> preShift)) >> mulShift)`, result `acc >> shift`
 *   (arithmetic shift), then clamped to 0..255 when `clamp` is 'uint8'.
 * - `float32`: `acc` summed in float32, one rounding per product and per addition, in tap order
 *   ('forward': t = 0 first; 'reverse': the last tap first, as nested multiply-adds), from
 *   coefficients `weight` or `fixed * fixedScale`; then rounded half to even and clamped if asked.
 * - `block-mean`: OpenCV INTER_AREA with integer factors (vertical pass over int32 row sums of the
 *   horizontal pass): an output whose block lies fully inside the image is
 *   `roundHalfEven(f32(sum * reciprocal))`, or `(sum + 2^(halfUpShift-1)) >> halfUpShift` when
 *   `halfUpShift` is set (the 2x2 fast path for 1, 3 or 4 channels); an output whose block is cut
 *   by the image edge is `roundHalfEven(f32(sum) / count)` with count the pixels inside.
 */
export type PassRule =
  | { kind: 'copy' }
  | { kind: 'fixed'; preShift: number; mulShift: number; bias: number; shift: number; clamp: 'uint8' | 'none' }
  | {
    kind: 'float32'; order: 'forward' | 'reverse'; coefficients: 'weight' | 'fixed'; fixedScale: number;
    round: 'half-even' | 'none'; clamp: 'uint8' | 'none';
  }
  | { kind: 'block-mean'; reciprocal: number; halfUpShift?: number };

/** The arithmetic of a convention and mode: what a shared table-driven kernel must follow. */
export interface ExactArithmetic {
  /** Both libraries run the horizontal (W) pass first, over the input rows the vertical pass reads. */
  first: 'horizontal';
  /** What the horizontal pass stores: bytes rounded and clipped (Pillow), raw int32 sums (OpenCV fixed point), float32 (OpenCV area). */
  intermediate: 'uint8' | 'int32' | 'float32';
  horizontal: PassRule;
  vertical: PassRule;
  /**
   * OpenCV INTER_CUBIC on uint8: in each output row the first floor(rowLength / lanes) * lanes
   * values (rowLength = outWidth * channels) are computed by its SIMD loop with `rule`, the rest
   * by `vertical` (its scalar loop). The two differ in the last bit now and then.
   */
  vectorVertical?: { lanes: number; rule: PassRule };
  /** Skip a pass whose table is the identity (Pillow skips an unchanged axis; same bytes either way). */
  skipIdentity: boolean;
  /**
   * 'pillow': LA and RGBA are premultiplied first (c' = MULDIV255(c, a) = (t + (t >> 8)) >> 8 with
   * t = c * a + 128) and divided after (c = a in {0, 255} ? c' : min(255, floor(255 * c' / a))).
   */
  alpha: 'none' | 'pillow';
}

/** Everything the exact kernel needs for one call. */
export interface ExactPlan {
  kind: 'exact';
  convention: 'pillow' | 'opencv';
  mode: string;
  width: number;
  height: number;
  channels: number;
  outWidth: number;
  outHeight: number;
  /** H axis (rows, output y reads input rows) and W axis (columns). */
  rows: ExactAxisTable;
  cols: ExactAxisTable;
  arithmetic: ExactArithmetic;
}

/** The float32 coefficients a float32 rule multiplies by: the table's weights, or its fixed ones scaled (else the weights). */
export function floatCoefficients(table: ExactAxisTable, rule: PassRule | undefined): Float32Array {
  return rule?.kind === 'float32' && rule.coefficients === 'fixed'
    ? Float32Array.from(table.fixed!, (v) => v * rule.fixedScale) : table.weight;
}

/** Sizes must be integers >= 1 and channels 1-4; throws a RangeError naming `who` otherwise. */
export function checkExactSizes(who: string, width: number, height: number, channels: number, outWidth: number, outHeight: number): void {
  const sides = { width, height, outWidth, outHeight };
  for (const [name, v] of Object.entries(sides)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${who}: ${name} must be an integer >= 1, but got ${v}`);
  }
  if (![1, 2, 3, 4].includes(channels)) throw new RangeError(`${who}: channels must be 1, 2, 3 or 4, but got ${channels}`);
}

/** Round half to even, as C's lrint / SSE cvtps2dq under the default rounding mode. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Tables kept by cachedTable, and the largest one kept (bytes of its arrays). */
const CACHED_TABLES = 8;
const CACHED_TABLE_BYTES = 1 << 20;
const tableCache = new Map<string, ExactAxisTable>();

/**
 * The table `build` makes for `key`, kept for the next calls with the same key (the last
 * CACHED_TABLES used): repeated resizes of one size (frames, batches) skip rebuilding tables
 * whose coefficients are costly (Pillow's lanczos evaluates two sines a tap). Tables are never
 * written after they are built.
 */
export function cachedTable(key: string, build: () => ExactAxisTable): ExactAxisTable {
  const kept = tableCache.get(key);
  if (kept) {
    tableCache.delete(key);
    tableCache.set(key, kept);
    return kept;
  }
  const t = build();
  if (t.index.byteLength + t.weight.byteLength + (t.fixed?.byteLength ?? 0) > CACHED_TABLE_BYTES) return t;
  tableCache.set(key, t);
  if (tableCache.size > CACHED_TABLES) tableCache.delete(tableCache.keys().next().value!);
  return t;
}

/** An identity table: one tap, index o, coefficient 1 (2 ** fixedBits). */
export function identityTable(size: number, fixedBits: number): ExactAxisTable {
  const index = Int32Array.from({ length: size }, (_, o) => o);
  return {
    inSize: size, outSize: size, taps: 1, index, weight: new Float32Array(size).fill(1),
    count: new Int32Array(size).fill(1), fixed: new Int32Array(size).fill(2 ** fixedBits), fixedBits, identity: true,
  };
}

/**
 * Builds a table from per-output windows: `taps` = the widest window; padding taps repeat the
 * last index of the window with coefficient 0.
 */
export function tableFromWindows(inSize: number, windows: { index: number[]; weight: number[]; fixed?: number[] }[],
                                 fixedBits: number, withFixed: boolean): ExactAxisTable {
  const outSize = windows.length;
  let taps = 1;
  for (const w of windows) taps = Math.max(taps, w.index.length);
  const index = new Int32Array(outSize * taps);
  const weight = new Float32Array(outSize * taps);
  const fixed = withFixed ? new Int32Array(outSize * taps) : undefined;
  const count = new Int32Array(outSize);
  windows.forEach((w, o) => {
    const n = w.index.length;
    count[o] = n;
    for (let t = 0; t < taps; t++) {
      index[o * taps + t] = t < n ? w.index[t] : (n > 0 ? w.index[n - 1] : 0);
      weight[o * taps + t] = t < n ? w.weight[t] : 0;
      if (fixed) fixed[o * taps + t] = t < n ? w.fixed![t] : 0;
    }
  });
  let identity = outSize === inSize && taps === 1;
  for (let o = 0; identity && o < outSize; o++) identity = index[o] === o && (fixed ? fixed[o] === 2 ** fixedBits : weight[o] === 1);
  return { inSize, outSize, taps, index, weight, count, fixed, fixedBits, identity };
}
