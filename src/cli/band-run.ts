// Running the bands that ./bands.ts plans: input rows (from a decoder, an iterable, or an image
// held whole) into each band's window, each band resized (resizeImage on a band resized as a
// smaller image, resizeImageBand on one cut from the whole image's plan), its kept output rows
// handed on; and the plans those calls run, kept for the next band and the next file.

import { cutImageBand, imageOps, planImageOfSize, type ImageBackend, type ImageBand } from '../image-band.js';
import type { ImagePlan, ResizeImageOptions } from '../image.js';
import type { AxisTable } from '../rules/pytorch.js';
import type { Band, BandGeometry, ImageTarget } from './bands.js';
import { Spares } from './spares.js';

/** The whole image's plan for `options` (the geometry's convention, mode and flags, and premultiplying as the call does). */
export function wholePlan(g: BandGeometry, options: ResizeImageOptions): ImagePlan {
  return planOf(g.width, g.height, g.channels ?? 4, g.target, options);
}

/**
 * Plans made lately, by sizes, target and options: the bands of one image are mostly of one size,
 * and the photos of a folder mostly of a few, so their axis tables (a millisecond or two each for
 * an antialiased photo) are built once. Plans are read, never changed, by the calls that run them.
 */
const PLANS = new Map<string, ImagePlan>();
const PLANS_KEPT = 16;

function planOf(width: number, height: number, channels: 3 | 4, target: ImageTarget, options: ResizeImageOptions): ImagePlan {
  const o = options;
  // Options left out keyed as their defaults: the cut bands' plan (made without premultiplyAlpha)
  // and the run's (with it false, of an opaque image) are then one plan, not two to build.
  const key = [width, height, channels, target.width, target.height, target.scale, o.convention ?? 'pytorch', o.mode, !!o.alignCorners, !!o.antialias,
    o.premultiplyAlpha ?? channels === 4, !!o.linearLight].join(' ');
  let plan = PLANS.get(key);
  if (plan) {
    PLANS.delete(key); // most recently used last
  } else {
    plan = planImageOfSize({ width, height, channels }, target, { ...options, out: undefined });
    if (PLANS.size >= PLANS_KEPT) PLANS.delete(PLANS.keys().next().value!);
  }
  PLANS.set(key, plan);
  return plan;
}

/** The caller's array for the next `bytes` bytes of output rows, or undefined where they do not fit in it (resizeInBands). */
export type OutputRoom = (bytes: number) => Uint8Array | undefined;

/**
 * Rows read in order into the caller's array (a decoder writing them there directly, with no
 * array or turn of an async generator a row): `read` fills `into` with the next into.length /
 * (width * channels) rows; `finish`, after the last row, checks the source to its end.
 */
export interface RowSource {
  read(into: Uint8Array): Promise<void>;
  finish(): Promise<void>;
}

/**
 * Runs `bands` over RGBA (or RGB: `g.channels`) rows: from `rows` (a RowSource; or an iterable of
 * rows in order, each width * channels bytes, copied before the next is asked for, so it may hand
 * out one reused row; or the whole image's bytes, whose bands are then views of it): holds only
 * the input rows the current band needs, in one array (the rows a band shares with the previous
 * one moved to its front), resizes each band on `backend` (resizeImage, or resizeImageBand for a
 * cut band; 'wasm' runs on init()'s module) and hands the kept output rows to `emit` (awaited: the
 * caller's writer sets the pace; it must be done with the rows when it resolves, their array is
 * reused). `room`, where given, is the caller's own array for the next `bytes` output bytes (or
 * undefined where they do not fit it): a band whose output rows are all kept (a cut band's) is
 * written there, and `emit` is then handed that array's view (rows already in place, not copied).
 * Returns the milliseconds spent resizing.
 */
