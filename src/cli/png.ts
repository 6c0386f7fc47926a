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
//
// Here: the chunk walk, inflation and the row order; the header in ./png-header.ts, row filters
// and the RGBA conversion in ./png-rows.ts.

import { open } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { crc32 } from './crc32.js';
import { FileReader, memorySource, type ByteSource } from './file-reader.js';
import { CHANNELS, expectedDataBytes, parseIhdr, passesOf, PNG_SIGNATURE, PngFormatError, rowBytes, type Pass, type PngHeader, type PngInfo } from './png-header.js';
import { RowConverter, unfilter } from './png-rows.js';

export { PngFormatError, pngHeaderOf, type PngHeader, type PngInfo } from './png-header.js';

function chunkName(bytes: Uint8Array): string {
  for (const b of bytes) {
    if (!((b >= 65 && b <= 90) || (b >= 97 && b <= 122))) throw new PngFormatError('corrupt chunk type (not four letters)');
  }
  return String.fromCharCode(...bytes);
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
