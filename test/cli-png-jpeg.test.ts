// A PNG going to JPEG (our own encoder) streams (src/cli/png-stream.ts): rows in, bands through
// resizeImage, rows into JPEG strips (src/cli/jpeg-strip-sink.ts), to the bytes of the image held
// whole (src/cli/convert.ts convertImage: decoded whole, resized in bands into the same strips),
// for every kind of PNG (opaque 8-bit ones as 3-channel rows), odd sizes, up and down, on the SIMD
// build, the scalar build and `js`; in a folder run on the main lane and the worker lanes; a
// corrupt file leaves nothing; a pixel bomb is refused before anything is allocated; a signal
// leaves no temporary file. The workers run dist/cli/convert-worker.js: `npm run build:ts && npm run build:bundle` first.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ImageBackend } from '../src/image-band.js';
import { parseArgs, type CliOptions } from '../src/cli/args.js';
import { convertImage } from '../src/cli/convert.js';
import { ConvertWorkers } from '../src/cli/convert-workers.js';
import { stripsHere } from '../src/cli/jpeg-strip-sink.js';
import { streamPngFile } from '../src/cli/png-stream.js';
import { pngChunk } from '../src/cli/png-write.js';
import { runCli } from '../src/cli/run.js';
import { expectSignalLeavesNoTemporary } from './cli-stream-signal.js';
import { init } from '../src/index.js';

