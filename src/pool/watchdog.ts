// A diagnostic for pool calls that never end (seen three times in the test suite's history, never
// reproduced since, cause unknown): with UPSAMPLE_POOL_WATCHDOG_MS set (Node; the CI script sets
// it), a shared-memory job still pending after that many ms prints its queue header and its
// workers' control blocks to stderr, once. A header with PENDING above 0 and every chunk done
// points to a worker that never saw its request; DONE short of COUNT with no worker running, to a
// lost chunk. It reads shared memory only: it changes nothing the call does.

import { controlBlock, HEARD, POLLING, QUEUE_CHUNKS, QUEUE_COUNT, QUEUE_DONE, QUEUE_FAILED, QUEUE_NEXT, QUEUE_PENDING, QUEUE_WAKE, REQUEST } from './protocol.js';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
const WATCHDOG_MS = Number(env?.UPSAMPLE_POOL_WATCHDOG_MS ?? 0);

/** What the watchdog reads of one job: its queue and the control blocks of the workers it went to. */
export interface WatchedJob {
  memory: WebAssembly.Memory;
  queue: number;
  control: number;
  /** Worker indices the job went to, and the sequence number each got it under. */
  workers: number[];
  sequence: number[];
  /** Whether the calling thread joined (claimed chunks). */
  caller: boolean;
}

/** Arms the watchdog for a job (no-op unless UPSAMPLE_POOL_WATCHDOG_MS is set); returns its disarm. */
export function watchJob(job: WatchedJob): () => void {
  if (!(WATCHDOG_MS > 0)) return () => {};
  const start = performance.now();
  const timer = setTimeout(() => {
    const h = new Int32Array(job.memory.buffer, job.queue, QUEUE_CHUNKS);
    const header = { next: h[QUEUE_NEXT], count: h[QUEUE_COUNT], done: h[QUEUE_DONE], failed: h[QUEUE_FAILED], pending: h[QUEUE_PENDING], wake: h[QUEUE_WAKE] };
    const workers = job.workers.map((w, k) => {
      const c = controlBlock(job.memory, job.control, w);
      return { worker: w, sequence: job.sequence[k], request: c[REQUEST], polling: c[POLLING], heard: c[HEARD], slots: Array.from(c.subarray(4, 8)) };
    });
    process.stderr.write(`upsample-wasm pool watchdog: a job at ${job.queue} pending after ${(performance.now() - start).toFixed(0)} ms `
      + `${JSON.stringify({ caller: job.caller, header, workers })}\n`);
  }, WATCHDOG_MS) as unknown as { unref?: () => void };
  timer.unref?.();
  return () => clearTimeout(timer as never);
}
