// Band-wise resizing in the command (src/cli/bands.ts): whenever planBands says a geometry can be
// banded, the stitched bands equal one resizeImage call on the whole image bit for bit, for every
// mode, alignCorners, antialias, --scale and --width/--height targets, tiny and large bands, on
// WebAssembly and plain JS; the geometries whose bands are not smaller images are the ones they
// should be, and band too, cut from the whole image's plan.

import { beforeAll, describe, expect, it } from 'vitest';
import { isIdentity, outputSize, planBands, resizeInBands, subImageBands, type BandGeometry } from '../src/cli/bands.js';
import { init, js, resizeImage, type ImageMode } from '../src/index.js';
import { cutImageBand, imageOps, planImageOfSize } from '../src/image-band.js';
import type { ImageTarget } from '../src/cli/bands.js';
import { periodTwoRun } from '../src/rules/pytorch.js';

beforeAll(async () => { await init(); });

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 8) / 2 ** 24;
}

async function* rowsOf(data: Uint8Array, width: number, height: number) {
  for (let y = 0; y < height; y++) yield data.slice(y * width * 4, (y + 1) * width * 4);
}

const MODES: ImageMode[] = ['nearest', 'nearest-exact', 'bilinear', 'bicubic', 'area'];
const SCALES = [2, 4, 0.5, 0.25, 1 / 3, 0.8, 1.25, 8, 1, 1.5, 3, 0.75, 2.5];

async function banded(resize: typeof resizeImage, data: Uint8Array, g: BandGeometry, bandRows: number, premultiplyAlpha: boolean) {
  const plan = planBands(g, bandRows);
  if ('reason' in plan) return { reason: plan.reason };
  const backend = resize === js.resizeImage ? 'js' : 'wasm';
  const options = { mode: g.mode, alignCorners: g.alignCorners || undefined, antialias: g.antialias || undefined, premultiplyAlpha };
  const parts: Uint8Array[] = [];
  await resizeInBands(rowsOf(data, g.width, g.height), g, plan.bands, backend, options, async (rows) => { parts.push(rows.slice()); });
  // The image held whole: its bands are views of it, the same bytes.
  const held: Uint8Array[] = [];
  await resizeInBands(data, g, plan.bands, backend, options, async (rows) => { held.push(rows.slice()); });
  const result = Buffer.concat(parts);
  if (!result.equals(Buffer.concat(held))) throw new Error(`the held image's bands differ: ${JSON.stringify({ g, premultiplyAlpha })}`);
  return { data: result, bands: plan.bands.length };
}

describe('resizeImagePlanned', () => {
  it("runs a plan made once on images of its size: resizeImage's bytes, into out or not, on both backends; refuses other sizes", () => {
    const data = Uint8Array.from({ length: 37 * 23 * 4 }, (_, i) => (i * 97 + (i >> 7)) & 255);
    const options = { mode: 'bilinear' as const, antialias: true, premultiplyAlpha: true };
    const plan = planImageOfSize({ width: 37, height: 23, channels: 4 }, { width: 15, height: 11 }, options);
    for (const backend of ['wasm', 'js'] as const) {
      const whole = (backend === 'js' ? js.resizeImage : resizeImage)({ data, width: 37, height: 23, channels: 4 }, { width: 15, height: 11 }, options);
      const out = new Uint8ClampedArray(15 * 11 * 4);
      const planned = imageOps[backend].resizeImagePlanned(plan, data, out);
      expect(planned.data).toBe(out);
      expect(Buffer.from(out).equals(Buffer.from(whole.data))).toBe(true);
      expect(Buffer.from(imageOps[backend].resizeImagePlanned(plan, data).data).equals(Buffer.from(whole.data))).toBe(true);
      expect(() => imageOps[backend].resizeImagePlanned(plan, data.subarray(4))).toThrow(RangeError);
      expect(() => imageOps[backend].resizeImagePlanned(plan, data, new Uint8ClampedArray(4))).toThrow(/out must be a Uint8ClampedArray of 660 bytes/);
    }
  });
});

