// Band-wise resizing in the command (src/cli/bands.ts) with Pillow's and OpenCV's conventions and
// in linear light: bands cut from the whole image's plan (src/image-band.ts). A PNG read row by
// row (the command's streaming reader) through several bands, each holding only the input rows
// its taps read, gives the whole-image resizeImage bytes exactly, on the SIMD build, the scalar
// build and plain JS. And the command itself (dist/, built by `npm run build`) on a PNG large
// enough to stream: the same pixels as one resizeImage call, in far less memory than the whole
// image's path takes (its peak RSS with the old code: 300+ MiB, streamed: about 120 MiB); and its
// JPEG output, which resizes in bands into strips, with these conventions too.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputSize, planBands, resizeInBands, type BandGeometry, type ImageTarget } from '../src/cli/bands.js';
import { openPng } from '../src/cli/codecs.js';
import { encodeJpeg } from '../src/cli/jpeg-encoder.js';
import { runCli } from '../src/cli/run.js';
import sharp from 'sharp';
import { cutImageBand, planImageOfSize, resizeImageBand } from '../src/image-band.js';
import { backendInfo, init, js, resizeImage, type ImageConvention, type ImageMode, type ResizeImageOptions } from '../src/index.js';

const WIDTH = 173;
const HEIGHT = 301;
const BAND_ROWS = 24;
let dir: string;
let file: string;
let pixels: Uint8Array;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-bands-exact-'));
  // Smooth plus noise, alpha varying (Pillow premultiplies RGBA): every tap's weight shows.
  pixels = Uint8Array.from({ length: WIDTH * HEIGHT * 4 }, (_, i) => {
    const p = i >> 2;
    const x = p % WIDTH;
    const y = Math.floor(p / WIDTH);
    return (i & 3) === 3 ? 128 + ((x * 7 + y * 3) % 128) : ((x * 3 + y * 5 + (i & 3) * 40) & 255) ^ ((i * 2654435761) >>> 29);
  });
  const png = new PNG({ width: WIDTH, height: HEIGHT });
  png.data = Buffer.from(pixels);
  file = join(dir, 'in.png');
  writeFileSync(file, PNG.sync.write(png));
  await init();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Case = [ImageConvention, ImageMode, ImageTarget, { linearLight?: boolean; antialias?: boolean }];
const CASES: Case[] = [
  ['pillow', 'lanczos', { scale: 0.35 }, {}],
  ['pillow', 'lanczos', { width: 390 }, {}],
  ['pillow', 'bicubic', { scale: 1.9 }, {}],
  ['pillow', 'bicubic', { height: 140 }, {}],
  ['opencv', 'linear', { scale: 1.7 }, {}],
  ['opencv', 'linear', { scale: 0.45 }, {}],
  ['opencv', 'area', { scale: 0.5 }, {}],
  ['opencv', 'area', { scale: 0.3 }, {}],
  ['opencv', 'area', { scale: 1.6 }, {}],
  ['opencv', 'cubic', { scale: 2.3 }, {}],
  ['opencv', 'cubic', { width: 101, height: 190 }, {}],
  ['pytorch', 'bilinear', { scale: 2 }, { linearLight: true }],
  ['pytorch', 'bicubic', { scale: 0.4 }, { linearLight: true, antialias: true }],
  ['pillow', 'lanczos', { scale: 0.5 }, { linearLight: true }],
  ['opencv', 'cubic', { scale: 1.3 }, { linearLight: true }],
];

const label = ([convention, mode, target, flags]: Case) => `${convention} ${mode} ${JSON.stringify(target)}${flags.linearLight ? ' linear light' : ''}${flags.antialias ? ' antialias' : ''}`;

