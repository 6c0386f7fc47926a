// The command's own JPEG encoder (src/cli/jpeg-encoder.ts) against sharp's (libvips + MozJPEG
// built as libjpeg-turbo: no trellis, optimised Huffman tables, 4:2:0) and MozJPEG in WebAssembly
// (@jsquash/jpeg with the command's settings: trellis, baseline, 4:2:0), on one thread, the same
// pixels: a 4000 x 3000 synthetic photograph (bench/common.js photoPixels) and the same photo at
// 2000 x 1500 upscaled 2x bilinear (smooth, as the command's 2x output is). Time (interleaved
// rounds), file size and PSNR of the decoded file (sharp decodes) against the source.
// And the folder case of `npm run bench:cli`: its 16 JPEG photos (out/bench-cli/photos) resized
// to 800 wide by sharp, encoded as the command encodes them (strips of 256 rows, joined), against
// sharp's encoder on each whole image; BENCH_BASELINE=<dir with dist/ and build/> (e.g. main's
// checkout) adds that build's encoder as a "before" row and checks that it writes the same bytes.
// Run: `npm run bench:jpeg-encoder` (BENCH_ROUNDS=n, default 4).

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeJpeg } from '../dist/cli/jpeg-encoder.js';
import { joinStrips, stripRows } from '../dist/cli/jpeg-strips.js';
import { encodeWasm } from '../dist/cli/wasm-codecs.js';
import { baselineBuild, benchPhotosDir, fmt, measure, photoPixels, save } from './common.js';

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
// The folder case: the same pixels for every encoder, resized once.
const photosDir = benchPhotosDir();
if (existsSync(photosDir)) {
  const photos = [];
  for (const name of readdirSync(photosDir).filter((f) => f.endsWith('.jpg')).sort()) {
    const { data, info } = await sharp(join(photosDir, name)).resize({ width: 800, kernel: 'linear' }).raw().toBuffer({ resolveWithObject: true });
    photos.push({ rgb: data, image: { data: rgba(data), width: info.width, height: info.height } });
  }
  const inStrips = async (encode, join_, strips) => Promise.all(photos.map(async ({ image }) => {
    const rows = strips(image.width);
    const parts = [];
    for (let y = 0; y < image.height; y += rows) {
      const n = Math.min(rows, image.height - y);
      parts.push(await encode({ ...image, data: image.data.subarray(y * image.width * 4, (y + n) * image.width * 4), height: n }, { quality: 90 }));
    }
    return join_(parts, image.width, image.height, rows);
  }));
  const baselineBuilt = baselineBuild();
  const baseline = baselineBuilt && {
    encode: (await baselineBuilt.import('dist/cli/jpeg-encoder.js')).encodeJpeg,
    strips: await baselineBuilt.import('dist/cli/jpeg-strips.js'),
  };
  const encoders = [
    { name: 'ours, in strips as the command encodes', fn: () => inStrips(encodeJpeg, joinStrips, stripRows) },
    ...(baseline ? [{ name: `before (${baselineBuilt.label})`, fn: () => inStrips(baseline.encode, baseline.strips.joinStrips, baseline.strips.stripRows) }] : []),
    { name: 'sharp 0.35 jpeg() defaults, concurrency(1), whole images', fn: () => Promise.all(photos.map(({ rgb, image }) => sharp(rgb, { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer())) },
  ];
  const rows = await measure(encoders, { rounds: ROUNDS });
  const pixels = photos.reduce((n, p) => n + p.image.width * p.image.height, 0);
  let note = `${photos.length} photos, ${(pixels / 1e6).toFixed(1)} MP in all.`;
  if (baseline) {
    const [ours, before] = [await encoders[0].fn(), await encoders[1].fn()];
    note += ` Same bytes as before: ${ours.every((b, i) => Buffer.from(b).equals(Buffer.from(before[i])))}.`;
  }
  sections.push({ title: 'the folder case: 16 photos resized to 800 wide, quality 90', rows, baseline: rows.at(-1).name, note });
  console.log(`folder case: ${rows.map((r) => `${r.name} ${fmt(r.median)} ms`).join('; ')}\n${note}`);
}
save('jpeg-encoder', sections, 'One thread each (sharp.concurrency(1)); the machine is shared with other jobs, so times are noisy: compare within a table. Ratios: time / sharp\'s.');
