// A/B of convolution kernel builds on W4 (convTranspose2d 32->32 k4 s2 p1 on [1,32,64,64]) or
// SHAPE/WEIGHT/STRIDE/PADDING: each build stages the call once in its own memory, then every
// round times each kernel record of every build (gatherInput, packWeights, convPhases), builds
// taking turns, so machine load biases them alike. Prints per-kernel medians and convPhases'
// GFLOP/s, and checks that the builds' outputs agree (max |difference|, bit-identical or not).
//
//   npx asc assembly/*.ts --target simd -o /tmp/a.wasm   (and the variant as /tmp/b.wasm)
//   node bench/conv-ab.js /tmp/a.wasm /tmp/b.wasm
// A build's kind (simd / relaxed / scalar) is read from the module itself. ROUNDS (default 15).

import { readFileSync } from 'node:fs';
import v8 from 'node:v8';

if (process.env.LIFTOFF !== '1') v8.setFlagsFromString('--no-liftoff');
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const { WasmModule } = await import('../dist/wasm/module.js');
const { importsFor } = await import('../dist/wasm/load.js');
const { invoke } = await import('../dist/kernels.js');
const { prepareConv } = await import('../dist/conv/plan.js');
const { stageConv } = await import('../dist/wasm/conv.js');
const { randomTensor } = await import('./common.js');

const builds = process.argv.slice(2);
if (builds.length === 0) throw new Error('usage: node bench/conv-ab.js a.wasm [b.wasm ...]');
const json = (name, fallback) => JSON.parse(process.env[name] ?? fallback);
const inShape = json('SHAPE', '[1,32,64,64]');
const weightShape = json('WEIGHT', '[32,32,4,4]');
const options = { stride: json('STRIDE', '2'), padding: json('PADDING', '1') };
const input = randomTensor(inShape, 1);
const weight = randomTensor(weightShape, 2);
const prepared = prepareConv(true, inShape.length - 2)(input, weight, options);
const flops = 2 * weight.data.length * inShape.slice(2).reduce((a, b) => a * b) * inShape[0];
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];

const tasks = [];
for (const file of builds) {
  const { instance } = await WebAssembly.instantiate(readFileSync(file), importsFor());
  const module = new WasmModule(instance);
  const layout = module.layout();
  const { calls, dst } = stageConv(layout, prepared.plan, prepared.inputs, prepared.outputLength, -1);
  layout.commit();
  const run = (c) => invoke(module.kernels, c);
  calls.forEach(run);
  const output = module.f32(dst, prepared.outputLength).slice();
  tasks.push({ file, calls, run, output, times: calls.map(() => []) });
}
for (let round = 0; round < Number(process.env.ROUNDS ?? 15); round++) {
  for (const task of tasks) {
    task.calls.forEach((c, i) => {
      const reps = c.kernel === 'convPhases' ? Number(process.env.REPS ?? 3) : 20;
      const start = performance.now();
      for (let r = 0; r < reps; r++) task.run(c);
      task.times[i].push((performance.now() - start) / reps);
    });
  }
}
console.log(`convTranspose ${JSON.stringify(inShape)} weight ${JSON.stringify(weightShape)} ${JSON.stringify(options)}: ms per call (median)`);
for (const task of tasks) {
  const cells = task.calls.map((c, i) => `${c.kernel} ${median(task.times[i]).toFixed(3)}`);
  const phaseTimes = task.times[task.calls.findIndex((c) => c.kernel === 'convPhases')];
  const phases = median(phaseTimes);
  let worst = 0, same = true;
  for (let i = 0; i < task.output.length; i++) {
    worst = Math.max(worst, Math.abs(task.output[i] - tasks[0].output[i]));
    if (!Object.is(task.output[i], tasks[0].output[i])) same = false;
  }
  console.log(`${task.file.split('/').pop().padEnd(20)} ${cells.join(' | ')} | ${(flops / phases / 1e6).toFixed(1)} GFLOP/s (min ${Math.min(...phaseTimes).toFixed(3)}, p10 ${[...phaseTimes].sort((p, q) => p - q)[Math.floor(phaseTimes.length / 10)].toFixed(3)} ms)` +
    ` | vs first: ${same ? 'bit-identical' : `max diff ${worst.toExponential(2)}`}`);
}
