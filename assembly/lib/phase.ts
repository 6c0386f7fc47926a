// The layout the convolution kernels (conv.ts: packWeights, convPhases) share with the wrapper:
// the phase record and the channel blocks of the packed weights. Both are written by src/conv.ts
// (buildPlan: `phases.set([...])`, PHASE_FIELDS, CHANNEL_BLOCK) and read by src/js/conv.ts too, so
// each side names the same fields in the same order. Helpers only: nothing under lib/ is a module
// export.
//
// One phase record is PHASE_FIELDS int32, by index:
//    0 PHASE_PIXELS_D   pixels along D
//    1 PHASE_PIXELS_H   pixels along H
//    2 PHASE_PIXELS_W   pixels along W
//    3 PHASE_K          K: input channels of a group x taps of this phase
//    4 PHASE_OFFSETS    where its K offsets start in `offsets`
//    5 PHASE_PACKED     where its packed weights start in one group's packed block
//    6 PHASE_OUT        the output element of its first pixel
//    7 PHASE_STEP_D     output elements per pixel along D
//    8 PHASE_STEP_H     output elements per pixel along H
//    9 PHASE_STEP_W     output elements per pixel along W
//   10 PHASE_TAPS       where its taps (kernel indices) start in `taps`
// Read a field as `load<i32>(rec, PHASE_X << 2)`: a constant offset, as the loads always were.

/** Int32 fields of one phase record (src/conv.ts PHASE_FIELDS). */
export const PHASE_FIELDS = 11;
export const PHASE_PIXELS_D = 0;
export const PHASE_PIXELS_H = 1;
export const PHASE_PIXELS_W = 2;
export const PHASE_K = 3;
export const PHASE_OFFSETS = 4;
export const PHASE_PACKED = 5;
export const PHASE_OUT = 6;
export const PHASE_STEP_D = 7;
export const PHASE_STEP_H = 8;
export const PHASE_STEP_W = 9;
export const PHASE_TAPS = 10;

/**
 * Output channels [0, blockEnd(M)) of a group are computed (and packed) in blocks of 4 (src/conv.ts
 * CHANNEL_BLOCK): with M % 4 == 3 the last block holds 3 and a zero channel, computed but not
 * stored (cheaper than three single channels); otherwise the 1 or 2 channels left go one by one.
 */
@inline export function blockEnd(M: i32): i32 {
  return (M & 3) == 3 ? M : M & ~3;
}

/** Channels of packed weights: M, and the zero channel of a last block of 3 (src/conv/phases.ts packedChannels). */
@inline export function packedChannels(M: i32): i32 {
  return (M & 3) == 3 ? M + 1 : M;
}
