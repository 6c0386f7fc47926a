#!/usr/bin/env node
// npm run soak [-- <calls>]: 100,000 mixed calls (default) on the built package (dist/), then the
// figures. Fails (exit 1) if WebAssembly memory left its high-water mark, the heap climbed by
// more than 16 MiB, or the probe result changed. Run with --expose-gc (the npm script does).

import { formatFigures, soak } from './soak-lib.mjs';

const up = await import('../dist/index.js');
const calls = Number(process.argv[2] ?? 100_000);
const info = await up.init();
console.log(`soak: ${calls} mixed calls on the ${info.simd ? 'SIMD' : 'scalar'} build`);
const gc = globalThis.gc ?? (() => console.log('soak: no --expose-gc; heap figures are noisier'));
const figures = soak(up, { calls, gc: () => { gc(); gc(); }, log: (line) => console.log(line) });
console.log(formatFigures(figures));
const problems = [];
if (figures.memoryAfter !== figures.memoryBefore) problems.push('WebAssembly memory left its high-water mark');
if (figures.heapAfter - figures.heapBefore > 16 * 2 ** 20) problems.push('the JS heap climbed by more than 16 MiB');
if (figures.externalAfter - figures.externalBefore > 64 * 2 ** 20) problems.push('ArrayBuffer memory climbed by more than 64 MiB');
if (figures.probeAfter !== figures.probeBefore) problems.push('the probe result changed');
if (problems.length) {
  console.error(`soak: FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log('soak: passed');
