// The `upsample-wasm` command: resize PNG/JPEG files or folders with resizeImage.
//
// Exit codes: 0 done; 1 a file could not be processed (missing, unreadable, corrupt,
// unsupported, or an output that exists or would overwrite an input); 2 a usage error (unknown
// option, bad option value, missing argument). Every output is written to a temporary file in
// its folder and renamed into place, so an interrupted run leaves no half-written image.

import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, readdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { outputSize, planBands, resizeInBands, type ImageTarget } from './bands.js';
import { PngWriter } from './png-write.js';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { ImageConvention, ImageMode, ResizeImageOptions } from '../image.js';
import { CONVENTION_MODES, init, js, resizeImage } from '../index.js';
import { checkPixels, decodeJpeg, DEFAULT_MAX_PIXELS, encodeJpeg, formatOf, ImageFileError, isOpaque, openPng, readPng, sniffFile, SUPPORTED_EXTENSIONS, type ImageFormat, type RgbaImage } from './codecs.js';
import { Progress, rate, type TextStream } from './progress.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const SIGNALS: Array<[NodeJS.Signals, number]> = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]];
/** Output rows per band when streaming (about 4 MiB of RGBA at 1024 pixels wide). */
const BAND_BYTES = 4 * 2 ** 20;

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

interface CliOptions {
  input: string;
  output: string;
  target: ImageTarget;
  resize: ResizeImageOptions;
  premultiply: boolean;
  quality: number;
  force: boolean;
  quiet: boolean;
  verbose: boolean;
  plainJs: boolean;
  maxPixels: number;
}

class UsageError extends Error {}


export const HELP = `Usage: upsample-wasm <input> -o <output> (--scale <n> | --width <px> | --height <px>) [options]

Resizes PNG and JPEG images with PyTorch's interpolation rules (WebAssembly SIMD).
<input> is an image file or a folder (processed recursively, keeping the layout);
the output format follows the output file's extension (.png, .jpg, .jpeg).

Size (one of):
  --scale <n>          multiply both sides by n (e.g. 2, 1.5, 0.5)
  --width <px>         output width; with --height alone or together, the output size;
  --height <px>        one of them alone keeps the aspect ratio
Options:
  -o, --output <path>  output file, or folder for a folder input (required)
  --convention <c>     pytorch (default) | pillow (Image.resize) | opencv (cv2.resize)
  --mode <m>           pytorch: bilinear (default) | nearest | nearest-exact | bicubic | area
                       pillow: bicubic (default) | nearest | box | bilinear | hamming | lanczos
                       opencv: linear (default) | nearest | nearest-exact | cubic | area | lanczos4
  --antialias          antialiased downscaling (bilinear, bicubic)
  --linear-light       resample in linear light (sRGB decoded, resampled, encoded), any convention
  --align-corners      align corner pixels (bilinear, bicubic)
  --no-premultiply     resample colour without weighting it by alpha
  --quality <1-100>    JPEG quality (default 90)
  --max-pixels <n>     refuse inputs and outputs over n pixels, from the header (default 100000000)
  -f, --force          replace existing output files (never an input)
  --js                 use the plain-JavaScript backend instead of WebAssembly
  -q, --quiet          no progress bar or summary
  --verbose            one line per file, also when not on a terminal
  -h, --help           show this help
  -v, --version        show the version

Exit codes: 0 done, 1 a file failed (missing, corrupt, unsupported, would overwrite), 2 usage error.
Examples:
  upsample-wasm photo.png -o photo@2x.png --scale 2 --mode bicubic
  upsample-wasm in/ -o out/ --width 1024 --mode bilinear --antialias
`;

const VALUE_OPTIONS: Record<string, string> = {
  '-o': 'output', '--output': 'output', '--scale': 'scale', '--width': 'width', '--height': 'height',
  '--mode': 'mode', '--convention': 'convention', '--quality': 'quality', '--max-pixels': 'maxPixels',
};
const FLAG_OPTIONS: Record<string, string> = {
  '-f': 'force', '--force': 'force', '--antialias': 'antialias', '--align-corners': 'alignCorners', '--linear-light': 'linearLight',
  '--no-premultiply': 'noPremultiply', '-q': 'quiet', '--quiet': 'quiet', '--verbose': 'verbose', '--js': 'js',
  '-h': 'help', '--help': 'help', '-v': 'version', '--version': 'version',
};

