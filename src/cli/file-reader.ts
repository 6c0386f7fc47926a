// Sequential synchronous reads, from a file through one reused 1 MiB buffer or from bytes in
// memory without copying. Synchronous because the PNG reader decodes synchronously: an
// asynchronous 64 KiB read per round trip left the thread idle most of the time (a local file's
// readSync of 1 MiB takes well under a millisecond).

import { closeSync, openSync, readSync } from 'node:fs';
import { PngFormatError } from './png-header.js';

const FILE_BUFFER_BYTES = 2 ** 20;

/**
 * Reads a file or bytes in order. What `some` and `exactly` return is a view, valid until the next
 * call (a file's buffer is reused): copy what must outlive it.
 */
export class ByteReader {
  private buffer: Uint8Array;
  private start = 0;
  private end = 0;
  private position = 0;
  private fd: number | undefined;

  private constructor(source: number | Uint8Array) {
    if (typeof source === 'number') {
      this.fd = source;
      this.buffer = new Uint8Array(FILE_BUFFER_BYTES);
    } else {
      this.buffer = source;
      this.end = source.length;
    }
  }

  static ofFile(path: string): ByteReader {
    return new ByteReader(openSync(path, 'r'));
  }

  static ofBytes(bytes: Uint8Array): ByteReader {
    return new ByteReader(bytes);
  }

  /** Up to `max` bytes (at least 1), or an empty array at the end of the input. */
  some(max: number): Uint8Array {
    if (this.start === this.end && !this.refill(0)) return this.buffer.subarray(0, 0);
    const n = Math.min(max, this.end - this.start);
    this.start += n;
    return this.buffer.subarray(this.start - n, this.start);
  }

  /** Exactly `n` bytes; throws at a premature end of the input. */
  exactly(n: number, what: string): Uint8Array {
    if (this.end - this.start < n && this.fd !== undefined) {
      if (n > this.buffer.length) { // never for a PNG's headers and small chunks; kept general
        const out = new Uint8Array(n);
        for (let got = 0; got < n;) {
          const part = this.some(n - got);
          if (part.length === 0) throw new PngFormatError(`truncated file (in ${what})`);
          out.set(part, got);
          got += part.length;
        }
        return out;
      }
      this.buffer.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
      while (this.end < n && this.refill(this.end));
    }
    if (this.end - this.start < n) throw new PngFormatError(`truncated file (in ${what})`);
    this.start += n;
    return this.buffer.subarray(this.start - n, this.start);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Reads from the file into the buffer from `at` (what is before it is kept); false at the end of the file. */
  private refill(at: number): boolean {
    if (this.fd === undefined) return false;
    const n = readSync(this.fd, this.buffer, at, this.buffer.length - at, this.position);
    this.position += n;
    if (at === 0) this.start = 0;
    this.end = at + n;
    return n > 0;
  }
}
