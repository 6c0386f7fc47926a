// resizeImage: PyTorch fixtures, the premultiply rule, random images against the float
// reference (interpolate on the float image), and the refusals, on all three backends.

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageInput, ImageResult, ImageTarget, InterpolateMode, ResizeImageOptions } from '../src/index.js';
import { backends, type BackendUnderTest } from './helpers.js';

// ---- the float reference: interpolate on (1, C, H, W), premultiplied, then rounded ----

interface Reference { bytes: Uint8ClampedArray; /** Output pixels whose colour is ill-conditioned (alpha near the 0.5 cut). */ skipColour: Uint8Array }

function reference(ops: BackendUnderTest['ops'], image: ImageInput, target: ImageTarget, options: ResizeImageOptions,
                   outWidth: number, outHeight: number): Reference {
  const { width: W, height: H, data } = image;
  const C = image.channels ?? 4;
  const premultiply = options.premultiplyAlpha ?? (C === 2 || C === 4);
  const planar = new Float32Array(C * H * W);
  for (let p = 0; p < H * W; p++) {
    for (let c = 0; c < C; c++) planar[c * H * W + p] = data[p * C + c];
    if (premultiply) {
      const a = data[p * C + C - 1];
      for (let c = 0; c < C - 1; c++) planar[c * H * W + p] = Math.fround(Math.fround(data[p * C + c] * a) / 255);
    }
  }
  const { mode = 'bilinear', alignCorners, antialias } = options;
  const sizing = target.scale !== undefined ? { scaleFactor: target.scale } : { size: [outHeight, outWidth] };
  const y = ops.interpolate({ data: planar, shape: [1, C, H, W] }, { ...sizing, mode: mode as InterpolateMode, alignCorners, antialias });
  expect(y.shape).toEqual([1, C, outHeight, outWidth]);
  const n = outHeight * outWidth;
  const bytes = new Uint8ClampedArray(n * C);
  const skipColour = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const a = y.data[(C - 1) * n + p];
    for (let c = 0; c < C; c++) {
      let v = y.data[c * n + p];
      if (premultiply && c < C - 1) v = a > 0.5 ? (v * 255) / a : 0;
      bytes[p * C + c] = v; // Uint8ClampedArray: round half to even, clamp
    }
    if (premultiply && Math.abs(a - 0.5) < 1e-3) skipColour[p] = 1;
  }
  return { bytes, skipColour };
}

/** Every byte within `tol` levels; returns the largest difference. */
function expectBytesClose(actual: ImageResult, expected: Uint8ClampedArray | number[], tol: number,
                          skipColour?: Uint8Array): number {
  expect(actual.data.length).toBe(expected.length);
  const C = actual.channels;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    if (skipColour?.[Math.floor(i / C)] && i % C !== C - 1) continue;
    const d = Math.abs(actual.data[i] - expected[i]);
    if (d > worst) { worst = d; at = i; }
  }
  if (worst > tol) {
    throw new Error(`byte ${at} (pixel ${Math.floor(at / C)}, channel ${at % C}) is ${actual.data[at]}, expected ${expected[at]}: ${worst} levels apart`);
  }
  return worst;
}

function randomImage(width: number, height: number, channels: 1 | 2 | 3 | 4, seed: number): ImageInput {
  const data = new Uint8Array(width * height * channels);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  // Some fully transparent and some opaque pixels, where alpha exists.
  if (channels === 2 || channels === 4) {
    for (let p = 0; p < width * height; p += 7) data[p * channels + channels - 1] = p % 2 ? 0 : 255;
  }
  return { data, width, height, channels };
}

// ---- PyTorch fixtures (scripts/fixtures/image.py) ----

interface ImageCase {
  name: string;
  image: { width: number; height: number; channels: 1 | 2 | 3 | 4; data: string };
  target: ImageTarget;
  options: ResizeImageOptions;
  expected?: { width: number; height: number; data: string };
  error?: string;
}

const fixtureFile = JSON.parse(readFileSync(new URL('./fixtures/image.json', import.meta.url), 'utf8')) as { cases: ImageCase[] };
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

