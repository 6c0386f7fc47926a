// A pool worker (Node worker_threads or a browser module Worker): it instantiates the shared-memory
// build on the pool's one WebAssembly.Memory and runs lists of kernel calls that the main thread
// planned. It holds no logic of its own: every pointer and count comes in the message or the job.
// Only a Worker loads this file (the package never imports it): its top level starts serving.

import { invoke, KERNEL_NAMES, type KernelExports } from '../kernels.js';
import { type KernelsByIndex, runChunk } from './claim.js';
import { importsFor } from '../wasm/load.js';
import { CHUNK_INTS, CONTROL_INTS, fence, HEARD, HEARD_MS, jobSlot, POLLING, QUEUE_CHUNKS, QUEUE_COUNT, QUEUE_DONE, QUEUE_FAILED, QUEUE_NEXT, QUEUE_PENDING, REQUEST,
  SLEEP_SLICE_MS, STOP, type InitMessage, type JobMessage, type ReplyMessage, WAKE_FANOUT, wakeWorkers, workerError, workerIndex } from './protocol.js';

interface Port {
  postMessage(message: unknown): void;
}


/**
 * Runs the jobs handed to this worker in shared memory, in sequence order, claiming chunks from
 * each, until told to stop (blocks this worker's event loop). Woken, it wakes WAKE_FANOUT of the
 * job's other workers before it works. After a job, the worker that finished it last polls for
 * `spin` milliseconds before it sleeps (waitWhile), flagged POLLING meanwhile, and wakes the
 * others for the next job; the others sleep at once: their polls held cores that the job's last
 * chunks and the calling thread needed (2 busy cores, W1 and W3: the last worker ended 0.25-0.3
 * ms after the first with every worker polling 0.2 ms, 0.05-0.1 ms with none). The finisher
 * sleeps early too where the calling thread has not heard of the end HEARD_MS after it: that
 * thread then waits for a core, likely the finisher's (on 2 busy cores it heard 0.2 ms late, the
 * poll's length, when the finisher polled on).
 */
function runLoop(port: Port, kernels: KernelExports, memory: WebAssembly.Memory, control: number, spin: number): void {
  const byIndex = KERNEL_NAMES.map((name) => kernels[name]) as unknown as KernelsByIndex;
  const ctrl = new Int32Array(memory.buffer, control, CONTROL_INTS); // low addresses: valid after growth
  let done = 0; // the last job run: requests count from 1
  let poll = spin;
  let finished = 0;
  // The calling thread has not heard of the job's end HEARD_MS after it: it waits for a core, likely this one.
  const starved = (now: number): boolean => now - finished > HEARD_MS && Atomics.load(ctrl, HEARD) < done;
  for (;;) {
    if (waitWhile(ctrl, REQUEST, (request) => request === done, poll, SLEEP_SLICE_MS, POLLING, starved) === STOP) return;
    const seq = done + 1; // the main thread may have queued the one after it too
    const slot = jobSlot(seq);
    const queue = new Int32Array(memory.buffer, Atomics.load(ctrl, slot), Atomics.load(ctrl, slot + 1));
    wakeWorkers(queue, memory, WAKE_FANOUT, workerIndex(queue, control));
    try {
      const count = queue[QUEUE_COUNT];
      // After a failure, claim no more: the call rejects anyway, the other workers drain the queue.
      for (let c = Atomics.add(queue, QUEUE_NEXT, 1); c < count; c = Atomics.add(queue, QUEUE_NEXT, 1)) {
        const entry = QUEUE_CHUNKS + CHUNK_INTS * c;
        if (!awaitChunks(queue, queue[entry + 2], spin)) break;
        runChunk(queue, c, byIndex);
      }
    } catch (error) {
      // The first worker to fail the job reports it (with the stack) before it counts itself out.
      if (Atomics.compareExchange(queue, QUEUE_FAILED, 0, 1) === 0) {
        port.postMessage({ id: seq, queue: queue.byteOffset, error: workerError(error) } satisfies ReplyMessage);
      }
    }
    done = seq;
    const last = Atomics.sub(queue, QUEUE_PENDING, 1) === 1;
    if (last) Atomics.notify(queue, QUEUE_PENDING);
    poll = last ? spin : 0;
    finished = performance.now();
  }
}

/**
 * Waits while `waiting(array[index])`: polls for `spin` milliseconds, then sleeps on the slot
 * (`timeout` ms at a time), since waking a sleeping thread costs 50-150 µs on a virtual machine
 * whose idle cores halt and a poll sees a change at once. Returns the value that ended the wait.
 * `polling`: the index of a flag in `array` that is 1 while it polls; `stop`: ends the poll early.
 */
function waitWhile(array: Int32Array, index: number, waiting: (value: number) => boolean, spin: number, timeout = Infinity, polling = -1,
                   stop?: (now: number) => boolean): number {
  let until = -1;
  for (let value = Atomics.load(array, index); ; value = Atomics.load(array, index)) {
    if (!waiting(value)) {
      if (polling >= 0 && until >= 0) Atomics.store(array, polling, 0);
      return value;
    }
    const now = performance.now();
    if (until < 0) {
      until = now + spin;
      if (polling >= 0 && spin > 0) Atomics.store(array, polling, 1);
    } else if (now >= until || stop?.(now)) {
      until = now;
      // Flag cleared before sleeping: a thread that reads it as polling stored the request first (wakeWorkers).
      if (polling >= 0) Atomics.store(array, polling, 0);
      Atomics.wait(array, index, value, timeout);
    }
  }
}

/**
 * Waits until `before` chunks of the job are done (the earlier calls' chunks); the sleeps last
 * 1 ms at most, as a failing chunk completes nothing. False if a chunk failed meanwhile.
 */
function awaitChunks(queue: Int32Array, before: number, spin: number): boolean {
  return waitWhile(queue, QUEUE_DONE, (done) => done < before && !Atomics.load(queue, QUEUE_FAILED), spin, 1) >= before;
}

function serve(port: Port, listen: (handler: (data: InitMessage | JobMessage) => void) => void): void {
  let kernels: KernelExports | undefined;
  let memory: WebAssembly.Memory | undefined;
  listen((data) => {
    if ('module' in data) {
      memory = data.memory;
      WebAssembly.instantiate(data.module, importsFor(memory)).then(
        (instance) => {
          kernels = instance.exports as unknown as KernelExports;
          port.postMessage({ id: -1 });
          if (data.control !== undefined) runLoop(port, kernels, data.memory, data.control, data.spin ?? 0);
        },
        (error: unknown) => port.postMessage({ id: -1, error: workerError(error) } satisfies ReplyMessage),
      );
      return;
    }
    const reply: ReplyMessage = { id: data.id };
    try {
      if (!kernels || !memory) throw new Error('worker used before its module was loaded');
      fence(memory);
      for (const c of data.calls) invoke(kernels, c);
      fence(memory);
    } catch (error) {
      reply.error = workerError(error);
    }
    port.postMessage(reply);
  });
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

// No top-level await: bundlers may build workers as classic scripts.
if (isNode) {
  const name = 'node:worker_threads';
  void (import(/* @vite-ignore */ /* webpackIgnore: true */ name) as Promise<typeof import('node:worker_threads')>).then(({ parentPort }) => {
    if (parentPort) serve(parentPort, (handler) => parentPort.on('message', handler));
  });
} else if (typeof self !== 'undefined') {
  const scope = self as unknown as Port & { onmessage: ((event: MessageEvent) => void) | null };
  serve(scope, (handler) => { scope.onmessage = (event) => handler(event.data); });
}
