// PyTorch 1.13's coordinate rules and the per-axis index/weight tables they give, one helper per
// rule, after aten/src/ATen/native/UpSample.h. interpolate and resizeImage build their plans from
// these; the kernels of both backends only follow tables, so a convention is a rule module like
// this one feeding the same kernels.

import type { InterpolateMode } from '../interpolate.js';
import { fmaf } from './fma.js';

/** One spatial axis of a separable resampling: output o = sum_t weight[o*taps+t] * x[index[o*taps+t]]. */
export interface AxisTable {
  inSize: number;
  outSize: number;
  taps: number;
  index: Int32Array;
  weight: Float32Array;
  /** The weights before rounding to float32, where the rule makes them in float64 (ONNX): integer inputs blend with these. */
  weight64?: Float64Array;
}

/**
 * The table less its tap columns whose weight is 0 for every output (an exact integer shrink
 * by an odd factor lands on source pixels: bilinear's second tap and bicubic's outer ones weigh
 * 0). The kernels' sums are the same but for the sign of a zero, which no byte or float result
 * of an image resize shows; their 1-tap paths copy without multiplying, so a single remaining
 * column must weigh exactly 1. Unchanged where nothing can go.
 */
export function withoutZeroTaps(t: AxisTable): AxisTable {
  const keep: number[] = [];
  for (let k = 0; k < t.taps; k++) {
    for (let o = 0; o < t.outSize; o++) if (t.weight[o * t.taps + k] !== 0) { keep.push(k); break; }
  }
  if (keep.length === t.taps || keep.length === 0) return t;
  if (keep.length === 1 && t.weight.some((w, i) => i % t.taps === keep[0] && w !== 1)) return t;
  const taps = keep.length;
  const index = new Int32Array(t.outSize * taps), weight = new Float32Array(t.outSize * taps);
  for (let o = 0; o < t.outSize; o++) {
    keep.forEach((k, j) => { index[o * taps + j] = t.index[o * t.taps + k]; weight[o * taps + j] = t.weight[o * t.taps + k]; });
  }
  return { inSize: t.inSize, outSize: t.outSize, taps, index, weight };
}

const f32 = Math.fround;

/** compute_scales_value<float>: the user's scale inverted, else in/out, in float32. */
function scaleValue(userScale: number | undefined, inSize: number, outSize: number): number {
  return userScale !== undefined && userScale > 0 ? f32(1 / userScale) : f32(f32(inSize) / f32(outSize));
}

/** area_pixel_compute_scale<float>: the source step per output step for the linear modes. */
export function areaPixelScale(inSize: number, outSize: number, alignCorners: boolean, userScale?: number): number {
  if (alignCorners) return outSize > 1 ? f32(f32(inSize - 1) / f32(outSize - 1)) : 0;
  return scaleValue(userScale, inSize, outSize);
}

/** area_pixel_compute_source_index: half-pixel (or corner) source coordinate, in float32. */
function sourceIndex(scale: number, dst: number, alignCorners: boolean, cubic: boolean): number {
  // Kept in double (dst + 0.5 is a double in PyTorch too): rounding it to float32 turns weights
  // of 6e-8 into 0, and 0 * Infinity is NaN where PyTorch gives Infinity.
  if (alignCorners) return scale * dst;
  const src = scale * (dst + 0.5) - 0.5;
  return !cubic && src < 0 ? 0 : src;
}

/**
 * nearest: floor(dst * scale) in float32. PyTorch 1.13's channels-last kernel (nearest_idx) copies
 * when out == in and halves when out == 2 * in, whatever the user's scale. It runs for 2-D and 3-D
 * inputs that are also channels-last contiguous, which a contiguous tensor with C == 1 is; the
 * generic kernel (C > 1, and every 1-D input) has no such shortcut.
 */
function nearestIndex(dst: number, inSize: number, outSize: number, userScale: number | undefined,
                      shortcuts: boolean): number {
  if (shortcuts && outSize === inSize) return dst;
  if (shortcuts && outSize === 2 * inSize) return dst >> 1;
  const scale = scaleValue(userScale, inSize, outSize);
  return Math.min(Math.floor(f32(dst * scale)), inSize - 1);
}

