// Scaling with threads (issue #18): for N = 1, 2, 4, ... up to the machine's cores (at most 16),
// the speed-up over the synchronous API of
//   - pool N: `createPool({ threads: N })`, one call at a time, resident tensors;
//   - pool N, caller waits: the same with `callerJoins: false` (the calling thread only waits for
//     the workers, as before it joined calls of a few ms), to show what joining changes;
//   - pool N, unsized: the same with every call cut over all N workers, the caller waiting (the
//     pool before calls were sized), to show what sizing changes;
//   - ceiling N: N threads each running the synchronous API on its own data, no coordination
//     (the throughput the cores give; time per call = wall time / calls of all threads);
//   - onnxruntime-node with N intra-op threads (native; a fresh output per run, its usual API);
// and, single-threaded, the relaxed-SIMD build against the SIMD build (calls alternated one by
// one), beside the two builds' arithmetic rooflines measured in the same run. Results are checked
// bit-identical to the synchronous API. Writes bench/results/scaling.{json,md,svg}.
//
// Run from a built checkout with its devDependencies: `npm run bench:scaling` (builds first), or
// `node bench/scaling.bench.js`. BENCH_THREADS=1,2,8 picks the thread counts, BENCH_WORKLOADS=W1,W4
// the workloads, BENCH_PARTS=threads or relaxed one half, BENCH_TIME_MS / BENCH_ROUNDS the time
// (default 6 s) and the fewest rounds (12) for the tasks of one workload at one N;
// BENCH_ORT_CUBIC=1 adds onnxruntime's cubic Resize on the large image (~5 s a call), BENCH_ORT=0
// leaves onnxruntime-node out (quicker A/B runs of the pool), BENCH_OUT names the results; `--render`
// rewrites the Markdown and the chart from the JSON. The tasks of one workload at one N take turns
// sample by sample (in a new order each round), so load from other processes biases them alike;
// ratios only mean something within one run. A sample is the same number of calls in a row for
// every task, so all find the caches alike.

import os from 'node:os';
import v8 from 'node:v8';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fmt, machine } from './common.js';
import { workloads as allWorkloads } from './scaling-workloads.js';
import { peakFlops, peakLoop } from './roofline.js';

// The build the package picks by default on this engine (before any flag), for the sync API,
// the pools and the ceiling threads alike; the relaxed build needs a V8 flag on Node 20, set
// before the first module is compiled, for the relaxed-vs-SIMD part only.
// Optimised code from the first call, in every thread (V8 flags are process-wide): V8 otherwise
// starts each module on baseline code and optimises it in the background, which a busy machine
// can delay for seconds, so that one module (the sync API's, a pool's, a ceiling thread's) ran
// 3x slower than another of the same build (bench/placement.js). BENCH_LIFTOFF=1 keeps V8's default.
if (process.env.BENCH_LIFTOFF !== '1') v8.setFlagsFromString('--no-liftoff');
const { engineHasRelaxedSimd } = await import('../dist/wasm/load.js');
const BUILD = engineHasRelaxedSimd() ? 'relaxed' : 'simd';
const RELAXED_NEEDS_FLAG = BUILD !== 'relaxed';
if (RELAXED_NEEDS_FLAG) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const up = await import('../dist/index.js');
let ort;
try {
  if (process.env.BENCH_ORT !== '0') ort = await import('onnxruntime-node');
} catch (error) {
  console.warn(`onnxruntime-node unavailable, its column is left out: ${error.message}`);
}

const env = (name) => process.env[name]?.split(',').map((s) => s.trim()).filter(Boolean);
const CORES = os.availableParallelism?.() ?? os.cpus().length;
const THREADS = env('BENCH_THREADS')?.map(Number)
  ?? [1, 2, 4, 8, 16].filter((n) => n <= Math.min(16, CORES));
const workloads = env('BENCH_WORKLOADS') ? allWorkloads.filter((w) => env('BENCH_WORKLOADS').includes(w.id)) : allWorkloads;
const PARTS = new Set(env('BENCH_PARTS') ?? ['threads', 'relaxed']);
const ORT_CUBIC = process.env.BENCH_ORT_CUBIC === '1';
/** Time a sample aims at: each task (each ceiling thread) runs enough calls in a row to take this long. */
const CEILING_SAMPLE_MS = 15;
/** Time the tasks of one workload at one thread count take in all, and the fewest rounds. */
const ROUND_TIME_MS = Number(process.env.BENCH_TIME_MS ?? 6000);
const MIN_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);

