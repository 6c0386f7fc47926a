// imageToTensor against its composition (resizeImage, then place and normalise in plain JS) on
// the same backend: equal bit for bit, on the SIMD and scalar builds, the plain-JS backend and
// the pool; the gray formula against Pillow's convert('L') (scripts/fixtures/gray_pillow.py).

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import type { ImageInput, ImageToTensorOptions, Operations, Tensor } from '../src/index.js';
import * as dist from '../dist/index.js';
import { FORCED_BAND } from '../src/pipeline/image-tensor.js';
import { poolForTests } from './pool-helpers.js';
import { differingBits, ownBuilds } from './helpers.js';

const f32 = Math.fround;

/** A deterministic photo-like image: smooth gradients plus texture, every channel different. */
function photo(width: number, height: number, channels: 1 | 2 | 3 | 4 = 4, seed = 1): ImageInput {
  const data = new Uint8ClampedArray(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const v = 128 + 90 * Math.sin((x * (c + 1) + seed) * 0.21) * Math.cos((y + 3 * c) * 0.17) + ((x * 7 + y * 13 + c * 31 + seed) % 37);
        data[(y * width + x) * channels + c] = c === 3 && channels === 4 ? 255 - ((x + y) % 3) * 40 : v;
      }
    }
  }
  return { data, width, height, channels };
}

/** The same image with its bytes at an odd offset of a larger buffer. */
function unaligned(image: ImageInput): ImageInput {
  const data = new Uint8ClampedArray(image.data.length + 1).subarray(1);
  data.set(image.data);
  return { ...image, data };
}