/** nearest-exact: floor((dst + 0.5) * scale), rounded to float32 first as floorf does. */
function nearestExactIndex(dst: number, inSize: number, outSize: number, userScale: number | undefined): number {
  const scale = scaleValue(userScale, inSize, outSize);
  return Math.min(Math.floor(f32((dst + 0.5) * scale)), inSize - 1);
}

const CUBIC_A = -0.75;

/**
 * Keys' two pieces (A = -0.75) in float32 as PyTorch 1.13's x86 build evaluates them: GCC fuses
 * `A * x - 5A` and `(...) * x + 8A` (and `(A + 2) * x - (A + 3)`) into fused multiply-adds and
 * rounds the last step separately; bit for bit the weights PyTorch's kernel reads (probed with
 * one-hot inputs, 1,805 outputs of 70 random resizes). Their near-zero weights' signs decide
 * where an infinity comes out as +Infinity, -Infinity or NaN.
 */
function cubicConvolution1f(x: number): number {
  const a = CUBIC_A;
  const r = fmaf(a + 2, x, -(a + 3));
  return f32(f32(f32(r * x) * x) + 1);
}
function cubicConvolution2f(x: number): number {
  const a = CUBIC_A;
  return f32(f32(fmaf(fmaf(a, x, -5 * a), x, 8 * a) * x) - 4 * a);
}

/** Pillow's filters for antialiasing: triangle, and Keys' cubic with a = -0.5. */
function triangleFilter(x: number): number {
  x = Math.abs(x);
  return x < 1 ? 1 - x : 0;
}
/**
 * As PyTorch 1.13's aa_filter on a float32 x: the inner piece in float64 (its constants are
 * doubles), the outer one in float32 with the two fused multiply-adds of its x86 build (bit for
 * bit its weights, probed over 44,138 of them).
 */
function antialiasCubicFilter(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return fmaf(fmaf(f32(x - 5), x, 8), x, -4) * a;
  return 0;
}

/** Adaptive pooling window bounds, computed in float32 as PyTorch 1.13 does. */
export function adaptiveStart(o: number, inSize: number, outSize: number): number {
  return Math.floor(f32(f32(o * inSize) / outSize));
}
export function adaptiveEnd(o: number, inSize: number, outSize: number): number {
  return Math.ceil(f32(f32((o + 1) * inSize) / outSize));
}

// ---- per-axis tables ----

function table(inSize: number, outSize: number, taps: number): AxisTable {
  return { inSize, outSize, taps, index: new Int32Array(outSize * taps), weight: new Float32Array(outSize * taps) };
}

function nearestTable(inSize: number, outSize: number, userScale: number | undefined, exact: boolean,
                      shortcuts = true): AxisTable {
  const t = table(inSize, outSize, 1);
  for (let o = 0; o < outSize; o++) {
    t.index[o] = exact ? nearestExactIndex(o, inSize, outSize, userScale)
      : nearestIndex(o, inSize, outSize, userScale, shortcuts);
    t.weight[o] = 1;
  }
  return t;
}

export function identityTable(size: number): AxisTable {
  return nearestTable(size, size, undefined, false);
}

function linearTable(inSize: number, outSize: number, alignCorners: boolean, userScale: number | undefined): AxisTable {
  const t = table(inSize, outSize, 2);
  if (inSize === outSize) {
    // PyTorch "copies" when the size is unchanged, whatever the scale or alignCorners, as
    // 1 * x[o] + 0 * x[o]: an infinity there becomes NaN, so keep the zero-weight tap.
    for (let o = 0; o < outSize; o++) {
      t.index[2 * o] = o;
      t.index[2 * o + 1] = o;
      t.weight[2 * o] = 1;
      t.weight[2 * o + 1] = 0;
    }
    return t;
  }
  const scale = areaPixelScale(inSize, outSize, alignCorners, userScale);
  for (let o = 0; o < outSize; o++) {
    const src = sourceIndex(scale, o, alignCorners, false);
    const i0 = Math.min(Math.trunc(src), inSize - 1);
    const lambda1 = Math.min(Math.max(f32(src - i0), 0), 1);
    t.index[2 * o] = i0;
    t.index[2 * o + 1] = i0 + (i0 < inSize - 1 ? 1 : 0);
    t.weight[2 * o] = f32(1 - lambda1);
    t.weight[2 * o + 1] = lambda1;
  }
  return t;
}

