// One file through the command. A large PNG going to PNG streams: rows in, bands through
// resizeImage, rows out, so memory stays near one band. Everything else is read whole and
// converted (./convert.ts: header checks, decode, orientation, resize, fit, encode with the
// WebAssembly codecs) in a worker thread, or on the main thread when small and the main thread is
// free (in a folder run it is one more lane, one file at a time: fewer workers busy, less memory);
// then written through a temporary file.

import { readFile } from 'node:fs/promises';
import type { ImageBackend } from '../image-band.js';
import type { CliOptions } from './args.js';
import { checkPixels, DEFAULT_QUALITY, FORMAT_NAMES, ImageFileError, inspectImage, isOpaque, openPng, sniffFile, uprightSize, type ImageFormat } from './codecs.js';
import type { ConvertRequest } from './convert.js';
import type { ConvertWorkers } from './convert-workers.js';
import { onlyResizes, planFit } from './fit.js';
import type { Job } from './jobs.js';
import type { PngReader } from './png.js';
import { writeAtomically, writeStreamed } from './write.js';

/** Bytes of RGBA output a band when streaming (256 rows at 1024 pixels wide). */
const BAND_BYTES = 2 ** 20;
/**
 * Pixels (input or output) from which a PNG to PNG file of a folder run always streams (on the
 * main thread, its peak near one band). Below it, such a file streams on the main thread when no
 * other file is converting there (the decoded image is never held whole), else it goes to a worker.
 * The only file of a run streams whatever its size.
 */
export const STREAM_PIXELS = 16_000_000;

/**
 * Pixels (input and output) up to which a file is converted on the main thread when no other file
 * is converting there (the only file of a run, or one lane of a folder run):
 * starting a worker (its own Node context, the library and the codecs loaded again) costs more
 * time and memory than converting a picture of this size, and the main thread is busy for a
 * fraction of a second at most (signals wait that long).
 */
export const MAIN_THREAD_PIXELS = 4_000_000;
/**
 * The same in a folder run, where the main thread is one lane beside the workers (one fewer
 * worker to start): larger, so that it takes its share of a folder of photos; a 12 MP photo keeps
 * it busy a few tenths of a second at most.
 */
export const FOLDER_MAIN_THREAD_PIXELS = 12_000_000;


export interface FileDone { width: number; height: number; outWidth: number; outHeight: number; resizeMs: number }

/** How a file is run: the main thread's resizeImage backend (loaded on first use), the worker threads, and whether this is the run's only file. */
export interface Runner {
  mainBackend: () => Promise<ImageBackend>;
  workers: ConvertWorkers;
  /** Where the main lane sends a file too large for the main thread (`workers` when there are no worker lanes). */
  mainOverflow: ConvertWorkers;
  /** The run's only file: it may convert here when small, and its JPEG strips may use `stripThreads` helper threads. */
  single: boolean;
  stripThreads: number;
  /** Pixels (input and output) up to which a file may convert on the main thread (MAIN_THREAD_PIXELS, FOLDER_MAIN_THREAD_PIXELS). */
  mainPixels: number;
  /** Files converting on the main thread now: a folder run converts one small file there at a time, the others in workers. */
  mainBusy: number;
}

/** `mainLane`: the file may convert on the main thread (the run's main lane); else it goes to a worker unless it must stream. */
export async function processFile(job: Job, options: CliOptions, runner: Runner, temporaries: Set<string>, mainLane = true): Promise<FileDone> {
  const format = await sniffFile(job.input);
  if (!format) throw new ImageFileError(`${job.input}: not a PNG, JPEG, WebP or AVIF image (unrecognised file signature)`);
  if (format === 'png' && job.format === 'png') {
    const streamed = await streamPng(job, options, runner, temporaries, mainLane);
    if (streamed) return streamed;
  }
  const bytes = await readFile(job.input);
  const request: ConvertRequest = {
    bytes, format, name: job.input, output: job.format, target: options.target, fit: options.fit,
    background: options.background, resize: options.resize, premultiply: options.premultiply,
    quality: options.quality ?? DEFAULT_QUALITY[job.format], maxPixels: options.maxPixels,
    jpegEncoder: options.jpegEncoder, jpegDecoding: options.jpegDecoding, stripThreads: runner.single ? runner.stripThreads : 0,
  };
  let done: FileDone & { bytes: Uint8Array };
  if (mainLane && runner.mainBusy === 0 && isSmall(request, format, runner.mainPixels)) {
    runner.mainBusy++;
    try {
      const { convertImage, stripsHere } = await import('./convert.js'); // the codecs, loaded here only for this
      // A WebP or AVIF encoder compiles in the background while this thread decodes and resizes.
      if (job.format === 'webp' || job.format === 'avif') (await import('./wasm-codecs.js')).preloadWasm({ decode: [], encode: [job.format] });
      done = await convertImage(request, await runner.mainBackend(), stripsHere);
    } finally {
      runner.mainBusy--;
    }
  } else {
    done = await (mainLane ? runner.mainOverflow : runner.workers).convert(request);
  }
  await writeAtomically(job.output, done.bytes, temporaries);
  return done;
}