/** Pillow's convert('L'), or with 'opencv' cv2.cvtColor(COLOR_RGB2GRAY): (9798 R + 19235 G + 3735 B + 2^14) >> 15. */
function luma(r: number, g: number, b: number, convention: ImageToTensorOptions['convention']): number {
  return convention === 'opencv' ? (r * 9798 + g * 19235 + b * 3735 + 0x4000) >> 15 : (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/** The image less its alpha channel (Pillow's convert('RGB') / convert('L') of LA). */
function dropAlpha(image: ImageInput): ImageInput {
  const C = image.channels ?? 4;
  if (C % 2 === 1) return image;
  const data = image.data.filter((_, i) => i % C !== C - 1);
  return { ...image, data, channels: C === 4 ? 3 : 1 };
}

/**
 * The composition: resizeImage to the inner size (alpha dropped first, or, for 'pytorch', never
 * premultiplied: the same bytes), placed by `fit`/`align`, normalised as numpy float32.
 */
function composed(ops: Operations, original: ImageInput, o: ImageToTensorOptions): Tensor {
  const pytorch = (o.convention ?? 'pytorch') === 'pytorch';
  const image = pytorch ? original : dropAlpha(original);
  const C = image.channels ?? 4;
  const side = (n: number) => (o.convention === 'opencv' ? Math.round(n * o.scale!) : Math.floor(n * o.scale!)); // no .5 ties below
  const [H, W] = o.size ?? [side(image.height), side(image.width)];
  let innerH = H, innerW = W;
  if (o.fit === 'contain' || o.fit === 'cover') {
    const r = (o.fit === 'contain' ? Math.min : Math.max)(H / image.height, W / image.width);
    innerH = Math.round(image.height * r);
    innerW = Math.round(image.width * r);
  }
  const centred = (o.align ?? 'center') === 'center';
  // contain pads floor(room / 2) before; cover crops floor(excess / 2) first (transformers' center_crop)
  const top = !centred ? 0 : innerH <= H ? Math.floor((H - innerH) / 2) : -Math.floor((innerH - H) / 2);
  const left = !centred ? 0 : innerW <= W ? Math.floor((W - innerW) / 2) : -Math.floor((innerW - W) / 2);
  const target = o.scale !== undefined ? { scale: o.scale } : { width: innerW, height: innerH };
  const resized = ops.resizeImage(image, target, {
    convention: o.convention, mode: o.mode, antialias: o.antialias, ...(C % 2 === 0 ? { premultiplyAlpha: false } : {}),
  });
  const channels = o.channels ?? 'rgb';
  const O = channels === 'gray' ? 1 : 3;
  const list = (v: number | number[] | undefined, d: number) => (v === undefined ? new Array(O).fill(d) : typeof v === 'number' ? new Array(O).fill(v) : v);
  const mean = list(o.mean, 0), std = list(o.std, 1), pad = list(o.padValue, 0);
  const rescale = o.rescale ?? 1 / 255;
  // transformers' rescale (the double product cast to float32), then normalize in float32
  const norm = (v: number, c: number) => f32(f32(f32(v * rescale) - f32(mean[c])) / f32(std[c]));
  const nhwc = o.layout === 'nhwc';
  const data = new Float32Array(O * H * W);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const sy = y - top, sx = x - left;
      const inside = sy >= 0 && sy < innerH && sx >= 0 && sx < innerW;
      const p = (sy * innerW + sx) * C;
      const px = resized.data;
      for (let c = 0; c < O; c++) {
        let v: number;
        if (!inside) v = pad[c];
        else if (C <= 2) v = px[p];
        else if (channels === 'gray') v = luma(px[p], px[p + 1], px[p + 2], o.convention);
        else v = px[p + (channels === 'bgr' ? 2 - c : c)];
        data[nhwc ? (y * W + x) * O + c : (c * H + y) * W + x] = inside ? norm(v, c) : norm(pad[c], c);
      }
    }
  }
  return { data, shape: nhwc ? [1, H, W, O] : [1, O, H, W] };
}

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const cases: Array<[string, ImageInput, ImageToTensorOptions]> = [
  ['letterbox contain, centred, pad 114 (W6 in small)', photo(96, 54), { size: [64, 64], fit: 'contain', padValue: 114 }],
  ['contain, taller than wide, top-left, bgr', photo(30, 70), { size: [48, 48], fit: 'contain', align: 'top-left', channels: 'bgr' }],
  ['cover, centred crop, ImageNet mean/std', photo(80, 50, 3), { size: [40, 40], fit: 'cover', ...IMAGENET }],
  ['cover, centred crop of an odd excess (65 -> 40: 12 left, 13 right)', photo(81, 50, 3), { size: [40, 40], fit: 'cover', convention: 'pillow' }],
  ['cover, top-left, nhwc', photo(50, 81, 4, 2), { size: [33, 20], fit: 'cover', align: 'top-left', layout: 'nhwc' }],
  ['fill, bicubic upscale, rescale 1, mean 127.5', photo(17, 13, 3, 3), { size: [40, 37], mode: 'bicubic', rescale: 1, mean: 127.5, std: 127.5 }],
  ['fill, bilinear antialias downscale', photo(120, 90), { size: [31, 29], antialias: true, ...IMAGENET }],
  ['gray from RGBA, nearest', photo(40, 30, 4, 4), { size: [21, 25], mode: 'nearest', channels: 'gray', mean: 0.5, std: 0.25 }],
  ['gray input to rgb, area', photo(40, 44, 1, 5), { size: [20, 22], mode: 'area' }],
  ['gray + alpha input, gray', photo(23, 19, 2, 6), { size: [30, 30], fit: 'contain', channels: 'gray', padValue: 7 }],
  ['scale 0.5 (fill)', photo(64, 48, 3, 7), { scale: 0.5, layout: 'nhwc' }],
  ['large enough for several bands', photo(400, 260, 4, 8), { size: [300, 300], fit: 'contain', padValue: [1, 2, 3] }],
];

