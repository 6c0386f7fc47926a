// Synchronous deflation of a streamed PNG's filtered rows, on the thread that writes the file.
//
// Why not a node:zlib Deflate stream, as before: its work runs on the thread pool, but each chunk
// it is given waits for the writing thread's event loop to hand it over and take back the last
// one, and that thread is busy decoding and resizing the next band, synchronously, between turns.
// Measured on the bench's two PNGs (9 MP in, 0.9 MP out, 40 bands): the writer waited 60-120 ms
// for 20 ms of deflating, and the stream's callbacks cost more CPU than its work. Here each band
// is deflated in one native call, through the stream's handle (./png-inflate.ts says which calls
// and why they are safe to use), into arrays handed to `emit` as they fill. Where the runtime has
// no such handle, the filtered rows are kept and deflated at the end by one documented deflateSync
// (the whole filtered image held: more memory, the same bytes).

import * as zlib from 'node:zlib';
import { hasSyncHandle, type HandleStream, type NativeHandle } from './png-inflate.js';

/** Deflates one zlib stream: `write` any number of times, then `finish`; output goes to the `emit` given when made. */
export interface Deflater {
  write(input: Uint8Array): void;
  finish(): void;
  close(): void;
}

export type DeflaterKind = 'incremental' | 'whole';

/** Bytes of each array handed to `emit` (the last may be shorter). */
const OUT_BYTES = 65536;

let defaultKind: DeflaterKind | undefined;

/**
 * A deflater with zlib's `options`; `emit` takes each full array of output (never written again,
 * so it may be queued for a file). `kind` (tests): by default incremental where the runtime allows.
 */
export function createDeflater(options: zlib.ZlibOptions, emit: (bytes: Uint8Array) => void,
                               kind: DeflaterKind = defaultKind ??= hasSyncHandle(zlib.createDeflate()) ? 'incremental' : 'whole'): Deflater {
  return kind === 'incremental' ? new IncrementalDeflater(options, emit) : new WholeDeflater(options, emit);
}

class IncrementalDeflater implements Deflater {
  private readonly stream: HandleStream;
  private readonly handle: NativeHandle;
  private readonly state: Uint32Array;
  private out = new Uint8Array(OUT_BYTES);
  private used = 0;
  private error?: Error;

  constructor(options: zlib.ZlibOptions, private readonly emit: (bytes: Uint8Array) => void) {
    this.stream = zlib.createDeflate({ ...options, chunkSize: zlib.constants.Z_MIN_CHUNK }) as HandleStream; // its own output buffer is unused
    this.stream.on('error', (error) => { this.error = error; });
    this.handle = this.stream._handle!;
    this.state = this.stream._writeState!;
  }

  write(input: Uint8Array): void {
    this.run(zlib.constants.Z_NO_FLUSH, input);
  }

  finish(): void {
    this.run(zlib.constants.Z_FINISH, new Uint8Array(0));
    if (this.used > 0) this.emit(this.out.subarray(0, this.used));
    this.used = 0;
    this.close();
  }

  close(): void {
    this.stream.close();
  }

  /** Native calls until zlib has taken all of `input` and left room in the output (with Z_FINISH: the stream has ended). */
  private run(flush: number, input: Uint8Array): void {
    let inOff = 0;
    let inLen = input.length;
    for (;;) {
      const room = this.out.length - this.used;
      this.handle.writeSync(flush, input, inOff, inLen, this.out, this.used, room);
      if (this.stream.destroyed || !this.stream._handle) throw new Error(`deflate failed: ${this.stream.errored?.message ?? this.error?.message ?? 'zlib error'}`);
      const [outLeft, inLeft] = [this.state[0], this.state[1]];
      inOff += inLen - inLeft;
      inLen = inLeft;
      this.used += room - outLeft;
      if (this.used === this.out.length) {
        this.emit(this.out);
        this.out = new Uint8Array(OUT_BYTES);
        this.used = 0;
      }
      if (outLeft > 0) return;
    }
  }
}

class WholeDeflater implements Deflater {
  private parts: Uint8Array[] = [];

  constructor(private readonly options: zlib.ZlibOptions, private readonly emit: (bytes: Uint8Array) => void) {}

  write(input: Uint8Array): void {
    this.parts.push(input.slice()); // copied: the caller reuses its array
  }

  finish(): void {
    const deflated = zlib.deflateSync(Buffer.concat(this.parts), this.options);
    this.parts = [];
    for (let at = 0; at < deflated.length; at += OUT_BYTES) this.emit(deflated.subarray(at, at + OUT_BYTES));
  }

  close(): void {
    this.parts = [];
  }
}
