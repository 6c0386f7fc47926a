// Decoded planes to RGBA as libwebp's default output does it: "fancy" chroma upsampling
// (dsp/upsampling.c: each output pixel's chroma from the 2x2 nearest samples weighted 9-3-3-1,
// computed through libwebp's two diagonal averages) and its 14-bit fixed-point BT.601 conversion
// (dsp/yuv.h: VP8YUVToR/G/B), alpha 255; or RGB, 3 bytes a pixel, for a caller that carries
// opaque images so. A row's chroma is upsampled into two scratch rows (8 pairs of pixels at a
// time), then converted 8 pixels at a time in 32-bit lanes.

import { zip16hi, zip16lo, zip8hi, zip8lo } from './zip';

// @ts-ignore: decorator
@inline function clip8(v: i32): u32 { // v in 1/64
  return (v & ~16383) == 0 ? <u32>(v >> 6) : v < 0 ? 0 : 255;
}

// @ts-ignore: decorator
@inline function pixel(out: usize, y: i32, u: i32, v: i32, rgba: bool): void {
  const luma = (y * 19077) >> 8;
  const r = clip8(luma + ((v * 26149) >> 8) - 14234);
  const g = clip8(luma - ((u * 6419) >> 8) - ((v * 13320) >> 8) + 8708);
  const b = clip8(luma + ((u * 33050) >> 8) - 17685);
  if (rgba) {
    store<u32>(out, r | (g << 8) | (b << 16) | 0xff000000);
  } else {
    store<u16>(out, <u16>(r | (g << 8)));
    store<u8>(out, <u8>b, 2);
  }
}

/**
 * libwebp's MultHi, (a * k) >> 8, for a in 0-255 in 16-bit lanes: k = 256 kh + kl makes it
 * a kh + ((a kl) >> 8) exactly, each product within 16 bits (a kl unsigned).
 */
// @ts-ignore: decorator
@inline function mulHi(a: v128, k: i32): v128 {
  return i16x8.add(i16x8.mul(a, i16x8.splat(<i16>(k >> 8))), i16x8.shr_u(i16x8.mul(a, i16x8.splat(<i16>(k & 255))), 8));
}

/** Pixels [0, width) of one row: luma y, upsampled chroma u and v, to RGBA (`rgba`) or RGB. */
function convert(y: usize, u: usize, v: usize, out: usize, width: i32, rgba: bool): void {
  let x = 0;
  const alpha = i16x8.splat(255);
  for (; x + 8 <= width; x += 8) {
    const u8 = v128.load8x8_u(u + <usize>x);
    const v8 = v128.load8x8_u(v + <usize>x);
    const luma = mulHi(v128.load8x8_u(y + <usize>x), 19077);
    // In 1/64 before the >> 6: R and G within i16 (libwebp's ranges); B up to 51922 - 17685, so
    // unsigned (a saturating subtract is the clamp at 0). The narrows clamp to 0-255 (VP8Clip8).
    const r = i16x8.shr_s(i16x8.sub(i16x8.add(luma, mulHi(v8, 26149)), i16x8.splat(14234)), 6);
    const g = i16x8.shr_s(i16x8.add(i16x8.sub(luma, i16x8.add(mulHi(u8, 6419), mulHi(v8, 13320))), i16x8.splat(8708)), 6);
    const b = i16x8.shr_u(i16x8.sub_sat_u(i16x8.add(luma, mulHi(u8, 33050)), i16x8.splat(17685)), 6);
    const rb = i8x16.narrow_i16x8_u(r, b); // r0-r7 b0-b7
    const ga = i8x16.narrow_i16x8_u(g, alpha); // g0-g7 then 255s
    if (rgba) {
      const rg = zip8lo(rb, ga);
      const ba = zip8hi(rb, ga);
      const o = out + (<usize>x << 2);
      v128.store(o, zip16lo(rg, ba));
      v128.store(o, zip16hi(rg, ba), 16);
    } else {
      // 24 bytes: 16, then 8 (no byte past the row's end is written).
      const o = out + <usize>x * 3;
      v128.store(o, v128.shuffle<u8>(rb, ga, 0, 16, 8, 1, 17, 9, 2, 18, 10, 3, 19, 11, 4, 20, 12, 5));
      v128.store64_lane(o, v128.shuffle<u8>(rb, ga, 21, 13, 6, 22, 14, 7, 23, 15, 0, 0, 0, 0, 0, 0, 0, 0), 0, 16);
    }
  }
  const size: usize = rgba ? 4 : 3;
  for (; x < width; x++) pixel(out + <usize>x * size, load<u8>(y + <usize>x), load<u8>(u + <usize>x), load<u8>(v + <usize>x), rgba);
}

