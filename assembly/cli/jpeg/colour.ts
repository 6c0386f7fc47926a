// RGB(A) or grey bytes to level-shifted float planes (JFIF's YCbCr: BT.601 full range), and 2x2
// chroma averaging for 4:2:0. The wrapper hands whole MCU rows whose width is padded to the MCU
// (edge pixels replicated), so every loop runs in steps of four pixels with no tail.

// BT.601 full range, as JFIF (and libjpeg's jccolor) defines it.
const YR: f32 = 0.299;
const YG: f32 = 0.587;
const YB: f32 = 0.114;
const CBR: f32 = -0.168735892;
const CBG: f32 = -0.331264108;
const CRG: f32 = -0.418687589;
const CRB: f32 = -0.081312411;
/**
 * The same as vectors in memory (YR, YG, YB, CBR, CBG, 0.5, CRG, CRB, the level shift 128, and
 * 0.25 for the means), and a byte mask in each i32 lane: the loops load them once, into registers.
 * V8 builds a constant vector from immediates at every use, in the loop, and binaryen folds a
 * local set to a constant back into its uses (measured: 43.3 -> 37.7 ms on 16 photos).
 */
const WEIGHTS: usize = memory.data<f32>([
  YR, YR, YR, YR, YG, YG, YG, YG, YB, YB, YB, YB, CBR, CBR, CBR, CBR, CBG, CBG, CBG, CBG, 0.5, 0.5, 0.5, 0.5, CRG, CRG, CRG, CRG, CRB, CRB, CRB, CRB,
  128, 128, 128, 128, 0.25, 0.25, 0.25, 0.25,
], 16);
const BYTE: usize = memory.data<i32>([0xff, 0xff, 0xff, 0xff], 16);

/**
 * `count` pixels (a multiple of 4) of `channels` bytes each (1 grey, 3 RGB, 4 RGBA: alpha ignored)
 * to planes of floats: Y - 128 at `y`, and Cb - 128, Cr - 128 at `cb`, `cr` (not for grey).
 * RGB reads 4 bytes past its last pixel (the wrapper leaves them).
 */
export function toPlanes(pixels: usize, count: i32, channels: i32, y: usize, cb: usize, cr: usize): void {
  const bias = v128.load(WEIGHTS, 128);
  if (channels == 1) {
    for (let i = 0; i < count; i += 4) {
      const v = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(pixels + <usize>i)));
      v128.store(y + (<usize>i << 2), f32x4.sub(f32x4.convert_i32x4_s(v), bias));
    }
    return;
  }
  const yr = v128.load(WEIGHTS);
  const yg = v128.load(WEIGHTS, 16);
  const yb = v128.load(WEIGHTS, 32);
  const cbr = v128.load(WEIGHTS, 48);
  const cbg = v128.load(WEIGHTS, 64);
  const half = v128.load(WEIGHTS, 80);
  const crg = v128.load(WEIGHTS, 96);
  const crb = v128.load(WEIGHTS, 112);
  const byte = v128.load(BYTE);
  for (let i = 0; i < count; i += 4) {
    let v: v128;
    if (channels == 4) v = v128.load(pixels + (<usize>i << 2));
    // RGB: 12 bytes spread to four RGBx lanes by a constant shuffle (one pshufb; x, a copy of B,
    // is masked off below), not a swizzle (V8 adds a saturating add to its indices).
    else { const rgb = v128.load(pixels + <usize>i * 3); v = i8x16.shuffle(rgb, rgb, 0, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 11); }
    const r = f32x4.convert_i32x4_s(v128.and(v, byte));
    const g = f32x4.convert_i32x4_s(v128.and(i32x4.shr_u(v, 8), byte));
    const b = f32x4.convert_i32x4_s(v128.and(i32x4.shr_u(v, 16), byte));
    const at = <usize>i << 2;
    const luma = f32x4.add(f32x4.add(f32x4.mul(r, yr), f32x4.mul(g, yg)), f32x4.mul(b, yb));
    v128.store(y + at, f32x4.sub(luma, bias));
    v128.store(cb + at, f32x4.add(f32x4.add(f32x4.mul(r, cbr), f32x4.mul(g, cbg)), f32x4.mul(b, half)));
    v128.store(cr + at, f32x4.add(f32x4.add(f32x4.mul(r, half), f32x4.mul(g, crg)), f32x4.mul(b, crb)));
  }
}

/**
 * A plane of `rows` x `width` floats (both even, width a multiple of 8) to its 2x2 means,
 * (rows / 2) x (width / 2), in place: output k is written only after every input it reads.
 */
export function halve(plane: usize, width: i32, rows: i32): void {
  const quarter = v128.load(WEIGHTS, 144);
  const stride = <usize>width << 2;
  let out = plane;
  for (let r = 0; r < rows; r += 2) {
    const top = plane + <usize>r * stride;
    for (let x = 0; x < width; x += 8) {
      const a = top + (<usize>x << 2);
      const s0 = f32x4.add(v128.load(a), v128.load(a + stride));
      const s1 = f32x4.add(v128.load(a, 16), v128.load(a + stride, 16));
      const pairs = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 2, 4, 6), v128.shuffle<f32>(s0, s1, 1, 3, 5, 7));
      v128.store(out, f32x4.mul(pairs, quarter));
      out += 16;
    }
  }
}
