// Runs: the part of a channel-major array that a band of a convolution reads or writes. A band of
// output rows (the first spatial axis) of an (N, C, D, H, W) sample is one run of each channel's
// plane, not one contiguous range, so such a band is staged packed (the runs one after another)
// and copied back into its places (the executors' copyOut, src/wasm/executor.ts).

/** `count` runs of `length` elements, `stride` apart, the first at `from`. */
export interface Runs {
  count: number;
  length: number;
  stride: number;
  from: number;
}

/** Elements of the runs, packed. */
export function runsLength(runs: Runs): number {
  return runs.count * runs.length;
}

/** Where the last run ends: the length of the array the runs lie in, at least. */
export function runsEnd(runs: Runs): number {
  return runs.count === 0 ? 0 : runs.from + (runs.count - 1) * runs.stride + runs.length;
}

/** Copies the runs of `whole` into `packed` (one after another). */
export function packRuns(whole: Float32Array, runs: Runs, packed: Float32Array): void {
  const { count, length, stride, from } = runs;
  for (let r = 0; r < count; r++) packed.set(whole.subarray(from + r * stride, from + r * stride + length), r * length);
}

/** Copies `packed` (the runs one after another) into their places in `whole`. */
export function unpackRuns(packed: Float32Array, runs: Runs, whole: Float32Array): void {
  const { count, length, stride, from } = runs;
  for (let r = 0; r < count; r++) whole.set(packed.subarray(r * length, (r + 1) * length), from + r * stride);
}
