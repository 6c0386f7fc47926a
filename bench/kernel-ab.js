// A/B of interpolation kernel builds: every build runs, interleaved, on the same source and
// destination addresses of one imported WebAssembly.Memory, at several output offsets. The 2x
// kernels' time depends on the output's address modulo 256 bytes (W1: about 1.4 ms at some
// offsets, 1.9 ms at others, and which ones changes with the code), so a comparison at one
// address can mislead: a four-blocks-per-iteration loop measured 1.5% faster at one address and
// averaged 12% slower over all 16.
//
// Build each variant with an imported memory, e.g.
//   npx asc assembly/*.ts -o /tmp/a.wasm -O3 --enable simd --runtime stub --noAssert --converge --initialMemory 1 --importMemory
// then: node bench/kernel-ab.js /tmp/a.wasm /tmp/b.wasm
// Environment: SHAPE (default [1,32,256,256]), MODE (bilinear), OFFS (output offsets in bytes,
// default 0,64,128,192: where 64-byte-aligned tensors land), ROUNDS (8).

import { readFileSync } from 'node:fs';
import { WasmModule } from '../dist/wasm/module.js';
import { invoke } from '../dist/kernels.js';
import { planInterpolate } from '../dist/interpolate.js';
import { stageInterpolate } from '../dist/wasm/interpolate.js';

const builds = process.argv.slice(2);
if (builds.length === 0) throw new Error('usage: node bench/kernel-ab.js a.wasm [b.wasm ...] (built with --importMemory)');
const shape = JSON.parse(process.env.SHAPE ?? '[1,32,256,256]');
const data = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, Math.random);
const plan = planInterpolate({ shape, data }, { scaleFactor: 2, mode: process.env.MODE ?? 'bilinear' });
const n = plan.outputShape.reduce((a, b) => a * b);
const PAGE = 65536;
// Source and destination above every build's static data and call scratch.
const srcAt = 16 * 2 ** 20;
const dstAt = srcAt + Math.ceil((data.length * 4 + 2 ** 20) / PAGE) * PAGE;
const memory = new WebAssembly.Memory({ initial: Math.ceil((dstAt + n * 4 + 2 * PAGE) / PAGE), maximum: 65536 });
const src = new Float32Array(memory.buffer, srcAt, data.length);
src.set(data);
const offsets = (process.env.OFFS ?? '0,64,128,192').split(',').map(Number);
const tasks = [];
for (const file of builds) {
  const { instance } = await WebAssembly.instantiate(readFileSync(file), { env: { memory, abort: () => { throw new Error('abort'); } } });
  const module = new WasmModule(instance);
  module.residentPointer = (d) => (d === src ? srcAt : -1); // the source in place, for every build
  // Each build stages its own tables (in its own scratch, which others overwrite): again before each sample.
  for (const offset of offsets) tasks.push({ file, offset, stage: () => {
    const layout = module.layout();
    const { calls } = stageInterpolate(layout, plan, { input: src }, n, dstAt + offset);
    layout.commit();
    return { run: () => { for (const c of calls) invoke(module.kernels, c); } };
  }, times: [] });
}
const fill = new Float32Array(memory.buffer, dstAt, n);
const fillTimes = [];
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
for (let round = 0; round < Number(process.env.ROUNDS ?? 8); round++) {
  for (const task of tasks) {
    const staged = task.stage();
    staged.run();
    const start = performance.now();
    for (let i = 0; i < 3; i++) staged.run();
    task.times.push((performance.now() - start) / 3);
  }
  const start = performance.now();
  fill.fill(0.5);
  fill.fill(0.5);
  fillTimes.push((performance.now() - start) / 2);
}
console.log(`${JSON.stringify(shape)} ${process.env.MODE ?? 'bilinear'} 2x, ms per call by output offset (${offsets.join(', ')} bytes):`);
for (const file of builds) {
  const cells = tasks.filter((t) => t.file === file).map((t) => median(t.times));
  const mean = cells.reduce((a, b) => a + b, 0) / cells.length;
  console.log(`${file.split('/').pop().padEnd(24)} mean ${mean.toFixed(3)} | ${cells.map((c) => c.toFixed(3)).join(' ')}`);
}
console.log(`fill of the output: ${median(fillTimes).toFixed(3)} ms`);
