// W5: RGBA 1024x1024 -> 2048x2048, bilinear and bicubic: resizeImage (WebAssembly SIMD, scalar,
// plain JS) against sharp (libvips, native, single-threaded). Run with `npm run bench:image`
// (node --expose-gc, so that a full collection runs between timed calls).
//
// sharp is not the same computation: its `linear`/`cubic` kernels sample a quarter pixel off
// PyTorch's half-pixel rule (and `cubic` is Catmull-Rom-like, not A = -0.75), so this compares
// speed for the same sizes, not results.

import * as up from '../dist/index.js';
import { prepareResizeImage } from '../dist/image.js';
import { stageResizeImage } from '../dist/wasm/image.js';
import { kernelAlone, measure, randomImage, privateModule, save, table } from './common.js';

let sharp;
try {
  sharp = (await import('sharp')).default;
  sharp.concurrency(1); // libvips threads
  sharp.cache(false);
} catch (error) {
  console.warn(`sharp unavailable (${error.message}); comparing against plain JS only`);
}

const SIZE = 1024;

/** sharp's resize of the same raw pixels (premultiplies alpha itself, as resizeImage does). */
function sharpResize(image, kernel) {
  return sharp(Buffer.from(image.data.buffer), { raw: { width: image.width, height: image.height, channels: 4 } })
    .resize(image.width * 2, image.height * 2, { kernel, fit: 'fill' })
    .raw()
    .toBuffer();
}

export async function benchImage() {
  await up.init();
  const simd = await privateModule('simd');
  const image = randomImage(SIZE, SIZE);
  const sections = [];
  for (const [mode, kernel] of [['bilinear', 'linear'], ['bicubic', 'cubic']]) {
    const target = { scale: 2 };
    const options = { mode };
    const prepared = prepareResizeImage(image, target, options);
    const { plan } = prepared;
    const n = plan.outWidth * plan.outHeight * 4;
    const out = new Uint8ClampedArray(n);
    const simdKernel = kernelAlone(simd, prepared, stageResizeImage);
    const tasks = [
      { name: 'wasm simd kernel', fn: simdKernel },
      { name: 'wasm simd with out', fn: () => up.resizeImage(image, target, { ...options, out }) },
      { name: 'wasm simd fresh output', fn: () => up.resizeImage(image, target, options) },
      { name: 'js with out', fn: () => up.js.resizeImage(image, target, { ...options, out }) },
      { name: 'js fresh output', fn: () => up.js.resizeImage(image, target, options) },
      { name: 'wasm simd with out, straight alpha', fn: () => up.resizeImage(image, target, { ...options, premultiplyAlpha: false, out }) },
      { name: 'memset output (bandwidth reference)', fn: () => out.fill(7) },
    ];
    if (sharp) tasks.push({ name: `sharp ${kernel} (1 thread)`, fn: () => sharpResize(image, kernel) });
    const scalar = await privateModule('scalar');
    tasks.push({ name: 'wasm scalar kernel', fn: kernelAlone(scalar, prepared, stageResizeImage) });
    const rows = await measure(tasks, { gc: true }); // interleaved rounds, a collection before each call
    const get = (name) => rows.find((r) => r.name === name)?.median;
    const ratios = [
      `js / wasm simd (with out): ${(get('js with out') / get('wasm simd with out')).toFixed(1)}x;`,
      `js / wasm simd (fresh output): ${(get('js fresh output') / get('wasm simd fresh output')).toFixed(1)}x;`,
      sharp ? `sharp ${kernel} / wasm simd: ${(get(`sharp ${kernel} (1 thread)`) / get('wasm simd with out')).toFixed(1)}x with out, ` +
        `${(get(`sharp ${kernel} (1 thread)`) / get('wasm simd fresh output')).toFixed(1)}x fresh output;` : 'sharp: not run;',
      `scalar / simd kernel: ${(get('wasm scalar kernel') / get('wasm simd kernel')).toFixed(1)}x.`,
    ].join(' ');
    const title = `W5 RGBA ${SIZE}x${SIZE} -> ${2 * SIZE}x${2 * SIZE} ${mode} (premultiplied alpha)`;
    sections.push({ title, rows, baseline: 'wasm simd with out', note: ratios });
    console.log(`\n${title}\n${ratios}\n${table(rows, 'wasm simd with out')}`);
  }
  save('image', sections);
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchImage();
