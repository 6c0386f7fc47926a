// The command's own baseline JPEG encoder (src/cli/jpeg-encoder.ts, assembly/cli/jpeg-encoder.ts):
// its files decode with jpeg-js, MozJPEG (@jsquash) and libjpeg-turbo (sharp) within the loss of
// libjpeg at the same quality (PSNR against the source, against sharp's own encode of it), grey
// and colour, 4:2:0 and 4:4:4, sizes that are not whole blocks or MCUs; strips joined with restart
// markers decode exactly as the image encoded at once; size grows with quality; bad input refused;
// the command's --jpeg-encoder.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectJpeg } from '../src/cli/jpeg.js';
import { encodeJpeg, quantTable } from '../src/cli/jpeg-encoder.js';
import { joinStrips } from '../src/cli/jpeg-strips.js';
import { runCli } from '../src/cli/run.js';
import { decodeWasm } from '../src/cli/wasm-codecs.js';

let root: string;
beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'upsample-jpeg-encoder-')); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A photo-like image: smooth colour, soft-edged squares, a little noise; `channels` interleaved. */
function photo(w: number, h: number, channels: 1 | 3 | 4): Uint8Array {
  const data = new Uint8Array(w * h * channels);
  let seed = 7;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const noise = (seed >>> 24) / 32 - 4;
      const rgb = [128 + 90 * Math.sin(x / 13 + y / 29) + noise, 110 + 70 * Math.cos(y / 17) + (((x >> 4) + (y >> 4)) & 1 ? 25 : -25) + noise,
        90 + 80 * Math.sin((x * y) / 900) + noise];
      const i = channels * (y * w + x);
      if (channels === 1) data[i] = rgb[1];
      else for (let c = 0; c < 3; c++) data[i + c] = rgb[c];
      if (channels === 4) data[i + 3] = 200; // ignored
    }
  }
  return data;
}

/** PSNR over the colour channels of `decoded` (`dc` channels a pixel) against `source` (`sc`). */
function psnr(decoded: Uint8Array, dc: number, source: Uint8Array, sc: number, colours = Math.min(dc, sc, 3)): number {
  let se = 0;
  const pixels = source.length / sc;
  for (let p = 0; p < pixels; p++) for (let c = 0; c < colours; c++) { const d = decoded[p * dc + c] - source[p * sc + c]; se += d * d; }
  return 10 * Math.log10((255 * 255) / (se / (pixels * colours)));
}

/** Decoded by sharp (libjpeg-turbo) to RGB (grey too). */
const viaSharp = async (bytes: Uint8Array) => new Uint8Array(await sharp(Buffer.from(bytes)).toColourspace('srgb').raw().toBuffer());