export async function resizeInBands(rows: RowSource | AsyncIterable<Uint8Array> | Uint8Array, g: BandGeometry, bands: Band[], backend: ImageBackend,
                                    options: ResizeImageOptions, emit: (rows: Uint8Array) => Promise<void>, room?: OutputRoom): Promise<number> {
  if (rows instanceof Uint8Array) return resizeHeld(rows, g, bands, backend, options, emit, room);
  const stride = g.width * (g.channels ?? 4);
  const iterated = Symbol.asyncIterator in rows ? iteratedRows(rows, stride, g.height) : undefined;
  const source = iterated ?? rows as RowSource;
  // The input rows of the band being run: [from, from + count) of the image, in `window`.
  const windowRows = Math.max(...bands.map((b) => b.inRows));
  const window = new Uint8Array(windowRows * stride);
  let from = 0;
  let count = 0;
  let read = 0; // rows read from the source
  /** Reads the next `n` rows into the window from row `at` on (rows no band reads: in turns, each overwriting the last). */
  const readInto = async (at: number, n: number) => {
    for (let left = n; left > 0;) {
      const k = Math.min(left, windowRows - at);
      await source.read(window.subarray(at * stride, (at + k) * stride));
      read += k;
      left -= k;
    }
  };
  let resizeMs = 0;
  const run = bandRunner(g, bands, backend, options);
  try {
    for (const band of bands) {
      // Input rows are read once, in order: a band starts at or after the previous one's start.
      if (band.r0 < from) throw new Error(`internal: a band starts at input row ${band.r0}, before the previous one's (${from})`);
      const shared = Math.max(0, Math.min(from + count, band.r0 + band.inRows) - band.r0);
      if (shared > 0) window.copyWithin(0, (band.r0 - from) * stride, (band.r0 - from + shared) * stride);
      if (read < band.r0) await readInto(shared, band.r0 - read); // rows no band reads
      await readInto(shared, band.inRows - shared);
      from = band.r0;
      count = band.inRows;
      const t0 = performance.now();
      const { kept, done } = run(band, window.subarray(0, band.inRows * stride), room);
      resizeMs += performance.now() - t0;
      await emit(kept);
      done();
    }
    // Read to the end: a file whose last chunks are corrupt fails here, before anything is renamed.
    await readInto(0, g.height - read);
    await source.finish();
  } finally {
    await iterated?.close();
  }
  return resizeMs;
}

/** A RowSource over an iterable of rows (`stride` bytes each, `height` of them), and its close() for when reading stops. */
function iteratedRows(rows: AsyncIterable<Uint8Array>, stride: number, height: number): RowSource & { close(): Promise<unknown> | undefined } {
  const iterator = rows[Symbol.asyncIterator]();
  let pulled = 0;
  return {
    async read(into) {
      for (let at = 0; at < into.length; at += stride) {
        const next = await iterator.next();
        if (next.done) throw new Error(`the image ended after ${pulled} of ${height} rows`);
        if (next.value.length !== stride) throw new Error(`internal: a row of ${next.value.length} bytes, expected ${stride}`);
        into.set(next.value, at);
        pulled++;
      }
    },
    async finish() {
      if (!(await iterator.next()).done) throw new Error(`more than ${height} rows`);
    },
    close: () => iterator.return?.(undefined),
  };
}

/** resizeInBands over an image held whole (`data`, height rows): each band's rows are a view of it, not a copy. */
async function resizeHeld(data: Uint8Array, g: BandGeometry, bands: Band[], backend: ImageBackend, options: ResizeImageOptions,
                          emit: (rows: Uint8Array) => Promise<void>, room?: OutputRoom): Promise<number> {
  const stride = g.width * (g.channels ?? 4);
  if (data.length !== g.height * stride) throw new Error(`internal: ${data.length} bytes held for a ${g.width} x ${g.height} image`);
  const run = bandRunner(g, bands, backend, options);
  let resizeMs = 0;
  for (const band of bands) {
    const t0 = performance.now();
    const { kept, done } = run(band, data.subarray(band.r0 * stride, (band.r0 + band.inRows) * stride), room);
    resizeMs += performance.now() - t0;
    await emit(kept);
    done();
  }
  return resizeMs;
}

/**
 * Resizes one band's input rows and returns the output rows it keeps, a view of an output array
 * taken from this thread's spare ones (`done` gives it back once the caller is through with it).
 */
