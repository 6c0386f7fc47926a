// The synchronous WebAssembly executor: a job is staged in the module's linear memory (its
// backend's `wasm` staging), its kernel records run in order, and the result is copied out
// unless the output is a resident tensor written in place.

import { bytesOf } from '../dtype.js';
import { invoke } from '../kernels.js';
import type { Job, OutputArray, SyncExecutor } from '../ops.js';
import { checkSmallestTile, tiles } from '../tiling/plan.js';
import { runsEnd, runsLength, unpackRuns, type Runs } from '../tiling/runs.js';
import { MAX_BYTES, type Layout, type WasmModule } from './module.js';
import type { Staged } from './staged.js';

/** A job staged in memory: `run` runs its kernels (again and again, for benchmarks), the output lands at `dst`. */
export interface StagedJob {
  run(): void;
  dst: number;
  /** A band's output runs, packed at `dst` (see Staged). */
  runs?: Runs;
  /** The output's address when it is a resident tensor (then written in place, unless in runs), else -1. */
  target: number;
}

/** The address of `output` when it is a resident tensor of `module`, else -1. */
export function residentTarget(module: WasmModule, output: OutputArray): number {
  return output instanceof Float32Array ? module.residentPointer(output) : -1;
}

/** The job's buffers reserved (nothing written yet): `layout.top` is where they end. */
function reserve(module: WasmModule, job: Job): { layout: Layout; staged: Staged; target: number } {
  const target = residentTarget(module, job.output);
  const layout = module.layout();
  return { layout, staged: job.backends.wasm(layout, job.plan, job.inputs, job.output.length, target), target };
}

function commit(module: WasmModule, { layout, staged: { calls, dst, runs }, target }: ReturnType<typeof reserve>): StagedJob {
  layout.commit();
  const kernels = module.kernels;
  return { dst, runs, target, run: () => { for (const c of calls) invoke(kernels, c); } };
}

export function stageJob(module: WasmModule, job: Job): StagedJob {
  return commit(module, reserve(module, job));
}

function finish(module: WasmModule, job: Job, staged: StagedJob): void {
  staged.run();
  copyOut(module, job.output, staged);
}

/**
 * Copies a staged output out of memory into `output`: whole (of the output's own type, half floats
 * as their bits), or a band's packed runs (of that type too) into their places; nothing when it
 * was written in place.
 * A resident output is written at `target`: staging may have grown the memory, which detaches
 * views taken before.
 */
export function copyOut(module: WasmModule, output: OutputArray, { dst, runs, target }: { dst: number; runs?: Runs; target: number }): void {
  if (dst === target) return;
  if (runs) {
    // The packed runs are of the output's own type (a band's labels: 8- or 16-bit).
    const into = target >= 0 ? module.f32(target, runsEnd(runs)) : output;
    const View = into.constructor as new (buffer: ArrayBufferLike, at: number, length: number) => OutputArray;
    unpackRuns(new View(module.memory.buffer, dst, runsLength(runs)), runs, into);
  } else if (output instanceof Float32Array) {
    output.set(module.f32(dst, output.length));
  } else {
    bytesOf(output).set(new Uint8Array(module.memory.buffer, dst, output.byteLength));
  }
}

/**
 * Runs a job on `module` and leaves the result in `job.output`: whole when its buffers end within
 * the module's budget, else tile by tile (each copied in, computed and copied out in turn).
 */
export function runJob(module: WasmModule, job: Job): void {
  const limit = module.scratchLimit();
  const whole = reserve(module, job);
  if (whole.layout.top <= limit || !job.backends.tiling) {
    finish(module, job, commit(module, whole));
    return;
  }
  const live = liveViews(module, job);
  for (const tile of tiles(live, (t) => reserve(module, t).layout.top <= limit, module.maximumMemory)) finish(module, tile, stageJob(module, tile));
}

type View = ArrayBufferView & { length: number };

/**
 * The job with its arrays that live in this module's memory (resident tensors) taken afresh at
 * each read: tiles are cut from them one after another, and staging a tile may grow the memory,
 * which detaches the views taken before (their addresses stay).
 */
function liveViews(module: WasmModule, job: Job): Job {
  const buffer = module.memory.buffer;
  const again = (v: unknown): (() => unknown) | undefined => {
    if (!ArrayBuffer.isView(v) || v.buffer !== buffer) return undefined;
    const { byteOffset, length } = v as View;
    const View = v.constructor as new (b: ArrayBufferLike, o: number, n: number) => View;
    return () => new View(module.memory.buffer, byteOffset, length);
  };
  const inputs = Object.entries(job.inputs as Record<string, unknown>).map(([k, v]) => [k, v, again(v)] as const);
  const output = again(job.output);
  if (!output && inputs.every(([, , take]) => !take)) return job;
  return {
    plan: job.plan,
    backends: job.backends,
    get inputs() {
      return Object.fromEntries(inputs.map(([k, v, take]) => [k, take ? take() : v]));
    },
    get output() {
      return (output ? output() : job.output) as OutputArray;
    },
  };
}

/**
 * Refuses a call that could not run within 2 GiB of linear memory even in tiles (a call whose
 * arrays are small is let through without staging it twice).
 */
export function admitJob(module: WasmModule, job: Job, limit = MAX_BYTES): void {
  if (arrayBytes(job) < limit / 2) return;
  checkSmallestTile(job, (t) => reserve(module, t).layout.top, limit, module.maximumMemory);
}

/** Bytes of a job's arrays staged as float32 (an upper bound for 8-bit images): a cheap first look before staging. */
export function arrayBytes(job: Job): number {
  return Object.values(job.inputs as Record<string, unknown>)
    .reduce<number>((n, v) => n + (ArrayBuffer.isView(v) ? (v as unknown as { length: number }).length * 4 : 0), job.output.length * 4);
}

/** The executor of the operations on one module (`module()` throws until it is loaded). */
export function wasmExecutor(module: () => WasmModule): SyncExecutor {
  return {
    ready: () => void module(),
    admit: (job) => admitJob(module(), job),
    run: (job) => runJob(module(), job),
  };
}
