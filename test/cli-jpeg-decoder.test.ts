// The command's own baseline JPEG decoder (src/cli/jpeg-decoder.ts, assembly/cli/jpeg-decoder.ts)
// against MozJPEG's decode of the same files (@jsquash, libjpeg-turbo's islow IDCT and fancy
// upsampling): full size within a level (float IDCT), grey and colour, 4:4:4, 4:2:2, 4:2:0,
// sizes that are not whole MCUs, restart markers (OpenCV's, our encoder's strips); shrink on
// decode at 1/2, 1/4, 1/8 against MozJPEG's full decode box-averaged; what it leaves to MozJPEG
// (progressive, CMYK); Huffman codes longer than the decoder's lookup, values that do not fit it
// and blocks of DC alone (runs of sixteen zeros: the photos); corrupt data refused cleanly, never a crash, the module usable after;
// the command's --jpeg-decoder and --no-shrink-on-decode.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type JpegOptions } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageBytes, ImageFileError } from '../src/cli/codecs.js';
import { decodeJpeg, JpegDecodeError, parseBaseline, releaseDecoded, type JpegScale } from '../src/cli/jpeg-decoder.js';
import { shrinkFor } from '../src/cli/jpeg-decoding.js';
import { encodeJpeg } from '../src/cli/jpeg-encoder.js';
import { joinStrips } from '../src/cli/jpeg-strips.js';
import { runCli } from '../src/cli/run.js';
import { decodeWasm } from '../src/cli/wasm-codecs.js';

