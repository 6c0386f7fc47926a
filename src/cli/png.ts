// A strict PNG reader that streams rows, on node:zlib alone (the writer: ./png-write.ts).
//
// Why not pngjs for this: its stream API still inflates into one buffer the size of the whole
// image (zlib chunkSize = the header's image size, so a 196-byte file claiming 30000 x 30000
// allocates gigabytes before any check), collects every row before its 'parsed' event, and its
// packer takes the whole image; its sync reader pads a short image. No maintained pure-JS package
// on npm streams rows both ways, so this file does: the header is checked before anything the
// size of the image exists, rows come out (and go in) one at a time, and an image with fewer or
// more bytes of pixel data than its header needs is an error.
//
// Decoding is synchronous (reads through one 1 MiB buffer, zlib inflating straight into two
// reused row buffers: ./png-inflate.ts says how and why); the asynchronous `rows()` and
// `readAll()` let the event loop turn every few milliseconds, so signals and other files' work
// are not held up by a large image.
//
// Pixels come out as 8-bit RGBA, as pngjs gives them (tests compare the two): gray and palette
// expanded, 1/2/4/16-bit samples scaled by floor(v * 255 / max + 0.5), a tRNS colour made
// (0, 0, 0, 0), palette alpha from tRNS. Interlaced (Adam7) images are read whole.
//
// Here: the chunk walk and the row order; the header in ./png-header.ts, row filters and the
// RGBA conversion in ./png-rows.ts, inflation in ./png-inflate.ts.

import { crc32 } from './crc32.js';
import { ByteReader } from './file-reader.js';
import { CHANNELS, expectedDataBytes, parseIhdr, passesOf, PNG_SIGNATURE, PngFormatError, rowBytes, type Pass, type PngHeader, type PngInfo } from './png-header.js';
import { createInflater, type Inflater, type InflaterKind } from './png-inflate.js';
import { RowConverter, unfilter } from './png-rows.js';

export { PngFormatError, pngHeaderOf, type PngHeader, type PngInfo } from './png-header.js';

/** Bytes of the arrays that fresh rows are cut from. */
const ROW_SLAB_BYTES = 2 ** 18;
/** Milliseconds of decoding between turns of the event loop. */
const TURN_MS = 15;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function chunkName(bytes: Uint8Array): string {
  // The same steps for every chunk, IDAT or not: a path taken first at the IEND after thousands of
  // IDATs (8 KiB each from libpng) made V8 throw away the compiled reader there (no type feedback).
  const a = bytes[0], b = bytes[1], c = bytes[2], d = bytes[3];
  if (!(isLetter(a) && isLetter(b) && isLetter(c) && isLetter(d))) throw new PngFormatError('corrupt chunk type (not four letters)');
  return String.fromCharCode(a, b, c, d);
}

const isLetter = (b: number): boolean => (b | 0x20) >= 97 && (b | 0x20) <= 122;

/**
 * The CRC of the chunk names that follow the image data, made once: a photo's thousands of IDAT
 * chunks (8 KiB each from libpng) then cost one crc32 call each (the data's), not two.
 */
const NAME_CRCS = new Map(['IDAT', 'IEND'].map((name) => [name, crc32(Uint8Array.from(name, (c) => c.charCodeAt(0)))]));

const u32 = (bytes: Uint8Array, at = 0) => ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;

export interface PngReadOptions {
  /** How the data is inflated (tests force the fallback); by default incremental where the runtime allows. */
  inflater?: InflaterKind;
}

/**
 * An open PNG file: `info` is known (the chunks before the first IDAT are read); `rows()` then
 * yields each RGBA row of a non-interlaced image in order, `readAll()` the whole image.
 * Checks before anything the size of the image is allocated: `checkHeader` runs on IHDR.
 */
export class PngReader {
  // The chunk being walked from the first IDAT on: its name, bytes left, CRC so far.
  private name = 'IDAT';
  private crc = NAME_CRCS.get('IDAT')!;
  private afterIdat = false;
  private ended = false;
  private inflater?: Inflater;
  /** readRows()'s decoder, and when the event loop last turned. */
  private rowDecoder?: RowDecoder;
  private since = performance.now();

