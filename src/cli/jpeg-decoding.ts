// Which JPEG decoder the command uses, and at what size. The command's own decoder
// (./jpeg-decoder.ts) takes baseline files, MozJPEG (./wasm-codecs.ts) the rest and any file the
// own decoder finds corrupt (so the error, or the image, is MozJPEG's word). Shrink on decode:
// where the resize is an antialiased PyTorch downscale (not in linear light), the JPEG is decoded
// at the smallest of 1/8, 1/4, 1/2 of its size that is still at least the resized size each
// way, each 8x8 block box-averaged by its reduced IDCT, and the resize goes on from there, as
// sharp (libvips, libjpeg's DCT scaling) does by default. The pixels differ slightly from a
// full-size decode (the box average comes first); --no-shrink-on-decode turns it off.

import type { ResizeImageOptions } from '../image.js';
import { decodeJpeg, JpegDecodeError, scaledSize, type DecodedJpeg, type JpegScale } from './jpeg-decoder.js';

export type JpegDecoderName = 'fast' | 'mozjpeg';
export const JPEG_DECODERS: readonly JpegDecoderName[] = ['fast', 'mozjpeg'];

export interface JpegDecoding {
  decoder: JpegDecoderName;
  /** Shrink on decode where the resize allows it (shrinkFor). */
  shrink: boolean;
}

/** How the command decodes a JPEG by default. */
export const DEFAULT_JPEG_DECODING: JpegDecoding = { decoder: 'fast', shrink: false };

/**
 * The scale to decode a width x height JPEG at before resizing it to resizedWidth x
 * resizedHeight (both upright, so that a quarter turn swaps both alike): 1 unless shrinking is
 * on, the decoder is the command's own and the resize is an antialiased PyTorch downscale.
 */
export function shrinkFor(decoding: JpegDecoding, width: number, height: number, resizedWidth: number, resizedHeight: number, resize: ResizeImageOptions): JpegScale {
  const antialiased = (resize.convention ?? 'pytorch') === 'pytorch' && !!resize.antialias && !resize.linearLight;
  if (!decoding.shrink || decoding.decoder !== 'fast' || !antialiased) return 1;
  for (const scale of [8, 4, 2] as const) {
    if (scaledSize(width, scale) >= resizedWidth && scaledSize(height, scale) >= resizedHeight) return scale;
  }
  return 1;
}

/**
 * The command's own decode at `scale` (RGBA, or RGB: `channels` 3), or undefined where MozJPEG must decode the file (not
 * baseline, or corrupt: MozJPEG then decodes it at full size, or gives its error). `inModule`: as decodeJpeg's.
 */
export async function decodeJpegFast(bytes: Uint8Array, scale: JpegScale, channels: 3 | 4 = 4, inModule = false): Promise<DecodedJpeg | undefined> {
  try {
    return await decodeJpeg(bytes, scale, channels, inModule);
  } catch (error) {
    if (error instanceof JpegDecodeError) return undefined;
    throw error;
  }
}
