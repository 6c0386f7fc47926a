// Decoded planes to RGBA as libwebp's default output does it: "fancy" chroma upsampling
// (dsp/upsampling.c: each output pixel's chroma from the 2x2 nearest samples weighted 9-3-3-1,
// computed through libwebp's two diagonal averages) and its 14-bit fixed-point BT.601 conversion
// (dsp/yuv.h: VP8YUVToR/G/B), alpha 255.

// @ts-ignore: decorator
@inline function clip8(v: i32): u32 { // v in 1/64
  return (v & ~16383) == 0 ? <u32>(v >> 6) : v < 0 ? 0 : 255;
}

// @ts-ignore: decorator
@inline function pixel(out: usize, y: i32, u: i32, v: i32): void {
  const luma = (y * 19077) >> 8;
  const r = clip8(luma + ((v * 26149) >> 8) - 14234);
  const g = clip8(luma - ((u * 6419) >> 8) - ((v * 13320) >> 8) + 8708);
  const b = clip8(luma + ((u * 33050) >> 8) - 17685);
  store<u32>(out, r | (g << 8) | (b << 16) | 0xff000000);
}

/**
 * One output row: luma `y`, chroma rows `nearU`/`nearV` (the closer) and `farU`/`farV`, `width`
 * pixels. Chroma column x sits between luma columns 2x - 1 and 2x.
 */
function row(y: usize, nearU: usize, nearV: usize, farU: usize, farV: usize, out: usize, width: i32): void {
  let tlU = <i32>load<u8>(nearU), lU = <i32>load<u8>(farU);
  let tlV = <i32>load<u8>(nearV), lV = <i32>load<u8>(farV);
  pixel(out, load<u8>(y), (3 * tlU + lU + 2) >> 2, (3 * tlV + lV + 2) >> 2);
  const pairs = (width - 1) >> 1;
  for (let x = 1; x <= pairs; x++) {
    const tU = <i32>load<u8>(nearU + <usize>x), cU = <i32>load<u8>(farU + <usize>x);
    const tV = <i32>load<u8>(nearV + <usize>x), cV = <i32>load<u8>(farV + <usize>x);
    const avgU = tlU + tU + lU + cU + 8;
    const avgV = tlV + tV + lV + cV + 8;
    const d12U = (avgU + 2 * (tU + lU)) >> 3, d03U = (avgU + 2 * (tlU + cU)) >> 3;
    const d12V = (avgV + 2 * (tV + lV)) >> 3, d03V = (avgV + 2 * (tlV + cV)) >> 3;
    const o = out + (<usize>(2 * x - 1) << 2);
    pixel(o, load<u8>(y + <usize>(2 * x - 1)), (d12U + tlU) >> 1, (d12V + tlV) >> 1);
    pixel(o + 4, load<u8>(y + <usize>(2 * x)), (d03U + tU) >> 1, (d03V + tV) >> 1);
    tlU = tU; lU = cU; tlV = tV; lV = cV;
  }
  if ((width & 1) == 0) {
    pixel(out + (<usize>(width - 1) << 2), load<u8>(y + <usize>(width - 1)), (3 * tlU + lU + 2) >> 2, (3 * tlV + lV + 2) >> 2);
  }
}

/**
 * Rows [from, to) of the width x height image to RGBA at `out` (4 x width bytes a row). Row r's
 * chroma rows are libwebp's: the first row and an even height's last use their own chroma row
 * alone; odd rows 2k - 1 lean on chroma row k - 1, even rows 2k on row k.
 */
export function toRgba(from: i32, to: i32, width: i32, height: i32, y: usize, yStride: usize, u: usize, v: usize, uvStride: usize, out: usize): void {
  for (let r = from; r < to; r++) {
    let near: i32, far: i32;
    if (r == 0) { near = 0; far = 0; }
    else if (r & 1) { near = (r - 1) >> 1; far = r == height - 1 ? near : (r + 1) >> 1; }
    else { near = r >> 1; far = near - 1; }
    const n = <usize>near * uvStride, f = <usize>far * uvStride;
    row(y + <usize>r * yStride, u + n, v + n, u + f, v + f, out + <usize>(r - from) * <usize>width * 4, width);
  }
}
