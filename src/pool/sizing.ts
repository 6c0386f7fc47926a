// How many threads one pool call uses and how finely it is cut, from its size.
//
// Waking a worker and hearing back from it costs the calling thread 50-350 µs a call (measured
// on 2 shared EPYC cores; sleeping threads of a virtual machine wake slowly), and on a 16-core
// Xeon, calls of 1.5-4 ms ran slower on 16 workers than on 8 (issue #18). So a call's work,
// estimated in multiply-adds (./split.ts workOf), decides: below `inlineWork` the calling thread
// runs it (no worker is woken); else one worker per `workerWork` of it (at least 2, at most the
// pool's), and chunks of about `chunkWork` each, so that a worker held up by other processes
// delays the call by a chunk, not by its share. Up to `callerWork`, the calling thread is one of
// the call's threads (PoolOptions.callerJoins): it works from the start instead of waiting for
// woken workers (W3 with 2 threads on the EPYC: 0.62x the sync time, against 1.1x with 2 workers
// and a waiting caller). About 12-16 multiply-adds a nanosecond, one thread (W3 bicubic 2x
// [1,3,512,512]: 19 M in 1.5 ms on the Xeon, 2.2 ms on the EPYC; W4 convT: 67 M).

/** Thresholds in multiply-adds (see workOf); the pool's are DEFAULT_SIZING. */
export interface Sizing {
  /** Calls with less work run on the calling thread. */
  inlineWork: number;
  /** Work that justifies one more worker. */
  workerWork: number;
  /** Work per chunk that workers claim (about 60-100 µs). */
  chunkWork: number;
  /**
   * Calls with at most this work run on the calling thread too, as one of their threads (it
   * claims chunks beside the workers): the call starts without waiting for a wake-up, and the
   * calling thread is blocked for its share (about 4 ms at most, 2 threads). -1: never.
   */
  callerWork: number;
}

export const DEFAULT_SIZING: Readonly<Sizing> = { inlineWork: 2e6, workerWork: 2e6, chunkWork: 1e6, callerWork: 1e8 };

/**
 * Splits every call over all workers in as many chunks as it allows (the pool as it was before
 * sizing): for tests of the workers' claiming and for measuring what sizing gains.
 */
export const SPLIT_ALL: Readonly<Sizing> = { inlineWork: 0, workerWork: 0, chunkWork: 0, callerWork: -1 };

/** SPLIT_ALL with the calling thread joining every call (as one of its threads). */
export const SPLIT_ALL_JOINED: Readonly<Sizing> = { ...SPLIT_ALL, callerWork: Infinity };

/** At most this many chunks a worker for one kernel call: beyond it, per-chunk setup shows. */
export const CHUNKS_PER_WORKER = 4;

/** Threads for a call of `work`: 0 (the calling thread), else how many of `workers` workers. */
export function threadsFor(work: number, workers: number, sizing: Sizing): number {
  if (work < sizing.inlineWork) return 0;
  const wanted = sizing.workerWork > 0 ? Math.floor(work / sizing.workerWork) : workers;
  return Math.max(1, Math.min(workers, Math.max(2, wanted)));
}

/** Chunks a worker for one kernel call of `work` shared by `workers`: 1 to CHUNKS_PER_WORKER. */
export function chunksPerWorker(work: number, workers: number, sizing: Sizing): number {
  if (sizing.chunkWork <= 0) return CHUNKS_PER_WORKER;
  return Math.max(1, Math.min(CHUNKS_PER_WORKER, Math.round(work / (workers * sizing.chunkWork))));
}

/**
 * Who runs a call of `work` on a pool of `workers`: `threads` of them (0: the calling thread
 * alone), `workers` workers and, where `caller`, the calling thread as one of them (a call of at
 * most callerWork, where `canJoin`: jobs through shared memory and no later call waiting to be
 * staged). A joined call that would leave no worker (a one-thread pool) runs on the calling
 * thread alone.
 */
export function callThreads(work: number, workers: number, sizing: Sizing, canJoin: boolean): { threads: number; workers: number; caller: boolean } {
  const threads = threadsFor(work, workers, sizing);
  const caller = canJoin && threads > 0 && work <= sizing.callerWork;
  const onWorkers = threads - (caller ? 1 : 0);
  return onWorkers === 0 ? { threads: 0, workers: 0, caller: false } : { threads, workers: onWorkers, caller };
}