function cubicTable(inSize: number, outSize: number, alignCorners: boolean, userScale: number | undefined): AxisTable {
  const t = table(inSize, outSize, 4);
  const scale = areaPixelScale(inSize, outSize, alignCorners, userScale);
  for (let o = 0; o < outSize; o++) {
    // The index from the source rounded to float32 (floorf), the fraction from the source itself
    // and not clamped: a source just below an integer takes that integer's taps with a fraction
    // just below 0, as PyTorch 1.13.
    const src = sourceIndex(scale, o, alignCorners, true);
    const i = Math.min(Math.floor(f32(src)), inSize - 1);
    const x = f32(src - i);
    // In float32 arithmetic, as PyTorch: near-zero weights keep PyTorch's sign, which decides
    // whether an infinity in that tap comes out as +Infinity or -Infinity.
    const x1 = f32(1 - x);
    const w = [cubicConvolution2f(f32(x + 1)), cubicConvolution1f(x), cubicConvolution1f(x1), cubicConvolution2f(f32(x1 + 1))];
    for (let k = 0; k < 4; k++) {
      t.index[4 * o + k] = Math.max(Math.min(i - 1 + k, inSize - 1), 0);
      t.weight[4 * o + k] = w[k];
    }
  }
  return t;
}

/**
 * Antialiased tables (PyTorch's _upsample_*_aa, after Pillow): the filter is widened by the scale
 * when downsampling, taps outside the input are dropped, and the weights are renormalised.
 * The per-output work is in small functions of their own (windowBounds, windowWeights): a photo's
 * table runs thousands of outputs, and V8 then compiles those few lines once, not this whole
 * function twice (on-stack replacement in the first long loop, and again for the next call); as
 * plain functions of their arguments (a class instance a table made V8 drop the compiled method
 * at each garbage collection, "weak objects").
 */
function antialiasTable(inSize: number, outSize: number, alignCorners: boolean, userScale: number | undefined,
                        cubic: boolean): AxisTable {
  const scale = areaPixelScale(inSize, outSize, alignCorners, userScale);
  // float32 throughout, as PyTorch's _compute_weights_aa: a weight that is exactly 0 there
  // (0 * Infinity = NaN) must be exactly 0 here too.
  const support = f32((cubic ? 2 : 1) * (scale >= 1 ? scale : 1));
  // Each window's first input and length (PyTorch's xmin, xsize); taps = the longest.
  const starts = new Int32Array(outSize);
  const sizes = new Int32Array(outSize);
  const taps = windowBounds(inSize, scale, support, starts, sizes);
  const t = table(inSize, outSize, taps);
  const filter = cubic ? antialiasCubicFilter : triangleFilter;
  const invScale = scale >= 1 ? f32(1 / scale) : 1;
  const w = new Float64Array(taps); // one window's pieces: weight (halves unrounded until stored) and input
  const j = new Int32Array(taps);
  // Two windows as long, each starting as far from its centre (start - centre: exact in float64,
  // an integer and a float32 within the support of each other), have the same weights bit for
  // bit: each step reads (k + start) - centre, the same real number rounded the same way. A
  // photo's scale repeats every few outputs (3000 -> 800: 15/4, every 4th), so most windows are
  // copied (indices shifted), not computed again: these tables are built in cold code, where every
  // float is a new heap object for the collector.
  const computed = new Map<number, number>(); // by start - centre: the last output computed
  for (let o = 0; o < outSize; o++) {
    const center = f32(scale * (o + 0.5));
    const offset = starts[o] - center;
    const q = computed.get(offset);
    if (q !== undefined && sizes[q] === sizes[o]) {
      copyWindow(t, q, o, starts[o] - starts[q]);
    } else {
      windowWeights(t, o, starts[o], sizes[o], center, offset, invScale, filter, w, j);
      computed.set(offset, o);
    }
  }
  return t;
}

