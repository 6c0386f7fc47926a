// imageToTensor, upsampleArgmax and upsampleThreshold in headless Chromium (the page gets the
// relaxed-SIMD build): each equals its composition computed in the same page, bit for bit, on a
// canvas's ImageData and on logits with ties. Runs the built package (npm test builds it first).

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../../scripts/static-server.mjs';
import { launchChromium, type Browser } from './chromium.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  server = await serveStatic(ROOT);
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('the pipeline operations equal their compositions in Chromium (wasm and js)', async () => {
  const { page, errors } = await browser.open(`${server.url}test/browser/fixtures.html`);
  const result = await page.evaluate(async () => {
    // Not a literal import(): vitest would rewrite it for Node.
    const up = await (new Function('url', 'return import(url)'))('/dist/index.js');
    const info = await up.init();
    const canvas = document.createElement('canvas');
    canvas.width = 61;
    canvas.height = 37;
    const ctx = canvas.getContext('2d')!;
    const gradient = ctx.createLinearGradient(0, 0, 61, 37);
    gradient.addColorStop(0, '#204080');
    gradient.addColorStop(1, '#f0c020');
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, 61, 37);
    const image = ctx.getImageData(0, 0, 61, 37);
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
            const want = f(f(f(v * f(1 / 255)) - f(mean[c])) / f(std[c]));
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
