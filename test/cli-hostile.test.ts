// Hostile files given to the command (issue 15): decompression bombs refused from the header in
// under a second, truncated images an error with nothing written, --max-pixels, signals during a
// run (temporaries removed, exit 128 + signal within 200 ms), folder runs that never skip silently,
// and seeded mutations of valid files (PNG, JPEG, WebP, AVIF) through the decoders' entry.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageBytes, ImageFileError } from '../src/cli/codecs.js';
import { crc32 } from '../src/cli/crc32.js';
import { pngChunk as chunk } from '../src/cli/png-write.js';
import { runCli } from '../src/cli/run.js';
import { init } from '../src/index.js';

let root: string;
let n = 0;
beforeAll(async () => { root = mkdtempSync(join(tmpdir(), 'upsample-hostile-')); await init(); });
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fresh = () => { const d = join(root, `c${n++}`); mkdirSync(d); return d; };


/** A PNG whose header claims width x height (RGBA) with only `rows` rows of data. */
export function claimingPng(width: number, height: number, rows: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const raw = new Uint8Array(rows * (width * 4 + 1));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

/** A small JPEG whose SOF0 is patched to claim width x height. */
export function claimingJpeg(width: number, height: number): Buffer {
  const data = Buffer.from(Uint8Array.from({ length: 16 * 16 * 4 }, (_, i) => (i * 13) & 255));
  const bytes = Buffer.from(jpeg.encode({ data, width: 16, height: 16 }, 90).data);
  const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
  bytes.writeUInt16BE(height, sof + 5);
  bytes.writeUInt16BE(width, sof + 7);
  return bytes;
}

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const result = await runCli(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { ...result, stdout, stderr };
}

describe('hostile images given to the command', () => {
  it('refuses a 196-byte PNG claiming 30000 x 30000 and a JPEG claiming 10000 x 10000 from the header, in under a second', async () => {
    const dir = fresh();
    const png = claimingPng(30000, 30000, 1);
    const jpg = claimingJpeg(10000, 10000);
    expect(png.length).toBeLessThan(400);
    writeFileSync(join(dir, 'bomb.png'), png);
    writeFileSync(join(dir, 'bomb.jpg'), jpg);
    for (const name of ['bomb.png', 'bomb.jpg']) {
      const t0 = performance.now();
      const run = await cli(join(dir, name), '-o', join(dir, `out-${name}`), '--scale', '0.5');
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(name.endsWith('png') ? /is 900\.0 megapixels, more than the limit of 100 \(--max-pixels 100000000\)/
        : /bytes of scan data cannot hold the 1562500 blocks of 10000 x 10000/);
    }
    expect(readdirSync(dir).sort()).toEqual(['bomb.jpg', 'bomb.png']);
  });

  it('refuses a truncated PNG (2000 x 2000 header, 1 row of data) and a truncated JPEG: exit 1, nothing written', async () => {
    const dir = fresh();
    const cut = claimingPng(2000, 2000, 1);
    expect(cut.length).toBeLessThan(120);
    writeFileSync(join(dir, 'cut.png'), cut);
    const png = await cli(join(dir, 'cut.png'), '-o', join(dir, 'o.png'), '--scale', '0.5');
    expect(png.code).toBe(1);
    expect(png.stderr).toMatch(/cut\.png: cannot decode the PNG image: truncated image data/);
    const full = Buffer.from(jpeg.encode({ data: Buffer.alloc(64 * 64 * 4, 90), width: 64, height: 64 }, 90).data);
    writeFileSync(join(dir, 'cut.jpg'), full.subarray(0, Math.floor(full.length * 0.7)));
    const jpg = await cli(join(dir, 'cut.jpg'), '-o', join(dir, 'o2.png'), '--scale', '2');
    expect(jpg.code).toBe(1);
    expect(jpg.stderr).toMatch(/cut\.jpg: cannot decode the JPEG image: truncated file/);
    expect(readdirSync(dir).sort()).toEqual(['cut.jpg', 'cut.png']);
  });

  it('has --max-pixels for inputs and outputs', async () => {
    const dir = fresh();
    const png = new PNG({ width: 40, height: 30 });
    png.data = Buffer.alloc(40 * 30 * 4, 200);
    writeFileSync(join(dir, 'in.png'), PNG.sync.write(png));
    expect((await cli(join(dir, 'in.png'), '-o', join(dir, 'a.png'), '--scale', '2', '--max-pixels', '1199')).stderr).toMatch(/40 x 30 is 0\.0 megapixels, more than the limit/);
    expect((await cli(join(dir, 'in.png'), '-o', join(dir, 'b.png'), '--scale', '2', '--max-pixels', '2000')).stderr).toMatch(/the output 80 x 60/);
    expect((await cli(join(dir, 'in.png'), '-o', join(dir, 'c.png'), '--scale', '2', '--max-pixels', '4800')).code).toBe(0);
    expect((await cli(join(dir, 'in.png'), '-o', join(dir, 'd.png'), '--scale', '2', '--max-pixels', 'lots')).code).toBe(2);
  });

  it('lists files inside the output folder as skipped, never silently', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'in', 'small'), { recursive: true });
    const png = new PNG({ width: 4, height: 4 });
    png.data = Buffer.alloc(64, 255);
    writeFileSync(join(dir, 'in', 'a.png'), PNG.sync.write(png));
    writeFileSync(join(dir, 'in', 'small', 'old.png'), PNG.sync.write(png));
    const run = await cli(join(dir, 'in'), '-o', join(dir, 'in', 'small'), '--scale', '2');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/skipped .*in\/small\/old\.png: inside the output folder/);
    expect(readdirSync(join(dir, 'in', 'small')).sort()).toEqual(['a.png', 'old.png']);
  });

  it.each([['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const)(
    'on %s during a run removes its temporary file and exits %i within 200 ms', async (signal, code) => {
      const dir = fresh();
      writeFileSync(join(dir, 'big.png'), claimingPng(4000, 4000, 4000));
      const bin = new URL('../dist/cli.js', import.meta.url).pathname;
      const child = spawn(process.execPath, [bin, join(dir, 'big.png'), '-o', join(dir, 'out.png'), '--scale', '2', '--quiet']);
      // Wait until the temporary output exists: the run is then streaming.
      const t0 = Date.now();
      while (!readdirSync(dir).some((f) => f.endsWith('.tmp'))) {
        if (Date.now() - t0 > 20000) throw new Error('no temporary file appeared');
        await new Promise((r) => setTimeout(r, 20));
      }
      const sent = performance.now();
      child.kill(signal);
      const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      const ms = performance.now() - sent;
      expect(exitCode).toBe(code);
      expect(ms).toBeLessThan(200);
      expect(readdirSync(dir)).toEqual(['big.png']);
    }, 30_000);
});

