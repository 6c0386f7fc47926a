// One image held in memory, converted: header checked against the pixel limit (input and output
// size) before decoding, decoded upright (EXIF orientation), resized, cropped or padded as --fit
// says, encoded. Runs in a worker thread (./convert-worker.ts), so the main thread stays free for
// reading, writing and signals while a codec works.

import type { ImageTarget, ResizeImageOptions } from '../image.js';
import type { resizeImage } from '../index.js';
import { checkPixels, decodeChecked, FORMAT_NAMES, ImageFileError, inspectImage, isOpaque, uprightSize, type ImageFormat } from './codecs.js';
import { placeOnCanvas, planFit, type Fit, type Rgba } from './fit.js';

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
  maxPixels: number;
}

export interface ConvertResult {
  bytes: Uint8Array;
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  resizeMs: number;
}

type Resize = typeof resizeImage;

export async function convertImage(r: ConvertRequest, resize: Resize): Promise<ConvertResult> {
  const header = inspectImage(r.format, r.bytes, r.name, r.maxPixels);
  const { width, height } = uprightSize(header);
  const plan = planFit(width, height, r.target, r.fit);
  if (plan.resizedWidth < 1 || plan.resizedHeight < 1) {
    throw new ImageFileError(`${r.name}: ${width} x ${height} resized to ${plan.resizedWidth} x ${plan.resizedHeight} is empty`);
  }
  checkPixels(plan.resizedWidth, plan.resizedHeight, r.maxPixels, `${r.name}: the output `);
  checkPixels(plan.width, plan.height, r.maxPixels, `${r.name}: the output `);
  const image = await decodeChecked(r.format, r.bytes, header, r.name, r.maxPixels);
  const t0 = performance.now();
  const premultiplyAlpha = r.premultiply && !isOpaque(image.data);
  const resized = resize({ ...image, channels: 4 }, plan.resize, { ...r.resize, premultiplyAlpha });
  const resizeMs = performance.now() - t0;
  const pixels = placeOnCanvas(new Uint8Array(resized.data.buffer, resized.data.byteOffset, resized.data.byteLength), plan, r.background);
  let bytes: Uint8Array;
  try {
    const { encodeWasm } = await import('./wasm-codecs.js');
    bytes = await encodeWasm(r.output, { data: pixels, width: plan.width, height: plan.height }, r.quality);
  } catch (error) {
    throw new ImageFileError(`${r.name}: cannot encode ${plan.width} x ${plan.height} as ${FORMAT_NAMES[r.output]}: ${(error as Error)?.message ?? error}`);
  }
  return { bytes, width, height, outWidth: plan.width, outHeight: plan.height, resizeMs };
}
