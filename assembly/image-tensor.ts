// imageToTensor's second step, fused with the resize: rows of resized 8-bit pixels (a band the
// resizeImage kernel just wrote) normalised into a float tensor, channel by channel through a
// 256-entry table per output channel (the exact float32 of (v * rescale - mean) / std, built by
// the wrapper), with the letterbox's padding around them. Nothing here knows a coordinate rule.
//
// Pointers are byte addresses; sizes are element counts.

/** Pillow's convert('L') (ITU-R 601-2 luma in 16-bit fixed point) of the pixel at `px`. */
@inline function luma(px: usize): i32 {
  return (<i32>load<u8>(px) * 19595 + <i32>load<u8>(px, 1) * 38470 + <i32>load<u8>(px, 2) * 7471 + 0x8000) >> 16;
}

/** The byte output channel `c` reads at pixel `px`: source channel `channel`, or the luma when it is -1. */
@inline function sample(px: usize, channel: i32): i32 {
  return channel < 0 ? luma(px) : <i32>load<u8>(px + <usize>channel);
}

/**
 * Tensor rows [y, y + rows) of a (1, outChannels, height, width) tensor (NCHW) or (1, height,
 * width, outChannels) (NHWC): columns [left, left + count) from band row r (`srcStride` bytes a
 * row, `channels` bytes a pixel, from pixel srcX), table `lut` (256 floats an output channel,
 * reading source channel map[c], -1 for luma); the other columns `pad[c]`. count 0: padding rows.
 */
export function normaliseRows(src: usize, srcStride: i32, channels: i32, srcX: i32, dst: usize, y: i32, rows: i32,
                              width: i32, height: i32, left: i32, count: i32, outChannels: i32,
                              map: usize, lut: usize, pad: usize, nhwc: bool): void {
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
      for (let x = 0; x < left; x++, at += step) store<f32>(at, fill);
      let px = line;
      for (let x = left; x < right; x++, at += step, px += <usize>channels) {
        store<f32>(at, load<f32>(table + (<usize>sample(px, channel) << 2)));
      }
      for (let x = right; x < width; x++, at += step) store<f32>(at, fill);
    }
  }
}
