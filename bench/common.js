// Shared benchmark plumbing: run tinybench tasks, print a table of medians and ratios, and write
// JSON + Markdown to bench/results/. Ratios only mean something within one run.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Bench } from 'tinybench';

export const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 700);

/** Runs tasks ({ name, fn, flops? }) and returns rows with median/min/max in ms. */
export async function measure(tasks, { time = TIME_MS } = {}) {
  const bench = new Bench({ time, warmupTime: 150, warmupIterations: 3, iterations: 10 });
  for (const t of tasks) bench.add(t.name, t.fn);
  await bench.run();
  return bench.tasks.map((task, i) => {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state} ${r.error ?? ''}`);
    return { name: task.name, median: r.latency.p50, min: r.latency.min, max: r.latency.max, samples: r.latency.samples?.length ?? r.totalTime, ...(tasks[i].flops ? { gflops: tasks[i].flops / r.latency.p50 / 1e6 } : {}) };
  });
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

/** Writes bench/results/<name>.json and .md. */
export function save(name, sections) {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.json`, dir), JSON.stringify({ machine: machine(), sections }, null, 2) + '\n');
  const md = [`# ${name} benchmark`, '', `Machine: ${machine()}. Single thread. Medians of tinybench runs; ratios are within this run.`, '']
    .concat(sections.flatMap((s) => [`## ${s.title}`, '', s.note ? `${s.note}\n` : '', table(s.rows, s.baseline), '']));
  writeFileSync(new URL(`${name}.md`, dir), md.join('\n'));
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