let root: string;
beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'upsample-jpeg-decoder-')); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/jpeg-decoder/${name}`, import.meta.url)));

/** A smoother photo: gradients, a soft-edged disc, a little noise (no hard 8-pixel chroma edges). */
function natural(w: number, h: number, seed = 3): Uint8Array {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const noise = (seed >>> 24) / 64 - 2;
      const disc = 1 / (1 + Math.exp((Math.hypot(x - w / 2, y - h / 2) - Math.min(w, h) / 3) / 2));
      const i = 3 * (y * w + x);
      data[i] = 60 + 120 * (x / w) + 50 * disc + noise;
      data[i + 1] = 90 + 80 * (y / h) - 40 * disc + noise;
      data[i + 2] = 150 - 60 * Math.sin(x / 40 + y / 25) + 30 * disc + noise;
    }
  }
  return data;
}

/** A photo-like RGB image: smooth colour, hard-edged squares, a little noise. */
function photo(w: number, h: number, seed = 7): Uint8Array {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const noise = (seed >>> 24) / 32 - 4;
      const i = 3 * (y * w + x);
      data[i] = 128 + 90 * Math.sin(x / 13 + y / 29) + noise;
      data[i + 1] = 110 + 70 * Math.cos(y / 17) + (((x >> 3) + (y >> 3)) & 1 ? 40 : -40) + noise;
      data[i + 2] = 90 + 80 * Math.sin((x * y) / 900) + noise;
    }
  }
  return data;
}

async function sharpJpeg(w: number, h: number, options: JpegOptions & { grey?: boolean }): Promise<Uint8Array> {
  let image = sharp(Buffer.from(photo(w, h)), { raw: { width: w, height: h, channels: 3 } });
  if (options.grey) image = image.toColourspace('b-w'); // one component
  return new Uint8Array(await image.jpeg({ quality: 90, ...options }).toBuffer());
}

/** Mean and largest absolute difference over the colour channels of two RGBA images. */
function difference(a: Uint8Array, b: Uint8Array): { mean: number; max: number } {
  expect(a.length).toBe(b.length);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    if ((i & 3) === 3) { expect(a[i]).toBe(255); continue; }
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / (a.length * 0.75), max };
}

/** A full-size decode (MozJPEG's or ours) box-averaged by `scale` (edge boxes: the pixels there are). */
function boxAverage(image: { data: Uint8Array; width: number; height: number }, scale: number): Uint8Array {
  const w = Math.ceil(image.width / scale);
  const h = Math.ceil(image.height / scale);
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        let n = 0;
        for (let yy = y * scale; yy < Math.min(image.height, (y + 1) * scale); yy++) {
          for (let xx = x * scale; xx < Math.min(image.width, (x + 1) * scale); xx++, n++) sum += image.data[4 * (yy * image.width + xx) + c];
        }
        out[4 * (y * w + x) + c] = Math.round(sum / n);
      }
    }
  }
  return out;
}

async function againstMozjpeg(bytes: Uint8Array): Promise<{ mean: number; max: number }> {
  const ours = await decodeJpeg(bytes);
  const reference = await decodeWasm('jpeg', bytes);
  expect(ours).toBeDefined();
  expect([ours!.width, ours!.height]).toEqual([reference.width, reference.height]);
  return difference(ours!.data, reference.data);
}

describe('decodeJpeg at full size: MozJPEG\'s pixels within a level', () => {
  const cases: Array<[string, number, number, JpegOptions & { grey?: boolean }]> = [
    ['4:2:0', 181, 77, {}], ['4:2:0', 1, 1, {}], ['4:2:0', 17, 9, {}], ['4:4:4', 181, 77, { chromaSubsampling: '4:4:4' }],
    ['4:4:4', 9, 23, { chromaSubsampling: '4:4:4' }], ['grey', 181, 77, { grey: true }], ['grey', 3, 11, { grey: true }],
    ['4:2:0 quality 50', 64, 48, { quality: 50 }], ['4:2:0 quality 100', 40, 33, { quality: 100 }],
  ];
  it.each(cases)('%s %i x %i (sharp\'s libjpeg-turbo encode)', async (_name, w, h, options) => {
    const { mean, max } = await againstMozjpeg(await sharpJpeg(w, h, options));
    expect(mean).toBeLessThan(0.15);
    expect(max).toBeLessThanOrEqual(4);
  });

  it.each(['pillow-422.jpg', 'opencv-420-restart2.jpg', 'opencv-grey-restart3.jpg'])('%s (4:2:2; restart markers every 2 and 3 MCUs)', async (name) => {
    const bytes = fixture(name);
    const parsed = parseBaseline(bytes)!;
    expect(parsed).toBeDefined();
    if (name.includes('restart')) expect(parsed.restart).toBeGreaterThan(0);
    const { mean, max } = await againstMozjpeg(bytes);
    expect(mean).toBeLessThan(0.15);
    expect(max).toBeLessThanOrEqual(4);
  });

  it('our encoder\'s strips joined with restart markers (./jpeg-strips.ts), grey and colour', async () => {
    for (const [w, h] of [[70, 50], [33, 40]]) {
      const channels = 3;
      const data = photo(w, h);
      const rows = 16;
      const parts: Uint8Array[] = [];
      for (let y = 0; y < h; y += rows) {
        const n = Math.min(rows, h - y);
        parts.push(await encodeJpeg({ data: data.subarray(y * w * channels, (y + n) * w * channels), width: w, height: n, channels }, { quality: 85 }));
      }
      const bytes = joinStrips(parts, w, h, rows);
      expect(parseBaseline(bytes)!.restart).toBeGreaterThan(0);
      const { mean, max } = await againstMozjpeg(bytes);
      expect(mean).toBeLessThan(0.15);
      expect(max).toBeLessThanOrEqual(4);
    }
  });
});

describe('Huffman lookups and the full-size IDCT\'s special cases, against MozJPEG', () => {
  /** Pseudo-random RGB (or grey) bytes: every coefficient large at quality 100. */
  function noise(w: number, h: number, channels: number, seed = 11): Uint8Array {
    const data = new Uint8Array(w * h * channels);
    for (let i = 0; i < data.length; i++) { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; data[i] = seed >>> 24; }
    return data;
  }

  it('noise at quality 100 with the standard tables (our encoder): codes longer than the 10-bit lookup (AC to 16 bits), values that do not fit it', async () => {
    for (const channels of [1, 3] as const) {
      const bytes = await encodeJpeg({ data: noise(67, 45, channels), width: 67, height: 45, channels }, { quality: 100 });
      const { mean, max } = await againstMozjpeg(bytes);
      expect(mean).toBeLessThan(0.15);
      expect(max).toBeLessThanOrEqual(4);
    }
  });

  it('a one-pixel checkerboard on flat grey at quality 60: the highest frequencies, long zero runs before them', async () => {
    const [w, h] = [48, 40];
    const data = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = x < 24 ? 128 : 128 + (((x + y) & 1) ? 60 : -60);
    const { mean, max } = await againstMozjpeg(await encodeJpeg({ data, width: w, height: h, channels: 1 }, { quality: 60 }));
    expect(mean).toBeLessThan(0.15);
    expect(max).toBeLessThanOrEqual(4);
  });

  it('blocks of DC alone (flat 16 x 16 tiles, 4:4:4): flat, and MozJPEG\'s within a level at every scale', async () => {
    const [w, h] = [64, 48];
    const rgb = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) rgb[3 * (y * w + x) + c] = (37 * (x >> 4) + 71 * (y >> 4) + 90 * c) & 255;
    const bytes = new Uint8Array(await sharp(Buffer.from(rgb), { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90, chromaSubsampling: '4:4:4' }).toBuffer());
    const reference = await decodeWasm('jpeg', bytes);
    for (const scale of [1, 2, 4, 8] as const) {
      const ours = (await decodeJpeg(bytes, scale))!;
      const tile = 16 / scale;
      for (let y = 0; y < ours.height; y++) {
        for (let x = 0; x < ours.width; x++) {
          const corner = 4 * ((y - (y % tile)) * ours.width + (x - (x % tile)));
          for (let c = 0; c < 4; c++) expect(ours.data[4 * (y * ours.width + x) + c]).toBe(ours.data[corner + c]);
        }
      }
      expect(difference(ours.data, boxAverage(reference, scale)).max).toBeLessThanOrEqual(1);
    }
  });
});

describe('shrink on decode', () => {
  it.each([2, 4, 8] as const)('1/%i: the size rounded up, MozJPEG\'s full decode box-averaged within a level (4:2:0: its chroma is blurred by upsampling before, ours not)', async (scale: JpegScale) => {
    const cases = [[181, 77, { grey: true }, photo(181, 77), 0.4], [100, 64, { chromaSubsampling: '4:4:4' }, photo(100, 64), 0.8],
      [181, 77, {}, natural(181, 77), 1.2]] as const;
    for (const [w, h, options, pixels, bound] of cases) {
      let image = sharp(Buffer.from(pixels), { raw: { width: w, height: h, channels: 3 } });
      if ('grey' in options) image = image.toColourspace('b-w');
      const bytes = new Uint8Array(await image.jpeg({ quality: 90, ...options }).toBuffer());
      const ours = (await decodeJpeg(bytes, scale))!;
      expect([ours.width, ours.height]).toEqual([Math.ceil(w / scale), Math.ceil(h / scale)]);
      const { mean } = difference(ours.data, boxAverage(await decodeWasm('jpeg', bytes), scale));
      expect(mean).toBeLessThan(bound);
    }
  });

  it.each([2, 4, 8] as const)('1/%i: its own full decode box-averaged within a level at every sample (grey, every frequency, nothing saturated: the reduced IDCTs are the full one averaged)', async (scale: JpegScale) => {
    const [w, h] = [184, 80];
    let seed = 5;
    const busy = Uint8Array.from({ length: w * h }, (_, i) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const [x, y] = [i % w, Math.floor(i / w)];
      return 128 + 40 * Math.sin(x / 3 + y / 5) + ((x ^ y) & 1 ? 20 : -20) + (seed >>> 24) / 8 - 16;
    });
    for (const quality of [90, 50]) {
      const bytes = new Uint8Array(await sharp(Buffer.from(busy), { raw: { width: w, height: h, channels: 1 } }).jpeg({ quality }).toBuffer());
      const ours = (await decodeJpeg(bytes, scale))!;
      const { mean, max } = difference(ours.data, boxAverage((await decodeJpeg(bytes))!, scale));
      expect(max).toBeLessThanOrEqual(1);
      expect(mean).toBeLessThan(0.3);
    }
  });

  it('shrinkFor: the smallest scale still at least the resized size, only for antialiased PyTorch downscales, off on request', () => {
    const on = { decoder: 'fast' as const, shrink: true };
    const aa = { antialias: true };
    expect(shrinkFor(on, 3000, 2000, 800, 533, aa)).toBe(2);
    expect(shrinkFor(on, 4000, 3000, 500, 375, aa)).toBe(8);
    expect(shrinkFor(on, 4000, 3000, 501, 376, aa)).toBe(4);
    expect(shrinkFor(on, 1024, 768, 800, 600, aa)).toBe(1);
    expect(shrinkFor(on, 4000, 3000, 500, 375, {})).toBe(1);
    expect(shrinkFor(on, 4000, 3000, 500, 375, { ...aa, linearLight: true })).toBe(1);
    expect(shrinkFor(on, 4000, 3000, 500, 375, { convention: 'pillow', mode: 'bilinear' })).toBe(1);
    expect(shrinkFor({ ...on, shrink: false }, 4000, 3000, 500, 375, aa)).toBe(1);
    expect(shrinkFor({ ...on, decoder: 'mozjpeg' }, 4000, 3000, 500, 375, aa)).toBe(1);
  });
});

describe('what it leaves to MozJPEG, and corrupt data', () => {
  it('progressive files (and arithmetic, 12-bit, 4 components, several scans) are not its kind (undefined); the command decodes them with MozJPEG', async () => {
    const progressive = await sharpJpeg(40, 30, { progressive: true });
    const grey = await sharpJpeg(40, 30, { progressive: true, grey: true });
    for (const bytes of [progressive, grey]) {
      expect(await decodeJpeg(bytes)).toBeUndefined();
      const image = await decodeImageBytes(bytes, 'x.jpg');
      expect(image.data).toEqual((await decodeWasm('jpeg', bytes)).data);
    }
  });

  it('scan data cut short or a restart marker out of order: JpegDecodeError; the command then gives MozJPEG\'s refusal', async () => {
    const bytes = fixture('opencv-420-restart2.jpg');
    const scan = parseBaseline(bytes)!.scanStart;
    const cut = new Uint8Array([...bytes.subarray(0, scan + 200), 0xff, 0xd9]);
    await expect(decodeJpeg(cut)).rejects.toThrow(JpegDecodeError);
    await expect(decodeJpeg(cut)).rejects.toThrow(/premature end/);
    await expect(decodeImageBytes(cut, 'cut.jpg')).rejects.toThrow(ImageFileError);
    let rst = scan;
    while (!(bytes[rst] === 0xff && bytes[rst + 1] === 0xd1)) rst++; // the second restart marker renumbered
    const swapped = bytes.slice();
    swapped[rst + 1] = 0xd5;
    await expect(decodeJpeg(swapped)).rejects.toThrow(/restart marker/);
  });

  it('1,500 mutated scans (bit flips, cut and repeated bytes, stray markers) at every scale: an image of the right size or JpegDecodeError; the module decodes a good file exactly after', async () => {
    const seeds = [fixture('opencv-420-restart2.jpg'), fixture('pillow-422.jpg'), fixture('opencv-grey-restart3.jpg'), await sharpJpeg(37, 21, { chromaSubsampling: '4:4:4' })];
    const good = (await decodeJpeg(seeds[0]))!;
    let state = 12345;
    const int = (n: number) => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return (state >>> 8) % n; };
    let decoded = 0;
    let refused = 0;
    for (let i = 0; i < 1500; i++) {
      const seed = seeds[i % seeds.length];
      const scan = parseBaseline(seed)!.scanStart;
      let bytes = seed.slice();
      const at = scan + int(bytes.length - scan - 2);
      const kind = int(4);
      if (kind === 0) for (let k = 1 + int(6); k > 0; k--) bytes[scan + int(bytes.length - scan - 2)] ^= 1 << int(8);
      else if (kind === 1) bytes = new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1 + int(40))]);
      else if (kind === 2) bytes = new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at - 1 - int(20), at), ...bytes.subarray(at)]);
      else bytes = new Uint8Array([...bytes.subarray(0, at), 0xff, [0x00, 0xd0, 0xd3, 0xd9, 0xff, 0xc4][int(6)], ...bytes.subarray(at)]);
      const scale = ([1, 2, 4, 8] as const)[int(4)];
      try {
        const image = await decodeJpeg(bytes, scale);
        if (image) {
          expect(image.data.length).toBe(image.width * image.height * 4);
          decoded++;
        }
      } catch (error) {
        if (!(error instanceof JpegDecodeError)) throw new Error(`case ${i}: ${(error as Error)?.stack ?? error}`);
        refused++;
      }
    }
    expect(decoded).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
    expect((await decodeJpeg(seeds[0]))!.data).toEqual(good.data);
  }, 60_000);
});

describe('the command\'s --jpeg-decoder and --no-shrink-on-decode', () => {
  const quiet = { stdout: { write: () => true }, stderr: { write: () => true } };
  it('a strong antialiased downscale shrinks on decode by default (close to the full decode\'s result), not with --no-shrink-on-decode or mozjpeg', async () => {
    const [w, h] = [400, 300];
    const input = join(root, 'in.jpg');
    writeFileSync(input, await sharp(Buffer.from(natural(w, h)), { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
    const out = (name: string) => join(root, name);
    const base = [input, '--width', '90', '--mode', 'bilinear', '--antialias', '--quiet'];
    expect((await runCli([...base, '-o', out('shrunk.png')], quiet)).code).toBe(0);
    expect((await runCli([...base, '-o', out('exact.png'), '--no-shrink-on-decode'], quiet)).code).toBe(0);
    expect((await runCli([...base, '-o', out('moz.png'), '--jpeg-decoder', 'mozjpeg'], quiet)).code).toBe(0);
    const read = async (name: string) => new Uint8Array(await sharp(out(name)).ensureAlpha().raw().toBuffer());
    const [shrunk, exact, moz] = [await read('shrunk.png'), await read('exact.png'), await read('moz.png')];
    expect(shrunk.length).toBe(90 * 68 * 4);
    const exactVsMoz = difference(exact, moz);
    expect(exactVsMoz.mean).toBeLessThan(0.15); // the decoders agree
    const shrunkVsExact = difference(shrunk, exact);
    expect(shrunkVsExact.mean).toBeGreaterThan(0); // shrinking did change the result
    expect(shrunkVsExact.mean).toBeLessThan(2);
    console.log(`shrink on decode, 400 x 300 to 90 wide: mean difference ${shrunkVsExact.mean.toFixed(2)} levels, largest ${shrunkVsExact.max}`);
    let stderr = '';
    const bad = await runCli([...base, '-o', out('x.png'), '--jpeg-decoder', 'turbo'], { ...quiet, stderr: { write: (t: string) => (stderr += t, true) } });
    expect(bad.code).toBe(2);
    expect(stderr).toMatch(/--jpeg-decoder must be one of fast, mozjpeg, but got 'turbo'/);
  }, 30_000);
});

describe('decoded arrays given back (releaseDecoded)', () => {
  it('the next decode fills the array given back when it is large enough, with the same pixels as a fresh one; not an array it did not make', async () => {
    const large = await sharpJpeg(96, 80, {});
    const small = await sharpJpeg(40, 24, { chromaSubsampling: '4:4:4' });
    const fresh = (await decodeJpeg(small))!.data.slice();
    const first = (await decodeJpeg(large))!;
    first.data.fill(7); // stale bytes: every one must be overwritten
    releaseDecoded(first.data);
    const again = (await decodeJpeg(small))!;
    expect(again.data.buffer).toBe(first.data.buffer);
    expect(again.data.length).toBe(40 * 24 * 4);
    expect(Buffer.from(again.data).equals(Buffer.from(fresh))).toBe(true);
    // Taken: the next decode gets another array until this one is given back.
    const other = (await decodeJpeg(small))!;
    expect(other.data.buffer).not.toBe(first.data.buffer);
    // An array the decoder did not make is not taken back.
    const foreign = new Uint8Array(96 * 80 * 4);
    releaseDecoded(foreign);
    expect((await decodeJpeg(small))!.data.buffer).not.toBe(foreign.buffer);
  });
});

describe('pixels left in the module (decodeJpeg inModule, the command\'s held images)', () => {
  it('the same pixels as an array of their own, RGB and RGBA, full size and shrunk, grey too; a view of the module memory, not an array the decoder hands out again', async () => {
    const files = [await sharpJpeg(96, 80, {}), await sharpJpeg(37, 29, { chromaSubsampling: '4:4:4' }), await sharpJpeg(50, 34, { grey: true })];
    for (const bytes of files) {
      for (const channels of [3, 4] as const) {
        for (const scale of [1, 2, 8] as const) {
          const own = (await decodeJpeg(bytes, scale, channels))!;
          const held = (await decodeJpeg(bytes, scale, channels, true))!;
          expect([held.width, held.height, held.channels]).toEqual([own.width, own.height, own.channels]);
          expect(held.data.length).toBe(own.width * own.height * channels);
          expect(Buffer.from(held.data).equals(Buffer.from(own.data))).toBe(true);
          expect(held.data.buffer).not.toBe(own.data.buffer);
          releaseDecoded(held.data); // not the decoder's array: ignored
          expect((await decodeJpeg(bytes, scale, channels))!.data.buffer).not.toBe(held.data.buffer);
        }
      }
    }
  });
});
