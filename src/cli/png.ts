// A strict PNG reader that streams rows, on node:zlib alone (the writer: ./png-write.ts).
//
// Why not pngjs for this: its stream API still inflates into one buffer the size of the whole
// image (zlib chunkSize = the header's image size, so a 196-byte file claiming 30000 x 30000
// allocates gigabytes before any check), collects every row before its 'parsed' event, and its
// packer takes the whole image; its sync reader pads a short image. No maintained pure-JS package
// on npm streams rows both ways, so this file does: the header is checked before anything the
// size of the image exists, rows come out (and go in) one at a time through a 32 KiB zlib window,
// and an image with fewer or more bytes of pixel data than its header needs is an error.
//
// Pixels come out as 8-bit RGBA, as pngjs gives them (tests compare the two): gray and palette
// expanded, 1/2/4/16-bit samples scaled by floor(v * 255 / max + 0.5), a tRNS colour made
// (0, 0, 0, 0), palette alpha from tRNS. Interlaced (Adam7) images are read whole.

import { open } from 'node:fs/promises';
import * as zlib from 'node:zlib';

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace: boolean;
}

/** What the chunks before the first IDAT say (palette, transparency). */
export interface PngInfo extends PngHeader {
  /** Whether any pixel can be non-opaque (an alpha channel or a tRNS chunk). */
  mayHaveAlpha: boolean;
}

export class PngFormatError extends Error {}

// ---- CRC-32 (zlib.crc32 from Node 20.15 / 22.2, else a table) ----

