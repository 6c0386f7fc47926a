// The command line's own baseline JPEG decoder, with shrink on decode. The pixel work runs in
// its own small WebAssembly SIMD module (assembly/cli/jpeg-decoder.ts, build/jpeg-decoder.wasm),
// loaded on first use by the command only; this file parses the headers, says whether the file
// is one it decodes, and owns the module's memory. It decodes baseline (and extended 8-bit
// sequential) Huffman JPEG with one scan: grey, or YCbCr 4:4:4, 4:2:2 or 4:2:0, restart markers
// included. Anything else (progressive,
// arithmetic coding, 12-bit, CMYK, RGB, several scans) is left to MozJPEG (`undefined` here).
// `scale` 2, 4 or 8 decodes at 1/scale of the size (ceil), each block's IDCT box-averaged to 4,
// 2 or 1 pixels a side: what libjpeg's DCT scaling does for sharp, about 4x less work.
// Differences from libjpeg at full size: a float IDCT (AAN, libjpeg's JDCT_FLOAT; libjpeg's
// default islow is fixed point), so samples differ by about one level at most places; chroma
// upsampling and colour conversion are libjpeg's (fancy upsampling, jdcolor.c's constants).

import { entropyEnd } from './jpeg.js';
import { align16, growTo, moduleLoader } from './wasm-module.js';
import { pixelBuffer } from './decoded-pixels.js';

// Kept here too: callers and benchmarks have taken it from this module.
export { releaseDecoded } from './decoded-pixels.js';

export interface DecodedJpeg {
  data: Uint8Array;
  width: number;
  height: number;
  /** 4: RGBA (alpha 255); 3: RGB, what decodeJpeg's caller asked for. */
  channels: 3 | 4;
}

/** Corrupt entropy-coded data in a file this decoder takes (the caller may try MozJPEG for its word). */
export class JpegDecodeError extends Error {}

export type JpegScale = 1 | 2 | 4 | 8;

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  decodeScan(data: number, dataEnd: number, descriptors: number, components: number, mcusX: number, mcusY: number,
             restartInterval: number, tables: number): number;
  toRgba(from: number, to: number, width: number, components: number, luma: number, lumaStride: number, cb: number, cr: number,
         chromaStride: number, chromaWidth: number, chromaHeight: number, h: number, v: number, scratch: number, out: number): void;
  toRgb: Exports['toRgba'];
  huffmanTables(table: number, ac: number): number;
}

const ERRORS = ['', 'a bad Huffman code', 'a coefficient past the end of a block', 'the scan data ended early (premature end of data segment)',
  'a missing or out-of-order restart marker'];

/** Module memory layout (assembly/cli/jpeg-decoder.ts, ./jpeg-decode/bits.ts and huffman.ts (COUNTS) declare the same). */
const LOOKUP_BITS = 10;
const LAYOUT = { tables: 2048, componentBytes: 48, huffmanBytes: (4 << LOOKUP_BITS) + 512, lookupBits: LOOKUP_BITS, maxcode: 4 << LOOKUP_BITS,
  valoffset: (4 << LOOKUP_BITS) + 72, values: (4 << LOOKUP_BITS) + 144, counts: (4 << LOOKUP_BITS) + 400 };

/** Natural (row-major) index of each zigzag position. */
const ZIGZAG: number[] = [];
for (let s = 0; s < 15; s++) {
  const rows = Array.from({ length: Math.min(s, 7) - Math.max(0, s - 7) + 1 }, (_, i) => Math.max(0, s - 7) + i);
  for (const r of s % 2 === 0 ? rows.reverse() : rows) ZIGZAG.push(r * 8 + (s - r));
}

/** AAN's scale factors (assembly/cli/jpeg-decode/aan.ts): s(0) = 1, s(k) = sqrt 2 cos(k pi / 16). */
const AAN = Array.from({ length: 8 }, (_, k) => (k === 0 ? 1 : Math.SQRT2 * Math.cos((k * Math.PI) / 16)));

/** A[j][u]: DCT basis u averaged over output pixel j's 8/n pixels, with the IDCT's 1/2 C(u). */
function idctMatrix(n: number): number[][] {
  const group = 8 / n;
  return Array.from({ length: 8 }, (_, j) => Array.from({ length: 8 }, (_, u) => {
    if (j >= n) return 0;
    let sum = 0;
    for (let x = j * group; x < (j + 1) * group; x++) sum += Math.cos(((2 * x + 1) * u * Math.PI) / 16);
    return (0.5 * (u === 0 ? Math.SQRT1_2 : 1) * sum) / group;
  }));
}

