// The pool's options and public type, their validation, and whether this engine can run threads.

import type { TableOperations } from '../index.js';
import type { TensorData } from '../dtype.js';
import type { Tensor, TensorInput } from '../tensor.js';
import type { TypedName } from '../typed.js';
import { readOptions } from '../tensor.js';
import { MAX_TIMEOUT_MS } from './call.js';
import { engineHasRelaxedSimd, engineHasSimd, type SharedBuild } from '../wasm/load.js';
import type { ResidentTensor } from '../wasm/resident.js';

export interface PoolOptions {
  /** Worker threads; default: the number of logical cores (at most 16). */
  threads?: number;
  /** Bytes the shared memory may grow to (reserved up front by some engines); default 1 GiB. */
  maximumMemory?: number;
  /** Where to load the shared-memory build from instead of build/simd-shared.wasm beside the package. */
  wasm?: WebAssembly.Module | BufferSource | URL | string;
  /** Where to load the worker script from instead of pool/worker.js beside this file (bundlers). */
  worker?: URL | string;
  /** false: run on the calling thread even where workers could share memory (the fallback). */
  shared?: boolean;
  /**
   * The shared-memory build: 'relaxed' (fused multiply-add) or 'simd'. Default: the build the
   * synchronous API runs (after init()), else the one init() would pick; so results match it.
   */
  build?: 'relaxed' | 'simd';
  /**
   * Milliseconds the worker that finished a call keeps polling for the next before it sleeps;
   * default 0.2. Polling spends CPU time between calls, but waking a sleeping worker can take
   * 50-150 µs (on virtual machines whose idle cores halt), which calls of a millisecond or two
   * feel. The call's other workers sleep at once, and the polling one too once the calling thread
   * has not heard of the end 0.05 ms after (their polls held cores that the call's last chunks and
   * the caller needed on a busy machine). 0: sleep at once.
   */
  spin?: number;
  /**
   * Default true: a call of a few milliseconds (at most 1e8 multiply-adds, such as a bicubic 2x
   * of 3 x 512 x 512 or a 32-channel transposed convolution of 64 x 64) runs on the calling thread
   * too, as one of its `threads`: it claims chunks beside the workers from the start, where a
   * woken worker joins 50-350 µs later, so the call takes about its work divided by the threads.
   * Not while later calls wait to be staged (a burst): the calling thread stages them instead,
   * so that they overlap on the workers.
   * The calling thread is blocked meanwhile, for its share (a few ms at most); in a one-thread
   * pool such calls run on it alone. false: the calling thread only waits for the workers (a
   * page's main thread that must stay free), at the cost of that latency; calls too small to be
   * worth a wake-up (under 2e6 multiply-adds, about 0.15 ms) run on it either way.
   */
  callerJoins?: boolean;
  /**
   * Milliseconds after which a call that gives no `timeout` of its own rejects with a
   * `TimeoutError` (PoolCallOptions.timeout); default none. A service sets it so that no call,
   * even one queued behind a stuck worker, waits for ever.
   */
  timeout?: number;
}

/**
 * Per-call options of the pool's operations, given in the operation's options object (the
 * synchronous API and `js` refuse them as unknown). A signal that is not an AbortSignal is a
 * TypeError, a timeout that is not a number a TypeError, outside (0, 2^31 - 1] a RangeError.
 */
export interface PoolCallOptions {
  /**
   * Aborts the call: it rejects with `signal.reason` at once (already aborted: at the call). A
   * call that has not started never runs, nor do the chunks of its job no worker has claimed.
   * Kernels already running cannot be interrupted: they finish in the background and the result
   * is dropped (a resident `out` may be partly written). If the workers then finish no chunk of
   * any call for 1 s, they are taken for stuck and terminated, and the pool fails (every pending
   * and later call rejects; create a new pool).
   */
  signal?: AbortSignal;
  /**
   * Milliseconds from the call (queueing included) until it rejects with a `TimeoutError`
   * DOMException, as if aborted then (see signal).
   */
  timeout?: number;
}

/** The index of a parameter list's last parameter (every operation's options object). */
type LastIndex<A extends unknown[]> = Required<A> extends [...infer Head, unknown] ? Head['length'] : never;
type WithCallOptions<O> = O extends object ? O & PoolCallOptions : O;
/** The parameters with the pool's per-call options added to the options object. */
type PoolParameters<A extends unknown[]> = { [I in keyof A]: I extends `${LastIndex<A>}` ? WithCallOptions<A[I]> : A[I] };
type Rest<F> = F extends (input: never, ...rest: infer R) => unknown ? R : never;
type Async<F> = F extends (...args: infer A) => infer R ? (...args: PoolParameters<A>) => Promise<R> : never;

/**
 * The operations of the package root, returning Promises (refusals reject). Each options object
 * also takes `signal` and `timeout` (PoolCallOptions), e.g. `pool.interpolate(x, { size, signal })`.
 */
export type PoolOperations = {
  [K in keyof TableOperations]: K extends TypedName
    ? <D extends TensorData = Float32Array>(input: TensorInput<D>, ...rest: PoolParameters<Rest<TableOperations[K]>>) => Promise<Tensor<D>>
    : Async<TableOperations[K]>;
};

