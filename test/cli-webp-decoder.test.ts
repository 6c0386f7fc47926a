// The command's own lossy WebP decoder (src/cli/webp-decoder.ts, assembly/cli/webp-decoder.ts)
// against libwebp's decode of the same files (@jsquash/webp): bit-identical RGBA on files from
// libwebp's encoder across its options (method, segments, partitions, filter type, sharpness and
// strength, SNS, quality), sharp's and libvpx's (loop-filter deltas), sizes down to 1x1 and odd ones; what it leaves to libwebp
// (lossless, alpha); truncated and corrupt files: libwebp's pixels or a refusal (then libwebp
// decodes, or gives its error), never a crash or a hang, the module usable after.

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImageBytes } from '../src/cli/codecs.js';
import { releaseDecoded } from '../src/cli/decoded-pixels.js';
import { decodeWebpLossy, opaqueVp8Chunk } from '../src/cli/webp-decoder.js';
import { inspectWebp } from '../src/cli/webp.js';

const require = createRequire(import.meta.url);
type Encode = (image: ImageData, options: Record<string, number>) => Promise<ArrayBuffer>;
type Decode = (bytes: ArrayBuffer) => Promise<{ data: Uint8ClampedArray; width: number; height: number }>;
let encode: Encode;
let decode: Decode;

beforeAll(async () => {
  const enc = await import('@jsquash/webp/encode.js');
  const dec = await import('@jsquash/webp/decode.js');
  const compile = (file: string) => WebAssembly.compile(readFileSync(require.resolve(file)));
  await (enc.init as unknown as (m: WebAssembly.Module) => Promise<unknown>)(await compile('@jsquash/webp/codec/enc/webp_enc_simd.wasm'));
  await (dec.init as unknown as (m: WebAssembly.Module) => Promise<unknown>)(await compile('@jsquash/webp/codec/dec/webp_dec.wasm'));
  encode = enc.default as unknown as Encode;
  decode = dec.default as unknown as Decode;
});

/** A photo-like RGBA image: gradients, a disc, stripes, noise of `noise` levels (0: smooth areas that skip). */
function image(w: number, h: number, noise = 8, seed = 7): ImageData {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const n = ((seed >>> 24) / 255 - 0.5) * noise;
      const disc = Math.hypot(x - w / 2, y - h / 3) < Math.min(w, h) / 4 ? 70 : 0;
      const stripes = x > w / 2 && ((x >> 2) & 1) ? 90 : 0;
      const i = 4 * (y * w + x);
      data[i] = 40 + (180 * x) / w + disc + n;
      data[i + 1] = 200 - (150 * y) / h + stripes + n;
      data[i + 2] = 128 + 100 * Math.sin(x / 7 + y / 11) - disc + n;
      data[i + 3] = 255;
    }
  }
  return { data, width: w, height: h, colorSpace: 'srgb' } as ImageData;
}

async function lossy(img: ImageData, options: Record<string, number>): Promise<Uint8Array> {
  return new Uint8Array(await encode(img, { quality: 75, ...options }));
}

/** libwebp's RGBA as RGB, after checking that every alpha is 255. */
function rgbOf(rgba: ArrayLike<number>): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    if (rgba[i + 3] !== 255) throw new Error(`alpha ${rgba[i + 3]} at pixel ${i / 4}`);
    rgb[o] = rgba[i];
    rgb[o + 1] = rgba[i + 1];
    rgb[o + 2] = rgba[i + 2];
  }
  return rgb;
}

/** Ours as RGB (3 bytes a pixel) against libwebp's RGBA without its alpha: identical. */
async function expectIdenticalRgb(bytes: Uint8Array): Promise<void> {
  const ours = await decodeWebpLossy(bytes, 3);
  const theirs = await decode(bytes.slice().buffer);
  expect(ours, 'decoded').toBeDefined();
  expect([ours!.width, ours!.height, ours!.channels, ours!.data.length]).toEqual([theirs.width, theirs.height, 3, theirs.width * theirs.height * 3]);
  const want = rgbOf(theirs.data);
  if (!Buffer.from(ours!.data).equals(Buffer.from(want))) {
    const at = ours!.data.findIndex((v, i) => v !== want[i]);
    throw new Error(`${theirs.width}x${theirs.height}: first RGB difference at pixel (${Math.floor(at / 3) % theirs.width}, ${Math.floor(at / 3 / theirs.width)}) channel ${at % 3}: ${ours!.data[at]} vs libwebp ${want[at]}`);
  }
}

