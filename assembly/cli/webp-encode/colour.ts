// RGBA or RGB (the bytes a pixel given) to the encoder's Y, U, V planes as libwebp's default (not "sharp") import does it
// (src/enc/picture_csp_enc.c, src/dsp/yuv.c): Y per pixel in 16-bit fixed point; U and V from
// each 2x2 block's gamma-averaged RGB (gamma 0.8, libwebp's tables and interpolation; a last odd
// column or row averages what it has). The planes are padded to whole macroblocks by repeating
// the last column and row, as libwebp's macroblock import does.

const YUV_FIX = 16;
const YUV_HALF = 1 << 15;
const GAMMA_FIX = 12;
const GAMMA_TAB_FIX = 7;
const GAMMA_TAB_SIZE = 1 << (GAMMA_FIX - GAMMA_TAB_FIX);

const TO_LINEAR: usize = memory.data(256 * 4, 16);
const TO_GAMMA: usize = memory.data((GAMMA_TAB_SIZE + 1) * 4, 16);
for (let v = 0; v <= 255; v++) {
  store<i32>(TO_LINEAR + (<usize>v << 2), <i32>(Math.pow(<f64>v / 255.0, 0.8) * <f64>((1 << GAMMA_FIX) - 1) + 0.5));
}
for (let v = 0; v <= GAMMA_TAB_SIZE; v++) {
  const scale = <f64>(1 << GAMMA_TAB_FIX) / <f64>((1 << GAMMA_FIX) - 1);
  store<i32>(TO_GAMMA + (<usize>v << 2), <i32>(255.0 * Math.pow(scale * <f64>v, 1.0 / 0.8) + 0.5));
}

// @ts-ignore: decorator
@inline function linear(v: u8): i32 {
  return load<i32>(TO_LINEAR + (<usize>v << 2));
}

function toGamma(base: i32, shift: i32): i32 {
  const v = base << shift;
  const pos = <usize>(v >> (GAMMA_TAB_FIX + 2));
  const x = v & ((1 << (GAMMA_TAB_FIX + 2)) - 1);
  const v0 = load<i32>(TO_GAMMA + (pos << 2));
  const v1 = load<i32>(TO_GAMMA + ((pos + 1) << 2));
  const y = v1 * x + v0 * ((1 << (GAMMA_TAB_FIX + 2)) - x);
  return (y + (1 << (GAMMA_TAB_FIX - 1))) >> GAMMA_TAB_FIX;
}

// @ts-ignore: decorator
@inline function clipUv(uv: i32): u8 {
  const v = (uv + (YUV_HALF << 2) + (128 << (YUV_FIX + 2))) >> (YUV_FIX + 2);
  return <u8>((v & ~0xff) == 0 ? v : v < 0 ? 0 : 255);
}

/** The average of up to 2x2 pixels (`size` bytes each) of channel c around (x, y), gamma-corrected, at 4x scale. */
function average(pixels: usize, width: i32, height: i32, size: usize, x: i32, y: i32, c: usize): i32 {
  const p = pixels + (<usize>y * <usize>width + <usize>x) * size + c;
  const right = x + 1 < width;
  const below = y + 1 < height;
  const stride = below ? <usize>width * size : 0;
  if (right) {
    return toGamma(linear(load<u8>(p)) + linear(load<u8>(p + size)) + linear(load<u8>(p + stride)) + linear(load<u8>(p + stride + size)), 0);
  }
  return toGamma(linear(load<u8>(p)) + linear(load<u8>(p + stride)), 1);
}

// @ts-ignore: decorator
@inline function lumaOf(r: i32, g: i32, b: i32): u8 {
  return <u8>((16839 * r + 33059 * g + 6420 * b + YUV_HALF + (16 << YUV_FIX)) >> YUV_FIX);
}

/** Four pixels' luma (i32 lanes) from their R, G and B (i32 lanes): lumaOf, four at a time. */
// @ts-ignore: decorator
@inline function lumaOf4(r: v128, g: v128, b: v128): v128 {
  const sum = i32x4.add(i32x4.add(i32x4.mul(r, i32x4.splat(16839)), i32x4.mul(g, i32x4.splat(33059))),
    i32x4.add(i32x4.mul(b, i32x4.splat(6420)), i32x4.splat(YUV_HALF + (16 << YUV_FIX))));
  return i32x4.shr_s(sum, YUV_FIX);
}

