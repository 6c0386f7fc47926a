// The command line's own JPEG encoder: baseline JFIF (SOF0), 8-bit, the standard quantisation
// tables (ITU T.81 Annex K.1) scaled by libjpeg's quality formula, the standard Huffman tables
// (K.3), 4:2:0 chroma subsampling by default (sharp's default) or 4:4:4, grey as one component.
// The pixel work runs in its own small WebAssembly SIMD module (assembly/cli/jpeg-encoder.ts,
// build/jpeg-encoder.wasm), loaded on first use by the command only, so the library's builds do
// not grow. This file owns the module's memory, the tables and the headers. No trellis
// quantisation and no optimised Huffman tables (MozJPEG's, `--jpeg-encoder mozjpeg`): files
// about 10% larger than sharp's, several times faster to encode than MozJPEG in WebAssembly.

import { align16, growTo, moduleLoader } from './wasm-module.js';
import { standardCodes, standardDht } from './jpeg-huffman.js';
import { rgbaOf } from './rgb.js';

export interface JpegPixels {
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 grey, 3 RGB, 4 RGBA (alpha ignored); default 4. */
  channels?: 1 | 3 | 4;
}

export interface JpegEncodeOptions {
  /** 1-100, libjpeg's scale (50: the tables as printed in the standard). */
  quality: number;
  /** Chroma subsampling of colour images: '4:2:0' (default) or '4:4:4'. */
  subsampling?: '4:2:0' | '4:4:4';
}

/** The JPEG encoders of the command: this one, or MozJPEG from @jsquash/jpeg (./wasm-codecs.ts). */
export type JpegEncoderName = 'fast' | 'mozjpeg';
export const JPEG_ENCODERS: readonly JpegEncoderName[] = ['fast', 'mozjpeg'];

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  startScan(): void;
  setCursor(at: number): void;
  getCursor(): number;
  padToByte(): void;
  encodeRow(pixels: number, width: number, channels: number, subsample: number, tables: number, planes: number): void;
}

/** Byte offsets in the module's table area (assembly/cli/jpeg-encoder.ts declares the same). */
const TABLES = { recipLuma: 0, recipChroma: 256, dcLuma: 512, acLuma: 576, dcChroma: 1600, acChroma: 1664, bytes: 3456 };

/** ITU T.81 Annex K.1: luminance and chrominance quantisation tables, natural (row-major) order. */
const LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
  18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
  ...new Array<number>(32).fill(99),
];

/** Natural index of each zigzag position: anti-diagonals, alternately up and down. */
const ZIGZAG: number[] = [];
for (let s = 0; s < 15; s++) {
  const rows = Array.from({ length: Math.min(s, 7) - Math.max(0, s - 7) + 1 }, (_, i) => Math.max(0, s - 7) + i);
  for (const r of s % 2 === 0 ? rows.reverse() : rows) ZIGZAG.push(r * 8 + (s - r));
}

/** libjpeg's quality scaling (jcparam.c's formula), 8-bit entries for baseline. */
export function quantTable(base: readonly number[], quality: number): number[] {
  const scale = quality < 50 ? Math.floor(5000 / quality) : 200 - 2 * quality;
  return base.map((q) => Math.min(255, Math.max(1, Math.floor((q * scale + 50) / 100))));
}

/** The DCT's output scale per frequency (AAN): 1, then sqrt(2) cos(k pi / 16). */
const AAN = Array.from({ length: 8 }, (_, k) => (k === 0 ? 1 : Math.SQRT2 * Math.cos((k * Math.PI) / 16)));

const u16 = (v: number) => [v >> 8, v & 0xff];

function headers(width: number, height: number, grey: boolean, subsample: boolean, luma: number[], chroma: number[]): { head: Uint8Array; sos: Uint8Array } {
  const jfif = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]; // JFIF 1.01, aspect 1:1
  const tables = grey ? [luma] : [luma, chroma];
  const dqt = [0xff, 0xdb, ...u16(2 + 65 * tables.length), ...tables.flatMap((t, i) => [i, ...ZIGZAG.map((n) => t[n])])];
  const components = grey ? [[1, 0x11, 0]] : [[1, subsample ? 0x22 : 0x11, 0], [2, 0x11, 1], [3, 0x11, 1]];
  const sof = [0xff, 0xc0, ...u16(8 + 3 * components.length), 8, ...u16(height), ...u16(width), components.length, ...components.flat()];
  const head = Uint8Array.from([0xff, 0xd8, ...jfif, ...dqt, ...sof, ...standardDht()]);
  const selectors = grey ? [[1, 0x00]] : [[1, 0x00], [2, 0x11], [3, 0x11]];
  const sos = Uint8Array.from([0xff, 0xda, ...u16(6 + 2 * selectors.length), selectors.length, ...selectors.flat(), 0, 63, 0]);
  return { head, sos };
}

