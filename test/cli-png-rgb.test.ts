// An opaque 8-bit PNG (RGB or gray, no tRNS) streamed to PNG as 3-channel rows (issue 20): the
// reader's RGB rows are its RGBA rows without their alpha of 255; resizing them in bands with
// channels 3 gives the RGBA bands' colour bytes exactly, for every mode and convention the
// command streams with 3 channels (PyTorch's, OpenCV's, linear light), on the SIMD build, the
// scalar build and plain JS; the writer's file from RGB rows is byte for byte its file from the
// RGBA rows; and the command's output file is the same bytes whichever way it went.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputSize, planBands, resizeInBands, type BandGeometry, type ImageTarget } from '../src/cli/bands.js';
import { PngReader } from '../src/cli/png.js';
import { encodePng, pngChunk, PngWriter } from '../src/cli/png-write.js';
import { runCli } from '../src/cli/run.js';
import type { ImageBackend } from '../src/image-band.js';
import { backendInfo, init, type ImageConvention, type ImageMode } from '../src/index.js';

let dir: string;
beforeAll(async () => { dir = mkdtempSync(join(tmpdir(), 'cli-png-rgb-')); await init(); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 8) / 2 ** 24;
}

/**
 * A non-interlaced PNG of `samples` (channels a pixel by colour type), each row with a filter byte
 * from `seed` (its bytes then read as filtered), or without a seed unfiltered (the samples its pixels).
 */
function pngOf(width: number, height: number, colorType: number, depth: number, samples: Uint8Array, seed?: number, trns?: Uint8Array): Buffer {
  const rand = seed === undefined ? () => 0 : lcg(seed);
  const stride = samples.length / height;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = Math.floor(rand() * 5);
    raw.set(samples.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([depth, colorType, 0, 0, 0], 8);
  const chunks = [Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk('IHDR', ihdr)];
  if (trns) chunks.push(pngChunk('tRNS', trns));
  chunks.push(pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', new Uint8Array(0)));
  return Buffer.concat(chunks);
}

/** Smooth plus noise (every tap's weight shows), `channels` a pixel. */
function picture(width: number, height: number, channels: number): Uint8Array {
  return Uint8Array.from({ length: width * height * channels }, (_, i) => {
    const p = Math.floor(i / channels);
    const x = p % width;
    const y = Math.floor(p / width);
    return ((x * 3 + y * 5 + (i % channels) * 40) & 255) ^ ((i * 2654435761) >>> 29);
  });
}

/** RGBA rows without their alpha. */
function dropAlpha(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) { out[o] = rgba[i]; out[o + 1] = rgba[i + 1]; out[o + 2] = rgba[i + 2]; }
  return out;
}

async function readRows(bytes: Uint8Array, options: { reuse?: boolean; channels?: 3 | 4 }): Promise<Buffer> {
  const reader = await PngReader.open(bytes, () => {});
  const rows: Uint8Array[] = [];
  try {
    for await (const row of reader.rows(options)) rows.push(options.reuse ? row.slice() : row);
  } finally {
    await reader.close();
  }
  return Buffer.concat(rows);
}

describe('PngReader RGB rows', () => {
  it.each([[2, 1, 1], [2, 5, 3], [2, 37, 11], [0, 1, 2], [0, 29, 7]])('colour type %i, %ix%i: the RGBA rows without alpha, fresh or reused', async (colorType, width, height) => {
    const bytes = pngOf(width, height, colorType, 8, picture(width, height, colorType === 2 ? 3 : 1), width);
    const reader = await PngReader.open(bytes, () => {});
    expect(reader.opaqueRgb8).toBe(true);
    await reader.close();
    const rgba = await readRows(bytes, {});
    expect(rgba.length).toBe(width * height * 4);
    for (const reuse of [false, true]) expect((await readRows(bytes, { reuse, channels: 3 })).equals(Buffer.from(dropAlpha(rgba)))).toBe(true);
  });

  it.each([
    ['RGBA', 6, 8, undefined], ['RGB with tRNS', 2, 8, Uint8Array.of(0, 1, 0, 2, 0, 3)], ['16-bit RGB', 2, 16, undefined],
    ['gray with tRNS', 0, 8, Uint8Array.of(0, 7)], ['gray and alpha', 4, 8, undefined],
  ] as const)('%s: no RGB rows (refused before any row)', async (_name, colorType, depth, trns) => {
    const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType];
    const bytes = pngOf(4, 3, colorType, depth, picture(4, 3, (channels * depth) / 8), 1, trns);
    const reader = await PngReader.open(bytes, () => {});
    try {
      expect(reader.opaqueRgb8).toBe(false);
      await expect((async () => { for await (const row of reader.rows({ channels: 3 })) void row; })()).rejects.toThrow(/3-channel rows need/);
    } finally {
      await reader.close();
    }
  });
});