function parseNumber(text: string, option: string, integer: boolean, min: number, max = Infinity): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max || (min === 0 && value === 0)) {
    const what = integer ? `an integer ${max < Infinity ? `from ${min} to ${max}` : `>= ${min}`}` : 'a number > 0';
    throw new UsageError(`${option} must be ${what}, but got '${text}'`);
  }
  return value;
}

function parseArgs(argv: readonly string[]): CliOptions | 'help' | 'version' {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (!arg.startsWith('-') || arg === '-') { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name in VALUE_OPTIONS) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      values[VALUE_OPTIONS[name]] = value;
    } else if (name in FLAG_OPTIONS && eq < 0) {
      flags.add(FLAG_OPTIONS[name]);
    } else {
      throw new UsageError(`unknown option '${arg}'`);
    }
  }
  if (flags.has('help')) return 'help';
  if (flags.has('version')) return 'version';
  if (positional.length === 0) throw new UsageError('missing the input file or folder');
  if (positional.length > 1) throw new UsageError(`expected one input, but got ${positional.length}: ${positional.join(' ')}`);
  if (values.output === undefined) throw new UsageError('missing -o <output>');

  const target: ImageTarget = {};
  if (values.scale !== undefined) target.scale = parseNumber(values.scale, '--scale', false, 0);
  if (values.width !== undefined) target.width = parseNumber(values.width, '--width', true, 1);
  if (values.height !== undefined) target.height = parseNumber(values.height, '--height', true, 1);
  if (target.scale !== undefined && (target.width !== undefined || target.height !== undefined)) {
    throw new UsageError('give --scale or --width/--height, not both');
  }
  if (Object.keys(target).length === 0) throw new UsageError('give the output size: --scale, --width or --height');
  const convention = (values.convention ?? 'pytorch') as ImageConvention;
  if (!(convention in CONVENTION_MODES)) throw new UsageError(`--convention must be one of ${Object.keys(CONVENTION_MODES).join(', ')}, but got '${convention}'`);
  const modes = CONVENTION_MODES[convention];
  const mode = (values.mode ?? modes[0]) as ImageMode;
  if (!modes.includes(mode)) throw new UsageError(`--mode must be one of ${modes.join(', ')} with --convention ${convention}, but got '${values.mode}'`);
  const smooth = convention === 'pytorch' && (mode === 'bilinear' || mode === 'bicubic');
  if (flags.has('antialias') && !smooth) throw new UsageError(`--antialias needs --mode bilinear or bicubic (convention pytorch), not ${convention} ${mode}`);
  if (flags.has('alignCorners') && !smooth) throw new UsageError(`--align-corners needs --mode bilinear or bicubic (convention pytorch), not ${convention} ${mode}`);
  const resize: ResizeImageOptions = { convention, mode };
  if (flags.has('antialias')) resize.antialias = true;
  if (flags.has('alignCorners')) resize.alignCorners = true;
  if (flags.has('linearLight')) resize.linearLight = true;
  return {
    input: positional[0],
    output: values.output,
    target,
    resize,
    premultiply: !flags.has('noPremultiply'),
    quality: values.quality === undefined ? 90 : parseNumber(values.quality, '--quality', true, 1, 100),
    force: flags.has('force'),
    quiet: flags.has('quiet'),
    verbose: flags.has('verbose'),
    plainJs: flags.has('js'),
    maxPixels: values.maxPixels === undefined ? DEFAULT_MAX_PIXELS : parseNumber(values.maxPixels, '--max-pixels', true, 1),
  };
}

interface Job {
  input: string;
  output: string;
  format: ImageFormat;
}

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
async function planJobs(options: CliOptions, skipped: string[]): Promise<Job[]> {
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

/** Outputs that exist (refused without --force) or are inputs (always refused). */
async function conflicts(jobs: Job[], force: boolean): Promise<string[]> {
  const inputs = new Set(await Promise.all(jobs.map((j) => realpath(j.input))));
  const problems: string[] = [];
  for (const job of jobs) {
    const existing = await statOrUndefined(job.output);
    if (!existing) continue;
    if (inputs.has(await realpath(job.output))) problems.push(`${job.output}: refusing to overwrite an input`);
    else if (existing.isDirectory()) problems.push(`${job.output}: is a folder`);
    else if (!force) problems.push(`${job.output}: already exists (use --force to replace it)`);
  }
  return problems;
}

/** Writes through a temporary file in the same folder, renamed into place. */
async function writeAtomically(path: string, bytes: Uint8Array, temporaries: Set<string>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryFor(path);
  temporaries.add(temporary);
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  } finally {
    temporaries.delete(temporary);
  }
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return `${e.path ?? ''}: permission denied`;
  if (e?.code === 'EISDIR') return `${e.path ?? ''}: is a folder`;
  return e?.message ?? String(error);
}