export interface Pool extends PoolOperations {
  /** Threads that run kernels (1 when falling back to the calling thread). */
  readonly threads: number;
  /** Whether workers share memory (false: the fallback runs on the calling thread). */
  readonly shared: boolean;
  /** The build the pool runs: 'relaxed', 'simd', or in the fallback the synchronous API's. */
  readonly build: 'relaxed' | 'simd' | 'scalar';
  /**
   * A tensor in the pool's memory, used in place by the pool's operations (see allocTensor). Do
   * not read or write it while an operation that uses it is pending.
   */
  allocTensor(shape: number[], data?: ArrayLike<number>): ResidentTensor;
  /** Bytes of memory the pool holds. */
  readonly memoryBytes: number;
  /**
   * Stops the workers; later calls reject. Pending operations finish first (a stuck worker keeps
   * this pending forever); with `{ force: true }` the workers are terminated at once, stuck or
   * not, and pending operations reject.
   */
  close(options?: PoolCloseOptions): Promise<void>;
}

export interface PoolCloseOptions {
  /** Terminate the workers now instead of waiting for pending calls (which then reject). */
  force?: boolean;
}

/** close()'s options, checked. */
export function closeOptions(optionsArg: PoolCloseOptions | undefined): PoolCloseOptions {
  const options = readOptions(optionsArg, ['force'], 'close');
  if (options.force !== undefined && typeof options.force !== 'boolean') {
    throw new TypeError(`close: force must be a boolean, but got ${String(options.force)}`);
  }
  return options;
}

const POOL_OPTIONS = ['threads', 'maximumMemory', 'wasm', 'worker', 'shared', 'build', 'spin', 'callerJoins', 'timeout'] as const;
const MAX_SPIN_MS = 1000;
const DEFAULT_SPIN_MS = 0.2;
const PAGE = 65536;
const MAX_THREADS = 64;
const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** PoolOptions checked, with defaults. */
export interface PoolSettings {
  threads: number;
  maximumMemory: number;
  spin: number;
  callerJoins: boolean;
  /** Every call's timeout unless it gives its own (PoolOptions.timeout). */
  timeout: number | undefined;
  /** false: the fallback on the calling thread. */
  shared: boolean;
  build: SharedBuild | undefined;
  wasm: PoolOptions['wasm'];
  worker: PoolOptions['worker'];
}

export async function poolSettings(optionsArg: PoolOptions | undefined): Promise<PoolSettings> {
  const options = readOptions(optionsArg, POOL_OPTIONS, 'createPool');
  const threads = options.threads ?? await defaultThreads();
  if (typeof threads !== 'number') throw new TypeError(`createPool: threads must be a number, but got ${typeof threads}`);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RangeError(`createPool: threads must be an integer in [1, ${MAX_THREADS}], but got ${threads}`);
  }
  const maximumMemory = options.maximumMemory ?? 2 ** 30;
  if (typeof maximumMemory !== 'number' || !(maximumMemory >= PAGE && maximumMemory <= 2 ** 31)) {
    throw new RangeError(`createPool: maximumMemory must be a byte count in [${PAGE}, ${2 ** 31}], but got ${String(maximumMemory)}`);
  }
  if (options.shared !== undefined && typeof options.shared !== 'boolean') {
    throw new TypeError(`createPool: shared must be a boolean, but got ${String(options.shared)}`);
  }
  if (options.build !== undefined && options.build !== 'relaxed' && options.build !== 'simd') {
    throw new TypeError(`createPool: build must be 'relaxed' or 'simd', but got ${String(options.build)}`);
  }
  if (options.build === 'relaxed' && !engineHasRelaxedSimd()) {
    throw new Error('createPool: this engine does not support WebAssembly relaxed SIMD');
  }
  const spin = options.spin ?? DEFAULT_SPIN_MS;
  if (typeof spin !== 'number' || !(spin >= 0 && spin <= MAX_SPIN_MS)) {
    throw new RangeError(`createPool: spin must be milliseconds in [0, ${MAX_SPIN_MS}], but got ${String(options.spin)}`);
  }
  if (options.callerJoins !== undefined && typeof options.callerJoins !== 'boolean') {
    throw new TypeError(`createPool: callerJoins must be a boolean, but got ${String(options.callerJoins)}`);
  }
  const timeout = options.timeout;
  if (timeout !== undefined) {
    if (typeof timeout !== 'number') throw new TypeError(`createPool: timeout must be a number of milliseconds, but got ${typeof timeout}`);
    if (!(timeout > 0 && timeout <= MAX_TIMEOUT_MS)) {
      throw new RangeError(`createPool: timeout must be milliseconds in (0, ${MAX_TIMEOUT_MS}], but got ${timeout}`);
    }
  }
  return {
    threads, maximumMemory, spin, callerJoins: options.callerJoins !== false, timeout, shared: options.shared !== false && threadsAvailable(), build: options.build,
    wasm: options.wasm, worker: options.worker,
  };
}

/** SharedArrayBuffer, shared WebAssembly memory, SIMD and workers; in pages, cross-origin isolation. */
export function threadsAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || !engineHasSimd()) return false;
  if (!isNode && (typeof Worker === 'undefined' || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false)) return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

async function defaultThreads(): Promise<number> {
  let cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (!cores && isNode) {
    const name = 'node:os';
    const os = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as typeof import('node:os');
    cores = os.availableParallelism?.() ?? os.cpus().length;
  }
  return Math.max(1, Math.min(16, cores || 1));
}
