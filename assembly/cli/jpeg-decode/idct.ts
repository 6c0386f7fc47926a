// The inverse DCT at full or reduced size, as two small matrix products. For an output of n x n
// pixels (n = 8, 4, 2) the matrix A (n x 8) holds each DCT basis function averaged over the 8/n
// pixels of an output pixel, so the reduced block is the full-size IDCT box-averaged (libjpeg's
// DCT scaling, but an exact area average of the full decode rather than its truncated sums).
// The wrapper computes A: `columns` holds A's column u (8 lanes: A[0..7][u]) at u * 32, `rows`
// holds A[i][v] as f32 at (i * 8 + v) * 4. Coefficient rows that are all zero (`rowMask`) are
// skipped. Samples are rounded, level-shifted by 128 and saturated to bytes.

/**
 * One block: `coefficients` (64 f32, natural order, dequantised) to n x n bytes at `out`
 * (`stride` bytes a row). `scratch`: 8 x 32 bytes. Zeroes the coefficient rows it used.
 */
export function inverseDct(coefficients: usize, rowMask: i32, n: i32, columns: usize, rows: usize, scratch: usize, out: usize, stride: usize): void {
  // Pass 1: T[v] = sum over u of F[v][u] * A[.][u] (a row of n outputs: two vectors for n = 8, one else).
  const wide = n == 8;
  let mask = rowMask;
  while (mask != 0) {
    const v = <usize>ctz(mask);
    mask &= mask - 1;
    const row = coefficients + (v << 5);
    let lo = f32x4.mul(f32x4.splat(load<f32>(row)), v128.load(columns));
    let hi = f32x4.mul(f32x4.splat(load<f32>(row)), v128.load(columns + 16));
    if (wide) {
      for (let u: usize = 1; u < 8; u++) {
        const f = f32x4.splat(load<f32>(row + (u << 2)));
        lo = f32x4.add(lo, f32x4.mul(f, v128.load(columns + (u << 5))));
        hi = f32x4.add(hi, f32x4.mul(f, v128.load(columns + (u << 5) + 16)));
      }
    } else {
      for (let u: usize = 1; u < 8; u++) lo = f32x4.add(lo, f32x4.mul(f32x4.splat(load<f32>(row + (u << 2))), v128.load(columns + (u << 5))));
    }
    v128.store(scratch + (v << 5), lo);
    v128.store(scratch + (v << 5) + 16, hi);
    v128.store(row, f32x4.splat(0));
    v128.store(row + 16, f32x4.splat(0));
  }
  // Pass 2: output row i = sum over v of A[i][v] * T[v], then +128, rounded and saturated.
  const bias = f32x4.splat(128);
  for (let i = 0; i < n; i++) {
    let lo = bias;
    let hi = bias;
    mask = rowMask;
    while (mask != 0) {
      const v = <usize>ctz(mask);
      mask &= mask - 1;
      const a = f32x4.splat(load<f32>(rows + ((<usize>i << 3) + v << 2)));
      lo = f32x4.add(lo, f32x4.mul(a, v128.load(scratch + (v << 5))));
      hi = f32x4.add(hi, f32x4.mul(a, v128.load(scratch + (v << 5) + 16)));
    }
    const words = i16x8.narrow_i32x4_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(lo)), i32x4.trunc_sat_f32x4_s(f32x4.nearest(hi)));
    const bytes = i8x16.narrow_i16x8_u(words, words);
    const at = out + <usize>i * stride;
    if (n == 8) store<u64>(at, i64x2.extract_lane(bytes, 0));
    else if (n == 4) store<u32>(at, i32x4.extract_lane(bytes, 0));
    else store<u16>(at, <u16>i16x8.extract_lane_u(bytes, 0));
  }
}

/** n = 1: the block's mean, its DC coefficient / 8. Zeroes the coefficient rows used. */
export function dcOnly(coefficients: usize, rowMask: i32, out: usize): void {
  const value = <i32>nearest<f32>(load<f32>(coefficients) * 0.125 + 128);
  store<u8>(out, <u8>(value < 0 ? 0 : value > 255 ? 255 : value));
  let mask = rowMask;
  while (mask != 0) {
    const v = <usize>ctz(mask);
    mask &= mask - 1;
    v128.store(coefficients + (v << 5), f32x4.splat(0));
    v128.store(coefficients + (v << 5) + 16, f32x4.splat(0));
  }
}
