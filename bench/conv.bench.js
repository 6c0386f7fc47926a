// Convolution throughput: WebAssembly SIMD vs scalar vs plain JS, in GFLOP/s.
// Run with `npm run bench:conv` (builds first). BENCH_TIME_MS sets the time per task.
//
//   W4     convTranspose2d 32->32 k4 s2 p1 on [1,32,64,64]   (2*Cin*Cout*k*k*Hin*Win flops)
//   C3     conv2d 3x3 32->32 p1 on [1,32,128,128]
//   ESPCN  conv2d 3x3 32->27 p1 on [1,32,128,128], then pixelShuffle(3) to [1,3,384,384]
//
// "API" rows are the public operations with a reused `out` (validation, copies in and out
// included); "kernel" rows run the staged kernels on data already in linear memory.

import { readFileSync, writeFileSync } from 'node:fs';
import * as up from '../dist/index.js';
import { prepareConv } from '../dist/conv/plan.js';
import { stageConv } from '../dist/wasm/conv.js';
import { kernelAlone, measure, privateModule, randomTensor, save, table } from './common.js';

const workloads = [
  {
    title: 'W4 convTranspose2d 32->32 k4 s2 p1 [1,32,64,64]',
    op: 'convTranspose2d', transposed: true, input: [1, 32, 64, 64], weight: [32, 32, 4, 4], options: { stride: 2, padding: 1 },
    flops: 2 * 32 * 32 * 4 * 4 * 64 * 64,
  },
  {
    title: 'C3 conv2d 3x3 32->32 p1 [1,32,128,128]',
    op: 'conv2d', transposed: false, input: [1, 32, 128, 128], weight: [32, 32, 3, 3], options: { padding: 1 },
    flops: 2 * 32 * 32 * 3 * 3 * 128 * 128,
  },
  {
    title: 'ESPCN conv2d 3x3 32->27 p1 [1,32,128,128] + pixelShuffle(3)',
    op: 'conv2d', transposed: false, input: [1, 32, 128, 128], weight: [27, 32, 3, 3], options: { padding: 1 }, shuffle: 3,
    flops: 2 * 32 * 27 * 3 * 3 * 128 * 128,
  },
];

export async function benchConv() {
  const simd = await privateModule('simd');
  const scalar = await privateModule('scalar');
  const sections = [];
  const summary = [];
  for (const w of workloads) {
    const input = randomTensor(w.input, 1);
    const weight = randomTensor(w.weight, 2);
    const bias = randomTensor([w.weight[w.transposed ? 1 : 0]], 3).data;
    const options = { ...w.options, bias };
    const shape = (w.transposed ? up.convTransposeOutputShape : up.convOutputShape)(w.input, w.weight, options);
    const n = shape.reduce((a, b) => a * b, 1);
    const out = { data: new Float32Array(n), shape };
    const r = w.shuffle;
    const shuffled = r && { data: new Float32Array(n), shape: [shape[0], shape[1] / (r * r), shape[2] * r, shape[3] * r] };
    const api = (ops) => (r
      ? () => ops.pixelShuffle(ops[w.op](input, weight, { ...options, out }), r, { out: shuffled })
      : () => ops[w.op](input, weight, { ...options, out }));
    const prepared = prepareConv(w.transposed, 2)(input, weight, options);
    const kernel = (module) => kernelAlone(module, prepared, stageConv);
    const flops = w.flops;
    const rows = await measure([
      { name: 'wasm simd kernel', fn: kernel(simd), flops },
      { name: 'wasm scalar kernel', fn: kernel(scalar), flops },
      { name: 'js', fn: api(up.js), flops },
      { name: 'wasm simd API', before: () => up.init({ simd: true }), fn: api(up), flops },
      { name: 'wasm scalar API', before: () => up.init({ simd: false }), fn: api(up), flops },
    ]);
    await up.init({ simd: true });
    const get = (name) => rows.find((row) => row.name === name);
    const order = ['wasm simd API', 'wasm scalar API', 'js', 'wasm simd kernel', 'wasm scalar kernel'];
    rows.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    const note = [
      `SIMD API ${get('wasm simd API').gflops.toFixed(1)} GFLOP/s (${get('wasm simd API').median.toFixed(2)} ms),`,
      `scalar API ${get('wasm scalar API').gflops.toFixed(1)}, js ${get('js').gflops.toFixed(1)};`,
      `js/SIMD ${(get('js').median / get('wasm simd API').median).toFixed(1)}x,`,
      `scalar/SIMD ${(get('wasm scalar API').median / get('wasm simd API').median).toFixed(1)}x.`,
    ].join(' ');
    sections.push({ title: w.title, rows, baseline: 'wasm simd API', note });
    summary.push({ workload: w.title.split(' ')[0], simd: get('wasm simd API'), scalar: get('wasm scalar API'), js: get('js') });
    console.log(`\n${w.title}\n${note}\n${table(rows, 'wasm simd API')}`);
  }
  const lines = ['| workload | SIMD GFLOP/s (ms) | scalar GFLOP/s (ms) | plain JS GFLOP/s (ms) | JS / SIMD | scalar / SIMD |', '|---|---:|---:|---:|---:|---:|']
    .concat(summary.map((s) => `| ${s.workload} | ${s.simd.gflops.toFixed(1)} (${s.simd.median.toFixed(2)}) | ${s.scalar.gflops.toFixed(1)} (${s.scalar.median.toFixed(2)}) | ` +
      `${s.js.gflops.toFixed(1)} (${s.js.median.toFixed(2)}) | ${(s.js.median / s.simd.median).toFixed(1)}x | ${(s.scalar.median / s.simd.median).toFixed(1)}x |`));
  console.log(`\nSummary (public API with a reused out)\n${lines.join('\n')}`);
  save('conv', sections);
  // The summary table goes first in the Markdown, and into the JSON as `summary`.
  const md = new URL('./results/conv.md', import.meta.url);
  const text = readFileSync(md, 'utf8').split('\n');
  writeFileSync(md, [...text.slice(0, 4), '## Summary (public API with a reused out)', '', ...lines, '', ...text.slice(4)].join('\n'));
  const json = new URL('./results/conv.json', import.meta.url);
  const data = JSON.parse(readFileSync(json, 'utf8'));
  data.summary = summary.map((s) => ({ workload: s.workload, simdGflops: s.simd.gflops, simdMs: s.simd.median, scalarGflops: s.scalar.gflops,
    scalarMs: s.scalar.median, jsGflops: s.js.gflops, jsMs: s.js.median, jsOverSimd: s.js.median / s.simd.median }));
  writeFileSync(json, JSON.stringify(data, null, 2) + '\n');
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchConv();
