// A PNG file resized to a PNG file, or to a JPEG file (our own encoder), in bands: rows in, bands
// through resizeImage, rows out (to the PNG writer, or into JPEG strips), so memory stays near one
// band (and, for a JPEG, the strips in flight and the encoded bytes). The same on whichever thread runs it: the main thread
// (./process-file.ts) or a converter worker (./convert-worker.ts), which then needs only the
// file's name, never its bytes or its decoded image.

import type { ImageBackend } from '../image-band.js';
import type { ResizeImageOptions } from '../image.js';
import { resizeInBands, type RowSource } from './band-run.js';
import { bandGeometry, planBands, type BandGeometry, type ImageTarget } from './bands.js';
import { FORMAT_NAMES, ImageFileError, isOpaque, openPng } from './codecs.js';
import { onlyResizes, type Fit } from './fit.js';
import { checkedFit } from './fit-check.js';
import type { PngReader } from './png.js';
import { PngWriter } from './png-write.js';
import { writeFile } from 'node:fs/promises';

/** Bytes of a band's output (256 rows at 1024 RGBA pixels wide), and of its input window when streaming. */
const BAND_BYTES = 2 ** 20;

/** What streaming one file needs (plain data: it is posted to a worker as it is). */
export interface PngStreamRequest {
  input: string;
  /** The output's temporary file, created empty by the caller, who renames it into place or removes it (./write.ts). */
  temporary: string;
  target: ImageTarget;
  fit: Fit;
  resize: ResizeImageOptions;
  premultiply: boolean;
  maxPixels: number;
  /** Default 'png'. A JPEG: our own encoder's (MozJPEG's is not streamed), in strips (./jpeg-strip-sink.ts). */
  output?: 'png' | 'jpeg';
  /** JPEG quality. */
  quality?: number;
}

export interface StreamedPng {
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  resizeMs: number;
  /** The rows carried: 3 (RGB, an opaque 8-bit image's), or 4 (RGBA). */
  channels: 3 | 4;
}

/**
 * Streams `r.input` into `r.temporary`, or returns undefined (nothing written) where streaming
 * does not apply: interlaced, cropped or padded (--fit), or no bands bit-identical to one call.
 * `backend`: resizeImage's, loaded when first needed. A JPEG's strips are encoded on this thread,
 * between bands (a single file streams on the main thread, a folder's files one a thread).
 */
