// The command's PNG reader and writer (src/cli/png.ts) against pngjs: every colour type and bit
// depth, palettes with tRNS, transparent colours, Adam7 interlacing, every row filter; the
// writers' files (streamed, and whole images) decode to the same pixels with pngjs, as RGB when
// opaque; truncated, padded and over-long data are errors.

import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { PngReader } from '../src/cli/png.js';
import type { InflaterKind } from '../src/cli/png-inflate.js';
import { ByteReader } from '../src/cli/file-reader.js';
import { encodePng, pngChunk as chunk, PngWriter } from '../src/cli/png-write.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';


const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 8) / 2 ** 24;
}

/** A PNG of random samples: raw rows with random filter bytes (the bytes after filtering are random, so any filter is valid). */
export function craftPng(o: { width: number; height: number; depth: number; colorType: number; interlace?: boolean;
  palette?: number; trns?: Uint8Array; seed?: number; extra?: number; cut?: number;
  /** The scanlines (filter bytes and samples) instead of random ones. */
  raw?: Uint8Array;
  /** IDAT chunks of at most this many bytes (one chunk by default). */
  split?: number;
  /** Changes the zlib data (the deflated rows) before it is chunked. */
  deflated?: (data: Buffer) => Uint8Array }): Buffer {
  const rand = lcg(o.seed ?? 1);
  const passes = o.interlace
    ? ADAM7.map(([x0, y0, dx, dy]) => [Math.ceil((o.width - x0) / dx), Math.ceil((o.height - y0) / dy)]).filter(([w, h]) => w > 0 && h > 0)
    : [[o.width, o.height]];
  const parts: number[] = [];
  for (const [w, h] of passes) {
    const bytes = Math.ceil((w * CHANNELS[o.colorType] * o.depth) / 8);
    for (let y = 0; y < h; y++) {
      parts.push(o.colorType === 3 ? 0 : Math.floor(rand() * 5));
      for (let i = 0; i < bytes; i++) {
        if (o.colorType === 3) {
          // palette indices within range, packed
          const per = 8 / o.depth;
          let byte = 0;
          for (let k = 0; k < per; k++) byte = (byte << o.depth) | Math.floor(rand() * Math.min(o.palette ?? 1, 2 ** o.depth));
          parts.push(o.depth === 8 ? Math.floor(rand() * (o.palette ?? 1)) : byte);
        } else parts.push(Math.floor(rand() * 256));
      }
    }
  }
  for (let i = 0; i < (o.extra ?? 0); i++) parts.push(0);
  let raw = o.raw ?? Uint8Array.from(parts);
  if (o.cut) raw = raw.subarray(0, raw.length - o.cut);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(o.width, 0);
  ihdr.writeUInt32BE(o.height, 4);
  ihdr.set([o.depth, o.colorType, 0, 0, o.interlace ? 1 : 0], 8);
  const chunks = [chunk('IHDR', ihdr)];
  if (o.palette) chunks.push(chunk('PLTE', Uint8Array.from({ length: 3 * o.palette }, () => Math.floor(rand() * 256))));
  if (o.trns) chunks.push(chunk('tRNS', o.trns));
  chunks.push(chunk('tEXt', Buffer.from('Comment\0crafted')));
  const data = o.deflated ? o.deflated(deflateSync(raw)) : deflateSync(raw);
  const size = o.split ?? Math.max(1, data.length);
  for (let at = 0; at < Math.max(1, data.length); at += size) chunks.push(chunk('IDAT', data.subarray(at, at + size)));
  chunks.push(chunk('IEND', new Uint8Array(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}

/** Both inflaters: incremental (the native handle) and the inflateSync fallback. */
const KINDS = ['incremental', 'whole'] as const;

/** Decodes with PngReader (rows, or readAll when interlaced or asked; `reuse`: rows copied from one reused array) and with pngjs. */
async function decodeBoth(bytes: Buffer, inflater: InflaterKind = 'incremental', o: { all?: boolean; reuse?: boolean; path?: string } = {}) {
  const reader = await PngReader.open(o.path ?? bytes, () => {}, { inflater });
  try {
    const mine = reader.info.interlace || o.all ? await reader.readAll() : Buffer.concat(await (async () => {
      const rows: Uint8Array[] = [];
      for await (const row of reader.rows({ reuse: o.reuse })) rows.push(o.reuse ? row.slice() : row);
      return rows;
    })());
    const ref = PNG.sync.read(bytes);
    return { mine: Buffer.from(mine), ref: Buffer.from(ref.data), info: reader.info };
  } finally {
    await reader.close();
  }
}

/**
 * A zlib stream of one fixed-Huffman block: a literal 0, then (length 258, distance 1) copies
 * to `bytes` in all, never ended: 13 bits per 258 bytes (about 1/160 of its output).
 */
function zlibBomb(bytes: number): Buffer {
  const copies = Math.ceil(bytes / 258);
  const out = new Uint8Array(2 + Math.ceil((3 + 8 + 13 * copies) / 8));
  out.set([0x78, 0x01]);
  let bit = 16;
  const huffman = (code: number, n: number) => { // Huffman codes go most significant bit first
    for (let i = n - 1; i >= 0; i--, bit++) if ((code >> i) & 1) out[bit >> 3] |= 1 << (bit & 7);
  };
  huffman(0b110, 3); // BFINAL 1, BTYPE 01 (fixed), least significant bit first: 1, 1, 0
  huffman(0x30, 8); // literal 0
  for (let i = 0; i < copies; i++) { huffman(0b11000101, 8); huffman(0, 5); } // length code 285 (258), distance code 0 (1)
  return Buffer.from(out);
}

describe('ByteReader', () => {
  it('reads a file through its 1 MiB buffer as the bytes are: across its end, longer than it, to the end', () => {
    const bytes = Uint8Array.from({ length: 2.5 * 2 ** 20 }, (_, i) => (i * 7 + (i >> 11)) & 255);
    const dir = mkdtempSync(join(tmpdir(), 'upsample-bytes-'));
    try {
      writeFileSync(join(dir, 'f'), bytes);
      for (const reader of [ByteReader.ofFile(join(dir, 'f')), ByteReader.ofBytes(bytes)]) {
        let at = 0;
        const expectNext = (got: Uint8Array, n: number) => { expect(Buffer.from(got).equals(bytes.subarray(at, at + n))).toBe(true); at += n; };
        expectNext(reader.some(2 ** 20 - 5), 2 ** 20 - 5);
        expectNext(reader.exactly(12, 'x'), 12);
        expectNext(reader.exactly(2 ** 20 + 3, 'x'), 2 ** 20 + 3);
        while (at < bytes.length) { const part = reader.some(100_000); expect(part.length).toBeGreaterThan(0); expectNext(part, part.length); }
        expect(reader.some(10).length).toBe(0);
        expect(() => reader.exactly(1, 'the end')).toThrow(/truncated file \(in the end\)/);
        reader.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PngReader', () => {
  const cases: Array<Parameters<typeof craftPng>[0]> = [];
  for (const [colorType, depths] of [[0, [1, 2, 4, 8, 16]], [2, [8, 16]], [3, [1, 2, 4, 8]], [4, [8, 16]], [6, [8, 16]]] as const) {
    for (const depth of depths) {
      for (const interlace of [false, true]) {
        for (const [width, height] of [[1, 1], [7, 5], [33, 17]]) {
          cases.push({ width, height, depth, colorType, interlace, palette: colorType === 3 ? 2 ** Math.min(depth, 8) : undefined, seed: width * 31 + depth });
        }
      }
    }
  }
  cases.push({ width: 9, height: 4, depth: 8, colorType: 3, palette: 200, trns: Uint8Array.from({ length: 100 }, (_, i) => i * 2) });
  cases.push({ width: 9, height: 4, depth: 4, colorType: 0, trns: Uint8Array.of(0, 3) });
  cases.push({ width: 9, height: 4, depth: 16, colorType: 2, trns: Uint8Array.of(0, 3, 1, 2, 0, 5) });
  cases.push({ width: 9, height: 4, depth: 8, colorType: 2, trns: Uint8Array.of(0, 3, 0, 2, 0, 5) });

  it.each(KINDS.flatMap((kind) => cases.map((c) => [`${c.width}x${c.height} type ${c.colorType} depth ${c.depth}${c.interlace ? ' interlaced' : ''}${c.trns ? ' tRNS' : ''}`, kind, c] as const)))(
    'decodes %s as pngjs does (%s inflate)', async (_, kind, c) => {
      const bytes = craftPng(c);
      const { mine, ref } = await decodeBoth(bytes, kind);
      expect(mine.equals(ref)).toBe(true);
      if (!c.interlace) expect((await decodeBoth(bytes, kind, { all: true })).mine.equals(ref)).toBe(true);
    });

  it.each([[2, 8], [2, 16], [0, 8], [0, 16], [0, 2]])('makes exactly the tRNS colour transparent (colour type %i, depth %i) as pngjs does', async (colorType, depth) => {
    // Samples equal to the key, and each one sample off it (for gray: the key and its neighbours).
    const key = colorType === 2 ? [3, 2, 5] : [2];
    const pixels = colorType === 2 ? [key, [3, 2, 6], [3, 1, 5], [4, 2, 5], key] : [[2], [1], [3], [2], [0]];
    const samples = pixels.flat();
    const scanline = depth === 2 ? [0, samples.reduce((byte, v, i) => byte | (v << (6 - 2 * (i % 4))), 0), samples[4] << 6]
      : [0, ...samples.flatMap((v) => depth === 16 ? [v, 255 - v] : [v])];
    const trns = Uint8Array.from(key.flatMap((v) => depth === 16 ? [v, 255 - v] : [0, v]));
    const bytes = craftPng({ width: 5, height: 1, depth, colorType, trns, raw: Uint8Array.from(scanline) });
    const { mine, ref } = await decodeBoth(bytes);
    expect([...mine.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect(mine.equals(ref)).toBe(true);
  });

  it('refuses a palette index past the palette', async () => {
    const bytes = craftPng({ width: 3, height: 1, depth: 8, colorType: 3, palette: 4, raw: Uint8Array.of(0, 1, 4, 2) });
    await expect(decodeBoth(bytes)).rejects.toThrow(/palette index 4 out of range/);
  });

  it.each(KINDS)('reads a 1.5 MB file in 19405-byte IDAT chunks (a CRC across its 1 MiB buffer\'s end) as pngjs does, rows fresh or reused (%s inflate)', async (kind) => {
    const bytes = craftPng({ width: 701, height: 700, depth: 8, colorType: 2, split: 19405, seed: 5 });
    expect(bytes.length).toBeGreaterThan(1.4e6);
    expect(bytes.subarray(2 ** 20 + 6, 2 ** 20 + 10).toString('latin1')).toBe('IDAT'); // the CRC before it starts 2 bytes before 2^20
    const dir = mkdtempSync(join(tmpdir(), 'upsample-pngr-'));
    try {
      writeFileSync(join(dir, 'in.png'), bytes);
      for (const reuse of [false, true]) {
        const { mine, ref } = await decodeBoth(bytes, kind, { path: join(dir, 'in.png'), reuse });
        expect(mine.equals(ref)).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets the event loop turn while decoding a large image (synchronous inside)', async () => {
    const bytes = craftPng({ width: 2000, height: 1500, depth: 8, colorType: 2, seed: 9 });
    for (const read of ['rows', 'readAll', 'readRows'] as const) {
      const reader = await PngReader.open(bytes, () => {});
      let turns = 0;
      let ticking = true;
      const tick = () => { if (ticking) { turns++; setImmediate(tick); } };
      setImmediate(tick);
      const t0 = performance.now();
      if (read === 'rows') for await (const row of reader.rows({ reuse: true })) void row;
      else if (read === 'readRows') for (let y = 0; y < 1500; y += 500) await reader.readRows(new Uint8Array(500 * 2000 * 4));
      else await reader.readAll();
      const ms = performance.now() - t0;
      ticking = false;
      // Decoding in one stretch would allow no turn at all; it turns every 15 ms or so (a machine fast enough to decode in under 40 ms checks nothing).
      expect(turns).toBeGreaterThanOrEqual(Math.floor(ms / 40));
    }
  });

  it.each([
    ['RGBA', 6, 8, 4], ['RGB', 2, 8, 4], ['RGB as RGB', 2, 8, 3], ['gray as RGB', 0, 8, 3], ['gray + alpha', 4, 8, 4], ['16-bit RGB', 2, 16, 4],
    ['2-bit palette', 3, 2, 4],
  ] as const)('readRows: the rows of rows(), written into the caller\'s array by the batch (%s)', async (_, colorType, depth, channels) => {
    const [width, height] = [37, 23];
    const bytes = craftPng({ width, height, depth, colorType, palette: colorType === 3 ? 4 : undefined, seed: 7, split: 301 });
    const expected = await (async () => {
      const reader = await PngReader.open(bytes, () => {});
      const rows: Uint8Array[] = [];
      for await (const row of reader.rows({ channels })) rows.push(row);
      return Buffer.concat(rows);
    })();
    expect(expected.length).toBe(width * height * channels);
    for (const batches of [[23], [1, 7, 15], [5, 5, 5, 5, 3]]) {
      const reader = await PngReader.open(bytes, () => {});
      const out = new Uint8Array(width * height * channels);
      let at = 0;
      for (const rows of batches) {
        await reader.readRows(out.subarray(at, at + rows * width * channels), channels);
        at += rows * width * channels;
      }
      reader.finishRows();
      expect(Buffer.from(out).equals(expected)).toBe(true);
    }
  });

  it('readRows refuses rows past the image, a part row and 3 channels with alpha; finishRows refuses rows left and data past the rows', async () => {
    const c = { width: 8, height: 6, depth: 8, colorType: 6 };
    const reader = await PngReader.open(craftPng(c), () => {});
    await expect(reader.readRows(new Uint8Array(8 * 4 + 1))).rejects.toThrow(/not a whole number of rows/);
    await expect(reader.readRows(new Uint8Array(8 * 3), 3)).rejects.toThrow(/3-channel rows need an 8-bit RGB or gray image/);
    await reader.readRows(new Uint8Array(5 * 8 * 4));
    expect(() => reader.finishRows()).toThrow(/rows left unread/);
    await expect(reader.readRows(new Uint8Array(2 * 8 * 4))).rejects.toThrow(/more than the image's 6 rows/);
    const extra = await PngReader.open(craftPng({ ...c, extra: 40 }), () => {});
    await extra.readRows(new Uint8Array(6 * 8 * 4));
    expect(() => extra.finishRows()).toThrow(/more image data than 8 x 6 needs/);
  });

  it('gives a fresh array a row, or one reused array with { reuse: true }', async () => {
    const bytes = craftPng({ width: 5, height: 4, depth: 8, colorType: 6 });
    for (const reuse of [false, true]) {
      const reader = await PngReader.open(bytes, () => {});
      const seen = new Set<Uint8Array>();
      for await (const row of reader.rows({ reuse })) seen.add(row);
      expect(seen.size).toBe(reuse ? 1 : 4);
    }
  });

  it.each(KINDS)('refuses a zlib bomb (256 MiB of data for an 8 x 6 header) without allocating it (%s inflate)', async (kind) => {
    const bytes = craftPng({ width: 8, height: 6, depth: 8, colorType: 6, deflated: () => zlibBomb(2 ** 28) });
    expect(bytes.length).toBeLessThan(2 ** 28 / 100);
    const before = process.memoryUsage().arrayBuffers;
    await expect(decodeBoth(bytes, kind)).rejects.toThrow(/more image data than 8 x 6 needs/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 ** 25);
  });

  it.each(KINDS)('refuses a zlib stream without its end (adler32 cut), and accepts bytes after its end (%s inflate)', async (kind) => {
    const c = { width: 8, height: 6, depth: 8, colorType: 6 };
    await expect(decodeBoth(craftPng({ ...c, deflated: (d) => d.subarray(0, d.length - 4) }), kind)).rejects.toThrow(/corrupt image data \(unexpected end of file\)/);
    const reader = await PngReader.open(craftPng({ ...c, deflated: (d) => Buffer.concat([d, Buffer.from('after the end')]) }), () => {}, { inflater: kind });
    expect(Buffer.from(await reader.readAll()).equals(PNG.sync.read(craftPng(c)).data)).toBe(true); // pngjs refuses it
  });

  it.each(KINDS)('refuses data that is not zlib, naming zlib\'s error (%s inflate)', async (kind) => {
    const c = { width: 8, height: 6, depth: 8, colorType: 6 };
    await expect(decodeBoth(craftPng({ ...c, deflated: (d) => Buffer.concat([Buffer.of(0x78, 0x00), d.subarray(2)]) }), kind)).rejects.toThrow(/corrupt image data \(incorrect header check\)/);
    await expect(decodeBoth(craftPng({ ...c, deflated: (d) => Buffer.concat([d.subarray(0, 2), Buffer.of(0xff, 0xff, 0xff), d.subarray(5)]) }), kind)).rejects.toThrow(/corrupt image data \(invalid/);
  });

  it.each(KINDS)('refuses IDAT chunks that are not consecutive, and an unknown critical chunk after them (%s inflate)', async (kind) => {
    const bytes = craftPng({ width: 8, height: 6, depth: 8, colorType: 2, split: 20 });
    const firstIdat = bytes.indexOf('IDAT') - 4;
    const extra = (name: string) => Buffer.concat([bytes.subarray(0, firstIdat + 32), chunk(name, Uint8Array.of(1)), bytes.subarray(firstIdat + 32)]);
    await expect(decodeBoth(extra('tEXt'), kind)).rejects.toThrow(/IDAT chunks are not consecutive/);
    const end = bytes.length - 12;
    await expect(decodeBoth(Buffer.concat([bytes.subarray(0, end), chunk('ABCD', Uint8Array.of(1)), bytes.subarray(end)]), kind)).rejects.toThrow(/unknown critical chunk ABCD/);
    expect((await decodeBoth(Buffer.concat([bytes.subarray(0, end), chunk('abCD', Uint8Array.of(1)), bytes.subarray(end)]), kind)).mine.length).toBe(8 * 6 * 4);
  });

  it('decodes pngjs-written images, and finds transparency in the header chunks', async () => {
    const png = new PNG({ width: 20, height: 11 });
    png.data = Buffer.from(Uint8Array.from({ length: 20 * 11 * 4 }, (_, i) => (i * 37) & 255));
    const { mine, ref, info } = await decodeBoth(PNG.sync.write(png));
    expect(mine.equals(ref)).toBe(true);
    expect(info.mayHaveAlpha).toBe(true);
    const opaque = await PngReader.open(craftPng({ width: 3, height: 3, depth: 8, colorType: 2 }), () => {});
    expect(opaque.info.mayHaveAlpha).toBe(false);
  });

  it.each(KINDS.flatMap((kind) => [
    ['missing rows', kind, { cut: 9 }, /truncated image data: 189 of the 198 bytes that 8 x 6 needs/],
    ['extra data', kind, { extra: 40 }, /more image data than 8 x 6 needs/],
  ] as const))('refuses %s (%s inflate)', async (_, kind, change, message) => {
    const bytes = craftPng({ width: 8, height: 6, depth: 8, colorType: 6, ...change });
    await expect(decodeBoth(bytes, kind)).rejects.toThrow(message);
    await expect(decodeBoth(bytes, kind, { all: true })).rejects.toThrow(message);
  });

  it.each(KINDS)('refuses a file cut anywhere, and a flipped byte anywhere after the signature (CRC) (%s inflate)', async (kind) => {
    const bytes = craftPng({ width: 8, height: 6, depth: 8, colorType: 6, split: 50 });
    for (let n = 0; n < bytes.length; n += 3) {
      await expect(decodeBoth(bytes.subarray(0, n), kind)).rejects.toThrow(n < 33 ? /./ : /truncated|no image data/);
    }
    for (let i = 8; i < bytes.length; i += 5) {
      const bad = Buffer.from(bytes);
      bad[i] ^= 0x10;
      await expect((async () => {
        const r = await PngReader.open(bad, () => {}, { inflater: kind });
        await r.readAll();
      })()).rejects.toThrow();
    }
  });
});

/** Random-ish RGBA; `opaque`: every alpha 255. */
function rgba(width: number, height: number, opaque: boolean): Uint8Array {
  const rand = lcg(width * height + (opaque ? 1 : 0));
  return Uint8Array.from({ length: width * height * 4 }, (_, i) => (opaque && i % 4 === 3 ? 255 : i % 7 < 3 ? Math.floor(rand() * 256) : (i >> 3) & 255));
}

/** pngjs's reading of a file: its colour type and RGBA pixels. */
function readBack(bytes: Uint8Array): { colorType: number; width: number; height: number; data: Buffer } {
  const back = PNG.sync.read(Buffer.from(bytes));
  return { colorType: bytes[25], width: back.width, height: back.height, data: back.data };
}

describe('PngWriter', () => {
  it.each([[1, 1, false], [5, 3, false], [64, 40, false], [301, 7, false], [1, 1, true], [64, 40, true], [301, 7, true]])(
    'writes %ix%i (opaque %s) that pngjs reads back exactly, as RGB when opaque', async (width, height, opaque) => {
      const dir = mkdtempSync(join(tmpdir(), 'upsample-pngw-'));
      try {
        const data = rgba(width, height, opaque);
        const writer = new PngWriter(join(dir, 'o.png'), width, height, opaque);
        const stride = width * 4;
        for (let y = 0; y < height; y += 2) await writer.writeRows(data.subarray(y * stride, Math.min(height, y + 2) * stride));
        await writer.finish();
        const back = readBack(readFileSync(join(dir, 'o.png')));
        expect([back.width, back.height, back.colorType]).toEqual([width, height, opaque ? 2 : 6]);
        expect(back.data.equals(Buffer.from(data))).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

  it('refuses a row with alpha when told the image is opaque (never writes it as RGB)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upsample-pngw-'));
    try {
      const data = rgba(4, 2, true);
      data[4 * 5 + 3] = 254;
      const writer = new PngWriter(join(dir, 'o.png'), 4, 2, true);
      await expect(writer.writeRows(data)).rejects.toThrow(/opaque has alpha/);
      await writer.abort();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('encodePng (a whole image)', () => {
  it.each([[1, 1, false], [7, 5, false], [300, 41, false], [1, 1, true], [300, 41, true]])('encodes %ix%i (opaque %s) that pngjs reads back exactly', (width, height, opaque) => {
    const data = rgba(width, height, opaque);
    const back = readBack(encodePng({ data, width, height }, opaque));
    expect([back.width, back.height, back.colorType]).toEqual([width, height, opaque ? 2 : 6]);
    expect(back.data.equals(Buffer.from(data))).toBe(true);
  });

  it.each([false, true])('writes the same bytes as PngWriter, IDAT chunk for IDAT chunk (opaque %s)', async (opaque) => {
    // Noise deflates to over 3 IDAT chunks; the writer gets rows in uneven batches.
    const width = 640;
    const height = 480;
    const data = rgba(width, height, opaque);
    const dir = mkdtempSync(join(tmpdir(), 'upsample-pngw-'));
    try {
      const writer = new PngWriter(join(dir, 'o.png'), width, height, opaque);
      const stride = width * 4;
      for (let y = 0, n = 1; y < height; y += n, n = (n * 7) % 61 + 1) await writer.writeRows(data.subarray(y * stride, Math.min(height, y + n) * stride));
      await writer.finish();
      const whole = encodePng({ data, width, height }, opaque);
      const idats = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1').split('IDAT').length - 1;
      expect(idats(whole)).toBeGreaterThan(3);
      expect(Buffer.from(readFileSync(join(dir, 'o.png'))).equals(Buffer.from(whole))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses pixels that are not width x height RGBA', () => {
    expect(() => encodePng({ data: new Uint8Array(15), width: 2, height: 2 }, false)).toThrow(/15 bytes for 2 x 2/);
  });
});
