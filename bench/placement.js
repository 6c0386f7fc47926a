// Do instances of one build run alike? Several instances of each build, each compiled and
// instantiated on its own with its own memory, run the same interpolation kernels (staged once in
// each), calls alternated instance by instance. If instances of one build differ as much as the
// builds do, a "relaxed vs SIMD" gap measured with one instance each is not the code's. On a
// saturated machine they did (1.8 vs 5.8 ms on W1): V8 compiles optimised code in the background
// and an instance runs baseline (Liftoff) code until it is ready; with `node --no-liftoff` all
// instances ran alike.
// Run: node [--no-liftoff] bench/placement.js [instances per build] (SHAPE, MODE, ROUNDS as in kernel-ab.js).

import v8 from 'node:v8';
const { engineHasRelaxedSimd } = await import('../dist/wasm/load.js');
if (!engineHasRelaxedSimd()) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const { prepareInterpolate } = await import('../dist/interpolate.js');
const { stageInterpolate } = await import('../dist/wasm/interpolate.js');
const { kernelAlone, privateModule, randomTensor } = await import('./common.js');

const count = Number(process.argv[2] ?? 3);
const shape = JSON.parse(process.env.SHAPE ?? '[1,32,256,256]');
const input = randomTensor(shape);
const prepared = prepareInterpolate(input, { scaleFactor: 2, mode: process.env.MODE ?? 'bilinear' });
const instances = [];
for (let i = 0; i < count; i++) {
  for (const build of ['simd', 'relaxed']) {
    const module = await privateModule(build);
    instances.push({ name: `${build} #${i + 1}`, run: kernelAlone(module, prepared, stageInterpolate), times: [] });
  }
}
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
for (let round = 0; round < Number(process.env.ROUNDS ?? 60); round++) {
  for (const t of round & 1 ? [...instances].reverse() : instances) {
    t.run();
    const start = performance.now();
    t.run();
    t.times.push(performance.now() - start);
  }
}
console.log(`${JSON.stringify(shape)} ${process.env.MODE ?? 'bilinear'} 2x, median ms per call, ${process.version}:`);
for (const t of instances) console.log(`${t.name.padEnd(12)} ${median(t.times).toFixed(3)}`);
