// The command's own lossy WebP encoder (src/cli/webp-encoder.ts, assembly/cli/webp-encoder.ts):
// every file it writes decodes with libwebp (@jsquash/webp) and with the command's own decoder to
// the same pixels, and with sharp; across sizes (1x1 to 640x480, odd ones), qualities 0-100 and
// flat, noisy and photo-like images; close to the source (a PSNR floor a quality), smaller as the
// quality drops; deterministic bytes (pinned hashes); alpha left to libwebp; the option's parsing.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, type CliOptions } from '../src/cli/args.js';
import { runCli } from '../src/cli/run.js';
import { encodeWasm } from '../src/cli/wasm-codecs.js';
import { decodeWebpLossy } from '../src/cli/webp-decoder.js';
import { encodeWebpLossy as encodeOrUndefined } from '../src/cli/webp-encoder.js';

/** The own encoder's file (undefined only past its bound, which no image here reaches). */
async function encodeWebpLossy(img: Parameters<typeof encodeOrUndefined>[0], quality: number): Promise<Uint8Array> {
  const bytes = await encodeOrUndefined(img, quality);
  if (!bytes) throw new Error('the own encoder gave up');
  return bytes;
}

const require = createRequire(import.meta.url);
type Decode = (bytes: ArrayBuffer) => Promise<{ data: Uint8ClampedArray; width: number; height: number }>;
let decode: Decode;

beforeAll(async () => {
  const dec = await import('@jsquash/webp/decode.js');
  const compiled = await WebAssembly.compile(readFileSync(require.resolve('@jsquash/webp/codec/dec/webp_dec.wasm')));
  await (dec.init as unknown as (m: WebAssembly.Module) => Promise<unknown>)(compiled);
  decode = dec.default as unknown as Decode;
});

type Kind = 'flat' | 'noise' | 'photo';

/** An opaque RGBA test image: one colour, uniform noise, or gradients with a disc, stripes and a little noise. */
function image(w: number, h: number, kind: Kind, seed = 7): { data: Uint8Array; width: number; height: number } {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const i = 4 * (y * w + x);
      if (kind === 'flat') {
        data.set([200, 120, 40], i);
      } else if (kind === 'noise') {
        data.set([seed >>> 24, (seed >>> 16) & 255, (seed >>> 8) & 255], i);
      } else {
        const n = ((seed >>> 24) / 255 - 0.5) * 8;
        const disc = Math.hypot(x - w / 2, y - h / 3) < Math.min(w, h) / 4 ? 70 : 0;
        const stripes = x > w / 2 && (x >> 2) & 1 ? 90 : 0;
        data[i] = Math.max(0, Math.min(255, 40 + (180 * x) / w + disc + n));
        data[i + 1] = Math.max(0, Math.min(255, 200 - (150 * y) / h + stripes + n));
        data[i + 2] = Math.max(0, Math.min(255, 128 + 100 * Math.sin(x / 7 + y / 11) - disc + n));
      }
      data[i + 3] = 255;
    }
  }
  return { data, width: w, height: h };
}

function psnr(a: Uint8Array, b: ArrayLike<number>): number {
  let se = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if ((i & 3) === 3) continue;
    se += (a[i] - b[i]) ** 2;
    n++;
  }
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255 * n) / se);
}

/** Encodes, checks the file with libwebp, the own decoder and sharp; returns it and libwebp's PSNR to the source. */
async function roundTrip(img: ReturnType<typeof image>, quality: number): Promise<{ bytes: Uint8Array; psnr: number }> {
  const bytes = await encodeWebpLossy(img, quality);
  expect(String.fromCharCode(...bytes.subarray(0, 4), ...bytes.subarray(8, 16))).toBe('RIFFWEBPVP8 ');
  const theirs = await decode(bytes.slice().buffer);
  expect([theirs.width, theirs.height]).toEqual([img.width, img.height]);
  const ours = await decodeWebpLossy(bytes);
  expect(ours, 'the own decoder takes it').toBeDefined();
  const same = Buffer.from(ours!.data).equals(Buffer.from(theirs.data.buffer, theirs.data.byteOffset, theirs.data.byteLength));
  expect(same, `${img.width}x${img.height} q${quality}: own decoder = libwebp`).toBe(true);
  const viaSharp = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([viaSharp.info.width, viaSharp.info.height]).toEqual([img.width, img.height]);
  return { bytes, psnr: psnr(img.data, theirs.data) };
}

