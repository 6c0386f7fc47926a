// The scheduler's records of calls: the memory regions a call reads and writes (to order calls
// that touch the same arrays), the calls in flight, and a staged call's placement.

import type { KernelCall } from '../kernels.js';
import type { Job } from '../ops.js';
import type { Runs } from '../tiling/runs.js';

/** The bytes of one array: in the pool's memory (buffer: the Memory) or in a JS buffer. */
export interface Region {
  buffer: unknown;
  start: number;
  end: number;
}

export function overlap(a: Region[], b: Region[]): boolean {
  return a.some((x) => b.some((y) => x.buffer === y.buffer && x.start < y.end && y.start < x.end));
}

/** A call whose kernels the workers run (or will): its scratch memory and the arrays it uses. */
export interface Flight {
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
 * its kernel calls and how many workers it goes to; else its preparatory calls (run here) and
 * the last call's chunks (one message each). A small call has no queue and no chunks: all its
 * calls are `prep`, run here.
 */
export interface PlacedJob {
  dst: number;
  /** A band's output runs, packed at `dst` (see Staged). */
  runs?: Runs;
  /**
   * `first`: the first of the `workers` workers it goes to (the others follow it, cyclically);
   * `caller`: the calling thread claims chunks too.
   */
  queue: { ptr: number; length: number; workers: number; first: number; caller: boolean } | undefined;
  prep: KernelCall[];
  chunks: KernelCall[][];
  start: number;
  end: number;
}

/** The arrays a job reads (its inputs' typed arrays). */
export function inputArrays(job: Job): ArrayBufferView[] {
  return Object.values(job.inputs as Record<string, unknown>).filter((v): v is ArrayBufferView => ArrayBuffer.isView(v));
}
