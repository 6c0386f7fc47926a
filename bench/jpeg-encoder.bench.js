// The command's own JPEG encoder (src/cli/jpeg-encoder.ts) against sharp's (libvips + MozJPEG
// built as libjpeg-turbo: no trellis, optimised Huffman tables, 4:2:0) and MozJPEG in WebAssembly
// (@jsquash/jpeg with the command's settings: trellis, baseline, 4:2:0), on one thread, the same
// pixels: a 4000 x 3000 synthetic photograph (bench/common.js photoPixels) and the same photo at
// 2000 x 1500 upscaled 2x bilinear (smooth, as the command's 2x output is). Time (interleaved
// rounds), file size and PSNR of the decoded file (sharp decodes) against the source.
// Run: `npm run bench:jpeg-encoder` (BENCH_ROUNDS=n, default 4).

import sharp from 'sharp';
import { encodeJpeg } from '../dist/cli/jpeg-encoder.js';
import { encodeWasm } from '../dist/cli/wasm-codecs.js';
import { fmt, measure, photoPixels, save } from './common.js';

sharp.concurrency(1);
sharp.cache(false);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

const rgba = (rgb) => {
  const out = new Uint8Array((rgb.length / 3) * 4);
  for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) { out[q] = rgb[p]; out[q + 1] = rgb[p + 1]; out[q + 2] = rgb[p + 2]; out[q + 3] = 255; }
  return out;
};

async function psnr(bytes, source) {
  const decoded = await sharp(Buffer.from(bytes)).raw().toBuffer();
  let se = 0;
  for (let i = 0; i < source.length; i++) { const d = decoded[i] - source[i]; se += d * d; }
  return 10 * Math.log10((255 * 255) / (se / source.length));
}

const [W, H] = [4000, 3000];
const photo = photoPixels(W, H, 1);
const upscaled = await sharp(photoPixels(W / 2, H / 2, 1), { raw: { width: W / 2, height: H / 2, channels: 3 } })
  .resize(W, H, { kernel: 'linear' }).raw().toBuffer();

const sections = [];
for (const [label, rgb] of [['4000 x 3000 photo', photo], ['2000 x 1500 photo upscaled 2x (smooth)', upscaled]]) {
  const image = { data: rgba(rgb), width: W, height: H };
  for (const quality of [80, 90]) {
    const encoders = [
      { name: 'ours (src/cli/jpeg-encoder.ts, WebAssembly SIMD)', fn: () => encodeJpeg(image, { quality }) },
      { name: 'sharp 0.35 jpeg() defaults, concurrency(1)', fn: () => sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality }).toBuffer() },
      { name: 'MozJPEG (@jsquash/jpeg, the command\'s settings)', fn: () => encodeWasm('jpeg', image, quality), slow: true },
    ];
    const rows = await measure(encoders, { rounds: ROUNDS });
    const quality_ = [];
    for (const e of encoders) {
      const bytes = await e.fn();
      quality_.push({ name: e.name, bytes: bytes.length, psnr: await psnr(bytes, rgb) });
    }
    const sharpRow = quality_[1];
    const note = ['| encoder | bytes | x sharp | PSNR dB | - sharp |', '|---|---:|---:|---:|---:|',
      ...quality_.map((q) => `| ${q.name} | ${q.bytes} | ${(q.bytes / sharpRow.bytes).toFixed(3)} | ${q.psnr.toFixed(2)} | ${(q.psnr - sharpRow.psnr).toFixed(2)} |`)].join('\n');
    sections.push({ title: `${label}, quality ${quality}`, rows, baseline: rows[1].name, note });
    console.log(`${label} q${quality}: ${rows.map((r) => `${r.name} ${fmt(r.median)} ms`).join('; ')}\n${note}`);
  }
}
save('jpeg-encoder', sections, 'One thread each (sharp.concurrency(1)); the machine is shared with other jobs, so times are noisy: compare within a table. Ratios: time / sharp\'s.');