/**
 * One row of chroma upsampled to `width` samples at `out`: `near` the closer chroma row, `far`
 * the other. Chroma column x sits between output columns 2x - 1 and 2x.
 */
function upsample(near: usize, far: usize, out: usize, width: i32): void {
  let tl = <i32>load<u8>(near), l = <i32>load<u8>(far);
  store<u8>(out, <u8>((3 * tl + l + 2) >> 2));
  const pairs = (width - 1) >> 1;
  let x = 1;
  const eight = i16x8.splat(8);
  for (; x + 7 <= pairs; x += 8) {
    const tl8 = v128.load8x8_u(near + <usize>x - 1), t8 = v128.load8x8_u(near + <usize>x);
    const l8 = v128.load8x8_u(far + <usize>x - 1), c8 = v128.load8x8_u(far + <usize>x);
    const avg = i16x8.add(i16x8.add(i16x8.add(tl8, t8), i16x8.add(l8, c8)), eight);
    const tl2 = i16x8.add(t8, l8);
    const d12 = i16x8.shr_u(i16x8.add(avg, i16x8.add(tl2, tl2)), 3);
    const tc = i16x8.add(tl8, c8);
    const d03 = i16x8.shr_u(i16x8.add(avg, i16x8.add(tc, tc)), 3);
    const odd = i16x8.shr_u(i16x8.add(d12, tl8), 1); // columns 2x - 1
    const even = i16x8.shr_u(i16x8.add(d03, t8), 1); // columns 2x
    v128.store(out + <usize>(2 * x - 1), zip8lo(i8x16.narrow_i16x8_u(odd, odd), i8x16.narrow_i16x8_u(even, even)));
  }
  if (x > 1) {
    tl = <i32>load<u8>(near + <usize>x - 1);
    l = <i32>load<u8>(far + <usize>x - 1);
  }
  for (; x <= pairs; x++) {
    const t = <i32>load<u8>(near + <usize>x), c = <i32>load<u8>(far + <usize>x);
    const avg = tl + t + l + c + 8;
    store<u8>(out + <usize>(2 * x - 1), <u8>((((avg + 2 * (t + l)) >> 3) + tl) >> 1));
    store<u8>(out + <usize>(2 * x), <u8>((((avg + 2 * (tl + c)) >> 3) + t) >> 1));
    tl = t;
    l = c;
  }
  if ((width & 1) == 0) store<u8>(out + <usize>(width - 1), <u8>((3 * tl + l + 2) >> 2));
}

/**
 * Rows [from, to) of the width x height image to RGBA (`rgba`; 4 x width bytes a row) or RGB
 * (3 x width) at `out`; `scratch`: 2 x (width + 16) bytes. Row r's chroma rows are libwebp's:
 * the first row and an even height's last use their own chroma row alone; odd rows 2k - 1 lean
 * on chroma row k - 1, even rows 2k on row k.
 */
export function toPixels(from: i32, to: i32, width: i32, height: i32, y: usize, yStride: usize, u: usize, v: usize, uvStride: usize,
                         out: usize, scratch: usize, rgba: bool): void {
  const upU = scratch;
  const upV = scratch + <usize>width + 16;
  const outStride = <usize>width * (rgba ? 4 : 3);
  for (let r = from; r < to; r++) {
    let near: i32, far: i32;
    if (r == 0) { near = 0; far = 0; }
    else if (r & 1) { near = (r - 1) >> 1; far = r == height - 1 ? near : (r + 1) >> 1; }
    else { near = r >> 1; far = near - 1; }
    const n = <usize>near * uvStride, f = <usize>far * uvStride;
    upsample(u + n, u + f, upU, width);
    upsample(v + n, v + f, upV, width);
    convert(y + <usize>r * yStride, upU, upV, out + <usize>(r - from) * outStride, width, rgba);
  }
}
