// One image held in memory, converted: header checked against the pixel limit (input and output
// size) before decoding, decoded upright (EXIF orientation), resized, cropped or padded as --fit
// says, encoded. Runs in a worker thread (./convert-worker.ts), so the main thread stays free for
// reading, writing and signals while a codec works.

import { imageOps, type ImageBackend } from '../image-band.js';
import type { ResizeImageOptions } from '../image.js';
import type { ImageTarget } from './bands.js';
import { decodeChecked, FORMAT_NAMES, ImageFileError, inspectImage, isOpaque, uprightSize, type ImageFormat } from './codecs.js';
import { resizeInBands } from './band-run.js';
import { bandGeometry, planBands } from './bands.js';
import { onlyResizes, placeOnCanvas, type Fit, type FitPlan, type Rgba } from './fit.js';
import { checkedFit } from './fit-check.js';
import { encodeJpegWith, type JpegEncoderName } from './jpeg-encoder.js';
import { stripRows } from './jpeg-strips.js';
import { jpegStripSink, type StripEncoder } from './jpeg-strip-sink.js';
import { DEFAULT_JPEG_DECODING, shrinkFor, type JpegDecoding } from './jpeg-decoding.js';
import { releaseDecoded } from './decoded-pixels.js';
import { encodePng } from './png-write.js';
import { rgbaOf } from './rgb.js';
import { encodeWebpLossy, type WebpEncoderName } from './webp-encoder.js';

export interface ConvertRequest {
  /** The whole input file, its format from its signature, and its name for messages. */
  bytes: Uint8Array;
  format: ImageFormat;
  name: string;
  output: ImageFormat;
  target: ImageTarget;
  fit: Fit;
  background: Rgba;
  resize: ResizeImageOptions;
  premultiply: boolean;
  quality: number;
  jpegEncoder: JpegEncoderName;
  /** Default: libwebp (the command passes its --webp-encoder). */
  webpEncoder?: WebpEncoderName;
  /** Default: the command's own decoder, no shrink on decode. */
  jpegDecoding?: JpegDecoding;
  maxPixels: number;
  /** Helper threads that encode JPEG strips of this image (0: the converting thread encodes them). */
  stripThreads: number;
}

export { stripsHere, type JpegSettings, type StripEncoder } from './jpeg-strip-sink.js';

export interface ConvertResult {
  bytes: Uint8Array;
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  resizeMs: number;
}

/** `backend`: resizeImage's ('wasm' after init()). */
export async function convertImage(r: ConvertRequest, backend: ImageBackend, strips?: StripEncoder): Promise<ConvertResult> {
  const header = inspectImage(r.format, r.bytes, r.name, r.maxPixels);
  const { width, height } = uprightSize(header);
  const plan = checkedFit(r.name, width, height, r.target, r.fit, r.resize.convention, r.maxPixels);
  const scale = r.format === 'jpeg' ? shrinkFor(r.jpegDecoding ?? DEFAULT_JPEG_DECODING, width, height, plan.resizedWidth, plan.resizedHeight, r.resize) : 1;
  // Held: this thread converts one image at a time, and is done with its pixels once resized.
  const image = await decodeChecked(r.format, r.bytes, header, r.name, r.maxPixels, r.jpegDecoding, scale, carriedChannels(r, plan), true);
  const channels = image.channels ?? 4;
  // Shrunk on decode: the resize goes on to the plan's size from the smaller image.
  if (image.width !== width || image.height !== height) plan.resize = { width: plan.resizedWidth, height: plan.resizedHeight };
  // Pillow and OpenCV have their own alpha rules (resizeImage refuses premultiplyAlpha with them).
  // An image opaque by its format (JPEG, PNG without alpha) is not scanned (8-20 ms on 6 MP).
  const pytorch = (r.resize.convention ?? 'pytorch') === 'pytorch';
  const options = pytorch ? { ...r.resize, premultiplyAlpha: r.premultiply && !image.opaque && channels === 4 && !isOpaque(image.data) } : r.resize;
  let resized: Uint8Array | undefined;
  let resizeMs: number;
  try {
    if (r.output === 'jpeg' && onlyResizes(plan) && strips) {
      const done = await jpegInStrips(image, plan.resize, plan.width, plan.height, r, options, backend, strips);
      if (done) return { ...done, width, height, outWidth: plan.width, outHeight: plan.height };
    }
    ({ resized, resizeMs } = await resizeHeld(image, plan.resize, plan.resizedWidth, plan.resizedHeight, options, backend));
  } finally {
    // The next decode on this thread fills it (not while the resized image is a view of it).
    if (resized?.buffer !== image.data.buffer) releaseDecoded(image.data);
  }
  const pixels = placeOnCanvas(resized, plan, r.background, channels);
  let bytes: Uint8Array;
  try {
    const image = { data: pixels, width: plan.width, height: plan.height, channels };
    if (r.output === 'jpeg') bytes = await encodeJpegWith(r.jpegEncoder, image, r.quality);
    else if (r.output === 'png') bytes = encodePng(image, channels === 3 || isOpaque(pixels));
    else bytes = await encodeWasmImage(r.output, image, r);
  } catch (error) {
    throw new ImageFileError(`${r.name}: cannot encode ${plan.width} x ${plan.height} as ${FORMAT_NAMES[r.output]}: ${(error as Error)?.message ?? error}`);
  }
  return { bytes, width, height, outWidth: plan.width, outHeight: plan.height, resizeMs };
}

