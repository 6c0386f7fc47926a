// A folder run's PNG to PNG files all stream (issue 20), whichever lane takes them: on the main
// thread, or in a worker that reads and writes the files itself (./src/cli/png-stream.ts), an
// opaque 8-bit one as 3-channel rows; to the bytes of the same file run alone (streamed on the
// main thread). A file streaming does not apply to (interlaced) goes to a worker whole; a corrupt
// one fails alone; a signal during a worker's stream leaves no temporary file.
// The workers run dist/cli/convert-worker.js: `npm run build:ts && npm run build:bundle` first.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConvertWorkers } from '../src/cli/convert-workers.js';
import type { StreamedPng } from '../src/cli/png-stream.js';
import { pngChunk } from '../src/cli/png-write.js';
import { runCli } from '../src/cli/run.js';
import { expectSignalLeavesNoTemporary } from './cli-stream-signal.js';
import { init } from '../src/index.js';

let root: string;
let count = 0;
beforeAll(async () => { root = mkdtempSync(join(tmpdir(), 'cli-folder-png-')); await init(); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fresh(): string {
  const dir = join(root, `case${count++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function cli(...args: string[]) {
  let stderr = '';
  const result = await runCli(args, { stdout: { write: () => {} }, stderr: { write: (t: string) => (stderr += t) } });
  return { ...result, stderr };
}

/** A PNG of `width` x `height` pixels of `colorType` (2: RGB, 6: RGBA, 0: gray), smooth plus noise; `interlace`: Adam7. */
function writePng(path: string, width: number, height: number, colorType: 0 | 2 | 6, seed: number, interlace = false): void {
  const png = new PNG({ width, height, colorType, inputColorType: 6, bitDepth: 8 });
  let s = seed;
  png.data = Buffer.from(Uint8Array.from({ length: width * height * 4 }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const x = (i >> 2) % width;
    return i % 4 === 3 ? (colorType === 6 ? 128 + (s >>> 25) : 255) : ((x * 3 + (i % 4) * 50) & 255) ^ (s >>> 29);
  }));
  const bytes = PNG.sync.write(png, { colorType });
  writeFileSync(path, interlace ? adam7(width, height, png.data, colorType) : bytes);
}

/** The same pixels as an interlaced (Adam7) file: pngjs writes none, so its passes are built here (filter 0). */
function adam7(width: number, height: number, rgba: Uint8Array, colorType: 0 | 2 | 6): Buffer {
  const channels = { 0: 1, 2: 3, 6: 4 }[colorType];
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  const raw: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.max(0, Math.ceil((width - x0) / dx));
    for (let y = y0; y < height && w > 0; y += dy) {
      raw.push(0);
      for (let x = x0; x < width; x += dx) for (let c = 0; c < channels; c++) raw.push(rgba[4 * (y * width + x) + c]);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, colorType, 0, 0, 1], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Uint8Array.from(raw))),
    pngChunk('IEND', new Uint8Array(0))]);
}

const ARGS = ['--width', '120', '--mode', 'bilinear', '--antialias'];

describe('a folder run streams every PNG to PNG file, in the workers too', () => {
  it('streams RGB, gray and RGBA files on both sides (3-channel rows where opaque), to the bytes of each file run alone', async () => {
    const dir = fresh();
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    const files = { 'a.png': 2, 'b.png': 2, 'c.png': 0, 'd.png': 6, 'e.png': 2 } as const;
    for (const [i, [name, type]] of Object.entries(files).entries()) writePng(join(inputs, name), 300 + 20 * i, 200, type, i + 1);
    const whole = vi.spyOn(ConvertWorkers.prototype, 'convert');
    const streamed = vi.spyOn(ConvertWorkers.prototype, 'streamPng');
    try {
      expect((await cli(inputs, '-o', join(dir, 'out'), ...ARGS, '--threads', '2')).code).toBe(0);
      expect(whole).not.toHaveBeenCalled(); // no file read whole
      expect(streamed.mock.calls.length).toBeGreaterThan(0); // some streamed in the worker
      const inWorker = await Promise.all(streamed.mock.results.map((r) => r.value as Promise<StreamedPng>));
      for (const [i, done] of inWorker.entries()) {
        const name = readdirSync(inputs).find((n) => join(inputs, n) === streamed.mock.calls[i][0].input)!;
        expect(done.channels).toBe(files[name as keyof typeof files] === 6 ? 4 : 3);
      }
    } finally {
      whole.mockRestore();
      streamed.mockRestore();
    }
    for (const name of Object.keys(files)) {
      expect((await cli(join(inputs, name), '-o', join(dir, name), ...ARGS)).code).toBe(0);
      expect(readFileSync(join(dir, 'out', name)).equals(readFileSync(join(dir, name)))).toBe(true);
    }
  }, 30_000);

  it('converts a file streaming does not apply to (interlaced) whole in a worker, and a corrupt one fails alone, leaving no temporary file', async () => {
    const dir = fresh();
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    writePng(join(inputs, 'a.png'), 400, 300, 2, 1); // the costliest: the main lane's
    writePng(join(inputs, 'b.png'), 200, 150, 2, 2, true);
    const corrupt = readFileSync(join(inputs, 'a.png'));
    corrupt[corrupt.length - 30] ^= 0x55; // in the last IDAT: its CRC fails
    writeFileSync(join(inputs, 'c.png'), corrupt); // as large as a.png, after it in order: a worker lane's
    const whole = vi.spyOn(ConvertWorkers.prototype, 'convert');
    let run;
    try {
      run = await cli(inputs, '-o', join(dir, 'out'), ...ARGS, '--threads', '2');
      expect(whole.mock.calls.map(([request]) => request.name)).toEqual([join(inputs, 'b.png')]);
    } finally {
      whole.mockRestore();
    }
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/c\.png: cannot decode the PNG image: /); // zlib's data check or the chunk's CRC
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['a.png', 'b.png']);
    expect((await cli(join(inputs, 'b.png'), '-o', join(dir, 'b.png'), ...ARGS)).code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'b.png')).equals(readFileSync(join(dir, 'b.png')))).toBe(true);
  }, 30_000);

  it('on SIGTERM while files stream on the main thread and in a worker, removes every temporary file', async () => {
    const dir = fresh();
    await expectSignalLeavesNoTemporary(dir, 'png');
  }, 30_000);
});
