// A worker pool: the same operations, asynchronous, split over threads that share one
// WebAssembly.Memory (a SharedArrayBuffer). The main thread validates, plans and stages each call
// exactly as the synchronous API does (src/wasm/*.ts), on a module whose kernels only record their
// calls; the recorded work call is then cut into independent chunks (./split.ts) that the workers
// claim one after another.
// Where threads are unavailable (no SharedArrayBuffer, a page that is not cross-origin isolated,
// no SIMD) the pool runs the synchronous API on the calling thread: same results, one thread.

import { planConv, type ConvOptions, type ConvTransposeOptions } from '../conv.js';
import { backendInfo, init, loadedModule } from '../init.js';
import { planCache } from '../interpolate.js';
import { operations, type Operations } from '../ops.js';
import { planShuffle, type ShuffleOptions } from '../shuffle.js';
import { checkOptionNames, resultTensor, type Tensor } from '../tensor.js';
import { stageConv } from '../wasm/conv.js';
import { wasmBackend } from '../wasm/index.js';
import { stageInterpolate } from '../wasm/interpolate.js';
import { engineHasRelaxedSimd, engineHasSimd, Layout, LayoutLimitError, WasmModule } from '../wasm/module.js';
import { allocResident, type Block, type ResidentTensor } from '../wasm/resident.js';
import { claimOrder, splitCall } from './split.js';
import { type InitMessage, CONTROL_INTS, encodeQueue, fence, JOB_SLOTS, jobSlot, QUEUE_CHUNKS, QUEUE_FAILED, QUEUE_PENDING, REQUEST, STOP, type Stage,
  type KernelCall, type ReplyMessage } from './protocol.js';

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
   * Milliseconds a worker keeps polling for its next job before it sleeps; default 0.2. Polling
   * spends CPU time between calls, but waking a sleeping worker can take 50-150 µs (on virtual
   * machines whose idle cores halt), which calls of a millisecond or two feel. 0: sleep at once.
   * Longer polls keep a core that the main thread may need between calls.
   */
  spin?: number;
}

type Async<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;
type TensorOperation = 'interpolate' | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d' |
  'conv1d' | 'conv2d' | 'conv3d' | 'pixelShuffle' | 'pixelUnshuffle';

/** The tensor operations of the package root, returning Promises (refusals reject). */
export type PoolOperations = { [K in TensorOperation]: Async<Operations[K]> };

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
  /** Stops the workers; pending operations finish first, later calls reject. */
  close(): Promise<void>;
}

const POOL_OPTIONS = ['threads', 'maximumMemory', 'wasm', 'worker', 'shared', 'build', 'spin'] as const;
const MAX_SPIN_MS = 1000;
const DEFAULT_SPIN_MS = 0.2;
const PAGE = 65536;
const MAX_THREADS = 64;
/**
 * Chunks per worker in a shared-memory call (fewer where units are few or scratch large, see
 * splitCall): enough that a worker preempted on a busy machine delays the call by a small chunk,
 * not by half the work; few enough that per-chunk setup stays small.
 */
