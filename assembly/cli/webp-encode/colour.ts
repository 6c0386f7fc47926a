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

/**
 * Converts width x height pixels at `pixels`, `size` bytes each (RGBA 4, RGB 3), into the planes
 * (strides yStride and yStride / 2, padded to whole macroblocks).
 */
export function importPixels(pixels: usize, width: i32, height: i32, size: usize, planeY: usize, planeU: usize, planeV: usize, yStride: usize,
                             paddedH: i32): void {
  for (let y = 0; y < height; y++) {
    const row = pixels + <usize>y * <usize>width * size;
    const out = planeY + <usize>y * yStride;
    for (let x = 0; x < width; x++) {
      const p = row + <usize>x * size;
      const r = <i32>load<u8>(p), g = <i32>load<u8>(p, 1), b = <i32>load<u8>(p, 2);
      store<u8>(out + <usize>x, <u8>((16839 * r + 33059 * g + 6420 * b + YUV_HALF + (16 << YUV_FIX)) >> YUV_FIX));
    }
  }
  const uvW = (width + 1) >> 1;
  const uvH = (height + 1) >> 1;
  const uvStride = yStride >> 1;
  for (let y = 0; y < uvH; y++) {
    for (let x = 0; x < uvW; x++) {
      const r = average(pixels, width, height, size, 2 * x, 2 * y, 0);
      const g = average(pixels, width, height, size, 2 * x, 2 * y, 1);
      const b = average(pixels, width, height, size, 2 * x, 2 * y, 2);
      store<u8>(planeU + <usize>y * uvStride + <usize>x, clipUv(-9719 * r - 19081 * g + 28800 * b));
      store<u8>(planeV + <usize>y * uvStride + <usize>x, clipUv(28800 * r - 24116 * g - 4684 * b));
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
