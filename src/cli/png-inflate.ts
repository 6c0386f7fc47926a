// Synchronous inflation of a PNG's image data, straight into the reader's row buffers.
//
// Why not node:zlib's documented APIs: an Inflate stream is asynchronous (every 64 KiB a round
// trip to the thread pool: the thread waited more than it worked; a 3000 x 2000 RGB PNG's rows
// took ~2x one inflateSync of its data), and inflateSync takes the whole data and gives the whole
// filtered image: measured on that file, rows through it take 104 ms and peak at 123 MB RSS, 84 ms
// and 53 MB through the handle below (medians of 5, shared 2-core machine). `_processChunk(chunk, flag)` without a callback is
// synchronous but closes the stream after one call (it is inflateSync's body), so it cannot
// continue. What it loops over can: the stream's native handle, `writeSync(flush, in, inOff,
// inLen, out, outOff, outLen)` with the counts left in `_writeState` (the same calls since Node
// 10; Node's own processChunkSync uses them). It writes into our buffer, so output is bounded by
// the buffer: a zip bomb fills one row and is refused, never allocating more.
//
// Where the handle is not there (another runtime, a future Node): `WholeInflater`, one
// documented inflateSync of all the data with maxOutputLength = what the header needs + 1
// (checked against --max-pixels before this), so it is bounded too, but holds the compressed and
// the inflated image at once.

import * as zlib from 'node:zlib';
import { PngFormatError } from './png-header.js';

/**
 * Where an inflater pulls the concatenated IDAT data from (undefined at its end): a method of a
 * class, not a closure made per file, which V8's compiled `fill` called as a constant (the next
 * file's closure deoptimised it as a "wrong call target", a collected one as "weak objects").
 */
export interface DataSource {
  nextData(): Uint8Array | undefined;
}

/** Inflates the concatenated IDAT data, pulling it from a DataSource. */
export interface Inflater {
  /** Fills `out` from `at` on; returns the end reached, short of out.length only where the data ran out (or its zlib stream ended). */
  fill(out: Uint8Array, at: number): number;
  /** Bytes given by `fill` so far. */
  readonly produced: number;
  /** After the last row: refuses more data or a zlib stream that did not end, and pulls the input to its end. */
  finish(): void;
  close(): void;
}

export type InflaterKind = 'incremental' | 'whole';

export interface NativeHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
}
/** A zlib stream with its native handle, and the counts its writeSync leaves: [avail_out, avail_in]. */
export type HandleStream = (zlib.Inflate | zlib.Deflate) & { _handle?: NativeHandle | null; _writeState?: Uint32Array };

/** Whether `stream` (made only for this, then closed) has the synchronous native handle used here and by ./png-deflate.ts. */
export function hasSyncHandle(stream: zlib.Inflate | zlib.Deflate): boolean {
  const probe = stream as HandleStream;
  const ok = typeof probe._handle?.writeSync === 'function' && probe._writeState instanceof Uint32Array && probe._writeState.length >= 2;
  probe.close();
  return ok;
}

/** Whether this runtime's zlib streams have the synchronous native handle IncrementalInflater uses. */
export const hasIncrementalInflate = (): boolean => hasSyncHandle(zlib.createInflate({ chunkSize: zlib.constants.Z_MIN_CHUNK }));

let defaultKind: InflaterKind | undefined;

export function createInflater(source: DataSource, expected: number, tooMuch: () => PngFormatError,
                               kind: InflaterKind = defaultKind ??= hasIncrementalInflate() ? 'incremental' : 'whole'): Inflater {
  return kind === 'incremental' ? new IncrementalInflater(source, tooMuch) : new WholeInflater(source, expected, tooMuch);
}

const corrupt = (message: string) => new PngFormatError(`corrupt image data (${message})`);

class IncrementalInflater implements Inflater {
  private readonly stream = zlib.createInflate({ chunkSize: zlib.constants.Z_MIN_CHUNK }) as HandleStream; // its own output buffer is unused
  private readonly handle: NativeHandle;
  private readonly state: Uint32Array;
  private input: Uint8Array = new Uint8Array(0);
  private inOff = 0;
  private inLen = 0;
  /** The zlib stream ended (it took no more input with room left for output): the rest of the data is ignored, as zlib streams do. */
  private ended = false;
  private error?: Error;
  produced = 0;

  constructor(private readonly source: DataSource, private readonly tooMuch: () => PngFormatError) {
    this.stream.on('error', (error) => { this.error = error; }); // reported by fill(); the stream's own 'error' event comes a tick later
    this.handle = this.stream._handle!;
    this.state = this.stream._writeState!;
  }

  fill(out: Uint8Array, at: number): number {
    while (at < out.length && !this.ended) {
      if (this.inLen === 0) {
        const next = this.source.nextData();
        if (!next) break;
        this.input = next;
        this.inOff = 0;
        this.inLen = next.length;
        continue;
      }
      const room = out.length - at;
      const left = this.write(zlib.constants.Z_NO_FLUSH, out, at, room);
      at += room - left;
      this.produced += room - left;
      if (left > 0 && this.inLen > 0) this.ended = true;
    }
    return at;
  }

  finish(): void {
    const scratch = new Uint8Array(256);
    if (this.fill(scratch, 0) > 0) throw this.tooMuch();
    if (!this.ended) this.write(zlib.constants.Z_FINISH, scratch, 0, scratch.length); // zlib: "unexpected end of file" unless the stream ended
    while (this.source.nextData());
  }

  close(): void {
    this.stream.close();
  }

  /** One native call; returns the room left in `out`. */
  private write(flush: number, out: Uint8Array, at: number, room: number): number {
    this.handle.writeSync(flush, this.input, this.inOff, this.inLen, out, at, room);
    // zlib's error destroys the stream synchronously (Node 14 on; before, it nulled the handle and emitted 'error' at once).
    if (this.stream.destroyed || !this.stream._handle) throw corrupt(this.stream.errored?.message ?? this.error?.message ?? 'zlib error');
    const left = this.state[1];
    this.inOff += this.inLen - left;
    this.inLen = left;
    return this.state[0];
  }
}

class WholeInflater implements Inflater {
  private data?: Uint8Array;
  private at = 0;
  produced = 0;

  constructor(private readonly source: DataSource, private readonly expected: number, private readonly tooMuch: () => PngFormatError) {}

  fill(out: Uint8Array, at: number): number {
    const data = this.data ??= this.inflateAll();
    const n = Math.min(out.length - at, data.length - this.at);
    out.set(data.subarray(this.at, this.at + n), at);
    this.at += n;
    this.produced += n;
    return at + n;
  }

  finish(): void {
    const data = this.data ??= this.inflateAll();
    if (this.at < data.length) throw this.tooMuch();
  }

  close(): void {
    this.data = undefined;
  }

  private inflateAll(): Uint8Array {
    const parts: Uint8Array[] = [];
    for (let part = this.source.nextData(); part; part = this.source.nextData()) parts.push(part.slice()); // copied: a file's buffer is reused
    try {
      return zlib.inflateSync(Buffer.concat(parts), { maxOutputLength: this.expected + 1 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw this.tooMuch();
      throw corrupt((error as Error).message);
    }
  }
}