describe("image plans' period", () => {
  it('is the column table\'s period-two run for 1 channel (the only kernel that reads it), found once a table; none for more channels', () => {
    const options = { mode: 'bilinear' as const };
    const one = planImageOfSize({ width: 40, height: 9, channels: 1 }, { width: 80, height: 9 }, options);
    expect(one.kind === 'float' && one.period).toEqual(one.kind === 'float' && periodTwoRun(one.cols));
    expect(one.kind === 'float' && one.period[1]).toBeGreaterThan(0); // 2x bilinear repeats
    const again = planImageOfSize({ width: 40, height: 5, channels: 1 }, { width: 80, height: 5 }, options);
    expect(again.kind === 'float' && again.period).toBe(one.kind === 'float' && one.period); // the same table's, not found again
    const rgb = planImageOfSize({ width: 40, height: 9, channels: 3 }, { width: 80, height: 9 }, options);
    expect(rgb.kind === 'float' && rgb.period).toEqual([0, 0]);
  });
});

describe('resizeImageBand', () => {
  it("writes a cut band into out when given (the command's spare arrays): the same bytes as a new array, on both backends; refuses an out of another size", () => {
    const data = Uint8Array.from({ length: 37 * 23 * 3 }, (_, i) => (i * 89 + (i >> 6)) & 255);
    const plan = planImageOfSize({ width: 37, height: 23, channels: 3 }, { width: 15, height: 10 }, { mode: 'bicubic', antialias: true });
    const band = cutImageBand(plan, [3, 7]);
    const window = data.subarray(band.lo * 37 * 3, band.hi * 37 * 3);
    for (const backend of ['wasm', 'js'] as const) {
      const fresh = imageOps[backend].resizeImageBand(band, window);
      const out = new Uint8ClampedArray(15 * 4 * 3).fill(7); // a used spare: every byte is written
      expect(imageOps[backend].resizeImageBand(band, window, out)).toBe(out);
      expect(Buffer.from(out).equals(Buffer.from(fresh))).toBe(true);
      expect(() => imageOps[backend].resizeImageBand(band, window, new Uint8ClampedArray(5))).toThrow(/resizeImageBand: out must be a Uint8ClampedArray of 180 bytes/);
    }
  });
});

describe("resizeInBands into the caller's room", () => {
  it('writes bands whose rows are all kept into the room it is given (emit then gets that view), copies the others; the same bytes, both backends', async () => {
    const [w, h, outW, outH] = [150, 100, 80, 53];
    const data = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 89 + (i >> 6)) & 255);
    const options = { mode: 'bilinear' as const, antialias: true };
    const g: BandGeometry = { width: w, height: h, outWidth: outW, outHeight: outH, target: { width: outW, height: outH }, mode: 'bilinear', alignCorners: false, antialias: true, channels: 3 };
    const plan = planBands(g, 16);
    if (!('bands' in plan)) throw new Error(plan.reason);
    expect(plan.bands.every((b) => b.cut)).toBe(true); // cut bands: every output row kept
    for (const backend of ['wasm', 'js'] as const) {
      const whole = (backend === 'js' ? js.resizeImage : resizeImage)({ data, width: w, height: h, channels: 3 }, { width: outW, height: outH }, options);
      for (const fits of [true, false]) {
        const resized = new Uint8Array(outW * outH * 3);
        let at = 0;
        let inPlace = 0;
        await resizeInBands(data, g, plan.bands, backend, options, async (rows) => {
          if (rows.buffer === resized.buffer) inPlace++;
          else resized.set(rows, at);
          at += rows.length;
        }, (bytes) => (fits ? resized.subarray(at, at + bytes) : undefined));
        expect(inPlace).toBe(fits ? plan.bands.length : 0);
        expect(Buffer.from(resized).equals(Buffer.from(whole.data))).toBe(true);
      }
    }
  });
});

