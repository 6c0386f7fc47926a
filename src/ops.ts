// The operations layer: every public operation is written once, as an entry of the operation
// table (src/index.ts), and bound here to an executor. An entry's `prepare` reads the caller's
// objects once, validates that snapshot and plans the call; then the executor runs the job:
//
//   synchronous WebAssembly (src/wasm/executor.ts)  stage in linear memory, run the kernel records
//   plain JS (src/js/executor.ts)                   run the JS loops on the arrays
//   the worker pool (src/pool/scheduler.ts)         stage in shared memory, split, queue, await
//
// so validation, size checks, `out` and resident tensors behave the same on every path.

import type { Layout } from './wasm/module.js';
import type { Staged } from './wasm/staged.js';

/** The arrays a result is written into: float tensors, 8-bit images, 8- or 16-bit labels and masks. */
export type OutputArray = Float32Array | Uint8ClampedArray | Uint8Array | Uint16Array;

/** How one kind of call runs on each backend: staging for WebAssembly, loops for plain JS. */
export interface Backends<P, I> {
  /** Reserves the call's buffers in `layout` and returns its kernel calls; `target`: a resident output's address, or -1. */
  wasm(layout: Layout, plan: P, inputs: I, outputLength: number, target: number): Staged;
  js(plan: P, inputs: I, output: never): void;
}

/** A validated call, ready to run: its plan, the arrays it reads and the array it writes. */
export interface Job<P = unknown, I = unknown> {
  plan: P;
  inputs: I;
  output: OutputArray;
  backends: Backends<P, I>;
}

/**
 * What `prepare` returns: the plan and inputs (validated), and `allocate`, which makes the
 * result (or takes the caller's `out`) once the executor is known to be ready.
 */
export interface Prepared<R, P, I> {
  plan: P;
  inputs: I;
  allocate(): { output: OutputArray; result: R };
}

export interface OperationSpec<A extends unknown[], R> {
  prepare(...args: A): Prepared<R, unknown, unknown>;
  backends: Backends<unknown, unknown>;
}

/** An operation table entry: `prepare` validates and plans, `backends` run the plan. */
export function operation<A extends unknown[], R, P, I>(prepare: (...args: A) => Prepared<R, P, I>,
                                                         backends: Backends<P, I>): OperationSpec<A, R> {
  return { prepare, backends } as unknown as OperationSpec<A, R>;
}

export type OperationTable = Record<string, OperationSpec<never[], unknown>>;

type Args<S> = S extends OperationSpec<infer A, unknown> ? A : never;
type Result<S> = S extends OperationSpec<never[], infer R> ? R : never;

/** The table's operations, synchronous. */
export type SyncOperations<T> = { [K in keyof T]: (...args: Args<T[K]>) => Result<T[K]> };
/** The table's operations, returning Promises (refusals reject). */
export type AsyncOperations<T> = { [K in keyof T]: (...args: Args<T[K]>) => Promise<Result<T[K]>> };

export interface SyncExecutor {
  /** Throws when the executor cannot run (no module loaded); called after validation, before allocation. */
  ready(): void;
  run(job: Job): void;
}

export interface AsyncExecutor {
  /** Throws when the executor takes no more calls (a closed or failed pool); called before validation. */
  ready(): void;
  /** Runs the job in call order; resolves once `job.output` holds the result. */
  run(job: Job): Promise<void>;
}

function bind<T extends OperationTable, F>(table: T, make: (spec: OperationSpec<unknown[], unknown>) => F): { [K in keyof T]: F } {
  const ops = {} as { [K in keyof T]: F };
  for (const name of Object.keys(table) as Array<keyof T>) ops[name] = make(table[name] as unknown as OperationSpec<unknown[], unknown>);
  return ops;
}

/** Binds every operation of `table` to a synchronous executor. */
export function operations<T extends OperationTable>(table: T, executor: SyncExecutor): SyncOperations<T> {
  return bind(table, (spec) => (...args: unknown[]) => {
    const { plan, inputs, allocate } = spec.prepare(...args);
    executor.ready();
    const { output, result } = allocate();
    if (output.length > 0) executor.run({ plan, inputs, output, backends: spec.backends });
    return result;
  }) as SyncOperations<T>;
}

/** Binds every operation of `table` to an asynchronous executor (the pool): validation happens at call time. */
export function asyncOperations<T extends OperationTable>(table: T, executor: AsyncExecutor): AsyncOperations<T> {
  return bind(table, (spec) => (...args: unknown[]) => {
    let job: Job;
    let result: unknown;
    try {
      executor.ready();
      const { plan, inputs, allocate } = spec.prepare(...args);
      const allocated = allocate();
      result = allocated.result;
      job = { plan, inputs, output: allocated.output, backends: spec.backends };
    } catch (error) {
      return Promise.reject(error);
    }
    return job.output.length > 0 ? executor.run(job).then(() => result) : Promise.resolve(result);
  }) as AsyncOperations<T>;
}