/** Ours against libwebp's pixels: identical, and ours must decode it. */
async function expectIdentical(bytes: Uint8Array): Promise<void> {
  inspectWebp(bytes);
  const ours = await decodeWebpLossy(bytes);
  const theirs = await decode(bytes.slice().buffer);
  expect(ours, 'decoded').toBeDefined();
  expect(ours!.width).toBe(theirs.width);
  expect(ours!.height).toBe(theirs.height);
  const a = ours!.data;
  const b = new Uint8Array(theirs.data.buffer, theirs.data.byteOffset, theirs.data.byteLength);
  if (!Buffer.from(a).equals(Buffer.from(b))) {
    const at = a.findIndex((v, i) => v !== b[i]);
    const pixel = at >> 2;
    throw new Error(`first difference at pixel (${pixel % theirs.width}, ${Math.floor(pixel / theirs.width)}) channel ${at & 3}: ${a[at]} vs libwebp ${b[at]}`);
  }
}

describe('bit-identical with libwebp', () => {
  it('across sizes', async () => {
    for (const [w, h] of [[1, 1], [1, 17], [17, 1], [2, 2], [3, 5], [16, 16], [33, 47], [64, 48], [100, 75]]) {
      await expectIdentical(await lossy(image(w, h), {}));
    }
  });

  it('across encoder options', async () => {
    const img = image(97, 71, 24);
    const variants: Array<Record<string, number>> = [];
    for (const method of [0, 2, 4, 6]) variants.push({ method });
    for (const segments of [1, 2, 3, 4]) variants.push({ segments, sns_strength: 80 });
    for (const partitions of [0, 1, 2, 3]) variants.push({ partitions });
    for (const filter_type of [0, 1]) for (const filter_strength of [0, 20, 60, 100]) variants.push({ filter_type, filter_strength });
    for (const filter_sharpness of [0, 3, 5, 7]) variants.push({ filter_sharpness, filter_strength: 50 });
    for (const quality of [1, 10, 50, 90, 100]) variants.push({ quality });
    for (const sns_strength of [0, 100]) variants.push({ sns_strength });
    variants.push({ autofilter: 1 }, { use_sharp_yuv: 1 }, { pass: 3, method: 5 });
    for (const options of variants) await expectIdentical(await lossy(img, options));
  });
});

describe('RGB (3 bytes a pixel) for a caller that carries opaque images so', () => {
  it("libwebp's colours without alpha, across widths (8 pixels a step and the rest) and heights", async () => {
    for (const [w, h] of [[1, 1], [2, 3], [7, 5], [8, 2], [9, 9], [15, 4], [16, 16], [17, 3], [33, 47], [100, 75]]) {
      await expectIdenticalRgb(await lossy(image(w, h, 30), {}));
    }
  });

  it('a larger image (many macroblock rows through the row cache), and the bench photos where present', async () => {
    await expectIdenticalRgb(await lossy(image(1001, 1203, 40), { quality: 85 }));
    const folder = new URL('../out/bench-cli/photos/', import.meta.url);
    let names: string[] = [];
    try { names = readdirSync(folder).filter((n) => n.endsWith('.webp')); } catch { /* not generated here */ }
    for (const name of names) await expectIdenticalRgb(new Uint8Array(readFileSync(new URL(name, folder))));
  });

  it("fills the thread's released array (RGBA then RGB, larger then smaller), and a new one while it is held", async () => {
    const big = await lossy(image(64, 48, 20), {});
    const small = await lossy(image(31, 17, 20), {});
    const first = (await decodeWebpLossy(big))!;
    releaseDecoded(first.data);
    const second = (await decodeWebpLossy(small, 3))!;
    expect(second.data.buffer).toBe(first.data.buffer);
    expect(Buffer.from(second.data).equals(Buffer.from(rgbOf((await decode(small.slice().buffer)).data)))).toBe(true);
    const held = (await decodeWebpLossy(small, 3))!;
    expect(held.data.buffer).not.toBe(second.data.buffer);
    expect(Buffer.from(held.data).equals(Buffer.from(second.data))).toBe(true);
  });

  it("in the module's memory (inModule): libwebp's pixels, and a smaller file after a larger one in the same memory (no growth)", async () => {
    const big = await lossy(image(203, 150, 20), { filter_type: 1 });
    const small = await lossy(image(37, 29, 20), {});
    const first = (await decodeWebpLossy(big, 4, true))!;
    const theirs = await decode(big.slice().buffer);
    expect(Buffer.from(first.data).equals(Buffer.from(theirs.data.buffer, theirs.data.byteOffset, theirs.data.byteLength))).toBe(true);
    const memory = first.data.buffer;
    expect(memory.byteLength).toBeGreaterThan(first.data.length); // a view of the module's memory, not an array of its own
    const second = (await decodeWebpLossy(small, 3, true))!;
    expect(second.data.buffer).toBe(memory);
    expect(second.data.byteOffset).toBe(first.data.byteOffset);
    expect(Buffer.from(second.data).equals(Buffer.from(rgbOf((await decode(small.slice().buffer)).data)))).toBe(true);
  });
});