let root: string;
let count = 0;
beforeAll(async () => { root = mkdtempSync(join(tmpdir(), 'cli-png-jpeg-')); await init(); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fresh(): string {
  const dir = join(root, `case${count++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** A PNG of smooth samples plus noise (colorType 3: a palette of 37 colours, some transparent); `interlace`: flagged Adam7 (its data is then wrong, so only the header is read). */
function png(width: number, height: number, colorType: 0 | 2 | 3 | 4 | 6, depth: 8 | 16, seed: number, o: { claim?: [number, number]; interlace?: boolean } = {}): Buffer {
  let s = seed;
  const noise = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 27);
  const bytes = depth / 8;
  const raw: number[] = [];
  for (let y = 0; y < height; y++) {
    raw.push(0);
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < SAMPLES[colorType]; c++) {
        const v = colorType === 3 ? (x * 7 + y * 3 + noise()) % 37 : ((x * 5 + y * 3 + c * 60) & 255) ^ noise();
        raw.push(v);
        if (bytes === 2) raw.push(noise() * 8);
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(o.claim?.[0] ?? width, 0);
  ihdr.writeUInt32BE(o.claim?.[1] ?? height, 4);
  ihdr.set([depth, colorType, 0, 0, o.interlace ? 1 : 0], 8);
  const palette = colorType === 3 ? [pngChunk('PLTE', Uint8Array.from({ length: 37 * 3 }, (_, i) => (i * 53) & 255)),
    pngChunk('tRNS', Uint8Array.from({ length: 10 }, (_, i) => i * 25))] : [];
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk('IHDR', ihdr), ...palette,
    pngChunk('IDAT', deflateSync(Uint8Array.from(raw))), pngChunk('IEND', new Uint8Array(0))]);
}

function options(path: string, args: string[]): CliOptions {
  const parsed = parseArgs([path, '-o', `${path}.jpg`, ...args]);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

/** The JPEG of the image held whole (what the command wrote before PNG to JPEG streamed). */
async function whole(path: string, args: string[], backend: ImageBackend): Promise<Buffer> {
  const o = options(path, args);
  const done = await convertImage({ bytes: readFileSync(path), format: 'png', name: path, output: 'jpeg', target: o.target, fit: o.fit,
    background: o.background, resize: o.resize, premultiply: o.premultiply, quality: o.quality ?? 90, jpegEncoder: o.jpegEncoder,
    maxPixels: o.maxPixels, stripThreads: 0 }, backend, stripsHere);
  return Buffer.from(done.bytes);
}

/** The JPEG streamed on this thread, and the rows it carried; undefined where streaming does not apply. */
async function streamed(path: string, args: string[], backend: ImageBackend): Promise<{ bytes: Buffer; channels: number } | undefined> {
  const o = options(path, args);
  const temporary = `${path}.${count++}.tmp`;
  writeFileSync(temporary, new Uint8Array(0));
  const done = await streamPngFile({ input: path, temporary, target: o.target, fit: o.fit, resize: o.resize, premultiply: o.premultiply,
    maxPixels: o.maxPixels, output: 'jpeg', quality: o.quality ?? 90 }, async () => backend);
  return done && { bytes: readFileSync(temporary), channels: done.channels };
}

const KINDS = [
  // name, colour type, depth, rows carried
  ['opaque RGB', 2, 8, 3], ['gray', 0, 8, 3], ['RGBA with alpha', 6, 8, 4], ['gray + alpha', 4, 8, 4], ['palette with tRNS', 3, 8, 4],
  ['16-bit RGB', 2, 16, 4], ['16-bit RGBA', 6, 16, 4],
] as const;

describe('PNG to JPEG streamed: the bytes of the image held whole', () => {
  it.each(KINDS)('%s (%i, %i-bit): %i-channel rows, downscaled and upscaled', async (_name, colorType, depth, channels) => {
    const path = join(fresh(), 'in.png');
    writeFileSync(path, png(203, 141, colorType, depth, colorType * 7 + depth));
    for (const args of [['--width', '64', '--antialias'], ['--scale', '2.5', '--mode', 'bicubic'], ['--width', '90', '--no-premultiply']]) {
      const out = await streamed(path, args, 'wasm');
      expect(out?.channels, args.join(' ')).toBe(channels);
      expect(out!.bytes.equals(await whole(path, args, 'wasm')), args.join(' ')).toBe(true);
    }
  });

  it.each([[1, 1], [17, 9], [31, 47], [300, 5], [5, 300]])('%i x %i: odd sizes, strips that are not whole MCUs', async (width, height) => {
    const path = join(fresh(), 'in.png');
    writeFileSync(path, png(width, height, 2, 8, width + height));
    for (const args of [['--scale', '2'], ['--scale', '0.5', '--antialias'], ['--width', '13', '--height', '7', '--fit', 'fill'], ['--scale', '1']]) {
      const [out, held] = await Promise.allSettled([streamed(path, args, 'wasm'), whole(path, args, 'wasm')]);
      if (held.status === 'rejected') { // 1 x 1 at half scale: empty, refused by both in the same words
        expect(out.status === 'rejected' && out.reason.message).toBe(held.reason.message);
        continue;
      }
      expect(out.status === 'fulfilled' && out.value?.bytes.equals(held.value), `${width} x ${height} ${args.join(' ')}`).toBe(true);
    }
  });

  it('on the plain-JS backend and the scalar build too, and with Pillow\'s convention (RGBA rows)', async () => {
    const path = join(fresh(), 'in.png');
    writeFileSync(path, png(350, 260, 2, 8, 5));
    const cases = [['--width', '120', '--antialias'], ['--scale', '3'], ['--width', '100', '--convention', 'pillow', '--mode', 'bicubic']];
    for (const args of cases) expect((await streamed(path, args, 'js'))!.bytes.equals(await whole(path, args, 'js'))).toBe(true);
    expect((await streamed(path, cases[2], 'wasm'))!.channels).toBe(4);
    try {
      await init({ simd: false });
      for (const args of cases) expect((await streamed(path, args, 'wasm'))!.bytes.equals(await whole(path, args, 'wasm'))).toBe(true);
    } finally {
      await init();
    }
  });

  it('leaves interlaced files and fits that crop or pad to the whole-image path (nothing written)', async () => {
    const path = join(fresh(), 'in.png');
    writeFileSync(path, png(40, 30, 2, 8, 3, { interlace: true }));
    expect(await streamed(path, ['--width', '20'], 'wasm')).toBeUndefined();
    writeFileSync(path, png(40, 30, 2, 8, 3));
    expect(await streamed(path, ['--width', '20', '--height', '20', '--fit', 'cover'], 'wasm')).toBeUndefined();
  });
});

async function cli(...args: string[]) {
  let stderr = '';
  const result = await runCli(args, { stdout: { write: () => {} }, stderr: { write: (t: string) => (stderr += t) } });
  return { ...result, stderr };
}

describe('PNG to JPEG in the command', () => {
  it('a folder run streams on the main lane and the worker lanes, to the whole-image bytes; a corrupt file fails alone, leaving nothing', async () => {
    const dir = fresh();
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    const kinds = [[2, 8], [6, 8], [0, 8], [2, 16], [3, 8]] as const;
    // Named .jpg (a folder's outputs keep their inputs' names), PNG inside (a file's format is its signature's).
    kinds.forEach(([colorType, depth], i) => writeFileSync(join(inputs, `${i}.jpg`), png(300 + 17 * i, 200 + 9 * i, colorType, depth, i + 1)));
    const corrupt = png(320, 240, 2, 8, 9);
    corrupt[corrupt.length - 30] ^= 0x55; // in the IDAT: its CRC fails
    writeFileSync(join(inputs, '9.jpg'), corrupt);
    const args = ['--width', '150', '--antialias'];
    const convert = vi.spyOn(ConvertWorkers.prototype, 'convert');
    const stream = vi.spyOn(ConvertWorkers.prototype, 'streamPng');
    let run;
    try {
      run = await cli(inputs, '-o', join(dir, 'out'), ...args, '--threads', '3');
      expect(convert).not.toHaveBeenCalled();
      expect(stream.mock.calls.length).toBeGreaterThan(0); // worker lanes
      expect(stream.mock.calls.length).toBeLessThan(kinds.length + 1); // and the main lane
    } finally {
      convert.mockRestore();
      stream.mockRestore();
    }
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/9\.jpg: cannot decode the PNG image: /);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(kinds.map((_, i) => `${i}.jpg`));
    for (const i of kinds.keys()) {
      expect(readFileSync(join(dir, 'out', `${i}.jpg`)).equals(await whole(join(inputs, `${i}.jpg`), args, 'wasm')), `${i}.jpg`).toBe(true);
    }
  }, 30_000);

  it('leaves MozJPEG output to the whole-image path', async () => {
    const dir = fresh();
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    for (const name of ['a', 'b']) writeFileSync(join(inputs, `${name}.jpg`), png(60, 40, 2, 8, 3));
    const convert = vi.spyOn(ConvertWorkers.prototype, 'convert');
    const stream = vi.spyOn(ConvertWorkers.prototype, 'streamPng');
    try {
      expect((await cli(inputs, '-o', join(dir, 'out'), '--width', '30', '--jpeg-encoder', 'mozjpeg', '--threads', '2')).code).toBe(0);
      expect(convert).toHaveBeenCalled(); // the worker lane's file
      expect(stream).not.toHaveBeenCalled();
    } finally {
      convert.mockRestore();
      stream.mockRestore();
    }
  }, 30_000);

  it('refuses a pixel bomb (a small file claiming 60000 x 60000) before allocating, leaving nothing', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'bomb.png'), png(8, 8, 2, 8, 1, { claim: [60000, 60000] }));
    const before = process.memoryUsage().arrayBuffers;
    const run = await cli(join(dir, 'bomb.png'), '-o', join(dir, 'bomb.jpg'), '--width', '100');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/60000 x 60000.*(pixels|limit)/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 ** 25);
    expect(readdirSync(dir)).toEqual(['bomb.png']);
  });

  it('a truncated file fails, leaving no output and no temporary file', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'cut.png'), png(300, 200, 2, 8, 4).subarray(0, 20_000));
    const run = await cli(join(dir, 'cut.png'), '-o', join(dir, 'cut.jpg'), '--width', '100');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cut\.png: cannot decode the PNG image/);
    expect(readdirSync(dir)).toEqual(['cut.png']);
  });

  it('on SIGTERM while PNG to JPEG files stream on the main thread and in a worker, removes every temporary file', async () => {
    const dir = fresh();
    await expectSignalLeavesNoTemporary(dir, 'jpg');
  }, 30_000);
});