describe('PngWriter from RGB rows', () => {
  it.each([[1, 1], [7, 5], [640, 480]])('%ix%i: the same file bytes as from the RGBA rows, in uneven batches', async (width, height) => {
    const rgb = picture(width, height, 3);
    const rgba = new Uint8Array(width * height * 4).fill(255);
    for (let p = 0; p < width * height; p++) rgba.set(rgb.subarray(3 * p, 3 * p + 3), 4 * p);
    const path = join(dir, `w${width}.png`);
    const writer = new PngWriter(path, width, height, true, 3);
    const stride = width * 3;
    for (let y = 0, n = 1; y < height; y += n, n = (n * 7) % 61 + 1) await writer.writeRows(rgb.subarray(y * stride, Math.min(height, y + n) * stride));
    await writer.finish();
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(encodePng({ data: rgba, width, height }, true)))).toBe(true);
    rmSync(path);
  });

  it('refuses RGB rows for an image not written as opaque, and rows that are not whole', async () => {
    expect(() => new PngWriter(join(dir, 'never.png'), 2, 2, false, 3)).toThrow(/RGB rows are written as an opaque image/);
    const writer = new PngWriter(join(dir, 'part.png'), 2, 2, true, 3);
    await expect(writer.writeRows(new Uint8Array(8))).rejects.toThrow(/not a whole number of rows/);
    await writer.abort();
  });
});

const WIDTH = 97;
const HEIGHT = 131;
const BAND_ROWS = 13;
type Case = [ImageConvention, ImageMode, ImageTarget, { linearLight?: boolean; antialias?: boolean; alignCorners?: boolean }];
const CASES: Case[] = [
  ['pytorch', 'nearest', { scale: 2 }, {}],
  ['pytorch', 'nearest-exact', { width: 41 }, {}],
  ['pytorch', 'bilinear', { width: 40 }, {}],
  ['pytorch', 'bilinear', { scale: 0.5 }, { antialias: true }],
  ['pytorch', 'bicubic', { width: 33 }, { antialias: true }],
  ['pytorch', 'bicubic', { scale: 1.7 }, {}],
  ['pytorch', 'bilinear', { width: 150 }, { alignCorners: true }],
  ['pytorch', 'area', { width: 31, height: 40 }, {}],
  ['pytorch', 'bilinear', { width: 40 }, { antialias: true, linearLight: true }],
  ['pytorch', 'bicubic', { scale: 2.2 }, { linearLight: true }],
  ['opencv', 'linear', { scale: 0.45 }, {}],
  ['opencv', 'cubic', { scale: 2.3 }, {}],
  ['opencv', 'area', { scale: 0.3 }, {}],
  ['opencv', 'lanczos4', { width: 60 }, {}],
  ['opencv', 'nearest', { width: 140 }, {}],
  ['opencv', 'cubic', { scale: 0.6 }, { linearLight: true }],
];
const label = ([convention, mode, target, flags]: Case) => `${convention} ${mode} ${JSON.stringify(target)}${Object.keys(flags).map((k) => ` ${k}`).join('')}`;