export async function streamPngFile(r: PngStreamRequest, backend: () => Promise<ImageBackend>): Promise<StreamedPng | undefined> {
  const reader = await openPng(r.input, r.maxPixels);
  try {
    const { width, height, interlace, mayHaveAlpha } = reader.info;
    const fit = checkedFit(r.input, width, height, r.target, r.fit, r.resize.convention, r.maxPixels);
    const { width: outWidth, height: outHeight } = fit;
    if (interlace || !onlyResizes(fit)) return undefined;
    // Opaque by its header (8-bit RGB or gray, no tRNS): carried as RGB rows end to end, read as the
    // file's samples, resized and filtered without an alpha channel of 255 (the same bytes out).
    // Not with Pillow's convention: it resizes RGBA premultiplied, and an alpha resized from 255
    // need not stay exactly 255 (bicubic, lanczos in linear light), so its colour bytes can differ.
    const channels = reader.opaqueRgb8 && r.resize.convention !== 'pillow' ? 3 : 4;
    const g = bandGeometry(reader.info, outWidth, outHeight, fit.resize, r.resize, channels);
    const plan = streamBands(g);
    if (!('bands' in plan)) return undefined;
    const jpeg = r.output === 'jpeg';
    // The JPEG of an image held whole (./convert.ts jpegInStrips) is encoded in strips only where
    // its own bands plan; elsewhere it is one JPEG, other bytes: that one is left to it.
    const { jpegStripSink, stripsHere } = jpeg ? await import('./jpeg-strip-sink.js') : {}; // the JPEG encoder, loaded only for this
    const { stripRows } = jpeg ? await import('./jpeg-strips.js') : {};
    if (jpeg && !('bands' in planBands(bandGeometry(reader.info, outWidth, outHeight, fit.resize, r.resize), stripRows!(outWidth)))) return undefined;
    const resizeOn = await backend();
    // Pillow and OpenCV have their own alpha rules (resizeImage refuses premultiplyAlpha with them), as in ./convert.ts.
    const pytorch = (r.resize.convention ?? 'pytorch') === 'pytorch';
    // Opaque (resizing keeps it so): written as RGB, and premultiplying is skipped. A PNG that may
    // have alpha gets a first pass only where premultiplying depends on it.
    const opaque = !mayHaveAlpha || (pytorch && r.premultiply && await allOpaque(r.input, r.maxPixels));
    const options = pytorch ? { ...r.resize, premultiplyAlpha: r.premultiply && !opaque } : r.resize;
    const source = rowSource(reader, r.input, channels);
    let resizeMs: number;
    if (jpeg) {
      const sink = jpegStripSink!(outWidth, outHeight, channels, { quality: r.quality!, encoder: 'fast' }, stripsHere!, r.input);
      resizeMs = await resizeInBands(source, g, plan.bands, resizeOn, options, (bytes) => sink.add(bytes), sink.room);
      // 'r+': into the file the caller created (a signal's cleanup that removed it leaves nothing behind).
      await writeFile(r.temporary, await sink.finish(), { flag: 'r+' });
    } else {
      const writer = new PngWriter(r.temporary, outWidth, outHeight, opaque, channels, 'r+');
      try {
        resizeMs = await resizeInBands(source, g, plan.bands, resizeOn, options, (bytes) => writer.writeRows(bytes));
        await writer.finish();
      } catch (error) {
        await writer.abort();
        throw error;
      }
    }
    return { width, height, outWidth, outHeight, resizeMs, channels };
  } finally {
    await reader.close();
  }
}

/**
 * The bands a file streams in: about BAND_BYTES of output each, and of input. Bands resized as
 * smaller images hold all their input rows (cut bands shrink until theirs fit the output's
 * bytes), so on a downscale they get fewer rows, where that still plans them as such.
 */
export function streamBands(g: BandGeometry): ReturnType<typeof planBands> {
  const channels = g.channels ?? 4;
  const bands = planBands(g, Math.ceil(BAND_BYTES / (g.outWidth * channels)));
  const inputRows = Math.ceil(BAND_BYTES / (g.width * channels));
  if (!('bands' in bands) || bands.bands[0].cut || Math.max(...bands.bands.map((b) => b.inRows)) <= 2 * inputRows) return bands;
  const fewer = planBands(g, Math.ceil((inputRows * g.outHeight) / g.height));
  return 'bands' in fewer && !fewer.bands[0].cut ? fewer : bands;
}

/** The reader's rows read by the band (`channels` 3: RGB), decoding errors named for the file. */
function rowSource(reader: PngReader, name: string, channels: 3 | 4): RowSource {
  return {
    read: (into) => reader.readRows(into, channels).catch((error) => { throw decodingError(name, error); }),
    finish: async () => { try { reader.finishRows(); } catch (error) { throw decodingError(name, error); } },
  };
}

const decodingError = (name: string, error: unknown) => new ImageFileError(`${name}: cannot decode the ${FORMAT_NAMES.png} image: ${(error as Error).message}`);

/** The reader's RGBA rows (one array, overwritten by the next row), decoding errors named for the file. */
async function* rowsOf(reader: PngReader, name: string): AsyncGenerator<Uint8Array> {
  try { yield* reader.rows({ reuse: true }); } catch (error) { throw decodingError(name, error); }
}

/** A first pass over a PNG that may have alpha: premultiply only if some pixel is not opaque. */
async function allOpaque(path: string, maxPixels: number): Promise<boolean> {
  const scan = await openPng(path, maxPixels);
  try {
    for await (const row of rowsOf(scan, path)) if (!isOpaque(row)) return false; // each row checked before the next overwrites it
    return true;
  } finally {
    await scan.close();
  }
}