/** Output `to`'s taps: output `from`'s, `shift` inputs further on (weights copied without reading them out as numbers). */
function copyWindow(t: AxisTable, from: number, to: number, shift: number): void {
  const taps = t.taps;
  t.weight.copyWithin(to * taps, from * taps, (from + 1) * taps);
  for (let k = 0; k < taps; k++) t.index[to * taps + k] = t.index[from * taps + k] + shift;
}

/** Fills each output's window start and length (PyTorch's xmin, xsize); returns the longest. */
function windowBounds(inSize: number, scale: number, support: number, starts: Int32Array, sizes: Int32Array): number {
  let taps = 1;
  for (let o = 0; o < starts.length; o++) {
    const center = f32(scale * (o + 0.5));
    const start = Math.max(Math.trunc(f32(center - support) + 0.5), 0);
    starts[o] = start;
    sizes[o] = Math.min(Math.trunc(f32(center + support) + 0.5), inSize) - start;
    if (sizes[o] < 1) throw new Error(`internal: output ${o} of ${inSize} -> ${starts.length} has an empty antialiasing window`);
    taps = Math.max(taps, sizes[o]);
  }
  return taps;
}

/**
 * Output o's row of the table: its window's `size` weights around `center`, renormalised, padded
 * to the table's taps (`w` and `j`: scratch of the table's taps, reused). Cold code (a new thread's
 * first tables), so few steps a tap: (k + start) - center as k + `offset` (start - center, exact
 * in float64: the same real number, rounded once to float32 the same way, while k + start is a
 * float32 integer, below 2^24), and a window as long as the table's (most) stored as it is
 * normalised, rounded to float32 by the table's array as f32 would.
 */
function windowWeights(t: AxisTable, o: number, start: number, size: number, center: number, offset: number, invScale: number,
                       filter: (x: number) => number, w: Float64Array, j: Int32Array): void {
  const taps = w.length;
  const at0 = o * taps;
  const integral = start + size <= 2 ** 24;
  let total = 0;
  for (let k = 0; k < size; k++) {
    // The filter's argument as PyTorch's: (float32 distance + 0.5) * invScale in float64, rounded once.
    const x = f32(filter(f32((f32(integral ? k + offset : f32(k + start) - center) + 0.5) * invScale)));
    w[k] = x;
    total = f32(total + x);
  }
  if (size === taps) {
    for (let k = 0; k < taps; k++) {
      t.index[at0 + k] = start + k;
      t.weight[at0 + k] = total !== 0 ? w[k] / total : w[k];
    }
    return;
  }
  if (total !== 0) for (let k = 0; k < size; k++) w[k] = f32(w[k] / total);
  for (let k = 0; k < size; k++) j[k] = k;
  // Windows shorter than `taps` are filled by halving their largest weights into adjacent taps
  // (exact: w/2 + w/2 = w), not with zero-weight taps: 0 * Infinity is NaN where PyTorch, which
  // loops over each window's own length, has no tap at all. A weight split again splits its first
  // (smallest) piece: w/4, w/4, w/2 sum back to w exactly in the kernel's order, w/4 four times not.
  for (let n = size; n < taps; n++) {
    let at = 0;
    for (let k = 1; k < n; k++) if (Math.abs(w[k]) > Math.abs(w[at])) at = k;
    while (at > 0 && j[at - 1] === j[at]) at--;
    w.copyWithin(at + 1, at, n);
    j.copyWithin(at + 1, at, n);
    w[at] /= 2;
    w[at + 1] = w[at];
  }
  for (let k = 0; k < taps; k++) {
    t.index[at0 + k] = start + j[k];
    t.weight[at0 + k] = w[k];
  }
}

