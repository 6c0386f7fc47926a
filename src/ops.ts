// The operations layer: every public operation is written once, as an entry of the operation
// table (src/index.ts), and bound here to an executor. An entry's `prepare` reads the caller's
// objects once, validates that snapshot and plans the call; then the executor runs the job:
//
//   synchronous WebAssembly (src/wasm/executor.ts)  stage in linear memory, run the kernel records
//   plain JS (src/js/executor.ts)                   run the JS loops on the arrays
//   the worker pool (src/pool/scheduler.ts)         stage in shared memory, split, queue, await
//
// so validation, size checks, `out` and resident tensors behave the same on every path.

import { takeCallOptions, type CallControl } from './pool/call.js';
import type { TensorData } from './dtype.js';
import type { Layout } from './wasm/module.js';
import type { Staged } from './wasm/staged.js';
import { pendingOutput, type Tiling } from './tiling/plan.js';
import { checkUnchanged } from './tensor.js';

/** The arrays a result is written into: tensors of any element type, 8-bit images, 8- or 16-bit labels and masks. */
export type OutputArray = TensorData;

/** How one kind of call runs on each backend: staging for WebAssembly, loops for plain JS. */
export interface Backends<P, I> {
  /** Reserves the call's buffers in `layout` and returns its kernel calls; `target`: a resident output's address, or -1. */
  wasm(layout: Layout, plan: P, inputs: I, outputLength: number, target: number): Staged;
  js(plan: P, inputs: I, output: never): void;
  /** How the plan splits into tiles when its buffers do not fit the memory budget (none: it runs whole). */
  tiling?: Tiling<P, I>;
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
  /** Elements of the result (known before it is allocated, for the executors' size checks). */
  outputLength: number;
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

/** Refuses (RangeError) a job that could not run even in tiles; its output is not allocated yet (see pendingOutput). */
type Admit = (job: Job) => void;

export interface SyncExecutor {
  /** Throws when the executor cannot run (no module loaded); called after validation, before allocation. */
  ready(): void;
  admit?: Admit;
  run(job: Job): void;
}

export interface AsyncExecutor {
  /** Throws when the executor takes no more calls (a closed or failed pool); called before validation. */
  ready(): void;
  admit?: Admit;
  /** Milliseconds after which a call that gives no `timeout` of its own rejects (the pool's `timeout`). */
  readonly defaultTimeout?: number;
  /** Runs the job in call order; resolves once `job.output` holds the result; rejects when `control` aborts first. */
  run(job: Job, control: CallControl | undefined): Promise<void>;
}

function bind<T extends OperationTable, F>(table: T, make: (spec: OperationSpec<unknown[], unknown>, name: string) => F): { [K in keyof T]: F } {
  const ops = {} as { [K in keyof T]: F };
  for (const name of Object.keys(table) as Array<keyof T & string>) ops[name] = make(table[name] as unknown as OperationSpec<unknown[], unknown>, name);
  return ops;
}

/** Binds every operation of `table` to a synchronous executor. */
export function operations<T extends OperationTable>(table: T, executor: SyncExecutor): SyncOperations<T> {
  return bind(table, (spec) => (...args: unknown[]) => {
    const { plan, inputs, outputLength, allocate } = spec.prepare(...args);
    checkUnchanged(Object.values(inputs as object)); // every caller object has been read by now
    executor.ready();
    executor.admit?.({ plan, inputs, output: pendingOutput(outputLength), backends: spec.backends });
    const { output, result } = allocate();
    checkUnchanged([output]);
    if (output.length > 0) executor.run({ plan, inputs, output, backends: spec.backends });
    return result;
  }) as SyncOperations<T>;
}

/**
 * Binds every operation of `table` to an asynchronous executor (the pool): validation happens at
 * call time. The pool's per-call options (`signal`, `timeout`) come in the options object, every
 * operation's last parameter, and are taken out before `prepare` validates it.
 */
export function asyncOperations<T extends OperationTable>(table: T, executor: AsyncExecutor): AsyncOperations<T> {
  return bind(table, (spec, name) => (...argsIn: unknown[]) => {
    let job: Job;
    let result: unknown;
    let control: CallControl | undefined;
    try {
      executor.ready();
      const call = takeCallOptions(argsIn, spec.prepare.length - 1, name, executor.defaultTimeout);
      control = call.control;
      const { plan, inputs, outputLength, allocate } = spec.prepare(...call.args);
      checkUnchanged(Object.values(inputs as object)); // every caller object has been read by now
      control?.throwIfAborted();
      executor.admit?.({ plan, inputs, output: pendingOutput(outputLength), backends: spec.backends });
      const allocated = allocate();
      checkUnchanged([allocated.output]);
      result = allocated.result;
      job = { plan, inputs, output: allocated.output, backends: spec.backends };
    } catch (error) {
      control?.dispose();
      return Promise.reject(error);
    }
    if (job.output.length === 0) {
      control?.dispose();
      return Promise.resolve(result);
    }
    return executor.run(job, control).then(() => {
      control?.dispose();
      return result;
    }, (error: unknown) => {
      control?.dispose();
      throw error;
    });
  }) as AsyncOperations<T>;
}
