// PNG and JPEG in and out for the command line, in pure JavaScript (no native build, no
// download): PNG through the streaming reader/writer in ./png.ts (node:zlib), JPEG through
// jpeg-js after ./jpeg.ts has read the frame size and checked the file's structure. Images are
// RGBA bytes in between. Every size is checked against the pixel limit from the header, before
// anything the size of the image is allocated.

import { open } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { inspectJpeg, JpegFormatError } from './jpeg.js';
import { PngFormatError, PngReader, type PngHeader } from './png.js';

export type ImageFormat = 'png' | 'jpeg';

export interface RgbaImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** An error about one file's content (corrupt, unsupported, too large), as opposed to a usage error. */
export class ImageFileError extends Error {}

const EXTENSIONS: Record<string, ImageFormat> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg' };
export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS);

/** The default of --max-pixels: 100 megapixels. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** The format a file name's extension asks for (case-insensitive), or undefined. */
export function formatOf(path: string): ImageFormat | undefined {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : EXTENSIONS[path.slice(dot).toLowerCase()];
}

/** The format the bytes are in, from their signature. */
export function sniff(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** The format of a file from its first bytes. */
export async function sniffFile(path: string): Promise<ImageFormat | undefined> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    return sniff(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Throws unless width x height is within `maxPixels`. */
export function checkPixels(width: number, height: number, maxPixels: number, what = ''): void {
  if (width * height > maxPixels) {
    throw new ImageFileError(`${what}${width} x ${height} is ${(width * height / 1e6).toFixed(1)} megapixels, more than the limit of ` +
      `${(maxPixels / 1e6).toFixed(maxPixels % 1e6 === 0 ? 0 : 1)} (--max-pixels ${maxPixels})`);
  }
}

/** Bytes per pixel jpeg-js holds while decoding (measured 22 for 4:2:0 and 4:4:4 output), with margin. */
const JPEG_BYTES_PER_PIXEL = 40;

function describeFailure(name: string, format: ImageFormat, error: unknown): Error {
  if ((error as NodeJS.ErrnoException)?.code && !(error instanceof PngFormatError)) throw error; // a file-system error, as is
  if (error instanceof ImageFileError) return new ImageFileError(`${name}: ${error.message}`);
  return new ImageFileError(`${name}: cannot decode the ${format === 'png' ? 'PNG' : 'JPEG'} image: ${(error as Error).message}`);
}

/** Opens a PNG, refusing it on its header alone when it is over the limit. */
export async function openPng(source: string | Uint8Array, maxPixels: number, name = String(source)): Promise<PngReader> {
  try {
    return await PngReader.open(source, (h: PngHeader) => checkPixels(h.width, h.height, maxPixels));
  } catch (error) {
    throw describeFailure(name, 'png', error);
  }
}

/** Reads a whole PNG (any kind, interlaced too) from an open reader. */
export async function readPng(reader: PngReader, path: string): Promise<RgbaImage> {
  try {
    return { data: await reader.readAll(), width: reader.info.width, height: reader.info.height };
  } catch (error) {
    throw describeFailure(path, 'png', error);
  } finally {
    await reader.close();
  }
}

/** Decodes JPEG bytes: frame size checked first, structure checked to EOI, then jpeg-js with bounded memory. */
export function decodeJpeg(bytes: Uint8Array, name: string, maxPixels: number): RgbaImage {
  try {
    const info = inspectJpeg(bytes, (w, h) => checkPixels(w, h, maxPixels));
    const pixels = info.width * info.height;
    const image = jpeg.decode(bytes.subarray(0, info.end), {
      useTArray: true, formatAsRGBA: true, tolerantDecoding: false,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: Math.ceil((pixels * JPEG_BYTES_PER_PIXEL) / 2 ** 20) + 16,
    });
    if (image.width !== info.width || image.height !== info.height || image.data.length !== pixels * 4) {
      throw new JpegFormatError(`decoded ${image.width} x ${image.height}, but the frame header says ${info.width} x ${info.height}`);
    }
    return { data: image.data, width: image.width, height: image.height };
  } catch (error) {
    throw describeFailure(name, 'jpeg', error);
  }
}

/**
 * Decodes a PNG or JPEG held in memory (the fuzz tests' entry; the command streams PNG files
 * instead). Same checks: the header's size against `maxPixels` first, then a strict decode.
 */
export async function decodeImageBytes(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_PIXELS): Promise<RgbaImage> {
  const format = sniff(bytes);
  if (!format) throw new ImageFileError(`${name}: not a PNG or JPEG image (unrecognised file signature)`);
  if (format === 'jpeg') return decodeJpeg(bytes, name, maxPixels);
  return readPng(await openPng(bytes, maxPixels, name), name);
}

export function encodeJpeg(image: RgbaImage, quality: number): Buffer {
  return jpeg.encode({ data: image.data, width: image.width, height: image.height }, quality).data;
}

/** Whether every pixel is opaque (then premultiplying alpha changes nothing and is skipped). */
export function isOpaque(data: Uint8Array): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}

export { PngFormatError, JpegFormatError };