const CHUNKS_PER_WORKER = 4;
const isNode = typeof process !== 'undefined' && !!process.versions?.node;
type WaitAsync = (array: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
/** Atomics.waitAsync (ES2024; Node 16+, Chrome 87+), typed here for the ES2022 library; read when a pool starts. */
const findWaitAsync = (): WaitAsync | undefined => (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

/** Starts a pool of `threads` workers sharing one memory (or the one-thread fallback). */
export async function createPool(options: PoolOptions = {}): Promise<Pool> {
  if (options === null || typeof options !== 'object') throw new TypeError('createPool: options must be an object');
  checkOptionNames(options, POOL_OPTIONS, 'createPool');
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
  if (options.shared === false || !threadsAvailable()) return fallbackPool();
  const build = options.build ?? (backendInfo()?.build === 'relaxed' || (!backendInfo() && engineHasRelaxedSimd()) ? 'relaxed' : 'simd');
  const memory = new WebAssembly.Memory({ initial: 16, maximum: Math.floor(maximumMemory / PAGE), shared: true });
  const compiled = await compileShared(options.wasm, build);
  const instance = await WebAssembly.instantiate(compiled, importsFor(memory));
  const module = new WasmModule(instance);
  // Jobs through shared memory where the main thread can wait for them without blocking.
  const names = Object.keys(module.kernels).filter((k) => typeof (module.kernels as unknown as Record<string, unknown>)[k] === 'function');
  const wait = findWaitAsync();
  const control = typeof wait === 'function' ? module.heap.allocate(threads * CONTROL_INTS * 4).ptr : undefined;
  if (control !== undefined) module.i32(control, threads * CONTROL_INTS).fill(0);
  const workers = await Promise.all(Array.from({ length: threads }, (_, i) =>
    startWorker(options.worker, { module: compiled, memory, names, spin, control: control === undefined ? undefined : control + i * CONTROL_INTS * 4 })));
  return new ThreadPool(module, memory, workers, control === undefined ? undefined : { control, names, wait: wait! });
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

function importsFor(memory: WebAssembly.Memory): WebAssembly.Imports {
  return { env: { memory, abort: () => { throw new Error('upsample-wasm: kernel abort'); } } };
}

async function compileShared(source: PoolOptions['wasm'], build: 'relaxed' | 'simd'): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source !== undefined && (ArrayBuffer.isView(source) || source instanceof ArrayBuffer)) return WebAssembly.compile(source);
  if (source !== undefined && typeof source !== 'string' && !(source instanceof URL)) {
    throw new TypeError('createPool: options.wasm must be bytes, a URL or a WebAssembly.Module');
  }
  // Literal `new URL(..., import.meta.url)` forms, so bundlers see and copy the assets.
  const packaged = build === 'relaxed'
    ? new URL('../../build/relaxed-shared.wasm', import.meta.url)
    : new URL('../../build/simd-shared.wasm', import.meta.url);
  const url = source === undefined ? packaged : new URL(source, import.meta.url);
  if (url.protocol === 'file:' && isNode) {
    const name = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as typeof import('node:fs/promises');
    return WebAssembly.compile(await fs.readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`createPool: could not load the shared-memory module from ${url} (HTTP ${response.status})`);
  return WebAssembly.compile(await response.arrayBuffer());
}

// ---- workers ----

/**
 * Node options for a worker: undefined (inherit the parent's) unless the parent has options about
 * its main script (`--input-type`, `-e` / `-p` and their code), which a worker started from a
 * file refuses; then the parent's other Node options. V8 flags (such as
 * --experimental-wasm-relaxed-simd) are process-wide: workers have them without being given them,
 * and may not be given them.
 */
export function workerExecArgv(execArgv: readonly string[], nodeFlags: ReadonlySet<string>): string[] | undefined {
  const kept: string[] = [];
  let dropped = false;
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i];
    const name = a.split('=')[0];
    if (name === '--input-type' || name === '--eval' || name === '--print' || a === '-e' || a === '-p') {
      dropped = true;
      if (!a.includes('=')) i++; // the value is the next argument
      continue;
    }
    if (!a.startsWith('-')) { // the value of the option before
      if (kept.length && kept[kept.length - 1] === execArgv[i - 1]) kept.push(a);
      continue;
    }
    if (nodeFlags.has(name)) kept.push(a);
  }
  return dropped ? kept : undefined;
}

interface WorkerHandle {
  post(message: unknown): void;
  /** Node: keep the process alive only while a job is pending. */
  hold(busy: boolean): void;
  terminate(): Promise<unknown> | void;
  onReply: (reply: ReplyMessage) => void;
  onFailure: (error: Error) => void;
}

