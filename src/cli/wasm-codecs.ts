// The @jsquash codecs (MozJPEG, libwebp, libavif, all WebAssembly), loaded on
// first use by the command line only: the library entry never imports this file. In Node their
// glue cannot fetch its .wasm from a file URL, so each module is compiled here from the file in
// node_modules and handed to the package's init.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { decodeWebpLossy, preloadWebpDecoder } from './webp-decoder.js';
import { isOpaque } from './rgb.js';
import { encodeWebpLossy, preloadWebpEncoder, type WebpEncoderName } from './webp-encoder.js';

export interface RgbaPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

const require = createRequire(import.meta.url);

async function compile(file: string): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await readFile(require.resolve(file)));
}

/**
 * What the Emscripten codecs print (libjpeg's warnings such as "Corrupt JPEG data: premature end
 * of data segment"): kept here, never on the command's stderr; a JPEG decode that warns is refused
 * (the decoder would pad the image with grey).
 */
let printed: string[] = [];
const quiet = { print: () => {}, printErr: (text: string) => { printed.push(text); } };

/** init(module, Emscripten options): the packages take both, though their types declare the first only. */
async function initQuiet(init: (...args: never[]) => unknown, file: string): Promise<void> {
  await (init as unknown as (module: WebAssembly.Module, options: object) => Promise<unknown>)(await compile(file), quiet);
}

/** A loader that loads once; `reset()` makes the next call load a fresh instance. */
function once<T>(load: () => Promise<T>): (() => Promise<T>) & { reset(): void } {
  let loaded: Promise<T> | undefined;
  return Object.assign(() => (loaded ??= load()), { reset: () => { loaded = undefined; } });
}

type ImageLike = { data: Uint8Array | Uint8ClampedArray; width: number; height: number };
const bytesOf = (image: ImageLike): RgbaPixels =>
  ({ data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength), width: image.width, height: image.height });
/** jsquash's encoders take ImageData; in Node the packages define a polyfill, which needs no more than this. */
const imageData = (image: RgbaPixels) =>
  ({ data: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), width: image.width, height: image.height, colorSpace: 'srgb' }) as ImageData;

/** A package's codec function, loaded and initialised with its .wasm on first use. */
function codec<F>(load: () => Promise<{ init: (...args: never[]) => unknown; default: F }>, wasm: string): (() => Promise<F>) & { reset(): void } {
  return once(async () => {
    const module = await load();
    await initQuiet(module.init, wasm);
    return module.default;
  });
}

const jpegDecoder = codec(() => import('@jsquash/jpeg/decode.js'), '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm');
const jpegEncoder = codec(() => import('@jsquash/jpeg/encode.js'), '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm');
const webpDecoder = codec(() => import('@jsquash/webp/decode.js'), '@jsquash/webp/codec/dec/webp_dec.wasm');
// webp's init picks the SIMD glue where WebAssembly SIMD validates (every Node this package supports).
const webpEncoder = codec(() => import('@jsquash/webp/encode.js'), '@jsquash/webp/codec/enc/webp_enc_simd.wasm');
const avifDecoder = codec(() => import('@jsquash/avif/decode.js'), '@jsquash/avif/codec/dec/avif_dec.wasm');
// In Node avif's init takes the single-threaded build.
const avifEncoder = codec(() => import('@jsquash/avif/encode.js'), '@jsquash/avif/codec/enc/avif_enc.wasm');

/** The codecs a run's jobs use, by format: decoders for the inputs, encoders for the outputs. */
export interface CodecNeeds { decode: Array<'webp' | 'avif'>; encode: Array<'webp' | 'avif'>; webpEncoder?: WebpEncoderName }

/**
 * Starts loading (import, compile, instantiate) the codecs of `needs` now, so that a worker thread
 * compiles them while it starts and reads its first file, not when its first WebP or AVIF arrives.
 * A load that fails is forgotten: the first real use loads again and reports the error.
 */