let crcTable: Uint32Array | undefined;
function crc32Fallback(data: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
const nativeCrc = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
export const crc32: (data: Uint8Array, crc?: number) => number = nativeCrc ? (d, c = 0) => nativeCrc(d, c) : crc32Fallback;

// ---- header ----

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** Parses and checks IHDR's 13 bytes. */
export function parseIhdr(data: Uint8Array): PngHeader {
  if (data.length !== 13) throw new PngFormatError(`IHDR has ${data.length} bytes, not 13`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [depth, colorType, compression, filter, interlace] = data.subarray(8, 13);
  if (width < 1 || height < 1 || width > 0x7fffffff || height > 0x7fffffff) {
    throw new PngFormatError(`invalid size ${width} x ${height}`);
  }
  if (!(colorType in CHANNELS)) throw new PngFormatError(`invalid colour type ${colorType}`);
  if (!DEPTHS[colorType].includes(depth)) throw new PngFormatError(`invalid bit depth ${depth} for colour type ${colorType}`);
  if (compression !== 0) throw new PngFormatError(`unknown compression method ${compression}`);
  if (filter !== 0) throw new PngFormatError(`unknown filter method ${filter}`);
  if (interlace > 1) throw new PngFormatError(`unknown interlace method ${interlace}`);
  return { width, height, depth, colorType, interlace: interlace === 1 };
}

/** The header of a PNG from its first 33 bytes (signature and IHDR), or undefined if it is not a PNG. */
export function pngHeaderOf(bytes: Uint8Array): PngHeader | undefined {
  if (bytes.length < 8 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return undefined;
  if (bytes.length < 33) throw new PngFormatError('truncated before the end of the IHDR chunk');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== 13 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw new PngFormatError('the first chunk is not a 13-byte IHDR');
  }
  if (crc32(bytes.subarray(12, 29)) !== view.getUint32(29)) throw new PngFormatError('IHDR CRC mismatch');
  return parseIhdr(bytes.subarray(16, 29));
}

/** Bytes of one filtered row of `width` pixels (without the filter byte). */
function rowBytes(width: number, header: PngHeader): number {
  return Math.ceil((width * CHANNELS[header.colorType] * header.depth) / 8);
}

/** Adam7 passes: [x0, y0, dx, dy]. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

interface Pass { width: number; height: number; x0: number; y0: number; dx: number; dy: number }

function passesOf(header: PngHeader): Pass[] {
  if (!header.interlace) return [{ width: header.width, height: header.height, x0: 0, y0: 0, dx: 1, dy: 1 }];
  return ADAM7.map(([x0, y0, dx, dy]) => ({
    width: Math.max(0, Math.ceil((header.width - x0) / dx)), height: Math.max(0, Math.ceil((header.height - y0) / dy)), x0, y0, dx, dy,
  })).filter((p) => p.width > 0 && p.height > 0);
}

/** Bytes of filtered data the header needs (with filter bytes). */
export function expectedDataBytes(header: PngHeader): number {
  return passesOf(header).reduce((sum, p) => sum + (rowBytes(p.width, header) + 1) * p.height, 0);
}

// ---- reading ----

/** Sequential reads from a file through a 64 KiB buffer. */
/** What FileReader needs of a FileHandle (a file, or bytes in memory for tests). */
interface ByteSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

function memorySource(bytes: Uint8Array): ByteSource {
  return {
    read: async (buffer, offset, length, position) => {
      const part = bytes.subarray(Math.min(position, bytes.length), Math.min(position + length, bytes.length));
      buffer.set(part, offset);
      return { bytesRead: part.length };
    },
    close: async () => {},
  };
}

class FileReader {
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

function chunkName(bytes: Uint8Array): string {
  for (const b of bytes) {
    if (!((b >= 65 && b <= 90) || (b >= 97 && b <= 122))) throw new PngFormatError('corrupt chunk type (not four letters)');
  }
  return String.fromCharCode(...bytes);
}

/** Converts unfiltered rows of one header's format into RGBA 8-bit, as pngjs does. */
class RowConverter {
  private readonly channels: number;
  private palette?: Uint8Array; // RGBA entries
  private transparent?: number[];

  constructor(private readonly header: PngHeader) {
    this.channels = CHANNELS[header.colorType];
  }

  setPalette(data: Uint8Array): void {
    if (data.length % 3 !== 0 || data.length === 0 || data.length > 768) throw new PngFormatError(`PLTE has ${data.length} bytes`);
    const n = data.length / 3;
    const palette = new Uint8Array(n * 4);
    for (let i = 0; i < n; i++) palette.set([data[3 * i], data[3 * i + 1], data[3 * i + 2], 255], 4 * i);
    this.palette = palette;
  }

  setTransparency(data: Uint8Array): void {
    const { colorType } = this.header;
    if (colorType === 3) {
      if (!this.palette) throw new PngFormatError('tRNS before PLTE');
      if (data.length > this.palette.length / 4) throw new PngFormatError('tRNS has more entries than the palette');
      for (let i = 0; i < data.length; i++) this.palette[4 * i + 3] = data[i];
    } else if (colorType === 0 || colorType === 2) {
      const n = colorType === 0 ? 1 : 3;
      if (data.length < 2 * n) throw new PngFormatError(`tRNS has ${data.length} bytes`);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      this.transparent = Array.from({ length: n }, (_, i) => view.getUint16(2 * i));
    } else {
      throw new PngFormatError(`tRNS with colour type ${colorType}`);
    }
  }

  get hasTransparency(): boolean {
    return this.transparent !== undefined || (this.palette !== undefined && this.header.colorType === 3 &&
      this.palette.some((v, i) => i % 4 === 3 && v !== 255));
  }

  checkReady(): void {
    if (this.header.colorType === 3 && !this.palette) throw new PngFormatError('a palette image without PLTE');
  }

  /** Writes `width` pixels of the unfiltered row `raw` to `out` at `at`, every `step` pixels. */
  convert(raw: Uint8Array, width: number, out: Uint8Array, at: number, step: number): void {
    const { depth, colorType } = this.header;
    const c = this.channels;
    const max = 2 ** depth - 1;
    const sample = depth === 8 ? (x: number, k: number) => raw[x * c + k]
      : depth === 16 ? (x: number, k: number) => (raw[2 * (x * c + k)] << 8) | raw[2 * (x * c + k) + 1]
        : (x: number) => (raw[(x * depth) >> 3] >> (8 - depth - ((x * depth) & 7))) & max;
    const scale = depth === 8 || colorType === 3 ? (v: number) => v : (v: number) => Math.floor((v * 255) / max + 0.5);
    const palette = this.palette;
    const t = this.transparent;
    const stride = 4 * step;
    for (let x = 0, o = at; x < width; x++, o += stride) {
      if (colorType === 3) {
        const index = sample(x, 0);
        if (4 * index >= palette!.length) throw new PngFormatError(`palette index ${index} out of range`);
        out[o] = palette![4 * index]; out[o + 1] = palette![4 * index + 1]; out[o + 2] = palette![4 * index + 2]; out[o + 3] = palette![4 * index + 3];
        continue;
      }
      const v0 = sample(x, 0);
      if (c <= 2) {
        if (t && v0 === t[0]) { out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0; continue; }
        const g = scale(v0);
        out[o] = out[o + 1] = out[o + 2] = g;
        out[o + 3] = c === 2 ? scale(sample(x, 1)) : 255;
      } else {
        const v1 = sample(x, 1);
        const v2 = sample(x, 2);
        if (t && v0 === t[0] && v1 === t[1] && v2 === t[2]) { out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0; continue; }
        out[o] = scale(v0); out[o + 1] = scale(v1); out[o + 2] = scale(v2);
        out[o + 3] = c === 4 ? scale(sample(x, 3)) : 255;
      }
    }
  }
}

/** Undoes one row's filter in place (`row` without its filter byte; `prev` the previous unfiltered row or zeros). */
function unfilter(type: number, row: Uint8Array, prev: Uint8Array, bpp: number): void {
  const n = row.length;
  switch (type) {
    case 0: return;
    case 1: for (let i = bpp; i < n; i++) row[i] = (row[i] + row[i - bpp]) & 255; return;
    case 2: for (let i = 0; i < n; i++) row[i] = (row[i] + prev[i]) & 255; return;
    case 3:
      for (let i = 0; i < n; i++) row[i] = (row[i] + ((i >= bpp ? row[i - bpp] : 0) + prev[i] >> 1)) & 255;
      return;
    case 4:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = prev[i];
        const c = i >= bpp ? prev[i - bpp] : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        row[i] = (row[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255;
      }
      return;
    default: throw new PngFormatError(`unknown row filter type ${type}`);
  }
}

/**
 * An open PNG file: `info` is known (the chunks before the first IDAT are read); `rows()` then
 * yields each RGBA row of a non-interlaced image in order, `readAll()` the whole image.
 * Checks before anything the size of the image is allocated: `checkHeader` runs on IHDR.
 */
export class PngReader {
  private constructor(private readonly handle: ByteSource, private readonly reader: FileReader,
                      readonly info: PngInfo, private readonly converter: RowConverter,
                      private firstIdatLength: number) {}

  /** Opens a file (a path) or bytes in memory. */
  static async open(source: string | Uint8Array, checkHeader: (header: PngHeader) => void): Promise<PngReader> {
    const handle: ByteSource = typeof source === 'string' ? await open(source, 'r') : memorySource(source);
    try {
      const reader = new FileReader(handle);
      const signature = await reader.exactly(8, 'the signature');
      if (!PNG_SIGNATURE.every((b, i) => signature[i] === b)) throw new PngFormatError('not a PNG signature');
      let header: PngHeader | undefined;
      let converter: RowConverter | undefined;
      for (;;) {
        const head = await reader.exactly(8, 'a chunk header');
        const length = head.readUInt32BE(0);
        const name = chunkName(head.subarray(4, 8));
        if (length > 0x7fffffff) throw new PngFormatError(`chunk ${name} claims ${length} bytes`);
        if (!header && name !== 'IHDR') throw new PngFormatError(`the first chunk is ${name}, not IHDR`);
        if (name === 'IDAT') {
          converter!.checkReady();
          const info = { ...header!, mayHaveAlpha: header!.colorType === 4 || header!.colorType === 6 || converter!.hasTransparency };
          return new PngReader(handle, reader, info, converter!, length);
        }
        if (name === 'IEND') throw new PngFormatError('no image data (IEND before any IDAT)');
        const known = name === 'IHDR' || name === 'PLTE' || name === 'tRNS';
        if (!known && !(head[4] & 0x20)) throw new PngFormatError(`unknown critical chunk ${name}`);
        if (known && length > 1024) throw new PngFormatError(`chunk ${name} has ${length} bytes`);
        let crc = crc32(head.subarray(4, 8));
        let data: Buffer | undefined;
        if (known) {
          data = await reader.exactly(length, name);
          crc = crc32(data, crc);
        } else {
          for (let left = length; left > 0;) { // skipped through the CRC, never held whole
            const part = await reader.some(left);
            if (part.length === 0) throw new PngFormatError(`truncated file (in ${name})`);
            crc = crc32(part, crc);
            left -= part.length;
          }
        }
        if ((await reader.exactly(4, `the CRC of ${name}`)).readUInt32BE(0) !== crc) throw new PngFormatError(`CRC mismatch in chunk ${name}`);
        if (name === 'IHDR') {
          if (header) throw new PngFormatError('a second IHDR');
          header = parseIhdr(data!);
          checkHeader(header);
          converter = new RowConverter(header);
        } else if (name === 'PLTE') {
          if (header!.colorType === 0 || header!.colorType === 4) throw new PngFormatError(`PLTE in a colour type ${header!.colorType} image`);
          converter!.setPalette(data!);
        } else if (name === 'tRNS') {
          converter!.setTransparency(data!);
        }
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => {});
  }

  /**
   * The inflated, still filtered data, as a stream of buffers; ends after IEND. Throws on a CRC
   * mismatch, a premature end of file, a zlib error, or more data than the header needs.
   */
  private async *inflated(): AsyncGenerator<Buffer> {
    const inflate = zlib.createInflate({ chunkSize: 65536 });
    const expected = expectedDataBytes(this.info);
    let produced = 0;
    let failure: unknown;
    const feed = async () => {
      let length = this.firstIdatLength;
      let name = 'IDAT';
      let afterIdat = false;
      for (;;) {
        let crc = crc32(Buffer.from(name, 'latin1'));
        for (let left = length; left > 0;) {
          const part = await this.reader.some(left);
          if (part.length === 0) throw new PngFormatError(`truncated file (in ${name})`);
          crc = crc32(part, crc);
          left -= part.length;
          if (name === 'IDAT' && !inflate.write(part)) await new Promise<void>((resolve, reject) => {
            const done = () => { inflate.off('drain', done); inflate.off('close', done); resolve(); };
            inflate.on('drain', done);
            inflate.on('close', done);
            if (inflate.destroyed) reject(new Error('inflate closed'));
          });
          if (inflate.destroyed) return;
        }
        if ((await this.reader.exactly(4, `the CRC of ${name}`)).readUInt32BE(0) !== crc) throw new PngFormatError(`CRC mismatch in chunk ${name}`);
        if (name === 'IEND') { inflate.end(); return; }
        const head = await this.reader.exactly(8, 'a chunk header');
        length = head.readUInt32BE(0);
        name = chunkName(head.subarray(4, 8));
        if (length > 0x7fffffff) throw new PngFormatError(`chunk ${name} claims ${length} bytes`);
        if (name === 'IDAT' && afterIdat) throw new PngFormatError('IDAT chunks are not consecutive');
        if (name !== 'IDAT') afterIdat = true;
        if (name === 'IHDR' || name === 'PLTE') throw new PngFormatError(`${name} after the image data`);
        if (name !== 'IDAT' && name !== 'IEND' && !(head[4] & 0x20)) throw new PngFormatError(`unknown critical chunk ${name}`);
      }
    };
    const feeding = feed().catch((error) => {
      failure = error;
      inflate.destroy(error instanceof Error ? error : new Error(String(error)));
    });
    try {
      for await (const chunk of inflate as AsyncIterable<Buffer>) {
        produced += chunk.length;
        if (produced > expected) throw new PngFormatError(`more image data than ${this.info.width} x ${this.info.height} needs`);
        yield chunk;
      }
    } catch (error) {
      throw failure ?? (error instanceof PngFormatError ? error : new PngFormatError(`corrupt image data (${(error as Error).message})`));
    } finally {
      if (!inflate.destroyed) inflate.destroy();
      await feeding;
    }
    if (failure) throw failure;
    if (produced < expected) {
      throw new PngFormatError(`truncated image data: ${produced} of the ${expected} bytes that ${this.info.width} x ${this.info.height} needs`);
    }
  }

  /** Unfiltered rows of each pass, in file order, with the pass and the row index in it. */
  private async *unfiltered(): AsyncGenerator<{ pass: Pass; y: number; row: Uint8Array }> {
    const header = this.info;
    const bpp = Math.max(1, (CHANNELS[header.colorType] * header.depth) >> 3);
    const passes = passesOf(header);
    let passIndex = 0;
    let y = 0;
    let size = rowBytes(passes[0].width, header) + 1;
    let row = new Uint8Array(size);
    let prev = new Uint8Array(size - 1);
    let filled = 0;
    for await (const chunk of this.inflated()) {
      let at = 0;
      while (at < chunk.length) {
        const n = Math.min(size - filled, chunk.length - at);
        row.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled < size) break;
        const data = row.subarray(1);
        unfilter(row[0], data, prev, bpp);
        yield { pass: passes[passIndex], y, row: data };
        filled = 0;
        prev = data;
        row = new Uint8Array(size);
        if (++y === passes[passIndex].height) {
          y = 0;
          if (++passIndex === passes.length) {
            if (at < chunk.length) throw new PngFormatError(`more image data than ${header.width} x ${header.height} needs`);
            break;
          }
          size = rowBytes(passes[passIndex].width, header) + 1;
          row = new Uint8Array(size);
          prev = new Uint8Array(size - 1);
        }
      }
    }
  }

  /** Each RGBA row of a non-interlaced image, in order (a fresh array each). */
  async *rows(): AsyncGenerator<Uint8Array> {
    if (this.info.interlace) throw new Error('PngReader.rows: an interlaced image is read with readAll()');
    for await (const { row } of this.unfiltered()) {
      const out = new Uint8Array(this.info.width * 4);
      this.converter.convert(row, this.info.width, out, 0, 1);
      yield out;
    }
  }

  /** The whole image as RGBA (interlaced or not). */
  async readAll(): Promise<Uint8Array> {
    const { width, height } = this.info;
    const out = new Uint8Array(width * height * 4);
    for await (const { pass, y, row } of this.unfiltered()) {
      this.converter.convert(row, pass.width, out, 4 * ((pass.y0 + y * pass.dy) * width + pass.x0), pass.dx);
    }
    return out;
  }
}