/** Runs the command on `argv` (without `node` and the script); never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<CliResult> {
  const fail = (code: number, message: string): CliResult => {
    io.stderr.write(`upsample-wasm: ${message}\n`);
    if (code === EXIT_USAGE) io.stderr.write("Try 'upsample-wasm --help'.\n");
    return { code, files: [] };
  };
  let options: CliOptions;
  let jobs: Job[];
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') { io.stdout.write(HELP); return { code: EXIT_OK, files: [] }; }
    if (parsed === 'version') { io.stdout.write(`upsample-wasm ${await version()}\n`); return { code: EXIT_OK, files: [] }; }
    options = parsed;
    const skipped: string[] = [];
    jobs = await planJobs(options, skipped);
    for (const file of skipped) io.stderr.write(`upsample-wasm: skipped ${file}: inside the output folder ${options.output}\n`);
    const problems = await conflicts(jobs, options.force);
    if (problems.length > 0) return fail(EXIT_FAILED, `nothing written:\n  ${problems.join('\n  ')}`);
  } catch (error) {
    return fail(error instanceof UsageError ? EXIT_USAGE : EXIT_FAILED, describe(error));
  }

  const resize = options.plainJs ? js.resizeImage : resizeImage;
  if (!options.plainJs) await init();
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
  try {
    for (const job of jobs) {
      const t0 = performance.now();
      try {
        const done = await processFile(job, options, resize, temporaries);
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
  } finally {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  }
  progress.finish();
  if ((interactive || options.verbose) && !options.quiet) {
    const megapixels = files.reduce((sum, f) => sum + (f.outWidth * f.outHeight) / 1e6, 0);
    const seconds = (performance.now() - started) / 1000;
    io.stdout.write(`${files.length} file${files.length === 1 ? '' : 's'} written, ${megapixels.toFixed(1)} MP in ${seconds.toFixed(2)} s ` +
      `(${rate(megapixels, seconds)})${failures ? `, ${failures} failed` : ''}\n`);
  }
  return { code: failures ? EXIT_FAILED : EXIT_OK, files };
}

type Resize = typeof resizeImage;

/** Temporary file beside `path`. */
function temporaryFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * One file: PNG input streams row by row and, where planBands allows (bit-identical), resizes in
 * bands; otherwise the image is decoded whole (after the header check) and resized in one call.
 * PNG output streams rows to a temporary file; JPEG output is encoded whole.
 */
async function processFile(job: Job, options: CliOptions, resize: Resize, temporaries: Set<string>):
  Promise<{ width: number; height: number; outWidth: number; outHeight: number; resizeMs: number }> {
  const format = await sniffFile(job.input);
  if (!format) throw new ImageFileError(`${job.input}: not a PNG or JPEG image (unrecognised file signature)`);
  const base = { convention: options.resize.convention, linearLight: options.resize.linearLight, mode: options.resize.mode ?? 'bilinear', alignCorners: !!options.resize.alignCorners, antialias: !!options.resize.antialias };
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
      const opts = { ...options.resize, premultiplyAlpha };  // banded: convention pytorch only
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
  // Pillow and OpenCV have their own alpha rules (resizeImage refuses premultiplyAlpha with them).
  const alphaOption = options.resize.convention === 'pytorch' ? { premultiplyAlpha } : {};
  const result = resize({ ...whole, channels: 4 }, options.target, { ...options.resize, ...alphaOption });
  const resizeMs = performance.now() - t1;
  const bytes = new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength);
  if (job.format === 'png') {
    await writeStreamed(job.output, result.width, result.height, temporaries, (writer) => writer.writeRows(bytes));
  } else {
    await writeAtomically(job.output, encodeJpeg({ data: bytes, width: result.width, height: result.height }, options.quality), temporaries);
  }
  return { width: whole.width, height: whole.height, outWidth: result.width, outHeight: result.height, resizeMs };
}

/** Streams a PNG into a temporary file beside `path` and renames it into place; removes it on any failure. */
async function writeStreamed(path: string, width: number, height: number, temporaries: Set<string>,
                             fill: (writer: PngWriter) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryFor(path);
  temporaries.add(temporary);
  const writer = new PngWriter(temporary, width, height);
  try {
    await fill(writer);
    await writer.finish();
    await rename(temporary, path);
  } catch (error) {
    await writer.abort();
    await unlink(temporary).catch(() => {});
    throw error;
  } finally {
    temporaries.delete(temporary);
  }
}

async function version(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

