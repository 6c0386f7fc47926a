// The Pillow and OpenCV fixture cases (test/fixtures/image-pillow.json, image-opencv.json) in
// headless Chromium through the built package: every case bit-exact on the default build (relaxed
// SIMD: the exact kernel uses no relaxed instruction, so the same bytes), the scalar build and the
// plain-JS backend. Runs the built package (npm test builds it first).

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      'pillow default': 612, 'pillow scalar': 612, 'pillow js': 612, 'opencv default': 906, 'opencv scalar': 906, 'opencv js': 906,
    });
    console.log(`Chromium, build ${report.build}: ${Object.values(report.counts).reduce((a, b) => a + b)} conventions cases bit-exact`);
  }, 120_000);
});
