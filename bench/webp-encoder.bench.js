// The command's own lossy WebP encoder (src/cli/webp-encoder.ts encodeWebpLossy) against libwebp
// in WebAssembly (@jsquash/webp, method 4, what the command used before) and sharp's encoder
// (libvips + native libwebp, one thread: the roofline), at quality 80, in one run, interleaved:
// (1) warm encode times of a bench photo resized to 800 x 600 and 2000 x 1500; (2) a fresh
// process's CPU time to its first encode (import, compile, encode: what a command run pays).
// Run: `npm run bench:webp-encoder` (BENCH_PHOTOS=<dir>, BENCH_ROUNDS, BENCH_TIME_MS;
// BENCH_BASELINE=<another built checkout>, e.g. main's: its encoder too, in the same run).

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeWebpLossy } from '../dist/cli/webp-encoder.js';
import { ROUNDS, baselineBuild, benchPhotosDir, fmt, loadSharp, measure, save } from './common.js';

const here = new URL('..', import.meta.url).pathname;
const photosDir = benchPhotosDir();
const sharp = await loadSharp();
if (!sharp) throw new Error('sharp is needed to resize the photo');
const QUALITY = 80;
const baselineBuilt = baselineBuild();
const baseline = baselineBuilt && (await baselineBuilt.import('dist/cli/webp-encoder.js')).encodeWebpLossy;

const require = createRequire(import.meta.url);
const libwebpInit = `const { readFileSync } = await import('node:fs');
const m = await import('@jsquash/webp/encode.js');
await m.init(await WebAssembly.compile(readFileSync(require.resolve('@jsquash/webp/codec/enc/webp_enc_simd.wasm'))));
const encode = (image) => m.default({ ...image, data: new Uint8ClampedArray(image.data.buffer), colorSpace: 'srgb' }, { quality: ${QUALITY} });`;
const libwebp = await import('@jsquash/webp/encode.js');
await libwebp.init(await WebAssembly.compile(readFileSync(require.resolve('@jsquash/webp/codec/enc/webp_enc_simd.wasm'))));

const sections = [];
const images = [];
for (const [width, height] of [[800, 600], [2000, 1500]]) {
  const { data } = await sharp(join(photosDir, 'photo-10-2000x1500.jpg')).resize(width, height).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height };
  const path = join(os.tmpdir(), `webp-encoder-bench-${width}x${height}-${process.pid}.rgba`);
  writeFileSync(path, image.data);
  images.push({ ...image, path });
  const load = os.loadavg()[0].toFixed(2);
  const clamped = { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width, height, colorSpace: 'srgb' };
  const rows = await measure([
    { name: 'ours', fn: () => encodeWebpLossy(image, QUALITY) },
    ...(baseline ? [{ name: baselineBuilt.label, fn: () => baseline(image, QUALITY) }] : []),
    { name: 'libwebp (@jsquash, WebAssembly, method 4)', fn: () => libwebp.default(clamped, { quality: QUALITY }) },
    { name: 'sharp webp() (native libwebp)', fn: () => sharp(data, { raw: { width, height, channels: 4 } }).webp({ quality: QUALITY }).toBuffer() },
  ]);
  sections.push({ title: `${width} x ${height} photo: warm encode at quality ${QUALITY}; load ${load}`, rows, baseline: rows[0].name });
  console.log(`${width}x${height} (load ${load}): ${rows.map((r) => `${r.name} ${fmt(r.median)} ms`).join('; ')}`);
}

// A fresh process's CPU time (user + system) from before the import to after the first encode.
const fresh = (setup, image) => {
  const script = `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(join(here, 'package.json'))});
const start = process.cpuUsage(); ${setup}
const data = new Uint8Array((await import('node:fs')).readFileSync(${JSON.stringify(image.path)}));
await encode({ data, width: ${image.width}, height: ${image.height} }); const c = process.cpuUsage(start); console.log((c.user + c.system) / 1000);`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: here, encoding: 'utf8' }));
};
const ownSetup = (module) => `const { encodeWebpLossy } = await import(${JSON.stringify(module)}); const encode = (image) => encodeWebpLossy(image, ${QUALITY});`;
const setups = { ours: ownSetup(pathToFileURL(join(here, 'dist/cli/webp-encoder.js')).href), ...(baseline ? { baseline: ownSetup(baselineBuilt.url('dist/cli/webp-encoder.js')) } : {}), libwebp: libwebpInit };
for (const image of images) {
  const samples = Object.fromEntries(Object.keys(setups).map((name) => [name, []]));
  for (let round = 0; round < Math.max(5, ROUNDS); round++) {
    for (const [name, setup] of Object.entries(setups)) samples[name].push(fresh(setup, image));
  }
  const median = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  const rows = Object.entries(samples).map(([name, s]) => ({ name: `${name}: fresh process, import + first encode (CPU)`, median: median(s), min: s[0], max: s.at(-1), samples: s.length }));
  sections.push({ title: `${image.width} x ${image.height}: a fresh process's CPU time to its first encode (ms); load ${os.loadavg()[0].toFixed(2)}`, rows, baseline: rows[0].name });
  console.log(`${image.width}x${image.height} fresh CPU: ${rows.map((r) => `${r.name.split(':')[0]} ${fmt(r.median)} ms`).join(', ')}`);
}
save('webp-encoder', sections, 'One thread (sharp.concurrency(1)); the machine is shared with other jobs, so times are noisy: compare within a table.');
