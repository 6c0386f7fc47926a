// Starting a pool's workers: Node worker_threads or browser module Workers, each handed the
// compiled shared-memory build and the pool's memory (./worker.ts runs there).

import type { InitMessage, ReplyMessage } from './protocol.js';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

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

export interface WorkerHandle {
  post(message: unknown): void;
  /** Node: keep the process alive only while a job is pending. */
  hold(busy: boolean): void;
  terminate(): Promise<unknown> | void;
  onReply: (reply: ReplyMessage) => void;
  onFailure: (error: Error) => void;
}

export async function startWorker(url: URL | string | undefined, init: InitMessage): Promise<WorkerHandle> {
  const handle = {
    onReply: (_: ReplyMessage) => {},
    onFailure: (_: Error) => {},
  } as WorkerHandle;
  if (isNode) {
    const name = 'node:worker_threads';
    const { Worker: NodeWorker } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as typeof import('node:worker_threads');
    // A caller's URL resolves against this module (not a literal pattern: bundlers leave it alone).
    const here = import.meta.url;
    const script = url === undefined ? new URL('./worker.js', import.meta.url) : new URL(url, here);
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
    handle.onReply = (reply) => (reply.error ? reject(new Error(`pool worker could not start: ${reply.error.message}`)) : resolve());
    handle.onFailure = reject;
    handle.post(init);
  });
  handle.hold(false);
  return handle;
}

