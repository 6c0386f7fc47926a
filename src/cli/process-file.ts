// One file through the command: decode (PNG streamed by rows, JPEG whole), resize, encode, write.

import { readFile } from 'node:fs/promises';
import type { resizeImage } from '../index.js';
import type { CliOptions } from './args.js';
import { outputSize, planBands, resizeInBands } from './bands.js';
import { checkPixels, decodeJpeg, encodeJpeg, ImageFileError, isOpaque, openPng, readPng, sniffFile, type RgbaImage } from './codecs.js';
import type { Job } from './jobs.js';
import { writeAtomically, writeStreamed } from './write.js';

/** Output rows per band when streaming (about 4 MiB of RGBA at 1024 pixels wide). */
const BAND_BYTES = 4 * 2 ** 20;

export type Resize = typeof resizeImage;

/**
 * One file: PNG input streams row by row and, where planBands allows (bit-identical), resizes in
 * bands; otherwise the image is decoded whole (after the header check) and resized in one call.
 * PNG output streams rows to a temporary file; JPEG output is encoded whole.
 */
export async function processFile(job: Job, options: CliOptions, resize: Resize, temporaries: Set<string>):
  Promise<{ width: number; height: number; outWidth: number; outHeight: number; resizeMs: number }> {
  const format = await sniffFile(job.input);
  if (!format) throw new ImageFileError(`${job.input}: not a PNG or JPEG image (unrecognised file signature)`);
  const base = { mode: options.resize.mode ?? 'bilinear', alignCorners: !!options.resize.alignCorners, antialias: !!options.resize.antialias };
  const check = (w: number, h: number) => {
    const out = outputSize(w, h, options.target);
    checkPixels(out.outWidth, out.outHeight, options.maxPixels, `${job.input}: the output `);
    return out;
  };
  let whole: RgbaImage | undefined;
  if (format === 'png') {
    const reader = await openPng(job.input, options.maxPixels);
    const { width, height, interlace, mayHaveAlpha } = reader.info;
    let outSize;
    try { outSize = check(width, height); } catch (error) { await reader.close(); throw error; }
    const { outWidth, outHeight } = outSize;
    const g = { width, height, outWidth, outHeight, target: options.target, ...base };
    const plan = interlace ? { reason: 'interlaced' } : planBands(g, Math.ceil(BAND_BYTES / (outWidth * 4)));
    if ('bands' in plan) {
      let premultiplyAlpha = false;
      if (options.premultiply && mayHaveAlpha) { // a first pass: premultiply only if some pixel is not opaque
        const scan = await openPng(job.input, options.maxPixels);
        try {
          for await (const row of scan.rows()) if (!isOpaque(row)) { premultiplyAlpha = true; break; }
        } catch (error) { throw new ImageFileError(`${job.input}: cannot decode the PNG image: ${(error as Error).message}`); }
        finally { await scan.close(); }
      }
      const opts = { ...options.resize, premultiplyAlpha };
      const rows = async function* () {
        try { yield* reader.rows(); } catch (error) { throw new ImageFileError(`${job.input}: cannot decode the PNG image: ${(error as Error).message}`); }
      };
      try {
        if (job.format === 'png') {
          let resizeMs = 0;
          await writeStreamed(job.output, outWidth, outHeight, temporaries, async (writer) => {
            resizeMs = await resizeInBands(rows(), g, plan.bands, resize, opts, (bytes) => writer.writeRows(bytes));
          });
          return { width, height, outWidth, outHeight, resizeMs };
        }
        const out = new Uint8Array(outWidth * outHeight * 4);
        let at = 0;
        const resizeMs = await resizeInBands(rows(), g, plan.bands, resize, opts, async (bytes) => { out.set(bytes, at); at += bytes.length; });
        await writeAtomically(job.output, encodeJpeg({ data: out, width: outWidth, height: outHeight }, options.quality), temporaries);
        return { width, height, outWidth, outHeight, resizeMs };
      } finally {
        await reader.close();
      }
    }
    whole = await readPng(reader, job.input);
  } else {
    const bytes = await readFile(job.input);
    whole = decodeJpeg(bytes, job.input, options.maxPixels);
    check(whole.width, whole.height);
  }
  const t1 = performance.now();
  const premultiplyAlpha = options.premultiply && !isOpaque(whole.data);
  const result = resize({ ...whole, channels: 4 }, options.target, { ...options.resize, premultiplyAlpha });
  const resizeMs = performance.now() - t1;
  const bytes = new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength);
  if (job.format === 'png') {
    await writeStreamed(job.output, result.width, result.height, temporaries, (writer) => writer.writeRows(bytes));
  } else {
    await writeAtomically(job.output, encodeJpeg({ data: bytes, width: result.width, height: result.height }, options.quality), temporaries);
  }
  return { width: whole.width, height: whole.height, outWidth: result.width, outHeight: result.height, resizeMs };
}