/**
 * The longest run of W outputs [lo, hi) on which the table repeats with period 2, starting at
 * either parity (an even start first on ties). Bilinear and bicubic 2x repeat from an odd start,
 * where both phases read the same sources, which the kernel's stretch loads once. `weight`: the
 * weights the kernel reads (a wide plan's float64 ones).
 */
export function periodTwoRun(t: AxisTable, weight: ArrayLike<number> = t.weight): [number, number] {
  // Plain numbers and a module-level helper (no closure, no array read in the rarely taken branch):
  // V8 compiled this twice a folder run, the first code thrown away when a table first had a run.
  let bestLo = 0;
  let bestHi = 0;
  for (let parity = 0; parity < 2; parity++) {
    let lo = -1;
    for (let o = parity; o + 3 < t.outSize; o += 2) {
      if (repeatsAt(t, weight, o)) {
        if (lo < 0) lo = o;
        if (o + 4 - lo > bestHi - bestLo) { bestLo = lo; bestHi = o + 4; }
      } else {
        lo = -1;
      }
    }
  }
  return [bestLo, bestHi];
}

/** Whether outputs o + 2 and o + 3 read the inputs of o and o + 1 shifted by one, with the same weights. */
function repeatsAt(t: AxisTable, weight: ArrayLike<number>, o: number): boolean {
  // Every read, sum and step on every call, with no early exit (a table's row is a few taps):
  // code V8 compiles while no table has had a repeat then needs no recompiling when one does.
  const { taps: k, index } = t;
  let differs = 0;
  for (let i = 0; i < 2 * k; i++) {
    const a = o * k + i;
    const b = a + 2 * k;
    differs |= (index[b] !== index[a] + 1 ? 1 : 0) | (weight[b] !== weight[a] ? 1 : 0);
  }
  return differs === 0;
}

/**
 * One axis's table for every mode but area (also used by resizeImage). `nearestShortcuts`: the
 * channels-last nearest kernel's copy/halve shortcuts (spatial rank > 1 and C == 1).
 */
export function axisTableFor(mode: Exclude<InterpolateMode, 'area'>, inSize: number, outSize: number,
                             userScale: number | undefined, alignCorners: boolean, antialias: boolean,
                             nearestShortcuts: boolean): AxisTable {
  switch (mode) {
    case 'nearest': return nearestTable(inSize, outSize, userScale, false, nearestShortcuts);
    case 'nearest-exact': return nearestTable(inSize, outSize, userScale, true);
    case 'bicubic': return antialias ? antialiasTable(inSize, outSize, alignCorners, userScale, true)
      : cubicTable(inSize, outSize, alignCorners, userScale);
    default: return antialias ? antialiasTable(inSize, outSize, alignCorners, userScale, false)
      : linearTable(inSize, outSize, alignCorners, userScale);
  }
}

// ---- area ----

/** Adaptive-pooling windows as a table (resizeImage's area): taps = the longest window, weights 1/length (area is separable). */
export function areaTable(inSize: number, outSize: number): AxisTable {
  const starts = Int32Array.from({ length: outSize }, (_, o) => adaptiveStart(o, inSize, outSize));
  const ends = Int32Array.from({ length: outSize }, (_, o) => adaptiveEnd(o, inSize, outSize));
  let taps = 1;
  for (let o = 0; o < outSize; o++) taps = Math.max(taps, ends[o] - starts[o]);
  const index = new Int32Array(outSize * taps);
  const weight = new Float32Array(outSize * taps);
  for (let o = 0; o < outSize; o++) {
    const length = ends[o] - starts[o];
    for (let k = 0; k < taps; k++) {
      index[o * taps + k] = Math.min(starts[o] + k, inSize - 1);
      weight[o * taps + k] = k < length ? 1 / length : 0;
    }
  }
  return { inSize, outSize, taps, index, weight };
}

