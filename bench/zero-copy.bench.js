// End-to-end time of one interpolate call by where its tensors live: a fresh output array (page
// faults on first touch), `out` into a reused JS array (copy in + copy out), and tensors resident
// in WebAssembly memory (allocTensor: nothing copied). Run: `npm run build && node bench/zero-copy.bench.js`.

import * as up from '../dist/index.js';
import { measure, randomTensor, save, table } from './common.js';

const workloads = [
  { title: 'W1 bilinear 2x [1,32,256,256]', shape: [1, 32, 256, 256], options: { scaleFactor: 2, mode: 'bilinear' } },
  { title: 'W2 nearest 2x [1,32,256,256]', shape: [1, 32, 256, 256], options: { scaleFactor: 2, mode: 'nearest' } },
  { title: 'W3 bicubic 2x [1,3,512,512]', shape: [1, 3, 512, 512], options: { scaleFactor: 2, mode: 'bicubic' } },
];

export async function benchZeroCopy() {
  const info = await up.init();
  const sections = [];
  for (const w of workloads) {
    const input = randomTensor(w.shape);
    const expected = up.interpolate(input, w.options);
    const out = { data: new Float32Array(expected.data.length), shape: expected.shape };
    const residentIn = up.allocTensor(input.shape, input.data);
    const residentOut = up.allocTensor(expected.shape);
    const fillTarget = new Float32Array(expected.data.length);
    const rows = await measure([
      { name: 'roofline: fill output', fn: () => fillTarget.fill(0.5) },
      { name: 'roofline: fill resident output (WebAssembly memory)', fn: () => residentOut.data.fill(0.5) },
      { name: 'fresh output', fn: () => up.interpolate(input, w.options) },
      { name: 'out into a JS array', fn: () => up.interpolate(input, { ...w.options, out }) },
      { name: 'resident input, JS out', fn: () => up.interpolate(residentIn, { ...w.options, out }) },
      { name: 'resident input and out', fn: () => up.interpolate(residentIn, { ...w.options, out: residentOut }) },
    ]);
    // Same numbers whichever way the tensors live.
    for (const t of [out, residentOut]) {
      const data = t.data;
      for (let i = 0; i < data.length; i++) if (data[i] !== expected.data[i]) throw new Error(`${w.title}: mismatch at ${i}`);
    }
    residentIn.dispose();
    residentOut.dispose();
    const get = (name) => rows.find((r) => r.name === name).median;
    const note = [
      `fresh/resident: ${(get('fresh output') / get('resident input and out')).toFixed(2)}x;`,
      `JS out/resident: ${(get('out into a JS array') / get('resident input and out')).toFixed(2)}x;`,
      `resident/fill roofline: ${(get('resident input and out') / get('roofline: fill output')).toFixed(2)}x`,
      `(${(get('resident input and out') / get('roofline: fill resident output (WebAssembly memory)')).toFixed(2)}x filling the resident output).`,
    ].join(' ');
    sections.push({ title: w.title, rows, baseline: 'resident input and out', note });
    console.log(`\n${w.title} (${info.simd ? 'SIMD' : 'scalar'} build)\n${note}\n${table(rows, 'resident input and out')}`);
  }
  save('zero-copy', sections);
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchZeroCopy();
