// Opaque images carried as RGB (3 bytes a pixel) through the command (src/cli/rgb.ts): the own
// JPEG decoder's RGB rows are its RGBA rows without alpha, sample for sample (every sampling,
// scale, odd width); EXIF orientation, --fit's canvas and the RGBA expansion keep each channel
// in its place; and a converted file's bytes (JPEG, PNG or lossy WebP input; JPEG whole and in
// strips, PNG, WebP by the own encoder (RGB) and by libwebp (RGBA); modes, fits,
// orientations; the SIMD build, the scalar build and `js`) are those of the RGBA pipeline built
// here from the same parts. The test images' R, G and B differ everywhere, so a swapped or shifted
// channel changes the bytes.

import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageBackend } from '../src/image-band.js';
import { parseArgs, type CliOptions } from '../src/cli/args.js';
import { decodeChecked, inspectImage, sniff } from '../src/cli/codecs.js';
import { convertImage } from '../src/cli/convert.js';
import { orient } from '../src/cli/exif.js';
import { bandGeometry, planBands } from '../src/cli/bands.js';
import { onlyResizes, placeOnCanvas, planFit, type FitPlan } from '../src/cli/fit.js';
import { decodeJpeg, type JpegScale } from '../src/cli/jpeg-decoder.js';
import { encodeJpeg } from '../src/cli/jpeg-encoder.js';
import { jpegStripSink, stripsHere } from '../src/cli/jpeg-strip-sink.js';
import { stripRows } from '../src/cli/jpeg-strips.js';
import { encodePng } from '../src/cli/png-write.js';
import { rgbaOf } from '../src/cli/rgb.js';
import { encodeWasm } from '../src/cli/wasm-codecs.js';
import type { WebpEncoderName } from '../src/cli/webp-encoder.js';
import { imageOps } from '../src/image-band.js';
import { init } from '../src/index.js';

beforeAll(async () => { await init(); });

/** width x height RGB whose channels differ: red across, green down, blue a product. */
function colours(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      rgb[at] = (x * 255) / Math.max(1, width - 1);
      rgb[at + 1] = (y * 255) / Math.max(1, height - 1);
      rgb[at + 2] = ((x * 7 + y * 3) * 5) & 255;
    }
  }
  return rgb;
}

/** A baseline JPEG of colours(width, height) (sharp's libjpeg-turbo), chroma `subsampling`, EXIF `orientation`. */
async function jpeg(width: number, height: number, subsampling: '4:2:0' | '4:4:4' = '4:2:0', orientation = 1, grey = false): Promise<Uint8Array> {
  let image = sharp(colours(width, height), { raw: { width, height, channels: 3 } });
  if (grey) image = image.greyscale();
  return new Uint8Array(await image.jpeg({ quality: 92, chromaSubsampling: subsampling }).withMetadata({ orientation }).toBuffer());
}

/** The colour bytes of RGBA `data`, after checking that every alpha is 255. */
function colourOf(data: Uint8Array): Uint8Array {
  const rgb = new Uint8Array((data.length / 4) * 3);
  for (let i = 0, o = 0; i < data.length; i += 4, o += 3) {
    if (data[i + 3] !== 255) throw new Error(`alpha ${data[i + 3]} at pixel ${i / 4}`);
    rgb.set(data.subarray(i, i + 3), o);
  }
  return rgb;
}

describe('the own JPEG decoder\'s RGB rows', () => {
  const cases: Array<[string, () => Promise<Uint8Array>]> = [
    ['4:2:0 61 x 37', () => jpeg(61, 37)], ['4:4:4 53 x 29', () => jpeg(53, 29, '4:4:4')], ['grey 45 x 23', () => jpeg(45, 23, '4:2:0', 1, true)],
    ['4:2:2 (Pillow)', async () => new Uint8Array(readFileSync(new URL('fixtures/jpeg-decoder/pillow-422.jpg', import.meta.url)))],
    ['grey with restarts (OpenCV)', async () => new Uint8Array(readFileSync(new URL('fixtures/jpeg-decoder/opencv-grey-restart3.jpg', import.meta.url)))],
  ];
  it.each(cases)('%s: its RGBA rows without alpha, at every scale', async (_name, make) => {
    const bytes = await make();
    for (const scale of [1, 2, 4, 8] as JpegScale[]) {
      const rgba = (await decodeJpeg(bytes, scale, 4))!;
      const rgb = (await decodeJpeg(bytes, scale, 3))!;
      expect([rgb.width, rgb.height, rgb.channels, rgba.channels]).toEqual([rgba.width, rgba.height, 3, 4]);
      expect(Buffer.from(rgb.data).equals(Buffer.from(colourOf(rgba.data))), `scale ${scale}`).toBe(true);
    }
  });

  it('keeps red, green and blue apart (a colour image, not grey)', async () => {
    const rgb = (await decodeJpeg(await jpeg(64, 48, '4:4:4'), 1, 3))!.data;
    const at = (32 * 64 + 60) * 3; // far right, middle: red high, green middle, blue its own
    expect(Math.abs(rgb[at] - 242)).toBeLessThan(6);
    expect(Math.abs(rgb[at + 1] - 174)).toBeLessThan(6);
    expect(Math.abs(rgb[at + 2] - ((60 * 7 + 32 * 3) * 5 & 255))).toBeLessThan(12);
  });
});

