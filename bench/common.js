// Shared benchmark plumbing: run tinybench tasks, print a table of medians and ratios, and write
// JSON + Markdown to bench/results/. Ratios only mean something within one run.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { stageJob } from '../dist/wasm/executor.js';
import { instantiate } from '../dist/wasm/load.js';
import { WasmModule } from '../dist/wasm/module.js';

export const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 700);

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);

/**
 * Times tasks ({ name, fn, flops?, diff?, before?, slow? }) with tinybench in `rounds` rounds, each
 * running every task for a slice of `time`, so that all tasks see the same mix of machine load: on
 * a shared machine the load moves within seconds, and timing tasks one after another compares
 * different moments. A task's median is over the samples of all rounds; a task over 100 ms (or
 * marked `slow`) gets one call a round. `before` runs ahead of each slice (switching a build or a
 * backend); with `gc` (node --expose-gc) a collection runs before every call, outside the timing.
 * Returns rows with median/min/max in ms, GFLOP/s for tasks with `flops`, `maxAbsDiff` from `diff`.
 */
export async function measure(tasks, { time = TIME_MS, rounds = ROUNDS, gc = false, onRound } = {}) {
  const collect = gc && globalThis.gc ? { beforeEach: () => globalThis.gc() } : {};
  const slow = [];
  for (const t of tasks) { // one call each: a warm-up, and it finds the slow tasks
    await t.before?.();
    const start = performance.now();
    await t.fn();
    slow.push(Boolean(t.slow) || performance.now() - start > 100);
  }
  const samples = tasks.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [j, t] of tasks.entries()) {
      await t.before?.();
      const bench = new Bench({
        time: slow[j] ? 0 : time / rounds, iterations: slow[j] ? 1 : 3, retainSamples: true,
        warmupTime: 0, warmupIterations: slow[j] ? 0 : 1,
      });
      bench.add(t.name, t.fn, collect);
      await bench.run();
      const r = bench.tasks[0].result;
      if (r.state !== 'completed') throw new Error(`${t.name}: ${r.state} ${r.error ?? ''}`);
      samples[j].push(...r.latency.samples.map((ms) => ms / (t.calls ?? 1))); // per call
    }
    onRound?.(round);
  }
  return tasks.map((t, j) => {
    const all = samples[j].sort((a, b) => a - b);
    const median = all[all.length >> 1];
    return {
      name: t.name, median, min: all[0], max: all.at(-1), samples: all.length,
      ...(t.flops ? { gflops: t.flops / median / 1e6 } : {}),
      ...(t.diff !== undefined ? { maxAbsDiff: t.diff } : {}),
    };
  });
}

/**
 * A module instance of its own ('simd' | 'scalar' | 'relaxed') for timing kernels alone: interleaved
 * with API calls, the shared instance would have its staged buffers overwritten, since every call
 * lays its memory out from the same heap base.
 */
export async function privateModule(build) {
  return new WasmModule(await instantiate(undefined, build));
}

/**
 * The kernels of one prepared call (an operation's `prepare` result), staged once in `module`'s
 * memory with `stage` (its WebAssembly staging): a function that runs them alone, again and again.
 */
export function kernelAlone(module, prepared, stage) {
  const { output } = prepared.allocate();
  return stageJob(module, { plan: prepared.plan, inputs: prepared.inputs, output, backends: { wasm: stage } }).run;
}

export const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** A Markdown table of rows, with `ratio` = median / median of the row named `baseline`. */
export function table(rows, baseline) {
  const base = rows.find((r) => r.name === baseline)?.median;
  const gf = rows.some((r) => r.gflops);
  const head = `| task | median ms | min-max ms | x ${baseline} |${gf ? ' GFLOP/s |' : ''}\n|---|---:|---:|---:|${gf ? '---:|' : ''}`;
  const lines = rows.map((r) => `| ${r.name} | ${fmt(r.median)} | ${fmt(r.min)}-${fmt(r.max)} | ${base ? (r.median / base).toFixed(2) : ''} |${gf ? ` ${r.gflops ? r.gflops.toFixed(1) : ''} |` : ''}`);
  return [head, ...lines].join('\n');
}