/** The command's band path (as src/cli/process-file.ts streams) on rows of `channels`, stitched. */
async function banded(c: Case, channels: 3 | 4, backend: ImageBackend, rgb: Uint8Array): Promise<Buffer> {
  const [convention, mode, target, flags] = c;
  const { outWidth, outHeight } = outputSize(WIDTH, HEIGHT, target, convention);
  const g: BandGeometry = { width: WIDTH, height: HEIGHT, outWidth, outHeight, target, convention, mode, channels,
    linearLight: flags.linearLight, alignCorners: !!flags.alignCorners, antialias: !!flags.antialias };
  const plan = planBands(g, BAND_ROWS);
  if (!('bands' in plan)) throw new Error(`not banded: ${plan.reason}`);
  expect(plan.bands.length).toBeGreaterThan(2);
  const options = { convention, mode, linearLight: flags.linearLight, antialias: flags.antialias, alignCorners: flags.alignCorners,
    ...(convention === 'pytorch' ? { premultiplyAlpha: false } : {}) };
  // RGB rows in one array overwritten row after row (as the reader hands them out); RGBA rows fresh.
  const reused = new Uint8Array(WIDTH * channels);
  const rows = async function* () {
    for (let y = 0; y < HEIGHT; y++) {
      const row = channels === 3 ? reused : new Uint8Array(WIDTH * channels).fill(255);
      for (let x = 0; x < WIDTH; x++) row.set(rgb.subarray(3 * (y * WIDTH + x), 3 * (y * WIDTH + x) + 3), x * channels);
      yield row;
    }
  };
  const parts: Uint8Array[] = [];
  await resizeInBands(rows(), g, plan.bands, backend, options, async (out) => { parts.push(out.slice()); });
  const result = Buffer.concat(parts);
  expect(result.length).toBe(outWidth * outHeight * channels);
  return result;
}

const RGB = picture(WIDTH, HEIGHT, 3);

describe.each(['wasm', 'js'] as const)('bands of RGB rows (%s)', (backend) => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s: the RGBA bands without alpha, byte for byte', async (_name, c) => {
    const rgba = await banded(c, 4, backend, RGB);
    const rgb = await banded(c, 3, backend, RGB);
    expect(rgb.equals(Buffer.from(dropAlpha(rgba)))).toBe(true);
  });
});

describe('bands of RGB rows on the scalar build', () => {
  afterAll(async () => { await init(); });
  it('the RGBA bands without alpha for every case', async () => {
    await init({ simd: false });
    expect(backendInfo()?.build).toBe('scalar');
    for (const c of CASES) expect((await banded(c, 3, 'wasm', RGB)).equals(Buffer.from(dropAlpha(await banded(c, 4, 'wasm', RGB)))), label(c)).toBe(true);
  });
});

describe('the command, PNG to PNG', () => {
  async function cli(...args: string[]) {
    let stderr = '';
    const result = await runCli(args, { stdout: { write: () => {} }, stderr: { write: (t: string) => (stderr += t) } });
    return { ...result, stderr };
  }
  it.each([
    ['--width', '40', '--mode', 'bilinear', '--antialias'], ['--scale', '1.6', '--mode', 'bicubic'],
    ['--width', '50', '--convention', 'opencv', '--mode', 'area'], ['--width', '45', '--convention', 'pillow', '--mode', 'lanczos', '--linear-light'],
  ])('an RGB file and the same pixels as RGBA give the same output bytes (%s %s %s %s)', async (...args) => {
    const rgba = new Uint8Array(WIDTH * HEIGHT * 4).fill(255);
    for (let p = 0; p < WIDTH * HEIGHT; p++) rgba.set(RGB.subarray(3 * p, 3 * p + 3), 4 * p);
    // The RGBA file has an alpha channel (its colour type 6), so it streams as RGBA rows; the RGB one as RGB rows.
    writeFileSync(join(dir, 'rgb.png'), pngOf(WIDTH, HEIGHT, 2, 8, RGB));
    writeFileSync(join(dir, 'rgba.png'), pngOf(WIDTH, HEIGHT, 6, 8, rgba));
    for (const name of ['rgb', 'rgba']) {
      const { code, stderr } = await cli(join(dir, `${name}.png`), '-o', join(dir, `${name}-out.png`), '--quiet', '--force', ...args);
      expect(code, stderr).toBe(0);
    }
    const [fromRgb, fromRgba] = ['rgb', 'rgba'].map((name) => readFileSync(join(dir, `${name}-out.png`)));
    if (args.includes('--convention')) {
      // Pillow's and OpenCV's conventions never scan for alpha: the RGBA file's output keeps it (colour type 6). The same pixels.
      expect([fromRgb[25], fromRgba[25]]).toEqual([2, 6]);
      const pixels = async (bytes: Uint8Array) => { const r = await PngReader.open(bytes, () => {}); try { return Buffer.from(await r.readAll()); } finally { await r.close(); } };
      expect((await pixels(fromRgb)).equals(await pixels(fromRgba))).toBe(true);
    } else {
      expect(fromRgb.equals(fromRgba)).toBe(true);
    }
  });
});
