// imageToTensor's second step, fused with the resize: rows of resized 8-bit pixels (a band the
// resizeImage kernel just wrote) normalised into a float tensor, channel by channel through a
// 256-entry table per output channel (the exact float32 of (v * rescale - mean) / std, built by
// the wrapper), with the letterbox's padding around them. Nothing here knows a coordinate rule.
//
// Pointers are byte addresses; sizes are element counts.

/** The luma of the pixel at `px` with 16-bit weights R, G, B at `weights` (Pillow's convert('L'), cv2's RGB2GRAY). */
@inline function luma(px: usize, weights: usize): i32 {
  return (<i32>load<u8>(px) * load<i32>(weights) + <i32>load<u8>(px, 1) * load<i32>(weights, 4)
    + <i32>load<u8>(px, 2) * load<i32>(weights, 8) + 0x8000) >> 16;
}

/** The byte output channel `c` reads at pixel `px`: source channel `channel`, or the luma when it is -1. */
@inline function sample(px: usize, channel: i32, weights: usize): i32 {
  return channel < 0 ? luma(px, weights) : <i32>load<u8>(px + <usize>channel);
}

/**
 * Four pixels' bytes of one channel (or their luma, channel -1) as i32 lanes, from 16 bytes at
 * `px` (the band is padded so the load may pass its end): a swizzle whose index lanes past 15
 * give the zero high bytes.
 */
@inline function fourSamples(px: usize, channel: i32, channels: i32, weights: usize): v128 {
  const bytes = v128.load(px);
  const hi = 0xffffff00;
  if (channel >= 0) {
    const at = i32x4(channel | hi, (channel + channels) | hi, (channel + 2 * channels) | hi, (channel + 3 * channels) | hi);
    return i8x16.swizzle(bytes, at);
  }
  const r = i8x16.swizzle(bytes, i32x4(hi, channels | hi, (2 * channels) | hi, (3 * channels) | hi));
  const g = i8x16.swizzle(bytes, i32x4(1 | hi, (channels + 1) | hi, (2 * channels + 1) | hi, (3 * channels + 1) | hi));
  const b = i8x16.swizzle(bytes, i32x4(2 | hi, (channels + 2) | hi, (2 * channels + 2) | hi, (3 * channels + 2) | hi));
  const sum = i32x4.add(i32x4.add(i32x4.mul(r, i32x4.splat(load<i32>(weights))), i32x4.mul(g, i32x4.splat(load<i32>(weights, 4)))),
                        i32x4.add(i32x4.mul(b, i32x4.splat(load<i32>(weights, 8))), i32x4.splat(0x8000)));
  return i32x4.shr_u(sum, 16);
}

/**
 * Columns [x, right) of one NCHW row from `px` on, four at a time: the table's arithmetic in
 * float32 steps (v * rescale - mean) / std, each rounded as the table's entries were, so the
 * values are the table's bit for bit. Returns the first column not written.
 */
@inline function normaliseSpan(at: usize, px: usize, x: i32, right: i32, channel: i32, channels: i32, weights: usize, coefficients: usize): i32 {
  if (!ASC_FEATURE_SIMD) return x;
  const high = load<f32>(coefficients);
  if (isNaN(high)) return x; // this arithmetic would not give the table's values: the caller reads the table
  // v * rescale as v * high (exact: 8 by 16 bits) + v * low, rounded once, as the double product cast to float32.
  const rescaleHigh = f32x4.splat(high);
  const rescaleLow = f32x4.splat(load<f32>(coefficients, 4));
  const mean = f32x4.splat(load<f32>(coefficients, 8));
  const std = f32x4.splat(load<f32>(coefficients, 12));
  const inverse = load<f32>(coefficients, 16);
  const step = <usize>(4 * channels);
  if (inverse != 0) {
    // std a power of two: multiplying by its exact inverse rounds as the division does (and
    // costs a fraction of it).
    const by = f32x4.splat(inverse);
    for (; x + 4 <= right; x += 4, at += 16, px += step) {
      const v = f32x4.convert_i32x4_u(fourSamples(px, channel, channels, weights));
      const scaled = f32x4.add(f32x4.mul(v, rescaleHigh), f32x4.mul(v, rescaleLow));
      v128.store(at, f32x4.mul(f32x4.sub(scaled, mean), by));
    }
    return x;
  }
  for (; x + 4 <= right; x += 4, at += 16, px += step) {
    const v = f32x4.convert_i32x4_u(fourSamples(px, channel, channels, weights));
    const scaled = f32x4.add(f32x4.mul(v, rescaleHigh), f32x4.mul(v, rescaleLow));
    v128.store(at, f32x4.div(f32x4.sub(scaled, mean), std));
  }
  return x;
}

/** `n` floats of `value` at `at` (one NCHW span of padding), returning the address after them. */
@inline function fillSpan(at: usize, n: i32, value: f32): usize {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v = f32x4.splat(value);
    for (; i + 4 <= n; i += 4, at += 16) v128.store(at, v);
  }
  for (; i < n; i++, at += 4) store<f32>(at, value);
  return at;
}

/**
 * Tensor rows [y, y + rows) of a (1, outChannels, height, width) tensor (NCHW) or (1, height,
 * width, outChannels) (NHWC): columns [left, left + count) from band row r (`srcStride` bytes a
 * row, `channels` bytes a pixel, from pixel srcX), table `lut` (256 floats an output channel,
 * reading source channel map[c], -1 for the luma with R, G, B weights at `luma`; NCHW rows take `coefficients`, 8 float32 a
 * channel: rescale's high and low parts (high NaN: use the table), mean, std and 1 / std where
 * that is exact (std a power of two; else 0), in SIMD builds); the other columns `pad[c]`. count 0: padding rows.
 */
export function normaliseRows(src: usize, srcStride: i32, channels: i32, srcX: i32, dst: usize, y: i32, rows: i32,
                              width: i32, height: i32, left: i32, count: i32, outChannels: i32,
                              map: usize, luma: usize, lut: usize, pad: usize, coefficients: usize, nhwc: bool): void {
  const right = left + count;
  for (let r = 0; r < rows; r++) {
    const line = src + <usize>(r * srcStride) + <usize>(srcX * channels);
    for (let c = 0; c < outChannels; c++) {
      const channel = load<i32>(map + (<usize>c << 2));
      const table = lut + (<usize>(c << 8) << 2);
      const fill = load<f32>(pad + (<usize>c << 2));
      // NCHW: consecutive floats of plane c; NHWC: every outChannels-th float from channel c.
      const step: usize = nhwc ? <usize>outChannels << 2 : 4;
      let at = nhwc ? dst + ((<usize>(y + r) * <usize>width * <usize>outChannels + <usize>c) << 2)
                    : dst + ((<usize>(c * height + y + r) * <usize>width) << 2);
      if (nhwc) for (let x = 0; x < left; x++, at += step) store<f32>(at, fill);
      else at = fillSpan(at, left, fill);
      let px = line;
      let x = left;
      if (!nhwc) {
        const done = normaliseSpan(at, px, x, right, channel, channels, luma, coefficients + <usize>(c << 5));
        at += <usize>(done - x) << 2;
        px += <usize>((done - x) * channels);
        x = done;
      }
      for (; x < right; x++, at += step, px += <usize>channels) {
        store<f32>(at, load<f32>(table + (<usize>sample(px, channel, luma) << 2)));
      }
      if (nhwc) for (let x = right; x < width; x++, at += step) store<f32>(at, fill);
      else fillSpan(at, width - right, fill);
    }
  }
}