describe('band-wise resizing', () => {
  it('equals the whole-image call bit for bit, smaller images or cut bands (random geometries, both backends)', async () => {
    const rand = lcg(20261204);
    let bandedCount = 0;
    let total = 0;
    let multiBand = 0;
    let subImages = 0;
    for (let trial = 0; trial < 700; trial++) {
      const mode = MODES[Math.floor(rand() * MODES.length)];
      const smooth = mode === 'bilinear' || mode === 'bicubic';
      const alignCorners = smooth && rand() < 0.2;
      const antialias = smooth && rand() < 0.3;
      const width = 1 + Math.floor(rand() * 24);
      const height = 1 + Math.floor(rand() * 90);
      let target: ImageTarget;
      const kind = rand();
      if (kind < 0.6) target = { scale: SCALES[Math.floor(rand() * SCALES.length)] };
      else if (kind < 0.8) target = { height: Math.max(1, Math.round(height * [2, 0.5, 4, 0.25, 1.5, 1][Math.floor(rand() * 6)])), width: 1 + Math.floor(rand() * 30) };
      else target = { width: Math.max(1, Math.round(width * [2, 0.5, 3][Math.floor(rand() * 3)])) };
      const { outWidth, outHeight } = outputSize(width, height, target);
      if (outWidth < 1 || outHeight < 1) continue;
      const data = Uint8Array.from({ length: width * height * 4 }, () => Math.floor(rand() * 256));
      const premultiplyAlpha = rand() < 0.5;
      const resize = rand() < 0.25 ? js.resizeImage : resizeImage;
      const options = { mode, alignCorners: alignCorners || undefined, antialias: antialias || undefined, premultiplyAlpha };
      const whole = resize({ data, width, height, channels: 4 }, target, options);
      expect([whole.width, whole.height]).toEqual([outWidth, outHeight]);
      const g: BandGeometry = { width, height, outWidth, outHeight, target, mode, alignCorners, antialias };
      const bandRows = 1 + Math.floor(rand() * 9);
      const result = await banded(resize, data, g, bandRows, premultiplyAlpha);
      total++;
      if ('reason' in result) continue;
      bandedCount++;
      if (result.bands! > 1) multiBand++;
      if ('bands' in subImageBands(g, bandRows)) subImages++;
      const same = Buffer.from(whole.data).equals(result.data!);
      if (!same) throw new Error(`differs: ${JSON.stringify({ mode, alignCorners, antialias, width, height, target, bandRows, premultiplyAlpha })}`);
    }
    expect(bandedCount).toBe(total); // every geometry bands
    expect(subImages).toBeGreaterThan(total * 0.3);
    expect(subImages).toBeLessThan(total * 0.9);
    expect(multiBand).toBeGreaterThan(total * 0.5);
  }, 60_000);

  it.each([
    [{ scale: 2 }, 'bilinear', false], [{ scale: 0.5 }, 'bicubic', true], [{ scale: 4 }, 'nearest', false],
    [{ scale: 0.5 }, 'area', false], [{ width: 200 }, 'bilinear', false], [{ scale: 0.25 }, 'bilinear', true],
  ] as const)('plans smaller-image bands for the common cases: %j %s antialias %s', (target, mode, antialias) => {
    const { outWidth, outHeight } = outputSize(400, 600, target);
    const plan = subImageBands({ width: 400, height: 600, outWidth, outHeight, target, mode, alignCorners: false, antialias }, 32);
    expect('bands' in plan && plan.bands.length).toBeGreaterThan(3);
  });

  it.each([
    [{ scale: 3 }, 'bilinear', /not a multiple of 1\/4096/],
    [{ scale: 1.5 }, 'bicubic', /not a multiple of 1\/4096/],
    [{ height: 500 }, 'bilinear', /not exact in float32/],
    [{ scale: 0.4 }, 'area', /non-integer factor/],
  ] as const)('says why %j %s cannot band as smaller images, and cuts its bands from the whole plan', (target, mode, reason) => {
    const { outWidth, outHeight } = outputSize(400, 600, target);
    const g: BandGeometry = { width: 400, height: 600, outWidth, outHeight, target, mode, alignCorners: false, antialias: false };
    const sub = subImageBands(g, 32);
    expect('reason' in sub && sub.reason).toMatch(reason);
    const plan = planBands(g, 32);
    expect('bands' in plan && plan.bands.length).toBeGreaterThanOrEqual(Math.ceil(outHeight / 32));
    expect('bands' in plan && plan.bands.every((b) => b.cut)).toBe(true);
  });
});

