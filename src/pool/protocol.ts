// What the pool's main thread (./scheduler.ts) and its workers (./worker.ts) exchange: messages,
// the control block of shared-memory jobs and their encoding. Both sides import it: no side effects.

import { KERNEL_NAMES, KERNEL_PARAMS, type KernelCall, type KernelName } from '../kernels.js';

export interface InitMessage {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /**
   * Byte address of this worker's control block (CONTROL_INTS int32s) when jobs come through
   * shared memory (Atomics.wait / notify, lower latency than messages); jobs refer to kernels by
   * their index in KERNEL_NAMES.
   */
  control?: number;
  /** Milliseconds a worker keeps polling for its next job before it sleeps (see PoolOptions.spin). */
  spin?: number;
}

/**
 * Int32 slots of a control block: the last request's sequence number (from 1; the block starts
 * zeroed) and two job slots (queue address and length) so that the next job can wait while one
 * runs. A worker runs its jobs in sequence order; job `seq` sits in slot `seq & 1` (see jobSlot).
 * Completion is counted in each job's queue (QUEUE_PENDING), not here.
 */
export const CONTROL_INTS = 16;
export const REQUEST = 0;
/**
 * 1 while the worker polls for its next request (it sees one without a wake-up), 0 while it runs
 * a job or sleeps: it clears the flag before it sleeps, and Atomics.wait then finds a request
 * stored before the flag was read, so a request is never left unseen (see wakeWorkers).
 */
export const POLLING = 1;
/** The sequence number of the last of this worker's jobs whose end the calling thread has seen. */
export const HEARD = 2;
/**
 * How long after a job's end the worker that finished it polls on while the calling thread has
 * not seen the end (HEARD): with a core of its own, that thread saw it 0.03-0.08 ms after (2 shared cores).
 */
export const HEARD_MS = 0.05;
const JOBS = 4;
/** Jobs a worker may hold at once (one running, one waiting): the number of job slots. */
export const JOB_SLOTS = 2;
/** The control-block index of job `seq`'s queue address; its length follows it. */
export function jobSlot(seq: number): number {
  return JOBS + 2 * (seq & (JOB_SLOTS - 1));
}
/** A request sequence number that tells the worker to leave its loop. */
export const STOP = -1;

/**
 * The longest one sleep lasts, in ms, on either side (a worker waiting for its next request, the
 * calling thread waiting for a job's end) before it looks at the word again. The protocol never
 * needs it (every wake-up is sent after the word it is about is stored); it bounds what an
 * engine's lost wake-up would cost to one slice instead of a hang. A waking idle worker costs
 * nothing measurable at this rate.
 */
export const SLEEP_SLICE_MS = 100;

/**
 * A shared-memory job is one queue of chunks for all the workers it is handed to, in one int32
 * array: [next chunk, chunk count | chunks done, failed flag | workers still at it, its wake
 * list (the next to wake, how many, the first, the pool's workers, their control blocks) | then per
 * chunk the [start, end) of its encoded calls in this array, how many chunks must be done before
 * it starts and how many are done when its call is, then the encoded calls]. Each worker claims
 * the next chunk with Atomics.add until none remain, so a worker that other processes hold up
 * leaves its share to the others; the last worker to finish wakes the main thread (one wake-up a
 * job).
 *
 * A job runs its recorded kernel calls in order (a convolution pads its input and packs its
 * weights, then computes), each cut into chunks: a call's chunks wait until every chunk of the
 * calls before it is done. Chunks are claimed in queue order, so the chunks a worker waits on have
 * all been claimed by workers that are not waiting. The worker that completes a call wakes those
 * waiting (one wake-up a call, not a chunk). The main thread cancels the chunks not yet claimed
 * (an aborted call) by setting the next chunk to the count.
 *
 * The counters that all workers write (the claim, the completions, the workers at it) sit 64
 * bytes apart (queues start on a 64-byte boundary): a worker polling one does not lose its cache
 * line to every claim or completion, and the chunk table, read by all, shares no line with them.
 */
export const QUEUE_NEXT = 0;
export const QUEUE_COUNT = 1;
export const QUEUE_DONE = 16;
export const QUEUE_FAILED = 17;
export const QUEUE_PENDING = 32;
/** The wake list (see wakeWorkers): the next of its workers to wake; set by encodeQueue, read-only after. */
export const QUEUE_WAKE = 33;
const QUEUE_HANDED = 34;
const QUEUE_FIRST = 35;
const QUEUE_POOL = 36;
const QUEUE_CONTROL = 37;
export const QUEUE_CHUNKS = 48;
/** Int32s per chunk in the queue's chunk table: start, end, chunks done before it may start, chunks done when its call is. */
export const CHUNK_INTS = 4;

/** The chunks of one recorded kernel call; `stages` in call order make one job. */
export type Stage = KernelCall[][];

const KERNEL_INDEX = new Map<KernelName, number>(KERNEL_NAMES.map((name, i) => [name, i]));

/**
 * Encodes stages as a queue for `workers` workers; per call, the kernel's index in KERNEL_NAMES,
 * the argument count, the arguments in export order. Undefined when an argument is not an int32.
 * One typed array per call of the pool: allocating one per chunk cost more than the encoding.
 */
