// resizeImage in headless Chromium on a canvas's ImageData, passed as is (Uint8ClampedArray,
// no channels): the result goes back into an ImageData and onto a canvas, and equals Node's
// result within 1 level (the page gets the relaxed-SIMD build, Node the SIMD build), on the
// default build and the plain-JS backend; the Pillow and OpenCV conventions' fixture cases,
// bit-exact; and the pipeline operations against their compositions in the page. Runs the built
// package (npm test builds it first).

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../../scripts/static-server.mjs';
import { init, type ResizeImageOptions } from '../../src/index.js';
import { launchChromium, type Browser } from './chromium.js';
import { checkCanvasImage, type CanvasImageResult } from './image-check.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  server = await serveStatic(ROOT);
  browser = await launchChromium();
  await init({ simd: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('resizeImage in headless Chromium', () => {
  it.each([
    [{ mode: 'bicubic' }],
    [{ mode: 'bilinear', antialias: true }],
  ] as Array<[ResizeImageOptions]>)('an ImageData from a canvas, %j, equals Node within 1 level', async (options) => {
    const { page, errors } = await browser.open(`${server.url}test/browser/fixtures.html`);
    const target = options.antialias ? { width: 23 } : { scale: 2 };
    // Not a literal import(): vitest would rewrite it for Node.
    const result = await page.evaluate((arg) => (new Function('arg', "return import('/test/browser/image-runner.js').then((m) => m.runImage(arg))"))(arg),
      { options, target }) as CanvasImageResult;
    await page.close();
    expect(errors).toEqual([]);
    checkCanvasImage(result, target, options);
  }, 60_000);
});

// imageToTensor, upsampleArgmax and upsampleThreshold (the page gets the relaxed-SIMD build): each
// equals its composition computed in the same page, bit for bit, on an ImageData and on logits
// with ties.
it('the pipeline operations equal their compositions in Chromium (wasm and js)', async () => {
  const { page, errors } = await browser.open(`${server.url}test/browser/fixtures.html`);
  const result = await page.evaluate(async () => {
    // Not a literal import(): vitest would rewrite it for Node.
    const up = await (new Function('url', 'return import(url)'))('/dist/index.js');
    const info = await up.init();
    const pixels = Uint8ClampedArray.from({ length: 61 * 37 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37) % 251));
    const image = new ImageData(pixels, 61, 37);
    const f = Math.fround;
    const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
    let differ = 0;
    for (const ops of [up, up.js]) {
      const { tensor, padding } = ops.imageToTensor(image, { size: [32, 32], fit: 'contain', mean, std, padValue: 114 });
      const innerH = 32 - padding.top - padding.bottom;
      const small = ops.resizeImage(image, { width: 32, height: innerH }, { premultiplyAlpha: false });
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < 32; y++) {
          for (let x = 0; x < 32; x++) {
            const sy = y - padding.top;
            const v = sy >= 0 && sy < innerH ? small.data[(sy * 32 + x) * 4 + c] : 114;
            const want = f(f(f(v * (1 / 255)) - f(mean[c])) / f(std[c])); // transformers: v / 255 in double, to float32
            if (!Object.is(tensor.data[(c * 32 + y) * 32 + x], want)) differ++;
          }
        }
      }
      const logits = { data: Float32Array.from({ length: 5 * 9 * 11 }, (_, i) => Math.round(Math.sin(i * 0.7) * 4) / 4), shape: [1, 5, 9, 11] };
      const options = { size: [40, 37] };
      const labels = ops.upsampleArgmax(logits, options);
      const scores = ops.interpolate(logits, { ...options, mode: 'bilinear' });
      const n = 40 * 37;
      for (let i = 0; i < n; i++) {
        let best = scores.data[i], label = 0;
        for (let k = 1; k < 5; k++) if (scores.data[k * n + i] > best) { best = scores.data[k * n + i]; label = k; }
        if (labels.data[i] !== label) differ++;
      }
      const masks = ops.upsampleThreshold(logits, { ...options, threshold: 0.1 });
      for (let i = 0; i < scores.data.length; i++) if (masks.data[i] !== (scores.data[i] > f(0.1) ? 255 : 0)) differ++;
    }
    return { build: info.build, differ };
  });
  await page.close();
  expect(errors).toEqual([]);
  expect(result.build).toBeTruthy();
  expect(result.differ).toBe(0);
}, 90_000);

