// Worker pool throughput: 1 vs 2 workers sharing one memory, against the synchronous API, all
// with WebAssembly-resident tensors (nothing copied), on W3 and W4. Each pool call includes the
// main thread's planning and staging and the message round trips.
// Run: `npm run build && node bench/threads.bench.js`.
//
// The tasks are interleaved (a few calls of each, round after round) rather than run one after
// the other, so that load from other processes on a shared machine biases all of them alike.

import os from 'node:os';
import * as up from '../dist/index.js';
import { measure, randomTensor, save, table, TIME_MS } from './common.js';

const workloads = [
  {
    title: 'W3 bicubic 2x [1,3,512,512]',
    inputs: () => [randomTensor([1, 3, 512, 512])],
    run: (ops, [x], out) => ops.interpolate(x, { scaleFactor: 2, mode: 'bicubic', out }),
  },
  {
    title: 'W4 convTranspose2d 32->32 k4 s2 p1 [1,32,64,64]',
    inputs: () => [randomTensor([1, 32, 64, 64]), randomTensor([32, 32, 4, 4], 2)],
    run: (ops, [x, w], out) => ops.convTranspose2d(x, w, { stride: 2, padding: 1, out }),
  },
];

function sameBits(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

export async function benchThreads() {
  await up.init();
  const pools = { 1: await up.createPool({ threads: 1 }), 2: await up.createPool({ threads: 2 }) };
  const sections = [];
  for (const w of workloads) {
    const inputs = w.inputs();
    const expected = w.run(up, inputs);
    const resident = (alloc) => ({ inputs: inputs.map((t) => alloc(t.shape, t.data)), out: alloc(expected.shape) });
    const jsOut = { data: new Float32Array(expected.data.length), shape: expected.shape };
    const sync = resident(up.allocTensor);
    const p1 = resident((s, d) => pools[1].allocTensor(s, d));
    const p2 = resident((s, d) => pools[2].allocTensor(s, d));
    const load = os.loadavg()[0];
    // Many short rounds: pool calls are sensitive to the moment-to-moment load of both cores.
    const rows = await measure([
      { name: 'sync API, 1 thread', fn: () => w.run(up, sync.inputs, sync.out) },
      { name: 'pool, 1 worker', fn: async () => { await w.run(pools[1], p1.inputs, p1.out); } },
      { name: 'pool, 2 workers', fn: async () => { await w.run(pools[2], p2.inputs, p2.out); } },
      { name: 'pool, 2 workers, JS arrays (copies)', fn: async () => { await w.run(pools[2], inputs, jsOut); } },
    ], { time: Math.max(800, TIME_MS), rounds: 40 });
    for (const t of [sync.out, p1.out, p2.out]) if (!sameBits(t.data, expected.data)) throw new Error(`${w.title}: results differ`);
    for (const t of [sync, p1, p2]) for (const r of [...t.inputs, t.out]) r.dispose();
    const get = (name) => rows.find((r) => r.name === name).median;
    const note = [
      `2 workers vs 1 worker: ${(get('pool, 1 worker') / get('pool, 2 workers')).toFixed(2)}x the throughput;`,
      `2 workers vs the sync API: ${(get('sync API, 1 thread') / get('pool, 2 workers')).toFixed(2)}x.`,
      'Results bit-identical to the sync API.',
      `Load average when the run started: ${load.toFixed(1)} on ${os.cpus().length} cores.`,
    ].join(' ');
    sections.push({ title: w.title, rows, baseline: 'pool, 1 worker', note });
    console.log(`\n${w.title}\n${note}\n${table(rows, 'pool, 1 worker')}`);
  }
  await Promise.all(Object.values(pools).map((p) => p.close()));
  save('threads', sections, 'Pool of 1 or 2 worker threads vs the synchronous API.');
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchThreads();