/**
 * The workers a job goes to: `workers` of the pool's `pool`, from `first` on (cyclically), whose
 * control blocks lie at `control` (CONTROL_INTS int32s each).
 */
export interface WakeList {
  control: number;
  first: number;
  pool: number;
}

export function encodeQueue(stages: Stage[], workers: number, wake: WakeList = { control: 0, first: 0, pool: workers }): Int32Array | undefined {
  const count = stages.reduce((n, chunks) => n + chunks.length, 0);
  let size = QUEUE_CHUNKS + CHUNK_INTS * count;
  for (const chunks of stages) for (const calls of chunks) for (const c of calls) size += 2 + KERNEL_PARAMS[c.kernel].length;
  const queue = new Int32Array(size);
  queue[QUEUE_COUNT] = count;
  queue[QUEUE_PENDING] = workers;
  queue[QUEUE_HANDED] = workers;
  queue[QUEUE_FIRST] = wake.first;
  queue[QUEUE_POOL] = wake.pool;
  queue[QUEUE_CONTROL] = wake.control;
  let o = QUEUE_CHUNKS + CHUNK_INTS * count;
  let chunk = 0;
  let before = 0; // chunks of the earlier stages
  for (const chunks of stages) {
    for (const calls of chunks) {
      const entry = QUEUE_CHUNKS + CHUNK_INTS * chunk++;
      queue[entry] = o;
      for (const c of calls) {
        const names = KERNEL_PARAMS[c.kernel] as readonly string[];
        const args = c.args as Record<string, number>;
        queue[o++] = KERNEL_INDEX.get(c.kernel)!;
        queue[o++] = names.length;
        for (const name of names) {
          const a = args[name];
          if (!Number.isInteger(a) || a < -(2 ** 31) || a >= 2 ** 31) return undefined;
          queue[o++] = a;
        }
      }
      queue[entry + 1] = o;
      queue[entry + 2] = before;
      queue[entry + 3] = before + chunks.length;
    }
    before += chunks.length;
  }
  return queue;
}

/**
 * Wakes up to `count` of a job's sleeping workers that no one has woken yet, in the order it was
 * handed to them; `self` (a worker's index) is skipped, and so are polling workers, which see
 * their request without a wake-up. The calling thread wakes one worker and each worker woken
 * wakes WAKE_FANOUT more before it claims a chunk: 16 workers are woken in 5 levels (1, 2, 4, 8,
 * 1), not 16 wake-ups in a row from the calling thread. Waking all from the calling thread was slower on 2 busy cores: the first
 * worker woken took the caller's core and ran the whole call before the caller could wake the
 * second (W1, W3: the second woke 1.8-2 ms later, median), which then polled that core while the
 * caller waited to hear the call was done.
 */
export function wakeWorkers(queue: Int32Array, memory: WebAssembly.Memory, count: number, self = -1): void {
  const handed = queue[QUEUE_HANDED];
  for (let woken = 0; woken < count;) {
    const k = Atomics.add(queue, QUEUE_WAKE, 1);
    if (k >= handed) return;
    const i = (queue[QUEUE_FIRST] + k) % queue[QUEUE_POOL];
    const control = controlBlock(memory, queue[QUEUE_CONTROL], i);
    // A worker found awake (busy with an earlier job, or about to sleep: its wait then sees the
    // request) does not count: the next one is woken instead.
    if (i !== self && !Atomics.load(control, POLLING) && Atomics.notify(control, REQUEST) > 0) woken++;
  }
}

/** How many more workers a woken worker wakes (see wakeWorkers). */
export const WAKE_FANOUT = 2;

/** Worker i's control block, of the pool's blocks from `control` on. */
export function controlBlock(memory: WebAssembly.Memory, control: number, i: number): Int32Array {
  return new Int32Array(memory.buffer, control + i * CONTROL_INTS * 4, CONTROL_INTS);
}

/** Worker i's index from its control block's address. */
export function workerIndex(queue: Int32Array, control: number): number {
  return (control - queue[QUEUE_CONTROL]) / (CONTROL_INTS * 4);
}

export interface JobMessage {
  id: number;
  calls: KernelCall[];
}

/** An error thrown in a worker (a kernel's trap, a thrown Error), as it travels to the main thread. */
export interface WorkerError {
  name: string;
  message: string;
  stack?: string;
}

export function workerError(error: unknown): WorkerError {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { name: 'Error', message: String(error) };
}

/**
 * A worker's answer: to a message job (`id`), or, with `queue`, the report that the shared-memory
 * job at that address failed in this worker (the first worker to fail it reports).
 */
export interface ReplyMessage {
  id: number;
  error?: WorkerError;
  queue?: number;
}

/**
 * An atomic read-modify-write of memory's first word (adding 0 changes nothing): a full fence, so
 * plain stores before it are visible to the thread that fences after receiving our message.
 */
export function fence(memory: WebAssembly.Memory): void {
  Atomics.add(new Int32Array(memory.buffer, 0, 1), 0, 0);
}
