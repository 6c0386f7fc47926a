// The files a run writes: an input file or folder (recursively, keeping the layout) mapped to
// outputs, and the outputs refused before anything is written (existing without --force, or an input).

import type { Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { UsageError, type CliOptions } from './args.js';
import { formatOf, ImageFileError, SUPPORTED_EXTENSIONS, type ImageFormat } from './codecs.js';
import type { CodecNeeds } from './wasm-codecs.js';

export interface Job {
  input: string;
  output: string;
  format: ImageFormat;
}

/**
 * Rough cost of converting a byte of each input format, relative to JPEG (measured on the bench's
 * photos: PNG inflates fast per byte but its files are large; WebP's and AVIF's codecs are slow
 * per byte of their small files). Only the order of a folder run depends on it, never an output.
 */
const COST_PER_BYTE: Record<ImageFormat, number> = { jpeg: 1, png: 0.25, webp: 4, avif: 8 };

/**
 * The order to start `jobs` in: the costliest first (longest-processing-time order, from each
 * input's size and format), so that a folder run does not end on one large file with the other
 * threads idle; ties in job order. Indices into `jobs`.
 */
export async function costliestFirst(jobs: readonly Job[], inputs: Promise<ReadonlyArray<Stats | undefined>> = statInputs(jobs)): Promise<number[]> {
  const stats = await inputs;
  const costs = jobs.map((job, i) => (stats[i]?.size ?? 0) * COST_PER_BYTE[formatOf(job.input) ?? 'jpeg']);
  return jobs.map((_, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
}

/**
 * Formats that may need the @jsquash WebAssembly codecs (AVIF; WebP that is lossless or has alpha,
 * known only once read): a thread's first use costs about 0.2 s of CPU (the codec compiled and
 * optimised as it runs) and tens of MiB of codec memory, so a folder run keeps them to its worker
 * lanes where it can (takeJob).
 */
const CODEC_FORMATS: ReadonlySet<ImageFormat> = new Set(['webp', 'avif']);

/** Whether the job reads or writes a format of CODEC_FORMATS (by extension). */
export const usesCodec = (job: Job): boolean => CODEC_FORMATS.has(job.format) || CODEC_FORMATS.has(formatOf(job.input) ?? 'png');

/** The codecs of CODEC_FORMATS that `jobs` use (decoders for the inputs, encoders for the outputs), for the workers to load as they start. */
export function codecNeeds(jobs: readonly Job[]): CodecNeeds {
  const decode = new Set<'webp' | 'avif'>();
  const encode = new Set<'webp' | 'avif'>();
  for (const job of jobs) {
    const input = formatOf(job.input);
    if (input === 'webp' || input === 'avif') decode.add(input);
    if (job.format === 'webp' || job.format === 'avif') encode.add(job.format);
  }
  return { decode: [...decode], encode: [...encode] };
}

/**
 * The jobs not started yet, in `order` (indices into `jobs`, costliest first), by kind: those that
 * use a codec of CODEC_FORMATS, PNG to PNG files (streamed, memory near one band, on whichever
 * thread takes them: the main thread streams them with no codec to load while the workers start
 * theirs), and the others.
 * take(codecs) gives a worker lane (`codecs`) the first of the codec jobs, else the others, else
 * PNG to PNG; the main lane the other way round.
 */
export class JobQueue {
  /** Jobs by kind (0: with those codecs, 1: others, 2: PNG to PNG), each in order, and how many of each were taken. */
  private readonly kinds: [Job[], Job[], Job[]] = [[], [], []];
  private readonly taken = [0, 0, 0];

  constructor(jobs: readonly Job[], order: readonly number[]) {
    for (const i of order) {
      const job = jobs[i];
      this.kinds[usesCodec(job) ? 0 : job.format === 'png' && formatOf(job.input) === 'png' ? 2 : 1].push(job);
    }
  }

  take(codecs: boolean): Job | undefined {
    for (const kind of codecs ? [0, 1, 2] : [2, 1, 0]) {
      if (this.taken[kind] < this.kinds[kind].length) return this.kinds[kind][this.taken[kind]++];
    }
    return undefined;
  }
}

/** Each job's input (undefined where it is gone), stated once for conflicts and costliestFirst, all at once. */
export const statInputs = (jobs: readonly Job[]): Promise<Array<Stats | undefined>> => Promise.all(jobs.map((job) => statOrUndefined(job.input)));

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Image files under `dir`, recursively, skipping `skip` (an output folder inside the input). */
async function imagesUnder(dir: string, skip: string, skipped: string[] = []): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (resolve(path) !== skip) found.push(...await imagesUnder(path, skip, skipped));
      else skipped.push(...await imagesUnder(path, '', []));
    } else if (entry.isFile() && formatOf(entry.name)) {
      found.push(path);
    }
  }
  return found;
}

