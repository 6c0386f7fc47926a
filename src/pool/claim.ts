// Running a shared-memory job's chunks (see ./protocol.ts, encodeQueue): what a worker and the
// calling thread do alike once they hold a chunk, and the calling thread's way of claiming them,
// which never blocks (a browser's main thread may not Atomics.wait).

import { CHUNK_INTS, QUEUE_CHUNKS, QUEUE_COUNT, QUEUE_DONE, QUEUE_FAILED, QUEUE_NEXT, QUEUE_PENDING } from './protocol.js';

/** A kernel's export by its index in KERNEL_NAMES. */
export type KernelsByIndex = ((...args: number[]) => void)[];

/**
 * Runs claimed chunk `c` of `queue` and counts it done; the thread that completes a call (its
 * last chunk) wakes those waiting for it: one wake-up a call, not a chunk.
 */
export function runChunk(queue: Int32Array, c: number, kernels: KernelsByIndex): void {
  const entry = QUEUE_CHUNKS + CHUNK_INTS * c;
  for (let i = queue[entry], end = queue[entry + 1]; i < end;) {
    const argc = queue[i + 1];
    kernels[queue[i]](...queue.subarray(i + 2, i + 2 + argc));
    i += 2 + argc;
  }
  if (Atomics.add(queue, QUEUE_DONE, 1) + 1 === queue[entry + 3]) Atomics.notify(queue, QUEUE_DONE);
}

/**
 * The calling thread's share of a job: it claims the next chunk while one remains that may start
 * now, or within `spin` ms (it waits on an earlier call's chunks that others run: a convolution's
 * packing), and runs it. Returns how many it ran, when none is left, when it would have to wait longer, or after
 * a failure: the job's, or its own (thrown where it is the job's first, with the failed flag set).
 */
export function claimReady(queue: Int32Array, kernels: KernelsByIndex, spin: number): number {
  const count = queue[QUEUE_COUNT];
  for (let until = -1, claimed = 0; ;) {
    const c = Atomics.load(queue, QUEUE_NEXT);
    if (c >= count || Atomics.load(queue, QUEUE_FAILED)) return claimed;
    if (Atomics.load(queue, QUEUE_DONE) < queue[QUEUE_CHUNKS + CHUNK_INTS * c + 2]) {
      const now = performance.now();
      if (until < 0) until = now + spin;
      else if (now >= until) return claimed;
      continue;
    }
    until = -1;
    // Claims with compare-and-swap, not add: only the chunk whose wait was checked.
    if (Atomics.compareExchange(queue, QUEUE_NEXT, c, c + 1) !== c) continue;
    try {
      runChunk(queue, c, kernels);
      claimed++;
    } catch (error) {
      // Thrown only by the job's first failure (a worker's is reported by message instead).
      if (Atomics.compareExchange(queue, QUEUE_FAILED, 0, 1) === 0) throw error;
      return claimed;
    }
  }
}

/**
 * The calling thread's part in a job it joins: its chunks (claimReady), then a poll of up to
 * `spin` ms for the workers' last ones, which end within about a chunk's time (rather than hear
 * of their end through the event loop). `ran`: the chunks it ran; `error`: the job's first
 * failure, where it was one of its own (the workers then stop claiming).
 */
export function joinJob(queue: Int32Array, kernels: KernelsByIndex, spin: number): { ran: number; error?: unknown } {
  let joined: { ran: number; error?: unknown };
  try {
    joined = { ran: claimReady(queue, kernels, spin) };
  } catch (error) {
    joined = { ran: 0, error };
  }
  for (const until = performance.now() + spin; Atomics.load(queue, QUEUE_PENDING) > 0 && performance.now() < until;);
  return joined;
}
