// Worker pool throughput: 1 vs 2 workers sharing one memory, against the synchronous API, all
// with WebAssembly-resident tensors (nothing copied), on W3 and W4. Each pool call includes the
// main thread's planning and staging and the message round trips.
// Run: `npm run build && node bench/threads.bench.js`.
//
// The tasks are interleaved (a few calls of each, round after round) rather than run one after
// the other, so that load from other processes on a shared machine biases all of them alike.

import os from 'node:os';
import * as up from '../dist/index.js';
import { Worker } from 'node:worker_threads';
import { measure, save, table, TIME_MS } from './common.js';
import { workloads } from './thread-workloads.js';

/** Calls per sample of the in-flight row: a window of 2 slides over them (a new call as one resolves). */
const IN_FLIGHT_CALLS = 12;

async function slidingWindow(calls, width, call) {
  let next = 0;
  const lane = async () => {
    while (next < calls) await call(next++);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

/**
 * The ceiling for 2 cores: two threads, each running the synchronous API on its own data with no
 * coordination; each sample is CEILING_CALLS calls on each thread.
 */
const CEILING_CALLS = 6;

async function syncThreads(workload, count) {
  const threads = Array.from({ length: count }, () => {
    const thread = new Worker(new URL('./sync-thread.js', import.meta.url), { workerData: { workloads: new URL('./thread-workloads.js', import.meta.url).href, workload } });
    const waiting = [];
    thread.on('message', () => waiting.shift()?.resolve());
    thread.on('error', (error) => { for (const w of waiting.splice(0)) w.reject(error); });
    const reply = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    return { thread, reply };
  });
  await Promise.all(threads.map((t) => t.reply())); // ready
  return {
    run: () => Promise.all(threads.map((t) => { const done = t.reply(); t.thread.postMessage(CEILING_CALLS); return done; })),
    close: () => Promise.all(threads.map((t) => t.thread.terminate())),
  };
}

const SYNC = 'sync API, 1 thread';
const ONE_WORKER = 'pool, 1 worker';
const TWO_WORKERS = 'pool, 2 workers';
const IN_FLIGHT = 'pool, 2 workers, 2 calls in flight (time per call)';
const CEILING = 'ceiling: 2 threads, each the sync API on its own data (time per call)';

function sameBits(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

export async function benchThreads() {
  await up.init();
  const pools = { 1: await up.createPool({ threads: 1 }), 2: await up.createPool({ threads: 2 }) };
  const sections = [];
  for (const [index, w] of workloads.entries()) {
    const inputs = w.inputs();
    const ceiling = await syncThreads(index, 2);
    const expected = w.run(up, inputs);
    const resident = (alloc) => ({ inputs: inputs.map((t) => alloc(t.shape, t.data)), out: alloc(expected.shape) });
    const jsOut = { data: new Float32Array(expected.data.length), shape: expected.shape };
    const sync = resident(up.allocTensor);
    const p1 = resident((s, d) => pools[1].allocTensor(s, d));
    const p2 = resident((s, d) => pools[2].allocTensor(s, d));
    const p2second = pools[2].allocTensor(expected.shape); // a second output: two calls in flight
    const load = os.loadavg()[0];
    // Many short rounds: pool calls are sensitive to the moment-to-moment load of both cores.
    const rows = await measure([
      { name: SYNC, fn: () => w.run(up, sync.inputs, sync.out) },
      { name: ONE_WORKER, fn: async () => { await w.run(pools[1], p1.inputs, p1.out); } },
      { name: TWO_WORKERS, fn: async () => { await w.run(pools[2], p2.inputs, p2.out); } },
      {
        name: IN_FLIGHT, calls: IN_FLIGHT_CALLS,
        fn: () => slidingWindow(IN_FLIGHT_CALLS, 2, (i) => w.run(pools[2], p2.inputs, i & 1 ? p2second : p2.out)),
      },
      { name: 'pool, 2 workers, JS arrays (copies)', fn: async () => { await w.run(pools[2], inputs, jsOut); } },
      { name: CEILING, calls: 2 * CEILING_CALLS, fn: async () => { await ceiling.run(); } },
    ], { time: Math.max(800, TIME_MS), rounds: 40 });
    for (const t of [sync.out, p1.out, p2.out, p2second]) if (!sameBits(t.data, expected.data)) throw new Error(`${w.title}: results differ`);
    for (const t of [sync, p1, p2]) for (const r of [...t.inputs, t.out]) r.dispose();
    p2second.dispose();
    await ceiling.close();
    const get = (name) => rows.find((r) => r.name === name).median;
    const note = [
      `2 workers vs 1 worker: ${(get(ONE_WORKER) / get(TWO_WORKERS)).toFixed(2)}x the throughput;`,
      `2 workers vs the sync API: ${(get(SYNC) / get(TWO_WORKERS)).toFixed(2)}x one call at a time,`,
      `${(get(SYNC) / get(IN_FLIGHT)).toFixed(2)}x with two calls in flight.`,
      `The ceiling, 2 uncoordinated threads: ${(get(SYNC) / get(CEILING)).toFixed(2)}x the sync API.`,
      'Results bit-identical to the sync API.',
      `Load average when the run started: ${load.toFixed(1)} on ${os.cpus().length} cores.`,
    ].join(' ');
    sections.push({ title: w.title, rows, baseline: ONE_WORKER, note });
    console.log(`\n${w.title}\n${note}\n${table(rows, ONE_WORKER)}`);
  }
  await Promise.all(Object.values(pools).map((p) => p.close()));
  save('threads', sections, 'Pool of 1 or 2 worker threads vs the synchronous API.');
  return sections;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchThreads();
