// Writing PNG (src/cli/png.ts reads): rows streamed to a file (PngWriter), or a whole image held
// in memory (encodePng). Both on node:zlib, with one strategy chosen for speed at a size still
// well below sharp's (bench/results/cli.md): every row Sub-filtered (the choice of the Rust png
// crate behind @jsquash/png too: cheap, and good on photographs) and deflated with zlib's
// run-length strategy (Z_RLE), within a few percent of level 6 on such rows at several times its
// speed (the specification's per-row filter heuristic at level 6, measured before, was the slow
// part). An opaque image is written as RGB (colour type 2), as sharp does: a quarter less to
// compress. 8-bit, not interlaced, no other chunks.

import { createWriteStream, type WriteStream } from 'node:fs';
import * as zlib from 'node:zlib';
import { isOpaque } from './codecs.js';
import { crc32 } from './crc32.js';
import { createDeflater, type Deflater } from './png-deflate.js';
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

/**
 * Sub-filters `rows` rows of `width` pixels of `from` channels (RGBA 4, or RGB 3) from `data` at
 * `at0` into `out` at `at`, each scanline prefixed by its filter type (1), written with `channels`
 * (4: RGBA; 3: RGB, from RGBA by dropping alpha or from RGB as it is). Returns the end in `out`.
 */
function subFilter(data: Uint8Array, from: 3 | 4, width: number, rows: number, channels: 3 | 4, out: Uint8Array, at: number): number {
  // Each pixel's bytes read once and kept as the next one's left neighbours (0 left of the first,
  // which writes the first pixel as it is): half the loads of data[i] - data[i - from], and no
  // o++ chain. An image's few bands each run mostly before V8 optimises this: measured on 1 MiB
  // bands (800 x 437 RGB), 4.4 -> 3.5 ms cold and 1.7 -> 1.05 ms warm. A row is a function of its
  // own: V8 compiled this whole function on stack replacement in its first band, before it had
  // type feedback for the code above the loops, threw that away at the next call and compiled
  // it again (a deopt and a recompile a thread); the row functions are compiled once, small.
  let o = at;
  const stride = width * from;
  for (let y = 0; y < rows; y++) {
    const s = y * stride;
    out[o++] = 1;
    o = channels === 4 ? subRow4(data, s, s + stride, out, o) : subRow3(data, from, s, s + stride, out, o);
  }
  return o;
}

/** One RGBA row of subFilter: data[s, end) into out at o; returns the end in out. */
function subRow4(data: Uint8Array, s: number, end: number, out: Uint8Array, o: number): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (; s < end; s += 4, o += 4) {
    const r = data[s], g = data[s + 1], b = data[s + 2], q = data[s + 3];
    out[o] = r - a0; out[o + 1] = g - a1; out[o + 2] = b - a2; out[o + 3] = q - a3;
    a0 = r; a1 = g; a2 = b; a3 = q;
  }
  return o;
}

/** One RGB row of subFilter, from RGB or from RGBA (alpha dropped; `from` 4). */
function subRow3(data: Uint8Array, from: 3 | 4, s: number, end: number, out: Uint8Array, o: number): number {
  let a0 = 0, a1 = 0, a2 = 0;
  for (; s < end; s += from, o += 3) {
    const r = data[s], g = data[s + 1], b = data[s + 2];
    out[o] = r - a0; out[o + 1] = g - a1; out[o + 2] = b - a2;
    a0 = r; a1 = g; a2 = b;
  }
  return o;
}

const DEFLATE: zlib.ZlibOptions = { strategy: zlib.constants.Z_RLE, chunkSize: 65536 };
/**
 * Deflated bytes per IDAT chunk (the last holds the rest). One rule for both writers, so that an
 * image's file is the same bytes whether it was streamed or encoded whole (zlib's output does not
 * depend on how its input was split), whichever path a folder run's scheduling gave it.
 */
const IDAT_BYTES = 262144;
/** Bytes of IDAT chunks the file may be behind before writeRows waits for it. */
const FILE_BEHIND_BYTES = 4 * IDAT_BYTES;

function headerChunks(width: number, height: number, channels: 3 | 4): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, channels === 3 ? 2 : 6, 0, 0, 0], 8);
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr)]);
}


/** Encodes 8-bit RGBA pixels held in memory as a PNG file's bytes; `opaque`: every alpha is 255 (written as RGB). */
export function encodePng(image: { data: Uint8Array; width: number; height: number; channels?: 3 | 4 }, opaque: boolean): Uint8Array {
  const { data, width, height, channels: given = 4 } = image;
  if (data.length !== width * height * given) throw new Error(`encodePng: ${data.length} bytes for ${width} x ${height} x ${given}`);
  const channels = opaque || given === 3 ? 3 : 4;
  const filtered = new Uint8Array((width * channels + 1) * height); // one copy, 3/4 of the image when opaque
  subFilter(data, given, width, height, channels, filtered, 0);
  const deflated = zlib.deflateSync(filtered, DEFLATE);
  const chunks = [headerChunks(width, height, channels)];
  for (let at = 0; at < deflated.length; at += IDAT_BYTES) chunks.push(pngChunk('IDAT', deflated.subarray(at, at + IDAT_BYTES)));
  return Buffer.concat([...chunks, pngChunk('IEND', new Uint8Array(0))]);
}