async function startWorker(url: URL | string | undefined, init: InitMessage): Promise<WorkerHandle> {
  const handle = {
    onReply: (_: ReplyMessage) => {},
    onFailure: (_: Error) => {},
  } as WorkerHandle;
  if (isNode) {
    const name = 'node:worker_threads';
    const { Worker: NodeWorker } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as typeof import('node:worker_threads');
    const script = url === undefined ? new URL('./worker.js', import.meta.url) : new URL(url, import.meta.url);
    const execArgv = workerExecArgv(process.execArgv, process.allowedNodeEnvironmentFlags);
    let worker: InstanceType<typeof NodeWorker>;
    try {
      worker = new NodeWorker(script, execArgv ? { execArgv } : {});
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
      worker = new NodeWorker(script, { execArgv: [] });
    }
    worker.on('message', (reply: ReplyMessage) => handle.onReply(reply));
    worker.on('error', (error: Error) => handle.onFailure(error));
    worker.on('exit', (code: number) => handle.onFailure(new Error(`pool worker exited (code ${code})`)));
    handle.post = (message) => worker.postMessage(message);
    handle.hold = (busy) => (busy ? worker.ref() : worker.unref());
    handle.terminate = () => worker.terminate();
  } else {
    // The literal `new Worker(new URL(..., import.meta.url))` form lets bundlers find the script.
    const worker = url === undefined
      ? new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })
      : new Worker(url, { type: 'module' });
    worker.onmessage = (event: MessageEvent<ReplyMessage>) => handle.onReply(event.data);
    worker.onerror = (event: ErrorEvent) => handle.onFailure(new Error(`pool worker failed: ${event.message}`));
    handle.post = (message) => worker.postMessage(message);
    handle.hold = () => {};
    handle.terminate = () => worker.terminate();
  }
  await new Promise<void>((resolve, reject) => {
    handle.onReply = (reply) => (reply.error ? reject(new Error(`pool worker could not start: ${reply.error}`)) : resolve());
    handle.onFailure = reject;
    handle.post(init);
  });
  handle.hold(false);
  return handle;
}

// ---- the pool ----

/** The bytes of one array: in the pool's memory (buffer: the Memory) or in a JS buffer. */
interface Region {
  buffer: unknown;
  start: number;
  end: number;
}

function overlap(a: Region[], b: Region[]): boolean {
  return a.some((x) => b.some((y) => x.buffer === y.buffer && x.start < y.end && y.start < x.end));
}

/** A call whose kernels the workers run (or will): its scratch memory and the arrays it uses. */
interface Flight {
  start: number;
  end: number;
  /** Its job queue's address (shared-memory jobs), which fail() wakes the wait on. */
  queue: number | undefined;
  reads: Region[];
  writes: Region[];
  /** Resolves once the call has resolved or rejected and released its memory. */
  settled: Promise<void>;
}

/**
 * A staged call: where its output lands and its memory; through shared memory, the queue of all
 * its recorded kernel calls and how many workers it goes to; else its preparatory calls (run
 * here) and the last call's chunks (one message each).
 */
interface PlacedJob {
  dst: number;
  queue: { ptr: number; length: number; workers: number } | undefined;
  prep: KernelCall[];
  chunks: KernelCall[][];
  start: number;
  end: number;
}

/** A staged operation; `result` settles when it has run (an object, so awaiting it does not wait for that). */
interface Staged<T> {
  result: Promise<T>;
}

/**
 * A view of `module` whose kernels record their calls instead of running them, and whose layouts
 * start at `base` and may not pass `limit` (set by `begin`, one staging at a time). Made once per
 * pool: building the view and its kernel closures for each call cost ~10 µs of the main thread.
 */
class Recorder {
  readonly module: WasmModule;
  calls: KernelCall[] = [];
  private layout: Layout | undefined;
  private base = 0;
  private limit = Infinity;

