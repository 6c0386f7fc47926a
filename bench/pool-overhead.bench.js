// The main thread's cost per pool call: what a caller's thread spends so that the workers can run
// (validation, planning, staging into shared memory, encoding the queue), not the kernels.
// Run: `npm run build && node bench/pool-overhead.bench.js [dist folder ...]` (default ./dist).
//
// Two measures, on W3 (bicubic 2x of [1,3,512,512]) and W4 (convTranspose2d 32->32 k4 s2 p1 of
// [1,32,64,64]), resident tensors (nothing copied), a pool of 2 workers (POOL_THREADS=n for n):
// - sync: performance.now() around the call until it returns its Promise (the synchronous part);
//   a build that stages in microtasks after returning its Promise (8afca58 did) shows less here;
// - main-thread CPU per call, one at a time: the main thread's own CPU time over those calls
//   (Linux /proc/<pid>/task/<pid>/schedstat, ns; elsewhere the event loop's active time, which
//   also counts time the thread was runnable but not running): every main-thread cost, including
//   staging done in microtasks, the replies and settling the Promise;
// - the same over a burst of calls with 2 in flight.
// Several dist folders (e.g. a build of another commit) are loaded into one process and measured
// in alternating rounds, so that a shared machine's load biases them alike; ratios are to the first.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { workloads } from './thread-workloads.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const CALLS = 40;
const THREADS = Number(process.env.POOL_THREADS ?? 2); // per round and build: sync samples, and the burst's length

const dists = process.argv.length > 2 ? process.argv.slice(2) : [new URL('../dist', import.meta.url).pathname];

const SCHEDSTAT = `/proc/${process.pid}/task/${process.pid}/schedstat`;
const hasSchedstat = (() => { try { readFileSync(SCHEDSTAT); return true; } catch { return false; } })();
/** Microseconds of the main thread's CPU time (or event-loop active time) since `start()`. */
function mainThreadClock() {
  if (hasSchedstat) {
    const read = () => Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1000;
    const t0 = read();
    return () => read() - t0;
  }
  const e0 = performance.eventLoopUtilization();
  return () => performance.eventLoopUtilization(e0).active * 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function setUp(dist) {
  const up = await import(pathToFileURL(resolve(dist, 'index.js')).href);
  await up.init();
  const pool = await up.createPool({ threads: THREADS });
  const cases = workloads.map((w) => {
    const inputs = w.inputs().map((t) => pool.allocTensor(t.shape, t.data));
    const outShape = w.run(up, w.inputs()).shape;
    const outs = [pool.allocTensor(outShape), pool.allocTensor(outShape)];
    return { w, inputs, outs };
  });
  for (const c of cases) for (let i = 0; i < 3; i++) await c.w.run(pool, c.inputs, c.outs[0]); // warm-up
  return { dist, pool, cases, sync: cases.map(() => []), staged: cases.map(() => []), wall: cases.map(() => []), busy: cases.map(() => []) };
}

/** One round of one build: CALLS calls one at a time (sync part timed), then a burst with 2 in flight. */
async function round(build) {
  for (const [k, { w, inputs, outs }] of build.cases.entries()) {
    let clock = mainThreadClock();
    const wall = performance.now();
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now();
      const pending = w.run(build.pool, inputs, outs[0]);
      build.sync[k].push((performance.now() - t0) * 1000);
      await pending;
    }
    build.staged[k].push(clock() / CALLS);
    build.wall[k].push((performance.now() - wall) / CALLS);
    clock = mainThreadClock();
    let next = 0;
    const lane = async (out) => { while (next++ < CALLS) await w.run(build.pool, inputs, out); };
    await Promise.all(outs.map(lane));
    build.busy[k].push(clock() / CALLS);
  }
}

const builds = [];
for (const dist of dists) builds.push(await setUp(dist));
for (let r = 0; r < ROUNDS; r++) {
  for (const b of r & 1 ? [...builds].reverse() : builds) await round(b);
}
for (const [k, w] of workloads.entries()) { // every build computed the same bits
  const a = builds[0].cases[k].outs[0].data;
  for (const b of builds) if (!b.cases[k].outs[0].data.every((v, i) => Object.is(v, a[i]))) throw new Error(`${w.title}: ${b.dist} differs`);
}
console.log(`pool call main-thread cost, medians over ${ROUNDS} alternating rounds, pools of ${THREADS} workers (sync part: ${ROUNDS * CALLS} calls; main-thread ${hasSchedstat ? 'CPU' : 'event-loop active'} time per call over ${ROUNDS} runs of ${CALLS} calls)`);
console.log('| workload | build | sync part us | x first | main-thread CPU us/call, one at a time | x first | main-thread CPU us/call, 2 in flight | x first | wall ms/call, one at a time | x first |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [k, w] of workloads.entries()) {
  const base = builds[0];
  for (const b of builds) {
    const s = median(b.sync[k]);
    const g = median(b.staged[k]);
    const a = median(b.busy[k]);
    console.log(`| ${w.title} | ${b.dist} | ${s.toFixed(1)} | ${(s / median(base.sync[k])).toFixed(2)} | ${g.toFixed(1)} | ` +
      `${(g / median(base.staged[k])).toFixed(2)} | ${a.toFixed(1)} | ${(a / median(base.busy[k])).toFixed(2)} | ` +
      `${median(b.wall[k]).toFixed(2)} | ${(median(b.wall[k]) / median(base.wall[k])).toFixed(2)} |`);
  }
}
await Promise.all(builds.map((b) => b.pool.close()));