export function machine() {
  return `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/** Writes bench/results/<name>.json and .md; `scope` says what ran (default: one thread). */
export function save(name, sections, scope = 'Single thread.') {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.json`, dir), JSON.stringify({ machine: machine(), sections }, null, 2) + '\n');
  const md = [`# ${name} benchmark`, '', `Machine: ${machine()}. ${scope} Medians of tinybench samples taken in interleaved rounds (every task runs a slice of its time in each round, so all see the same machine load); ratios are within this run.`, '']
    .concat(sections.flatMap((s) => [`## ${s.title}`, '', s.note ? `${s.note}\n` : '', table(s.rows, s.baseline), '']));
  writeFileSync(new URL(`${name}.md`, dir), md.join('\n'));
}

/** A synthetic photograph, RGB bytes: gradients, a checker of soft edges, fine texture and noise. */
export function photoPixels(width, height, seed) {
  const data = Buffer.alloc(width * height * 3);
  let s = seed >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const noise = (s >>> 24) / 16 - 8;
      const u = x / width;
      const v = y / height;
      const i = 3 * (y * width + x);
      const edge = ((x >> 6) + (y >> 6) + seed) & 1 ? 30 : -30;
      data[i] = Math.max(0, Math.min(255, 128 + 100 * Math.sin(6 * u + 3 * v + seed) + 20 * Math.sin(x / 7) * Math.sin(y / 11) + noise));
      data[i + 1] = Math.max(0, Math.min(255, 100 + 80 * Math.cos(5 * v - 2 * u) + edge + noise));
      data[i + 2] = Math.max(0, Math.min(255, 90 + 90 * u * v + 25 * Math.sin(Math.hypot(x - width / 2, y - height / 2) / 9) + noise));
    }
  }
  return data;
}

/** A width x height RGBA image of pseudo-random bytes (colour and alpha). */
export function randomImage(width, height, seed = 1) {
  const data = new Uint8ClampedArray(width * height * 4);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width, height, channels: 4 };
}

export function randomTensor(shape, seed = 1) {
  let n = 1;
  for (const d of shape) n *= d;
  const data = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return { data, shape };
}

/** sharp on one thread with no cache (a peer timed single-threaded), or undefined where it does not load. */
export async function loadSharp() {
  try {
    const sharp = (await import('sharp')).default;
    sharp.concurrency(1);
    sharp.cache(false);
    return sharp;
  } catch (error) {
    console.warn(`sharp unavailable (${error.message})`);
    return undefined;
  }
}

/**
 * The folder of photos `npm run bench:cli` writes (out/bench-cli/photos), or BENCH_PHOTOS: the
 * codec benches read it rather than make their own.
 */
export function benchPhotosDir() {
  const dir = process.env.BENCH_PHOTOS ?? new URL('../out/bench-cli/photos', import.meta.url).pathname;
  if (!existsSync(dir)) throw new Error(`no photos at ${dir}: run \`npm run bench:cli\` once (it writes out/bench-cli/photos) or set BENCH_PHOTOS`);
  return dir;
}

/**
 * BENCH_BASELINE=<another built checkout> (e.g. main's, for a change's before and after in one run):
 * its directory, a label naming its commit (not the machine's path), and the URL (for a fresh
 * process's script) or import of one of its modules; undefined without it.
 */
export function baselineBuild() {
  const dir = process.env.BENCH_BASELINE && resolve(process.env.BENCH_BASELINE);
  if (!dir) return undefined;
  let commit = 'uncommitted';
  try {
    commit = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a git checkout: the label says so
  }
  const url = (rel) => pathToFileURL(join(dir, rel)).href;
  return { dir, label: `baseline at ${commit}`, url, import: (rel) => import(url(rel)) };
}
