// The command's own lossy WebP decoder (src/cli/webp-decoder.ts decodeWebpLossy) against libwebp
// in WebAssembly (@jsquash/webp, what the command used before: the same pixels) and sharp's raw
// decode (libvips + native libwebp, one thread: the roofline), in one run, interleaved:
// (1) warm decode times of the folder benchmark's WebPs (out/bench-cli/photos, made by
// `npm run bench:cli`) and a 640 x 480 one; (2) a fresh process's CPU time to its first decode
// (import, compile, decode: what a command run pays), ours against libwebp's, interleaved.
// Run: `npm run bench:webp-decoder` (BENCH_PHOTOS=<dir>, BENCH_ROUNDS, BENCH_TIME_MS;
// BENCH_BASELINE=<another checkout, built> adds its decoder to both parts, e.g. main's).

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { decodeWebpLossy } from '../dist/cli/webp-decoder.js';
import { ROUNDS, baselineBuild, benchPhotosDir, fmt, loadSharp, measure, save } from './common.js';

const here = new URL('..', import.meta.url).pathname;
const photosDir = benchPhotosDir();
const photos = readdirSync(photosDir).filter((f) => f.endsWith('.webp')).sort()
  .map((f) => ({ name: f, path: join(photosDir, f), bytes: new Uint8Array(readFileSync(join(photosDir, f))) }));

// libwebp as the command loaded it (src/cli/wasm-codecs.ts): the package's module, compiled from node_modules.
const require = createRequire(import.meta.url);
const libwebpInit = `const { readFileSync } = await import('node:fs');
const m = await import('@jsquash/webp/decode.js');
await m.init(await WebAssembly.compile(readFileSync(require.resolve('@jsquash/webp/codec/dec/webp_dec.wasm'))));
const decode = (b) => m.default(b);`;
const libwebp = await import('@jsquash/webp/decode.js');
await libwebp.init(await WebAssembly.compile(readFileSync(require.resolve('@jsquash/webp/codec/dec/webp_dec.wasm'))));
const sharp = await loadSharp();
const baselineBuilt = baselineBuild();
const baseline = baselineBuilt && (await baselineBuilt.import('dist/cli/webp-decoder.js')).decodeWebpLossy;

const sections = [];
for (const p of photos) {
  const load = os.loadavg()[0].toFixed(2);
  const tasks = [
    { name: 'ours', fn: () => decodeWebpLossy(p.bytes) },
    // As a converting thread decodes (decodeChecked's held): the pixels left in the module's memory, not copied out.
    { name: 'ours, in module', fn: () => decodeWebpLossy(p.bytes, 4, true) },
    ...(baseline ? [{ name: baselineBuilt.label, fn: () => baseline(p.bytes) }] : []),
    { name: 'libwebp (@jsquash, WebAssembly)', fn: () => libwebp.default(p.bytes) },
  ];
  if (sharp) tasks.push({ name: 'sharp raw() (native libwebp)', fn: () => sharp(p.bytes).raw().toBuffer() });
  const rows = await measure(tasks);
  sections.push({ title: `${p.name}: warm decode to RGBA; load ${load}`, rows, baseline: rows[0].name });
  console.log(`${p.name} (load ${load}): ${rows.map((r) => `${r.name} ${fmt(r.median)} ms`).join('; ')}`);
}

// A fresh process's CPU time (user + system) from before the import to after the first decode.
const fresh = (setup, path) => {
  const script = `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(join(here, 'package.json'))});
const start = process.cpuUsage(); ${setup}
const bytes = new Uint8Array((await import('node:fs')).readFileSync(${JSON.stringify(path)}));
await decode(bytes); const c = process.cpuUsage(start); console.log((c.user + c.system) / 1000);`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: here, encoding: 'utf8' }));
};
const oursSetup = `const { decodeWebpLossy: decode } = await import(${JSON.stringify(join(here, 'dist/cli/webp-decoder.js'))});`;
const baselineSetup = baseline && `const { decodeWebpLossy: decode } = await import(${JSON.stringify(baselineBuilt.url('dist/cli/webp-decoder.js'))});`;
for (const p of photos) {
  const samples = { ours: [], ...(baseline ? { baseline: [] } : {}), libwebp: [] };
  for (let round = 0; round < Math.max(5, ROUNDS); round++) {
    samples.ours.push(fresh(oursSetup, p.path));
    if (baseline) samples.baseline.push(fresh(baselineSetup, p.path));
    samples.libwebp.push(fresh(libwebpInit, p.path));
  }
  const median = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  const rows = Object.entries(samples).map(([name, s]) => ({ name: `${name}: fresh process, import + first decode (CPU)`, median: median(s), min: s[0], max: s.at(-1), samples: s.length }));
  sections.push({ title: `${p.name}: a fresh process's CPU time to its first decode (ms); load ${os.loadavg()[0].toFixed(2)}`, rows, baseline: rows[0].name });
  console.log(`${p.name} fresh CPU: ${rows.map((r) => `${r.name.split(':')[0]} ${fmt(r.median)} ms`).join(', ')}`);
}
save('webp-decoder', sections, 'One thread (sharp.concurrency(1)); the machine is shared with other jobs, so times are noisy: compare within a table.');