/** Quantisation tables by quality, made once: a folder run encodes many strips at one quality. */
const QUANT = new Map<number, { luma: number[]; chroma: number[] }>();
function quantTables(quality: number): { luma: number[]; chroma: number[] } {
  let q = QUANT.get(quality);
  if (!q) QUANT.set(quality, q = { luma: quantTable(LUMA, quality), chroma: quantTable(CHROMA, quality) });
  return q;
}

/** The module's table area for `quality` (TABLES), made once per quality and copied in at each encode. */
const TABLE_BYTES = new Map<number, Uint8Array>();
function tableBytes(quality: number): Uint8Array {
  let bytes = TABLE_BYTES.get(quality);
  if (bytes) return bytes;
  const { luma, chroma } = quantTables(quality);
  bytes = new Uint8Array(TABLES.bytes);
  const recip = (q: number[]) => Float32Array.from({ length: 64 }, (_, t) => {
    const u = t % 8; // transposed: position t = v * 8 + u holds frequency (u, v)
    const v = t >> 3;
    return 1 / (q[u * 8 + v] * AAN[u] * AAN[v] * 8);
  });
  const f32 = new Float32Array(bytes.buffer);
  const u32 = new Uint32Array(bytes.buffer);
  f32.set(recip(luma), TABLES.recipLuma >> 2);
  f32.set(recip(chroma), TABLES.recipChroma >> 2);
  // Huffman codes as assembly/cli/jpeg/entropy.ts reads them: per symbol, the code shifted left by
  // the symbol's size category (the extra bits that follow it) and by 5, OR its length plus that size.
  const codes = standardCodes();
  const entries = (packed: Uint32Array, dc: boolean) => packed.map((p, symbol) => {
    const size = dc ? symbol : symbol & 15;
    return p === 0 ? 0 : ((((p >>> 16) << size) << 5) | ((p & 0xffff) + size)) >>> 0;
  });
  u32.set(entries(codes.dc0, true), TABLES.dcLuma >> 2);
  u32.set(entries(codes.ac0, false), TABLES.acLuma >> 2);
  u32.set(entries(codes.dc1, true), TABLES.dcChroma >> 2);
  u32.set(entries(codes.ac1, false), TABLES.acChroma >> 2);
  TABLE_BYTES.set(quality, bytes);
  return bytes;
}

/**
 * Headers made lately, by size, kind and quality: a folder's strips are mostly of a few sizes
 * (one strip height, a few widths). They are read, never changed, by the encodes that use them.
 */
const HEADERS = new Map<string, { head: Uint8Array; sos: Uint8Array }>();
const HEADERS_KEPT = 16;
function headersOf(width: number, height: number, grey: boolean, subsample: boolean, quality: number): { head: Uint8Array; sos: Uint8Array } {
  const key = `${width} ${height} ${grey} ${subsample} ${quality}`;
  let made = HEADERS.get(key);
  if (!made) {
    const { luma, chroma } = quantTables(quality);
    made = headers(width, height, grey, subsample, luma, chroma);
    if (HEADERS.size >= HEADERS_KEPT) HEADERS.delete(HEADERS.keys().next().value!);
    HEADERS.set(key, made);
  }
  return made;
}

/** The module, once per thread (./wasm-module.ts). */
const load = moduleLoader<Exports>('jpeg-encoder');

