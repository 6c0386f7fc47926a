// The command line's baseline JPEG encoder (src/cli/jpeg-encoder.ts wraps it): its own
// WebAssembly module, built apart from the library's (asconfig.json target `jpeg-encoder`), so
// the library's builds do not grow. One call encodes one MCU row: colour conversion, 4:2:0
// chroma averaging, forward DCT, quantisation and Huffman coding, into the entropy-coded bytes.
// The wrapper owns all memory (it lays out the tables, planes, pixels and output from
// `heapBase()`), writes the quantiser reciprocals and Huffman tables, and the headers.

import { halve, toPlanes } from './jpeg/colour';
import { forwardDct } from './jpeg/dct';
import { encodeBlock } from './jpeg/entropy';

export { getCursor, padToByte, setCursor, startScan } from './jpeg/entropy';

/** Byte offsets in the wrapper's table area (TABLES in src/cli/jpeg-encoder.ts mirrors them). */
const RECIP_LUMA: usize = 0; // 64 f32, transposed order (./jpeg/dct.ts)
const RECIP_CHROMA: usize = 256;
const DC_LUMA: usize = 512; // 16 u32 per size category: code and length (./jpeg/entropy.ts)
const AC_LUMA: usize = 576; // 256 u32 per (run << 4 | size) symbol, the same
const DC_CHROMA: usize = 1600;
const AC_CHROMA: usize = 1664;
const SCRATCH: usize = 2688; // 512 bytes for the DCT
const ORDERED: usize = 3200; // 64 i16: one quantised block in zigzag order, then 128 bytes of scratch
// 3456 bytes in all.

/** First free byte after the module's static data: the wrapper's arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}

@inline function block(src: usize, stride: usize, tables: usize, chroma: bool, component: i32): void {
  forwardDct(src, stride, tables + (chroma ? RECIP_CHROMA : RECIP_LUMA), tables + SCRATCH, tables + ORDERED);
  encodeBlock(tables + ORDERED, tables + (chroma ? DC_CHROMA : DC_LUMA), tables + (chroma ? AC_CHROMA : AC_LUMA), component);
}

/**
 * Encodes one MCU row of `width` pixels (a multiple of the MCU width: 16 for 4:2:0, else 8;
 * edge pixels replicated by the wrapper) from `pixels` (`channels` 1, 3 or 4 bytes a pixel; 16
 * rows for 4:2:0, else 8) at the cursor (setCursor). `planes`: 3 x 16 x width floats of scratch.
 * Grey (1 channel) is one component; colour is Y, Cb, Cr, interleaved, `subsample` 4:2:0 or 4:4:4.
 */
export function encodeRow(pixels: usize, width: i32, channels: i32, subsample: bool, tables: usize, planes: usize): void {
  const rows = channels != 1 && subsample ? 16 : 8;
  const count = rows * width;
  const y = planes;
  const cb = planes + (<usize>count << 2);
  const cr = cb + (<usize>count << 2);
  toPlanes(pixels, count, channels, y, cb, cr);
  const stride = <usize>width << 2;
  if (channels == 1) {
    for (let x = 0; x < width; x += 8) block(y + (<usize>x << 2), stride, tables, false, 0);
  } else if (!subsample) {
    for (let x = 0; x < width; x += 8) {
      const at = <usize>x << 2;
      block(y + at, stride, tables, false, 0);
      block(cb + at, stride, tables, true, 1);
      block(cr + at, stride, tables, true, 2);
    }
  } else {
    halve(cb, width, 16);
    halve(cr, width, 16);
    const half = stride >> 1;
    for (let x = 0; x < width; x += 16) {
      const at = <usize>x << 2;
      block(y + at, stride, tables, false, 0);
      block(y + at + 32, stride, tables, false, 0);
      block(y + at + 8 * stride, stride, tables, false, 0);
      block(y + at + 8 * stride + 32, stride, tables, false, 0);
      block(cb + (at >> 1), half, tables, true, 1);
      block(cr + (at >> 1), half, tables, true, 2);
    }
  }
}
