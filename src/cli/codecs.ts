// PNG and JPEG in and out for the command line, through pure-JavaScript codecs (pngjs, jpeg-js:
// no native build, no download). Images are RGBA bytes in between.

import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export type ImageFormat = 'png' | 'jpeg';

export interface RgbaImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** An error about one file's content (corrupt, unsupported), as opposed to a usage error. */
export class ImageFileError extends Error {}

const EXTENSIONS: Record<string, ImageFormat> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg' };
export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS);

/** The format a file name's extension asks for (case-insensitive), or undefined. */
export function formatOf(path: string): ImageFormat | undefined {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : EXTENSIONS[path.slice(dot).toLowerCase()];
}

/** The format the bytes are in, from their signature. */
function sniff(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Largest image decoded, in megapixels (a guard against decompression bombs). */
const MAX_MEGAPIXELS = 100;

export function decodeImage(bytes: Buffer, name: string): RgbaImage {
  const format = sniff(bytes);
  if (!format) throw new ImageFileError(`${name}: not a PNG or JPEG image (unrecognised file signature)`);
  try {
    if (format === 'png') {
      const png = PNG.sync.read(bytes);
      if (png.width * png.height > MAX_MEGAPIXELS * 1e6) throw new Error(`${png.width} x ${png.height} is more than ${MAX_MEGAPIXELS} megapixels`);
      return { data: png.data, width: png.width, height: png.height };
    }
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 2048 });
    return { data: image.data, width: image.width, height: image.height };
  } catch (error) {
    throw new ImageFileError(`${name}: cannot decode the ${format === 'png' ? 'PNG' : 'JPEG'} image: ${(error as Error).message}`);
  }
}

export function encodeImage(image: RgbaImage, format: ImageFormat, quality: number): Buffer {
  if (format === 'jpeg') return jpeg.encode({ data: image.data, width: image.width, height: image.height }, quality).data;
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png);
}

/** Whether every pixel is opaque (then premultiplying alpha changes nothing and is skipped). */
export function isOpaque(data: Uint8Array): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}