describe('RGB through orientation, the canvas and the RGBA expansion', () => {
  const width = 7;
  const height = 5;
  const rgb = colours(width, height);
  const rgba = rgbaOf(rgb, 3);

  it('rgbaOf adds an alpha of 255 after each pixel (four at a step, the rest one by one), and gives RGBA as it is', () => {
    expect(Array.from(rgbaOf(Uint8Array.of(1, 2, 3, 4, 5, 6), 3))).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
    for (const offset of [0, 4, 1]) { // word-aligned and not
      const bytes = new Uint8Array(offset + 13 * 3).map((_, i) => (i * 37 + 11) & 255).subarray(offset);
      expect(Array.from(rgbaOf(bytes, 3)), `offset ${offset}`).toEqual(Array.from({ length: 13 * 4 }, (_, i) => (i % 4 === 3 ? 255 : bytes[(i >> 2) * 3 + (i % 4)])));
    }
    expect(rgbaOf(rgba, 4)).toBe(rgba);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('orientation %i: the RGBA result without alpha', (orientation) => {
    const a = orient({ data: rgb, width, height, channels: 3 }, orientation);
    const b = orient({ data: rgba, width, height }, orientation);
    expect([a.width, a.height]).toEqual([b.width, b.height]);
    expect(Array.from(a.data)).toEqual(Array.from(colourOf(b.data)));
  });

  it.each([['contain', 12, 4], ['cover', 3, 3], ['contain', 4, 12]] as const)('--fit %s %i x %i with an opaque background', (fit, w, h) => {
    const plan = planFit(width, height, { width: w, height: h }, fit);
    const resized = (channels: 3 | 4) => imageOps.js.resizeImage({ data: channels === 3 ? rgb : rgba, width, height, channels }, plan.resize, {}).data;
    const a = placeOnCanvas(new Uint8Array(resized(3)), plan, [10, 20, 30, 255], 3);
    const b = placeOnCanvas(new Uint8Array(resized(4)), plan, [10, 20, 30, 255], 4);
    expect(Array.from(a)).toEqual(Array.from(colourOf(b)));
  });
});

function options(args: string[]): CliOptions {
  const parsed = parseArgs(['in.jpg', '-o', 'out.jpg', ...args]);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

/** The file the command converts `bytes` (JPEG or PNG) to (src/cli/convert.ts: RGB where it can), JPEG in strips where they plan, or whole. */
async function converted(bytes: Uint8Array, output: 'jpeg' | 'png' | 'webp', args: string[], backend: ImageBackend, strips: boolean,
                         webpEncoder: WebpEncoderName = 'libwebp'): Promise<Buffer> {
  const o = options(args);
  const done = await convertImage({ bytes, format: sniff(bytes)!, name: 'in', output, target: o.target, fit: o.fit, background: o.background,
    resize: o.resize, premultiply: o.premultiply, quality: output === 'webp' ? 80 : 90, jpegEncoder: 'fast', webpEncoder, maxPixels: o.maxPixels,
    stripThreads: 0 }, backend, strips ? stripsHere : undefined);
  return Buffer.from(done.bytes);
}

/** The same from RGBA all the way (what the command did before it carried RGB), from the same parts. */
async function viaRgba(bytes: Uint8Array, output: 'jpeg' | 'png' | 'webp', args: string[], backend: ImageBackend, strips: boolean,
                       webpEncoder: WebpEncoderName = 'libwebp'): Promise<Buffer> {
  const o = options(args);
  const format = sniff(bytes)!;
  const header = inspectImage(format, bytes, 'in', o.maxPixels);
  const image = await decodeChecked(format, bytes, header, 'in', o.maxPixels, undefined, 1, 4);
  expect(image.channels ?? 4).toBe(4);
  const plan: FitPlan = planFit(image.width, image.height, o.target, o.fit, o.resize.convention);
  const pytorch = (o.resize.convention ?? 'pytorch') === 'pytorch';
  const resized = imageOps[backend].resizeImage({ ...image, channels: 4 }, plan.resize, pytorch ? { ...o.resize, premultiplyAlpha: false } : o.resize);
  const pixels = placeOnCanvas(new Uint8Array(resized.data.buffer, resized.data.byteOffset, resized.data.length), plan, o.background);
  const rgba = { data: pixels, width: plan.width, height: plan.height };
  if (output === 'png') return Buffer.from(encodePng(rgba, true));
  if (output === 'webp') return Buffer.from(await encodeWasm('webp', rgba, 80, webpEncoder));
  // In strips where the command cuts them: a fit that only resizes, with bands (src/cli/convert.ts jpegInStrips).
  if (!strips || !onlyResizes(plan) || !('bands' in planBands(bandGeometry(image, plan.width, plan.height, plan.resize, o.resize), stripRows(plan.width)))) {
    return Buffer.from(await encodeJpeg(rgba, { quality: 90 }));
  }
  const sink = jpegStripSink(plan.width, plan.height, 4, { quality: 90, encoder: 'fast' }, stripsHere, 'in.jpg');
  await sink.add(pixels);
  return Buffer.from(await sink.finish());
}

describe('a converted file: the bytes of the RGBA pipeline', () => {
  const ARGS = [
    ['--width', '40', '--mode', 'bilinear', '--antialias'], ['--scale', '2', '--mode', 'bicubic'], ['--scale', '0.5', '--mode', 'nearest'],
    ['--width', '50', '--height', '50', '--fit', 'cover'], ['--width', '60', '--height', '30', '--fit', 'contain', '--background', '#336699'],
    ['--width', '45', '--linear-light', '--antialias'], ['--width', '45', '--convention', 'opencv', '--mode', 'cubic'],
  ];

  it.each([1, 6, 3, 8])('orientation %i, JPEG in strips and whole, PNG', async (orientation) => {
    const bytes = await jpeg(77, 53, '4:2:0', orientation);
    for (const args of ARGS) {
      for (const [output, strips] of [['jpeg', true], ['jpeg', false], ['png', false]] as const) {
        const what = `${output}${strips ? ' strips' : ''} ${args.join(' ')}`;
        expect((await converted(bytes, output, args, 'wasm', strips)).equals(await viaRgba(bytes, output, args, 'wasm', strips)), what).toBe(true);
      }
    }
  });

  it('WebP by libwebp (RGBA: it wants it), 4:4:4 and grey input', async () => {
    for (const bytes of [await jpeg(66, 41, '4:4:4', 6), await jpeg(66, 41, '4:2:0', 1, true)]) {
      for (const args of ARGS.slice(0, 5)) expect((await converted(bytes, 'webp', args, 'wasm', false)).equals(await viaRgba(bytes, 'webp', args, 'wasm', false)), args.join(' ')).toBe(true);
    }
  });

  it('lossy WebP input, decoded as RGB by the own decoder, to JPEG in strips, PNG and WebP (the own encoder, taking RGB; libwebp)', async () => {
    const bytes = new Uint8Array(await sharp(colours(83, 61), { raw: { width: 83, height: 61, channels: 3 } }).webp({ quality: 90 }).toBuffer());
    const header = inspectImage('webp', bytes, 'in', 1e6);
    expect((await decodeChecked('webp', bytes, header, 'in', 1e6, undefined, 1, 3)).channels).toBe(3);
    for (const args of ARGS) {
      for (const [output, strips, encoder] of [['jpeg', true, 'fast'], ['png', false, 'fast'], ['webp', false, 'fast'], ['webp', false, 'libwebp']] as const) {
        const what = `${output} ${encoder} ${args.join(' ')}`;
        expect((await converted(bytes, output, args, 'wasm', strips, encoder)).equals(await viaRgba(bytes, output, args, 'wasm', strips, encoder)), what).toBe(true);
      }
    }
  });

  it('JPEG input (RGB) to the own WebP encoder; padded with a background that is not opaque: RGBA, to libwebp', async () => {
    const bytes = await jpeg(66, 41, '4:2:0', 6);
    for (const args of ARGS.slice(0, 5)) {
      expect((await converted(bytes, 'webp', args, 'wasm', false, 'fast')).equals(await viaRgba(bytes, 'webp', args, 'wasm', false, 'fast')), args.join(' ')).toBe(true);
    }
    const translucent = ['--width', '60', '--height', '30', '--fit', 'contain', '--background', '#33669980'];
    const file = await converted(bytes, 'webp', translucent, 'wasm', false, 'fast');
    expect(file.includes(Buffer.from('ALPH'))).toBe(true);
  });

  it('an opaque PNG held whole (cropped, padded; to WebP), read as RGB rows; an interlaced one as RGBA', async () => {
    for (const progressive of [false, true]) {
      const bytes = new Uint8Array(await sharp(colours(71, 49), { raw: { width: 71, height: 49, channels: 3 } }).png({ progressive }).toBuffer());
      const header = inspectImage('png', bytes, 'in', 1e6);
      expect((await decodeChecked('png', bytes, header, 'in', 1e6, undefined, 1, 3)).channels ?? 4).toBe(progressive ? 4 : 3);
      for (const args of ARGS.slice(3, 5)) {
        for (const output of ['jpeg', 'png', 'webp'] as const) {
          expect((await converted(bytes, output, args, 'wasm', false)).equals(await viaRgba(bytes, output, args, 'wasm', false)), `${output} ${args.join(' ')}`).toBe(true);
        }
      }
    }
  });

  it('on the plain-JS backend and the scalar build too', async () => {
    const bytes = await jpeg(58, 71, '4:2:0', 5);
    const check = async (backend: ImageBackend) => {
      for (const args of ARGS.slice(0, 4)) {
        for (const output of ['jpeg', 'png'] as const) {
          expect((await converted(bytes, output, args, backend, true)).equals(await viaRgba(bytes, output, args, backend, true)), `${backend} ${output} ${args.join(' ')}`).toBe(true);
        }
      }
    };
    await check('js');
    try {
      await init({ simd: false });
      await check('wasm');
    } finally {
      await init();
    }
  });
});