// Pillow's and OpenCV's modes (exact plans): every fit, rgb/bgr/gray, nchw/nhwc, 1-4 input
// channels, up and down, rotated through so each mode meets several of each.
const CONVENTION_CASES: Array<[ImageToTensorOptions['convention'], ImageToTensorOptions['mode']]> = [
  ['pillow', 'bicubic'], ['pillow', 'bilinear'], ['pillow', 'lanczos'], ['opencv', 'linear'], ['opencv', 'area'], ['opencv', 'cubic'],
];
const FITS = ['fill', 'contain', 'cover'] as const;
const CHANNELS = ['rgb', 'bgr', 'gray'] as const;
let seed = 10;
for (const [convention, mode] of CONVENTION_CASES) {
  for (const [f, fit] of FITS.entries()) {
    const k = seed++;
    const channels = CHANNELS[k % 3];
    const layout = k % 2 === 0 ? 'nchw' : 'nhwc';
    const inputChannels = ([4, 3, 1, 2] as const)[k % 4];
    const down = f !== 1;
    const image = down ? photo(71 + k, 45 + (k % 5), inputChannels, k) : photo(19 + (k % 4), 13, inputChannels, k);
    cases.push([`${convention} ${mode}, ${fit}, ${channels}, ${layout}, ${inputChannels} channels, ${down ? 'down' : 'up'}`, image,
      { convention, mode, fit, channels, layout, size: down ? [32, 27] : [40, 44], padValue: 114, ...(k % 3 === 0 ? IMAGENET : {}) }]);
  }
}
cases.push(
  ['pillow default mode (bicubic), scale 0.5', photo(64, 48, 4, 30), { convention: 'pillow', scale: 0.5 }],
  ['opencv default mode (linear), scale 0.75 (rounded)', photo(37, 21, 3, 31), { convention: 'opencv', scale: 0.75, layout: 'nhwc' }],
  ['opencv cubic, cover of a tall image (rows cropped), top-left', photo(30, 70, 4, 33), { convention: 'opencv', mode: 'cubic', size: [24, 24], fit: 'cover', align: 'top-left' }],
  ['pillow bilinear, cover of a tall image (rows cropped), centred', photo(29, 71, 3, 34), { convention: 'pillow', mode: 'bilinear', size: [24, 24], fit: 'cover', channels: 'bgr' }],
  ['opencv linear, RGBA bytes not 4-aligned in their buffer', unaligned(photo(23, 17, 4, 35)), { convention: 'opencv', size: [20, 30] }],
  ['pillow lanczos, several hundred rows (two bands)', photo(300, 200, 4, 32), { convention: 'pillow', mode: 'lanczos', size: [256, 256], fit: 'contain' }],
);
// Exact plans whose resized rows span several bands of the default size (~96 KiB of bytes).
const MULTI_BAND: Array<[string, ImageInput, ImageToTensorOptions]> = [
  ['opencv cubic upscale, tall (two bands)', photo(60, 200, 3, 36), { convention: 'opencv', mode: 'cubic', size: [640, 100] }],
  ['opencv area downscale (three bands), nhwc, bgr', photo(400, 700, 4, 37), { convention: 'opencv', mode: 'area', size: [350, 200], layout: 'nhwc', channels: 'bgr' }],
  ['pillow bicubic, gray + alpha, contain (several bands)', photo(400, 300, 2, 38), { convention: 'pillow', size: [640, 640], fit: 'contain', padValue: 3 }],
  ['pillow bilinear cover, rows cropped (bands over the shown rows only)', photo(300, 400, 3, 39), { convention: 'pillow', mode: 'bilinear', size: [300, 400], fit: 'cover', channels: 'gray' }],
];
cases.push(...MULTI_BAND);

const backends = ownBuilds();
const [[, simd], [, scalar]] = backends;

describe.each(backends)('on %s', (_, get) => {
  it.each(cases)('equals resizeImage then normalise: %s', (_name, image, options) => {
    const ops = get();
    const { tensor } = ops.imageToTensor(image, options);
    const expected = composed(ops, image, options);
    expect(tensor.shape).toEqual(expected.shape);
    expect(differingBits(tensor.data, expected.data)).toBe(0);
  });

  it('writes into `out` and returns it as the tensor', () => {
    const out = { data: new Float32Array(3 * 64 * 64).fill(NaN), shape: [1, 3, 64, 64] };
    const result = get().imageToTensor(photo(96, 54), { size: [64, 64], fit: 'contain', out });
    expect(result.tensor).toBe(out);
    expect(out.data.some((v) => Number.isNaN(v))).toBe(false);
  });
});

it('writes a resident tensor (allocTensor) in place', async () => {
  await up.init({ simd: true });
  const image = photo(96, 54);
  const options: ImageToTensorOptions = { size: [64, 64], fit: 'contain', padValue: 114 };
  const resident = up.allocTensor([1, 3, 64, 64]);
  try {
    const { tensor } = up.imageToTensor(image, { ...options, out: resident });
    expect(tensor).toBe(resident);
    const fresh = up.imageToTensor(image, options).tensor.data;
    expect(differingBits(resident.data, fresh)).toBe(0); // .data read after the call (memory may have grown)
  } finally {
    resident.dispose();
  }
});