function sameBits(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** N threads running the sync API on their own data; run() = `calls` calls on each. */
async function ceilingThreads(workload, count, calls) {
  const threads = Array.from({ length: count }, () => {
    const thread = new Worker(new URL('./sync-thread.js', import.meta.url), {
      workerData: { workloads: new URL('./scaling-workloads.js', import.meta.url).href, workload: workload.id, build: BUILD, maximumMemory: 2 ** 31 },
    });
    const waiting = [];
    thread.on('message', () => waiting.shift()?.resolve());
    thread.on('error', (error) => { for (const w of waiting.splice(0)) w.reject(error); });
    return { thread, reply: () => new Promise((resolve, reject) => waiting.push({ resolve, reject })) };
  });
  await Promise.all(threads.map((t) => t.reply())); // loaded and warm
  return {
    run: () => Promise.all(threads.map((t) => { const done = t.reply(); t.thread.postMessage(calls); return done; })),
    close: () => Promise.all(threads.map((t) => t.thread.terminate())),
  };
}

/**
 * Runs the tasks sample by sample, in turns (one sample each a round, in a new order each round), for about
 * ROUND_TIME_MS in all (at least MIN_ROUNDS rounds): on a machine whose load moves within
 * seconds, neighbouring calls see the same load where tinybench's slices may not. Rows: median,
 * 10th percentile (the quiet end) and extremes of the time per call (a sample's over its `calls`).
 */
async function alternate(tasks) {
  for (const t of tasks) { await t.before?.(); await t.fn(); } // warm
  const took = [];
  for (const t of tasks) {
    await t.before?.();
    const t0 = performance.now();
    await t.fn();
    took.push(performance.now() - t0);
  }
  // A task slower than a quarter of all the others together (onnxruntime's cubic Resize on W3:
  // 10x them) runs every few rounds only, a quarter of the round time on average, so that the
  // others still get many rounds in the time.
  const total = took.reduce((a, b) => a + b, 0);
  // Only onnxruntime (`thin`) is thinned: the first task (the sync API) is every round's
  // reference, and one slow warm-up call must not thin a task of ours.
  const every = took.map((ms, j) => (tasks[j].thin ? Math.max(1, Math.ceil(ms / (0.25 * (total - ms)))) : 1));
  const perRound = took.reduce((sum, ms, j) => sum + ms / every[j], 0);
  const rounds = Math.max(MIN_ROUNDS, Math.min(400, Math.round(ROUND_TIME_MS / perRound)));
  const times = tasks.map(() => []);
  let seed = 12345;
  const order = tasks.map((_, j) => j);
  for (let k = 0; k < rounds; k++) {
    // A fresh order each round: a task that leaves the machine disturbed (threads still spinning)
    // precedes each other task alike.
    for (let i = order.length - 1; i > 0; i--) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const r = seed % (i + 1);
      [order[i], order[r]] = [order[r], order[i]];
    }
    for (const j of order) {
      if (k % every[j]) continue;
      const t = tasks[j];
      await t.before?.();
      const t0 = performance.now();
      await t.fn();
      times[j].push({ k, ms: (performance.now() - t0) / (t.calls ?? 1) });
    }
    if (k % 10 === 9) process.stderr.write('.');
  }
  // Each round's time against the first task's (the sync API) in the same round, then the median:
  // load that drifts between rounds cancels (on 2 cores at load 8-12, medians of the tasks alone
  // put the one-thread ceiling at 0.4x the sync API).
  const syncAt = new Map(times[0].map(({ k, ms }) => [k, ms]));
  return tasks.map((t, j) => {
    const a = times[j].map(({ ms }) => ms).sort((p, q) => p - q);
    const paired = times[j].map(({ k, ms }) => syncAt.get(k) / ms).sort((p, q) => p - q);
    return { name: t.name, median: a[a.length >> 1], p10: a[Math.floor(a.length / 10)], min: a[0], max: a.at(-1), samples: a.length,
      pairedSpeedUp: paired[paired.length >> 1] };
  });
}