/**
 * WebP, AVIF or MozJPEG's JPEG: RGB straight to the command's own WebP encoder (opaque by
 * construction); RGBA, or RGB expanded to it, to ./wasm-codecs.ts encodeWasm (which still sends
 * an opaque RGBA image to the own WebP encoder).
 */
async function encodeWasmImage(output: 'jpeg' | 'webp' | 'avif', image: HeldImage, r: ConvertRequest): Promise<Uint8Array> {
  const channels = image.channels ?? 4;
  if (output === 'webp' && r.webpEncoder === 'fast' && channels === 3) {
    const own = await encodeWebpLossy(image, r.quality);
    if (own) return own;
  }
  return (await import('./wasm-codecs.js')).encodeWasm(output, { ...image, data: rgbaOf(image.data, channels) }, r.quality, r.webpEncoder);
}

/**
 * The channels an image is decoded to, where its decoder gives the choice (./codecs.ts
 * decodeChecked): RGB (3) where the encoder takes it (the command's JPEG and WebP encoders, the
 * PNG writer) and the output needs no alpha (not an image padded with a background that is not opaque),
 * unless the convention resizes RGBA premultiplied (Pillow's: an alpha resized from 255 need not
 * stay exactly 255, so its colour bytes can differ). Not for the encoders that want RGBA
 * (MozJPEG, libwebp, AVIF): expanding RGB for them costs more than it saves (12 MP to 48 MP: the
 * resize 30 ms faster, the expansion 130 ms, and both arrays held at once).
 */
function carriedChannels(r: ConvertRequest, plan: FitPlan): 3 | 4 {
  if (r.resize.convention === 'pillow') return 4;
  if (r.output === 'jpeg') return r.jpegEncoder === 'fast' ? 3 : 4;
  const rgbOut = r.output === 'png' || (r.output === 'webp' && r.webpEncoder === 'fast');
  return rgbOut && (onlyResizes(plan) || r.background[3] === 255) ? 3 : 4;
}

/** A decoded image: RGBA, or RGB (`channels` 3). */
type HeldImage = { data: Uint8Array; width: number; height: number; channels?: 3 | 4 };

/** Output bytes a band when resizing an image held whole (./bands.ts): WebAssembly memory then holds a band, not the whole input and output. */
const HELD_BAND_BYTES = 2 ** 20;

/**
 * The image resized to outWidth x outHeight: in bands into one output array where ./bands.ts can
 * plan them (bit-identical to one call; the input is not copied whole into WebAssembly memory,
 * which never shrinks), else by one resizeImage call.
 */
async function resizeHeld(image: HeldImage, target: ImageTarget, outWidth: number, outHeight: number,
                          options: ResizeImageOptions, backend: ImageBackend): Promise<{ resized: Uint8Array; resizeMs: number }> {
  const channels = image.channels ?? 4;
  const g = bandGeometry(image, outWidth, outHeight, target, options, channels);
  const plan = planBands(g, Math.ceil(HELD_BAND_BYTES / (outWidth * channels)));
  if ('bands' in plan && plan.bands.length > 1) {
    const resized = new Uint8Array(outWidth * outHeight * channels);
    let at = 0;
    // Bands whose rows are all kept are written in place (the room given), the others copied.
    const resizeMs = await resizeInBands(image.data, g, plan.bands, backend, options, async (rows) => {
      if (rows.buffer !== resized.buffer || rows.byteOffset !== at) resized.set(rows, at);
      at += rows.length;
    }, (bytes) => (at + bytes <= resized.length ? resized.subarray(at, at + bytes) : undefined));
    return { resized, resizeMs };
  }
  const t0 = performance.now();
  const out = imageOps[backend].resizeImage({ data: image.data, width: image.width, height: image.height, channels }, target, options);
  return { resized: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength), resizeMs: performance.now() - t0 };
}

/**
 * JPEG output without the whole output image: resized in bands (bit-identical to one call, where
 * ./bands.ts can plan them, in bands of a strip's rows), the rows gathered into strips, each strip
 * encoded as it fills (in parallel on helper threads), joined (./jpeg-strip-sink.ts). Undefined
 * where bands cannot be planned.
 */
async function jpegInStrips(image: HeldImage, target: ImageTarget, outWidth: number, outHeight: number,
                            r: ConvertRequest, options: ResizeImageOptions, backend: ImageBackend, strips: StripEncoder):
  Promise<{ bytes: Uint8Array; resizeMs: number } | undefined> {
  const channels = image.channels ?? 4;
  const g = bandGeometry(image, outWidth, outHeight, target, options, channels);
  const plan = planBands(g, stripRows(outWidth));
  if (!('bands' in plan)) return undefined;
  const sink = jpegStripSink(outWidth, outHeight, channels, { quality: r.quality, encoder: r.jpegEncoder }, strips, r.name);
  const resizeMs = await resizeInBands(image.data, g, plan.bands, backend, options, (rows) => sink.add(rows), sink.room);
  return { bytes: await sink.finish(), resizeMs };
}