it('returns the scale and padding that map boxes back (1920x1080 -> 640x640 letterbox)', () => {
  const image = { data: new Uint8ClampedArray(1920 * 1080 * 4), width: 1920, height: 1080 };
  const result = up.js.imageToTensor(image, { size: [640, 640], fit: 'contain' });
  expect(result.scale).toEqual([1 / 3, 1 / 3]);
  expect(result.padding).toEqual({ top: 140, left: 0, bottom: 140, right: 0 });
  const cover = up.js.imageToTensor({ ...image, data: new Uint8ClampedArray(1920 * 1080 * 4) }, { size: [640, 640], fit: 'cover' });
  expect(cover.scale).toEqual([640 / 1080, 1138 / 1920]);
  expect(cover.padding).toEqual({ top: 0, left: -249, bottom: 0, right: -249 });
  // an odd excess: the odd pixel cropped on the right, as transformers' center_crop, (65 - 40) // 2 = 12 on the left
  const odd = up.js.imageToTensor({ data: new Uint8ClampedArray(81 * 50 * 4), width: 81, height: 50 }, { size: [40, 40], fit: 'cover' });
  expect(odd.padding).toEqual({ top: 0, left: -12, bottom: 0, right: -13 });
});

it("gray is Pillow's convert('L')", () => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/gray-pillow.json', import.meta.url), 'utf8'));
  const n = fixture.gray.length;
  const image = { data: Uint8ClampedArray.from(fixture.rgb), width: n, height: 1, channels: 3 as const };
  for (const ops of [up.js, simd(), scalar()]) {
    const { tensor } = ops.imageToTensor(image, { size: [1, n], mode: 'nearest', channels: 'gray', rescale: 1 });
    expect(Array.from(tensor.data)).toEqual(fixture.gray);
  }
});

// transformers' rescale() and normalize() (scripts/fixtures/gray_pillow.py): v * rescale in double
// cast to float32, not v * f32(rescale) (126 of the 256 bytes differ by an ulp with 1 / 255); NCHW
// rows take the SIMD arithmetic, NHWC the table.
describe.each(backends)("rescale / mean / std as transformers' image processors on %s", (_, get) => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/gray-pillow.json', import.meta.url), 'utf8'));
  const bytes = Uint8ClampedArray.from({ length: 256 * 3 }, (_, i) => Math.floor(i / 3));
  const image = { data: bytes, width: 256, height: 1, channels: 3 as const };
  it.each<[number, unknown]>(fixture.normalised.map((n: { rescale: number }) => [n.rescale, n]))('rescale %f', (_rescale, n) => {
    const { rescale, mean, std, expected } = n as { rescale: number; mean: number[]; std: number[]; expected: number[] };
    for (const layout of ['nchw', 'nhwc'] as const) {
      const { tensor } = get().imageToTensor(image, { size: [1, 256], convention: 'pillow', mode: 'nearest', rescale, mean, std, layout });
      const got = layout === 'nchw' ? Array.from(tensor.data) : Array.from({ length: 768 }, (_, i) => tensor.data[(i % 256) * 3 + Math.floor(i / 256)]);
      expect(got, layout).toEqual(expected.map((v) => f32(v)));
    }
  });
});

// Against Pillow and transformers themselves (scripts/fixtures/fuzz_pillow.py --fixture):
// convert('RGB'), Image.resize, placed (cover crops as center_crop), rescale() and normalize().
describe.each(backends)("convention 'pillow' as transformers composes it on %s", (_, get) => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/image-tensor-pillow.json', import.meta.url), 'utf8'));
  it.each<[string, unknown]>(fixture.cases.map((c: { name: string }) => [c.name, c]))('%s', (_name, c) => {
    const { image, options, padding, expected } = c as {
      image: { width: number; height: number; channels: 1 | 2 | 3 | 4; data: string }; options: ImageToTensorOptions;
      padding: object; expected: { shape: number[]; data: string };
    };
    const data = new Uint8ClampedArray(Buffer.from(image.data, 'base64'));
    const result = get().imageToTensor({ ...image, data }, options);
    expect(result.tensor.shape).toEqual(expected.shape);
    expect(result.padding).toEqual(padding);
    const want = Buffer.from(expected.data, 'base64');
    expect(Buffer.from(result.tensor.data.buffer, result.tensor.data.byteOffset, result.tensor.data.byteLength).equals(want)).toBe(true);
  });
});

