// The synchronous WebAssembly executor: a job is staged in the module's linear memory (its
// backend's `wasm` staging), its kernel records run in order, and the result is copied out
// unless the output is a resident tensor written in place.

import { invoke } from '../kernels.js';
import type { Job, OutputArray, SyncExecutor } from '../ops.js';
import type { WasmModule } from './module.js';

/** A job staged in memory: `run` runs its kernels (again and again, for benchmarks), the output lands at `dst`. */
export interface StagedJob {
  run(): void;
  dst: number;
  /** Whether the output is a resident tensor, written in place. */
  inPlace: boolean;
}

/** The address of `output` when it is a resident tensor of `module`, else -1. */
export function residentTarget(module: WasmModule, output: OutputArray): number {
  return output instanceof Float32Array ? module.residentPointer(output) : -1;
}

export function stageJob(module: WasmModule, job: Job): StagedJob {
  const target = residentTarget(module, job.output);
  const layout = module.layout();
  const { calls, dst } = job.backends.wasm(layout, job.plan, job.inputs, job.output.length, target);
  layout.commit();
  const kernels = module.kernels;
  return { dst, inPlace: target >= 0, run: () => { for (const c of calls) invoke(kernels, c); } };
}

/** A view of `like.length` elements at `ptr`, of the same type as `like`. */
export function viewLike(module: WasmModule, like: OutputArray, ptr: number): OutputArray {
  const View = like.constructor as new (buffer: ArrayBufferLike, offset: number, length: number) => OutputArray;
  return new View(module.memory.buffer, ptr, like.length);
}

/** Runs a job on `module` and leaves the result in `job.output`. */
export function runJob(module: WasmModule, job: Job): void {
  const staged = stageJob(module, job);
  staged.run();
  if (!staged.inPlace) job.output.set(viewLike(module, job.output, staged.dst) as never);
}

/** The executor of the operations on one module (`module()` throws until it is loaded). */
export function wasmExecutor(module: () => WasmModule): SyncExecutor {
  return {
    ready: () => void module(),
    run: (job) => runJob(module(), job),
  };
}
