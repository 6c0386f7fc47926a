// Peak memory and the time cost of tiling (maximumMemory, src/tiling/). Each size runs in a fresh
// child process, so one size's high-water marks do not hide the next's:
//   peak: peak RSS (process.resourceUsage().maxRSS) above the RSS before the arrays were made,
//         against input + output bytes, with the default budget (256 MiB: tiled past it) and
//         untiled (maximumMemory 2 GiB), for one call of resizeImage (RGBA, bilinear 2x) and of
//         interpolate (float32 [1,4,H,W], bilinear 2x); and on the plain-JS backend `js`.
//   cost: the same call on an untiled instance and on a tiled one (budgets of 16 and 64 MiB),
//         interleaved in one process, medians of the rounds.
// Run: `npm run bench:memory` (writes bench/results/memory.{json,md}); `node bench/memory.bench.js
// --bands` times the calls that band one sample (conv, convTranspose, imageToTensor, resizeBilinear: memory-bands.*;
// `--kinds imageToTensor` for some of them only);
// `node bench/memory.bench.js --huge` also upscales a 16384 x 16384 RGBA image 2x (4 GiB out).

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machine } from './common.js';

const MB = 1e6;
const MIB = 2 ** 20;
const self = fileURLToPath(import.meta.url);

/** The call of a workload whose input + output is about `bytes`: its arguments and its in/out sizes. */
function workload(up, kind, bytes) {
  if (kind === 'image') {
    const side = Math.max(2, Math.floor(Math.sqrt(bytes / 5 / 4))); // 4 channels, 2x: out = 4 x in
    const data = new Uint8ClampedArray(side * side * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const image = { data, width: side, height: side, channels: 4 };
    return { label: `${side} x ${side} RGBA`, inBytes: data.length, outBytes: data.length * 4,
      run: (ops, out) => ops.resizeImage(image, { scale: 2 }, { mode: 'bilinear', out }), makeOut: () => new Uint8ClampedArray(data.length * 4) };
  }
  if (kind in BANDED) return BANDED[kind](bytes);
  const side = Math.max(2, Math.floor(Math.sqrt(bytes / 5 / 4 / 4))); // [1, 4, side, side] float32, 2x
  const data = new Float32Array(4 * side * side);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) >>> 16) / 65536;
  const input = { data, shape: [1, 4, side, side] };
  return { label: `[1, 4, ${side}, ${side}] float32`, inBytes: data.byteLength, outBytes: data.byteLength * 4,
    run: (ops, out) => ops.interpolate(input, { scaleFactor: 2, mode: 'bilinear', out }),
    makeOut: () => ({ data: new Float32Array(data.length * 4), shape: [1, 4, 2 * side, 2 * side] }) };
}

const filled = (n) => Float32Array.from({ length: n }, (_, i) => ((i * 2654435761) >>> 16) / 65536 - 0.5);

/**
 * One sample (N = 1) whose calls band along their first spatial axis (src/tiling/conv-bands.ts,
 * resize-bands.ts): conv2d 16 -> 16 3x3, convTranspose2d 16 -> 8 4x4 stride 2, resizeBilinear NHWC 2x.
 */