export function preloadWasm(needs: CodecNeeds): void {
  // WebP input: the command's own lossy decoder; libwebp loads when a file needs it.
  if (needs.decode.includes('webp')) preloadWebpDecoder();
  const loaders = [...needs.decode.filter((f) => f === 'avif').map(() => avifDecoder),
    ...needs.encode.filter((f) => f !== 'webp' || needs.webpEncoder !== 'fast').map((f) => (f === 'webp' ? webpEncoder : avifEncoder))];
  // The own WebP encoder: libwebp loads only when an image with alpha needs it.
  if (needs.encode.includes('webp') && needs.webpEncoder === 'fast') preloadWebpEncoder();
  for (const load of loaders) load().catch(() => load.reset());
}

/**
 * Decodes JPEG (EXIF orientation NOT applied: the caller does it, after the size checks), WebP
 * (lossy without alpha by ./webp-decoder.ts) or AVIF to 8-bit RGBA; `channels` 3: RGB where
 * the decoder gives it (./webp-decoder.ts; the image's `channels` says which). The caller has
 * checked the header first. `inModule`: as ./webp-decoder.ts decodeWebpLossy's.
 */
export async function decodeWasm(format: 'jpeg' | 'webp' | 'avif', bytes: Uint8Array, channels: 3 | 4 = 4, inModule = false): Promise<RgbaPixels & { channels?: 3 | 4; opaque?: boolean }> {
  if (format === 'webp') {
    // A lossy image without alpha: the command's own decoder, libwebp's pixels; the rest, and
    // any frame it refuses, libwebp's decode (or its error).
    const own = await decodeWebpLossy(bytes, channels, inModule);
    if (own) return own;
  }
  // The bytes as they are: the glue (embind's std::string) takes a Uint8Array as well as the
  // ArrayBuffer its types name, and copies it into the codec's memory either way.
  const buffer = bytes as unknown as ArrayBuffer;
  // After a failure a codec's instance is dropped: libjpeg's error exit leaves its C state behind
  // (a later decode on the same instance was seen to hang in fuzzing).
  const decoder = format === 'jpeg' ? jpegDecoder : format === 'webp' ? webpDecoder : avifDecoder;
  try {
    printed = [];
    const image = format === 'jpeg'
      ? await (await jpegDecoder())(buffer, { preserveOrientation: false })
      : await (await (decoder as typeof webpDecoder)())(buffer);
    if (printed.length > 0) throw new Error(printed.join('; ')); // libjpeg's warnings: corrupt data, padded
    if (!image) throw new Error('the decoder returned no image');
    return bytesOf(image as ImageLike);
  } catch (error) {
    decoder.reset();
    throw error;
  }
}

/** MozJPEG's settings: baseline (8-bit tables, SOF0) 4:2:0, which ./jpeg-strips.ts joins; no progressive scans (they cost 2x). */
const JPEG_OPTIONS = { baseline: true, progressive: false, optimize_coding: true, auto_subsample: false, chroma_subsample: 2 };

/** Encodes 8-bit RGBA; `quality` 1-100 (PNG is written by ./png-write.ts); WebP by `webp` where it is 'fast' and the image opaque, else libwebp. */
export async function encodeWasm(format: 'jpeg' | 'webp' | 'avif', image: RgbaPixels, quality: number, webp: WebpEncoderName = 'libwebp'): Promise<Uint8Array> {
  const own = format === 'webp' && webp === 'fast' && isOpaque(image.data) ? await encodeWebpLossy(image, quality) : undefined;
  if (own) return own;
  let out: ArrayBuffer;
  if (format === 'jpeg') out = await (await jpegEncoder())(imageData(image), { ...JPEG_OPTIONS, quality });
  else if (format === 'webp') out = await (await webpEncoder())(imageData(image), { quality });
  else out = await (await avifEncoder())(imageData(image), { quality });
  return new Uint8Array(out);
}
