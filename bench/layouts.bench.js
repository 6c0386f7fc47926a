// Layouts and element types (#16 §3-4), with the peers on the same work, all in one run:
// - channels-last W1 ([1,256,256,32] bilinear 2x, interpolate layout 'nhwc' and resizeBilinear)
//   against NCHW W1, plain JS, tfjs-backend-wasm resizeBilinear (NHWC) and onnxruntime-node /
//   onnxruntime-web Resize with the same attributes (linear, half_pixel);
// - a uint8 label map [1,1,512,512] nearest 4x (bytes gathered as they are) against float32 on
//   the same work, plain JS and onnxruntime-node / -web Resize on uint8 (nearest, asymmetric, floor);
// - a float16 W1 where the engine has Float16Array (Node 20/22 do not: then the section says so),
//   against float32 and against the float32 call wrapped in the engine's Float16Array
//   conversions (how float16 was staged before the conversions moved into WebAssembly).
// Run with `npm run bench:layouts` (builds first). Writes bench/results/layouts.{md,json}.

import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as up from '../dist/index.js';
import { measure, randomTensor, save, table } from './common.js';
import { resizeModelWith } from './onnx-models.js';

const tf = await import('@tensorflow/tfjs-core');
const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
const ortWeb = await import('onnxruntime-web');
const ortNode = await import('onnxruntime-node');
const require = createRequire(import.meta.url);
const distOf = (file) => path.dirname(require.resolve(file)) + path.sep;
setWasmPaths(distOf('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
ortWeb.env.wasm.wasmPaths = distOf('onnxruntime-web/ort-wasm-simd-threaded.wasm');
ortWeb.env.wasm.numThreads = 1;
tf.env().set('IS_TEST', true);

const toLast = ({ data, shape: [n, c, h, w] }) => {
  const out = new data.constructor(data.length);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[(b * h * w + i) * c + ch] = data[(b * c + ch) * h * w + i];
  return { data: out, shape: [n, h, w, c] };
};
const maxDiff = (a, b) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; };

/** onnxruntime sessions (node, web: one thread each) as tasks; `check` compares their output. */
async function ortTasks(model, type, x, check) {
  const tasks = [];
  for (const [name, ort, options] of [['onnxruntime-web 1 thread Resize', ortWeb, { executionProviders: ['wasm'] }],
    ['onnxruntime-node 1 thread Resize', ortNode, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' }]]) {
    try {
      const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'all', ...options });
      const X = new ort.Tensor(type, x.data, x.shape);
      const diff = check((await session.run({ X })).Y.data);
      tasks.push({ name: `${name} (max diff ${diff})`, fn: async () => { await session.run({ X }); } });
    } catch (error) {
      console.warn(`${name} skipped: ${String(error).split('\n')[0]}`);
    }
  }
  return tasks;
}

export async function benchLayouts() {
  await up.init({ simd: true });
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  const sections = [];

  // ---- W1 in both layouts ----
  const nchw = randomTensor([1, 32, 256, 256]);
  const nhwc = toLast(nchw);
  const w1 = { scaleFactor: 2, mode: 'bilinear' };
  const outN = { data: new Float32Array(32 * 512 * 512), shape: [1, 32, 512, 512] };
  const outL = { data: new Float32Array(32 * 512 * 512), shape: [1, 512, 512, 32] };
  const want = toLast(up.interpolate(nchw, w1)).data;
  await tf.setBackend('wasm');
  await tf.ready();
  const tx = tf.tensor4d(nhwc.data, nhwc.shape);
  const ty = tf.image.resizeBilinear(tx, [512, 512], false, true);
  const tfDiff = maxDiff(ty.dataSync(), want);
  ty.dispose();
  const [rN, rL, rOutN, rOutL] = [up.allocTensor(nchw.shape, nchw.data), up.allocTensor(nhwc.shape, nhwc.data),
    up.allocTensor(outN.shape), up.allocTensor(outL.shape)];
  const w1Tasks = [
    { name: 'roofline: fill output', fn: () => outN.data.fill(0.5) },
    { name: 'interpolate NCHW with out', fn: () => up.interpolate(nchw, { ...w1, out: outN }) },
    { name: "interpolate layout 'nhwc' with out", fn: () => up.interpolate(nhwc, { ...w1, layout: 'nhwc', out: outL }) },
    // Resident tensors: nothing copied in or out, the kernels alone.
    { name: 'interpolate NCHW, resident tensors', fn: () => up.interpolate(rN, { ...w1, out: rOutN }) },
    { name: "interpolate layout 'nhwc', resident tensors", fn: () => up.interpolate(rL, { ...w1, layout: 'nhwc', out: rOutL }) },
    { name: 'resizeBilinear NHWC halfPixelCenters with out', fn: () => up.resizeBilinear(nhwc, [512, 512], { halfPixelCenters: true, out: outL }) },
    { name: 'resize NCHW linear half_pixel with out', fn: () => up.resize(nchw, { scales: [1, 1, 2, 2], mode: 'linear', out: outN }) },
    { name: "plain JS (js) layout 'nhwc' with out", fn: () => up.js.interpolate(nhwc, { ...w1, layout: 'nhwc', out: outL }) },
    // tfjs keeps results in its own memory: "op" alone, and "+ dataSync" (reading it into JS, as our `out` rows do).
    { name: `tfjs-backend-wasm resizeBilinear NHWC halfPixelCenters op (max diff ${tfDiff.toExponential(1)})`, fn: () => tf.image.resizeBilinear(tx, [512, 512], false, true).dispose() },
    { name: 'tfjs-backend-wasm resizeBilinear NHWC halfPixelCenters op + dataSync', slow: true, fn: () => { const t = tf.image.resizeBilinear(tx, [512, 512], false, true); t.dataSync(); t.dispose(); } },
    ...await ortTasks(resizeModelWith({ shape: nchw.shape, scales: [1, 1, 2, 2], attrs: { mode: 'linear', coordinate_transformation_mode: 'half_pixel' } }),
      'float32', nchw, (y) => maxDiff(toLast({ data: y, shape: [1, 32, 512, 512] }).data, want).toExponential(1)),
  ];
  const w1Rows = await measure(w1Tasks);
  const get = (rows, prefix) => rows.find((r) => r.name.startsWith(prefix)).median;
  const half = typeof Float16Array === 'undefined' ? ` Float16 W1: not measured, this engine (Node ${process.version}) has no Float16Array.` : '';
  const w1Note = `channels-last / NCHW: interpolate ${(get(w1Rows, "interpolate layout 'nhwc'") / get(w1Rows, 'interpolate NCHW')).toFixed(2)}x, ` +
    `resizeBilinear ${(get(w1Rows, 'resizeBilinear NHWC') / get(w1Rows, 'interpolate NCHW')).toFixed(2)}x; ` +
    `resident (kernels alone) ${(get(w1Rows, "interpolate layout 'nhwc', resident") / get(w1Rows, 'interpolate NCHW, resident')).toFixed(2)}x.${half}`;
  sections.push({ title: 'W1 bilinear 2x: NCHW [1,32,256,256] and channels-last [1,256,256,32]', rows: w1Rows, baseline: 'interpolate NCHW with out', note: w1Note });
  console.log(`\n${w1Note}\n${table(w1Rows, 'interpolate NCHW with out')}`);

  // ---- uint8 label map nearest 4x ----
  const labels = { data: Uint8Array.from({ length: 512 * 512 }, (_, i) => ((i >> 5) * 7 + (i >> 14)) % 21), shape: [1, 1, 512, 512] };
  const labelsF = { data: Float32Array.from(labels.data), shape: labels.shape };
  const near = { scaleFactor: 4, mode: 'nearest' };
  const outU8 = { data: new Uint8Array(2048 * 2048), shape: [1, 1, 2048, 2048] };
  const outF = { data: new Float32Array(2048 * 2048), shape: [1, 1, 2048, 2048] };
  const wantU8 = up.interpolate(labels, near).data;
  const u8Tasks = [
    { name: 'roofline: fill uint8 output', fn: () => outU8.data.fill(3) },
    { name: 'interpolate uint8 with out', fn: () => up.interpolate(labels, { ...near, out: outU8 }) },
    { name: 'interpolate float32 (same values) with out', fn: () => up.interpolate(labelsF, { ...near, out: outF }) },
    { name: 'plain JS (js) uint8 with out', fn: () => up.js.interpolate(labels, { ...near, out: outU8 }) },
    ...await ortTasks(resizeModelWith({ shape: labels.shape, scales: [1, 1, 4, 4], elem: 'uint8',
      attrs: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' } }), 'uint8', labels, (y) => maxDiff(y, wantU8)),
  ];
  const u8Rows = await measure(u8Tasks);
  const u8Note = `uint8 through WebAssembly (bytes gathered as they are) / plain JS: ${(get(u8Rows, 'interpolate uint8') / get(u8Rows, 'plain JS')).toFixed(2)}x; ` +
    `/ onnxruntime-node: ${(get(u8Rows, 'interpolate uint8') / get(u8Rows, 'onnxruntime-node')).toFixed(2)}x. Load average at the start: ${load}.`;
  sections.push({ title: 'uint8 label map [1,1,512,512] nearest 4x', rows: u8Rows, baseline: 'interpolate uint8 with out', note: u8Note });
  console.log(`\nuint8 label map\n${table(u8Rows, 'interpolate uint8 with out')}`);

  // ---- float16 W1 ----
  if (typeof Float16Array !== 'undefined') {
    const half = { data: Float16Array.from(nchw.data), shape: nchw.shape };
    const outH = { data: new Float16Array(outN.data.length), shape: outN.shape };
    const rows = await measure([
      { name: 'interpolate float32 with out', fn: () => up.interpolate(nchw, { ...w1, out: outN }) },
      { name: 'interpolate float16 with out', fn: () => up.interpolate(half, { ...w1, out: outH }) },
      { name: 'float32 call in Float16Array conversions (engine)', fn: () => {
        up.interpolate({ data: new Float32Array(half.data), shape: half.shape }, { ...w1, out: outN });
        outH.data.set(outN.data);
      } },
      { name: 'plain JS (js) float16 with out', fn: () => up.js.interpolate(half, { ...w1, out: outH }) },
    ]);
    const note = `float16 / float32: ${(get(rows, 'interpolate float16') / get(rows, 'interpolate float32')).toFixed(2)}x; ` +
      `float16 / the float32 call in the engine's conversions: ${(get(rows, 'interpolate float16') / get(rows, 'float32 call in')).toFixed(2)}x.`;
    sections.push({ title: 'W1 in float16', rows, baseline: 'interpolate float32 with out', note });
  }
  save('layouts', sections);
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLayouts();