/** The four pixels at p (`size` bytes each), as lumaOf4 of their channels. */
// @ts-ignore: decorator
@inline function luma4(p: usize, size: usize): v128 {
  if (size == 4) {
    const v = v128.load(p);
    const mask = i32x4.splat(0xff);
    return lumaOf4(v128.and(v, mask), v128.and(i32x4.shr_u(v, 8), mask), v128.and(i32x4.shr_u(v, 16), mask));
  }
  const v = v128.load(p); // 12 bytes used (lumaRow keeps the other 4 within the pixels)
  return lumaOf4(i8x16.swizzle(v, i8x16(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1)),
    i8x16.swizzle(v, i8x16(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1)),
    i8x16.swizzle(v, i8x16(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1)));
}

/**
 * A row's luma: 4 pixels a step (one lumaOf4 a layout: a small function to optimise), the rest
 * one by one. RGB's steps load 4 bytes past their pixels: the next row's, or in the last row
 * (`last`) ones left to the pixel-by-pixel tail.
 */
function lumaRow(row: usize, out: usize, width: i32, size: usize, last: bool): void {
  const end = size == 3 && last ? width - 2 : width;
  let x = 0;
  for (; x + 4 <= end; x += 4) {
    const words = i16x8.narrow_i32x4_s(luma4(row + <usize>x * size, size), i32x4.splat(0));
    v128.store32_lane(out + <usize>x, i8x16.narrow_i16x8_u(words, words), 0);
  }
  for (; x < width; x++) {
    const p = row + <usize>x * size;
    store<u8>(out + <usize>x, lumaOf(<i32>load<u8>(p), <i32>load<u8>(p, 1), <i32>load<u8>(p, 2)));
  }
}

// @ts-ignore: decorator
@inline function storeUv(planeU: usize, planeV: usize, at: usize, r: i32, g: i32, b: i32): void {
  store<u8>(planeU + at, clipUv(-9719 * r - 19081 * g + 28800 * b));
  store<u8>(planeV + at, clipUv(28800 * r - 24116 * g - 4684 * b));
}

/**
 * Converts width x height pixels at `pixels`, `size` bytes each (RGBA 4, RGB 3), into the planes
 * (strides yStride and yStride / 2, padded to whole macroblocks).
 */
export function importPixels(pixels: usize, width: i32, height: i32, size: usize, planeY: usize, planeU: usize, planeV: usize, yStride: usize,
                             paddedH: i32): void {
  const rowBytes = <usize>width * size;
  for (let y = 0; y < height; y++) lumaRow(pixels + <usize>y * rowBytes, planeY + <usize>y * yStride, width, size, y == height - 1);
  const uvW = (width + 1) >> 1;
  const uvH = (height + 1) >> 1;
  const uvStride = yStride >> 1;
  for (let y = 0; y < uvH; y++) {
    const at = <usize>y * uvStride;
    let x = 0;
    if (2 * y + 1 < height) { // whole 2x2 blocks, as `average` takes them
      const p = pixels + <usize>(2 * y) * rowBytes;
      for (; 2 * x + 1 < width; x++) {
        const q = p + <usize>(2 * x) * size;
        const r = toGamma(linear(load<u8>(q)) + linear(load<u8>(q + size)) + linear(load<u8>(q + rowBytes)) + linear(load<u8>(q + rowBytes + size)), 0);
        const g = toGamma(linear(load<u8>(q, 1)) + linear(load<u8>(q + size, 1)) + linear(load<u8>(q + rowBytes, 1)) + linear(load<u8>(q + rowBytes + size, 1)), 0);
        const b = toGamma(linear(load<u8>(q, 2)) + linear(load<u8>(q + size, 2)) + linear(load<u8>(q + rowBytes, 2)) + linear(load<u8>(q + rowBytes + size, 2)), 0);
        storeUv(planeU, planeV, at + <usize>x, r, g, b);
      }
    }
    for (; x < uvW; x++) {
      const r = average(pixels, width, height, size, 2 * x, 2 * y, 0);
      const g = average(pixels, width, height, size, 2 * x, 2 * y, 1);
      const b = average(pixels, width, height, size, 2 * x, 2 * y, 2);
      storeUv(planeU, planeV, at + <usize>x, r, g, b);
    }
  }
  pad(planeY, width, height, yStride, paddedH);
  pad(planeU, uvW, uvH, uvStride, paddedH >> 1);
  pad(planeV, uvW, uvH, uvStride, paddedH >> 1);
}

function pad(plane: usize, w: i32, h: i32, stride: usize, paddedH: i32): void {
  for (let y = 0; y < h; y++) {
    const row = plane + <usize>y * stride;
    memory.fill(row + <usize>w, load<u8>(row + <usize>w - 1), stride - <usize>w);
  }
  for (let y = h; y < paddedH; y++) memory.copy(plane + <usize>y * stride, plane + <usize>(h - 1) * stride, stride);
}