/**
 * Writes an 8-bit PNG row by row to a file from RGBA rows, or RGB ones (`inputChannels` 3, the
 * rows of an opaque image without its alpha): `writeRows` takes whole rows (any number at once),
 * filters and deflates them (./png-deflate.ts: on this thread, in one piece), and waits while the
 * file is behind; `finish` checks that `height` rows came.
 * `opaque`: the caller knows every alpha is 255 (written as RGB; an RGBA row that is not fails).
 * `flags`: how the file is opened ('wx': created, never replacing one; 'r+': one the caller created empty).
 */
export class PngWriter {
  private readonly file: WriteStream;
  private readonly deflater: Deflater;
  private readonly channels: 3 | 4;
  /** The filtered rows of the last call, reused. */
  private filtered = new Uint8Array(0);
  private rowsWritten = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private failure: Error | undefined;
  private readonly closed: Promise<void>;

  constructor(path: string, readonly width: number, readonly height: number, private readonly opaque = false,
              private readonly inputChannels: 3 | 4 = 4, flags: 'wx' | 'r+' = 'wx') {
    if (inputChannels === 3 && !opaque) throw new Error('PngWriter: RGB rows are written as an opaque image');
    this.file = createWriteStream(path, { flags });
    this.file.on('error', (error) => { this.failure ??= error; });
    this.closed = new Promise<void>((resolve, reject) => this.file.on('close', () => (this.failure ? reject(this.failure) : resolve())));
    this.closed.catch(() => {});
    this.channels = opaque ? 3 : 4;
    this.deflater = createDeflater(DEFLATE, (bytes) => {
      this.pending.push(bytes);
      this.pendingBytes += bytes.length;
      while (this.pendingBytes >= IDAT_BYTES) this.flushIdat(IDAT_BYTES);
    });
    this.file.write(headerChunks(width, height, this.channels));
  }

  /** Writes the first `length` deflated bytes held as one IDAT chunk, from their pieces (no joined copy). */
  private flushIdat(length: number): void {
    const parts: Uint8Array[] = [];
    for (let left = length; left > 0;) {
      const part = this.pending[0];
      const taken = part.subarray(0, left);
      parts.push(taken);
      left -= taken.length;
      if (taken.length === part.length) this.pending.shift();
      else this.pending[0] = part.subarray(taken.length);
    }
    this.pendingBytes -= length;
    const head = Buffer.alloc(8);
    head.writeUInt32BE(length, 0);
    head.write('IDAT', 4, 'latin1');
    let crc = crc32(head.subarray(4));
    for (const part of parts) crc = crc32(part, crc);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc, 0);
    this.file.cork();
    for (const part of [head, ...parts, tail]) this.file.write(part);
    this.file.uncork();
  }

  /** Appends `rows` (a whole number of rows of `width` pixels of `inputChannels`), filtered and deflated in one piece. */
  async writeRows(rows: Uint8Array): Promise<void> {
    const stride = this.width * this.inputChannels;
    if (rows.length % stride !== 0) throw new Error('PngWriter: not a whole number of rows');
    if (this.failure) throw this.failure;
    const n = rows.length / stride;
    if (this.rowsWritten + n > this.height) throw new Error('PngWriter: more rows than the height');
    // Promised opaque: any other alpha is a bug upstream, never written as RGB.
    if (this.opaque && this.inputChannels === 4 && !isOpaque(rows)) throw new Error('internal: a pixel of an image written as opaque has alpha');
    const bytes = (this.width * this.channels + 1) * n;
    if (this.filtered.length < bytes) this.filtered = new Uint8Array(bytes);
    const filtered = this.filtered.subarray(0, bytes);
    subFilter(rows, this.inputChannels, this.width, n, this.channels, filtered, 0);
    this.rowsWritten += n;
    this.deflater.write(filtered);
    // The file may be a few IDAT chunks behind (each is more than its stream's 16 KiB mark).
    if (this.file.writableLength > FILE_BEHIND_BYTES) {
      await new Promise<void>((resolve) => {
        const done = () => { this.file.off('drain', done).off('close', done); resolve(); };
        this.file.on('drain', done).on('close', done);
      });
    }
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<void> {
    if (this.rowsWritten !== this.height) throw new Error(`PngWriter: ${this.rowsWritten} of ${this.height} rows written`);
    this.deflater.finish();
    while (this.pendingBytes > 0) this.flushIdat(Math.min(IDAT_BYTES, this.pendingBytes));
    this.file.end(pngChunk('IEND', new Uint8Array(0)));
    await this.closed;
  }

  /** Stops writing (the caller removes the file). */
  async abort(): Promise<void> {
    this.deflater.close();
    await new Promise<void>((resolve) => {
      if (this.file.closed) resolve();
      else { this.file.once('close', () => resolve()); this.file.destroy(); }
    });
  }
}
