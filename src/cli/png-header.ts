// A PNG's header: the signature, IHDR's checks, and the sizes the header implies (row bytes,
// Adam7 passes, the filtered data the image needs), so that everything is checked before
// anything the size of the image exists.

import { crc32 } from './crc32.js';

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace: boolean;
}

/** What the chunks before the first IDAT say (palette, transparency). */
export interface PngInfo extends PngHeader {
  /** Whether any pixel can be non-opaque (an alpha channel or a tRNS chunk). */
  mayHaveAlpha: boolean;
}

export class PngFormatError extends Error {}

// ---- header ----

export const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** Parses and checks IHDR's 13 bytes. */
export function parseIhdr(data: Uint8Array): PngHeader {
  if (data.length !== 13) throw new PngFormatError(`IHDR has ${data.length} bytes, not 13`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [depth, colorType, compression, filter, interlace] = data.subarray(8, 13);
  if (width < 1 || height < 1 || width > 0x7fffffff || height > 0x7fffffff) {
    throw new PngFormatError(`invalid size ${width} x ${height}`);
  }
  if (!(colorType in CHANNELS)) throw new PngFormatError(`invalid colour type ${colorType}`);
  if (!DEPTHS[colorType].includes(depth)) throw new PngFormatError(`invalid bit depth ${depth} for colour type ${colorType}`);
  if (compression !== 0) throw new PngFormatError(`unknown compression method ${compression}`);
  if (filter !== 0) throw new PngFormatError(`unknown filter method ${filter}`);
  if (interlace > 1) throw new PngFormatError(`unknown interlace method ${interlace}`);
  return { width, height, depth, colorType, interlace: interlace === 1 };
}

/** The header of a PNG from its first 33 bytes (signature and IHDR), or undefined if it is not a PNG. */
export function pngHeaderOf(bytes: Uint8Array): PngHeader | undefined {
  if (bytes.length < 8 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return undefined;
  if (bytes.length < 33) throw new PngFormatError('truncated before the end of the IHDR chunk');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== 13 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw new PngFormatError('the first chunk is not a 13-byte IHDR');
  }
  if (crc32(bytes.subarray(12, 29)) !== view.getUint32(29)) throw new PngFormatError('IHDR CRC mismatch');
  return parseIhdr(bytes.subarray(16, 29));
}

/** Bytes of one filtered row of `width` pixels (without the filter byte). */
export function rowBytes(width: number, header: PngHeader): number {
  return Math.ceil((width * CHANNELS[header.colorType] * header.depth) / 8);
}

/** Adam7 passes: [x0, y0, dx, dy]. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

export interface Pass { width: number; height: number; x0: number; y0: number; dx: number; dy: number }

export function passesOf(header: PngHeader): Pass[] {
  if (!header.interlace) return [{ width: header.width, height: header.height, x0: 0, y0: 0, dx: 1, dy: 1 }];
  return ADAM7.map(([x0, y0, dx, dy]) => ({
    width: Math.max(0, Math.ceil((header.width - x0) / dx)), height: Math.max(0, Math.ceil((header.height - y0) / dy)), x0, y0, dx, dy,
  })).filter((p) => p.width > 0 && p.height > 0);
}

/** Bytes of filtered data the header needs (with filter bytes). */
export function expectedDataBytes(header: PngHeader): number {
  return passesOf(header).reduce((sum, p) => sum + (rowBytes(p.width, header) + 1) * p.height, 0);
}