const BANDED = {
  conv(bytes) {
    const side = Math.max(4, Math.floor(Math.sqrt(bytes / 2 / 16 / 4)));
    const input = { data: filled(16 * side * side), shape: [1, 16, side, side] };
    const weight = { data: filled(16 * 16 * 9), shape: [16, 16, 3, 3] };
    return { label: `conv2d [1, 16, ${side}, ${side}] 3x3`, inBytes: input.data.byteLength, outBytes: input.data.byteLength,
      run: (ops, out) => ops.conv2d(input, weight, { padding: 1, out }), makeOut: () => ({ data: new Float32Array(input.data.length), shape: input.shape }) };
  },
  convTranspose(bytes) {
    const side = Math.max(4, Math.floor(Math.sqrt(bytes / 48 / 4)));
    const input = { data: filled(16 * side * side), shape: [1, 16, side, side] };
    const weight = { data: filled(16 * 8 * 16), shape: [16, 8, 4, 4] };
    const shape = [1, 8, 2 * side, 2 * side];
    return { label: `convTranspose2d [1, 16, ${side}, ${side}] 4x4 stride 2`, inBytes: input.data.byteLength, outBytes: 32 * side * side * 4,
      run: (ops, out) => ops.convTranspose2d(input, weight, { stride: 2, padding: 1, out }), makeOut: () => ({ data: new Float32Array(32 * side * side), shape }) };
  },
  imageToTensor(bytes) { // a photo to a model's input: RGBA halved, ImageNet-normalised, NCHW (src/tiling/tensor-bands.ts)
    const side = Math.max(4, 2 * Math.floor(Math.sqrt(bytes / 7) / 2)); // in 4 s^2 bytes, out 3 (s/2)^2 floats
    const data = new Uint8ClampedArray(side * side * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const image = { data, width: side, height: side, channels: 4 };
    const shape = [1, 3, side / 2, side / 2];
    return { label: `imageToTensor ${side} x ${side} RGBA to [1, 3, ${side / 2}, ${side / 2}]`, inBytes: data.length, outBytes: 3 * side * side,
      run: (ops, out) => ops.imageToTensor(image, { size: [side / 2, side / 2], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], out }),
      makeOut: () => ({ data: new Float32Array(3 * side * side / 4), shape }) };
  },
  resize(bytes) {
    const side = Math.max(4, Math.floor(Math.sqrt(bytes / 15 / 4)));
    const images = { data: filled(3 * side * side), shape: [1, side, side, 3] };
    return { label: `resizeBilinear [1, ${side}, ${side}, 3] 2x`, inBytes: images.data.byteLength, outBytes: 16 * images.data.byteLength / 4,
      run: (ops, out) => ops.resizeBilinear(images, [2 * side, 2 * side], { halfPixelCenters: true, out }),
      makeOut: () => ({ data: new Float32Array(12 * side * side), shape: [1, 2 * side, 2 * side, 3] }) };
  },
};

const rss = () => process.resourceUsage().maxRSS * 1024;

async function child({ mode, kind, bytes, budget, budgets, rounds }) {
  const up = await import('../dist/index.js');
  if (mode === 'peak') {
    const ops = budget === 0 ? up.js : await up.createOperations({ build: 'simd', maximumMemory: budget });
    ops.interpolate({ data: new Float32Array(16), shape: [1, 1, 4, 4] }, { scaleFactor: 2 }); // code paths warm
    const before = rss();
    const w = workload(up, kind, bytes);
    const t0 = performance.now();
    let error;
    try {
      w.run(ops);
    } catch (e) {
      error = `${e.constructor.name}: ${e.message}`;
    }
    const ms = performance.now() - t0;
    return { label: w.label, inBytes: w.inBytes, outBytes: w.outBytes, peakAbove: rss() - before, wasmBytes: ops.memoryBytes ?? 0, ms, error };
  }
  // cost: interleaved rounds on an untiled instance and tiled ones, the same `out`.
  const instances = [await up.createOperations({ build: 'simd', maximumMemory: 2 ** 31 }),
    ...await Promise.all(budgets.map((b) => up.createOperations({ build: 'simd', maximumMemory: b })))];
  const w = workload(up, kind, bytes);
  const outs = instances.map(() => w.makeOut());
  const times = instances.map(() => []);
  for (let r = 0; r < rounds + 1; r++) {
    const order = instances.map((_, i) => i);
    if (r % 2) order.reverse(); // neither always first nor always last in a round
    for (const i of order) {
      const t0 = performance.now();
      w.run(instances[i], outs[i]);
      if (r > 0) times[i].push(performance.now() - t0); // round 0 warms memory and pages
    }
  }
  const bytesOf = (o) => Buffer.from((o.data ?? o).buffer, (o.data ?? o).byteOffset, (o.data ?? o).byteLength);
  for (const o of outs) if (!bytesOf(o).equals(bytesOf(outs[0]))) throw new Error('a tiled result differs from the untiled one');
  const median = (v) => v.slice().sort((a, b) => a - b)[v.length >> 1];
  return { label: w.label, inBytes: w.inBytes, outBytes: w.outBytes, medians: times.map(median), wasmBytes: instances.map((o) => o.memoryBytes) };
}

