// The pool's scheduler: the asynchronous executor of the operations. Each job is staged in the
// shared memory exactly as the synchronous API stages it (its backend's `wasm` staging returns
// kernel records), in memory that no call in flight uses; the records are cut into chunks
// (./split.ts) that the workers claim one after another; the result is copied out in call order.

import { invoke, KERNEL_NAMES } from '../kernels.js';
import { joinJob, type KernelsByIndex } from './claim.js';
import { watchJob } from './watchdog.js';
import type { AsyncExecutor, Job } from '../ops.js';
import { tiles } from '../tiling/plan.js';
import { admitJob, arrayBytes, copyOut, residentTarget } from '../wasm/executor.js';
import { Layout, LayoutLimitError, type WasmModule } from '../wasm/module.js';
import type { Block } from '../wasm/resident.js';
import { type Stage, controlBlock, encodeQueue, fence, HEARD, JOB_SLOTS, jobSlot, POLLING, QUEUE_CHUNKS, QUEUE_COUNT, QUEUE_DONE, QUEUE_FAILED, QUEUE_NEXT,
  QUEUE_PENDING, REQUEST, SLEEP_SLICE_MS, STOP, type ReplyMessage, wakeWorkers, workerError } from './protocol.js';
import { ABORT_GRACE_MS, type CallControl, watchProgress } from './call.js';
import { kernelFailure, KernelErrors } from './kernel-errors.js';
import { callThreads, chunksPerWorker, DEFAULT_SIZING, type Sizing } from './sizing.js';
import { claimOrder, splitCall, workOf } from './split.js';
import { inputArrays, overlap, type Flight, type PlacedJob, type Region } from './flights.js';
import type { WorkerHandle } from './workers.js';
import type { KernelCall } from '../kernels.js';

export type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: Promise<string> | string };

export class Scheduler implements AsyncExecutor {
  /** The last call's staging (calls are staged one at a time, in call order). */
  private staging: Promise<unknown> = Promise.resolve();
  /** The last call's completion (calls resolve in call order); never rejects. */
  private finalized: Promise<void> = Promise.resolve();
  /** Calls whose kernels run or wait in the workers' job slots. */
  readonly flights: Flight[] = [];
  closed = false;
  failure: Error | undefined;
  /** The pool's `timeout`: calls that give none of their own get this one. */
  defaultTimeout: number | undefined;
  /** Jobs (shared memory) and messages the workers have finished: progress, for watch(). */
  private finished = 0;
  /** terminate() was called: the workers stay referenced until they have exited. */
  private terminating = false;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  /** Shared-memory jobs that failed: the failing worker's error (one report a job). */
  private readonly kernelErrors = new KernelErrors();
  /** Shared-memory jobs: the workers' control blocks and each worker's last request. */
  private readonly shm: { control: number; sequence: number[]; wait: WaitAsync; spin: number } | undefined;
  /** This thread's kernels by index in KERNEL_NAMES, for the chunks it claims (./claim.ts). */
  private readonly kernelsByIndex: KernelsByIndex;
  /** How a call's size decides its threads and chunks (tests may change it: see SPLIT_ALL). */
  readonly sizing: Sizing = { ...DEFAULT_SIZING };
  /** Threads the last staged call ran on, this one included where it joined (0: here alone); for tests. */
  lastThreads = 0;
  /** Whether this thread joined the last staged call (claims its chunks); for tests. */
  lastJoined = false;
  /** Calls this thread joined; for tests. */
  joinedCalls = 0;
  /**
   * Calls made whose staging has not begun. This thread joins a call only where none waits: in a
   * burst it stages the next call while the workers run this one (the calls overlap).
   */
  private unstaged = 0;
  /** Chunks this thread has run of calls it joined (PoolOptions.callerJoins); for tests. */
  callerChunks = 0;
  /** Where a call staged while others are in flight starts: two small calls run on different workers. */
  private nextWorker = 0;
  /** The last call's first worker: one staged while none is in flight starts there, on workers that still poll. */
  lastFirst = 0;

  constructor(private readonly module: WasmModule, private readonly memory: WebAssembly.Memory,
              readonly workers: WorkerHandle[], shm?: { control: number; wait: WaitAsync; spin: number }) {
    this.shm = shm && { control: shm.control, sequence: workers.map(() => 0), wait: shm.wait, spin: shm.spin };
    this.kernelsByIndex = KERNEL_NAMES.map((name) => module.kernels[name]) as unknown as KernelsByIndex;
    module.heap.busy = this.flights; // tensors allocated while calls run stay out of their memory
    for (const worker of workers) {
      worker.onReply = (reply) => (reply.queue === undefined ? this.settle(reply) : this.kernelErrors.reported(reply.queue, reply.error!));
      worker.onFailure = (error) => this.fail(error);
    }
  }

