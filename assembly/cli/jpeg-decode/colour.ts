// Decoded planes to RGBA or RGB rows: chroma upsampled by libjpeg's "fancy" (triangle) filters (h2v1,
// h1v2, h2v2: 3/4 of the nearer sample, 1/4 of the farther, with its rounding biases; edges
// replicated at the component's real size), then YCbCr to RGB with libjpeg's 16-bit fixed-point
// constants (jdcolor.c), so the result is within a level of libjpeg's where the IDCT agrees.
// Eight pixels a step: the upsampling in i16 lanes (its sums stay under 4096) to byte rows, the
// colour terms in i16 lanes (q15mulr, and pmaddwd for green: exactly libjpeg's values), added to
// luma and saturated to bytes by the narrowing (libjpeg's range limit).

/**
 * One chroma row upsampled to `count` bytes (count <= h x width) at `out` (count + 16 bytes of room).
 * `sums`: 2 x width + 16 bytes of scratch, the column sums at scale 4 (3 x nearer + farther row, or 4 x the row).
 */
function upsampleRow(plane: usize, stride: usize, planeHeight: i32, width: i32, h: i32, v: i32, y: i32, count: i32, sums: usize, out: usize): void {
  // Column sums, eight a step (reading up to 7 past the row stays inside the module's memory:
  // the planes are followed by the rows; the sums past `width` are never used).
  if (v == 2) {
    const r = y >> 1;
    let other = (y & 1) != 0 ? r + 1 : r - 1;
    if (other < 0) other = 0;
    if (other >= planeHeight) other = planeHeight - 1;
    const near = plane + <usize>r * stride;
    const far = plane + <usize>other * stride;
    for (let i = 0; i < width; i += 8) {
      const n = bytes8(near + i);
      v128.store(sums + (<usize>i << 1), i16x8.add(i16x8.add(n, i16x8.shl(n, 1)), bytes8(far + i)));
    }
  } else {
    const row = plane + <usize>y * stride;
    for (let i = 0; i < width; i += 8) v128.store(sums + (<usize>i << 1), i16x8.shl(bytes8(row + i), 2));
  }
  if (h == 1) {
    // h1v2: (3 near + far + 1) >> 2 for the upper row of a pair, + 2 for the lower; h1v1: the sample.
    const bias = i16x8.splat(<i16>(v == 2 ? ((y & 1) != 0 ? 2 : 1) : 0));
    for (let x = 0; x < count; x += 8) {
      const s = i16x8.shr_u(i16x8.add(v128.load(sums + (<usize>x << 1)), bias), 2);
      store<u64>(out + x, i64x2.extract_lane(i8x16.narrow_i16x8_u(s, s), 0));
    }
    return;
  }
  // h = 2: even = (3 s[i] + s[i-1] + 8) >> 4, odd = (3 s[i] + s[i+1] + 7) >> 4 (h2v2); h2v1 is
  // (3c + c' + 1) >> 2 and (3c + c' + 2) >> 2, the same at scale 4 with biases 4 and 8.
  const even = v == 2 ? 8 : 4;
  const odd = v == 2 ? 7 : 8;
  const last = width - 1;
  const edge0 = v == 2 ? 8 : 0; // the first and last columns: libjpeg copies the sample (h2v2: (4 s + 8) >> 4, (4 s + 7) >> 4)
  const edge1 = v == 2 ? 7 : 0;
  // Interior columns eight at a time: even and odd outputs interleaved into sixteen bytes.
  const evenBias = i16x8.splat(<i16>even);
  const oddBias = i16x8.splat(<i16>odd);
  let i = 1;
  for (; i + 8 <= last && (i << 1) + 16 <= count; i += 8) {
    const at = sums + (<usize>i << 1);
    const s = v128.load(at);
    const s3 = i16x8.add(s, i16x8.shl(s, 1));
    const e = i16x8.shr_u(i16x8.add(i16x8.add(s3, v128.load(at - 2)), evenBias), 4);
    const o = i16x8.shr_u(i16x8.add(i16x8.add(s3, v128.load(at + 2)), oddBias), 4);
    v128.store(out + (<usize>i << 1), i8x16.shuffle(i8x16.narrow_i16x8_u(e, o), e, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
  }
  for (let j = 0; j <= last; j = j == 0 ? i : j + 1) {
    const at = sums + (<usize>j << 1);
    const s = <i32>load<u16>(at);
    const e = j == 0 ? (4 * s + edge0) >> 4 : (3 * s + <i32>load<u16>(at - 2) + even) >> 4;
    const o = j == last ? (4 * s + edge1) >> 4 : (3 * s + <i32>load<u16>(at + 2) + odd) >> 4;
    const x = j << 1;
    if (x < count) store<u8>(out + x, <u8>e);
    if (x + 1 < count) store<u8>(out + x + 1, <u8>o);
  }
}

/** Eight bytes as eight i16 lanes. */
@inline function bytes8(at: usize): v128 { return i16x8.extend_low_i8x16_u(v128.load64_zero(at)); }

@inline function clamp(v: i32): u32 { return <u32>(v < 0 ? 0 : v > 255 ? 255 : v); }

/**
 * Green's term, (-22554 b - 46802 r + 32768) >> 16, eight i16 lanes: one pmaddwd a half on the
 * pairs (b + 2r, r) with (-22554, -1694) (46802 does not fit 16 bits; 2 x 22554 + 1694 does).
 */
@inline function greenTerm(b: v128, r: v128): v128 {
  const k = i32x4.splat(-22554 & 0xffff | -1694 << 16);
  const half = i32x4.splat(32768);
  const x = i16x8.add(b, i16x8.shl(r, 1));
  const low = i32x4.add(i32x4.dot_i16x8_s(v128.shuffle<i16>(x, r, 0, 8, 1, 9, 2, 10, 3, 11), k), half);
  const high = i32x4.add(i32x4.dot_i16x8_s(v128.shuffle<i16>(x, r, 4, 12, 5, 13, 6, 14, 7, 15), k), half);
  return i16x8.narrow_i32x4_s(i32x4.shr_s(low, 16), i32x4.shr_s(high, 16));
}

/**
 * Rows [from, to) of the image as RGBA at `out` (width x 4 bytes a row). `components` 1 or 3;
 * the chroma planes' sampling `h`, `v` (1 or 2: luma's factor over chroma's), real sizes
 * `chromaWidth` x `chromaHeight`. `scratch`: 4 x width + 256 bytes.
 */
export function toRgba(from: i32, to: i32, width: i32, components: i32, luma: usize, lumaStride: usize,
                       cb: usize, cr: usize, chromaStride: usize, chromaWidth: i32, chromaHeight: i32, h: i32, v: i32,
                       scratch: usize, out: usize): void {
  toPixels(from, to, width, components, luma, lumaStride, cb, cr, chromaStride, chromaWidth, chromaHeight, h, v, scratch, out, 4);
}

/**
 * The same rows as RGB (width x 3 bytes a row): an opaque image without its alpha of 255, a
 * quarter fewer bytes for the resize and the encoder to move.
 */
export function toRgb(from: i32, to: i32, width: i32, components: i32, luma: usize, lumaStride: usize,
                      cb: usize, cr: usize, chromaStride: usize, chromaWidth: i32, chromaHeight: i32, h: i32, v: i32,
                      scratch: usize, out: usize): void {
  toPixels(from, to, width, components, luma, lumaStride, cb, cr, chromaStride, chromaWidth, chromaHeight, h, v, scratch, out, 3);
}

/** Eight pixels' red and green (`rg`: r0..r7 g0..g7) and blue (`b`: b0..b7, the rest alpha's 255) stored as RGB or RGBA. */
@inline function storeEight(rg: v128, ba: v128, to: usize, channels: i32): void {
  if (channels == 4) {
    v128.store(to, i8x16.shuffle(rg, ba, 0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27));
    v128.store(to + 16, i8x16.shuffle(rg, ba, 4, 12, 20, 28, 5, 13, 21, 29, 6, 14, 22, 30, 7, 15, 23, 31));
  } else {
    v128.store(to, i8x16.shuffle(rg, ba, 0, 8, 16, 1, 9, 17, 2, 10, 18, 3, 11, 19, 4, 12, 20, 5));
    v128.store64_lane(to + 16, i8x16.shuffle(rg, ba, 13, 21, 6, 14, 22, 7, 15, 23, 0, 0, 0, 0, 0, 0, 0, 0), 0);
  }
}

/** One pixel stored as RGB or RGBA. */
@inline function storeOne(red: u32, green: u32, blue: u32, to: usize, channels: i32): void {
  if (channels == 4) {
    store<u32>(to, red | green << 8 | blue << 16 | 0xff000000);
  } else {
    store<u16>(to, <u16>(red | green << 8));
    store<u8>(to + 2, <u8>blue);
  }
}

@inline function toPixels(from: i32, to: i32, width: i32, components: i32, luma: usize, lumaStride: usize,
                          cb: usize, cr: usize, chromaStride: usize, chromaWidth: i32, chromaHeight: i32, h: i32, v: i32,
                          scratch: usize, out: usize, channels: i32): void {
  const rowBytes = (<usize>width + 47) & ~15;
  const cbRow = scratch;
  const crRow = scratch + rowBytes;
  const sums = crRow + rowBytes;
  const alpha = i16x8.splat(255);
  for (let y = from; y < to; y++) {
    const yRow = luma + <usize>y * lumaStride;
    const o = out + <usize>(y - from) * <usize>width * <usize>channels;
    if (components == 1) {
      let x = 0;
      if (channels == 4) {
        for (; x + 4 <= width; x += 4) {
          const g = v128.load32_zero(yRow + x);
          v128.store(o + (<usize>x << 2), i8x16.shuffle(g, i8x16.splat(-1), 0, 0, 0, 16, 1, 1, 1, 16, 2, 2, 2, 16, 3, 3, 3, 16));
        }
      } else {
        // Twelve bytes a step, stored as sixteen (the next step's overwrite the four past them) while they stay in the row.
        for (; x + 6 <= width; x += 4) {
          const g = v128.load32_zero(yRow + x);
          v128.store(o + <usize>x * 3, i8x16.shuffle(g, g, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3));
        }
      }
      for (; x < width; x++) {
        const g = <u32>load<u8>(yRow + x);
        storeOne(g, g, g, o + <usize>x * <usize>channels, channels);
      }
      continue;
    }
    // Chroma rows as bytes: upsampled, or the planes' own where chroma is at luma's resolution.
    let cbLine = cb + <usize>y * chromaStride;
    let crLine = cr + <usize>y * chromaStride;
    if (h != 1 || v != 1) {
      upsampleRow(cb, chromaStride, chromaHeight, chromaWidth, h, v, y, width, sums, cbRow);
      upsampleRow(cr, chromaStride, chromaHeight, chromaWidth, h, v, y, width, sums, crRow);
      cbLine = cbRow;
      crLine = crRow;
    }
    let x = 0;
    for (; x + 8 <= width; x += 8) {
      const l = bytes8(yRow + x);
      const b = i16x8.sub(bytes8(cbLine + x), i16x8.splat(128));
      const r = i16x8.sub(bytes8(crLine + x), i16x8.splat(128));
      // Red's and blue's terms by q15mulr ((x k + 16384) >> 15), equal to libjpeg's for every
      // input (checked for all 256 by test/cli-jpeg-colour.test.ts): (91881 r + 32768) >> 16 =
      // r + q15(r, 13172); (116130 b + 32768) >> 16 = 2b + q15(b, -7471).
      const red = i16x8.add(i16x8.add(l, r), i16x8.q15mulr_sat_s(r, i16x8.splat(13172)));
      const green = i16x8.add(l, greenTerm(b, r));
      const blue = i16x8.add(i16x8.add(l, i16x8.shl(b, 1)), i16x8.q15mulr_sat_s(b, i16x8.splat(-7471)));
      const rg = i8x16.narrow_i16x8_u(red, green); // saturated: libjpeg's range limit
      const ba = i8x16.narrow_i16x8_u(blue, alpha);
      storeEight(rg, ba, o + <usize>x * <usize>channels, channels);
    }
    for (; x < width; x++) {
      const l = <i32>load<u8>(yRow + x);
      const b = <i32>load<u8>(cbLine + x) - 128;
      const r = <i32>load<u8>(crLine + x) - 128;
      const red = l + ((91881 * r + 32768) >> 16);
      const green = l + ((-22554 * b - 46802 * r + 32768) >> 16);
      const blue = l + ((116130 * b + 32768) >> 16);
      storeOne(clamp(red), clamp(green), clamp(blue), o + <usize>x * <usize>channels, channels);
    }
  }
}