// Bands of a few rows (FORCED_BAND: a test hook): band edges at every few rows, the row cache
// starting empty each time, must not change a bit.
const SMALL_BANDS = cases.filter(([, , o]) => o.convention !== undefined).filter((_, i) => i % 3 === 0);
describe.each(backends)('in bands of 1, 3 and 7 rows on %s', (_, get) => {
  afterEach(() => { FORCED_BAND.rows = 0; });
  it.each(SMALL_BANDS)('equals resizeImage then normalise: %s', (_name, image, options) => {
    const ops = get();
    const expected = composed(ops, image, options);
    for (const rows of [1, 3, 7]) {
      FORCED_BAND.rows = rows;
      expect(differingBits(ops.imageToTensor(image, options).tensor.data, expected.data)).toBe(0);
    }
  });
});

it('never holds the resized image at the target size: WebAssembly memory stays below tensor + that image', async () => {
  for (const convention of ['pillow', 'opencv'] as const) {
    const ops = await up.createOperations({ build: 'simd' }); // a fresh memory: this call's own high-water mark
    const { tensor } = ops.imageToTensor(photo(64, 48, 3, 40), { size: [2048, 2048], convention });
    const resized = 2048 * 2048 * 3;
    // The tensor (48 MiB) is staged in linear memory; tables, rings and a band take well under 2 MiB.
    expect(ops.memoryBytes).toBeGreaterThan(tensor.data.byteLength);
    expect(ops.memoryBytes).toBeLessThan(tensor.data.byteLength + resized / 4);
  }
});

describe('refusals, before any work', () => {
  const image = photo(8, 6);
  it.each([
    ['mean of the wrong length', { size: [4, 4], mean: [0.5, 0.5] }, RangeError, /mean must have 3 values/],
    ['std of the wrong length for gray', { size: [4, 4], channels: 'gray', std: [1, 1, 1] }, RangeError, /std must have 1 value/],
    ['std 0', { size: [4, 4], std: [1, 0, 1] }, RangeError, /std must not hold 0/],
    ['out of the wrong shape', { size: [4, 4], out: { data: new Float32Array(48), shape: [1, 4, 4, 3] } }, RangeError, /out has shape/],
    ['out of the wrong type', { size: [4, 4], out: { data: new Float64Array(48), shape: [1, 3, 4, 4] } }, TypeError, /Float32Array/],
    ['unknown convention', { size: [4, 4], convention: 'sharp' }, RangeError, /^imageToTensor: unknown convention 'sharp'/],
    ['antialias with pillow', { size: [4, 4], convention: 'pillow', antialias: true }, Error, /antialias applies to convention 'pytorch' only/],
    ['a mode of another convention', { size: [4, 4], convention: 'opencv', mode: 'bicubic' }, RangeError, /unknown mode 'bicubic' for convention 'opencv'/],
    ['fit contain with scale', { scale: 2, fit: 'contain' }, Error, /needs size/],
    ['size and scale', { size: [4, 4], scale: 2 }, Error, /not both/],
    ['unknown channels', { size: [4, 4], channels: 'rgba' }, RangeError, /channels must be one of/],
    ['unknown mode (from resizeImage, named as imageToTensor)', { size: [4, 4], mode: 'lanczos' }, RangeError, /^imageToTensor: unknown mode/],
    ['size not [h, w]', { size: 4 }, TypeError, /\[height, width\]/],
    ['unknown option', { size: [4, 4], normalize: true }, TypeError, /unknown option 'normalize'/],
  ] as Array<[string, unknown, ErrorConstructor, RegExp]>)('%s', (_name, options, type, message) => {
    const run = () => up.js.imageToTensor(image, options as ImageToTensorOptions);
    expect(run).toThrow(type);
    expect(run).toThrow(message);
    expect(() => simd().imageToTensor(image, options as ImageToTensorOptions)).toThrow(type);
  });
});

describe('in the pool (dist/)', () => {
  const pool = poolForTests();

  it.each(cases.slice(0, 4).concat(cases.slice(10, 11), cases.filter(([, , o]) => o.convention !== undefined).filter((_, i) => i % 4 === 0), MULTI_BAND))('as the synchronous call: %s', async (_name, image, options) => {
    const result = await pool().imageToTensor(image, options as never);
    const expected = composed(dist as unknown as Operations, image, options);
    expect(differingBits(result.tensor.data, expected.data)).toBe(0);
  });
});
