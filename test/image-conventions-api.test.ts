// resizeImage's 'pillow' and 'opencv' conventions through the public API, against Pillow 9.4 and
// OpenCV 4.6 (the committed fixtures of test/image-conventions.test.ts): every case bit-exact on
// the SIMD build, the scalar build (assembly/exact.ts) and the plain-JS backend
// (src/js/image-exact.ts), a sample on the pool; and the refusals of bad conventions and modes.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { runCli } from '../src/cli/run.js';
import { pillowRow } from '../demo/pillow.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperations, init, js, planImage, resizeImage, type ImageTarget, type Operations, type ResizeImageOptions } from '../src/index.js';
// Workers run the built files: the pool comes from dist/ (npm run build).
import { createPool, type Pool } from '../dist/index.js';

interface FixtureCase {
  name: string;
  mode: string;
  image: { width: number; height: number; channels: 1 | 2 | 3 | 4; data: string };
  target: { width: number; height: number } | { fx: number; fy: number };
  expected: { width: number; height: number; data: string };
}

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
const load = (file: string): FixtureCase[] => JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')).cases;

const CONVENTIONS = [
  { convention: 'pillow' as const, cases: load('image-pillow.json') },
  { convention: 'opencv' as const, cases: load('image-opencv.json') },
];

/** The fixture's call as resizeImage arguments (cv2's fx / fy as a [height, width] scale). */
function call(convention: 'pillow' | 'opencv', c: FixtureCase): [ImageTarget, ResizeImageOptions] {
  const target: ImageTarget = 'fx' in c.target ? { scale: [c.target.fy, c.target.fx] } : { width: c.target.width, height: c.target.height };
  return [target, { convention, mode: c.mode as ResizeImageOptions['mode'] }];
}

/** Index and values of the first differing byte, or undefined when equal. */
function firstDifference(got: Uint8ClampedArray, want: Uint8Array): string | undefined {
  if (got.length !== want.length) return `length ${got.length} vs ${want.length}`;
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) return `byte ${i}: ${got[i]} vs ${want[i]}`;
  return undefined;
}

const backends: { name: string; ops: () => Operations }[] = [];
let simd: Operations, scalar: Operations;
beforeAll(async () => {
  simd = await createOperations({ build: 'simd' });
  scalar = await createOperations({ build: 'scalar' });
});
backends.push({ name: 'wasm-simd', ops: () => simd }, { name: 'wasm-scalar', ops: () => scalar }, { name: 'js', ops: () => js });

