// The row cache of the 2-D kernels (interpolate's separable2d, resizeImage): source row r lives
// in slot r & (slots - 1) of a ring with a power-of-two number of slots, so finding a row's slot
// is a mask, not a division (a division per tap per output row cost ~9% of a bilinear 2x call).
// A helper, not a kernel: nothing under lib/ is a module export.

/** Slots for K taps: the power of two >= K (src/wasm/module.ts Layout.rowRing must agree). */
@inline export function ringSlots(taps: i32): i32 {
  return taps <= 1 ? 1 : 1 << (32 - clz(taps - 1));
}

/**
 * Output pixels a channels-last 2-D pass resamples at a time (src/ring.ts stripPixels must agree):
 * rows of outW x channels floats would make a ring of whole rows spill out of L1, so the output is
 * done in vertical strips of about STRIP_FLOATS floats a row. One channel: whole rows.
 */
@inline export function stripPixels(outW: i32, channels: i32): i32 {
  return channels <= 1 ? outW : min(outW, max(1, STRIP_FLOATS / channels));
}

const STRIP_FLOATS = 2048;
