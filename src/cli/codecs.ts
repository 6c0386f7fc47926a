// The command line's image formats: names by extension and by signature, the header of each
// read and checked against the pixel limit before anything the size of the image is allocated
// (./png-header.ts, ./jpeg.ts, ./webp.ts, ./avif.ts), and decoding to RGBA bytes: PNG by the
// strict streaming reader in ./png.ts (node:zlib), JPEG, WebP and AVIF by the @jsquash
// WebAssembly codecs (./wasm-codecs.ts, loaded on first use).

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inspectAvif, isAvif } from './avif.js';
import { orient, swapsAxes } from './exif.js';
import { inspectJpeg, JpegFormatError } from './jpeg.js';
import { decodeJpegFast, DEFAULT_JPEG_DECODING, type JpegDecoding } from './jpeg-decoding.js';
import type { JpegScale } from './jpeg-decoder.js';
import { PngFormatError, pngHeaderOf, PngReader, type PngHeader } from './png.js';
import { inspectWebp, isWebp } from './webp.js';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'avif';

export const FORMAT_NAMES: Record<ImageFormat, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', avif: 'AVIF' };

export interface RgbaImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** Every alpha is 255 by the format itself (a JPEG; a PNG without alpha or tRNS): no need to scan for it. */
  opaque?: boolean;
  /** 4 (RGBA, the default) or 3 (RGB: an opaque image without its alpha, where decodeChecked was asked for it). */
  channels?: 3 | 4;
}

/** An error about one file's content (corrupt, unsupported, too large), as opposed to a usage error. */
export class ImageFileError extends Error {}

const EXTENSIONS: Record<string, ImageFormat> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.webp': 'webp', '.avif': 'avif' };

/** --quality's default per output format (sharp's for WebP and AVIF); PNG is lossless. */
export const DEFAULT_QUALITY: Record<ImageFormat, number> = { png: 100, jpeg: 90, webp: 80, avif: 50 };
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
  if (isWebp(bytes)) return 'webp';
  if (isAvif(bytes)) return 'avif';
  return undefined;
}

/**
 * Files up to this size are read synchronously (one open, fstat, read, close): each asynchronous
 * step is a round trip through libuv's thread pool, and a one-lane folder run waited on seven of
 * them a file (sniffing, then reading; 16 photos: 13 ms async, 2 ms sync). Bigger files are read
 * asynchronously, so that the thread is not held long (signals, the other lanes).
 */
const SYNC_READ_BYTES = 4 << 20;
/** Bytes the signatures need: AVIF's brands may come after a few others. */
const SIGNATURE_BYTES = 64;

export interface InputStart {
  /** From the file's first bytes (sniff). */
  format: ImageFormat | undefined;
  /** The whole file, when `whole(format)` asked for it and it is within SYNC_READ_BYTES. */
  bytes?: Uint8Array;
}

/**
 * The format of a file from its first bytes and, where `whole(format)` (a file not streamed) and
 * it is small, its bytes: all synchronously, on one open file.
 */
export function readInputStart(path: string, whole: (format: ImageFormat | undefined) => boolean): InputStart {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = readUpTo(fd, new Uint8Array(Math.min(size, SIGNATURE_BYTES)), 0);
    const format = sniff(head);
    if (!whole(format) || size > SYNC_READ_BYTES) return { format };
    const bytes = new Uint8Array(size); // its own memory (transferable to a worker), not Buffer's pool
    bytes.set(head);
    return { format, bytes: readUpTo(fd, bytes, head.length) };
  } finally {
    closeSync(fd);
  }
}

/** Fills `into` from byte `from` on (the file offset is the same), up to the end of the file: `into`, or its start where the file ended first. */
function readUpTo(fd: number, into: Uint8Array, from: number): Uint8Array {
  let at = from;
  while (at < into.length) {
    const read = readSync(fd, into, at, into.length - at, at);
    if (read === 0) return into.subarray(0, at);
    at += read;
  }
  return into;
}

/** Throws unless width x height is within `maxPixels`. */
export function checkPixels(width: number, height: number, maxPixels: number, what = ''): void {
  if (width * height > maxPixels) {
    throw new ImageFileError(`${what}${width} x ${height} is ${(width * height / 1e6).toFixed(1)} megapixels, more than the limit of ` +
      `${(maxPixels / 1e6).toFixed(maxPixels % 1e6 === 0 ? 0 : 1)} (--max-pixels ${maxPixels})`);
  }
}

function describeFailure(name: string, format: ImageFormat, error: unknown): Error {
  if ((error as NodeJS.ErrnoException)?.code && !(error instanceof PngFormatError)) throw error; // a file-system error, as is
  if (error instanceof ImageFileError) return new ImageFileError(`${name}: ${error.message}`);
  return new ImageFileError(`${name}: cannot decode the ${FORMAT_NAMES[format]} image: ${(error as Error)?.message ?? String(error)}`);
}

/** Opens a PNG, refusing it on its header alone when it is over the limit. */
export async function openPng(source: string | Uint8Array, maxPixels: number, name = String(source)): Promise<PngReader> {
  try {
    return await PngReader.open(source, (h: PngHeader) => checkPixels(h.width, h.height, maxPixels));
  } catch (error) {
    throw describeFailure(name, 'png', error);
  }
}

/**
 * Reads a whole PNG (any kind, interlaced too) from an open reader: RGBA, or RGB where `channels`
 * 3 asks for it and the image is opaque 8-bit and not interlaced.
 */