/** The command's band path on the PNG file, read row by row: the stitched rows, the bands and the most input rows a band held. */
async function banded(c: Case, resize: typeof resizeImage) {
  const [convention, mode, target, flags] = c;
  const { outWidth, outHeight } = outputSize(WIDTH, HEIGHT, target, convention);
  const g: BandGeometry = { width: WIDTH, height: HEIGHT, outWidth, outHeight, target, convention, mode,
    linearLight: flags.linearLight, alignCorners: false, antialias: !!flags.antialias };
  const plan = planBands(g, BAND_ROWS);
  if (!('bands' in plan)) throw new Error(`not banded: ${plan.reason}`);
  const options: ResizeImageOptions = { convention, mode, linearLight: flags.linearLight, antialias: flags.antialias,
    ...(convention === 'pytorch' ? { premultiplyAlpha: true } : {}) };
  const reader = await openPng(file, 1e8);
  const parts: Uint8Array[] = [];
  try {
    await resizeInBands(reader.rows(), g, plan.bands, resize === js.resizeImage ? 'js' : 'wasm', options, async (rows) => { parts.push(rows.slice()); });
  } finally {
    await reader.close();
  }
  return { data: Buffer.concat(parts), bands: plan.bands, options, outWidth, outHeight };
}

const bits = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe.each([['WebAssembly', resizeImage], ['plain JS', js.resizeImage]] as const)('bands cut from the whole plan (%s)', (_, resize) => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s: the streamed PNG in bands equals the whole-image call byte for byte', async (_name, c) => {
    const { data, bands, options, outWidth, outHeight } = await banded(c, resize);
    const whole = resize({ data: pixels, width: WIDTH, height: HEIGHT, channels: 4 }, c[2], options);
    expect([whole.width, whole.height]).toEqual([outWidth, outHeight]);
    expect(data.equals(bits(whole.data))).toBe(true);
    // Banded: several bands of at most BAND_ROWS output rows, each input window within the band's
    // bytes (or the window of a single output row), well inside the image.
    expect(bands.length).toBeGreaterThanOrEqual(Math.max(3, Math.ceil(outHeight / BAND_ROWS)));
    expect(bands.every((b) => b.cut && b.outRows <= BAND_ROWS)).toBe(true);
    expect(bands.every((b) => b.outRows === 1 || b.inRows * WIDTH * 4 <= BAND_ROWS * outWidth * 4)).toBe(true);
    expect(Math.max(...bands.map((b) => b.inRows))).toBeLessThan(HEIGHT / 2);
  });
});

describe('bands cut from the whole plan on the scalar build', () => {
  afterAll(async () => { await init(); });
  it('gives the SIMD build\'s bytes for every case', async () => {
    const simd = await Promise.all(CASES.map((c) => banded(c, resizeImage)));
    await init({ simd: false });
    expect(backendInfo()?.build).toBe('scalar');
    for (let i = 0; i < CASES.length; i++) {
      const c = CASES[i];
      const { data, options } = await banded(c, resizeImage);
      const whole = resizeImage({ data: pixels, width: WIDTH, height: HEIGHT, channels: 4 }, c[2], options);
      expect(data.equals(bits(whole.data)), label(c)).toBe(true);
      if (!c[3].linearLight) expect(data.equals(simd[i].data), label(c)).toBe(true);
    }
  });
});

describe('resizeImageBand', () => {
  it('refuses a window of the wrong size and rows outside the image, naming them', () => {
    const plan = planImageOfSize({ width: WIDTH, height: HEIGHT }, { scale: 0.5 }, { convention: 'pillow', mode: 'lanczos' });
    const band = cutImageBand(plan, [10, 20]);
    expect(() => resizeImageBand.js(band, new Uint8Array(3))).toThrow(/window has 3 bytes but input rows \d+-\d+ need \d+/);
    expect(() => cutImageBand(plan, [20, 10])).toThrow(RangeError);
    expect(() => cutImageBand(plan, [0, plan.outHeight + 1])).toThrow(/rows must be/);
    expect(() => planImageOfSize({ width: 0, height: 5 }, { scale: 2 })).toThrow(/image.width must be an integer >= 1/);
  });
});

/**
 * Runs the built command in a child process: its exit code and peak resident memory, from
 * /proc's VmHWM where there is one (getrusage's maxRSS keeps the forking parent's peak across exec).
 */