describe('other encoders and photos', () => {
  it("sharp's encoder", async () => {
    const img = image(131, 77, 30);
    const raw = sharp(Buffer.from(img.data.buffer), { raw: { width: img.width, height: img.height, channels: 4 } }).removeAlpha();
    for (const options of [{ quality: 80 }, { quality: 30, effort: 6 }, { quality: 95, smartSubsample: true }, { quality: 60, effort: 0 }]) {
      await expectIdentical(new Uint8Array(await raw.clone().webp(options).toBuffer()));
    }
    // With metadata: a VP8X header and an EXIF chunk beside the frame, no alpha.
    const extended = new Uint8Array(await raw.clone().withMetadata().webp({ quality: 70 }).toBuffer());
    expect(String.fromCharCode(...extended.subarray(12, 16))).toBe('VP8X');
    await expectIdentical(extended);
  });

  it("libvpx's encoder (loop-filter deltas, its header coding): test/fixtures/webp-decoder", async () => {
    const folder = new URL('./fixtures/webp-decoder/', import.meta.url);
    const names = readdirSync(folder).filter((n) => n.startsWith('libvpx-'));
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const name of names) await expectIdentical(new Uint8Array(readFileSync(new URL(name, folder))));
  });

  it('a larger image (640x480), and the bench photos where present', async () => {
    await expectIdentical(await lossy(image(640, 480, 40), { quality: 85, segments: 4, partitions: 3 }));
    const folder = new URL('../out/bench-cli/photos/', import.meta.url);
    let names: string[] = [];
    try { names = readdirSync(folder).filter((n) => n.endsWith('.webp')); } catch { /* not generated here */ }
    for (const name of names) await expectIdentical(new Uint8Array(readFileSync(new URL(name, folder))));
  });
});

/** The file with its 'VP8 ' payload replaced (RIFF and chunk sizes fixed up). */
function withPayload(bytes: Uint8Array, payload: Uint8Array): Uint8Array {
  const frame = opaqueVp8Chunk(bytes)!;
  const out = new Uint8Array(frame.at + payload.length + (payload.length & 1));
  out.set(bytes.subarray(0, frame.at));
  out.set(payload, frame.at);
  const view = new DataView(out.buffer);
  view.setUint32(frame.at - 4, payload.length, true);
  view.setUint32(4, out.length - 8, true);
  return out;
}

/** Files ours refused that libwebp decoded (the command then decodes them with libwebp): none expected, as ours stops where libwebp does. */
let refusedButDecoded = 0;
/** Ours refuses, or gives libwebp's pixels; where libwebp refuses, ours refuses. */
async function expectLibwebpOrRefusal(bytes: Uint8Array): Promise<'same' | 'refused'> {
  const ours = await decodeWebpLossy(bytes);
  let theirs: Awaited<ReturnType<Decode>> | undefined;
  try { theirs = await decode(bytes.slice().buffer); } catch { theirs = undefined; }
  if (!ours) {
    if (theirs) refusedButDecoded++;
    return 'refused';
  }
  expect(theirs, 'libwebp decodes what ours decodes').toBeTruthy();
  const b = new Uint8Array(theirs!.data.buffer, theirs!.data.byteOffset, theirs!.data.byteLength);
  expect(Buffer.from(ours.data).equals(Buffer.from(b)), 'same pixels').toBe(true);
  return 'same';
}