  constructor(module: WasmModule) {
    // A fresh object: the instance's exports are frozen, so a Proxy over them may not substitute.
    const kernels: Record<string, unknown> = { memory: module.kernels.memory };
    for (const name of Object.keys(module.kernels)) {
      if (name !== 'memory') kernels[name] = (...args: number[]) => { this.calls.push([name, args]); };
    }
    this.module = Object.create(module, {
      kernels: { value: kernels },
      layout: { value: () => (this.layout = new Layout(module, this.base, this.limit)) },
    }) as WasmModule;
  }

  begin(base: number, limit: number): void {
    this.calls = [];
    this.layout = undefined;
    this.base = base;
    this.limit = limit;
  }

  /** The first byte after the recorded call's layout. */
  get top(): number {
    return this.layout?.top ?? this.base;
  }
}

class ThreadPool implements Pool {
  readonly shared = true;
  get build(): 'relaxed' | 'simd' {
    return this.module.relaxedSimd ? 'relaxed' : 'simd';
  }
  /** The last call's staging (calls are staged one at a time, in call order). */
  private staging: Promise<unknown> = Promise.resolve();
  /** The last call's completion (calls resolve in call order); never rejects. */
  private finalized: Promise<void> = Promise.resolve();
  /** Calls whose kernels run or wait in the workers' job slots. */
  private readonly flights: Flight[] = [];
  private closed = false;
  private failure: Error | undefined;
  private nextId = 0;
  private readonly planInterpolate = planCache();
  private readonly recorder: Recorder;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  declare interpolate: Pool['interpolate'];
  declare convTranspose1d: Pool['convTranspose1d'];
  declare convTranspose2d: Pool['convTranspose2d'];
  declare convTranspose3d: Pool['convTranspose3d'];
  declare conv1d: Pool['conv1d'];
  declare conv2d: Pool['conv2d'];
  declare conv3d: Pool['conv3d'];
  declare pixelShuffle: Pool['pixelShuffle'];
  declare pixelUnshuffle: Pool['pixelUnshuffle'];

  /** Shared-memory jobs: the workers' control blocks, each worker's last request, and kernel indices. */
  private readonly shm: { control: number; sequence: number[]; index: Map<string, number>; wait: WaitAsync } | undefined;

  constructor(private readonly module: WasmModule, private readonly memory: WebAssembly.Memory,
              private readonly workers: WorkerHandle[], shm?: { control: number; names: string[]; wait: WaitAsync }) {
    this.shm = shm && { control: shm.control, sequence: workers.map(() => 0), index: new Map(shm.names.map((n, i) => [n, i])), wait: shm.wait };
    module.heap.busy = this.flights; // tensors allocated while calls run stay out of their memory
    this.recorder = new Recorder(module);
    for (const worker of workers) {
      worker.onReply = (reply) => this.settle(reply);
      worker.onFailure = (error) => this.fail(error);
    }
    this.interpolate = (input, options) => this.enqueue(() => {
      const { plan, out } = this.planInterpolate(input, options);
      const result = resultTensor(plan.outputShape, out);
      return this.execute([input.data], result, plan, (m, target) => {
        const staged = stageInterpolate(m, plan, input.data, result.data.length, target);
        staged.run();
        return staged.dst;
      });
    });
    const conv = (transposed: boolean, dims: number) => (input: Tensor, weight: Tensor, options?: ConvOptions | ConvTransposeOptions) =>
      this.enqueue(() => {
        const { plan, bias, out } = planConv(transposed, dims, input, weight, options);
        const result = resultTensor(plan.outputShape, out);
        return this.execute([input.data, weight.data, bias], result, undefined, (m, target) => {
          const staged = stageConv(m, plan, input.data, weight.data, bias, result.data.length, target);
          staged.run();
          return staged.dst;
        });
      });
    this.convTranspose1d = conv(true, 1);
    this.convTranspose2d = conv(true, 2);
    this.convTranspose3d = conv(true, 3);
    this.conv1d = conv(false, 1);
    this.conv2d = conv(false, 2);
    this.conv3d = conv(false, 3);
    const shuffle = (upscale: boolean) => (input: Tensor, factor: number, options?: ShuffleOptions) => this.enqueue(() => {
      const { plan, out } = planShuffle(upscale, input, factor, options);
      const result = resultTensor(plan.outputShape, out);
      return this.execute([input.data], result, undefined, (m, target) => {
        const layout = m.layout();
        const src = layout.f32(input.data.length, input.data);
        const dst = target >= 0 ? target : layout.f32(result.data.length);
        layout.commit();
        m.kernels.pixelShuffle(src, dst, plan.planes, plan.factor, plan.height, plan.width, plan.upscale ? 1 : 0);
        return dst;
      });
    });
    this.pixelShuffle = shuffle(true);
    this.pixelUnshuffle = shuffle(false);
  }

