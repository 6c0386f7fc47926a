// The streaming half of the PNG codec: rows go in one at a time through zlib's deflate, each
// with the filter the PNG specification's heuristic picks (src/cli/png.ts reads).

import { createWriteStream, type WriteStream } from 'node:fs';
import * as zlib from 'node:zlib';
import { crc32 } from './crc32.js';
import { PNG_SIGNATURE } from './png-header.js';

/** One PNG chunk: length, name, data, CRC (tests build hostile files with it too). */
export function pngChunk(name: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(name, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Picks the filter with the smallest sum of |signed bytes| (the PNG specification's heuristic) and writes it to `out`. */
function filterRow(row: Uint8Array, prev: Uint8Array, out: Uint8Array, candidates: Uint8Array[]): void {
  const n = row.length;
  const bpp = 4;
  let best = 0;
  let bestSum = Infinity;
  for (let type = 0; type < 5; type++) {
    const f = candidates[type];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      let predictor = 0;
      if (type === 1) predictor = a;
      else if (type === 2) predictor = b;
      else if (type === 3) predictor = (a + b) >> 1;
      else if (type === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      const v = (row[i] - predictor) & 255;
      f[i] = v;
      sum += v < 128 ? v : 256 - v;
      if (sum >= bestSum) break;
    }
    if (sum < bestSum) { bestSum = sum; best = type; }
  }
  out[0] = best;
  out.set(candidates[best], 1);
}

/**
 * Writes an 8-bit RGBA PNG row by row to a file: `writeRows` takes whole rows (any number at
 * once) and waits while the file is behind; `finish` checks that `height` rows came.
 */
export class PngWriter {
  private readonly file: WriteStream;
  private readonly deflate: zlib.Deflate;
  private prev: Uint8Array;
  private readonly candidates: Uint8Array[];
  private readonly filtered: Uint8Array;
  private rowsWritten = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failure: Error | undefined;
  private readonly done: Promise<void>;

  constructor(path: string, readonly width: number, readonly height: number) {
    this.file = createWriteStream(path, { flags: 'wx' });
    this.file.on('error', (error) => { this.failure ??= error; });
    this.deflate = zlib.createDeflate({ level: 6, chunkSize: 65536 });
    this.deflate.on('error', (error) => { this.failure ??= error; });
    const stride = width * 4;
    this.prev = new Uint8Array(stride);
    this.candidates = Array.from({ length: 5 }, () => new Uint8Array(stride));
    this.filtered = new Uint8Array(stride + 1);
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr.set([8, 6, 0, 0, 0], 8);
    this.file.write(Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr)]));
    this.deflate.on('data', (data: Buffer) => {
      this.pending.push(data);
      this.pendingBytes += data.length;
      if (this.pendingBytes >= 262144) this.flushIdat();
    });
    this.done = new Promise<void>((resolve, reject) => {
      this.deflate.on('end', () => {
        this.flushIdat();
        this.file.end(pngChunk('IEND', new Uint8Array(0)));
      });
      this.file.on('close', () => (this.failure ? reject(this.failure) : resolve()));
      this.file.on('error', reject);
      this.deflate.on('error', reject);
    });
    this.done.catch(() => {});
  }

  private flushIdat(): void {
    if (this.pendingBytes === 0) return;
    this.file.write(pngChunk('IDAT', Buffer.concat(this.pending, this.pendingBytes)));
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Appends `rows` (a whole number of rows of `width` RGBA pixels). */
  async writeRows(rows: Uint8Array): Promise<void> {
    const stride = this.width * 4;
    if (rows.length % stride !== 0) throw new Error('PngWriter: not a whole number of rows');
    for (let at = 0; at < rows.length; at += stride) {
      if (this.failure) throw this.failure;
      if (this.rowsWritten === this.height) throw new Error('PngWriter: more rows than the height');
      const row = rows.subarray(at, at + stride);
      filterRow(row, this.prev, this.filtered, this.candidates);
      this.prev = row;
      this.rowsWritten++;
      const more = this.deflate.write(Buffer.from(this.filtered));
      if (!more || this.file.writableNeedDrain) await this.drain();
    }
    this.prev = this.prev.slice(); // the caller may reuse its array
  }

  private async drain(): Promise<void> {
    await new Promise<void>((resolve) => {
      let waiting = 0;
      const check = () => { if (--waiting <= 0) resolve(); };
      if (this.deflate.writableNeedDrain) { waiting++; this.deflate.once('drain', check); }
      if (this.file.writableNeedDrain) { waiting++; this.file.once('drain', check); }
      if (waiting === 0) resolve();
    });
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<void> {
    if (this.rowsWritten !== this.height) throw new Error(`PngWriter: ${this.rowsWritten} of ${this.height} rows written`);
    this.deflate.end();
    await this.done;
  }

  /** Stops writing (the caller removes the file). */
  async abort(): Promise<void> {
    this.deflate.destroy();
    await new Promise<void>((resolve) => {
      if (this.file.closed) resolve();
      else { this.file.once('close', () => resolve()); this.file.destroy(); }
    });
  }
}
