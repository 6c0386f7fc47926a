// WebP input opaque by its format (issue 20): a lossy image without an ALPH chunk skips the alpha
// scan; anything else keeps it, whatever VP8X's or VP8L's alpha flags claim, because libwebp
// decodes an ALPH chunk even where VP8X's flag says there is none.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageBytes } from '../src/cli/codecs.js';
import { runCli } from '../src/cli/run.js';
import { inspectWebp } from '../src/cli/webp.js';

let root: string;
beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'upsample-webp-')); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SIZE = 24;
/** RGBA with every third pixel at alpha 60: premultiplied and straight resizing differ on it. */
function pixels(alpha: boolean): Buffer {
  const data = Buffer.alloc(SIZE * SIZE * 4);
  for (let i = 0; i < SIZE * SIZE; i++) {
    data[4 * i] = (i * 11) & 255;
    data[4 * i + 1] = 255 - (i & 255);
    data[4 * i + 2] = (i * 7) & 255;
    data[4 * i + 3] = alpha && i % 3 === 0 ? 60 : 255;
  }
  return data;
}
const webp = (alpha: boolean, lossless: boolean) =>
  sharp(pixels(alpha), { raw: { width: SIZE, height: SIZE, channels: 4 } }).webp({ quality: 90, lossless }).toBuffer();

/** The chunk names of a WebP file, in order. */
function chunks(bytes: Uint8Array): string[] {
  const names: string[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 12; at < bytes.length;) {
    const size = view.getUint32(at + 4, true);
    names.push(String.fromCharCode(...bytes.subarray(at, at + 4)));
    at += 8 + size + (size & 1);
  }
  return names;
}

describe('inspectWebp opaque', () => {
  it('is true for a lossy image without ALPH only', async () => {
    const lossy = await webp(false, false);
    const lossyAlpha = await webp(true, false);
    expect(chunks(lossy)).toEqual(['VP8 ']);
    expect(chunks(lossyAlpha)).toEqual(['VP8X', 'ALPH', 'VP8 ']);
    expect(inspectWebp(lossy).opaque).toBe(true);
    expect(inspectWebp(lossyAlpha).opaque).toBe(false);
    // Lossless: the alpha flag is a hint, so not even an opaque one is trusted.
    expect(inspectWebp(await webp(false, true)).opaque).toBe(false);
    expect(inspectWebp(await webp(true, true)).opaque).toBe(false);
  });

  it('keeps ALPH where VP8X says no alpha: libwebp decodes it, and the command resizes it premultiplied', async () => {
    const flagless = await webp(true, false);
    flagless[20] &= ~0x10; // VP8X's alpha flag (the chunk's first byte)
    expect(inspectWebp(flagless).opaque).toBe(false);
    const decoded = await decodeImageBytes(flagless, 'flagless.webp');
    expect(decoded.data.filter((_, i) => i % 4 === 3 && decoded.data[i] < 128).length).toBeGreaterThan(100);
    expect(decoded.opaque).toBeFalsy();

    // The same pixels as a PNG with alpha (always resized premultiplied): the outputs must agree.
    writeFileSync(join(root, 'flagless.webp'), flagless);
    await sharp(decoded.data, { raw: { width: SIZE, height: SIZE, channels: 4 } }).png().toFile(join(root, 'same.png'));
    const quiet = { write: () => {} };
    for (const name of ['flagless.webp', 'same.png']) {
      const { code } = await runCli([join(root, name), '-o', join(root, `${name}.png`), '--scale', '0.5', '--antialias', '--quiet'], { stdout: quiet, stderr: quiet });
      expect(code).toBe(0);
    }
    expect(readFileSync(join(root, 'flagless.webp.png')).equals(readFileSync(join(root, 'same.png.png')))).toBe(true);
  });

  it('decodes an opaque lossy WebP as opaque, with every alpha 255', async () => {
    const decoded = await decodeImageBytes(await webp(false, false), 'lossy.webp');
    expect(decoded.opaque).toBe(true);
    expect(decoded.data.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true);
  });
});