function spawn(config) {
  const out = execFileSync(process.execPath, [self, '--child', JSON.stringify(config)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop());
}

const fmtBytes = (b) => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${(b / MB).toFixed(b >= 10 * MB ? 0 : 1)} MB`);

async function main() {
  if (process.argv.includes('--markdown')) { // rewrite memory.md from memory.json
    const { peak, cost } = JSON.parse(readFileSync(new URL('./results/memory.json', import.meta.url), 'utf8'));
    return write(peak, cost);
  }
  const only = process.argv.indexOf('--bands');
  if (only >= 0) return bands();
  const huge = process.argv.includes('--huge');
  const sizes = [1, 4, 16, 64, 256, 1024, 2048].map((m) => m * MB);
  const peak = [];
  for (const kind of ['image', 'tensor']) {
    for (const bytes of sizes) {
      for (const [setting, budget] of [['default (256 MiB)', 256 * MIB], ['untiled (2 GiB)', 2 ** 31], ['plain JS (js)', 0]]) {
        const r = spawn({ mode: 'peak', kind, bytes, budget });
        peak.push({ kind, setting, ...r });
        console.error(`${kind} ${fmtBytes(bytes)} ${setting}: ${r.error ?? `${(r.peakAbove / (r.inBytes + r.outBytes)).toFixed(2)}x in+out, wasm ${fmtBytes(r.wasmBytes)}, ${r.ms.toFixed(0)} ms`}`);
      }
    }
  }
  if (huge) {
    const r = spawn({ mode: 'peak', kind: 'image', bytes: 16384 * 16384 * 4 * 5, budget: 256 * MIB });
    peak.push({ kind: 'image', setting: 'default (256 MiB)', ...r });
    console.error(`huge: ${r.error ?? `${(r.peakAbove / (r.inBytes + r.outBytes)).toFixed(2)}x, ${r.ms.toFixed(0)} ms`}`);
  }
  const cost = [];
  const budgets = [16 * MIB, 64 * MIB];
  for (const kind of ['image', 'tensor']) {
    for (const bytes of [64 * MB, 256 * MB, 1024 * MB]) {
      const r = spawn({ mode: 'cost', kind, bytes, budgets, rounds: bytes >= 1024 * MB ? 9 : 15 });
      cost.push({ kind, ...r });
      console.error(`cost ${kind} ${fmtBytes(bytes)}: ${r.medians.map((m) => m.toFixed(1)).join(' / ')} ms`);
    }
  }
  write(peak, cost);
}

/** `--bands`: the time cost of the calls that band one sample (BANDED), written to memory-bands.{json,md}. */
function bands() {
  // `--kinds a,b`: only those workloads (written to memory-bands-a-b.*).
  const at = process.argv.indexOf('--kinds');
  const kinds = at >= 0 ? process.argv[at + 1].split(',') : Object.keys(BANDED);
  const cost = [];
  for (const kind of kinds) {
    for (const bytes of [64 * MB, 256 * MB]) {
      const r = spawn({ mode: 'cost', kind, bytes, budgets: [16 * MIB, 64 * MIB], rounds: 7 });
      cost.push({ kind, ...r });
      console.error(`cost ${kind} ${fmtBytes(bytes)}: ${r.medians.map((m) => m.toFixed(1)).join(' / ')} ms`);
    }
  }
  const peak = [];
  for (const kind of kinds) {
    for (const [setting, budget] of [['default (256 MiB)', 256 * MIB], ['untiled (2 GiB)', 2 ** 31]]) {
      const r = spawn({ mode: 'peak', kind, bytes: 1024 * MB, budget });
      peak.push({ kind, setting, ...r });
      console.error(`peak ${kind} ${setting}: ${r.error ?? `${(r.peakAbove / (r.inBytes + r.outBytes)).toFixed(2)}x in+out, wasm ${fmtBytes(r.wasmBytes)}`}`);
    }
  }
  const md = ['# bands of one sample: peak memory and time cost', '', `Machine: ${machine()}. Node ${process.version}, SIMD build, one child process a row. ` +
    'The machine was shared with other jobs: times are noisy.', '',
  '## Peak RSS above the baseline vs input + output (one call, a fresh process)', '',
  '| workload | input + output | setting | peak above baseline | ratio | WebAssembly memory | one call |', '|---|---|---|---|---|---|---|',
  ...peak.map((r) => `| ${r.label} | ${fmtBytes(r.inBytes + r.outBytes)} | ${r.setting} | ` + (r.error ? `refused: ${r.error.slice(0, 80)} | | | |`
    : `${fmtBytes(r.peakAbove)} | ${(r.peakAbove / (r.inBytes + r.outBytes)).toFixed(2)}x | ${fmtBytes(r.wasmBytes)} | ${r.ms.toFixed(0)} ms |`)),
  '', '## Time cost (the untiled and tiled instances interleaved, 7 rounds, medians)', '',
  '| workload | input + output | untiled | budget 16 MiB | ratio | budget 64 MiB | ratio |', '|---|---|---|---|---|---|---|',
  ...cost.map((r) => `| ${r.label} | ${fmtBytes(r.inBytes + r.outBytes)} | ${r.medians[0].toFixed(1)} ms | ` +
    [1, 2].map((i) => `${r.medians[i].toFixed(1)} ms | ${(r.medians[i] / r.medians[0]).toFixed(3)}x` + (r.wasmBytes[i] >= r.wasmBytes[0] ? ' (fits: not tiled)' : '')).join(' | ') + ' |'), ''];
  const dir = new URL('./results/', import.meta.url);
  const name = at >= 0 ? `memory-bands-${kinds.join('-')}` : 'memory-bands';
  writeFileSync(new URL(`${name}.json`, dir), JSON.stringify({ machine: machine(), node: process.version, peak, cost }, null, 2) + '\n');
  writeFileSync(new URL(`${name}.md`, dir), md.join('\n'));
  console.log(md.join('\n'));
}

function write(peak, cost) {
  const md = ['# memory benchmark', '', `Machine: ${machine()}. One call per fresh child process (Node ${process.version}), SIMD build. ` +
    'Peak = process.resourceUsage().maxRSS after the call minus before the input was made (the whole process: JS arrays, WebAssembly memory, code). ' +
    'The machine was shared with other jobs: times are noisy; the cost table interleaves the instances in one process.', '',
  '## Peak RSS above the baseline vs input + output', '',
  '| workload | input + output | setting | peak above baseline | ratio | WebAssembly memory | one call |', '|---|---|---|---|---|---|---|',
  ...peak.map((r) => `| ${r.kind === 'image' ? 'resizeImage bilinear 2x' : 'interpolate bilinear 2x'} ${r.label} | ${fmtBytes(r.inBytes + r.outBytes)} | ${r.setting} | ` +
    (r.error ? `refused: ${r.error.slice(0, 80)} | | ${fmtBytes(r.wasmBytes)} | |` : `${fmtBytes(r.peakAbove)} | ${(r.peakAbove / (r.inBytes + r.outBytes)).toFixed(2)}x | ${fmtBytes(r.wasmBytes)} | ${r.ms.toFixed(0)} ms |`)),
  '', '## Time cost of tiling (same call, same `out`, interleaved rounds, medians)', '',
  '| workload | input + output | untiled | budget 16 MiB | ratio | budget 64 MiB | ratio |', '|---|---|---|---|---|---|---|',
  ...cost.map((r) => `| ${r.kind === 'image' ? 'resizeImage bilinear 2x' : 'interpolate bilinear 2x'} ${r.label} | ${fmtBytes(r.inBytes + r.outBytes)} | ` +
    `${r.medians[0].toFixed(1)} ms | ${[1, 2].map((i) => `${r.medians[i].toFixed(1)} ms | ${(r.medians[i] / r.medians[0]).toFixed(3)}x` +
      (r.wasmBytes[i] >= r.wasmBytes[0] ? ' (fits: not tiled)' : '')).join(' | ')} |`), '',
  'A "(fits: not tiled)" cell runs the very same work as the untiled column: its ratio shows the noise of this run.', ''];
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('memory.json', dir), JSON.stringify({ machine: machine(), node: process.version, peak, cost }, null, 2) + '\n');
  writeFileSync(new URL('memory.md', dir), md.join('\n'));
  console.log(md.join('\n'));
}

const at = process.argv.indexOf('--child');
if (at >= 0) console.log(JSON.stringify(await child(JSON.parse(process.argv[at + 1]))));
else await main();