function bandRunner(g: BandGeometry, bands: Band[], backend: ImageBackend, options: ResizeImageOptions):
  (band: Band, data: Uint8Array, room?: OutputRoom) => { kept: Uint8Array; done: () => void } {
  const outStride = g.outWidth * (g.channels ?? 4);
  const whole = bands.some((b) => b.cut) ? wholePlan(g, options) : undefined;
  const { resizeImageBand: runCut, resizeImagePlanned: runPlanned } = imageOps[backend];
  return (band, data, room) => {
    // A band whose plan gives its input unchanged (a scale of 1 that shrink on decode or an
    // 800-wide photo asks for): its input rows, not a resize (the same bytes, isIdentity).
    const plan = band.cut ? whole! : planOf(g.width, band.inRows, g.channels ?? 4, band.target, options);
    if (isIdentity(plan)) return { kept: data.subarray((band.k0 - band.r0) * outStride, (band.k1 - band.r0) * outStride), done: () => {} };
    // Every output row kept: written straight into the caller's array where it has room for them.
    const mine = band.a === band.k0 && band.outRows === band.k1 - band.k0 ? room?.(band.outRows * outStride) : undefined;
    const out = mine ? new Uint8ClampedArray(mine.buffer as ArrayBuffer, mine.byteOffset, mine.length) : SPARE_OUTPUTS.take(band.outRows * outStride);
    const result = band.cut ? runCutBand(band, whole!, data, runCut, out) : runPlanned(plan, data, out);
    if (result.width !== g.outWidth || result.height !== band.outRows) {
      throw new Error(`internal: a band gave ${result.width} x ${result.height}, expected ${g.outWidth} x ${band.outRows}`);
    }
    const bytes = new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength);
    return { kept: bytes.subarray((band.k0 - band.a) * outStride, (band.k1 - band.a) * outStride), done: mine ? () => {} : () => SPARE_OUTPUTS.give(out) };
  };
}

/**
 * Whether `plan` gives its input bytes unchanged: no colour transform (linear light,
 * premultiplying) and on each axis every output's taps all read its own input or weigh exactly
 * zero, their weights (none negative) summing to exactly 1 (PyTorch's antialiased tables at a
 * scale of 1, whose neighbours weigh 0, and halved taps). The kernels' float sums of an 8-bit
 * value then stay within float32 rounding of it, and the rounding to bytes gives it back.
 */
export function isIdentity(plan: ImagePlan): boolean {
  return plan.kind === 'float' && !plan.linearLight && !plan.premultiply && identityAxis(plan.rows) && identityAxis(plan.cols);
}

/**
 * By table, not by plan: the bands cut from one plan are new plans a band, sharing its column
 * table (checked once, not once a band), and plans of a folder's photos share tables too.
 */
const IDENTITY = new WeakMap<AxisTable, boolean>();
function identityAxis(t: AxisTable): boolean {
  if (t.inSize !== t.outSize) return false;
  let identity = IDENTITY.get(t);
  if (identity === undefined) IDENTITY.set(t, identity = identityTaps(t));
  return identity;
}

function identityTaps(t: AxisTable): boolean {
  for (let o = 0; o < t.outSize; o++) {
    let own = 0;
    for (let k = o * t.taps; k < (o + 1) * t.taps; k++) {
      if (t.index[k] === o && t.weight[k] >= 0) own += t.weight[k];
      else if (t.weight[k] !== 0) return false;
    }
    if (own !== 1) return false;
  }
  return true;
}

/** Band output arrays (planned and cut) not in use on this thread (./spares.ts): most bands of a folder's images are one size (a strip's rows x the output width). */
const SPARE_OUTPUTS = new Spares((n) => new Uint8ClampedArray(n), 4);

/**
 * Output rows [k0, k1) of `whole` (cutImageBand), cut once: the bands are cut when planned
 * (./bands.ts) and again when run, and a folder's photos of one size share their plan (planOf).
 * Cuts are read, never changed, like the plans they come from.
 */
const CUTS = new WeakMap<ImagePlan, Map<string, ImageBand>>();
export function cutOf(whole: ImagePlan, k0: number, k1: number): ImageBand {
  let cuts = CUTS.get(whole);
  if (!cuts) CUTS.set(whole, cuts = new Map());
  const key = `${k0} ${k1}`;
  let cut = cuts.get(key);
  if (!cut) cuts.set(key, cut = cutImageBand(whole, [k0, k1]));
  return cut;
}

function runCutBand(band: Band, whole: ImagePlan, window: Uint8Array, run: typeof imageOps.wasm.resizeImageBand, out: Uint8ClampedArray):
  { data: Uint8ClampedArray; width: number; height: number } {
  const cut = cutOf(whole, band.k0, band.k1);
  if (cut.lo !== band.r0 || cut.hi - cut.lo !== band.inRows) {
    throw new Error(`internal: output rows ${band.k0}-${band.k1 - 1} read input rows ${cut.lo}-${cut.hi - 1}, planned ${band.r0}-${band.r0 + band.inRows - 1}`);
  }
  return { data: run(cut, window, out), width: whole.outWidth, height: band.k1 - band.k0 };
}
