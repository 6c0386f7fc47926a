// Decoded planes to RGBA rows: chroma upsampled by libjpeg's "fancy" (triangle) filters (h2v1,
// h1v2, h2v2: 3/4 of the nearer sample, 1/4 of the farther, with its rounding biases; edges
// replicated at the component's real size), then YCbCr to RGB with libjpeg's 16-bit fixed-point
// constants (jdcolor.c), four pixels a step, so the result is within a level of libjpeg's where
// the IDCT agrees.

/**
 * One chroma row upsampled to `count` samples (count <= h x width) into `out` (i32 each).
 * `sums`: width i32 of scratch, the column sums at scale 4 (3 x nearer + farther row, or 4 x the row).
 */
function upsampleRow(plane: usize, stride: usize, planeHeight: i32, width: i32, h: i32, v: i32, y: i32, count: i32, sums: usize, out: usize): void {
  // Column sums, four a step (the planes are padded to whole blocks, so reading up to 3 past is in bounds).
  if (v == 2) {
    const r = y >> 1;
    let other = (y & 1) != 0 ? r + 1 : r - 1;
    if (other < 0) other = 0;
    if (other >= planeHeight) other = planeHeight - 1;
    const near = plane + <usize>r * stride;
    const far = plane + <usize>other * stride;
    for (let i = 0; i < width; i += 4) {
      v128.store(sums + (<usize>i << 2), i32x4.add(i32x4.mul(bytes4(near + i), i32x4.splat(3)), bytes4(far + i)));
    }
  } else {
    const row = plane + <usize>y * stride;
    for (let i = 0; i < width; i += 4) v128.store(sums + (<usize>i << 2), i32x4.shl(bytes4(row + i), 2));
  }
  if (h == 1) {
    // h1v2: (3 near + far + 1) >> 2 for the upper row of a pair, + 2 for the lower; h1v1: the sample.
    const bias = v == 2 ? ((y & 1) != 0 ? 2 : 1) : 0;
    for (let x = 0; x < count; x++) store<i32>(out + (<usize>x << 2), (load<i32>(sums + (<usize>x << 2)) + bias) >> 2);
    return;
  }
  // h = 2: even = (3 s[i] + s[i-1] + 8) >> 4, odd = (3 s[i] + s[i+1] + 7) >> 4 (h2v2); h2v1 is
  // (3c + c' + 1) >> 2 and (3c + c' + 2) >> 2, the same at scale 4 with biases 4 and 8.
  const even = v == 2 ? 8 : 4;
  const odd = v == 2 ? 7 : 8;
  const last = width - 1;
  const edge0 = v == 2 ? 8 : 0; // the first and last columns: libjpeg copies the sample (h2v2: (4 s + 8) >> 4, (4 s + 7) >> 4)
  const edge1 = v == 2 ? 7 : 0;
  // Interior columns four at a time: even and odd outputs interleaved into eight.
  const three = i32x4.splat(3);
  const evenBias = i32x4.splat(even);
  const oddBias = i32x4.splat(odd);
  let i = 1;
  for (; i + 4 <= last && (i << 1) + 8 <= count; i += 4) {
    const at = sums + (<usize>i << 2);
    const s3 = i32x4.mul(v128.load(at), three);
    const e = i32x4.shr_s(i32x4.add(i32x4.add(s3, v128.load(at - 4)), evenBias), 4);
    const o = i32x4.shr_s(i32x4.add(i32x4.add(s3, v128.load(at + 4)), oddBias), 4);
    const to = out + (<usize>(i << 1) << 2);
    v128.store(to, i8x16.shuffle(e, o, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23));
    v128.store(to + 16, i8x16.shuffle(e, o, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31));
  }
  for (let j = 0; j <= last; j = j == 0 ? i : j + 1) {
    const at = sums + (<usize>j << 2);
    const s = load<i32>(at);
    const e = j == 0 ? (4 * s + edge0) >> 4 : (3 * s + load<i32>(at - 4) + even) >> 4;
    const o = j == last ? (4 * s + edge1) >> 4 : (3 * s + load<i32>(at + 4) + odd) >> 4;
    const x = j << 1;
    if (x < count) store<i32>(out + (<usize>x << 2), e);
    if (x + 1 < count) store<i32>(out + (<usize>(x + 1) << 2), o);
  }
}

