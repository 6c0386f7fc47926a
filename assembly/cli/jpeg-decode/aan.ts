// The full-size (8 x 8) inverse DCT by Arai, Agui and Nakajima's factorisation (libjpeg's
// JDCT_FLOAT, jidctflt.c's data flow), four columns a vector: 5 multiplies and 29 adds for 8
// points instead of the matrix product's 64 multiply-adds. Its scale factors are folded into the
// dequantisation: the wrapper writes q x s(v) x s(u) / 8 (s(0) = 1, s(k) = sqrt 2 cos(k pi / 16)).
// The block arrives transposed (coefficient (v, u) at u * 8 + v: the wrapper's transposed natural
// order), so that one 8 x 8 transpose between the passes leaves the output in rows.

/** The 8-point IDCT along the rows of `from` (8 rows, 32 bytes apart), four lanes at a time, to `to`. */
@inline function idct8(from: usize, to: usize, bias: f32): void {
  const i0 = bias != 0 ? f32x4.add(v128.load(from), f32x4.splat(bias)) : v128.load(from); // every output has i0 once
  const i1 = v128.load(from + 32);
  const i2 = v128.load(from + 64);
  const i3 = v128.load(from + 96);
  const i4 = v128.load(from + 128);
  const i5 = v128.load(from + 160);
  const i6 = v128.load(from + 192);
  const i7 = v128.load(from + 224);
  // Even part.
  const e10 = f32x4.add(i0, i4);
  const e11 = f32x4.sub(i0, i4);
  const e13 = f32x4.add(i2, i6);
  const e12 = f32x4.sub(f32x4.mul(f32x4.sub(i2, i6), f32x4.splat(1.414213562)), e13);
  const t0 = f32x4.add(e10, e13);
  const t3 = f32x4.sub(e10, e13);
  const t1 = f32x4.add(e11, e12);
  const t2 = f32x4.sub(e11, e12);
  // Odd part.
  const z13 = f32x4.add(i5, i3);
  const z10 = f32x4.sub(i5, i3);
  const z11 = f32x4.add(i1, i7);
  const z12 = f32x4.sub(i1, i7);
  const t7 = f32x4.add(z11, z13);
  const o11 = f32x4.mul(f32x4.sub(z11, z13), f32x4.splat(1.414213562));
  const z5 = f32x4.mul(f32x4.add(z10, z12), f32x4.splat(1.847759065));
  const o10 = f32x4.sub(f32x4.mul(z12, f32x4.splat(1.0823922)), z5);
  const o12 = f32x4.add(f32x4.mul(z10, f32x4.splat(-2.61312593)), z5);
  const t6 = f32x4.sub(o12, t7);
  const t5 = f32x4.sub(o11, t6);
  const t4 = f32x4.add(o10, t5);
  v128.store(to, f32x4.add(t0, t7));
  v128.store(to + 32, f32x4.add(t1, t6));
  v128.store(to + 64, f32x4.add(t2, t5));
  v128.store(to + 96, f32x4.sub(t3, t4));
  v128.store(to + 128, f32x4.add(t3, t4));
  v128.store(to + 160, f32x4.sub(t2, t5));
  v128.store(to + 192, f32x4.sub(t1, t6));
  v128.store(to + 224, f32x4.sub(t0, t7));
}

/** The 4 x 4 f32 block at `from` (rows 32 bytes apart) transposed to `to`. */
@inline export function transpose4(from: usize, to: usize): void {
  const a = v128.load(from);
  const b = v128.load(from + 32);
  const c = v128.load(from + 64);
  const d = v128.load(from + 96);
  const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
  const ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const cd0 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const cd1 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  v128.store(to, v128.shuffle<f64>(ab0, cd0, 0, 2));
  v128.store(to + 32, v128.shuffle<f64>(ab0, cd0, 1, 3));
  v128.store(to + 64, v128.shuffle<f64>(ab1, cd1, 0, 2));
  v128.store(to + 96, v128.shuffle<f64>(ab1, cd1, 1, 3));
}

/** A block of DC alone (scaled so that it is the samples' value): DC + 128 rounded and saturated, in all 8 bytes. Zeroes the DC. */
@inline export function flatSample(coefficients: usize): u64 {
  const sample = <i32>nearest<f32>(load<f32>(coefficients) + <f32>128);
  store<f32>(coefficients, 0);
  return <u64>(sample < 0 ? 0 : sample > 255 ? 255 : sample) * 0x0101010101010101;
}

/**
 * One block: `coefficients` (64 f32, transposed, dequantised and scaled) to 8 x 8 bytes at `out` (`stride` bytes a row), rounded, level-shifted
 * by 128 and saturated. `scratch`: 256 bytes. Zeroes the coefficients.
 */
export function fullDct(coefficients: usize, scratch: usize, out: usize, stride: usize): void {
  let ac = v128.and(v128.load(coefficients), i32x4(0, -1, -1, -1));
  for (let at: usize = 16; at < 256; at += 16) ac = v128.or(ac, v128.load(coefficients + at));
  if (!v128.any_true(ac)) {
    // DC alone: every pass output is the DC (the other inputs add exact zeros).
    const bytes = flatSample(coefficients);
    for (let i: usize = 0; i < 8; i++) store<u64>(out + i * stride, bytes);
    return;
  }
  // Pass 1 along u (the stored rows), then transpose, pass 2 along v with the level shift.
  idct8(coefficients, scratch, 0);
  idct8(coefficients + 16, scratch + 16, 0);
  transpose4(scratch, coefficients);
  transpose4(scratch + 16, coefficients + 128);
  transpose4(scratch + 128, coefficients + 16);
  transpose4(scratch + 144, coefficients + 144);
  idct8(coefficients, scratch, 128);
  idct8(coefficients + 16, scratch + 16, 128);
  for (let i: usize = 0; i < 8; i++) {
    const row = scratch + (i << 5);
    const words = i16x8.narrow_i32x4_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(v128.load(row))), i32x4.trunc_sat_f32x4_s(f32x4.nearest(v128.load(row + 16))));
    store<u64>(out + i * stride, i64x2.extract_lane(i8x16.narrow_i16x8_u(words, words), 0));
    v128.store(coefficients + (i << 5), f32x4.splat(0));
    v128.store(coefficients + (i << 5) + 16, f32x4.splat(0));
  }
}