// imageToTensor with the exact conventions (Pillow, OpenCV), run band by band (an image whose
// resized rows span several bands): equal to resizeImage of the image without alpha, then
// normalise, bit for bit, on the default build, the scalar build and plain JS in the page.
it.each([
  ['pillow', 'bicubic'], ['pillow', 'lanczos'], ['opencv', 'linear'], ['opencv', 'area'],
])('imageToTensor with convention %s (%s) equals its composition in Chromium (default, scalar, js)', async (convention, mode) => {
  const { page, errors } = await browser.open(`${server.url}test/browser/fixtures.html`);
  const result = await page.evaluate(async ({ convention, mode }) => {
    // Not a literal import(): vitest would rewrite it for Node.
    const up = await (new Function('url', 'return import(url)'))('/dist/index.js');
    const info = await up.init();
    const scalar = await up.createOperations({ build: 'scalar' });
    const [W, H, S] = [300, 420, 384];
    const pixels = Uint8ClampedArray.from({ length: W * H * 4 }, (_, i) => (i % 4 === 3 ? 200 : ((i >> 2) * 37 + (i % 4) * 91 + ((i >> 2) / W | 0) * 13) % 251));
    const image = new ImageData(pixels, W, H);
    const rgb = new Uint8ClampedArray(W * H * 3).map((_, i) => pixels[(i / 3 | 0) * 4 + (i % 3)]);
    const f = Math.fround;
    const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
    let differ = 0;
    let rows = 0;
    for (const ops of [up, scalar, up.js]) {
      const { tensor, padding } = ops.imageToTensor(image, { size: [S, S], fit: 'contain', convention, mode, mean, std, padValue: 114 });
      const innerW = S - padding.left - padding.right;
      rows = S - padding.top - padding.bottom;
      const small = ops.resizeImage({ data: rgb, width: W, height: H, channels: 3 }, { width: innerW, height: rows }, { convention, mode });
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < S; y++) {
          for (let x = 0; x < S; x++) {
            const sx = x - padding.left;
            const v = sx >= 0 && sx < innerW ? small.data[(y * innerW + sx) * 3 + c] : 114;
            const want = f(f(f(v * (1 / 255)) - f(mean[c])) / f(std[c])); // transformers: v / 255 in double, to float32
            if (!Object.is(tensor.data[(c * S + y) * S + x], want)) differ++;
          }
        }
      }
    }
    return { build: info.build, differ, rows };
  }, { convention, mode });
  await page.close();
  expect(errors).toEqual([]);
  expect(result.build).toBeTruthy();
  expect(result.rows).toBe(384); // 274 x 384 resized: ~822 bytes a row, several ~96 KiB bands
  expect(result.differ).toBe(0);
}, 90_000);

// The Pillow and OpenCV fixture cases (test/fixtures/image-pillow.json, image-opencv.json): every
// case bit-exact on the default build (relaxed SIMD: the exact kernel uses no relaxed instruction,
// so the same bytes), the scalar build and the plain-JS backend.
describe('Pillow and OpenCV conventions in headless Chromium', () => {
  it('every fixture case bit-exact on the default build, the scalar build and plain JS', async () => {
    const { page, errors } = await browser.open(`${server.url}test/browser/fixtures.html`);
    const report = await page.evaluate(async () => {
      // Not a literal import(): vitest would rewrite it for Node.
      const up = await (new Function('url', 'return import(url)'))('/dist/index.js');
      const info = await up.init();
      const scalar = await up.createOperations({ build: 'scalar' });
      const bytes = (b64: string) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const counts: Record<string, number> = {};
      const failures: string[] = [];
      for (const convention of ['pillow', 'opencv']) {
        const { cases } = await (await fetch(`/test/fixtures/image-${convention}.json`)).json();
        for (const c of cases) {
          const target = 'fx' in c.target ? { scale: [c.target.fy, c.target.fx] } : c.target;
          const image = { data: bytes(c.image.data), width: c.image.width, height: c.image.height, channels: c.image.channels };
          const want = bytes(c.expected.data);
          for (const [name, ops] of [['default', up], ['scalar', scalar], ['js', up.js]]) {
            const got = ops.resizeImage(image, target, { convention, mode: c.mode }).data;
            const equal = got.length === want.length && got.every((v: number, i: number) => v === want[i]);
            const key = `${convention} ${name}`;
            counts[key] = (counts[key] ?? 0) + 1;
            if (!equal) failures.push(`${key}: ${c.name}`);
          }
        }
      }
      return { build: info.build, counts, failures };
    });
    await page.close();
    expect(errors).toEqual([]);
    expect(report.failures.slice(0, 5)).toEqual([]);
    expect(report.counts).toEqual({
      'pillow default': 612, 'pillow scalar': 612, 'pillow js': 612, 'opencv default': 966, 'opencv scalar': 966, 'opencv js': 966,
    });
    console.log(`Chromium, build ${report.build}: ${Object.values(report.counts).reduce((a, b) => a + b)} conventions cases bit-exact`);
  }, 120_000);
});
