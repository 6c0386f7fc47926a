// WebP structure, read before any decoder runs: the RIFF container and its chunks checked to the
// end of the file, and the image size from the first chunk that holds one (VP8, VP8L or VP8X),
// so that a file claiming a huge canvas is refused from its header.

export interface WebpInfo {
  width: number;
  height: number;
  /**
   * Every decoded alpha is 255 by the format: a lossy (VP8) image without an ALPH chunk. VP8L's
   * and VP8X's alpha flags are hints a file may get wrong (libwebp decodes an ALPH chunk whatever
   * VP8X says), so they never make an image opaque.
   */
  opaque: boolean;
}

export class WebpFormatError extends Error {}

const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);

/** Whether the bytes start as a WebP file ("RIFF", size, "WEBP"). */
export function isWebp(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && fourcc(bytes, 0) === 'RIFF' && fourcc(bytes, 8) === 'WEBP';
}

/**
 * The size of a still WebP image, and its structure checked: every chunk within the RIFF size,
 * the RIFF size within the file. `checkSize` runs on the size as soon as it is read.
 */
export function inspectWebp(bytes: Uint8Array, checkSize: (width: number, height: number) => void = () => {}): WebpInfo {
  if (!isWebp(bytes)) throw new WebpFormatError('not a RIFF WEBP file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffEnd = 8 + view.getUint32(4, true);
  if (riffEnd > bytes.length) throw new WebpFormatError(`truncated file: the RIFF header says ${riffEnd} bytes, the file has ${bytes.length}`);
  let info: { width: number; height: number } | undefined;
  let image: 'VP8 ' | 'VP8L' | undefined;
  let alphaChunk = false;
  for (let at = 12; at < riffEnd;) {
    if (at + 8 > riffEnd) throw new WebpFormatError(`truncated chunk header at byte ${at}`);
    const name = fourcc(bytes, at);
    const size = view.getUint32(at + 4, true);
    const data = at + 8;
    if (data + size > riffEnd) throw new WebpFormatError(`chunk '${name}' of ${size} bytes at byte ${at} ends past the end of the file`);
    if (name === 'VP8X') {
      if (at !== 12 || size < 10) throw new WebpFormatError('misplaced or short VP8X chunk');
      const flags = bytes[data];
      if (flags & 0x02) throw new WebpFormatError('animated WebP is not supported');
      const width = 1 + (bytes[data + 4] | (bytes[data + 5] << 8) | (bytes[data + 6] << 16));
      const height = 1 + (bytes[data + 7] | (bytes[data + 8] << 8) | (bytes[data + 9] << 16));
      checkSize(width, height);
      info = { width, height };
    } else if (name === 'VP8 ' || name === 'VP8L') {
      if (image) throw new WebpFormatError('more than one image chunk');
      image = name;
      const own = name === 'VP8 ' ? vp8Size(bytes, data, size) : vp8lSize(bytes, data, size);
      if (info && (own.width !== info.width || own.height !== info.height)) {
        throw new WebpFormatError(`the image is ${own.width} x ${own.height}, but VP8X says ${info.width} x ${info.height}`);
      }
      if (!info) checkSize(own.width, own.height);
      info ??= own;
    } else if (name === 'ALPH') {
      alphaChunk = true;
    } else if (name === 'ANIM' || name === 'ANMF') {
      throw new WebpFormatError('animated WebP is not supported');
    }
    at = data + size + (size & 1); // chunks are padded to an even length
  }
  if (!info || !image) throw new WebpFormatError('no image chunk (VP8 or VP8L)');
  return { ...info, opaque: image === 'VP8 ' && !alphaChunk };
}

/** A lossy frame's size: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height. */
function vp8Size(b: Uint8Array, at: number, size: number): { width: number; height: number } {
  if (size < 10) throw new WebpFormatError('VP8 chunk too short');
  if (!(b[at] & 0x10) || (b[at] & 0x01)) throw new WebpFormatError('VP8 frame is not a shown key frame');
  if (b[at + 3] !== 0x9d || b[at + 4] !== 0x01 || b[at + 5] !== 0x2a) throw new WebpFormatError('VP8 start code missing');
  const width = (b[at + 6] | (b[at + 7] << 8)) & 0x3fff;
  const height = (b[at + 8] | (b[at + 9] << 8)) & 0x3fff;
  if (width === 0 || height === 0) throw new WebpFormatError(`invalid VP8 frame size ${width} x ${height}`);
  return { width, height };
}

/** A lossless image's size: signature 0x2f, then width - 1 and height - 1 in 14 bits each, the alpha hint, a 3-bit version 0. */
function vp8lSize(b: Uint8Array, at: number, size: number): { width: number; height: number } {
  if (size < 5 || b[at] !== 0x2f) throw new WebpFormatError('VP8L signature missing');
  const bits = (b[at + 1] | (b[at + 2] << 8) | (b[at + 3] << 16) | (b[at + 4] << 24)) >>> 0;
  if (bits >>> 29 !== 0) throw new WebpFormatError(`unknown VP8L version ${bits >>> 29}`);
  return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
}
