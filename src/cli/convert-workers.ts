// Worker threads for ./convert.ts (an image held whole) and ./png-stream.ts (a PNG to PNG or
// JPEG file streamed, the worker reading and writing the files): a folder run keeps `threads` images in
// flight (one decoding while another encodes), and even one image leaves the main thread free to
// answer signals.

import type { Worker } from 'node:worker_threads';
import { ImageFileError } from './codecs.js';
import type { ConvertRequest, ConvertResult } from './convert.js';
import type { PngStreamRequest, StreamedPng } from './png-stream.js';
import { ownBuffer } from './transfer.js';
import type { CodecNeeds } from './wasm-codecs.js';

interface Waiting { resolve: (r: unknown) => void; reject: (e: Error) => void }

/** The worker script: beside this file when built; from dist/ when this file runs as TypeScript (tests). */
function scriptUrl(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../../dist/cli/convert-worker.js', here) : new URL('./convert-worker.js', here);
}

class ConvertThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  readonly ready: Promise<void>;
  busy = 0;

  constructor(plainJs: boolean, threads: typeof import('node:worker_threads'), preload?: CodecNeeds) {
    this.worker = new threads.Worker(scriptUrl(), { workerData: { plainJs, preload } });
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.on('message', (m: { ready?: true; id: number; result?: unknown; error?: { message: string; file: boolean } }) => {
        if (m.ready) { resolve(); return; }
        const w = this.waiting.get(m.id)!;
        this.waiting.delete(m.id);
        if (!m.error) w.resolve(m.result ?? undefined); // a streamed file not streamed: null
        else w.reject(m.error!.file ? new ImageFileError(m.error!.message) : new Error(m.error!.message));
      });
    });
    this.worker.on('error', (error) => { for (const w of this.waiting.values()) w.reject(error); this.waiting.clear(); });
    this.worker.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`the converter thread exited (code ${code})`));
      this.waiting.clear();
    });
  }

  convert(request: ConvertRequest): Promise<ConvertResult> {
    const bytes = ownBuffer(request.bytes); // transferred
    return this.send({ request: { ...request, bytes } }, [bytes.buffer as ArrayBuffer]) as Promise<ConvertResult>;
  }

  /** The worker streams the file itself (./png-stream.ts); undefined where streaming does not apply. */
  streamPng(stream: PngStreamRequest): Promise<StreamedPng | undefined> {
    return this.send({ stream }, []) as Promise<StreamedPng | undefined>;
  }

  /** Runs a request on this thread, which ConvertWorkers.claim counted busy when it chose it. */
  private async send(message: { request?: ConvertRequest; stream?: PngStreamRequest }, transfer: ArrayBuffer[]): Promise<unknown> {
    try {
      await this.ready;
      const id = this.nextId++;
      return await new Promise<unknown>((resolve, reject) => {
        this.waiting.set(id, { resolve, reject });
        this.worker.postMessage({ id, ...message }, transfer);
      });
    } finally {
      this.busy--;
    }
  }

  terminate(): Promise<number> { return this.worker.terminate(); }
}

/**
 * Up to `count` converter threads, started on first use (or by start()); each request goes to an
 * idle thread, a new one while fewer than `count` run, else the least busy, where it waits its turn
 * (a thread converts one request at a time, in the order they came).
 */
export class ConvertWorkers {
  private readonly threads: ConvertThread[] = [];
  /** `preload`: the WebP and AVIF codecs each thread loads as it starts (those the run's files use). */
  constructor(private readonly count: number, private readonly plainJs: boolean, private readonly preload?: CodecNeeds) {}

  /** node:worker_threads, loaded with the first thread (a run converting only on its main thread never loads it). */
  private module?: Promise<typeof import('node:worker_threads')>;

  /** Threads started so far (tests). */
  get started(): number { return this.threads.length; }

  /** Starts the first thread now (it loads the library while the caller works); its errors wait for the first request. */
  start(): void {
    void this.threadsModule().then((module) => { if (this.threads.length === 0) this.spawn(module); }).catch(() => {});
  }

  private threadsModule(): Promise<typeof import('node:worker_threads')> {
    return (this.module ??= import('node:worker_threads'));
  }

  private spawn(module: typeof import('node:worker_threads')): ConvertThread {
    const thread = new ConvertThread(this.plainJs, module, this.preload);
    this.threads.push(thread);
    thread.ready.catch(() => {}); // reported by convert()
    return thread;
  }

  /**
   * The thread for the next request, counted busy from this choice on (its send counts it free
   * again), so that requests made in one turn of the event loop (lanes whose files were read
   * synchronously) spread over the threads instead of all finding the same one idle.
   */
  private async claim(): Promise<ConvertThread> {
    const module = await this.threadsModule();
    let thread = this.threads.find((t) => t.busy === 0);
    if (!thread && this.threads.length < this.count) thread = this.spawn(module);
    thread ??= this.threads.reduce((a, b) => (b.busy < a.busy ? b : a));
    thread.busy++;
    return thread;
  }

  async convert(request: ConvertRequest): Promise<ConvertResult> {
    return (await this.claim()).convert(request);
  }

  /** A PNG to PNG or JPEG file streamed by a thread (into the request's temporary file); undefined where streaming does not apply. */
  async streamPng(request: PngStreamRequest): Promise<StreamedPng | undefined> {
    return (await this.claim()).streamPng(request);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.splice(0).map((t) => t.terminate()));
  }
}