/** Four bytes as four i32 lanes. */
@inline function bytes4(at: usize): v128 { return i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(at))); }

@inline function clamp(v: i32): u32 { return <u32>(v < 0 ? 0 : v > 255 ? 255 : v); }

/**
 * Rows [from, to) of the image as RGBA at `out` (width x 4 bytes a row). `components` 1 or 3;
 * the chroma planes' sampling `h`, `v` (1 or 2: luma's factor over chroma's), real sizes
 * `chromaWidth` x `chromaHeight`. `scratch`: 3 x width i32.
 */
export function toRgba(from: i32, to: i32, width: i32, components: i32, luma: usize, lumaStride: usize,
                       cb: usize, cr: usize, chromaStride: usize, chromaWidth: i32, chromaHeight: i32, h: i32, v: i32,
                       scratch: usize, out: usize): void {
  const cbRow = scratch;
  const crRow = scratch + (<usize>width << 2);
  const sums = crRow + (<usize>width << 2);
  const alpha = i32x4.splat(0xff000000);
  for (let y = from; y < to; y++) {
    const yRow = luma + <usize>y * lumaStride;
    const o = out + <usize>(y - from) * (<usize>width << 2);
    if (components == 1) {
      for (let x = 0; x < width; x++) {
        const g = <u32>load<u8>(yRow + x);
        store<u32>(o + (<usize>x << 2), g | g << 8 | g << 16 | 0xff000000);
      }
      continue;
    }
    // Chroma as i32 rows (upsampled), or read from the planes where it is at luma's resolution.
    const direct = h == 1 && v == 1;
    if (!direct) {
      upsampleRow(cb, chromaStride, chromaHeight, chromaWidth, h, v, y, width, sums, cbRow);
      upsampleRow(cr, chromaStride, chromaHeight, chromaWidth, h, v, y, width, sums, crRow);
    }
    const cbPlane = cb + <usize>y * chromaStride;
    const crPlane = cr + <usize>y * chromaStride;
    let x = 0;
    for (; x + 4 <= width; x += 4) {
      const l = bytes4(yRow + x);
      const b = i32x4.sub(direct ? bytes4(cbPlane + x) : v128.load(cbRow + (<usize>x << 2)), i32x4.splat(128));
      const r = i32x4.sub(direct ? bytes4(crPlane + x) : v128.load(crRow + (<usize>x << 2)), i32x4.splat(128));
      const half = i32x4.splat(32768);
      const red = i32x4.add(l, i32x4.shr_s(i32x4.add(i32x4.mul(r, i32x4.splat(91881)), half), 16));
      const green = i32x4.add(l, i32x4.shr_s(i32x4.add(i32x4.add(i32x4.mul(b, i32x4.splat(-22554)), i32x4.mul(r, i32x4.splat(-46802))), half), 16));
      const blue = i32x4.add(l, i32x4.shr_s(i32x4.add(i32x4.mul(b, i32x4.splat(116130)), half), 16));
      const zero = i32x4.splat(0);
      const top = i32x4.splat(255);
      const R = i32x4.min_s(i32x4.max_s(red, zero), top);
      const G = i32x4.min_s(i32x4.max_s(green, zero), top);
      const B = i32x4.min_s(i32x4.max_s(blue, zero), top);
      v128.store(o + (<usize>x << 2), v128.or(v128.or(R, i32x4.shl(G, 8)), v128.or(i32x4.shl(B, 16), alpha)));
    }
    for (; x < width; x++) {
      const l = <i32>load<u8>(yRow + x);
      const b = (direct ? <i32>load<u8>(cbPlane + x) : load<i32>(cbRow + (<usize>x << 2))) - 128;
      const r = (direct ? <i32>load<u8>(crPlane + x) : load<i32>(crRow + (<usize>x << 2))) - 128;
      const red = l + ((91881 * r + 32768) >> 16);
      const green = l + ((-22554 * b - 46802 * r + 32768) >> 16);
      const blue = l + ((116130 * b + 32768) >> 16);
      store<u32>(o + (<usize>x << 2), clamp(red) | clamp(green) << 8 | clamp(blue) << 16 | 0xff000000);
    }
  }
}
