// The row cache of the 2-D kernels (both backends): source row r sits in slot r & (slots - 1),
// with `slots` the power of two >= the vertical taps, so consecutive output rows find the rows
// they share where the previous row left them and a slot is found with a mask, not a division.

/** Slots in a 2-D kernel's row cache for `taps` rows: the power of two >= taps. */
export function ringSlots(taps: number): number {
  let slots = 1;
  while (slots < taps) slots *= 2;
  return slots;
}

/** Floats of one strip of a channels-last 2-D pass (assembly/lib/ring.ts stripPixels must agree). */
const STRIP_FLOATS = 2048;

/** Output pixels a 2-D pass resamples at a time: whole rows for one channel, strips channels-last. */
export function stripPixels(outW: number, channels: number): number {
  return channels <= 1 ? outW : Math.min(outW, Math.max(1, Math.floor(STRIP_FLOATS / channels)));
}

/**
 * Floats of a 2-D pass's ring: its slots of strips, and for channels last at least one input row
 * (bilinear 2x blends a whole input row there first: assembly/interpolate.ts pixelsFirst2x).
 */
export function ringFloats2d(taps: number, inW: number, outW: number, channels: number): number {
  const slots = ringSlots(taps) * stripPixels(outW, channels) * channels;
  return channels > 1 ? Math.max(slots, inW * channels) : slots;
}
