// A pool worker (Node worker_threads or a browser module Worker): it instantiates the shared-memory
// build on the pool's one WebAssembly.Memory and runs lists of kernel calls that the main thread
// planned. It holds no logic of its own: every pointer and count comes in the message.

export interface InitMessage {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
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
        (instance) => { kernels = instance.exports as unknown as Kernels; port.postMessage({ id: -1 }); },
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