describe('own WebP encoder: files libwebp, the own decoder and sharp read alike', () => {
  it('sizes 1x1 to 640x480, odd ones included', async () => {
    for (const [w, h] of [[1, 1], [1, 17], [17, 1], [2, 3], [15, 16], [16, 16], [17, 17], [33, 47], [100, 75], [640, 480]]) {
      const { psnr } = await roundTrip(image(w, h, 'photo'), 80);
      expect(psnr, `${w}x${h}`).toBeGreaterThan(w * h < 64 ? 15 : 26);
    }
  });

  it('qualities 0-100 on flat, noisy and photo-like images', async () => {
    for (const kind of ['flat', 'noise', 'photo'] as Kind[]) {
      let lastSize = 0;
      let lastPsnr = 0;
      for (const quality of [0, 10, 25, 50, 75, 80, 90, 100]) {
        const { bytes, psnr } = await roundTrip(image(48, 40, kind, 3), quality);
        if (kind === 'flat') {
          expect(psnr, `flat q${quality}`).toBeGreaterThan(quality >= 50 ? 44 : 27);
        } else {
          expect(bytes.length, `${kind} q${quality}: no smaller than at a lower quality`).toBeGreaterThanOrEqual(lastSize);
          expect(psnr, `${kind} q${quality}`).toBeGreaterThan(lastPsnr - 0.2);
          lastSize = bytes.length;
          lastPsnr = psnr;
        }
      }
      if (kind === 'photo') expect(lastPsnr).toBeGreaterThan(30); // 4:2:0 bounds it
    }
  });

  it("as close to the source as libwebp's encoder at the same quality (50, 80, 90), in as few bytes", async () => {
    const img = image(320, 240, 'photo', 11);
    for (const quality of [50, 80, 90]) {
      const ours = await roundTrip(img, quality);
      const theirs = await encodeWasm('webp', img, quality, 'libwebp');
      const theirPsnr = psnr(img.data, (await decode(theirs.slice().buffer)).data);
      expect(ours.psnr, `q${quality}`).toBeGreaterThan(theirPsnr - 0.25);
      expect(ours.bytes.length, `q${quality}`).toBeLessThan(theirs.length * 1.15);
    }
  });

  it('deterministic: the same bytes every run (pinned hashes)', async () => {
    const hash = async (img: ReturnType<typeof image>, q: number) => createHash('sha256').update(await encodeWebpLossy(img, q)).digest('hex').slice(0, 16);
    const got = [await hash(image(33, 47, 'photo'), 80), await hash(image(64, 48, 'noise'), 50), await hash(image(17, 9, 'flat'), 90)];
    expect(await hash(image(33, 47, 'photo'), 80)).toBe(got[0]);
    expect(got).toEqual(PINNED);
  });

  it('RGB input (3 bytes a pixel): the bytes of the same image as RGBA, odd sizes and the 2x2 chroma edges included', async () => {
    for (const [w, h, kind] of [[1, 1, 'noise'], [2, 3, 'noise'], [3, 2, 'photo'], [17, 9, 'noise'], [33, 47, 'photo'], [64, 48, 'noise'], [161, 97, 'photo']] as const) {
      const rgba = image(w, h, kind);
      const rgb = new Uint8Array(w * h * 3);
      for (let i = 0; i < w * h; i++) rgb.set(rgba.data.subarray(4 * i, 4 * i + 3), 3 * i);
      const fromRgb = await encodeWebpLossy({ data: rgb, width: w, height: h, channels: 3 }, 75);
      expect(Buffer.from(fromRgb).equals(Buffer.from(await encodeWebpLossy(rgba, 75))), `${w}x${h} ${kind}`).toBe(true);
    }
  });

  it('bad input: a clear RangeError', async () => {
    await expect(encodeWebpLossy(image(4, 4, 'flat'), 101)).rejects.toThrow(RangeError);
    await expect(encodeWebpLossy({ ...image(4, 4, 'flat'), channels: 2 as 3 }, 80)).rejects.toThrow(/channels must be 3 \(RGB\) or 4 \(RGBA\), but got 2/);
    await expect(encodeWebpLossy({ data: new Uint8Array(0), width: 0, height: 4 }, 80)).rejects.toThrow(/1 to 16383/);
  });
});