function check(image: JpegPixels, options: JpegEncodeOptions): void {
  const { width, height, data } = image;
  const channels = image.channels ?? 4;
  if (!(data instanceof Uint8Array)) throw new TypeError('encodeJpeg: image.data must be a Uint8Array');
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 65535) throw new RangeError(`encodeJpeg: image.${name} must be an integer from 1 to 65535, but got ${v}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new RangeError(`encodeJpeg: image.channels must be 1, 3 or 4, but got ${channels}`);
  if (data.length !== width * height * channels) {
    throw new RangeError(`encodeJpeg: image.data has ${data.length} bytes, but ${width} x ${height} x ${channels} needs ${width * height * channels}`);
  }
  const { quality, subsampling = '4:2:0' } = options;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new RangeError(`encodeJpeg: quality must be an integer from 1 to 100, but got ${quality}`);
  if (subsampling !== '4:2:0' && subsampling !== '4:4:4') throw new RangeError(`encodeJpeg: subsampling must be '4:2:0' or '4:4:4', but got '${subsampling}'`);
}

/** Encodes `image` as a baseline JFIF JPEG. */
export async function encodeJpeg(image: JpegPixels, options: JpegEncodeOptions): Promise<Uint8Array> {
  check(image, options);
  const wasm = await load();
  const { data, width, height } = image;
  const channels = image.channels ?? 4;
  const grey = channels === 1;
  const subsample = !grey && options.subsampling !== '4:4:4';
  const { head, sos } = headersOf(width, height, grey, subsample, options.quality);

  const mcu = subsample ? 16 : 8;
  const padded = Math.ceil(width / mcu) * mcu;
  const rowBytes = padded * channels;
  const blocks = grey ? padded / 8 : subsample ? (padded / 16) * 6 : (padded / 8) * 3;
  const worstRow = blocks * 420 + 64; // 22 + 63 x 26 bits a block, doubled by 0xFF stuffing
  const outBytes = Math.max(4 << 20, 2 * worstRow);
  const base = align16(wasm.heapBase());
  const tables = base;
  const planes = tables + TABLES.bytes;
  const pixels = planes + 3 * 16 * padded * 4;
  const out = pixels + mcu * rowBytes + 16; // RGB reads 4 bytes past the last pixel
  const end = out + outBytes;
  const memory = wasm.memory;
  growTo(memory, end);
  const heap = new Uint8Array(memory.buffer);

  // Tables: reciprocals of quantiser x DCT scale, in the DCT's transposed order; Huffman codes.
  new Uint8Array(memory.buffer, tables, TABLES.bytes).set(tableBytes(options.quality));

  const chunks: Uint8Array[] = [head, sos];
  wasm.startScan();
  wasm.setCursor(out);
  const stride = width * channels;
  for (let y0 = 0; y0 < height; y0 += mcu) {
    // One MCU row, padded to whole MCUs by repeating the last column and the last row (as libjpeg
    // does); copied in one call where it needs no padding (16 calls before: 0.5 ms of 45 on the 16 photos).
    if (rowBytes === stride && y0 + mcu <= height) {
      heap.set(data.subarray(y0 * stride, (y0 + mcu) * stride), pixels);
    } else {
      for (let r = 0; r < mcu; r++) {
        const y = Math.min(y0 + r, height - 1);
        const at = pixels + r * rowBytes;
        heap.set(data.subarray(y * stride, (y + 1) * stride), at);
        for (let x = stride; x < rowBytes; x += channels) heap.copyWithin(at + x, at + stride - channels, at + stride);
      }
    }
    wasm.encodeRow(pixels, padded, channels, subsample ? 1 : 0, tables, planes);
    if (y0 + mcu >= height) break;
    if (wasm.getCursor() + worstRow > end) { // the output area is full: its bytes moved out
      chunks.push(heap.slice(out, wasm.getCursor()));
      wasm.setCursor(out);
    }
  }
  wasm.padToByte();
  // The last part of the scan goes from the module's memory straight into the file's bytes.
  const last = heap.subarray(out, wasm.getCursor());
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0) + last.length + 2);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  bytes.set(last, at);
  bytes[at + last.length] = 0xff; // EOI
  bytes[at + last.length + 1] = 0xd9;
  return bytes;
}

/** Encodes RGBA (or RGB) with the command's `encoder`: this file's, or MozJPEG (loaded only then; it takes RGBA). */
export async function encodeJpegWith(encoder: JpegEncoderName, image: JpegPixels & { channels?: 3 | 4 }, quality: number): Promise<Uint8Array> {
  if (encoder === 'fast') return encodeJpeg(image, { quality });
  const { encodeWasm } = await import('./wasm-codecs.js');
  return encodeWasm('jpeg', { data: rgbaOf(image.data, image.channels), width: image.width, height: image.height }, quality);
}