/**
 * The half-size IDCT's axis weights (assembly/cli/jpeg-decode/half.ts): A[0][u] (n = 4) over the
 * pattern's first entry (1 for u = 0, 2, 6; cos(pi / 8) for 1, 7; cos(3 pi / 8) for 3, 5), so that
 * A[i][u] = HALF[u] x pattern; 0 for u = 4, whose average vanishes.
 */
const HALF = ((a) => a[0].map((value, u) => (u === 4 ? 0 : value / [1, Math.cos(Math.PI / 8), 1, Math.cos((3 * Math.PI) / 8)][u < 4 ? u : 8 - u])))(idctMatrix(4));

/** The quarter-size IDCT's axis weights (assembly/cli/jpeg-decode/idct.ts): A[0][u] (n = 2), 0 for u = 2, 4, 6, whose averages vanish. */
const QUARTER = idctMatrix(2)[0].map((value, u) => (u !== 0 && u % 2 === 0 ? 0 : value));

interface Huffman { counts: number[]; values: number[] }
interface Component { id: number; h: number; v: number; quant: number; dc: number; ac: number }
interface Frame { width: number; height: number; components: Component[] }
interface Parsed { frame: Frame; quant: Array<number[] | undefined>; huffman: Array<Huffman | undefined>; restart: number; scanStart: number }

/** The headers, or undefined where the file is not one this decoder takes. */
export function parseBaseline(bytes: Uint8Array): Parsed | undefined {
  const quant: Array<number[] | undefined> = [];
  const huffman: Array<Huffman | undefined> = []; // 0-3 DC, 4-7 AC
  let frame: Frame | undefined;
  let restart = 0;
  let scanStart = -1;
  let at = 2;
  const n = bytes.length;
  const u16 = (i: number) => (bytes[i] << 8) | bytes[i + 1];
  while (at + 4 <= n) {
    if (bytes[at] !== 0xff) return undefined;
    while (at < n && bytes[at] === 0xff) at++;
    const marker = bytes[at++];
    if (marker === 0xd9) break;
    if (marker >= 0xd0 && marker <= 0xd7) continue;
    const length = u16(at);
    const end = at + length;
    if (length < 2 || end > n) return undefined;
    const s = at + 2;
    if (marker === 0xc0 || marker === 0xc1) {
      if (frame || bytes[s] !== 8) return undefined;
      const count = bytes[s + 5];
      if ((count !== 1 && count !== 3) || length !== 8 + 3 * count) return undefined;
      const components = Array.from({ length: count }, (_, c) => ({ id: bytes[s + 6 + 3 * c], h: bytes[s + 7 + 3 * c] >> 4, v: bytes[s + 7 + 3 * c] & 15, quant: bytes[s + 8 + 3 * c], dc: -1, ac: -1 }));
      frame = { height: u16(s + 1), width: u16(s + 3), components };
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return undefined; // progressive, lossless, hierarchical, arithmetic
    } else if (marker === 0xdb) {
      for (let i = s; i < end;) {
        const precision = bytes[i] >> 4;
        const id = bytes[i] & 15;
        const size = precision === 0 ? 64 : 128;
        if (id > 3 || precision > 1 || i + 1 + size > end) return undefined;
        quant[id] = Array.from({ length: 64 }, (_, k) => (precision === 0 ? bytes[i + 1 + k] : u16(i + 1 + 2 * k)));
        i += 1 + size;
      }
    } else if (marker === 0xc4) {
      for (let i = s; i < end;) {
        const kind = bytes[i] >> 4;
        const id = bytes[i] & 15;
        if (kind > 1 || id > 3 || i + 17 > end) return undefined;
        const counts = Array.from(bytes.subarray(i + 1, i + 17));
        const total = counts.reduce((a, b) => a + b, 0);
        if (total > 256 || i + 17 + total > end) return undefined;
        huffman[kind * 4 + id] = { counts, values: Array.from(bytes.subarray(i + 17, i + 17 + total)) };
        i += 17 + total;
      }
    } else if (marker === 0xdd) {
      if (length !== 4) return undefined;
      restart = u16(s);
    } else if (marker === 0xee && length >= 14 && bytes[s] === 0x41 && bytes[s + 1] === 0x64 && bytes[s + 11] === 0) {
      return undefined; // Adobe APP14, transform 0: RGB or CMYK as stored
    } else if (marker === 0xda) {
      if (!frame || scanStart >= 0) return undefined; // a second scan: not a single-scan file
      const count = bytes[s];
      if (count !== frame.components.length || length !== 6 + 2 * count) return undefined;
      for (let c = 0; c < count; c++) {
        const component = frame.components.find((k) => k.id === bytes[s + 1 + 2 * c]);
        if (!component || component !== frame.components[c]) return undefined;
        component.dc = bytes[s + 2 + 2 * c] >> 4;
        component.ac = 4 + (bytes[s + 2 + 2 * c] & 15);
      }
      if (bytes[s + 1 + 2 * count] !== 0 || bytes[s + 2 + 2 * count] !== 63 || bytes[s + 3 + 2 * count] !== 0) return undefined;
      scanStart = end;
      // Past the entropy-coded data, to the next marker that is not RSTn (a second SOS refuses):
      // found once, by inspectJpeg's walk of the same bytes where it ran first.
      at = entropyEnd(bytes, end);
      if (at < 0) return undefined;
      continue;
    }
    at = end;
  }
  if (!frame || scanStart < 0 || frame.width === 0 || frame.height === 0) return undefined;
  const [luma, ...chroma] = frame.components;
  if (frame.components.length === 1) { luma.h = 1; luma.v = 1; } // one component: a block an MCU, whatever its factors
  else {
    // 4:4:4, 4:2:2, 4:2:0 (4:4:0 and the rarer ones: MozJPEG).
    if (luma.h < 1 || luma.h > 2 || luma.v < 1 || luma.v > luma.h || chroma.some((c) => c.h !== 1 || c.v !== 1)) return undefined;
    if (luma.id === 0x52 && chroma[0].id === 0x47 && chroma[1].id === 0x42) return undefined; // 'R', 'G', 'B': stored as RGB
  }
  if (frame.components.some((c) => !quant[c.quant] || !huffman[c.dc] || !huffman[c.ac] || huffman[c.dc]!.values.some((s) => s > 15))) return undefined;
  return { frame, quant, huffman, restart, scanStart };
}