describe('encodeJpeg: a baseline JFIF decoders read as libjpeg-turbo\'s own', () => {
  it.each([[1, 'grey'], [3, 'RGB'], [4, 'RGBA']] as const)('%i channels (%s): decodes with jpeg-js, MozJPEG and sharp within 0.5 dB of sharp\'s encode at quality 80 and 90', async (channels, _name) => {
    const [w, h] = [181, 77]; // neither whole blocks nor whole MCUs
    const source = photo(w, h, channels);
    for (const quality of [80, 90]) {
      const bytes = await encodeJpeg({ data: source, width: w, height: h, channels }, { quality });
      const info = inspectJpeg(bytes); // walks every segment and the scan to EOI
      expect([info.width, info.height, info.components]).toEqual([w, h, channels === 1 ? 1 : 3]);
      expect(bytes.subarray(0, 4)).toEqual(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0)); // JFIF APP0 first
      expect(bytes.includes(0xc0)).toBe(true);
      const raw = sharp(Buffer.from(source), { raw: { width: w, height: h, channels } });
      const reference = await (channels === 4 ? raw.removeAlpha() : raw).jpeg({ quality }).toBuffer();
      const theirs = psnr(await viaSharp(reference), 3, source, channels);
      const ours = psnr(await viaSharp(bytes), 3, source, channels);
      expect(Math.abs(ours - theirs)).toBeLessThan(0.5);
      expect(ours).toBeGreaterThan(30);
      const js = jpeg.decode(bytes, { useTArray: true });
      expect(psnr(js.data, 4, source, channels, channels === 1 ? 1 : 3)).toBeGreaterThan(ours - 1.5); // jpeg-js upsamples chroma its own way
      const moz = await decodeWasm('jpeg', bytes);
      expect(psnr(moz.data, 4, source, channels, channels === 1 ? 1 : 3)).toBeGreaterThan(ours - 0.2);
      // Size against sharp's (MozJPEG with optimised Huffman tables, no trellis): ours uses the standard tables.
      expect(bytes.length / reference.length).toBeGreaterThan(0.9);
      expect(bytes.length / reference.length).toBeLessThan(1.3); // a small image: the full standard tables' 420 bytes count
    }
  });

  it.each([[1, 1], [17, 9], [8, 8], [16, 16], [33, 1], [1, 40]])('%i x %i decodes to the source within the codec\'s loss', async (w, h) => {
    const source = photo(w, h, 4);
    for (const subsampling of ['4:2:0', '4:4:4'] as const) {
      const bytes = await encodeJpeg({ data: source, width: w, height: h }, { quality: 95, subsampling });
      const decoded = await viaSharp(bytes);
      expect(decoded.length).toBe(w * h * 3);
      let worst = 0;
      for (let p = 0; p < w * h; p++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(decoded[3 * p + c] - source[4 * p + c]));
      expect(worst).toBeLessThan(subsampling === '4:4:4' ? 12 : 40); // the chroma of a 2x2 mean in 4:2:0
    }
  });

  it('4:4:4 keeps more colour than 4:2:0 and costs more bytes; grey costs less than colour', async () => {
    const [w, h] = [96, 64];
    const source = photo(w, h, 3);
    const sub = await encodeJpeg({ data: source, width: w, height: h, channels: 3 }, { quality: 90 });
    const full = await encodeJpeg({ data: source, width: w, height: h, channels: 3 }, { quality: 90, subsampling: '4:4:4' });
    expect(full.length).toBeGreaterThan(sub.length);
    expect(psnr(await viaSharp(full), 3, source, 3)).toBeGreaterThan(psnr(await viaSharp(sub), 3, source, 3) + 1);
    const grey = await encodeJpeg({ data: photo(w, h, 1), width: w, height: h, channels: 1 }, { quality: 90 });
    expect(grey.length).toBeLessThan(sub.length);
  });

  it('file size grows with quality, and the quantisation tables are libjpeg\'s', async () => {
    const [w, h] = [64, 48];
    const source = photo(w, h, 4);
    const sizes: number[] = [];
    for (const quality of [1, 10, 30, 50, 70, 85, 95, 100]) sizes.push((await encodeJpeg({ data: source, width: w, height: h }, { quality })).length);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeGreaterThan(sizes[i - 1]);
    expect(quantTable([16, 11, 99], 50)).toEqual([16, 11, 99]);
    expect(quantTable([16, 11, 99], 90)).toEqual([3, 2, 20]);
    expect(quantTable([16, 11, 99], 10)).toEqual([80, 55, 255]);
    expect(quantTable([16, 11, 99], 100)).toEqual([1, 1, 1]);
  });

  it('strips joined with restart markers decode exactly as the image encoded at once', async () => {
    const [w, h, rows] = [70, 75, 32]; // a last strip of 11 rows
    const source = photo(w, h, 4);
    const whole = await encodeJpeg({ data: source, width: w, height: h }, { quality: 85 });
    const strips: Uint8Array[] = [];
    for (let y = 0; y < h; y += rows) {
      const n = Math.min(rows, h - y);
      strips.push(await encodeJpeg({ data: source.slice(y * w * 4, (y + n) * w * 4), width: w, height: n }, { quality: 85 }));
    }
    const joined = joinStrips(strips, w, h, rows);
    expect(joined.includes(0xdd)).toBe(true);
    expect(await viaSharp(joined)).toEqual(await viaSharp(whole));
    expect(jpeg.decode(joined, { useTArray: true }).data).toEqual(jpeg.decode(whole, { useTArray: true }).data);
  });

  it('refuses bad input with the argument named, before any work', async () => {
    const data = new Uint8Array(12);
    await expect(encodeJpeg({ data, width: 2, height: 2, channels: 3 }, { quality: 0 })).rejects.toThrow(RangeError);
    await expect(encodeJpeg({ data, width: 2, height: 2, channels: 3 }, { quality: 50.5 })).rejects.toThrow(/quality must be an integer from 1 to 100, but got 50.5/);
    await expect(encodeJpeg({ data, width: 2, height: 2 }, { quality: 50 })).rejects.toThrow(/12 bytes, but 2 x 2 x 4 needs 16/);
    await expect(encodeJpeg({ data, width: 0, height: 2, channels: 3 }, { quality: 50 })).rejects.toThrow(/image.width must be an integer from 1 to 65535/);
    await expect(encodeJpeg({ data, width: 2, height: 3, channels: 2 as 3 }, { quality: 50 })).rejects.toThrow(/channels must be 1, 3 or 4, but got 2/);
    await expect(encodeJpeg({ data: [] as unknown as Uint8Array, width: 1, height: 1 }, { quality: 50 })).rejects.toThrow(TypeError);
    await expect(encodeJpeg({ data, width: 2, height: 2, channels: 3 }, { quality: 50, subsampling: '4:2:2' as '4:2:0' })).rejects.toThrow(/subsampling/);
  });
});

describe('the command\'s --jpeg-encoder', () => {
  const quiet = { stdout: { write: () => true }, stderr: { write: () => true } };
  it('writes with ours by default, MozJPEG on request (smaller, the same look), and refuses other names', async () => {
    const [w, h] = [120, 90];
    const input = join(root, 'in.png');
    writeFileSync(input, await sharp(Buffer.from(photo(w, h, 3)), { raw: { width: w, height: h, channels: 3 } }).png().toBuffer());
    expect((await runCli([input, '-o', join(root, 'fast.jpg'), '--scale', '2', '--quiet'], quiet)).code).toBe(0);
    expect((await runCli([input, '-o', join(root, 'moz.jpg'), '--scale', '2', '--quiet', '--jpeg-encoder', 'mozjpeg'], quiet)).code).toBe(0);
    const fast = readFileSync(join(root, 'fast.jpg'));
    const moz = readFileSync(join(root, 'moz.jpg'));
    expect(moz.length).toBeLessThan(fast.length * 0.95); // trellis quantisation, optimised tables
    const a = await viaSharp(fast);
    const b = await viaSharp(moz);
    expect(psnr(a, 3, b, 3)).toBeGreaterThan(35);
    let stderr = '';
    const bad = await runCli([input, '-o', join(root, 'x.jpg'), '--scale', '2', '--jpeg-encoder', 'turbo'], { ...quiet, stderr: { write: (t: string) => (stderr += t, true) } });
    expect(bad.code).toBe(2);
    expect(stderr).toMatch(/--jpeg-encoder must be one of fast, mozjpeg, but got 'turbo'/);
  }, 20_000);
});
