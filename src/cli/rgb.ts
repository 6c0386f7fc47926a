// Opaque images travel as RGB (3 bytes a pixel) from the command's own JPEG decoder (and opaque
// 8-bit PNGs) through the resize to the encoders that take it (the command's JPEG encoder, the
// PNG writer): a quarter fewer bytes moved than RGBA with a constant alpha of 255, and the same
// bytes out, since every resize works channel by channel. The encoders that want RGBA (MozJPEG,
// WebP, AVIF) get it here, at the last step.

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
/** An alpha of 255 in a pixel word, whatever the platform's byte order. */
const ALPHA = new Uint32Array(Uint8Array.of(0, 0, 0, 255).buffer)[0];

/** `data`, RGB (`channels` 3) or RGBA (4), as RGBA: RGBA as it is, RGB with an alpha of 255. */
export function rgbaOf(data: Uint8Array, channels: 3 | 4 = 4): Uint8Array {
  if (channels === 4) return data;
  const pixels = data.length / 3;
  const out = new Uint8Array(pixels * 4);
  const words = new Uint32Array(out.buffer);
  let i = 0;
  if (LITTLE_ENDIAN && data.byteOffset % 4 === 0) {
    // Four pixels a step: three words in (r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3), four out.
    const rgb = new Uint32Array(data.buffer, data.byteOffset, Math.floor(data.length / 12) * 3);
    for (let w = 0; w < rgb.length; w += 3, i += 4) {
      const a = rgb[w];
      const b = rgb[w + 1];
      const c = rgb[w + 2];
      words[i] = a | ALPHA;
      words[i + 1] = (a >>> 24) | (b << 8) | ALPHA;
      words[i + 2] = (b >>> 16) | (c << 16) | ALPHA;
      words[i + 3] = (c >>> 8) | ALPHA;
    }
  }
  for (let at = i * 3; i < pixels; i++, at += 3) out.set([data[at], data[at + 1], data[at + 2], 255], i * 4);
  return out;
}
