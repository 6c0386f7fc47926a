// The `upsample-wasm` command: resize PNG, JPEG, WebP and AVIF files or folders with resizeImage.
//
// Exit codes: 0 done; 1 a file could not be processed (missing, unreadable, corrupt,
// unsupported, or an output that exists or would overwrite an input); 2 a usage error (unknown
// option, bad option value, missing argument). Every output is written to a temporary file in
// its folder and renamed into place, so an interrupted run leaves no half-written image.
//
// Here: the run (plan, refuse conflicts, each file, progress, signals); arguments in ./args.ts,
// the file list in ./jobs.ts, one file in ./process-file.ts, atomic writes in ./write.ts.

import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { HELP, parseArgs, UsageError, type CliOptions } from './args.js';
import { ImageFileError } from './codecs.js';
import { ConvertWorkers } from './convert-workers.js';
import { codecNeeds, conflicts, costliestFirst, JobQueue, planJobs, statInputs, type Job } from './jobs.js';
import type { ImageBackend } from '../image-band.js';
import { FOLDER_MAIN_THREAD_PIXELS, MAIN_THREAD_PIXELS, processFile, type Runner } from './process-file.js';
import { Progress, rate, type TextStream } from './progress.js';
import { detachEarly } from './transfer.js';

export { HELP };

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const SIGNALS: Array<[NodeJS.Signals, number]> = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]];

export interface CliIo {
  stdout: TextStream;
  stderr: TextStream;
}

/** What happened to one file (returned for callers such as the `npm start` demo). */
export interface FileReport {
  input: string;
  output: string;
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  /** Time in resizeImage alone, and for the whole file (read, decode, resize, encode, write). */
  resizeMs: number;
  totalMs: number;
}

export interface CliResult {
  code: number;
  files: FileReport[];
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return `${e.path ?? ''}: permission denied`;
  if (e?.code === 'EISDIR') return `${e.path ?? ''}: is a folder`;
  return e?.message ?? String(error);
}

