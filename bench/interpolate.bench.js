// Interpolation throughput: WebAssembly SIMD vs scalar vs plain JS vs the memory roofline.
// Run with `npm run bench` (builds first). BENCH_TIME_MS sets the time per task.

import * as up from '../dist/index.js';
import { prepareInterpolate } from '../dist/interpolate.js';
import { stageInterpolate } from '../dist/wasm/interpolate.js';
import { kernelAlone, measure, privateModule, randomTensor, save, table } from './common.js';

const workloads = [
  { title: 'W1 bilinear 2x [1,32,256,256]', shape: [1, 32, 256, 256], options: { scaleFactor: 2, mode: 'bilinear' } },
  { title: 'W2 nearest 2x [1,32,256,256]', shape: [1, 32, 256, 256], options: { scaleFactor: 2, mode: 'nearest' } },
  { title: 'W3 bicubic 2x [1,3,512,512]', shape: [1, 3, 512, 512], options: { scaleFactor: 2, mode: 'bicubic' } },
];

export async function benchInterpolate() {
  await up.init();
  const simd = await privateModule('simd');
  const scalar = await privateModule('scalar');
  const sections = [];
  for (const w of workloads) {
    const input = randomTensor(w.shape);
    const prepared = prepareInterpolate(input, w.options);
    const { plan } = prepared;
    const n = plan.outputShape.reduce((a, b) => a * b, 1);
    const out = { data: new Float32Array(n), shape: plan.outputShape };
    const copySource = new Float32Array(n).fill(1);
    // Kernel alone, on input already in linear memory, into reused linear memory.
    const kernel = (module) => kernelAlone(module, prepared, stageInterpolate);
    const simdKernel = kernel(simd);
    const scalarKernel = kernel(scalar);
    const simdApi = { before: () => up.init({ simd: true }) };
    const rows = await measure([
      { name: 'roofline: fill output', fn: () => out.data.fill(0.5) },
      { name: 'roofline: set output', fn: () => out.data.set(copySource) },
      { name: 'wasm simd kernel', fn: simdKernel },
      { name: 'wasm scalar kernel', fn: scalarKernel },
      { name: 'js with out', fn: () => up.js.interpolate(input, { ...w.options, out }) },
      { name: 'js fresh output', fn: () => up.js.interpolate(input, w.options) },
      { name: 'wasm simd API with out', ...simdApi, fn: () => up.interpolate(input, { ...w.options, out }) },
      { name: 'wasm simd API fresh output', ...simdApi, fn: () => up.interpolate(input, w.options) },
      { name: 'wasm scalar API with out', before: () => up.init({ simd: false }), fn: () => up.interpolate(input, { ...w.options, out }) },
    ]);
    await up.init({ simd: true });
    const get = (name) => rows.find((r) => r.name === name).median;
    const note = [
      `simd kernel vs fill: ${(get('wasm simd kernel') / get('roofline: fill output')).toFixed(2)}x the time;`,
      `js/simd kernel: ${(get('js with out') / get('wasm simd kernel')).toFixed(1)}x;`,
      `js/simd API with out: ${(get('js with out') / get('wasm simd API with out')).toFixed(1)}x;`,
      `scalar kernel/simd kernel: ${(get('wasm scalar kernel') / get('wasm simd kernel')).toFixed(1)}x.`,
    ].join(' ');
    sections.push({ title: w.title, rows, baseline: 'wasm simd kernel', note });
    console.log(`\n${w.title}\n${note}\n${table(rows, 'wasm simd kernel')}`);
  }
  save('interpolate', sections);
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchInterpolate();