/** The files to write; throws ImageFileError / UsageError before anything is written. */
export async function planJobs(options: CliOptions, skipped: string[]): Promise<Job[]> {
  const { input, output } = options;
  const inputStat = await statOrUndefined(input);
  if (!inputStat) throw new ImageFileError(`${input}: no such file or directory`);
  const outputStat = await statOrUndefined(output);
  if (inputStat.isDirectory()) {
    if (outputStat && !outputStat.isDirectory()) throw new UsageError(`the input ${input} is a folder, so -o must be a folder, but ${output} is a file`);
    const files = await imagesUnder(input, resolve(output), skipped);
    if (files.length === 0) throw new ImageFileError(`${input}: no ${SUPPORTED_EXTENSIONS.join(' / ')} files in this folder`);
    return files.map((file) => ({ input: file, output: join(output, relative(input, file)), format: formatOf(file)! }));
  }
  if (!formatOf(input)) throw new ImageFileError(`${input}: unsupported format '${extname(input)}' (expected ${SUPPORTED_EXTENSIONS.join(', ')})`);
  const target = outputStat?.isDirectory() ? join(output, basename(input)) : output;
  const format = formatOf(target);
  if (!format) throw new UsageError(`-o ${target}: unsupported output format '${extname(target)}' (expected ${SUPPORTED_EXTENSIONS.join(', ')})`);
  return [{ input, output: target, format }];
}

/**
 * Outputs that exist (refused without --force) or are inputs (always refused). Files are stated
 * all at once, and paths resolved (realpath) only for an output that is the same file (device and
 * inode, links followed) as an input: the same answers as resolving every path, for far fewer calls.
 */
export async function conflicts(jobs: Job[], force: boolean, inputs: Promise<ReadonlyArray<Stats | undefined>> = statInputs(jobs)): Promise<string[]> {
  const [inputStats, outputStats] = await Promise.all([inputs, Promise.all(jobs.map((job) => statOrUndefined(job.output)))]);
  const fileId = (s: Stats) => `${s.dev} ${s.ino}`;
  const inputIds = new Set(inputStats.map((s, i) => (s ? fileId(s) : `missing ${i}`)));
  let inputPaths: Promise<Set<string>> | undefined;
  const problems: string[] = [];
  for (const [i, job] of jobs.entries()) {
    const existing = outputStats[i];
    if (!existing) continue;
    if (inputIds.has(fileId(existing)) && (await (inputPaths ??= realpaths(jobs))).has(await realpath(job.output))) {
      problems.push(`${job.output}: refusing to overwrite an input`);
    } else if (existing.isDirectory()) {
      problems.push(`${job.output}: is a folder`);
    } else if (!force) {
      problems.push(`${job.output}: already exists (use --force to replace it)`);
    }
  }
  return problems;
}

const realpaths = async (jobs: readonly Job[]): Promise<Set<string>> => new Set(await Promise.all(jobs.map((j) => realpath(j.input))));