  ready(): void {
    if (this.closed) throw new Error('this pool is closed');
    if (this.failure) throw this.failure;
  }

  /**
   * Stages jobs one at a time in call order: each places its memory knowing the calls in flight.
   * A staged call's kernels may then run while the next call is staged.
   */
  run(job: Job, control: CallControl | undefined): Promise<void> {
    this.unstaged++;
    const staged = this.staging.then(() => {
      this.unstaged--;
      if (this.failure) throw this.failure;
      control?.throwIfAborted(); // aborted while queued: never starts
      return this.tiled(job, control) ?? this.execute(job, control);
    });
    this.staging = staged.catch(() => undefined);
    const done = staged.then((s) => s.done);
    return control ? control.race(done) : done;
  }

  /**
   * Terminates the workers at once (stuck ones too): every pending and later call rejects with
   * `error`. Memory the workers were writing is left as it is.
   */
  async terminate(error: Error): Promise<void> {
    this.failure ??= error;
    this.fail(error);
    this.terminating = true;
    this.workers.forEach((w) => {
      w.onFailure = () => {};
      w.hold(true); // Node: unreferenced workers would let the process end before they have exited
    });
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Refuses up front a call whose smallest tile would not fit the shared memory's maximum. */
  admit(job: Job): void {
    admitJob(this.module, job, this.module.maximumMemory);
  }

  /** Where a job's buffers would end if staged at the heap top now (nothing is written). */
  private end(job: Job): number {
    const layout = new Layout(this.module, this.module.heap.top);
    job.backends.wasm(layout, job.plan, job.inputs, job.output.length, residentTarget(this.module, job.output));
    return layout.top;
  }

  /**
   * A call too large for half the memory left above the resident tensors (the other half holds
   * the workers' rows and a call in flight) runs in tiles (src/tiling/), each staged once every
   * earlier call has finished and the tile before it is done; undefined for a call that fits.
   */
  private tiled(job: Job, control: CallControl | undefined): Promise<{ done: Promise<void> }> | undefined {
    const top = this.module.heap.top;
    const limit = top + (this.module.maximumMemory - top) / 2;
    // Arrays well within the limit: no need to stage the call twice to know that it fits.
    if (!job.backends.tiling || job.output.length === 0 || arrayBytes(job) < (limit - top) / 2 || this.end(job) <= limit) return undefined;
    return (async () => {
      let last: { done: Promise<void> } = { done: Promise.resolve() };
      for (const tile of tiles(job, (t) => this.end(t) <= limit, this.module.maximumMemory)) {
        await last.done;
        await Promise.all(this.flights.map((f) => f.settled));
        if (this.failure) throw this.failure;
        last = await this.execute(tile, control);
      }
      return last;
    })();
  }

  /** Stops the workers once every call so far has finished; later calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    await this.staging;
    await this.finalized;
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

  private control(i: number): Int32Array {
    return controlBlock(this.memory, this.shm!.control, i);
  }

  /** The bytes `data` spans: in the pool's memory (a resident tensor) or in its own buffer. */
  private region(data: ArrayBufferView): Region {
    const ptr = data instanceof Float32Array ? this.module.residentPointer(data) : -1;
    return ptr >= 0 ? { buffer: this.memory, start: ptr, end: ptr + data.byteLength }
      : { buffer: data.buffer, start: data.byteOffset, end: data.byteOffset + data.byteLength };
  }

  /**
   * Stages one call in memory that no call in flight uses, cuts its kernel calls into chunks and
   * hands them to the workers (see stageAt). Returns once staged; `done` resolves after the
   * workers finish and every earlier call has resolved, with the result copied out unless the
   * output is resident (at once for an empty output).
   */
  private async execute(job: Job, control: CallControl | undefined): Promise<{ done: Promise<void> }> {
    const m = this.module;
    const output = job.output;
    if (output.length === 0) return { done: Promise.resolve() };
    const inputs = inputArrays(job);
    const reads = inputs.map((d) => this.region(d));
    const writes = [this.region(output)];
    // A job slot, and no call in flight that writes what this one touches or reads what it writes.
    for (;;) {
      const blocking = this.flights.find((f) => overlap(writes, f.reads) || overlap(writes, f.writes) || overlap(reads, f.writes));
      if (!blocking && this.flights.length < (this.shm ? JOB_SLOTS : 1)) break;
      await (blocking ?? this.flights[0]).settled;
      if (this.failure) throw this.failure;
      control?.throwIfAborted();
    }
    // Looked up again after the wait: a tensor disposed meanwhile is refused here.
    const pinned: Block[] = [];
    for (const data of [...inputs, output]) {
      const ptr = data instanceof Float32Array ? m.residentPointer(data) : -1;
      if (ptr >= 0) {
        const block = m.heap.find(ptr, data.byteLength)!;
        block.pins++;
        pinned.push(block);
      }
    }
    const target = residentTarget(m, output);
    let placed: PlacedJob;
    try {
      placed = this.place(job, target);
      if (!placed.queue) for (const c of placed.prep) invoke(m.kernels, c);
      fence(this.memory);
    } catch (error) {
      for (const block of pinned) m.heap.unpin(block);
      throw error;
    }
    const flight: Flight = { start: placed.start, end: placed.end, queue: placed.queue?.ptr, reads, writes, settled: Promise.resolve() };
    if (this.flights.length === 0) this.workers.forEach((w) => w.hold(true));
    this.flights.push(flight);
    const ran = this.dispatch(placed);
    let ended = false;
    ran.then(() => { ended = true; }, () => { ended = true; });
    // Dispatched: an abort drops the result and the chunks no worker has claimed yet; running
    // kernels cannot be stopped, and workers that finish nothing for ABORT_GRACE_MS after it are
    // taken for stuck (see PoolCallOptions.signal).
    control?.onAbort(() => {
      if (placed.queue) {
        const header = m.i32(placed.queue.ptr, QUEUE_CHUNKS);
        Atomics.store(header, QUEUE_NEXT, header[QUEUE_COUNT]);
      }
      watchProgress(() => this.progress(), () => ended, () => this.failure !== undefined, () => void this.terminate(new Error(
        `a pool call was aborted and the workers finished no work in the ${ABORT_GRACE_MS} ms after; the pool terminated them as stuck; create a new pool`)));
    });
    const previous = this.finalized;
    const done = (async () => {
      try {
        await ran;
        await previous;
        fence(this.memory);
        if (!control?.aborted) copyOut(m, output, { ...placed, target });
      } finally {
        this.flights.splice(this.flights.indexOf(flight), 1);
        if (this.flights.length === 0 && !this.terminating) this.workers.forEach((w) => w.hold(false));
        for (const block of pinned) m.heap.unpin(block);
      }
    })();
    flight.settled = this.finalized = done.then(() => undefined, () => undefined);
    return { done };
  }

  /**
   * Stages the call at the heap top when it fits below the calls in flight there (the usual case:
   * the call two back had the same size and has finished), else above every call in flight.
   */
  private place(job: Job, target: number): PlacedJob {
    const top = this.module.heap.top;
    const above = Math.max(top, ...this.flights.map((f) => f.end));
    const limit = Math.min(...this.flights.filter((f) => f.end > top).map((f) => f.start));
    if (limit > top) {
      try {
        return this.stageAt(top, limit, job, target);
      } catch (error) {
        if (!(error instanceof LayoutLimitError)) throw error;
      }
    }
    return this.stageAt(above, Infinity, job, target);
  }

  private stageAt(base: number, limit: number, job: Job, target: number): PlacedJob {
    const layout = new Layout(this.module, base, limit);
    const { calls, dst, runs } = job.backends.wasm(layout, job.plan, job.inputs, job.output.length, target);
    const last = calls.length - 1;
    // A small call runs here, whole; one of a few ms here too, beside workers (./sizing.ts).
    const work = calls.map((c) => workOf(c, layout));
    const { threads, workers, caller } = callThreads(work.reduce((sum, w) => sum + w, 0), this.workers.length, this.sizing,
      !!this.shm && this.unstaged === 0);
    this.lastThreads = threads;
    this.lastJoined = caller;
    if (caller) this.joinedCalls++;
    if (workers === 0) {
      layout.commit();
      return { dst, runs, queue: undefined, prep: calls, chunks: [], start: base, end: layout.top };
    }
    // Through shared memory, the workers run every call (a convolution's padding and packing too,
    // which on this thread cost ~0.1 ms a W4 call while the workers waited), each cut into chunks
    // by its size that they (and this thread where it joins) claim one after another: a worker
    // held up by other processes leaves its share to the others. By message, this thread runs the
    // preparatory calls and each worker gets one fixed part of the last.
    const stages: Stage[] = this.shm
      ? calls.map((c, i) => claimOrder(splitCall(c, threads, chunksPerWorker(work[i], threads, this.sizing), layout), threads))
      : [splitCall(calls[last], workers, 1, layout)];
    const handedTo = Math.min(workers, stages.reduce((n, chunks) => n + chunks.length, 0) - (caller ? 1 : 0));
    // Waking a parked worker while the polling one held the other core cost a W3 call joined on 2
    // threads 0.3-0.4 ms (Xeon): calls one after another stay on the same workers.
    const first = this.flights.length === 0 ? this.lastFirst : this.nextWorker;
    const encoded = this.shm && encodeQueue(stages, handedTo, { control: this.shm.control, first, pool: this.workers.length });
    if (this.shm && !encoded) {
      // Workers serving shared-memory jobs never read messages: a job that does not encode (an
      // argument that is not an int32, which no staging writes) runs here, whole, not by message.
      this.lastThreads = 0;
      layout.commit();
      return { dst, runs, queue: undefined, prep: calls, chunks: [], start: base, end: layout.top };
    }
    if (encoded) {
      this.lastFirst = first;
      this.nextWorker = (first + handedTo) % this.workers.length;
    }
    const queue = encoded ? { ptr: layout.i32(encoded), length: encoded.length, workers: handedTo, first, caller } : undefined;
    layout.commit();
    return { dst, runs, queue, prep: calls.slice(0, last), chunks: stages[stages.length - 1], start: base, end: layout.top };
  }

  /** Runs a staged job on the workers; settles once none of them still works on it. */
  private async dispatch(job: PlacedJob): Promise<void> {
    const { chunks, queue } = job;
    if (queue) {
      const shm = this.shm!;
      // Every worker's request first, then the wake-ups: one here, the others by the workers
      // (protocol.ts wakeWorkers), none where a worker polls (it wakes the others). A wake-up
      // costs this thread ~40 µs (a futex call), and the woken worker may take its core.
      const handed = Array.from({ length: queue.workers }, (_, i) => (queue.first + i) % this.workers.length);
      const sequence = handed.map((i) => this.signal(i, queue.ptr, queue.length));
      const header = this.module.i32(queue.ptr, QUEUE_CHUNKS);
      const disarm = watchJob({ memory: this.memory, queue: queue.ptr, control: shm.control, workers: handed, sequence, caller: queue.caller });
      if (!handed.some((i) => Atomics.load(this.control(i), POLLING))) wakeWorkers(header, this.memory, 1);
      const joined = queue.caller ? joinJob(this.module.i32(queue.ptr, queue.length), this.kernelsByIndex, shm.spin) : { ran: 0 };
      this.callerChunks += joined.ran;
      // Wait for every worker, even when one fails, so no worker still writes when the memory is reused.
      try {
        for (let pending = Atomics.load(header, QUEUE_PENDING); pending > 0; pending = Atomics.load(header, QUEUE_PENDING)) {
          if (this.failure) throw this.failure; // fail() wakes this wait
          const wait = shm.wait.call(Atomics, header, QUEUE_PENDING, pending, SLEEP_SLICE_MS);
          if (wait.async) await wait.value;
        }
      } finally {
        disarm();
      }
      handed.forEach((i, k) => Atomics.store(this.control(i), HEARD, sequence[k])); // a polling finisher may go on (worker.ts)
      fence(this.memory);
      this.finished++;
      if ('error' in joined) throw kernelFailure(workerError(joined.error));
      if (header[QUEUE_FAILED]) throw await this.kernelErrors.of(queue.ptr);
      return;
    }
    // By message, round robin: more chunks than workers when a job did not encode.
    const settled = await Promise.allSettled(chunks.map((calls, i) => this.post(this.workers[i % this.workers.length], calls)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Hands worker i the job (queue) at `ptr` through its control block (a polling worker sees it; a sleeping one needs a notify). */
  private signal(i: number, ptr: number, length: number): number {
    const ctrl = this.control(i);
    const seq = ++this.shm!.sequence[i];
    const slot = jobSlot(seq); // free: the job JOB_SLOTS before this one has finished
    Atomics.store(ctrl, slot, ptr);
    Atomics.store(ctrl, slot + 1, length);
    Atomics.store(ctrl, REQUEST, seq);
    return seq;
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
    this.finished++;
    if (reply.error) job.reject(kernelFailure(reply.error));
    else job.resolve();
  }

  /** What the workers have finished: jobs and messages, and the chunks done of the jobs in flight. */
  private progress(): string {
    let chunks = 0;
    for (const f of this.flights) if (f.queue !== undefined) chunks += Atomics.load(this.module.i32(f.queue, QUEUE_CHUNKS), QUEUE_DONE);
    return `${this.finished} ${chunks}`;
  }

  /** A worker died (or was terminated): fail what is pending and every later call. */
  private fail(error: Error): void {
    this.failure ??= new Error(`a pool worker failed; create a new pool (${error.message})`, { cause: error });
    if (this.shm) { // wake the waits in dispatch(), which then see the failure
      for (const flight of this.flights) if (flight.queue) Atomics.notify(this.module.i32(flight.queue, QUEUE_CHUNKS), QUEUE_PENDING);
    }
    for (const [id, job] of this.pending) {
      this.pending.delete(id);
      job.reject(this.failure);
    }
    this.kernelErrors.failAll(this.failure);
  }
}
