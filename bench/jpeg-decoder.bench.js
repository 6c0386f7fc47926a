// The command's own baseline JPEG decoder (src/cli/jpeg-decoder.ts decodeJpeg, at scale 1 (RGBA
// and RGB) and shrunk on decode to 1/2, 1/4, 1/8) against MozJPEG in WebAssembly (src/cli/wasm-codecs.ts
// decodeWasm, full size only) and sharp's raw decode (libvips + libjpeg-turbo, one thread: the
// native roofline), in one run, interleaved. Photos: the folder benchmark's JPEGs
// (out/bench-cli/photos, made by `npm run bench:cli`) and its 4000 x 3000 photo. Rate: MB/s of
// entropy-coded data (the bytes after SOS), the part that costs the same at every scale.
// BENCH_BASELINE=<dir with dist/ and build/> adds that build's decodeJpeg (e.g. main's) as a
// "before" row, and counts the samples where the two differ at every scale.
// Run: `npm run bench:jpeg-decoder` (BENCH_PHOTOS=<dir>, BENCH_ROUNDS, BENCH_TIME_MS).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { decodeJpeg, parseBaseline, releaseDecoded } from '../dist/cli/jpeg-decoder.js';
import { shrinkFor } from '../dist/cli/jpeg-decoding.js';
import { decodeWasm } from '../dist/cli/wasm-codecs.js';
import { baselineBuild, benchPhotosDir, fmt, loadSharp, measure, save } from './common.js';

const here = new URL('..', import.meta.url).pathname;
const photosDir = benchPhotosDir();
const big = join(photosDir, '../photo-4000x3000.jpg');
const files = readdirSync(photosDir).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(photosDir, f));
const read = (path) => new Uint8Array(readFileSync(path));
const photos = files.map((path) => ({ name: path.split('/').pop(), bytes: read(path) }));
if (existsSync(big)) photos.push({ name: 'photo-4000x3000.jpg', bytes: read(big) });

const baselineBuilt = baselineBuild();
const before = baselineBuilt && (await baselineBuilt.import('dist/cli/jpeg-decoder.js')).decodeJpeg;
const sharp = await loadSharp();
const entropyBytes = (bytes) => bytes.length - parseBaseline(bytes).scanStart;
const mbs = (bytes, ms) => (bytes / 1e3 / ms).toFixed(0);

// Pixels against the baseline build's, every photo, every scale: how many samples differ, by how much.
const differences = [];
if (before) {
  for (const p of photos) {
    for (const scale of [1, 2, 4, 8]) {
      const [a, b] = [await decodeJpeg(p.bytes, scale), await before(p.bytes, scale)];
      if (a.width !== b.width || a.height !== b.height) throw new Error(`${p.name} at 1/${scale}: size differs from the ${baselineBuilt.label}`);
      let count = 0;
      let max = 0;
      for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) { count++; max = Math.max(max, Math.abs(a.data[i] - b.data[i])); }
      if (count > 0) differences.push(`${p.name} 1/${scale}: ${count} of ${a.data.length} (max ${max})`);
    }
  }
  console.log(`against the ${baselineBuilt.label} on ${photos.length} photos at scales 1, 2, 4, 8: ${differences.length ? `samples differ in ${differences.join('; ')}` : 'the same pixels'}`);
}

const sections = [];
const summary = [];
const detailed = ['photo-02-1600x1200.jpg', 'photo-06-3000x2000.jpg', 'photo-4000x3000.jpg'];
for (const p of photos.filter((q) => detailed.includes(q.name))) {
  const tasks = [];
  for (const scale of [1, 2, 4, 8]) {
    tasks.push({ name: `ours 1/${scale}`, fn: () => decodeJpeg(p.bytes, scale) });
    // RGB rows, as the command decodes an opaque image whose output needs no alpha.
    if (scale === 1) tasks.push({ name: 'ours 1/1 RGB', fn: () => decodeJpeg(p.bytes, 1, 3) });
    if (before) tasks.push({ name: `before 1/${scale}`, fn: () => before(p.bytes, scale) });
  }
  tasks.push({ name: 'MozJPEG (WebAssembly) 1/1', fn: () => decodeWasm('jpeg', p.bytes) });
  if (sharp) tasks.push({ name: 'sharp raw() 1/1', fn: () => sharp(p.bytes).raw().toBuffer() });
  const load = os.loadavg()[0].toFixed(2);
  const rows = await measure(tasks);
  const scan = entropyBytes(p.bytes);
  for (const r of rows) r.name += ` (${mbs(scan, r.median)} MB/s)`;
  sections.push({ title: `${p.name}: ${(p.bytes.length / 1e6).toFixed(2)} MB, ${(scan / 1e6).toFixed(2)} MB entropy-coded; load ${load}`, rows, baseline: rows[0].name });
  summary.push(`${p.name} (load ${load}): ${rows.map((r) => `${r.name} ${fmt(r.median)} ms`).join('; ')}`);
  console.log(summary.at(-1));
}

// The folder case: every JPEG decoded as `--width 800 --antialias` decodes it (shrink on decode).
const scales = photos.filter((p) => !p.name.includes('4000')).map((p) => {
  const { width, height } = parseBaseline(p.bytes).frame;
  return shrinkFor({ decoder: 'fast', shrink: true }, width, height, 800, Math.round((height * 800) / width), { antialias: true });
});
const folder = photos.filter((p) => !p.name.includes('4000'));
// Each decoded array given back for the next decode, as the command does (src/cli/convert.ts).
const all = async (decode, release) => {
  for (const [i, p] of folder.entries()) {
    const image = await decode(p.bytes, scales[i]);
    release?.(image.data);
  }
};
const folderTasks = [{ name: 'ours, shrunk as --width 800', fn: () => all(decodeJpeg, releaseDecoded), slow: true }];
if (before) folderTasks.push({ name: 'before, shrunk as --width 800', fn: () => all(before, beforeModule.releaseDecoded), slow: true });
folderTasks.push({ name: 'MozJPEG (WebAssembly), full size', fn: () => all((b) => decodeWasm('jpeg', b)), slow: true });
if (sharp) folderTasks.push({ name: 'sharp raw(), full size', fn: () => all((b) => sharp(b).raw().toBuffer()), slow: true });
const load = os.loadavg()[0].toFixed(2);
const folderRows = await measure(folderTasks, { rounds: Math.max(4, Number(process.env.BENCH_ROUNDS ?? 8)) });
const folderScan = folder.reduce((s, p) => s + entropyBytes(p.bytes), 0);
for (const r of folderRows) r.name += ` (${mbs(folderScan, r.median)} MB/s)`;
sections.push({ title: `The folder's ${folder.length} JPEGs one after another (scales ${scales.join(', ')}), ${(folderScan / 1e6).toFixed(1)} MB entropy-coded; load ${load}`, rows: folderRows, baseline: folderRows[0].name });
console.log(`folder (load ${load}): ${folderRows.map((r) => `${r.name} ${fmt(r.median)} ms`).join('; ')}`);
if (differences.length) sections.at(-1).note = `Samples that differ from the "before" build: ${differences.join('; ')}.`;
save('jpeg-decoder', sections, 'One thread (sharp.concurrency(1)); the machine is shared with other jobs, so times are noisy: compare within a table. MB/s: entropy-coded bytes / time.');
