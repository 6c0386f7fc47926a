// The inverse DCT at a quarter and an eighth of the size (2 x 2 and 1 pixel a block; 4 x 4:
// ./half.ts, full size: ./aan.ts): the full-size IDCT box-averaged (libjpeg's DCT scaling, but an
// exact area average of the full decode rather than its truncated sums). Along one axis basis u
// averaged over pixels 4i to 4i + 3 is zero for u = 2, 4, 6 and, for odd u, equal and opposite on
// the two outputs. So with each coefficient pre-multiplied by its axis weight (the wrapper folds
// w(v) w(u) into the dequantisation; zero weight: not stored), one axis is a = F0,
// o = F1 + F3 + F5 + F7 and out = (a + o, a - o): 2 x 2 outputs from 16 coefficients.

/**
 * One block at n = 2: `coefficients` (64 f32, transposed, dequantised and weighted; only rows
 * and lanes 0, 1, 3, 5, 7 set) to 2 x 2 bytes at `out` (`stride` bytes a row), rounded,
 * level-shifted by 128 and saturated. Zeroes the coefficients.
 */
export function quarterDct(coefficients: usize, out: usize, stride: usize): void {
  // Along u (the stored rows), lanes v: the row u = 0 and the sum of the odd rows, their two
  // halves added (lane 4 is zero): X = (E, V15, 0, V37), Y = (H, D15, 0, D37), where E is the DC,
  // V (H) the odd v (u) of u = 0 (v = 0) and D both odd.
  const x = f32x4.add(v128.load(coefficients), v128.load(coefficients + 16));
  let y = f32x4.add(v128.load(coefficients + 32), v128.load(coefficients + 48));
  y = f32x4.add(y, f32x4.add(v128.load(coefficients + 96), v128.load(coefficients + 112)));
  y = f32x4.add(y, f32x4.add(v128.load(coefficients + 160), v128.load(coefficients + 176)));
  y = f32x4.add(y, f32x4.add(v128.load(coefficients + 224), v128.load(coefficients + 240)));
  // k = (E, H, V, D); l = (E + V, H + D, E - V, H - D); out = (l0 + l1, l0 - l1, l2 + l3, l2 - l3).
  const k = f32x4.add(v128.shuffle<f32>(x, y, 0, 4, 1, 5), v128.shuffle<f32>(x, y, 2, 6, 3, 7));
  const l = f32x4.add(v128.shuffle<f32>(k, k, 0, 1, 0, 1), f32x4.mul(v128.shuffle<f32>(k, k, 2, 3, 2, 3), f32x4(1, 1, -1, -1)));
  const sum = f32x4.add(f32x4.add(v128.shuffle<f32>(l, l, 0, 0, 2, 2), f32x4.mul(v128.shuffle<f32>(l, l, 1, 1, 3, 3), f32x4(1, -1, 1, -1))), f32x4.splat(128));
  const words = i16x8.narrow_i32x4_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(sum)), i32x4.splat(0));
  const bytes = i8x16.narrow_i16x8_u(words, words);
  store<u16>(out, <u16>i16x8.extract_lane_u(bytes, 0));
  store<u16>(out + stride, <u16>i16x8.extract_lane_u(bytes, 1));
  for (let u: usize = 0; u < 8; u++) {
    if (u == 2 || u == 4 || u == 6) continue;
    v128.store(coefficients + (u << 5), f32x4.splat(0));
    v128.store(coefficients + (u << 5) + 16, f32x4.splat(0));
  }
}

/** n = 1: the block's mean, its DC coefficient / 8 (the only one stored in the block). Zeroes it. */
export function dcOnly(coefficients: usize, out: usize): void {
  const value = <i32>nearest<f32>(load<f32>(coefficients) * 0.125 + 128);
  store<u8>(out, <u8>(value < 0 ? 0 : value > 255 ? 255 : value));
  store<f32>(coefficients, 0);
}