/** One workload at N threads: sync, pool N (sized, caller waiting, unsized), ceiling N, onnxruntime-node N. */
async function atThreads(w, n, pool, sync, expected) {
  const start = performance.now();
  w.run(up, sync.inputs, sync.out);
  const syncMs = performance.now() - start;
  // Every task's sample is `calls` calls in a row on its own resident tensors, as the ceiling
  // threads' must be (one message a sample): the first call of a sample finds the tensors where
  // the other tasks' calls left the caches, the rest find them warm. Timing the sync API and the
  // pool one call a sample against a ceiling of 3-7 calls a sample put the one-thread ceiling at
  // 1.2-1.5x the sync API on W1 (40 MB a call; on a Xeon W1 took 2.2 ms repeated, 5.1 ms after
  // other tensors' calls): that was cache, not threads.
  const calls = Math.max(1, Math.round(CEILING_SAMPLE_MS / syncMs));
  const ceiling = await ceilingThreads(w, n, calls);
  const repeat = (call) => async () => { for (let i = 0; i < calls; i++) await call(); };
  const inputs = sync.inputs.map((t) => pool.allocTensor(t.shape, t.data));
  const out = pool.allocTensor(expected.shape);
  const sizing = pool.sizing; // internal: absent where the pool falls back to this thread
  const sized = { ...sizing };
  const waiting = { ...sized, callerWork: -1 }; // PoolOptions.callerJoins false
  const unsized = { inlineWork: 0, workerWork: 0, chunkWork: 0, callerWork: -1 }; // src/pool/sizing.ts SPLIT_ALL
  const syncCall = () => { w.run(up, sync.inputs, sync.out); };
  const poolCall = () => w.run(pool, inputs, out);
  const tasks = [
    { name: 'sync', calls, fn: repeat(syncCall) },
    { name: 'pool', calls, before: () => sizing && Object.assign(sizing, sized), fn: repeat(poolCall) },
    ...(sizing ? [
      { name: 'pool, caller waits', calls, before: () => Object.assign(sizing, waiting), fn: repeat(poolCall) },
      { name: 'pool unsized', calls, before: () => Object.assign(sizing, unsized), fn: repeat(poolCall) },
    ] : []),
    { name: 'ceiling', calls: n * calls, fn: async () => { await ceiling.run(); } },
  ];
  let ortDiff;
  if (ort && (!w.ortSlow || ORT_CUBIC || w.id === 'W3')) {
    const session = await ort.InferenceSession.create(w.model(), {
      graphOptimizationLevel: 'all', intraOpNumThreads: n, interOpNumThreads: 1, executionMode: 'sequential',
      // Its threads would spin after each run into the next task's time (ours park after 0.2 ms).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    const X = new ort.Tensor('float32', sync.inputs[0].data.slice(), sync.inputs[0].shape);
    ortDiff = maxAbsDiff((await session.run({ X })).Y.data, expected.data);
    // Its calls 10-100x ours where it is slow (ortSlow): one a sample, so that the others still get rounds.
    const ortCalls = w.ortSlow ? 1 : calls;
    tasks.push({ name: 'onnxruntime-node', calls: ortCalls, thin: true, fn: async () => { for (let i = 0; i < ortCalls; i++) await session.run({ X }); } });
  }
  const rows = await alternate(tasks);
  if (sizing) Object.assign(sizing, sized);
  await w.run(pool, inputs, out);
  const identical = sameBits(out.data, expected.data) && sameBits(sync.out.data, expected.data);
  if (!identical) throw new Error(`${w.title}, ${n} threads: the pool's result differs from the synchronous API's`);
  for (const t of [...inputs, out]) t.dispose();
  await ceiling.close();
  const get = (name) => rows.find((r) => r.name === name);
  const s = get('sync').median;
  const speedUp = (name) => (get(name) ? s / get(name).median : undefined);
  const quietSpeedUp = (name) => (get(name) ? get('sync').p10 / get(name).p10 : undefined);
  return {
    threads: n, syncMs: s, calls, rows,
    pool: speedUp('pool'), poolWaiting: speedUp('pool, caller waits'), poolUnsized: speedUp('pool unsized'), ceiling: speedUp('ceiling'), ort: speedUp('onnxruntime-node'),
    quiet: { pool: quietSpeedUp('pool'), ceiling: quietSpeedUp('ceiling'), ort: quietSpeedUp('onnxruntime-node') },
    paired: { pool: get('pool')?.pairedSpeedUp, poolWaiting: get('pool, caller waits')?.pairedSpeedUp, poolUnsized: get('pool unsized')?.pairedSpeedUp, ceiling: get('ceiling')?.pairedSpeedUp,
      ort: get('onnxruntime-node')?.pairedSpeedUp },
    ...(ortDiff !== undefined ? { ortMaxAbsDiff: ortDiff } : {}), bitIdentical: identical,
  };
}

/**
 * The arithmetic rooflines of the two builds' multiply-adds on this core (bench/roofline.js:
 * register-resident f32x4 mul+add, as the SIMD build issues, and relaxed_madd), alternated: the
 * lowest time ratio relaxed / SIMD a compute-bound kernel can have here.
 */
async function rooflines() {
  const loops = { simd: await peakLoop('mul+add'), relaxed: await peakLoop('relaxed_madd') };
  const iterations = 200_000;
  const times = { simd: [], relaxed: [] };
  for (let k = 0; k < 40; k++) {
    for (const build of k & 1 ? ['simd', 'relaxed'] : ['relaxed', 'simd']) {
      const t0 = performance.now();
      loops[build](iterations);
      times[build].push(performance.now() - t0);
    }
  }
  const fastest = (a) => Math.min(...a.slice(4)); // register-resident: the fastest is the machine's, the rest is load
  const gflops = (build) => peakFlops(iterations) / fastest(times[build]) / 1e6;
  return { simdGflops: gflops('simd'), relaxedGflops: gflops('relaxed'), ratio: fastest(times.relaxed) / fastest(times.simd) };
}

/** Single calls of the two builds alternated (which goes first flips each round): medians and 10th percentiles. */
async function relaxedVsSimd(w) {
  const resident = {};
  let expected;
  for (const build of ['simd', 'relaxed']) {
    await up.init({ build });
    const inputs = w.inputs().map((t) => up.allocTensor(t.shape, t.data));
    expected ??= w.run(up, inputs);
    resident[build] = { inputs, out: up.allocTensor(expected.shape) };
  }
  const start = performance.now();
  w.run(up, resident.relaxed.inputs, resident.relaxed.out);
  const rounds = Math.max(15, Math.min(150, Math.round(2000 / (performance.now() - start))));
  const times = { simd: [], relaxed: [] };
  for (let k = 0; k < rounds; k++) {
    for (const build of k & 1 ? ['simd', 'relaxed'] : ['relaxed', 'simd']) {
      await up.init({ build });
      const t0 = performance.now();
      w.run(up, resident[build].inputs, resident[build].out);
      times[build].push(performance.now() - t0);
    }
  }
  const q = (a, f) => [...a].sort((x, y) => x - y)[Math.floor(a.length * f)];
  const diff = maxAbsDiff(resident.relaxed.out.data, resident.simd.out.data);
  for (const r of Object.values(resident)) for (const t of [...r.inputs, r.out]) t.dispose();
  await up.init({ build: BUILD });
  return {
    rounds, simdMs: q(times.simd, 0.5), relaxedMs: q(times.relaxed, 0.5), ratio: q(times.relaxed, 0.5) / q(times.simd, 0.5),
    ratioP10: q(times.relaxed, 0.1) / q(times.simd, 0.1), maxAbsDiff: diff,
  };
}

const x = (v) => (v === undefined ? '-' : v.toFixed(2));

function markdown(report) {
  const ns = report.threads;
  const lines = [
    '# scaling benchmark', '',
    `Machine: ${report.machine}; 1-minute load average ${report.load.before.toFixed(1)} before and ${report.load.after.toFixed(1)} after, on ${report.load.cores} cores. Build: ${report.build} (the default on this engine)${report.liftoff === false ? ', V8 --no-liftoff (optimised WebAssembly code from the first call)' : ''}. onnxruntime-node ${report.versions['onnxruntime-node'] ?? '-'}.`, '',
    'Speed-ups over the synchronous API on one thread (above 1: faster), from medians of samples that take turns (the sync API, the pool three ways, the ceiling and onnxruntime-node, one sample each a round, in a new order each round), so all see the same load; a sample is the same number of calls in a row for every task (the count is listed below; onnxruntime\'s slow cubic Resize: one), so all find the caches alike; onnxruntime\'s threads do not spin between runs. "pool": as created, where calls of a few ms have the calling thread as one of their N threads (callerJoins); "waiting": `callerJoins: false`, the calling thread only waits for the workers; "unsized": every call cut over all N workers, the caller waiting, as before calls were sized. Resident tensors; one call at a time. The pool\'s results are checked bit-identical to the synchronous API\'s.', '',
  ];
  if (report.sections.some((s) => s.byThreads.length)) {
    lines.push(`| workload (sync ms) | ${ns.map((n) => `pool ${n}`).join(' | ')} | ${ns.map((n) => `ceiling ${n}`).join(' | ')} | ${ns.map((n) => `waiting ${n}`).join(' | ')} | ${ns.map((n) => `unsized ${n}`).join(' | ')} | onnxruntime-node ${ns.join(' / ')} |`);
    lines.push(`|---|${ns.map(() => '---:').join('|')}|${ns.map(() => '---:').join('|')}|${ns.map(() => '---:').join('|')}|${ns.map(() => '---:').join('|')}|---:|`);
    for (const s of report.sections) {
      const at = (n) => s.byThreads.find((r) => r.threads === n) ?? {};
      lines.push(`| ${s.title} (${fmt(at(1).syncMs ?? s.byThreads[0]?.syncMs ?? NaN)}) | ${ns.map((n) => x(at(n).pool)).join(' | ')} | ${ns.map((n) => x(at(n).ceiling)).join(' | ')} | ${ns.map((n) => x(at(n).poolWaiting)).join(' | ')} | ${ns.map((n) => x(at(n).poolUnsized)).join(' | ')} | ${ns.map((n) => x(at(n).ort)).join(' / ')} |`);
    }
    lines.push('', 'Targets (issue #18): pool / ceiling at least 0.85; the pool never slower with more threads; ahead of onnxruntime-node at the same N (above 1); a call\'s time through the pool at most 1.2x the sync time / N (W3).', '');
    lines.push(`| workload | pool / ceiling at ${ns.join(', ')} | more threads never slower | pool / onnxruntime-node at ${ns.join(', ')} | pool time / (sync time / N) at ${ns.join(', ')} |`, '|---|---|---|---|---|');
    for (const s of report.sections) {
      const rs = s.byThreads;
      const monotonic = rs.every((r, i) => i === 0 || r.pool >= rs[i - 1].pool * 0.97);
      lines.push(`| ${s.title} | ${rs.map((r) => x(r.pool / r.ceiling)).join(', ')} | ${monotonic ? 'yes' : 'no'} (within 3%) | ${rs.map((r) => (r.ort ? x(r.pool / r.ort) : '-')).join(', ')} | ${rs.map((r) => x(r.threads / r.pool)).join(', ')} |`);
    }
    lines.push('', 'The same from the 10th percentile of each task\'s calls (the quiet end: on a busy machine the median partly measures the load):', '');
    lines.push(`| workload | ${ns.map((n) => `pool ${n}`).join(' | ')} | ${ns.map((n) => `ceiling ${n}`).join(' | ')} | onnxruntime-node ${ns.join(' / ')} |`);
    lines.push(`|---|${ns.map(() => '---:').join('|')}|${ns.map(() => '---:').join('|')}|---:|`);
    for (const s of report.sections) {
      const at = (n) => s.byThreads.find((r) => r.threads === n)?.quiet ?? {};
      lines.push(`| ${s.title} | ${ns.map((n) => x(at(n).pool)).join(' | ')} | ${ns.map((n) => x(at(n).ceiling)).join(' | ')} | ${ns.map((n) => x(at(n).ort)).join(' / ')} |`);
    }
    lines.push('');
    if (report.sections.some((s) => s.byThreads.some((r) => r.paired))) {
      lines.push('The same from each round\'s calls against that round\'s sync call, then the median over rounds (load that drifts between rounds cancels):', '');
      lines.push(`| workload | ${ns.map((n) => `pool ${n}`).join(' | ')} | ${ns.map((n) => `ceiling ${n}`).join(' | ')} | ${ns.map((n) => `waiting ${n}`).join(' | ')} | ${ns.map((n) => `unsized ${n}`).join(' | ')} | onnxruntime-node ${ns.join(' / ')} |`);
      lines.push(`|---|${ns.map(() => '---:').join('|')}|${ns.map(() => '---:').join('|')}|${ns.map(() => '---:').join('|')}|${ns.map(() => '---:').join('|')}|---:|`);
      for (const s of report.sections) {
        const at = (n) => s.byThreads.find((r) => r.threads === n)?.paired ?? {};
        lines.push(`| ${s.title} | ${ns.map((n) => x(at(n).pool)).join(' | ')} | ${ns.map((n) => x(at(n).ceiling)).join(' | ')} | ${ns.map((n) => x(at(n).poolWaiting)).join(' | ')} | ${ns.map((n) => x(at(n).poolUnsized)).join(' | ')} | ${ns.map((n) => x(at(n).ort)).join(' / ')} |`);
      }
      lines.push('');
    }
  }
  if (report.sections.some((s) => s.relaxed)) {
    lines.push(`Relaxed-SIMD build vs SIMD build, sync API, one thread, single calls alternated${report.relaxedNeedsFlag ? ' (V8 flag --experimental-wasm-relaxed-simd set by the benchmark: Node 20)' : ''}: time ratio relaxed / SIMD (below 1: relaxed faster), of medians and of 10th percentiles.`, '');
    lines.push('| workload | SIMD ms | relaxed ms | relaxed / SIMD | by 10th percentile | rounds | max abs diff |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const s of report.sections) {
      const r = s.relaxed;
      if (r) lines.push(`| ${s.title} | ${fmt(r.simdMs)} | ${fmt(r.relaxedMs)} | ${r.ratio.toFixed(2)} | ${r.ratioP10.toFixed(2)} | ${r.rounds} | ${r.maxAbsDiff.toExponential(1)} |`);
    }
    const roof = report.roofline;
    if (roof) lines.push(`| roofline: register-resident multiply-adds (bench/roofline.js), fastest of 36 | ${roof.simdGflops.toFixed(1)} GFLOP/s | ${roof.relaxedGflops.toFixed(1)} GFLOP/s | ${roof.ratio.toFixed(2)} | | 40 | |`);
    lines.push('');
    if (roof) lines.push(`The roofline row is the two builds' multiply-adds alone (mul then add against a fused multiply-add), measured in this run: a compute-bound kernel's relaxed / SIMD ratio cannot go below its ${roof.ratio.toFixed(2)} on this core (at most ${(1 / roof.ratio).toFixed(2)}x faster).`, '');
  }
  lines.push('Medians in ms per thread count:', '');
  for (const s of report.sections) {
    for (const r of s.byThreads) {
      lines.push(`- ${s.title}, ${r.threads} thread(s): ${r.rows.map((row) => `${row.name} ${fmt(row.median)}`).join(', ')}${r.ortMaxAbsDiff !== undefined ? ` (onnxruntime max abs diff ${r.ortMaxAbsDiff.toExponential(1)})` : ''}; ${r.calls ?? r.ceilingCalls} call(s) in a row a sample (a thread's, for the ceiling)`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Small multiples: speed-up against threads, pool (solid), ceiling (dashed), onnxruntime-node (dotted). */
function svg(report) {
  const ns = report.threads;
  const panelW = 220, panelH = 160, pad = 34, cols = 3;
  const sections = report.sections.filter((s) => s.byThreads.length);
  const rows = Math.ceil(sections.length / cols);
  const maxY = Math.max(2, ...sections.flatMap((s) => s.byThreads.flatMap((r) => [r.pool, r.ceiling, r.ort ?? 0])));
  const top = Math.ceil(maxY);
  const xAt = (i) => pad + (ns.length === 1 ? 0 : (i / (ns.length - 1)) * (panelW - pad - 10));
  const yAt = (v) => panelH - 24 - (v / top) * (panelH - 50);
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const parts = [];
  sections.forEach((s, k) => {
    const ox = (k % cols) * panelW, oy = 40 + Math.floor(k / cols) * panelH;
    parts.push(`<g transform="translate(${ox},${oy})"><text x="${pad}" y="14" font-size="11">${esc(s.title)}</text>`);
    parts.push(`<line x1="${pad}" y1="${yAt(0)}" x2="${panelW - 10}" y2="${yAt(0)}" stroke="#999"/><line x1="${pad}" y1="${yAt(0)}" x2="${pad}" y2="${yAt(top)}" stroke="#999"/>`);
    for (let v = 1; v <= top; v += Math.max(1, Math.round(top / 4))) parts.push(`<text x="${pad - 4}" y="${yAt(v) + 3}" font-size="9" text-anchor="end">${v}x</text>`);
    ns.forEach((n, i) => parts.push(`<text x="${xAt(i)}" y="${yAt(0) + 12}" font-size="9" text-anchor="middle">${n}</text>`));
    for (const [key, style] of [['ceiling', 'stroke="#888" stroke-dasharray="4 3"'], ['ort', 'stroke="#c60" stroke-dasharray="1 3"'], ['pool', 'stroke="#06c" stroke-width="2"']]) {
      const pts = s.byThreads.map((r) => [ns.indexOf(r.threads), r[key]]).filter(([i, v]) => i >= 0 && v !== undefined);
      if (pts.length) parts.push(`<polyline fill="none" ${style} points="${pts.map(([i, v]) => `${xAt(i).toFixed(1)},${yAt(v).toFixed(1)}`).join(' ')}"/>`);
    }
    parts.push('</g>');
  });
  const width = cols * panelW, height = 40 + rows * panelH + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="6" y="14" font-size="11">Speed-up over the sync API against threads: pool (blue), ceiling = N sync threads on their own data (grey, dashed),</text>
<text x="6" y="27" font-size="11">onnxruntime-node (orange, dotted). ${esc(report.machine)}, load ${report.load.before.toFixed(1)}-${report.load.after.toFixed(1)} on ${report.load.cores} cores</text>
${parts.join('\n')}
</svg>
`;
}

async function main() {
  // The sync API holds every workload's tensors at once (~400 MB): past init()'s default budget.
  await up.init({ build: BUILD, maximumMemory: 2 ** 31 });
  const load = { before: os.loadavg()[0], cores: CORES };
  const sections = workloads.map((w) => ({ id: w.id, title: w.title, byThreads: [] }));
  if (PARTS.has('threads')) {
    // The sync API's resident copies of every workload (and its results: the pools must match them).
    const sync = workloads.map((w) => {
      const inputs = w.inputs().map((t) => up.allocTensor(t.shape, t.data));
      const expected = w.run(up, inputs);
      return { inputs, out: up.allocTensor(expected.shape), expected: { shape: expected.shape, data: expected.data.slice() } };
    });
    for (const n of THREADS) {
      const pool = await up.createPool({ threads: n, build: BUILD, maximumMemory: 2 ** 31 });
      for (const [i, w] of workloads.entries()) {
        process.stderr.write(`${w.id} x${n} `);
        const r = await atThreads(w, n, pool, sync[i], sync[i].expected);
        sections[i].byThreads.push(r);
        process.stderr.write(` pool ${x(r.pool)} ceiling ${x(r.ceiling)} waiting ${x(r.poolWaiting)} unsized ${x(r.poolUnsized)} ort ${x(r.ort)}\n`);
      }
      await pool.close();
    }
    for (const s of sync) for (const t of [...s.inputs, s.out]) t.dispose();
  }
  let roofline;
  if (PARTS.has('relaxed')) {
    roofline = await rooflines();
    process.stderr.write(`roofline relaxed/simd ${roofline.ratio.toFixed(2)}\n`);
    for (const [i, w] of workloads.entries()) {
      if (w.id.startsWith('L') && process.env.BENCH_RELAXED_LARGE !== '1') continue; // the issue's figures: W1, W3, W4
      sections[i].relaxed = await relaxedVsSimd(w);
      process.stderr.write(`${w.id} relaxed/simd ${sections[i].relaxed.ratio.toFixed(2)} (p10 ${sections[i].relaxed.ratioP10.toFixed(2)})\n`);
    }
  }
  load.after = os.loadavg()[0];
  const version = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
  const report = {
    machine: machine(), build: BUILD, relaxedNeedsFlag: RELAXED_NEEDS_FLAG, liftoff: process.env.BENCH_LIFTOFF === '1', threads: THREADS, load, roofline,
    versions: { node: process.version, 'onnxruntime-node': ort ? version('onnxruntime-node') : undefined },
    sections,
  };
  const name = process.env.BENCH_OUT ?? 'scaling';
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.json`, dir), JSON.stringify(report, null, 2) + '\n');
  const md = markdown(report);
  writeFileSync(new URL(`${name}.md`, dir), md);
  if (PARTS.has('threads')) writeFileSync(new URL(`${name}.svg`, dir), svg(report));
  console.log(md);
}

/** `--render`: rewrites the Markdown and the chart from the JSON of an earlier run. */
function render() {
  const name = process.env.BENCH_OUT ?? 'scaling';
  const dir = new URL('./results/', import.meta.url);
  const report = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8'));
  writeFileSync(new URL(`${name}.md`, dir), markdown(report));
  writeFileSync(new URL(`${name}.svg`, dir), svg(report));
}

if (process.argv.includes('--render')) render();
else await main();
process.exit(0); // onnxruntime-node may keep handles open