describe('hostile input', () => {
  it('truncated frames: refused where libwebp refuses, never a crash', async () => {
    const bytes = await lossy(image(48, 40, 40), { partitions: 2, quality: 90 });
    const payload = bytes.subarray(opaqueVp8Chunk(bytes)!.at, opaqueVp8Chunk(bytes)!.at + opaqueVp8Chunk(bytes)!.size);
    const outcomes = { same: 0, refused: 0 };
    refusedButDecoded = 0;
    for (let cut = 0; cut < payload.length; cut += Math.max(1, payload.length >> 7)) {
      outcomes[await expectLibwebpOrRefusal(withPayload(bytes, payload.subarray(0, cut)))]++;
    }
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(refusedButDecoded).toBe(0);
    await expectIdentical(bytes); // usable after
  });

  it('corrupt bytes (fuzzed): libwebp\'s pixels or a refusal', async () => {
    const bytes = await lossy(image(40, 33, 30), { segments: 4, quality: 70 });
    const frame = opaqueVp8Chunk(bytes)!;
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const outcomes = { same: 0, refused: 0 };
    refusedButDecoded = 0;
    for (let i = 0; i < 300; i++) {
      const payload = bytes.slice(frame.at, frame.at + frame.size);
      const flips = 1 + Math.floor(random() * 4);
      // Mostly in the first partition (header, modes), where a flip changes the most.
      for (let f = 0; f < flips; f++) payload[Math.floor(random() * (random() < 0.6 ? Math.min(payload.length, 60) : payload.length))] ^= 1 << Math.floor(random() * 8);
      outcomes[await expectLibwebpOrRefusal(withPayload(bytes, payload))]++;
    }
    expect(outcomes.same).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(20);
    expect(refusedButDecoded).toBe(0);
    await expectIdentical(bytes);
  });

  it('leaves lossless and alpha images to libwebp; the command decodes them as before', async () => {
    const img = image(20, 12);
    img.data[3] = 100;
    for (const bytes of [await lossy(img, {}), new Uint8Array(await encode(image(20, 12), { quality: 75, lossless: 1 }))]) {
      expect(opaqueVp8Chunk(bytes)).toBeUndefined();
      expect(await decodeWebpLossy(bytes)).toBeUndefined();
      const theirs = await decode(bytes.slice().buffer);
      const decoded = await decodeImageBytes(bytes, 'x.webp');
      expect(Buffer.from(decoded.data).equals(Buffer.from(theirs.data.buffer, theirs.data.byteOffset, theirs.data.byteLength))).toBe(true);
    }
  });

  it('chunk layouts libwebp refuses are refused (an unknown chunk before the frame without VP8X, a VP8X of 12 bytes)', async () => {
    const bytes = await lossy(image(24, 16), {});
    const chunk = (name: string, payload: number[]) => new Uint8Array([...Buffer.from(name), payload.length, 0, 0, 0, ...payload, ...(payload.length & 1 ? [0] : [])]);
    const riff = (...parts: Uint8Array[]) => {
      const body = Buffer.concat([Buffer.from('WEBP'), ...parts]);
      return new Uint8Array(Buffer.concat([Buffer.from('RIFF'), Buffer.from(new Uint32Array([body.length]).buffer), body]));
    };
    const frame = bytes.subarray(12);
    const vp8x = (size: number) => chunk('VP8X', [0, 0, 0, 0, 23, 0, 0, 15, 0, 0, ...new Array(size - 10).fill(0)]);
    const cases = [riff(chunk('XYZW', [1, 2]), frame), riff(vp8x(12), frame), riff(frame, chunk('XYZW', [1, 2])), riff(vp8x(10), chunk('XYZW', [1, 2]), frame)];
    const outcomes = [];
    refusedButDecoded = 0;
    for (const file of cases) outcomes.push(await expectLibwebpOrRefusal(file));
    expect(outcomes).toEqual(['refused', 'refused', 'same', 'same']);
    expect(refusedButDecoded).toBe(0);
  });

  it("a corrupt file the command refuses gets libwebp's error", async () => {
    const bytes = await lossy(image(32, 32), {});
    const frame = opaqueVp8Chunk(bytes)!;
    await expect(decodeImageBytes(withPayload(bytes, bytes.subarray(frame.at, frame.at + 40)), 'cut.webp')).rejects.toThrow(/cut\.webp/);
    const decoded = await decodeImageBytes(bytes, 'whole.webp');
    expect(decoded.width).toBe(32);
  });
});