  private constructor(private readonly input: ByteReader, readonly info: PngInfo, private readonly converter: RowConverter,
                      private left: number, private readonly options: PngReadOptions) {}

  /** Opens a file (a path) or bytes in memory. */
  static async open(source: string | Uint8Array, checkHeader: (header: PngHeader) => void, options: PngReadOptions = {}): Promise<PngReader> {
    const input = typeof source === 'string' ? ByteReader.ofFile(source) : ByteReader.ofBytes(source);
    try {
      const signature = input.exactly(8, 'the signature');
      if (!PNG_SIGNATURE.every((b, i) => signature[i] === b)) throw new PngFormatError('not a PNG signature');
      let header: PngHeader | undefined;
      let converter: RowConverter | undefined;
      for (;;) {
        const head = input.exactly(8, 'a chunk header');
        const length = u32(head);
        const name = chunkName(head.subarray(4, 8));
        const critical = !(head[4] & 0x20);
        if (length > 0x7fffffff) throw new PngFormatError(`chunk ${name} claims ${length} bytes`);
        if (!header && name !== 'IHDR') throw new PngFormatError(`the first chunk is ${name}, not IHDR`);
        if (name === 'IDAT') {
          converter!.checkReady();
          const info = { ...header!, mayHaveAlpha: header!.colorType === 4 || header!.colorType === 6 || converter!.hasTransparency };
          return new PngReader(input, info, converter!, length, options);
        }
        if (name === 'IEND') throw new PngFormatError('no image data (IEND before any IDAT)');
        const known = name === 'IHDR' || name === 'PLTE' || name === 'tRNS';
        if (!known && critical) throw new PngFormatError(`unknown critical chunk ${name}`);
        if (known && length > 1024) throw new PngFormatError(`chunk ${name} has ${length} bytes`);
        let crc = crc32(Uint8Array.from(name, (c) => c.charCodeAt(0)));
        let data: Uint8Array | undefined;
        if (known) {
          data = input.exactly(length, name).slice(); // a copy: the reader's buffer is reused
          crc = crc32(data, crc);
        } else {
          for (let left = length; left > 0;) { // skipped through the CRC, never held whole
            const part = input.some(left);
            if (part.length === 0) throw new PngFormatError(`truncated file (in ${name})`);
            crc = crc32(part, crc);
            left -= part.length;
          }
        }
        if (u32(input.exactly(4, `the CRC of ${name}`)) !== crc) throw new PngFormatError(`CRC mismatch in chunk ${name}`);
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
      input.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.inflater?.close();
    this.input.close();
  }

  /** Whether `rows({ channels: 3 })` applies: an 8-bit RGB or gray image without tRNS (opaque by its header). */
  get opaqueRgb8(): boolean {
    return this.converter.opaqueRgb8;
  }

  /**
   * Each RGBA row of a non-interlaced image, in order: a fresh array each, or with `reuse` one
   * array overwritten by the next row (for a consumer done with each row before the next).
   * `channels` 3 (only where `opaqueRgb8`): RGB rows, the RGBA rows without their alpha of 255,
   * the file's samples as they are (with `reuse`, of an RGB image: a view of the decoder's row).
   */
  async *rows(options: { reuse?: boolean; channels?: 3 | 4 } = {}): AsyncGenerator<Uint8Array> {
    if (this.info.interlace) throw new Error('PngReader.rows: an interlaced image is read with readAll()');
    const channels = options.channels ?? 4;
    if (channels === 3 && !this.opaqueRgb8) throw new Error('PngReader.rows: 3-channel rows need an 8-bit RGB or gray image without tRNS');
    const { width } = this.info;
    const decoder = this.decoder();
    // Fresh rows are cut from slabs of about ROW_SLAB_BYTES: fewer, larger arrays for the
    // allocator and the collector (a slab lives while any of its rows is held).
    const stride = width * channels;
    const perSlab = options.reuse ? 1 : Math.max(1, Math.floor(ROW_SLAB_BYTES / stride));
    let slab = new Uint8Array(0);
    let slot = perSlab;
    let since = performance.now();
    // Reused RGB rows of an RGB image are the decoder's unfiltered rows themselves (no copy).
    const asDecoded = channels === 3 && options.reuse && this.info.colorType === 2;
    for (let raw = decoder.next(); raw; raw = decoder.next()) {
      if (asDecoded) {
        yield raw;
      } else {
        if (slot === perSlab && (slab.length === 0 || !options.reuse)) {
          slab = new Uint8Array(Math.min(perSlab, this.info.height - decoder.y) * stride);
          slot = 0;
        }
        const out = options.reuse ? slab : slab.subarray(slot * stride, ++slot * stride);
        if (channels === 3) this.converter.convertRgb(raw, width, out, 0);
        else this.converter.convert(raw, width, out, 0, 1);
        yield out;
      }
      if (performance.now() - since > TURN_MS) { await turn(); since = performance.now(); }
    }
    decoder.nextPass(); // the data checked to its end (one pass)
  }

  /**
   * Decodes the next rows of a non-interlaced image into `out` (as many as it holds, whole rows of
   * `channels`: 3 only where `opaqueRgb8`), written there directly: `rows()` without a turn of an
   * async generator and a copy a row, for a consumer that takes rows by the band. The event loop
   * turns every TURN_MS, as in `rows()`. After the last row, `finishRows()`.
   */
  async readRows(out: Uint8Array, channels: 3 | 4 = 4): Promise<void> {
    if (this.info.interlace) throw new Error('PngReader.readRows: an interlaced image is read with readAll()');
    if (channels === 3 && !this.opaqueRgb8) throw new Error('PngReader.readRows: 3-channel rows need an 8-bit RGB or gray image without tRNS');
    const { width } = this.info;
    const stride = width * channels;
    if (out.length % stride !== 0) throw new Error('PngReader.readRows: not a whole number of rows');
    const decoder = this.rowDecoder ??= this.decoder();
    for (let at = 0; at < out.length; at += stride) {
      const raw = decoder.next();
      if (!raw) throw new Error(`PngReader.readRows: more than the image's ${this.info.height} rows`);
      if (channels === 3) this.converter.convertRgb(raw, width, out, at);
      else this.converter.convert(raw, width, out, at, 1);
      if (performance.now() - this.since > TURN_MS) { await turn(); this.since = performance.now(); }
    }
  }

  /** After readRows() has read every row: checks the image data and the chunks after it to the end of the file. */
  finishRows(): void {
    const decoder = this.rowDecoder ??= this.decoder();
    if (decoder.next() || decoder.nextPass()) throw new Error('PngReader.finishRows: rows left unread');
  }

  /** The whole image as RGBA (interlaced or not). */
  async readAll(): Promise<Uint8Array> {
    const { width, height } = this.info;
    const out = new Uint8Array(width * height * 4);
    const decoder = this.decoder();
    let since = performance.now();
    do {
      for (let raw = decoder.next(); raw; raw = decoder.next()) {
        const { pass, y } = decoder;
        this.converter.convert(raw, pass.width, out, 4 * ((pass.y0 + y * pass.dy) * width + pass.x0), pass.dx);
        if (performance.now() - since > TURN_MS) { await turn(); since = performance.now(); }
      }
    } while (decoder.nextPass());
    return out;
  }

  private decoder(): RowDecoder {
    if (this.inflater) throw new Error('PngReader: the image data is read once');
    const tooMuch = () => new PngFormatError(`more image data than ${this.info.width} x ${this.info.height} needs`);
    this.inflater = createInflater(this, expectedDataBytes(this.info), tooMuch, this.options.inflater);
    return new RowDecoder(this.info, this.inflater);
  }

  /**
   * The next piece of IDAT data (a view, valid until the next call), each chunk's CRC checked
   * after its data; after the last IDAT the chunks up to IEND are checked and skipped, then
   * undefined.
   */
  nextData(): Uint8Array | undefined { // (the inflater's DataSource)
    for (;;) {
      if (this.ended) return undefined;
      if (this.left > 0) {
        const part = this.input.some(this.left);
        if (part.length === 0) throw new PngFormatError(`truncated file (in ${this.name})`);
        this.crc = crc32(part, this.crc);
        this.left -= part.length;
        if (this.name === 'IDAT') return part;
        continue;
      }
      if (u32(this.input.exactly(4, `the CRC of ${this.name}`)) !== this.crc) throw new PngFormatError(`CRC mismatch in chunk ${this.name}`);
      // Every step below taken for each chunk, IDAT or not (stores and tests made whatever the
      // outcome): steps first taken after thousands of IDATs made V8 throw the compiled reader away.
      this.ended = this.name === 'IEND';
      if (this.ended) return undefined;
      const head = this.input.exactly(8, 'a chunk header');
      const length = u32(head);
      const name = chunkName(head.subarray(4, 8));
      const image = name === 'IDAT';
      const last = name === 'IEND';
      const critical = (head[4] & 0x20) === 0;
      if (length > 0x7fffffff) throw new PngFormatError(`chunk ${name} claims ${length} bytes`);
      if (image && this.afterIdat) throw new PngFormatError('IDAT chunks are not consecutive');
      this.afterIdat = this.afterIdat || !image;
      if (name === 'IHDR' || name === 'PLTE') throw new PngFormatError(`${name} after the image data`);
      if (!image && !last && critical) throw new PngFormatError(`unknown critical chunk ${name}`);
      this.crc = NAME_CRCS.get(name) ?? crc32(head.subarray(4, 8));
      this.name = name;
      this.left = length;
    }
  }
}

/** No rows: the pass after the last. */
const DONE: Pass = { width: 0, height: 0, x0: 0, y0: 0, dx: 1, dy: 1 }; // passesOf's key order: one shape

/** Unfiltered rows of each pass in file order, through two reused row buffers. */
class RowDecoder {
  private readonly passes: Pass[];
  private passIndex = 0;
  pass: Pass;
  /** The row index in the pass of the last row given. */
  y = -1;
  private readonly bpp: number;
  private readonly buffers: [Uint8Array, Uint8Array];
  private readonly zeros: Uint8Array;
  // This pass's views: [filter byte + data, data] of each buffer; `current` is the one written next.
  private views: Array<[Uint8Array, Uint8Array]> = [];
  private current = 0;
  private done = false;

  constructor(private readonly header: PngHeader, private readonly inflater: Inflater) {
    this.passes = passesOf(header);
    this.pass = this.passes[0];
    this.bpp = Math.max(1, (CHANNELS[header.colorType] * header.depth) >> 3);
    const size = Math.max(...this.passes.map((p) => rowBytes(p.width, header))) + 1;
    this.buffers = [new Uint8Array(size + 3), new Uint8Array(size + 3)]; // the filter byte at 3: the data word-aligned
    this.zeros = new Uint8Array(size);
    this.startPass();
  }

  /**
   * The next unfiltered row of this pass (without its filter byte; a view, valid until the next
   * call), or undefined after its last row (then nextPass()). The end of a pass is left to
   * nextPass, called once a pass: code that runs first at an image's end inside this hot method
   * made V8 throw its compiled code away there (no type feedback for it yet), and compile it again
   * for the next image.
   */
  next(): Uint8Array | undefined {
    if (this.y + 1 >= this.pass.height) return undefined; // also once done (an empty pass)
    this.y++;
    const [row, data] = this.views[this.current];
    const zeros = this.zeros;
    const above = this.views[1 - this.current][1];
    if (this.inflater.fill(row, 0) < row.length) {
      const { width, height } = this.header;
      throw new PngFormatError(`truncated image data: ${this.inflater.produced} of the ${expectedDataBytes(this.header)} bytes that ${width} x ${height} needs`);
    }
    unfilter(row[0], data, this.y === 0 ? zeros : above, this.bpp);
    this.current = 1 - this.current;
    return data;
  }

  /**
   * After next() has given a pass's last row: starts the next pass (true), or after the last,
   * checks the data to its end (false, and so on every later call).
   */
  nextPass(): boolean {
    if (this.done) return false;
    if (++this.passIndex === this.passes.length) {
      this.done = true;
      this.pass = DONE;
      this.inflater.finish();
      return false;
    }
    this.pass = this.passes[this.passIndex];
    this.y = -1;
    this.startPass();
    return true;
  }

  private startPass(): void {
    const size = rowBytes(this.pass.width, this.header) + 1;
    this.views = this.buffers.map((b) => [b.subarray(3, 3 + size), b.subarray(4, 3 + size)]);
  }
}
