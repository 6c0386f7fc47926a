// The inverse DCT at reduced size (shrink on decode; full size: ./aan.ts), as two small matrix
// products. For an output of n x n pixels (n = 4, 2) the matrix A (n x 8) holds each DCT basis
// function averaged over the 8/n pixels of an output pixel, so the reduced block is the full-size
// IDCT box-averaged (libjpeg's DCT scaling, but an exact area average of the full decode rather
// than its truncated sums). The wrapper computes A: `columns` holds A's column u (8 lanes:
// A[0..7][u]) at u * 32, `rows` holds A[i][v] as f32 at (i * 8 + v) * 4. Samples are rounded,
// level-shifted by 128 and saturated to bytes.

/** A's columns (and rows) that are not zero for n (up to rounding): n = 4 averages basis 4 to 0, n = 2 also 2 and 6. */
@inline function usefulColumns(n: i32): i32 { return n == 4 ? 0xef : 0xab; }

/** Bit v set where coefficient row v is not all zero. */
@inline function rowsOf(coefficients: usize): i32 {
  let rows = 0;
  for (let v: usize = 0; v < 8; v++) {
    const row = coefficients + (v << 5);
    rows |= <i32>v128.any_true(v128.or(v128.load(row), v128.load(row + 16))) << <i32>v;
  }
  return rows;
}

/**
 * One block: `coefficients` (64 f32, natural order, dequantised) to n x n bytes (n = 4, 2) at
 * `out` (`stride` bytes a row). `scratch`: 8 x 32 bytes. Zeroes the coefficients. Terms that are
 * zero (a zero coefficient, or a column of A that is zero but for rounding, about 1e-17) are
 * skipped: adding them changes no f32 sum, so the result is the full product's, bit for bit. A
 * block of DC alone is one value.
 */
export function inverseDct(coefficients: usize, n: i32, columns: usize, rows: usize, scratch: usize, out: usize, stride: usize): void {
  const given = rowsOf(coefficients);
  if (given <= 1 && !v128.any_true(v128.or(v128.and(v128.load(coefficients), i32x4(0, -1, -1, -1)), v128.load(coefficients + 16)))) {
    // Pass 1 gives F * A[0][0] in every lane, pass 2 128 + A[0][0] * that.
    const a = load<f32>(rows);
    const sample = <i32>nearest<f32>(<f32>128 + a * (load<f32>(coefficients) * a));
    const byte = <u64>(sample < 0 ? 0 : sample > 255 ? 255 : sample) * 0x0101010101010101;
    store<f32>(coefficients, 0);
    for (let i = 0; i < n; i++) {
      const at = out + <usize>i * stride;
      if (n == 4) store<u32>(at, <u32>byte);
      else store<u16>(at, <u16>byte);
    }
    return;
  }
  // Pass 1: T[v] = sum over u of F[v][u] * A[.][u] (a row of n outputs, one vector).
  const useful = usefulColumns(n);
  const used = given & useful; // rows with a T
  let mask = given;
  while (mask != 0) {
    const v = <usize>ctz(mask);
    mask &= mask - 1;
    const row = coefficients + (v << 5);
    if ((used >> <i32>v & 1) != 0) {
      let t = f32x4.mul(f32x4.splat(load<f32>(row)), v128.load(columns));
      let terms = useful & ~1;
      while (terms != 0) {
        const u = <usize>ctz(terms);
        terms &= terms - 1;
        t = f32x4.add(t, f32x4.mul(f32x4.splat(load<f32>(row + (u << 2))), v128.load(columns + (u << 5))));
      }
      v128.store(scratch + (v << 5), t);
    }
    v128.store(row, f32x4.splat(0));
    v128.store(row + 16, f32x4.splat(0));
  }
  // Pass 2: output row i = sum over v of A[i][v] * T[v], then +128, rounded and saturated.
  for (let i = 0; i < n; i++) {
    let sum = f32x4.splat(128);
    mask = used;
    while (mask != 0) {
      const v = <usize>ctz(mask);
      mask &= mask - 1;
      sum = f32x4.add(sum, f32x4.mul(f32x4.splat(load<f32>(rows + ((<usize>i << 3) + v << 2))), v128.load(scratch + (v << 5))));
    }
    const words = i16x8.narrow_i32x4_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(sum)), i32x4.splat(0));
    const bytes = i8x16.narrow_i16x8_u(words, words);
    const at = out + <usize>i * stride;
    if (n == 4) store<u32>(at, i32x4.extract_lane(bytes, 0));
    else store<u16>(at, <u16>i16x8.extract_lane_u(bytes, 0));
  }
}

/** n = 1: the block's mean, its DC coefficient / 8 (the only one stored in the block). Zeroes it. */
export function dcOnly(coefficients: usize, out: usize): void {
  const value = <i32>nearest<f32>(load<f32>(coefficients) * 0.125 + 128);
  store<u8>(out, <u8>(value < 0 ? 0 : value > 255 ? 255 : value));
  store<f32>(coefficients, 0);
}