/** Seeded mutations of valid PNG, JPEG, WebP and AVIF files through decodeImageBytes. */
export async function fuzzDecoders(count: number, seed: number, maxPixels = 4_000_000): Promise<{ cases: number; decoded: number; refused: number }> {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 8) / 2 ** 24;
  const int = (k: number) => Math.floor(rand() * k);
  const seeds: Buffer[] = [];
  for (const [w, h, type] of [[13, 9, 6], [32, 5, 2], [7, 7, 0]] as const) {
    const png = new PNG({ width: w, height: h, colorType: type, inputColorType: 6 });
    png.data = Buffer.from(Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 31 + w) & 255));
    seeds.push(PNG.sync.write(png, { colorType: type }));
  }
  seeds.push(Buffer.from(jpeg.encode({ data: Buffer.from(Uint8Array.from({ length: 24 * 16 * 4 }, (_, i) => (i * 7) & 255)), width: 24, height: 16 }, 80).data));
  // WebP (lossy with alpha, lossless) and AVIF through their WebAssembly decoders.
  const flat = { width: 13, height: 9, channels: 4 as const, background: '#80402080' };
  seeds.push(await sharp({ create: flat }).webp({ quality: 80 }).toBuffer(), await sharp({ create: flat }).webp({ lossless: true }).toBuffer(),
    await sharp({ create: { ...flat, width: 16, height: 12 } }).avif({ quality: 50 }).toBuffer());
  let decoded = 0;
  let refused = 0;
  for (let i = 0; i < count; i++) {
    const base = seeds[i % seeds.length];
    let bytes = Buffer.from(base);
    const isPng = bytes[0] === 0x89;
    const kind = int(6);
    if (kind === 0) for (let k = 1 + int(4); k > 0; k--) bytes[int(bytes.length)] ^= 1 << int(8);
    else if (kind === 1) bytes = bytes.subarray(0, int(bytes.length));
    else if (kind === 2 && isPng) { // header field edits (IHDR at 16..28), CRC fixed so the edit is seen
      const field = int(5);
      if (field === 0) bytes.writeUInt32BE([0, 1, 2, 65535, 30000, 2 ** 31 - 1, 2 ** 32 - 1][int(7)], 16);
      else if (field === 1) bytes.writeUInt32BE([0, 1, 3, 100000, 2 ** 31][int(5)], 20);
      else if (field === 2) bytes[24] = [0, 1, 2, 3, 4, 7, 8, 16, 255][int(9)];
      else if (field === 3) bytes[25] = [0, 1, 2, 3, 4, 5, 6, 7][int(8)];
      else bytes[28] = int(3);
      bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
    } else if (kind === 3 && isPng) { // a chunk length edited
      let at = 8;
      const target = int(3);
      for (let c = 0; c < target && at + 8 < bytes.length; c++) at += 12 + bytes.readUInt32BE(at);
      if (at + 4 <= bytes.length) bytes.writeUInt32BE([0, 1, 13, 2 ** 31 - 1, 2 ** 32 - 1, bytes.readUInt32BE(at) + 1][int(6)], at);
    } else if ((kind === 2 || kind === 3) && !isPng) { // SOF size edits
      const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
      bytes.writeUInt16BE([0, 1, 8, 17, 1000, 65535][int(6)], sof + 5 + 2 * int(2));
    } else if (kind === 4) bytes = Buffer.concat([bytes, Buffer.from(Uint8Array.from({ length: 1 + int(64) }, () => int(256)))]);
    else { const at = int(bytes.length); bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + int(16))]); }
    if (process.env.FUZZ_DECODERS_TRACE) writeFileSync(process.env.FUZZ_DECODERS_TRACE, `${i}\n${bytes.toString('base64')}\n`);
    try {
      const image = await decodeImageBytes(bytes, 'fuzz', maxPixels);
      if (image.data.length !== image.width * image.height * 4) throw new Error(`case ${i}: wrong size`);
      decoded++;
    } catch (error) {
      if (!(error instanceof ImageFileError)) throw new Error(`case ${i} (seed ${seed}): not an ImageFileError: ${(error as Error)?.stack ?? error}`);
      refused++;
    }
  }
  return { cases: count, decoded, refused };
}

describe('decoder fuzzing', () => {
  // `npm run fuzz:decoders [-- count seed]` sets these: 30,000 cases with a random seed by default.
  // FUZZ_DECODERS_TRACE=<file>: each case is written there before it runs (the last one, after a hang).
  const count = Number(process.env.FUZZ_DECODERS_COUNT ?? 3000);
  const seed = Number(process.env.FUZZ_DECODERS_SEED ?? 15);
  it(`${count} seeded mutations (seed ${seed}): each decodes to a correct-size image or gives an ImageFileError`, async () => {
    const before = process.memoryUsage().rss;
    const t0 = performance.now();
    const result = await fuzzDecoders(count, seed);
    const ms = performance.now() - t0;
    console.log(`decoder fuzzing: ${result.cases} cases, ${result.decoded} decoded, ${result.refused} refused, ${(ms / 1000).toFixed(1)} s, seed ${seed}`);
    expect(result.decoded + result.refused).toBe(count);
    expect(result.refused).toBeGreaterThan(count / 3);
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 2 ** 20);
    expect(ms).toBeLessThan(count * 7);
  }, count * 10 + 10_000);
});
