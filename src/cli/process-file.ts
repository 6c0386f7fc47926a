// One file through the command. A PNG going to PNG, or to JPEG with our own encoder, streams
// (./png-stream.ts: rows in, bands through resizeImage, rows out, so memory stays near one band)
// on the main thread or in a worker, whichever the lane converts on. Everything else is read whole and
// converted (./convert.ts: header checks, decode, orientation, resize, fit, encode with the
// WebAssembly codecs) in a worker thread, or on the main thread when small and the main thread is
// free (in a folder run it is one more lane, one file at a time: fewer workers busy, less memory);
// then written through a temporary file.

import { readFile } from 'node:fs/promises';
import type { ImageBackend } from '../image-band.js';
import type { CliOptions } from './args.js';
import { DEFAULT_QUALITY, ImageFileError, inspectImage, readInputStart, uprightSize, type ImageFormat } from './codecs.js';
import type { ConvertRequest } from './convert.js';
import type { ConvertWorkers } from './convert-workers.js';
import { planFit } from './fit.js';
import type { Job } from './jobs.js';
import type { PngStreamRequest } from './png-stream.js';
import { writeAtomically, writeThrough } from './write.js';

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
  // PNG to PNG or to our own JPEG streams (the file read as it goes); other files are read whole here.
  const streams = (format: ImageFormat | undefined) => format === 'png' && (job.format === 'png' || (job.format === 'jpeg' && options.jpegEncoder === 'fast'));
  const input = readInputStart(job.input, (format) => !streams(format));
  const format = input.format;
  if (!format) throw new ImageFileError(`${job.input}: not a PNG, JPEG, WebP or AVIF image (unrecognised file signature)`);
  if (streams(format)) {
    const streamed = await streamPng(job, options, runner, temporaries, mainLane);
    if (streamed) return streamed;
  }
  const bytes = input.bytes ?? await readFile(job.input);
  const request: ConvertRequest = {
    bytes, format, name: job.input, output: job.format, target: options.target, fit: options.fit,
    background: options.background, resize: options.resize, premultiply: options.premultiply,
    quality: options.quality ?? DEFAULT_QUALITY[job.format], maxPixels: options.maxPixels,
    jpegEncoder: options.jpegEncoder, webpEncoder: options.webpEncoder, jpegDecoding: options.jpegDecoding, stripThreads: runner.single ? runner.stripThreads : 0,
  };
  let done: FileDone & { bytes: Uint8Array };
  if (mainLane && runner.mainBusy === 0 && isSmall(request, format, runner.mainPixels)) {
    runner.mainBusy++;
    try {
      const { convertImage, stripsHere } = await import('./convert.js'); // the codecs, loaded here only for this
      // A WebP or AVIF encoder compiles in the background while this thread decodes and resizes.
      if (job.format === 'webp' || job.format === 'avif') (await import('./wasm-codecs.js')).preloadWasm({ decode: [], encode: [job.format], webpEncoder: options.webpEncoder });
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

/**
 * The streamed path (./png-stream.ts; a JPEG's strips encoded by the converting thread), or
 * undefined where it does not apply (interlaced, cropped or padded, not bit-identical in bands):
 * on the main thread for the main lane (one file at a time there) and a single file, else in the
 * lane's worker, which reads and writes the files itself.
 */
async function streamPng(job: Job, options: CliOptions, runner: Runner, temporaries: Set<string>, mainLane: boolean): Promise<FileDone | undefined> {
  const here = runner.single || (mainLane && runner.mainBusy === 0);
  if (here) runner.mainBusy++; // claimed before the first await, so another lane sees the main thread busy
  try {
    return await writeThrough(job.output, temporaries, true, async (temporary) => {
      const output = job.format === 'jpeg' ? 'jpeg' : 'png';
      const request: PngStreamRequest = { input: job.input, temporary, target: options.target, fit: options.fit, resize: options.resize,
        premultiply: options.premultiply, maxPixels: options.maxPixels, output, quality: options.quality ?? DEFAULT_QUALITY[output] };
      if (!here) return (mainLane ? runner.mainOverflow : runner.workers).streamPng(request);
      const { streamPngFile } = await import('./png-stream.js');
      return streamPngFile(request, runner.mainBackend);
    });
  } finally {
    if (here) runner.mainBusy--;
  }
}
