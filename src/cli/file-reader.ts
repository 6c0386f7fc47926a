// Sequential reads through a 64 KiB buffer, from a file or from bytes in memory (tests, fuzzing).

import { PngFormatError } from './png-header.js';

/** What FileReader needs of a FileHandle. */
export interface ByteSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    read: async (buffer, offset, length, position) => {
      const part = bytes.subarray(Math.min(position, bytes.length), Math.min(position + length, bytes.length));
      buffer.set(part, offset);
      return { bytesRead: part.length };
    },
    close: async () => {},
  };
}

/** Sequential reads from a ByteSource. */
export class FileReader {
  private buffer = Buffer.alloc(65536);
  private start = 0;
  private end = 0;
  private position = 0;
  constructor(private readonly handle: ByteSource) {}

  /** Up to `max` bytes (at least 1), or an empty array at the end of the file. */
  async some(max: number): Promise<Buffer> {
    if (this.start === this.end) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, this.buffer.length, this.position);
      this.position += bytesRead;
      this.start = 0;
      this.end = bytesRead;
      if (bytesRead === 0) return Buffer.alloc(0);
    }
    const n = Math.min(max, this.end - this.start);
    const out = Buffer.from(this.buffer.subarray(this.start, this.start + n)); // a copy: the buffer is reused
    this.start += n;
    return out;
  }

  /** Exactly `n` bytes; throws at a premature end of the file. */
  async exactly(n: number, what: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const part = await this.some(n - got);
      if (part.length === 0) throw new PngFormatError(`truncated file (in ${what})`);
      parts.push(part);
      got += part.length;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, n);
  }
}
