// Opaque images travel as RGB (3 bytes a pixel) from the command's own JPEG and lossy WebP
// decoders (and opaque 8-bit PNGs) through the resize to the encoders that take it (the command's
// JPEG and WebP encoders, the PNG writer): a quarter fewer bytes moved than RGBA with a constant
// alpha of 255, and the same bytes out, since every resize works channel by channel
// (./convert.ts carriedChannels says where). rgbaOf gives RGBA to the encoders that want it
// (MozJPEG, libwebp, AVIF), should RGB reach them; isOpaque says whether RGBA could have been RGB.

import { copyRgb8 } from './png-rows.js';

/** `data`, RGB (`channels` 3) or RGBA (4), as RGBA: RGBA as it is, RGB with an alpha of 255. */
export function rgbaOf(data: Uint8Array, channels: 3 | 4 = 4): Uint8Array {
  if (channels === 4) return data;
  const pixels = data.length / 3;
  const out = new Uint8Array(pixels * 4);
  copyRgb8(data, pixels, 3, out, 0, 4); // the PNG reader's expansion of a row, here of the whole image as one row
  return out;
}

/** The bits of a pixel word that hold its alpha byte, whatever the platform's byte order. */
const ALPHA = new Int32Array(Uint8Array.of(0, 0, 0, 255).buffer)[0]; // signed, as & gives

/** Whether every pixel is opaque (then premultiplying alpha changes nothing and is skipped). */
export function isOpaque(data: Uint8Array): boolean {
  if (data.byteOffset % 4 === 0 && data.length % 4 === 0) { // a pixel a word: 4x fewer steps
    const words = new Uint32Array(data.buffer, data.byteOffset, data.length / 4);
    for (let i = 0; i < words.length; i++) if ((words[i] & ALPHA) !== ALPHA) return false;
    return true;
  }
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}
