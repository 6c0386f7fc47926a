// Runs: the part of a channel-major array that a band reads or writes. A band of output rows (the
// first spatial axis) of an (N, C, D, H, W) sample is one run of each channel's plane, not one
// contiguous range, so such a band is staged packed (the runs one after another) and copied back
// into its places (the executors' copyOut, src/wasm/executor.ts). A band of columns too (argmax's,
// ./reduce-bands.ts) is a run per row of each plane: runs in blocks, one block a plane.

/**
 * `count` runs of `length` elements, `stride` apart, the first at `from`; with `blocks`, that many
 * groups of them, `blockStride` apart (absent: one).
 */
export interface Runs {
  count: number;
  length: number;
  stride: number;
  from: number;
  blocks?: number;
  blockStride?: number;
}

/** What runs are copied between: any typed array (labels are 8- or 16-bit), both of one element size. */
type RunArray = ArrayBufferView & { readonly length: number; readonly BYTES_PER_ELEMENT: number };

/** `a`'s elements as unsigned integers of their size: copied as bits (a float NaN's too), as set() copies them. */
function bitsOf(a: RunArray): Uint8Array | Uint16Array | Uint32Array {
  const Bits = a.BYTES_PER_ELEMENT === 4 ? Uint32Array : a.BYTES_PER_ELEMENT === 2 ? Uint16Array : Uint8Array;
  return new Bits(a.buffer as ArrayBuffer, a.byteOffset, a.length);
}

/** Elements of the runs, packed. */
export function runsLength(runs: Runs): number {
  return (runs.blocks ?? 1) * runs.count * runs.length;
}

/** Where the last run ends: the length of the array the runs lie in, at least. */
export function runsEnd(runs: Runs): number {
  const blocks = runs.blocks ?? 1;
  if (runs.count === 0 || blocks === 0) return 0;
  return runs.from + (blocks - 1) * (runs.blockStride ?? 0) + (runs.count - 1) * runs.stride + runs.length;
}

/** Runs shorter than this are copied element by element: a subarray and a set cost more (a column band's rows). */
const SHORT = 16;

/** Copies every run between `whole` and `packed` (into `packed` when `pack`, else back into `whole`). */
function copyRuns(runs: Runs, whole: RunArray, packed: RunArray, pack: boolean): void {
  const { count, length, stride, from, blocks = 1, blockStride = 0 } = runs;
  const src = bitsOf(pack ? whole : packed) as Uint32Array;
  const dst = bitsOf(pack ? packed : whole) as Uint32Array;
  let p = 0;
  for (let b = 0; b < blocks; b++) {
    for (let r = 0, at = from + b * blockStride; r < count; r++, at += stride, p += length) {
      const s = pack ? at : p;
      const d = pack ? p : at;
      if (length < SHORT) for (let i = 0; i < length; i++) dst[d + i] = src[s + i];
      else dst.set(src.subarray(s, s + length), d);
    }
  }
}

/** Copies the runs of `whole` into `packed` (one after another). */
export function packRuns(whole: RunArray, runs: Runs, packed: RunArray): void {
  copyRuns(runs, whole, packed, true);
}

/** Copies `packed` (the runs one after another) into their places in `whole`. */
export function unpackRuns(packed: RunArray, runs: Runs, whole: RunArray): void {
  copyRuns(runs, whole, packed, false);
}