/** Whether the image and its output are within `limit` pixels (a header that fails its checks: not small, the worker refuses it). */
function isSmall(r: ConvertRequest, format: ImageFormat, limit: number): boolean {
  try {
    const { width, height } = uprightSize(inspectImage(format, r.bytes, r.name, r.maxPixels));
    const out = planFit(width, height, r.target, r.fit, r.resize.convention);
    return Math.max(width * height, out.width * out.height, out.resizedWidth * out.resizedHeight) <= limit;
  } catch {
    return false;
  }
}

/** The streamed path, or undefined where it does not apply (small, interlaced, cropped or padded, not bit-identical in bands). */
async function streamPng(job: Job, options: CliOptions, runner: Runner, temporaries: Set<string>, mainLane: boolean): Promise<FileDone | undefined> {
  const reader = await openPng(job.input, options.maxPixels);
  let claimed = false;
  try {
    const { width, height, interlace, mayHaveAlpha } = reader.info;
    const fit = planFit(width, height, options.target, options.fit, options.resize.convention);
    const { width: outWidth, height: outHeight } = fit;
    checkPixels(outWidth, outHeight, options.maxPixels, `${job.input}: the output `);
    const small = Math.max(width * height, outWidth * outHeight) < STREAM_PIXELS;
    if (interlace || !onlyResizes(fit) || (small && !runner.single && (!mainLane || runner.mainBusy > 0))) return undefined;
    runner.mainBusy++; // claimed before the next await, so another lane sees the main thread busy
    claimed = true;
    // Opaque by its header (8-bit RGB or gray, no tRNS): carried as RGB rows end to end, read as the
    // file's samples, resized and filtered without an alpha channel of 255 (the same bytes out).
    // Not with Pillow's convention: it resizes RGBA premultiplied, and an alpha resized from 255
    // need not stay exactly 255 (bicubic, lanczos in linear light), so its colour bytes can differ.
    const channels = reader.opaqueRgb8 && options.resize.convention !== 'pillow' ? 3 : 4;
    const { bandGeometry, planBands, resizeInBands } = await import('./bands.js');
    const g = bandGeometry(reader.info, outWidth, outHeight, fit.resize, options.resize, channels);
    const plan = planBands(g, Math.ceil(BAND_BYTES / (outWidth * channels)));
    if (!('bands' in plan)) return undefined;
    const backend = await runner.mainBackend();
    // Pillow and OpenCV have their own alpha rules (resizeImage refuses premultiplyAlpha with them), as in ./convert.ts.
    const pytorch = (options.resize.convention ?? 'pytorch') === 'pytorch';
    // Opaque (resizing keeps it so): written as RGB, and premultiplying is skipped. A PNG that may
    // have alpha gets a first pass only where premultiplying depends on it.
    const opaque = !mayHaveAlpha || (pytorch && options.premultiply && await allOpaque(job.input, options.maxPixels));
    const opts = pytorch ? { ...options.resize, premultiplyAlpha: options.premultiply && !opaque } : options.resize;
    let resizeMs = 0;
    await writeStreamed(job.output, outWidth, outHeight, opaque, temporaries, async (writer) => {
      resizeMs = await resizeInBands(rowsOf(reader, job.input, true, channels), g, plan.bands, backend, opts, (bytes) => writer.writeRows(bytes));
    }, channels);
    return { width, height, outWidth, outHeight, resizeMs };
  } finally {
    if (claimed) runner.mainBusy--;
    await reader.close();
  }
}

/** The reader's rows (`reuse`: one array, overwritten by the next row; `channels` 3: RGB), decoding errors named for the file. */
async function* rowsOf(reader: PngReader, name: string, reuse = false, channels: 3 | 4 = 4): AsyncGenerator<Uint8Array> {
  try { yield* reader.rows({ reuse, channels }); } catch (error) { throw new ImageFileError(`${name}: cannot decode the ${FORMAT_NAMES.png} image: ${(error as Error).message}`); }
}

/** A first pass over a PNG that may have alpha: premultiply only if some pixel is not opaque. */
async function allOpaque(path: string, maxPixels: number): Promise<boolean> {
  const scan = await openPng(path, maxPixels);
  try {
    for await (const row of rowsOf(scan, path, true)) if (!isOpaque(row)) return false; // each row checked before the next overwrites it
    return true;
  } finally {
    await scan.close();
  }
}