describe.each(backends)('resizeImage on $name', (backend) => {
  beforeAll(backend.setup);
  const { ops } = backend;

  it.each(fixtureFile.cases.map((c) => [c.name, c] as const))('fixture %s', (_, c) => {
    const image = { ...c.image, data: bytes(c.image.data) };
    if (c.error) {
      expect(() => ops.resizeImage(image, c.target, c.options)).toThrow();
      return;
    }
    const result = ops.resizeImage(image, c.target, c.options);
    expect([result.width, result.height, result.channels]).toEqual([c.expected!.width, c.expected!.height, image.channels]);
    expectBytesClose(result, Array.from(bytes(c.expected!.data)), 1);
  });

  const modes: Array<[ResizeImageOptions, ImageTarget]> = [
    [{ mode: 'bilinear' }, { scale: 2 }],
    [{ mode: 'bicubic' }, { scale: 2 }],
    [{ mode: 'bilinear' }, { width: 23, height: 9 }],
    [{ mode: 'bicubic', alignCorners: true }, { width: 30, height: 41 }],
    [{ mode: 'bilinear', antialias: true }, { width: 7, height: 5 }],
    [{ mode: 'bicubic', antialias: true }, { width: 9, height: 6 }],
    [{ mode: 'nearest' }, { scale: 3 }],
    [{ mode: 'nearest-exact' }, { width: 31, height: 11 }],
    [{ mode: 'area' }, { width: 6, height: 4 }],
    [{ mode: 'area' }, { scale: 0.5 }],
    [{ mode: 'bicubic' }, { scale: 1.7 }],
  ];
  for (const channels of [1, 2, 3, 4] as const) {
    it.each(modes.map(([o, t]) => [JSON.stringify(o), JSON.stringify(t), o, t] as const))(
      `random ${channels}-channel image, %s to %s, within 1 level of the float reference`, (_o, _t, options, target) => {
        const image = randomImage(19, 13, channels, channels * 97 + 5);
        const result = ops.resizeImage(image, target, options);
        const ref = reference(ops, image, target, options, result.width, result.height);
        expectBytesClose(result, ref.bytes, 1, ref.skipColour);
        for (const premultiplyAlpha of channels % 2 === 0 ? [false] : []) {
          const plain = ops.resizeImage(image, target, { ...options, premultiplyAlpha });
          const plainRef = reference(ops, image, target, { ...options, premultiplyAlpha }, plain.width, plain.height);
          expectBytesClose(plain, plainRef.bytes, 1);
        }
      });
  }

  it('shrinks that skip zero-weight taps, unread rows and the float row give the plain-JS bytes', () => {
    // 3x lands on source pixels (bilinear's second tap and bicubic's outer ones weigh 0, 1 row in
    // 3 is read); 4x reads every row. 3 and 4 channels run straight from bytes. (Off integer
    // factors the backends may differ by a level now and then.)
    const js = backends.find((b) => b.name === 'js')!.ops;
    for (const channels of [1, 3, 4] as const) {
      for (const [w, h, width, height] of [[63, 45, 21, 15], [64, 48, 16, 12], [93, 30, 31, 10]]) {
        for (const mode of ['bilinear', 'bicubic'] as const) {
          const image = randomImage(w, h, channels, w + channels);
          const options = { mode, premultiplyAlpha: false };
          const name = `${channels} channels ${w}x${h} -> ${width}x${height} ${mode}`;
          expect(ops.resizeImage(image, { width, height }, options).data, name).toEqual(js.resizeImage(image, { width, height }, options).data);
        }
      }
    }
  });

  it('a larger RGBA image (256x192, 2x) stays within 1 level of the float reference (bilinear and bicubic)', () => {
    const image = randomImage(256, 192, 4, 11);
    for (const mode of ['bilinear', 'bicubic'] as const) {
      const result = ops.resizeImage(image, { scale: 2 }, { mode });
      const ref = reference(ops, image, { scale: 2 }, { mode }, result.width, result.height);
      expectBytesClose(result, ref.bytes, 1, ref.skipColour);
    }
  });

  it('premultiplies alpha: a transparent edge does not bleed its hidden colour', () => {
    // Left half opaque red, right half fully transparent with a hidden blue colour.
    const width = 8, height = 2;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        data.set(x < 4 ? [255, 0, 0, 255] : [0, 0, 255, 0], (y * width + x) * 4);
      }
    }
    const image = { data, width, height };
    const straight = ops.resizeImage(image, { width: 16, height: 2 }, { mode: 'bilinear', premultiplyAlpha: false });
    const premultiplied = ops.resizeImage(image, { width: 16, height: 2 }, { mode: 'bilinear' });
    const px = (r: ImageResult, x: number) => Array.from(r.data.subarray(x * 4, x * 4 + 4));
    // Output x = 8 blends input 3 (opaque red) and 4 (transparent) with weights 0.25 / 0.75.
    expect(px(straight, 8)).toEqual([64, 0, 191, 64]); // blue bleeds into the edge
    expect(px(premultiplied, 8)).toEqual([255, 0, 0, 64]); // pure red, partly transparent
    expect(px(premultiplied, 12)).toEqual([0, 0, 0, 0]); // colour is 0 where alpha is 0
    expect(px(premultiplied, 0)).toEqual([255, 0, 0, 255]);
  });

  it('rounds exact halves to even (SIMD block and scalar tail)', () => {
    // Bilinear 2x of two pixels: outputs 1 and 2 are 0.75 a + 0.25 b and 0.25 a + 0.75 b.
    const rgba = ops.resizeImage({ data: new Uint8Array([1, 0, 2, 255, 3, 2, 4, 255]), width: 2, height: 1 },
      { width: 4, height: 1 }, { mode: 'bilinear', premultiplyAlpha: false });
    expect(Array.from(rgba.data)).toEqual([1, 0, 2, 255, /* 1.5 0.5 2.5 */ 2, 0, 2, 255, /* 2.5 1.5 3.5 */ 2, 2, 4, 255, 3, 2, 4, 255]);
    const gray = ops.resizeImage({ data: new Uint8Array([2, 4]), width: 2, height: 1, channels: 1 }, { width: 4, height: 1 });
    expect(Array.from(gray.data)).toEqual([2, /* 2.5 */ 2, /* 3.5 */ 4, 4]);
  });

  it('keeps the aspect ratio from a width or a height alone, and fills `out`', () => {
    const image = randomImage(40, 30, 3, 1);
    const byWidth = ops.resizeImage(image, { width: 20 }, { mode: 'area' });
    expect([byWidth.width, byWidth.height, byWidth.channels]).toEqual([20, 15, 3]);
    const byHeight = ops.resizeImage(image, { height: 7 });
    expect([byHeight.width, byHeight.height]).toEqual([9, 7]); // 40 * 7 / 30 = 9.33
    const out = new Uint8ClampedArray(20 * 15 * 3);
    const into = ops.resizeImage(image, { width: 20 }, { mode: 'area', out });
    expect(into.data).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(byWidth.data));
  });

  it('accepts ImageData-like input (Uint8ClampedArray, channels omitted) and does not modify it', () => {
    const image = randomImage(5, 4, 4, 3);
    const clamped = { data: new Uint8ClampedArray(image.data), width: 5, height: 4 };
    const before = Array.from(clamped.data);
    const result = ops.resizeImage(clamped, { scale: 2 }, { mode: 'bicubic' });
    expect(Array.from(clamped.data)).toEqual(before);
    expect(Array.from(result.data)).toEqual(Array.from(ops.resizeImage(image, { scale: 2 }, { mode: 'bicubic' }).data));
  });

  it('refuses bad arguments before any work, naming them', () => {
    const image = randomImage(4, 4, 4, 2);
    const refuse = (f: () => unknown, type: ErrorConstructor, message: RegExp) => {
      expect(f).toThrow(type);
      expect(f).toThrow(message);
    };
    refuse(() => ops.resizeImage(null as never, { scale: 2 }), TypeError, /image must be/);
    refuse(() => ops.resizeImage({ ...image, data: new Float32Array(64) as never }, { scale: 2 }), TypeError, /image.data must be a Uint8Array/);
    refuse(() => ops.resizeImage({ ...image, width: 5 }, { scale: 2 }), RangeError, /has 64 bytes but width 5/);
    refuse(() => ops.resizeImage({ ...image, channels: 5 as never }, { scale: 2 }), RangeError, /channels must be 1, 2, 3 or 4/);
    refuse(() => ops.resizeImage({ ...image, width: 0 }, { scale: 2 }), RangeError, /image.width must be an integer >= 1/);
    refuse(() => ops.resizeImage(image, {}), Error, /needs width, height or scale/);
    refuse(() => ops.resizeImage(image, { scale: 2, width: 3 }), Error, /not both/);
    refuse(() => ops.resizeImage(image, { scale: -1 }), RangeError, /scale must be a finite number > 0/);
    refuse(() => ops.resizeImage(image, { scale: 0.1 }), RangeError, /gives an output of 0 x 0/);
    refuse(() => ops.resizeImage(image, { width: 2.5 }), RangeError, /target.width must be an integer/);
    refuse(() => ops.resizeImage(image, { size: 3 } as never), TypeError, /unknown option 'size'/);
    refuse(() => ops.resizeImage(image, { scale: 2 }, { mode: 'trilinear' as never }), RangeError, /unknown mode 'trilinear'/);
    refuse(() => ops.resizeImage(image, { scale: 2 }, { mode: 'nearest', alignCorners: true }), Error, /alignCorners can only be set/);
    refuse(() => ops.resizeImage(image, { scale: 2 }, { mode: 'area', antialias: true }), Error, /antialias can only be set/);
    refuse(() => ops.resizeImage({ ...randomImage(4, 4, 3, 1) }, { scale: 2 }, { premultiplyAlpha: true }), RangeError, /needs an alpha channel/);
    refuse(() => ops.resizeImage(image, { scale: 2 }, { out: new Uint8ClampedArray(3) }), RangeError, /out has 3 bytes but the result needs 256/);
    refuse(() => ops.resizeImage(image, { scale: 2 }, { out: new Uint8Array(256) as never }), TypeError, /out must be a Uint8ClampedArray/);
  });
});