/** Runs the command on `argv` (without `node` and the script); never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<CliResult> {
  detachEarly(); // before the table builders and readers are compiled (./transfer.ts)
  const fail = (code: number, message: string): CliResult => {
    io.stderr.write(`upsample-wasm: ${message}\n`);
    if (code === EXIT_USAGE) io.stderr.write("Try 'upsample-wasm --help'.\n");
    return { code, files: [] };
  };
  let options: CliOptions;
  let jobs: Job[];
  let inputStats: ReturnType<typeof statInputs>;
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') { io.stdout.write(HELP); return { code: EXIT_OK, files: [] }; }
    if (parsed === 'version') { io.stdout.write(`upsample-wasm ${await version()}\n`); return { code: EXIT_OK, files: [] }; }
    options = parsed;
    const skipped: string[] = [];
    jobs = await planJobs(options, skipped);
    for (const file of skipped) io.stderr.write(`upsample-wasm: skipped ${file}: inside the output folder ${options.output}\n`);
    inputStats = statInputs(jobs); // for conflicts and the run's order
    const problems = await conflicts(jobs, options.force, inputStats);
    if (problems.length > 0) return fail(EXIT_FAILED, `nothing written:\n  ${problems.join('\n  ')}`);
  } catch (error) {
    return fail(error instanceof UsageError ? EXIT_USAGE : EXIT_FAILED, describe(error));
  }

  const mainBackend = mainThreadBackend(options.plainJs);
  const interactive = !!io.stderr.isTTY && !options.quiet;
  const progress = new Progress(io.stderr, jobs.length, interactive);
  const temporaries = new Set<string>();
  const handlers = SIGNALS.map(([signal, code]) => [signal, () => {
    // Synchronous on purpose: the process exits right after, with 128 + the signal's number.
    for (const t of temporaries) rmSync(t, { force: true });
    process.exit(code);
  }] as const);
  for (const [signal, handler] of handlers) process.once(signal, handler);
  const files: FileReport[] = [];
  let failures = 0;
  const started = performance.now();
  // A folder run converts on the main thread too (one file at a time there), so it starts one
  // worker fewer than --threads (each costs about 0.1 s and 15-20 MiB to start); a single file
  // converts on the main thread or in one worker.
  const folder = jobs.length > 1;
  const workerCount = folder ? Math.max(1, options.threads - 1) : 1;
  // Lanes: the main thread's (lane 0), and two for each worker, so that a worker holds the next
  // file's request while it converts one (it never waits for the main thread to hand it the next).
  // A lane keeps to its side: were any lane to take the main thread whenever it is free, the main
  // thread, free just when its own conversion ends, would take every file and the workers starve.
  const lanes = Math.min(jobs.length, folder && options.threads > 1 ? 1 + 2 * workerCount : options.threads);
  // A single file's JPEG strips are encoded on helper threads while the converting thread resizes:
  // our encoder keeps up with the resize on one fewer thread than --threads (the converter is busy
  // too, and each helper costs memory); MozJPEG, several times slower, takes them all.
  // The workers load the WebP and AVIF codecs the files need as they start (the worker lanes take those files first).
  const workers = new ConvertWorkers(workerCount, options.plainJs, { ...codecNeeds(jobs), webpEncoder: options.webpEncoder });
  const runner: Runner = {
    mainBackend, workers, single: lanes === 1,
    // The main lane's files too large for the main thread: a worker of their own (started only for
    // such a file), not queued behind the worker lanes' files while the main thread idles.
    mainOverflow: lanes > 1 ? new ConvertWorkers(1, options.plainJs) : workers,
    mainPixels: folder ? FOLDER_MAIN_THREAD_PIXELS : MAIN_THREAD_PIXELS,
    stripThreads: options.jpegEncoder === 'fast' ? options.threads - 1 : options.threads, mainBusy: 0,
  };
  // The first worker starts now, while the main thread reads and converts its first file.
  if (folder && options.threads > 1) runner.workers.start();
  // The costliest files first, so that the run does not end on a large one; reported in job order.
  // WebP and AVIF files go to the worker lanes where they can (only the workers load those codecs),
  // PNG to PNG files to the main lane first (streamed there, or in a worker when a worker lane takes one: the same bytes).
  const queue = new JobQueue(jobs, folder ? await costliestFirst(jobs, inputStats) : [0]);
  // `lanes` files in flight: while one file's codec works in a worker, the next is read or written.
  const lane = async (_: unknown, index: number) => {
    const codecs = index > 0;
    for (let job = queue.take(codecs); job; job = queue.take(codecs)) {
      const t0 = performance.now();
      try {
        const done = await processFile(job, options, runner, temporaries, index === 0);
        const image = { width: done.width, height: done.height };
        const result = { width: done.outWidth, height: done.outHeight };
        const resizeMs = done.resizeMs;
        const report = { input: job.input, output: job.output, width: image.width, height: image.height,
          outWidth: result.width, outHeight: result.height, resizeMs, totalMs: performance.now() - t0 };
        files.push(report);
        const megapixels = (result.width * result.height) / 1e6;
        if (options.verbose) {
          progress.finish();
          io.stdout.write(`${job.input} ${image.width}x${image.height} -> ${job.output} ${result.width}x${result.height} ` +
            `resize ${resizeMs.toFixed(1)} ms (${rate(megapixels, resizeMs / 1000)}), total ${report.totalMs.toFixed(1)} ms\n`);
        }
        progress.tick(basename(job.input), megapixels, report.totalMs);
      } catch (error) {
        failures++;
        progress.finish();
        io.stderr.write(`upsample-wasm: ${error instanceof ImageFileError ? error.message : `${job.input}: ${describe(error)}`}\n`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    await Promise.all([runner.workers.close(), runner.mainOverflow.close()]);
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  }
  progress.finish();
  const rank = new Map(jobs.map((job, i) => [job.input, i]));
  files.sort((a, b) => rank.get(a.input)! - rank.get(b.input)!); // in the order of the jobs, whichever finished first
  if ((interactive || options.verbose) && !options.quiet) {
    const megapixels = files.reduce((sum, f) => sum + (f.outWidth * f.outHeight) / 1e6, 0);
    const seconds = (performance.now() - started) / 1000;
    io.stdout.write(`${files.length} file${files.length === 1 ? '' : 's'} written, ${megapixels.toFixed(1)} MP in ${seconds.toFixed(2)} s ` +
      `(${rate(megapixels, seconds)})${failures ? `, ${failures} failed` : ''}\n`);
  }
  return { code: failures ? EXIT_FAILED : EXIT_OK, files };
}

/**
 * The main thread's resizeImage backend (a streamed PNG, or a small single file): 'wasm' once
 * init() has loaded the module, the first time it is needed (a run whose images all go to worker
 * threads never loads it here); 'js' with --js.
 */
function mainThreadBackend(plainJs: boolean): () => Promise<ImageBackend> {
  let loaded: Promise<ImageBackend> | undefined;
  const load = async (): Promise<ImageBackend> => {
    if (plainJs) return 'js';
    await (await import('./library.js')).initLibrary();
    return 'wasm';
  };
  return () => (loaded ??= load());
}

async function version(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
