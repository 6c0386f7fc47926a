// The decoder's fixed-size state, in static memory (the image-sized buffers are the wrapper's
// arena, laid out by ../webp-decoder.ts): coefficient probabilities, per-segment quantisers and
// loop-filter strengths, the token partitions' readers, libwebp's 32-byte-stride work block for
// one macroblock's prediction, and its coefficients.

/** Coefficient probabilities [4 types][8 bands][3 contexts][11]. */
export const PROBA: usize = memory.data(1056, 16);
/** Per segment: y1 dc, y1 ac, y2 dc, y2 ac, uv dc, uv ac (i32). */
export const QUANT: usize = memory.data(4 * 6 * 4, 16);
/** Per segment and i4x4 (0, 1): limit, interior limit, high-edge-variance threshold, inner (u8). */
export const FILTER_STRENGTH: usize = memory.data(4 * 2 * 4, 16);
/** Up to 8 token partitions' readers (./bool.ts saveReader), 32 bytes each. */
export const READERS: usize = memory.data(9 * 32, 16); // the ninth: the first partition, parked
/** The 4x4 modes along the left edge of the next macroblock (4 bytes; ./modes.ts). */
export const INTRA_LEFT: usize = memory.data(16, 16);
/** The segment tree's 3 probabilities. */
export const SEGMENT_PROBA: usize = memory.data(16, 16);
/** Segment quantiser and filter level updates (i32 x 4 each). */
export const SEGMENT_QUANT: usize = memory.data(16, 16);
export const SEGMENT_FILTER: usize = memory.data(16, 16);
/** Loop-filter deltas by reference frame and by mode (i32 x 4 each; the key frame uses [0] of each). */
export const REF_LF_DELTA: usize = memory.data(16, 16);
export const MODE_LF_DELTA: usize = memory.data(16, 16);

/** libwebp's work block: 32 bytes a row; Y 16x16 at row 1, column 8; U and V 8x8 at row 18, columns 8 and 24. */
export const BPS: usize = 32;
export const WORK: usize = memory.data(<i32>BPS * 26, 16);
export const Y_OFF: usize = BPS * 1 + 8;
export const U_OFF: usize = Y_OFF + BPS * 16 + BPS;
export const V_OFF: usize = U_OFF + 16;

/** One macroblock's 24 blocks of 16 dequantised coefficients (i16): 16 Y, 4 U, 4 V. */
export const COEFFS: usize = memory.data(384 * 2, 16);

/** Header fields. */
export let useSegment = false;
export let updateMap = false;
export let useSkipProba = false;
export let skipProba: u32 = 0;
export let filterType = 0; // 0 none, 1 simple, 2 normal
export let partitionsMinusOne = 0;

export function setSegmentFlags(use: bool, update: bool): void {
  useSegment = use;
  updateMap = update;
}
export function setSkip(use: bool, proba: u32): void {
  useSkipProba = use;
  skipProba = proba;
}
export function setFilterType(type: i32): void {
  filterType = type;
}
export function setPartitions(minusOne: i32): void {
  partitionsMinusOne = minusOne;
}
