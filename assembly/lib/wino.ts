// The phase record of the Winograd kernels (winograd.ts), written by src/conv/winograd.ts
// (WINO and WINO_FIELDS there name the same fields in the same order), and the stores of output
// tiles both tile sizes share (wino2.ts, wino3.ts). Helpers only: nothing under lib/ is a module
// export; call the SIMD ones only inside `if (ASC_FEATURE_SIMD)` branches.
//
// One record is WINO_FIELDS int32, by index:
//    0 WINO_PIXELS_H   the phase's pixels along H
//    1 WINO_PIXELS_W   its pixels along W
//    2 WINO_X          x element (within a group's first channel) of pixel 0's (0,0) neighbour
//    3 WINO_PACKED     where its transformed weights start in one group's packed block
//    4 WINO_OUT        the output element of its pixel 0
//    5 WINO_STEP_H     output elements per pixel along H
//    6 WINO_STEP_W     output elements per pixel along W
//    7 WINO_TAPS       where its r x r taps start: kernel indices of neighbours (0,0), (0,1), ... row-major
//    8 WINO_PAIR       1 if the next phase's pixels alternate with its own along W (run together), else 0

export const WINO_FIELDS = 9;
export const WINO_PIXELS_H = 0;
export const WINO_PIXELS_W = 1;
export const WINO_X = 2;
export const WINO_PACKED = 3;
export const WINO_OUT = 4;
export const WINO_STEP_H = 5;
export const WINO_STEP_W = 6;
export const WINO_TAPS = 7;
export const WINO_PAIR = 8;

/** Floats between one transform point's block of scratch and the next, past its own (WINO_POINT_PAD in src/conv/winograd.ts). */
export const POINT_PAD = 16;

// ---- storing a row of output tiles (shared by both tile sizes) ----

/** Stores the first `count` (1-8) of x0 y0 x1 y1 ... x3 y3 at dst, `step` bytes apart. */
@inline function storeInterleaved(dst: usize, x: v128, y: v128, step: usize, count: i32): void {
  const lo = v128.shuffle<f32>(x, y, 0, 4, 1, 5), hi = v128.shuffle<f32>(x, y, 2, 6, 3, 7);
  if (step == 4 && count == 8) {
    v128.store(dst, lo);
    v128.store(dst, hi, 16);
    return;
  }
  store<f32>(dst, f32x4.extract_lane(lo, 0));
  if (count > 1) store<f32>(dst + step, f32x4.extract_lane(lo, 1));
  if (count > 2) store<f32>(dst + 2 * step, f32x4.extract_lane(lo, 2));
  if (count > 3) store<f32>(dst + 3 * step, f32x4.extract_lane(lo, 3));
  if (count > 4) store<f32>(dst + 4 * step, f32x4.extract_lane(hi, 0));
  if (count > 5) store<f32>(dst + 5 * step, f32x4.extract_lane(hi, 1));
  if (count > 6) store<f32>(dst + 6 * step, f32x4.extract_lane(hi, 2));
  if (count > 7) store<f32>(dst + 7 * step, f32x4.extract_lane(hi, 3));
}

/**
 * Stores 4 tiles' outputs (SIMD: lane j is tile j): y00 y01 along the first output row at `o0`,
 * y10 y11 along the second at `o1` when `twoRows`, each plus `bias`; `left` of the row's pixels
 * remain from the first tile on (tile j holds pixels 2j and 2j + 1), `step` bytes apart.
 */
@inline export function storeTiles(o0: usize, o1: usize, twoRows: bool, step: usize, left: i32, bias: v128,
                                   y00: v128, y01: v128, y10: v128, y11: v128): void {
  const count = min(left, 8);
  storeInterleaved(o0, f32x4.add(y00, bias), f32x4.add(y01, bias), step, count);
  if (twoRows) storeInterleaved(o1, f32x4.add(y10, bias), f32x4.add(y11, bias), step, count);
}

/** storeTiles for one tile (the scalar build): its pixels 0 and 1 (the second when `pair`). */
@inline export function storeTile(o0: usize, o1: usize, twoRows: bool, step: usize, pair: bool, bias: f32,
                                  y00: f32, y01: f32, y10: f32, y11: f32): void {
  store<f32>(o0, y00 + bias);
  if (pair) store<f32>(o0 + step, y01 + bias);
  if (twoRows) {
    store<f32>(o1, y10 + bias);
    if (pair) store<f32>(o1 + step, y11 + bias);
  }
}
