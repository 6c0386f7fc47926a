// Opaque images travel as RGB (3 bytes a pixel) from the command's own JPEG decoder through the
// resize to the encoders that take it (the command's JPEG encoder, the PNG writer): a quarter
// fewer bytes moved than RGBA with a constant alpha of 255, and the same bytes out, since every
// resize works channel by channel. The encoders that want RGBA (MozJPEG, WebP, AVIF) get it here,
// at the last step.

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** `data`, RGB (`channels` 3) or RGBA (4), as RGBA: RGBA as it is, RGB with an alpha of 255. */
export function rgbaOf(data: Uint8Array, channels: 3 | 4 = 4): Uint8Array {
  if (channels === 4) return data;
  const pixels = data.length / 3;
  const out = new Uint8Array(pixels * 4);
  const words = new Uint32Array(out.buffer);
  const alpha = new Uint32Array(Uint8Array.of(0, 0, 0, 255).buffer)[0]; // whatever the platform's byte order
  const [r, g, b] = LITTLE_ENDIAN ? [0, 8, 16] : [24, 16, 8];
  for (let i = 0, at = 0; i < pixels; i++, at += 3) words[i] = alpha | (data[at] << r) | (data[at + 1] << g) | (data[at + 2] << b);
  return out;
}