describe('identity bands', () => {
  // Scale 1: the band's input rows are handed on, not resized (isIdentity); the bytes must be the
  // whole call's. Pixels of every value, alpha below 255 too, on both backends.
  const width = 13;
  const height = 70;
  const data = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i * 131 + (i >> 5) * 7) & 255);
  it.each([
    ['bilinear', false, false], ['bilinear', true, false], ['bilinear', false, true], ['bilinear', true, true],
    ['bicubic', false, false], ['bicubic', true, false], ['bicubic', false, true], ['nearest', false, false],
    ['nearest-exact', false, false], ['area', false, false],
  ] as const)('%s antialias %s alignCorners %s: the whole call\'s bytes, with and without premultiplying', async (mode, antialias, alignCorners) => {
    for (const target of [{ scale: 1 }, { width }, { width, height }] as ImageTarget[]) {
      for (const premultiplyAlpha of [false, true]) {
        for (const resize of [resizeImage, js.resizeImage]) {
          const options = { mode, alignCorners: alignCorners || undefined, antialias: antialias || undefined, premultiplyAlpha };
          const whole = resize({ data, width, height, channels: 4 }, target, options);
          const g: BandGeometry = { width, height, outWidth: width, outHeight: height, target, mode, alignCorners, antialias };
          const result = await banded(resize, data, g, 16, premultiplyAlpha);
          expect(Buffer.from(whole.data).equals(result.data!)).toBe(true);
        }
      }
    }
  });

  it('knows an identity plan: scale 1 without premultiplying or linear light, not a resize or a colour transform', () => {
    const size = { width: 40, height: 30, channels: 4 as const };
    const opaque = { premultiplyAlpha: false }; // (resizeImage premultiplies by default)
    expect(isIdentity(planImageOfSize(size, { scale: 1 }, { mode: 'bilinear', antialias: true, ...opaque }))).toBe(true);
    expect(isIdentity(planImageOfSize(size, { width: 40 }, { mode: 'bicubic', ...opaque }))).toBe(true);
    expect(isIdentity(planImageOfSize(size, { scale: 1 }, { mode: 'bilinear', antialias: true }))).toBe(false);
    expect(isIdentity(planImageOfSize(size, { scale: 1 }, { mode: 'bilinear', linearLight: true, ...opaque }))).toBe(false);
    expect(isIdentity(planImageOfSize(size, { width: 39 }, { mode: 'bilinear', antialias: true, ...opaque }))).toBe(false);
    expect(isIdentity(planImageOfSize(size, { width: 40, height: 31 }, { mode: 'bilinear', ...opaque }))).toBe(false);
  });
});

describe('Spares (./spares.ts: band outputs and JPEG strips kept across images)', () => {
  it('gives back an array of the length asked for, taken out while in use; keeps the newest few', async () => {
    const { Spares } = await import('../src/cli/spares.js');
    const spares = new Spares((n) => new Uint8Array(n), 2);
    const a = spares.take(8);
    expect(spares.take(8)).not.toBe(a); // a is in use
    spares.give(a);
    expect(spares.take(4)).not.toBe(a); // another length
    expect(spares.take(8)).toBe(a);
    expect(spares.take(8)).not.toBe(a); // taken again
    const [b, c] = [spares.take(16), spares.take(32)];
    spares.give(a);
    spares.give(b);
    spares.give(c); // a, the oldest, is dropped
    expect(spares.take(8)).not.toBe(a);
    expect(spares.take(16)).toBe(b);
    expect(spares.take(32)).toBe(c);
  });
});