async function command(args: string[]): Promise<{ code: number; maxRssMiB: number; stderr: string }> {
  const script = join(dir, 'run-cli.mjs');
  writeFileSync(script, `const { runCli } = await import(${JSON.stringify(pathToFileURL(join(process.cwd(), 'dist/cli/run.js')).href)});
const r = await runCli(process.argv.slice(2));
const { readFileSync } = await import('node:fs');
let kib = process.resourceUsage().maxRSS;
try { kib = Number(/VmHWM:\\s*(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]); } catch {}
console.log(JSON.stringify({ code: r.code, maxRssMiB: kib / 1024 }));`);
  const child = spawn(process.execPath, [script, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  await new Promise((resolve) => child.on('close', resolve));
  const last = stdout.trim().split('\n').at(-1) ?? '{}';
  return { ...JSON.parse(last.startsWith('{') ? last : '{"code":-1,"maxRssMiB":0}'), stderr };
}

describe('the command streams a Pillow run', () => {
  // One case (the output's encoding takes seconds): the cases above cover the conventions and linear light.
  it.each([
    ['pillow', 'lanczos', false],
  ] as const)('%s %s (linear light %s): 2000 x 2000 PNG to 4000 x 4000, the whole call\'s pixels, peak memory of bands', async (convention, mode, linearLight) => {
    const side = 2000;
    const big = join(dir, `big-${convention}.png`);
    const png = new PNG({ width: side, height: side });
    for (let i = 0; i < side * side * 4; i++) {
      const x = (i >> 2) % side;
      const y = Math.floor((i >> 2) / side);
      // Smooth (the streaming writer's filters make noise slow to encode), alpha varying.
      png.data[i] = (i & 3) === 3 ? 255 - ((x ^ y) & 63) : (i & 3) === 0 ? x & 255 : (i & 3) === 1 ? y & 255 : (x + y) & 255;
    }
    writeFileSync(big, PNG.sync.write(png, { deflateLevel: 1 }));
    const out = join(dir, `out-${convention}.png`);
    const run = await command([big, '-o', out, '--scale', '2', '--convention', convention, '--mode', mode, ...(linearLight ? ['--linear-light'] : []), '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const whole = resizeImage({ data: png.data, width: side, height: side, channels: 4 }, { scale: 2 }, { convention, mode, linearLight });
    const written = PNG.sync.read(readFileSync(out));
    expect([written.width, written.height]).toEqual([2 * side, 2 * side]);
    expect(written.data.equals(bits(whole.data))).toBe(true);
    // The whole image's path holds the 64 MB result several times over (300+ MiB); bands of 4 MiB, about 120 MiB.
    expect(run.maxRssMiB).toBeGreaterThan(0);
    expect(run.maxRssMiB).toBeLessThan(200);
  }, 60_000);
});

// The conversion runs in worker threads, which load dist/ (npm run build), as the command does.
describe('the command\'s JPEG output resizes in bands into strips with Pillow, OpenCV and linear light', () => {
  const decode = async (bytes: Uint8Array) => sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  it.each([
    ['pillow', 'bicubic', false],
    ['opencv', 'area', true],
  ] as const)('%s %s (linear light %s): strips (restart markers), decoding as the whole image encoded once', async (convention, mode, linearLight) => {
    const out = join(dir, `out-${convention}.jpg`);
    const run = await runCli([file, '-o', out, '--scale', '3.1', '--convention', convention, '--mode', mode,
      ...(linearLight ? ['--linear-light'] : []), '--quiet', '--threads', '2', '--force'], { stdout: { write: () => true }, stderr: { write: () => true } });
    expect(run.code).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes.includes(Buffer.from([0xff, 0xdd]))).toBe(true); // a restart interval: the strip path ran
    const resized = resizeImage({ data: pixels, width: WIDTH, height: HEIGHT, channels: 4 }, { scale: 3.1 }, { convention, mode, linearLight });
    const { width, height } = resized;
    expect(height).toBeGreaterThan(512); // several strips
    const whole = await decode(await encodeJpeg({ data: new Uint8Array(resized.data.buffer), width, height }, { quality: 90 }));
    const ours = await decode(bytes);
    expect([ours.info.width, ours.info.height]).toEqual([width, height]);
    let diff = 0;
    for (let i = 0; i < ours.data.length; i++) diff += Math.abs(ours.data[i] - whole.data[i]);
    // The command's encoder codes each block as its whole-image encode does.
    expect(diff / ours.data.length).toBe(0);
  }, 20_000);
});
