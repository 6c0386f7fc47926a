// The command line's own lossy WebP encoder (`--webp-encoder fast`): a VP8 key frame made in its
// own small WebAssembly SIMD module (assembly/cli/webp-encoder.ts, build/webp-encoder.wasm) after
// libwebp's method-4 encoder (same quality scale, colour conversion and loop filter), written
// here into a RIFF/WEBP 'VP8 ' file. It writes opaque images only: an image with any alpha below
// 255 is left to libwebp (./wasm-codecs.ts), which writes the ALPH chunk.

import { align16, moduleLoader, tryGrowTo } from './wasm-module.js';
import type { RgbaPixels } from './wasm-codecs.js';

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  arenaBytes(width: number, height: number): number;
  outputBytes(width: number, height: number): number;
  encode(pixels: number, width: number, height: number, channels: number, quality: number, arena: number, out: number): number;
}

const load = moduleLoader<Exports>('webp-encoder');

/** The WebP encoders the command offers: its own ('fast') and libwebp's. */
export const WEBP_ENCODERS = ['fast', 'libwebp'] as const;
export type WebpEncoderName = (typeof WEBP_ENCODERS)[number];
/** The default, chosen by measurement (README: the command's WebP encoder). */
export const DEFAULT_WEBP_ENCODER: WebpEncoderName = 'fast';

/** Loads the module now (a worker that will write WebP compiles it while it starts). */
export function preloadWebpEncoder(): void {
  load().catch(() => {});
}

/** The largest side VP8 can code. */
const MAX_SIDE = 16383;

/**
 * Encodes opaque 8-bit RGBA, or RGB (`channels` 3), as a lossy WebP at libwebp's `quality` scale
 * (0-100), or undefined where the module's memory cannot grow to the image or the frame would not
 * fit its bound (pathological noise): libwebp then writes it.
 * The caller checks isOpaque (./rgb.ts) for RGBA (alpha is dropped here).
 */
export async function encodeWebpLossy(image: RgbaPixels & { channels?: 3 | 4 }, quality: number): Promise<Uint8Array | undefined> {
  const { width, height } = image;
  const channels = image.channels ?? 4;
  if (!(width >= 1 && width <= MAX_SIDE && height >= 1 && height <= MAX_SIDE)) {
    throw new RangeError(`WebP: the image must be 1 to ${MAX_SIDE} pixels a side, but it is ${width}x${height}`);
  }
  if (channels !== 3 && channels !== 4) throw new RangeError(`WebP: channels must be 3 (RGB) or 4 (RGBA), but got ${channels}`);
  if (!(quality >= 0 && quality <= 100)) throw new RangeError(`WebP: quality must be 0 to 100, but got ${quality}`);
  const wasm = await load();
  const pixelsAt = align16(wasm.heapBase());
  const length = width * height * channels;
  const arena = pixelsAt + align16(length);
  const outAt = arena + wasm.arenaBytes(width, height);
  const end = outAt + wasm.outputBytes(width, height);
  const memory = wasm.memory;
  if (!tryGrowTo(memory, end)) return undefined; // no room (about 2 KB a macroblock besides the pixels): libwebp may need less
  new Uint8Array(memory.buffer, pixelsAt, length).set(image.data.subarray(0, length));
  const size = wasm.encode(pixelsAt, width, height, channels, quality, arena, outAt);
  if (size === 0) return undefined;
  const padded = size + (size & 1);
  const file = new Uint8Array(20 + padded);
  const view = new DataView(file.buffer);
  file.set([0x52, 0x49, 0x46, 0x46], 0); // RIFF
  view.setUint32(4, 12 + padded, true);
  file.set([0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x20], 8); // WEBPVP8 
  view.setUint32(16, size, true);
  file.set(new Uint8Array(memory.buffer, outAt, size), 20);
  return file;
}