describe.each(backends)('$name: every fixture case bit-exact', ({ ops }) => {
  for (const { convention, cases } of CONVENTIONS) {
    it(`${convention}: ${cases.length} cases`, () => {
      const wrong: string[] = [];
      for (const c of cases) {
        const { width, height, channels } = c.image;
        const [target, options] = call(convention, c);
        const result = ops().resizeImage({ data: bytes(c.image.data), width, height, channels }, target, options);
        const diff = [result.width, result.height].join() !== [c.expected.width, c.expected.height].join()
          ? `size ${result.width}x${result.height}` : firstDifference(result.data, bytes(c.expected.data));
        if (diff) wrong.push(`${c.name}: ${diff}`);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    });
  }
});

describe('pool: a sample of the cases', () => {
  let pool: Pool;
  beforeAll(async () => { pool = await createPool({ threads: 2 }); });
  afterAll(async () => { await pool.close(); });
  for (const { convention, cases } of CONVENTIONS) {
    it(`${convention}: every 10th case`, async () => {
      const sample = cases.filter((_, i) => i % 10 === 0);
      const results = await Promise.all(sample.map((c) => {
        const { width, height, channels } = c.image;
        const [target, options] = call(convention, c);
        return pool.resizeImage({ data: bytes(c.image.data), width, height, channels }, target, options as never);
      }));
      const wrong = sample.map((c, i) => firstDifference(results[i].data, bytes(c.expected.data)) && c.name).filter(Boolean);
      expect(wrong).toEqual([]);
    });
  }
});

describe('pool: large images split by rows give the same bytes as plain JS', () => {
  let pool: Pool;
  beforeAll(async () => { pool = await createPool({ threads: 2 }); });
  afterAll(async () => { await pool.close(); });
  const image = { data: Uint8Array.from({ length: 301 * 203 * 4 }, (_, i) => (i * 2654435761) >>> 24), width: 301, height: 203, channels: 4 as const };
  it.each([
    ['pillow', 'lanczos', { width: 640, height: 480 }], ['pillow', 'bicubic', { width: 97, height: 61 }],
    ['opencv', 'cubic', { width: 640, height: 480 }], ['opencv', 'area', { width: 100, height: 67 }],
    ['opencv', 'linear', { scale: 0.5 }], ['pillow', 'box', { width: 150, height: 101 }],
  ] as const)('%s %s', async (convention, mode, target) => {
    const want = js.resizeImage(image, target, { convention, mode });
    const got = await pool.resizeImage(image, target, { convention, mode });
    expect(firstDifference(got.data, want.data as unknown as Uint8Array)).toBeUndefined();
  });
});

describe('opencv nearest-exact where OpenCV 4.6 reads before the row (its int32 wraps)', () => {
  // ifx = ((in << 16) + out / 2) / out wraps negative from in = 32768, and is 0 or 1 past a
  // ~43690x upscale (src -1 at x = 0): the index in exact integers, clamped to the image.
  const expectedIndex = (inSize: number, outSize: number, x: number): number => {
    const ifx = (BigInt(inSize) * 65536n + BigInt(outSize >> 1)) / BigInt(outSize);
    const sx = Number((ifx * BigInt(x) + ifx / 2n - 1n) >> 16n);
    return Math.max(0, Math.min(sx, inSize - 1));
  };
  it.each(backends)('$name: 40000 -> 39999 and 2 -> 100000 columns read inside the image', ({ ops }) => {
    for (const [inSize, outSize] of [[40000, 39999], [2, 100000], [1, 50000]]) {
      const data = Uint8Array.from({ length: inSize }, (_, i) => 1 + (i * 7919) % 251);
      const got = ops().resizeImage({ data, width: inSize, height: 1, channels: 1 }, { width: outSize, height: 1 },
                                    { convention: 'opencv', mode: 'nearest-exact' });
      const wrong = [];
      for (let x = 0; x < outSize && wrong.length < 3; x++) if (got.data[x] !== data[expectedIndex(inSize, outSize, x)]) wrong.push(`${inSize}->${outSize} x=${x}`);
      expect(wrong).toEqual([]);
    }
  });
});

describe("the demo's Pillow picture (demo/pillow-sample.png, Pillow 9.4)", () => {
  it.each(backends)('$name computes the same bytes from the built-in sample', ({ ops }) => {
    const png = PNG.sync.read(readFileSync(new URL('../demo/pillow-sample.png', import.meta.url)));
    const row = pillowRow(ops(), { data: new Uint8ClampedArray(png.data), width: png.width, height: png.height });
    expect(row.find((r) => r.id === 'pillow-diff')?.differing).toBe(0);
    expect(row.find((r) => r.id === 'pytorch-diff')?.differing).toBeGreaterThan(1000);
  });
});

describe('conventions: options and refusals', () => {
  const image = { data: new Uint8Array(4 * 3 * 4), width: 4, height: 3 };
  it('defaults: pillow bicubic, opencv linear; planImage shows the tables', () => {
    expect(planImage(image, { width: 8 }, { convention: 'pillow' })).toMatchObject({ convention: 'pillow', mode: 'bicubic', outHeight: 6 });
    const cv = planImage(image, { scale: 1.5 }, { convention: 'opencv' });
    // cv2.resize(fx=1.5): sizes round half to even (4.5 -> 4).
    expect(cv).toMatchObject({ convention: 'opencv', mode: 'linear', outWidth: 6, outHeight: 4 });
    expect(planImage(image, { scale: 2 })).toMatchObject({ convention: 'pytorch', outWidth: 8 });
  });
  it('refuses an unknown convention and a mode of another convention, naming both', () => {
    expect(() => js.resizeImage(image, { scale: 2 }, { convention: 'skia' as never })).toThrow(
      /unknown convention 'skia'; expected one of pytorch \| pillow \| opencv/);
    expect(() => js.resizeImage(image, { scale: 2 }, { convention: 'pillow', mode: 'cubic' })).toThrow(
      /unknown mode 'cubic' for convention 'pillow'; expected one of .*lanczos.*\('cubic' is a mode of convention 'opencv'\)/);
    expect(() => js.resizeImage(image, { scale: 2 }, { mode: 'lanczos' })).toThrow(RangeError);
    expect(() => js.resizeImage(image, { scale: 2 }, { convention: 1 as never })).toThrow(TypeError);
    expect(() => simd.resizeImage(image, { scale: 2 }, { convention: 'opencv', mode: 'bilinear' })).toThrow(/'bilinear' is a mode of convention 'pytorch', 'pillow'/);
  });
  it("refuses pytorch's options with the other conventions", () => {
    for (const option of [{ antialias: true }, { alignCorners: false }, { premultiplyAlpha: true }]) {
      expect(() => js.resizeImage(image, { scale: 2 }, { convention: 'pillow', mode: 'bilinear', ...option })).toThrow(/applies to convention 'pytorch' only/);
    }
  });
  it('refuses a bad [height, width] scale', () => {
    expect(() => js.resizeImage(image, { scale: [2] as never })).toThrow(TypeError);
    expect(() => js.resizeImage(image, { scale: [2, -1] })).toThrow(/finite numbers > 0, but got \[2, -1\]/);
  });
});

describe('CLI: --convention and its modes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'upsample-conventions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const data = Uint8Array.from({ length: 13 * 9 * 4 }, (_, i) => (i * 37 + (i >> 3) * 11) & 255);
  const input = join(dir, 'in.png');
  beforeAll(async () => {
    await init();
    const png = new PNG({ width: 13, height: 9 });
    png.data = Buffer.from(data);
    writeFileSync(input, PNG.sync.write(png));
  });
  const cli = async (...args: string[]) => {
    let stderr = '';
    const run = await runCli(args, { stdout: { write: () => {} }, stderr: { write: (t: string) => (stderr += t) } });
    return { ...run, stderr };
  };
  it.each([
    ['pillow', 'lanczos', ['--width', '30']],
    ['opencv', 'area', ['--scale', '0.5']],
    ['opencv', 'lanczos4', ['--scale', '1.5']],
  ] as const)('%s %s writes what resizeImage gives', async (convention, mode, size) => {
    const out = join(dir, `${convention}-${mode}.png`);
    const run = await cli(input, '-o', out, '--convention', convention, '--mode', mode, ...size);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const target = size[0] === '--width' ? { width: Number(size[1]) } : { scale: Number(size[1]) };
    const expected = resizeImage({ data, width: 13, height: 9 }, target, { convention, mode });
    const got = PNG.sync.read(readFileSync(out));
    expect([got.width, got.height]).toEqual([expected.width, expected.height]);
    expect(Buffer.from(got.data).equals(Buffer.from(expected.data))).toBe(true);
  });
  it('--linear-light writes what resizeImage gives with linearLight', async () => {
    const out = join(dir, 'linear.png');
    expect(await cli(input, '-o', out, '--convention', 'pillow', '--mode', 'lanczos', '--scale', '0.5', '--linear-light')).toMatchObject({ code: 0 });
    const expected = resizeImage({ data, width: 13, height: 9 }, { scale: 0.5 }, { convention: 'pillow', mode: 'lanczos', linearLight: true });
    expect(Buffer.from(PNG.sync.read(readFileSync(out)).data).equals(Buffer.from(expected.data))).toBe(true);
  });
  it('exits 2 for an unknown convention, a mode of another convention, or --antialias with one', async () => {
    const out = join(dir, 'x.png');
    expect(await cli(input, '-o', out, '--scale', '2', '--convention', 'skia')).toMatchObject({ code: 2 });
    const wrongMode = await cli(input, '-o', out, '--scale', '2', '--convention', 'pillow', '--mode', 'area');
    expect(wrongMode.code).toBe(2);
    expect(wrongMode.stderr).toMatch(/--mode must be one of bicubic, nearest, box, bilinear, hamming, lanczos with --convention pillow/);
    expect(await cli(input, '-o', out, '--scale', '2', '--convention', 'opencv', '--antialias')).toMatchObject({ code: 2 });
  });
});