const PINNED = ['c5002874f85cfd81', '97f221ed09c7970e', '94aa93231777128c'];

describe('--webp-encoder', () => {
  const parse = (...args: string[]) => parseArgs(['in.png', '-o', 'out.webp', '--width', '10', ...args]) as CliOptions;

  it('parses fast and libwebp, refuses others', () => {
    expect(parse('--webp-encoder', 'fast').webpEncoder).toBe('fast');
    expect(parse('--webp-encoder', 'libwebp').webpEncoder).toBe('libwebp');
    expect(['fast', 'libwebp']).toContain(parse().webpEncoder);
    expect(() => parse('--webp-encoder', 'vp8')).toThrow(/--webp-encoder must be one of fast, libwebp/);
  });

  it('fast writes an opaque image itself; an image with alpha goes to libwebp (ALPH)', async () => {
    const img = image(40, 30, 'photo');
    const opaque = await encodeWasm('webp', img, 80, 'fast');
    expect(Buffer.from(opaque).equals(Buffer.from(await encodeWebpLossy(img, 80)))).toBe(true);
    const translucent = { ...img, data: img.data.slice() };
    translucent.data[3] = 128;
    const withAlpha = await encodeWasm('webp', translucent, 80, 'fast');
    expect(String.fromCharCode(...withAlpha.subarray(12, 16))).toBe('VP8X');
    expect(Buffer.from(withAlpha).includes(Buffer.from('ALPH'))).toBe(true);
    const libwebp = await encodeWasm('webp', img, 80, 'libwebp');
    expect(Buffer.from(libwebp).equals(Buffer.from(opaque))).toBe(false);
  });

  it('the command writes WebP with the own encoder by default, with libwebp on request, both close to the same pixels', async () => {
    const root = mkdtempSync(join(tmpdir(), 'webp-encoder-'));
    try {
      const img = image(96, 64, 'photo');
      await sharp(Buffer.from(img.data), { raw: { width: 96, height: 64, channels: 4 } }).png().toFile(join(root, 'in.png'));
      const quiet = { write: () => {} };
      const files: Record<string, Uint8Array> = {};
      for (const [name, extra] of [['default', []], ['fast', ['--webp-encoder', 'fast']], ['libwebp', ['--webp-encoder', 'libwebp']]] as const) {
        const { code } = await runCli([join(root, 'in.png'), '-o', join(root, `${name}.webp`), '--scale', '1', '--quiet', ...extra], { stdout: quiet, stderr: quiet });
        expect(code).toBe(0);
        files[name] = new Uint8Array(readFileSync(join(root, `${name}.webp`)));
      }
      expect(Buffer.from(files.default).equals(Buffer.from(files.fast))).toBe(true);
      expect(Buffer.from(files.fast).equals(Buffer.from(files.libwebp))).toBe(false);
      const fast = psnr(img.data, (await decode(files.fast.slice().buffer)).data);
      const libwebp = psnr(img.data, (await decode(files.libwebp.slice().buffer)).data);
      expect(fast).toBeGreaterThan(libwebp - 0.25);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