export async function readPng(reader: PngReader, path: string, channels: 3 | 4 = 4): Promise<RgbaImage> {
  try {
    const { width, height, interlace, mayHaveAlpha } = reader.info;
    if (channels === 3 && reader.opaqueRgb8 && !interlace) {
      const data = new Uint8Array(width * height * 3);
      await reader.readRows(data, 3);
      reader.finishRows();
      return { data, width, height, opaque: true, channels: 3 };
    }
    return { data: await reader.readAll(), width, height, opaque: !mayHaveAlpha };
  } catch (error) {
    throw describeFailure(path, 'png', error);
  } finally {
    await reader.close();
  }
}

export interface ImageHeader {
  width: number;
  height: number;
  /** EXIF orientation (JPEG), 1 otherwise. */
  orientation: number;
  /** Every decoded alpha will be 255 by the format (a lossy WebP without an alpha chunk): no need to scan for it. */
  opaque?: boolean;
}

/**
 * Reads and checks the header of an image held in memory, refusing it over `maxPixels`: JPEG
 * walked to EOI, WebP's chunks and AVIF's boxes to the end of the file, PNG's signature and IHDR.
 */
export function inspectImage(format: ImageFormat, bytes: Uint8Array, name: string, maxPixels: number): ImageHeader {
  const seen = INSPECTED.get(bytes);
  if (seen && seen.format === format && seen.maxPixels === maxPixels) return seen.header;
  const header = readHeader(format, bytes, name, maxPixels);
  INSPECTED.set(bytes, { format, maxPixels, header });
  return header;
}

/**
 * Headers read, by the bytes they were read from (held whole, unchanged while a file converts):
 * a file converted on the main thread is inspected to choose its thread (./process-file.ts), then
 * again to convert it, and a JPEG's walk to EOI reads the whole file. Read, never changed.
 */
const INSPECTED = new WeakMap<Uint8Array, { format: ImageFormat; maxPixels: number; header: ImageHeader }>();

function readHeader(format: ImageFormat, bytes: Uint8Array, name: string, maxPixels: number): ImageHeader {
  const check = (w: number, h: number) => checkPixels(w, h, maxPixels);
  try {
    if (format === 'jpeg') return inspectJpeg(bytes, check);
    if (format === 'webp') return { ...inspectWebp(bytes, check), orientation: 1 };
    if (format === 'avif') return { ...inspectAvif(bytes, check), orientation: 1 };
    const header = pngHeaderOf(bytes);
    if (!header) throw new PngFormatError('not a PNG signature');
    check(header.width, header.height);
    return { width: header.width, height: header.height, orientation: 1 };
  } catch (error) {
    throw describeFailure(name, format, error);
  }
}

/** Width and height as the image stands after its EXIF orientation. */
export const uprightSize = (h: ImageHeader): { width: number; height: number } =>
  (swapsAxes(h.orientation) ? { width: h.height, height: h.width } : { width: h.width, height: h.height });

/**
 * Decodes an image held in memory to upright RGBA, after inspectImage (its `header`): the
 * decoded size must be the header's. A JPEG goes to `jpeg.decoder`, at 1/`scale` of its size
 * where the command's own decoder takes it (./jpeg-decoding.ts): the size then is the header's
 * divided by `scale`, rounded up (the caller reads it from the image). `channels` 3: RGB where
 * the decoder gives it (the command's own JPEG and lossy WebP decoders; an opaque 8-bit PNG not
 * interlaced), else RGBA (the image's `channels` says which). `held`: the caller is done with
 * the pixels before its thread decodes again (one image converting at a time), so the own JPEG
 * and WebP decoders may leave them in their modules' memory (./jpeg-decoder.ts decodeJpeg's and
 * ./webp-decoder.ts decodeWebpLossy's `inModule`).
 */
export async function decodeChecked(format: ImageFormat, bytes: Uint8Array, header: ImageHeader, name: string, maxPixels: number,
                                    jpeg: JpegDecoding = DEFAULT_JPEG_DECODING, scale: JpegScale = 1, channels: 3 | 4 = 4, held = false): Promise<RgbaImage> {
  let image: RgbaImage | undefined;
  let expected = { width: header.width, height: header.height };
  if (format === 'png') {
    image = await readPng(await openPng(bytes, maxPixels, name), name, channels);
  } else {
    try {
      if (format === 'jpeg' && jpeg.decoder === 'fast') {
        image = await decodeJpegFast(bytes, scale, channels, held);
        if (image) expected = { width: Math.ceil(header.width / scale), height: Math.ceil(header.height / scale) };
      }
      if (!image) {
        const { decodeWasm } = await import('./wasm-codecs.js');
        image = await decodeWasm(format, bytes, channels, held);
      }
    } catch (error) {
      throw describeFailure(name, format, error);
    }
  }
  if (image.width !== expected.width || image.height !== expected.height || image.data.length !== image.width * image.height * (image.channels ?? 4)) {
    throw new ImageFileError(`${name}: cannot decode the ${FORMAT_NAMES[format]} image: decoded ${image.width} x ${image.height}, but the header says ${expected.width} x ${expected.height}`);
  }
  return { ...orient(image, header.orientation), opaque: format === 'jpeg' || header.opaque === true || image.opaque };
}

/**
 * Decodes any supported image held in memory (the fuzz tests' entry). Same checks as the
 * command: the header's size against `maxPixels` first, then a strict decode.
 */
export async function decodeImageBytes(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_PIXELS): Promise<RgbaImage> {
  const format = sniff(bytes);
  if (!format) throw new ImageFileError(`${name}: not a PNG, JPEG, WebP or AVIF image (unrecognised file signature)`);
  return decodeChecked(format, bytes, inspectImage(format, bytes, name, maxPixels), name, maxPixels);
}

export { isOpaque } from './rgb.js';

export { PngFormatError, JpegFormatError };