  get threads(): number {
    return this.workers.length;
  }

  get memoryBytes(): number {
    return this.module.memoryBytes;
  }

  allocTensor(shape: number[], data?: ArrayLike<number>): ResidentTensor {
    if (this.closed) throw new Error('this pool is closed');
    return allocResident(this.module, shape, data);
  }

  async close(): Promise<void> {
    if (this.closed) return this.idle();
    this.closed = true;
    await this.idle();
    this.workers.forEach((w, i) => {
      w.onFailure = () => {};
      if (this.shm) { // leave the Atomics.wait loop, so terminate() finds an idle thread
        const ctrl = this.control(i);
        Atomics.store(ctrl, REQUEST, STOP);
        Atomics.notify(ctrl, REQUEST);
      }
    });
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Resolves once every call so far has finished. */
  private async idle(): Promise<void> {
    await this.staging;
    await this.finalized;
  }

  private control(i: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.shm!.control + i * CONTROL_INTS * 4, CONTROL_INTS);
  }

  /**
   * Stages operations one at a time in call order: each places its memory knowing the calls in
   * flight. A staged call's kernels may then run while the next call is staged.
   */
  private enqueue<T>(task: () => Staged<T> | Promise<Staged<T>>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('this pool is closed'));
    const staged = this.staging.then(() => {
      if (this.failure) throw this.failure;
      return task();
    });
    this.staging = staged.catch(() => undefined);
    return staged.then((s) => s.result);
  }

  /** The bytes `data` spans: in the pool's memory (a resident tensor) or in its own buffer. */
  private region(data: Float32Array): Region {
    const ptr = this.module.residentPointer(data);
    return ptr >= 0 ? { buffer: this.memory, start: ptr, end: ptr + data.byteLength }
      : { buffer: data.buffer, start: data.byteOffset, end: data.byteOffset + data.byteLength };
  }

  /**
   * Stages one call (recording its kernel calls) in memory that no call in flight uses, cuts the
   * kernel calls into chunks and hands them to the workers (see stageAt).
   * Returns once staged; `result` resolves after the workers finish and every earlier call has
   * resolved, with the result copied out unless `out` is resident (at once for an empty output).
   */
  private async execute(inputs: Array<Float32Array | undefined>, result: Tensor, plan: Parameters<typeof splitCall>[4],
                        stage: (module: WasmModule, target: number) => number): Promise<Staged<Tensor>> {
    const m = this.module;
    const output = result.data;
    if (output.length === 0) return { result: Promise.resolve(result) };
    const reads = inputs.filter((d): d is Float32Array => d !== undefined).map((d) => this.region(d));
    const writes = [this.region(output)];
    // A job slot, and no call in flight that writes what this one touches or reads what it writes.
    for (;;) {
      const blocking = this.flights.find((f) => overlap(writes, f.reads) || overlap(writes, f.writes) || overlap(reads, f.writes));
      if (!blocking && this.flights.length < (this.shm ? JOB_SLOTS : 1)) break;
      await (blocking ?? this.flights[0]).settled;
      if (this.failure) throw this.failure;
    }
    // Looked up again after the wait: a tensor disposed meanwhile is refused here.
    const pinned: Block[] = [];
    const pointers = [...inputs, output].map((data) => {
      const ptr = data ? m.residentPointer(data) : -1;
      if (ptr >= 0) {
        const block = m.heap.find(ptr, data!.byteLength)!;
        block.pins++;
        pinned.push(block);
      }
      return ptr;
    });
    const target = pointers[pointers.length - 1];
    let job: PlacedJob;
    try {
      job = this.place(stage, target, plan);
      const k = m.kernels as unknown as Record<string, (...args: number[]) => void>;
      if (!job.queue) for (const [name, args] of job.prep) k[name](...args);
      fence(this.memory);
    } catch (error) {
      for (const block of pinned) m.heap.unpin(block);
      throw error;
    }
    const flight: Flight = { start: job.start, end: job.end, queue: job.queue?.ptr, reads, writes, settled: Promise.resolve() };
    if (this.flights.length === 0) this.workers.forEach((w) => w.hold(true));
    this.flights.push(flight);
    const ran = this.run(job);
    const previous = this.finalized;
    const finished = (async () => {
      try {
        await ran;
        await previous;
        fence(this.memory);
        if (target < 0) output.set(m.f32(job.dst, output.length));
        return result;
      } finally {
        this.flights.splice(this.flights.indexOf(flight), 1);
        if (this.flights.length === 0) this.workers.forEach((w) => w.hold(false));
        for (const block of pinned) m.heap.unpin(block);
      }
    })();
    flight.settled = this.finalized = finished.then(() => undefined, () => undefined);
    return { result: finished };
  }

  /**
   * Stages the call at the heap top when it fits below the calls in flight there (the usual case:
   * the call two back had the same size and has finished), else above every call in flight.
   */
  private place(stage: (module: WasmModule, target: number) => number, target: number,
                plan: Parameters<typeof splitCall>[4]): PlacedJob {
    const top = this.module.heap.top;
    const above = Math.max(top, ...this.flights.map((f) => f.end));
    const limit = Math.min(...this.flights.filter((f) => f.end > top).map((f) => f.start));
    if (limit > top) {
      try {
        return this.stageAt(top, limit, stage, target, plan);
      } catch (error) {
        if (!(error instanceof LayoutLimitError)) throw error;
      }
    }
    return this.stageAt(above, Infinity, stage, target, plan);
  }

  private stageAt(base: number, limit: number, stage: (module: WasmModule, target: number) => number, target: number,
                  plan: Parameters<typeof splitCall>[4]): PlacedJob {
    const m = this.module;
    const rec = this.recorder;
    rec.begin(base, limit);
    const dst = stage(rec.module, target);
    const calls = rec.calls;
    const last = calls.length - 1;
    const workers = this.workers.length;
    const scratch = new Layout(m, rec.top, limit);
    const phases = (ptr: number, n: number): Int32Array => m.i32(ptr, n);
    // Through shared memory, the workers run every call (a convolution's padding and packing too,
    // which on this thread cost ~0.1 ms a W4 call while the workers waited), each cut into chunks
    // that they claim one after another: a worker held up by other processes leaves its share to
    // the others. By message, this thread runs the preparatory calls and each worker gets one
    // fixed part of the last.
    const stages: Stage[] = this.shm
      ? calls.map((call, i) => claimOrder(splitCall(call, workers, i === last ? CHUNKS_PER_WORKER : 1, scratch, plan, phases), workers))
      : [splitCall(calls[last], workers, 1, scratch, plan, phases)];
    const handedTo = Math.min(workers, stages.reduce((n, chunks) => n + chunks.length, 0));
    const encoded = this.shm && encodeQueue(stages, this.shm.index, handedTo);
    const queue = encoded ? { ptr: scratch.i32(encoded), length: encoded.length, workers: handedTo } : undefined;
    scratch.commit();
    return { dst, queue, prep: calls.slice(0, last), chunks: stages[stages.length - 1], start: base, end: scratch.top };
  }

  /** Runs a staged job on the workers; settles once none of them still works on it. */
  private async run(job: PlacedJob): Promise<void> {
    const { chunks, queue } = job;
    if (queue) {
      const shm = this.shm!;
      for (let i = 0; i < queue.workers; i++) this.signal(i, queue.ptr, queue.length);
      const header = this.module.i32(queue.ptr, QUEUE_CHUNKS);
      // Wait for every worker, even when one fails, so no worker still writes when the memory is reused.
      for (let pending = Atomics.load(header, QUEUE_PENDING); pending > 0; pending = Atomics.load(header, QUEUE_PENDING)) {
        if (this.failure) throw this.failure; // fail() wakes this wait
        const wait = shm.wait.call(Atomics, header, QUEUE_PENDING, pending);
        if (wait.async) await wait.value;
      }
      fence(this.memory);
      if (header[QUEUE_FAILED]) throw new Error('pool worker: a kernel failed');
      return;
    }
    // By message, round robin: more chunks than workers when a job did not encode.
    const settled = await Promise.allSettled(chunks.map((calls, i) => this.post(this.workers[i % this.workers.length], calls)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Hands worker i the job (queue) at `ptr` through its control block. */
  private signal(i: number, ptr: number, length: number): void {
    const ctrl = this.control(i);
    const seq = ++this.shm!.sequence[i];
    const slot = jobSlot(seq); // free: the job JOB_SLOTS before this one has finished
    Atomics.store(ctrl, slot, ptr);
    Atomics.store(ctrl, slot + 1, length);
    Atomics.store(ctrl, REQUEST, seq);
    Atomics.notify(ctrl, REQUEST);
  }

  private post(worker: WorkerHandle, calls: KernelCall[]): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.post({ id, calls });
    });
  }

  private settle(reply: ReplyMessage): void {
    const job = this.pending.get(reply.id);
    if (!job) return;
    this.pending.delete(reply.id);
    if (reply.error) job.reject(new Error(`pool worker: ${reply.error}`));
    else job.resolve();
  }

  /** A worker died: fail what is pending and every later call. */
  private fail(error: Error): void {
    this.failure ??= new Error(`a pool worker failed; create a new pool (${error.message})`, { cause: error });
    if (this.shm) { // wake the waits in run(), which then see the failure
      for (const flight of this.flights) if (flight.queue) Atomics.notify(this.module.i32(flight.queue, QUEUE_CHUNKS), QUEUE_PENDING);
    }
    for (const [id, job] of this.pending) {
      this.pending.delete(id);
      job.reject(this.failure);
    }
  }
}

