// A pool worker (Node worker_threads or a browser module Worker): it instantiates the shared-memory
// build on the pool's one WebAssembly.Memory and runs lists of kernel calls that the main thread
// planned. It holds no logic of its own: every pointer and count comes in the message.

export interface InitMessage {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /**
   * Byte address of this worker's control block (CONTROL_INTS int32s) when jobs come through
   * shared memory (Atomics.wait / notify, lower latency than messages); then `names` lists the
   * kernels that jobs refer to by index.
   */
  control?: number;
  names?: string[];
}

/** Int32 slots of a control block: request sequence, done sequence, job address, job length, error. */
export const CONTROL_INTS = 16;
export const REQUEST = 0;
export const DONE = 1;
export const JOB_PTR = 2;
export const JOB_LENGTH = 3;
export const FAILED = 4;
/** A request sequence number that tells the worker to leave its loop. */
export const STOP = -1;

/** Encodes calls for a shared-memory job: per call, the kernel's index, the argument count, the arguments. */
export function encodeJob(calls: KernelCall[], index: Map<string, number>): Int32Array | undefined {
  const out: number[] = [];
  for (const [name, args] of calls) {
    const i = index.get(name);
    if (i === undefined || !args.every((a) => Number.isInteger(a) && a >= -(2 ** 31) && a < 2 ** 31)) return undefined;
    out.push(i, args.length, ...args);
  }
  return Int32Array.from(out);
}

/** Waits for jobs in shared memory and runs them, until told to stop (blocks this worker's event loop). */
function runLoop(port: Port, kernels: Kernels, memory: WebAssembly.Memory, control: number, names: string[]): void {
  const ctrl = new Int32Array(memory.buffer, control, CONTROL_INTS); // low addresses: valid after growth
  // From the last finished job, not the current request: one may already be waiting.
  let seen = Atomics.load(ctrl, DONE);
  for (;;) {
    Atomics.wait(ctrl, REQUEST, seen);
    const seq = Atomics.load(ctrl, REQUEST);
    if (seq === seen) continue;
    if (seq === STOP) return;
    seen = seq;
    let failed = 0;
    try {
      const job = new Int32Array(memory.buffer, Atomics.load(ctrl, JOB_PTR), Atomics.load(ctrl, JOB_LENGTH));
      for (let i = 0; i < job.length;) {
        const argc = job[i + 1];
        kernels[names[job[i]]](...job.subarray(i + 2, i + 2 + argc));
        i += 2 + argc;
      }
    } catch (error) {
      failed = 1;
      port.postMessage({ id: seq, error: error instanceof Error ? error.message : String(error) });
    }
    Atomics.store(ctrl, FAILED, failed);
    Atomics.store(ctrl, DONE, seq);
    Atomics.notify(ctrl, DONE);
  }
}

/** One kernel call: an export's name and its arguments (byte addresses and counts). */
export type KernelCall = [name: string, args: number[]];

export interface JobMessage {
  id: number;
  calls: KernelCall[];
}

export interface ReplyMessage {
  id: number;
  error?: string;
}

interface Port {
  postMessage(message: unknown): void;
}

type Kernels = Record<string, (...args: number[]) => unknown>;

/**
 * An atomic read-modify-write of memory's first word (adding 0 changes nothing): a full fence, so
 * plain stores before it are visible to the thread that fences after receiving our message.
 */
export function fence(memory: WebAssembly.Memory): void {
  Atomics.add(new Int32Array(memory.buffer, 0, 1), 0, 0);
}

function serve(port: Port, listen: (handler: (data: InitMessage | JobMessage) => void) => void): void {
  let kernels: Kernels | undefined;
  let memory: WebAssembly.Memory | undefined;
  listen((data) => {
    if ('module' in data) {
      memory = data.memory;
      const imports = { env: { memory, abort: () => { throw new Error('upsample-wasm: kernel abort'); } } };
      WebAssembly.instantiate(data.module, imports).then(
        (instance) => {
          kernels = instance.exports as unknown as Kernels;
          port.postMessage({ id: -1 });
          if (data.control !== undefined) runLoop(port, kernels, data.memory, data.control, data.names ?? []);
        },
        (error: unknown) => port.postMessage({ id: -1, error: String(error) }),
      );
      return;
    }
    const reply: ReplyMessage = { id: data.id };
    try {
      if (!kernels || !memory) throw new Error('worker used before its module was loaded');
      fence(memory);
      for (const [name, args] of data.calls) kernels[name](...args);
      fence(memory);
    } catch (error) {
      reply.error = error instanceof Error ? error.message : String(error);
    }
    port.postMessage(reply);
  });
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

if (isNode) {
  const name = 'node:worker_threads';
  const { parentPort } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as typeof import('node:worker_threads');
  if (parentPort) serve(parentPort, (handler) => parentPort.on('message', handler));
} else if (typeof self !== 'undefined') {
  const scope = self as unknown as Port & { onmessage: ((event: MessageEvent) => void) | null };
  serve(scope, (handler) => { scope.onmessage = (event) => handler(event.data); });
}