/**
 * One Huffman table's symbols and counts written into the module and its decoding tables built
 * there (assembly/cli/jpeg-decode/huffman.ts), or false for an invalid one. In the module, not
 * here: built per table per file, that loop was hot enough for TurboFan to compile it in every
 * folder run (2 compiles, ~10 ms of background CPU).
 */
function huffmanTables(table: Huffman, wasm: Exports, at: number, ac: boolean): boolean {
  const bytes = new Uint8Array(wasm.memory.buffer, at + LAYOUT.values, LAYOUT.counts - LAYOUT.values + 16);
  bytes.fill(0, 0, 256);
  bytes.set(table.values);
  bytes.set(table.counts, LAYOUT.counts - LAYOUT.values);
  return wasm.huffmanTables(at, ac ? 1 : 0) !== 0;
}

/** The module, once per thread (./wasm-module.ts). */
const load = moduleLoader<Exports>('jpeg-decoder');

/** Output size of a decode at 1/scale: libjpeg's (rounded up). */
export const scaledSize = (size: number, scale: JpegScale): number => Math.ceil(size / scale);

/**
 * Decodes `bytes` to RGBA (`channels` 4) or RGB (3) at 1/scale of its size, or undefined where
 * the file is not one this decoder takes. Throws JpegDecodeError on corrupt scan data. The
 * caller has walked the file (./jpeg.ts inspectJpeg) and checked its size. `inModule`: the pixels
 * are a view of the module's memory, written there by the colour conversion and not copied out
 * (a folder run's JPEG photos: 37 MB less to copy), valid until the next decodeJpeg on this
 * thread, for a caller done with them by then; else an array of their own (./decoded-pixels.ts).
 */