/** One thread, the synchronous API behind Promises: where workers cannot share memory. */
async function fallbackPool(): Promise<Pool> {
  if (!backendInfo()) await init(); // never switch a build the caller chose
  const ops = operations(wasmBackend, () => void loadedModule());
  let closed = false;
  const wrap = <K extends TensorOperation>(name: K): PoolOperations[K] =>
    (async (...args: unknown[]) => {
      if (closed) throw new Error('this pool is closed');
      return (ops[name] as (...a: unknown[]) => Tensor)(...args);
    }) as PoolOperations[K];
  return {
    threads: 1,
    shared: false,
    get build() { return backendInfo()!.build; },
    get memoryBytes() { return loadedModule().memoryBytes; },
    interpolate: wrap('interpolate'),
    convTranspose1d: wrap('convTranspose1d'),
    convTranspose2d: wrap('convTranspose2d'),
    convTranspose3d: wrap('convTranspose3d'),
    conv1d: wrap('conv1d'),
    conv2d: wrap('conv2d'),
    conv3d: wrap('conv3d'),
    pixelShuffle: wrap('pixelShuffle'),
    pixelUnshuffle: wrap('pixelUnshuffle'),
    allocTensor: (shape, data) => {
      if (closed) throw new Error('this pool is closed');
      return allocResident(loadedModule(), shape, data);
    },
    close: async () => { closed = true; },
  };
}
