// Opaque images travel as RGB (3 bytes a pixel) from the command's own JPEG and lossy WebP
// decoders (and opaque 8-bit PNGs) through the resize to the encoders that take it (the command's
// JPEG and WebP encoders, the PNG writer): a quarter fewer bytes moved than RGBA with a constant
// alpha of 255, and the same bytes out, since every resize works channel by channel
// (./convert.ts carriedChannels says where). rgbaOf gives RGBA to the encoders that want it
// (MozJPEG, libwebp, AVIF), should RGB reach them.

import { copyRgb8 } from './png-rows.js';

/** `data`, RGB (`channels` 3) or RGBA (4), as RGBA: RGBA as it is, RGB with an alpha of 255. */
export function rgbaOf(data: Uint8Array, channels: 3 | 4 = 4): Uint8Array {
  if (channels === 4) return data;
  const pixels = data.length / 3;
  const out = new Uint8Array(pixels * 4);
  copyRgb8(data, pixels, 3, out, 0, 4); // the PNG reader's expansion of a row, here of the whole image as one row
  return out;
}