export async function decodeJpeg(bytes: Uint8Array, scale: JpegScale = 1, channels: 3 | 4 = 4, inModule = false): Promise<DecodedJpeg | undefined> {
  const parsed = parseBaseline(bytes);
  if (!parsed) return undefined;
  const wasm = await load();
  const { frame, quant, huffman, restart, scanStart } = parsed;
  const n = 8 / scale;
  const grey = frame.components.length === 1;
  const hMax = frame.components[0].h;
  const vMax = frame.components[0].v;
  // 4:2:0 shrunk: chroma decoded at twice luma's block size, at luma's resolution (as libjpeg-turbo
  // scales chroma by its IDCT where it can), so no upsampling blurs it.
  const nChroma = hMax === 2 && vMax === 2 && n <= 4 ? 2 * n : n;
  const up = { h: (hMax * n) / nChroma, v: (vMax * n) / nChroma };
  const mcusX = Math.ceil(frame.width / (8 * hMax));
  const mcusY = Math.ceil(frame.height / (8 * vMax));
  const width = scaledSize(frame.width, scale);
  const height = scaledSize(frame.height, scale);
  const sizes = frame.components.map((_, i) => (i === 0 ? n : nChroma));

  const base = align16(wasm.heapBase());
  const tables = base; // 256 unused, block 256, scratch 256, 1280 unused
  const descriptors = tables + LAYOUT.tables;
  const coefficientsAt = descriptors + 160; // 512 bytes a component
  const huffmanAt = coefficientsAt + 3 * 512;
  const planeAt: number[] = [];
  let at = huffmanAt + 8 * LAYOUT.huffmanBytes;
  frame.components.forEach((c, i) => {
    planeAt.push(at);
    at += align16(mcusX * c.h * sizes[i] * mcusY * c.v * sizes[i]);
  });
  const rowsAt = at; // the rows converted at a time, copied out; in the module, the whole image
  const chunkRows = inModule ? height : Math.max(1, Math.min(height, Math.floor((1 << 20) / (width * 4))));
  const scratchAt = rowsAt + align16(chunkRows * width * channels);
  const dataAt = scratchAt + 4 * width + 256; // toRgba's scratch
  const end = dataAt + (bytes.length - scanStart);
  const memory = wasm.memory;
  growTo(memory, end);
  const heap = new Uint8Array(memory.buffer);
  const view = new DataView(memory.buffer);

  // Tables: Huffman, quantisers.
  heap.fill(0, tables + 256, tables + 512); // the block: zero between blocks
  const used = new Set(frame.components.flatMap((c) => [c.dc, c.ac]));
  for (const t of used) {
    if (!huffmanTables(huffman[t]!, wasm, huffmanAt + t * LAYOUT.huffmanBytes, t >= 4)) return undefined;
  }
  const blocksX = grey ? Math.ceil(frame.width / 8) : mcusX;
  const blocksY = grey ? Math.ceil(frame.height / 8) : mcusY;
  frame.components.forEach((c, i) => {
    const d = descriptors + i * LAYOUT.componentBytes;
    // Each zigzag position's place in the block and quantiser: transposed, with AAN's scale
    // factors and the 1/8 for the full-size IDCT, with the reduced ones' axis weights for n = 4
    // and 2; past the block (in the scratch) where the IDCT ignores it: AC for DC alone, row or
    // column 4 at n = 4, 2, 4 or 6 at n = 2.
    const at = coefficientsAt + i * 512;
    const size = sizes[i];
    quant[c.quant]!.forEach((q, k) => {
      const [v, u] = [ZIGZAG[k] >> 3, ZIGZAG[k] & 7];
      const weights = size === 4 ? HALF : QUARTER;
      const ignored = size === 1 ? k !== 0 : size !== 8 && (weights[u] === 0 || weights[v] === 0);
      view.setInt32(at + 8 * k, ignored ? 256 : 4 * (u * 8 + v), true);
      view.setFloat32(at + 8 * k + 4, size === 8 ? (q * AAN[v] * AAN[u]) / 8 : size === 1 ? q : q * weights[v] * weights[u], true);
    });
    const fields = [huffmanAt + c.dc * LAYOUT.huffmanBytes, huffmanAt + c.ac * LAYOUT.huffmanBytes, at, c.h, c.v, planeAt[i],
      (grey ? blocksX : mcusX * c.h) * sizes[i], sizes[i]];
    fields.forEach((value, f) => view.setInt32(d + 4 * f, value, true));
  });
  heap.set(bytes.subarray(scanStart), dataAt);

  const status = wasm.decodeScan(dataAt, end, descriptors, frame.components.length, blocksX, blocksY, restart, tables);
  if (status !== 0) throw new JpegDecodeError(`corrupt JPEG data: ${ERRORS[status] ?? `error ${status}`}`);

  const lumaStride = (grey ? blocksX : mcusX * hMax) * n;
  const chromaStride = mcusX * nChroma;
  const chromaWidth = Math.ceil((frame.width * nChroma) / (8 * hMax));
  const chromaHeight = Math.ceil((frame.height * nChroma) / (8 * vMax));
  const rows = new Uint8Array(memory.buffer, rowsAt, chunkRows * width * channels);
  const out = inModule ? rows : pixelBuffer(width * height * channels);
  const convert = channels === 4 ? wasm.toRgba : wasm.toRgb;
  for (let y = 0; y < height; y += chunkRows) {
    const to = Math.min(height, y + chunkRows);
    convert(y, to, width, frame.components.length, planeAt[0], lumaStride, planeAt[1] ?? 0, planeAt[2] ?? 0,
      chromaStride, chromaWidth, chromaHeight, up.h, up.v, scratchAt, rowsAt);
    if (!inModule) out.set(rows.subarray(0, (to - y) * width * channels), y * width * channels);
  }
  return { data: out, width, height, channels };
}
