// A worker pool: the same operations, asynchronous, split over threads that share one
// WebAssembly.Memory (a SharedArrayBuffer). The operations layer validates and plans each call at
// call time exactly as for the synchronous API; the scheduler (./scheduler.ts) stages it in the
// shared memory, cuts its kernel records into chunks and queues them for the workers.
// Where threads are unavailable (no SharedArrayBuffer, a page that is not cross-origin isolated,
// no SIMD) the pool runs the synchronous API on the calling thread: same results, one thread.

import { backendInfo, init, loadedModule } from '../init.js';
import { asyncOperations, type OperationTable } from '../ops.js';
import { wasmExecutor } from '../wasm/executor.js';
import { compile, engineHasRelaxedSimd, importsFor } from '../wasm/load.js';
import { WasmModule } from '../wasm/module.js';
import { allocResident } from '../wasm/resident.js';
import { closeOptions, poolSettings, type Pool, type PoolOperations, type PoolOptions } from './options.js';
import { CONTROL_INTS } from './protocol.js';
import { Scheduler, type WaitAsync } from './scheduler.js';
import { startWorker } from './workers.js';

export type { Pool, PoolCallOptions, PoolCloseOptions, PoolOperations, PoolOptions } from './options.js';
export { workerExecArgv } from './workers.js';
export { threadsAvailable } from './options.js';

const PAGE = 65536;
/** Atomics.waitAsync (ES2024; Node 16+, Chrome 87+), typed here for the ES2022 library; read when a pool starts. */
const findWaitAsync = (): WaitAsync | undefined => (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

/** Starts a pool of workers sharing one memory (or the one-thread fallback) running `table`'s operations. */
export async function startPool(table: OperationTable, options?: PoolOptions): Promise<Pool> {
  const settings = await poolSettings(options);
  if (!settings.shared) return fallbackPool(table, settings.timeout);
  const { threads, spin } = settings;
  const build = settings.build ?? (backendInfo()?.build === 'relaxed' || (!backendInfo() && engineHasRelaxedSimd()) ? 'relaxed' : 'simd');
  const memory = new WebAssembly.Memory({ initial: 16, maximum: Math.floor(settings.maximumMemory / PAGE), shared: true });
  const compiled = await compile(settings.wasm as Parameters<typeof compile>[0], build, true);
  const module = new WasmModule(await WebAssembly.instantiate(compiled, importsFor(memory)));
  module.maximumMemory = settings.maximumMemory; // the shared memory's maximum: larger calls run in tiles
  // Jobs through shared memory where the main thread can wait for them without blocking.
  const wait = findWaitAsync();
  const control = typeof wait === 'function' ? module.heap.allocate(threads * CONTROL_INTS * 4).ptr : undefined;
  if (control !== undefined) module.i32(control, threads * CONTROL_INTS).fill(0);
  const workers = await Promise.all(Array.from({ length: threads }, (_, i) =>
    startWorker(settings.worker, { module: compiled, memory, spin, control: control === undefined ? undefined : control + i * CONTROL_INTS * 4 })));
  const scheduler = new Scheduler(module, memory, workers, control === undefined ? undefined : { control, wait: wait!, spin });
  scheduler.defaultTimeout = settings.timeout;
  if (!settings.callerJoins) scheduler.sizing.callerWork = -1;
  let closing: Promise<void> | undefined;
  const pool: Pool = {
    ...(asyncOperations(table, scheduler) as unknown as PoolOperations),
    threads,
    shared: true,
    build: module.relaxedSimd ? 'relaxed' : 'simd',
    get memoryBytes() { return module.memoryBytes; },
    allocTensor(shape, data) {
      scheduler.ready();
      return allocResident(module, shape, data);
    },
    async close(options) {
      if (!closeOptions(options).force) return closing ??= scheduler.close();
      scheduler.closed = true;
      return scheduler.terminate(new Error('this pool is closed (close({ force: true }) terminated its workers)'));
    },
  };
  // For tests: the workers, the calls in flight, the sizing rule, the threads the last call ran
  // on and the worker they started from (settable), and the chunks this thread ran (not
  // enumerable, not part of the Pool type).
  return Object.defineProperties(pool, {
    workers: { value: workers }, flights: { value: scheduler.flights }, sizing: { value: scheduler.sizing },
    lastThreads: { get: () => scheduler.lastThreads },
    lastJoined: { get: () => scheduler.lastJoined },
    joinedCalls: { get: () => scheduler.joinedCalls },
    callerChunks: { get: () => scheduler.callerChunks },
    lastFirst: { get: () => scheduler.lastFirst, set: (first: number) => { scheduler.lastFirst = first; } },
  });
}

/** One thread, the synchronous API behind Promises: where workers cannot share memory. */
async function fallbackPool(table: OperationTable, defaultTimeout: number | undefined): Promise<Pool> {
  if (!backendInfo()) await init(); // never switch a build the caller chose
  let closed = false;
  const executor = wasmExecutor(loadedModule);
  const ops = asyncOperations(table, {
    ready: () => {
      if (closed) throw new Error('this pool is closed');
    },
    admit: executor.admit,
    defaultTimeout,
    run: async (job) => executor.run(job), // synchronous: started as called, so only an abort before it counts
  });
  return {
    ...(ops as unknown as PoolOperations),
    threads: 1,
    shared: false,
    get build() { return backendInfo()!.build; },
    get memoryBytes() { return loadedModule().memoryBytes; },
    allocTensor: (shape, data) => {
      if (closed) throw new Error('this pool is closed');
      return allocResident(loadedModule(), shape, data);
    },
    close: async (options) => {
      closeOptions(options);
      closed = true;
    },
  };
}
