// Convolution throughput, single-threaded, in GFLOP/s: our SIMD, relaxed-SIMD and scalar builds,
// plain JS, onnxruntime-node (native, 1 intra-op thread) and the SIMD128 roofline measured in the
// same rounds (bench/roofline.js: register-resident f32x4 mul+add, as the SIMD build's kernels
// issue, and relaxed_madd, as the relaxed build's). Run with `npm run bench:conv` (builds first).
// BENCH_TIME_MS sets the time per task, BENCH_WORKLOADS=W4,L4 picks workloads, BENCH_OUT names the
// results (default conv: bench/results/conv.{json,md}).
//
//   W4     convTranspose2d 32->32 k4 s2 p1 on [1,32,64,64]   (2*Cin*Cout*k*k*Hin*Win flops)
//   L4     convTranspose2d 64->64 k4 s2 p1 on [1,64,128,128]
//   C3     conv2d 3x3 32->32 p1 on [1,32,128,128]
//   ESPCN  conv2d 3x3 32->27 p1 on [1,32,128,128], then pixelShuffle(3) to [1,3,384,384]
//
// "API" rows are the public operations with a reused `out` (validation, copies in and out
// included); "kernel" rows run the staged kernels on data already in linear memory, and "direct
// kernel" rows the same call on the direct phases (the plan without its Winograd layout, which
// all four workloads take: src/conv/winograd.ts). GFLOP/s count the direct algorithm's flops, so
// a Winograd call's exceed what it issues; kernel / roofline is rated on the direct kernels.

import { readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import { kernelAlone, measure, privateModule, randomTensor, save, table } from './common.js';
import { convModel } from './onnx-models.js';
import { peakFlops, peakLoop } from './roofline.js';

// The relaxed build needs the engine flag on Node 20; V8 flags must be set before the first
// module is compiled, so the package is imported after. Optimised WebAssembly from the first call
// (no Liftoff baseline), as bench/scaling.bench.js: on a busy machine tier-up can lag for seconds.
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
v8.setFlagsFromString('--no-liftoff');
const up = await import('../dist/index.js');
const { prepareConv } = await import('../dist/conv/plan.js');
const { stageConv } = await import('../dist/wasm/conv.js');
let ort;
try {
  ort = await import('onnxruntime-node');
} catch (error) {
  console.warn(`onnxruntime-node unavailable, its rows are left out: ${error.message}`);
}

const convT = (title, input, channels) => ({
  title, op: 'convTranspose2d', transposed: true, input, weight: [input[1], channels, 4, 4], options: { stride: 2, padding: 1 },
  flops: 2 * input[1] * channels * 16 * input[2] * input[3],
});
const workloads = [
  { id: 'W4', ...convT('W4 convTranspose2d 32->32 k4 s2 p1 [1,32,64,64]', [1, 32, 64, 64], 32) },
  { id: 'L4', ...convT('L4 convTranspose2d 64->64 k4 s2 p1 [1,64,128,128]', [1, 64, 128, 128], 64), noScalar: true },
  {
    id: 'C3', title: 'C3 conv2d 3x3 32->32 p1 [1,32,128,128]',
    op: 'conv2d', transposed: false, input: [1, 32, 128, 128], weight: [32, 32, 3, 3], options: { padding: 1 },
    flops: 2 * 32 * 32 * 3 * 3 * 128 * 128,
  },
  {
    id: 'ESPCN', title: 'ESPCN conv2d 3x3 32->27 p1 [1,32,128,128] + pixelShuffle(3)',
    op: 'conv2d', transposed: false, input: [1, 32, 128, 128], weight: [27, 32, 3, 3], options: { padding: 1 }, shuffle: 3,
    flops: 2 * 32 * 27 * 3 * 3 * 128 * 128,
  },
];
const picked = process.env.BENCH_WORKLOADS?.split(',');

/** The roofline rows: each a peak loop of about 1 ms, rated by its own FLOPs. */
async function rooflineTasks() {
  const iterations = 400_000;
  return Promise.all(['mul+add', 'relaxed_madd'].map(async (variant) => {
    const run = await peakLoop(variant);
    return { name: `roofline ${variant}`, fn: () => run(iterations), flops: peakFlops(iterations) };
  }));
}

export async function benchConv() {
  // A module per staged kernel set: kernelAlone stages at its module's heap, and two in one would overlap.
  const modules = {
    simd: await privateModule('simd'), relaxed: await privateModule('relaxed'), scalar: await privateModule('scalar'),
    simdDirect: await privateModule('simd'), relaxedDirect: await privateModule('relaxed'),
  };
  const roofline = await rooflineTasks();
  const sections = [];
  const summary = [];
  for (const w of workloads.filter((x) => !picked || picked.includes(x.id))) {
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
    const kernel = (build) => kernelAlone(modules[build], prepared, stageConv);
    const directKernel = (build) => kernelAlone(modules[`${build}Direct`], { ...prepared, plan: { ...prepared.plan, winograd: undefined } }, stageConv);
    const flops = w.flops;
    const tasks = [
      { name: 'wasm simd API', before: () => up.init({ build: 'simd' }), fn: api(up), flops },
      { name: 'wasm relaxed API', before: () => up.init({ build: 'relaxed' }), fn: api(up), flops },
      ...(w.noScalar ? [] : [{ name: 'wasm scalar API', before: () => up.init({ simd: false }), fn: api(up), flops }]),
      { name: 'js', fn: api(up.js), flops, slow: w.noScalar },
      { name: 'wasm simd kernel', fn: kernel('simd'), flops },
      { name: 'wasm relaxed kernel', fn: kernel('relaxed'), flops },
      { name: 'wasm simd direct kernel', fn: directKernel('simd'), flops },
      { name: 'wasm relaxed direct kernel', fn: directKernel('relaxed'), flops },
      ...roofline,
    ];
    if (ort && !r) {
      const session = await ort.InferenceSession.create(convModel(w.transposed ? 'ConvTranspose' : 'Conv', w.input, weight,
        { ...w.options, bias }), { graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
      const feeds = { X: new ort.Tensor('float32', input.data, input.shape) };
      const check = await session.run(feeds);
      await up.init({ build: 'simd' });
      const ours = api(up)().data;
      let diff = 0;
      for (let i = 0; i < ours.length; i++) diff = Math.max(diff, Math.abs(ours[i] - check.Y.data[i]));
      tasks.push({ name: 'onnxruntime-node 1 thread', fn: () => session.run(feeds), flops, diff });
    }
    const rows = await measure(tasks);
    await up.init({ build: 'simd' });
    const get = (name) => rows.find((row) => row.name === name);
    const simd = get('wasm simd API'), relaxed = get('wasm relaxed API'), js = get('js'), onnx = get('onnxruntime-node 1 thread');
    const peakMul = get('roofline mul+add'), peakFma = get('roofline relaxed_madd');
    const s = {
      workload: w.id, simdMs: simd.median, relaxedMs: relaxed.median, jsMs: js.median, ortMs: onnx?.median,
      simdGflops: simd.gflops, relaxedGflops: relaxed.gflops,
      // Against the roofline, the fastest call of each (the median partly measures the machine's load):
      // the direct kernels, which issue the flops counted.
      simdKernelGflops: flops / get('wasm simd direct kernel').min / 1e6, relaxedKernelGflops: flops / get('wasm relaxed direct kernel').min / 1e6,
      simdWinogradOverDirect: get('wasm simd kernel').median / get('wasm simd direct kernel').median,
      relaxedWinogradOverDirect: get('wasm relaxed kernel').median / get('wasm relaxed direct kernel').median,
      rooflineMulAdd: peakMul.gflops * peakMul.median / peakMul.min, rooflineFma: peakFma.gflops * peakFma.median / peakFma.min,
      relaxedOverSimd: relaxed.median / simd.median, jsOverSimd: js.median / simd.median,
      ortOverSimd: onnx ? onnx.median / simd.median : undefined, ortOverRelaxed: onnx ? onnx.median / relaxed.median : undefined,
      ortMaxAbsDiff: onnx?.maxAbsDiff,
      ortOverRelaxedFastest: onnx ? onnx.min / relaxed.min : undefined, ortOverSimdFastest: onnx ? onnx.min / simd.min : undefined,
    };
    const note = [
      `SIMD API ${simd.gflops.toFixed(1)} GFLOP/s (${simd.median.toFixed(2)} ms; Winograd kernel / direct kernel time ` +
      `${s.simdWinogradOverDirect.toFixed(2)}, relaxed ${s.relaxedWinogradOverDirect.toFixed(2)}; direct kernel at its fastest ${s.simdKernelGflops.toFixed(1)}: ` +
      `${(100 * s.simdKernelGflops / s.rooflineMulAdd).toFixed(0)}% of the mul+add roofline ${s.rooflineMulAdd.toFixed(1)}),`,
      `relaxed API ${relaxed.gflops.toFixed(1)} (direct kernel at its fastest ${s.relaxedKernelGflops.toFixed(1)}: ` +
      `${(100 * s.relaxedKernelGflops / s.rooflineFma).toFixed(0)}% of the relaxed_madd roofline ${s.rooflineFma.toFixed(1)}),`,
      `js ${js.gflops.toFixed(1)}${onnx ? `, onnxruntime-node ${onnx.gflops.toFixed(1)} (max abs diff ${onnx.maxAbsDiff.toExponential(1)})` : ''};`,
      `relaxed/SIMD time ${s.relaxedOverSimd.toFixed(2)}, js/SIMD ${s.jsOverSimd.toFixed(1)}x` +
      `${onnx ? `, onnxruntime-node time / ours: ${s.ortOverSimd.toFixed(2)} (SIMD), ${s.ortOverRelaxed.toFixed(2)} (relaxed); ` +
        `of the fastest calls ${s.ortOverSimdFastest.toFixed(2)}, ${s.ortOverRelaxedFastest.toFixed(2)}` : ''}.`,
    ].join(' ');
    sections.push({ title: w.title, rows, baseline: 'wasm simd API', note });
    summary.push(s);
    console.log(`\n${w.title}\n${note}\n${table(rows, 'wasm simd API')}`);
  }
  const f = (v, digits = 1) => (v === undefined ? '-' : v.toFixed(digits));
  const lines = [
    '| workload | SIMD GFLOP/s (ms) | relaxed GFLOP/s (ms) | plain JS GFLOP/s | onnxruntime-node 1 thread GFLOP/s (ms) | Winograd / direct kernel time (SIMD, relaxed) | roofline mul+add / relaxed_madd | direct SIMD kernel / mul+add roofline | direct relaxed kernel / relaxed_madd roofline | relaxed / SIMD time | onnxruntime / ours time (SIMD, relaxed) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...summary.map((s) => `| ${s.workload} | ${f(s.simdGflops)} (${f(s.simdMs, 2)}) | ${f(s.relaxedGflops)} (${f(s.relaxedMs, 2)}) | ` +
      `${f(s.simdGflops / s.jsOverSimd)} | ${s.ortMs ? `${f(s.simdGflops * s.simdMs / s.ortMs)} (${f(s.ortMs, 2)})` : '-'} | ` +
      `${f(s.simdWinogradOverDirect, 2)}, ${f(s.relaxedWinogradOverDirect, 2)} | ` +
      `${f(s.rooflineMulAdd)} / ${f(s.rooflineFma)} | ${(100 * s.simdKernelGflops / s.rooflineMulAdd).toFixed(0)}% | ` +
      `${(100 * s.relaxedKernelGflops / s.rooflineFma).toFixed(0)}% | ${f(s.relaxedOverSimd, 2)} | ${f(s.ortOverSimd, 2)}, ${f(s.ortOverRelaxed, 2)} |`),
  ];
  console.log(`\nSummary (public API with a reused out; above 1 in the last column: ours faster)\n${lines.join('\n')}`);
  const name = process.env.BENCH_OUT ?? 'conv';
  save(name, sections);
  // The summary table goes first in the Markdown, and into the JSON as `summary`.
  const md = new URL(`./results/${name}.md`, import.meta.url);
  const text = readFileSync(md, 'utf8').split('\n');
  writeFileSync(md, [...text.slice(0, 4), '## Summary (public API with a reused out)', '',
    'GFLOP/s of the direct algorithm (2 x Cin x Cout x k x k per input pixel for transposed convolution, per output pixel ' +
    'for convolution), also for the calls that run Winograd (all four: 9 or 16 multiply-adds a 2x2 tile where the direct ' +
    'phases take 16 or 36, src/conv/winograd.ts), so theirs exceed what they issue; the direct kernels (the same calls on the ' +
    'direct phases) show what Winograd saves. The rooflines are the register-resident f32x4 loops of bench/roofline.js, timed ' +
    'in the same rounds; direct kernel / roofline compares the fastest call of each (on a shared machine the medians partly ' +
    'measure the load). ' +
    'Last column: onnxruntime-node\'s time over ours (above 1: ours faster).', '', ...lines, '', ...text.slice(4)].join('\n'));
  const json = new URL(`./results/${name}.json`, import.meta.url);
  const data = JSON.parse(readFileSync(json, 'utf8'));
  data.summary = summary;
  writeFileSync(json, JSON.stringify(data, null, 2) + '\n');
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchConv();
  process.exit(0); // onnxruntime-node may keep handles open
}
