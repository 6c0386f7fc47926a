// JPEG output in strips (src/cli/jpeg-strips.ts, jpeg-huffman.ts): strips encoded apart, their
// scans re-coded to the standard Huffman tables and joined with restart markers, decode (by
// sharp's libjpeg-turbo) as the image encoded whole does, for widths and heights that are and are
// not whole MCUs; and the command's JPEG output, which goes through strips, against the whole path,
// with either encoder (ours codes with the standard tables, so its scans are joined as they are).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJpeg } from '../src/cli/jpeg-encoder.js';
import { joinStrips, stripRows } from '../src/cli/jpeg-strips.js';
import { jpegStripSink, stripsHere } from '../src/cli/jpeg-strip-sink.js';
import { runCli } from '../src/cli/run.js';
import { encodeWasm } from '../src/cli/wasm-codecs.js';
import { init, resizeImage } from '../src/index.js';

let root: string;
beforeAll(async () => { root = mkdtempSync(join(tmpdir(), 'upsample-strips-')); await init(); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

function picture(w: number, h: number): Uint8Array {
  const d = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = 4 * (y * w + x);
      d[i] = (x * 3 + y) & 255;
      d[i + 1] = (128 + 100 * Math.sin(x / 5 + y / 7)) | 0;
      d[i + 2] = (x ^ y) & 255;
      d[i + 3] = 255;
    }
  }
  return d;
}

const decode = async (bytes: Uint8Array) => sharp(Buffer.from(bytes)).raw().toBuffer({ resolveWithObject: true });
const meanAbs = (a: Uint8Array, b: Uint8Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]); return s / a.length; };

describe('JPEG strips joined with restart markers', () => {
  it.each([[64, 80, 32], [70, 53, 16], [333, 260, 48], [17, 16, 16]])('%i x %i in strips of %i rows decodes as the whole image encoded at once', async (w, h, rows) => {
    const data = picture(w, h);
    const whole = await encodeWasm('jpeg', { data, width: w, height: h }, 90);
    const strips: Uint8Array[] = [];
    for (let y = 0; y < h; y += rows) {
      const n = Math.min(rows, h - y);
      strips.push(await encodeWasm('jpeg', { data: data.slice(y * w * 4, (y + n) * w * 4), width: w, height: n }, 90));
    }
    const joined = await decode(joinStrips(strips, w, h, rows));
    const reference = await decode(whole);
    expect([joined.info.width, joined.info.height]).toEqual([w, h]);
    // Trellis quantisation decides per strip, so a few coefficients differ; the pixels barely do.
    expect(meanAbs(joined.data, reference.data)).toBeLessThan(0.6);
  });

  it("takes rows written into its strip (room) without a copy: the same JPEG as rows added from elsewhere", async () => {
    const [w, h] = [40, 70]; // strips of 16 rows: 4 whole and a last of 6
    const data = picture(w, h);
    const settings = { quality: 90, encoder: 'fast' as const };
    const copied = jpegStripSink(w, h, 4, settings, stripsHere, 'copied');
    const placed = jpegStripSink(w, h, 4, settings, stripsHere, 'placed');
    let inPlace = 0;
    for (let y = 0; y < h; y += 8) { // bands of 8 rows: two a strip
      const rows = data.subarray(y * w * 4, Math.min(h, y + 8) * w * 4);
      await copied.add(rows);
      const room = placed.room(rows.length);
      if (room) { room.set(rows); inPlace++; }
      await placed.add(room ?? rows);
    }
    expect(inPlace).toBe(9);
    expect(placed.room(w * 4)).toBeUndefined(); // full: no room past the image's rows
    expect(Buffer.from(await placed.finish()).equals(Buffer.from(await copied.finish()))).toBe(true);
  });

  it('refuses strips of different widths or settings (not one image)', async () => {
    const a = await encodeWasm('jpeg', { data: picture(32, 16), width: 32, height: 16 }, 90);
    const b = await encodeWasm('jpeg', { data: picture(32, 16), width: 32, height: 16 }, 50);
    expect(() => joinStrips([a, b], 32, 32, 16)).toThrow(/another header/);
  });

  it('plans whole MCU rows and at most 65535 MCUs a strip', () => {
    for (const w of [1, 16, 1000, 8000, 65535]) {
      const rows = stripRows(w);
      expect(rows % 16).toBe(0);
      expect(Math.ceil(w / 16) * (rows / 16)).toBeLessThanOrEqual(0xffff);
    }
  });

  it.each([['fast', 2], ['fast', 1], ['mozjpeg', 2]] as const)('the command (--jpeg-encoder %s, --threads %i: strips on a helper / on the converting thread) writes JPEG through strips that decodes as the whole-image encode of resizeImage\'s output', async (encoder, threads) => {
    const dir = join(root, `cmd-${encoder}-${threads}`);
    mkdirSync(dir);
    const [w, h] = [300, 290];
    const source = picture(w, h);
    writeFileSync(join(dir, 'in.png'), await sharp(Buffer.from(source), { raw: { width: w, height: h, channels: 4 } }).png().toBuffer());
    const run = await runCli([join(dir, 'in.png'), '-o', join(dir, 'out.jpg'), '--scale', '2', '--quiet', '--threads', String(threads), '--jpeg-encoder', encoder],
      { stdout: { write: () => true }, stderr: { write: () => true } });
    expect(run.code).toBe(0);
    const bytes = readFileSync(join(dir, 'out.jpg'));
    expect(bytes.includes(Buffer.from([0xff, 0xdd]))).toBe(true); // a restart interval: the strip path ran
    const resized = resizeImage({ data: source, width: w, height: h, channels: 4 }, { scale: 2 }, { mode: 'bilinear', premultiplyAlpha: false });
    const image = { data: new Uint8Array(resized.data.buffer), width: 600, height: 580 };
    const whole = await decode(encoder === 'fast' ? await encodeJpeg(image, { quality: 90 }) : await encodeWasm('jpeg', image, 90));
    const ours = await decode(bytes);
    expect([ours.info.width, ours.info.height]).toEqual([600, 580]);
    // Ours codes each block as the whole-image encode does; MozJPEG's trellis decides per strip.
    expect(meanAbs(ours.data, whole.data)).toBeLessThanOrEqual(encoder === 'fast' ? 0 : 0.6);
  }, 20_000);
});
