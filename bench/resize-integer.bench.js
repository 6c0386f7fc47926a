// ONNX `resize` of uint8 images, linear and cubic: integer inputs compute in float64 as the ONNX
// reference does (ResizePlan.wide), against the same call on a float32 copy (the float32 passes),
// the plain-JS backend and the memory roofline, in one interleaved run. With AB_OLD=<dir of
// another build's package root (dist/ and build/)> its uint8 call runs interleaved too (an A/B of
// two versions, e.g. before the float64 path: uint8 then went through the float32 passes).
// Run with `npm run bench:resize-integer` (builds first).

import * as up from '../dist/index.js';
import { measure, save, table } from './common.js';

const old = process.env.AB_OLD ? await import(`${process.env.AB_OLD}/dist/index.js`) : undefined;
const shape = [1, 3, 512, 512];
const workloads = [
  { title: 'uint8 [1,3,512,512] linear 2x', options: { mode: 'linear', scales: [1, 1, 2, 2] } },
  { title: 'uint8 [1,3,512,512] linear 0.5x', options: { mode: 'linear', scales: [1, 1, 0.5, 0.5] } },
  { title: 'uint8 [1,3,512,512] cubic 2x', options: { mode: 'cubic', scales: [1, 1, 2, 2] } },
];

export async function benchResizeInteger() {
  await up.init({ simd: true });
  if (old) await old.init({ simd: true });
  const input = { data: Uint8Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => (i * 2654435761) >>> 24), shape };
  const float = { data: Float32Array.from(input.data), shape };
  const sections = [];
  for (const w of workloads) {
    const result = up.resize(input, w.options);
    const out = { data: new Uint8Array(result.data.length), shape: result.shape };
    const floatOut = { data: new Float32Array(result.data.length), shape: result.shape };
    const tasks = [
      { name: 'roofline: fill uint8 output', fn: () => out.data.fill(7) },
      { name: 'resize uint8 (float64)', fn: () => up.resize(input, { ...w.options, out }) },
      ...(old ? [{ name: 'AB_OLD resize uint8', fn: () => old.resize(input, { ...w.options, out }) }] : []),
      { name: 'resize float32 copy', fn: () => up.resize(float, { ...w.options, out: floatOut }) },
      { name: 'js resize uint8 (float64)', fn: () => up.js.resize(input, { ...w.options, out }) },
    ];
    const rows = await measure(tasks);
    const get = (name) => rows.find((r) => r.name === name).median;
    const base = 'resize uint8 (float64)';
    const note = `float32 copy / uint8 ${(get('resize float32 copy') / get(base)).toFixed(2)}x` +
      (old ? `, uint8 before (AB_OLD) / now ${(get('AB_OLD resize uint8') / get(base)).toFixed(2)}x` : '');
    sections.push({ title: w.title, rows, baseline: base, note });
    console.log(`\n${w.title}: ${note}\n${table(rows, base)}`);
  }
  if (!old) save('resize-integer', sections);
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchResizeInteger();
