// The command line's own lossy WebP decoder: a VP8 key frame without alpha, decoded in its own
// small WebAssembly SIMD module (assembly/cli/webp-decoder.ts, build/webp-decoder.wasm) to the
// same RGBA pixels as libwebp's default decode (@jsquash/webp: fancy upsampling, libwebp's
// fixed-point colour conversion), without libwebp's compile time (a large Emscripten module
// that V8 optimises anew in each process). This file finds the frame, owns the module's memory
// and says whether the file is one it decodes; anything else (lossless, alpha, animation, or a
// frame it finds corrupt) is left to libwebp (./wasm-codecs.ts), so that libwebp has the last
// word on every file it would refuse.

import { align16, moduleLoader, tryGrowTo } from './wasm-module.js';
import type { RgbaPixels } from './wasm-codecs.js';
import { pixelBuffer } from './decoded-pixels.js';

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  arenaBytes(width: number, height: number): number;
  decodeFrame(data: number, size: number, width: number, height: number, arena: number, out: number, rgba: number): number;
}

const load = moduleLoader<Exports>('webp-decoder');

const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);

/**
 * The 'VP8 ' chunk of a still lossy WebP without an ALPH chunk, laid out as libwebp reads it
 * (the frame first, or after a 10-byte VP8X and other chunks), or undefined for any other file
 * (its structure was checked by ./webp.ts inspectWebp before; what libwebp would refuse is left
 * to it, so that the error is its own).
 */
export function opaqueVp8Chunk(bytes: Uint8Array): { at: number; size: number } | undefined {
  if (bytes.length < 20 || fourcc(bytes, 0) !== 'RIFF' || fourcc(bytes, 8) !== 'WEBP') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = Math.min(bytes.length, 8 + view.getUint32(4, true));
  const extended = fourcc(bytes, 12) === 'VP8X';
  if (extended && view.getUint32(16, true) !== 10) return undefined;
  let frame: { at: number; size: number } | undefined;
  for (let at = 12; at + 8 <= end;) {
    const name = fourcc(bytes, at);
    const size = view.getUint32(at + 4, true);
    if (at + 8 + size > end) return undefined;
    if (name === 'ALPH' || name === 'VP8L' || name === 'ANIM' || name === 'ANMF') return undefined;
    if (name === 'VP8 ') {
      if (frame) return undefined;
      frame = { at: at + 8, size };
    } else if (!frame && !extended) {
      return undefined; // without VP8X libwebp takes the first chunk as the image
    }
    at += 8 + size + (size & 1);
  }
  return frame;
}

/** Loads the module now (a worker that will decode WebP input compiles it while it starts). */
export function preloadWebpDecoder(): void {
  load().catch(() => {});
}

/**
 * Decodes a lossy WebP to RGBA (`channels` 4) or RGB (3: the image is opaque by its format), or
 * undefined where libwebp must decode it (not an opaque VP8 image, or this decoder found the
 * frame corrupt or truncated). The module writes the pixels to its own memory, reused from one
 * file to the next; `inModule`: they are a view of it, not copied out, valid until the next
 * decodeWebpLossy on this thread, for a caller done with them by then (as ./jpeg-decoder.ts
 * decodeJpeg's); else they are copied to this thread's reused array (./decoded-pixels.ts: give
 * it back with releaseDecoded). The caller has checked the file (./webp.ts inspectWebp), the
 * frame's size against the pixel limit included.
 */
export async function decodeWebpLossy(bytes: Uint8Array, channels: 3 | 4 = 4, inModule = false): Promise<RgbaPixels & { channels: 3 | 4; opaque: true } | undefined> {
  const frame = opaqueVp8Chunk(bytes);
  if (!frame || frame.size < 10) return undefined;
  const width = (bytes[frame.at + 6] | (bytes[frame.at + 7] << 8)) & 0x3fff;
  const height = (bytes[frame.at + 8] | (bytes[frame.at + 9] << 8)) & 0x3fff;
  if (width === 0 || height === 0) return undefined;
  const wasm = await load();
  const length = width * height * channels;
  const outAt = align16(wasm.heapBase());
  const dataAt = outAt + align16(length);
  const arena = dataAt + align16(frame.size);
  const end = arena + wasm.arenaBytes(width, height);
  const memory = wasm.memory;
  if (!tryGrowTo(memory, end)) return undefined; // no room here: libwebp's decode (or its error)
  new Uint8Array(memory.buffer).set(bytes.subarray(frame.at, frame.at + frame.size), dataAt);
  const status = wasm.decodeFrame(dataAt, frame.size, width, height, arena, outAt, channels === 4 ? 1 : 0);
  if (status !== 0) return undefined;
  const pixels = new Uint8Array(memory.buffer, outAt, length);
  const data = inModule ? pixels : pixelBuffer(length);
  if (!inModule) data.set(pixels);
  return { data, width, height, channels, opaque: true };
}
