// The command line's baseline JPEG decoder (src/cli/jpeg-decoder.ts wraps it): its own
// WebAssembly module (asconfig.json target `jpeg-decoder`), like the encoder. `decodeScan`
// Huffman-decodes one interleaved scan (or one component's) and writes each block's inverse DCT,
// at full size or reduced to 4, 2 or 1 pixels a side (shrink on decode), into component planes;
// `toRgba` (`toRgb`) upsamples chroma and converts rows to RGBA (RGB). The wrapper parses the headers, checks
// that the file is the kind this decodes, and owns all memory: tables, planes and rows, laid out
// from `heapBase()`. Corrupt data ends the scan with an error code, never a read or write
// outside the planes (block positions come from the MCU counters, not from the data).

import { BAD_CODE, BAD_RUN, decodeBlock } from './jpeg-decode/block';
import { bufferedBytes, bytePosition, overran, skipMarker, startBits } from './jpeg-decode/bits';
import { fullDct } from './jpeg-decode/aan';
import { halfDct } from './jpeg-decode/half';
import { dcOnly, quarterDct } from './jpeg-decode/idct';

export { toRgb, toRgba } from './jpeg-decode/colour';
export { huffmanTables } from './jpeg-decode/huffman';

/** First free byte after the module's static data: the wrapper's arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/** A component's descriptor, 12 i32 (src/cli/jpeg-decoder.ts writes the first 8). */
const DC_TABLE: usize = 0;
const AC_TABLE: usize = 4;
const COEFFICIENTS: usize = 8; // where each zigzag position goes and its quantiser (./jpeg-decode/block.ts)
const H: usize = 12;
const V: usize = 16;
const PLANE: usize = 20;
const STRIDE: usize = 24;
const SIZE: usize = 28; // n: its blocks' output size, 8, 4, 2 or 1
// 32-39 unused
const PREDICTION: usize = 40; // its DC prediction (i32)
const COMPONENT_BYTES: usize = 48;

export const OK = 0;
export { BAD_CODE, BAD_RUN };
export const OVERRAN = 3;
export const BAD_RESTART = 4;

/**
 * The scan's entropy-coded bytes [data, dataEnd) into the planes: `components` descriptors
 * (interleaved MCUs of h x v blocks each, or one component a block at a time; each
 * block written as n x n pixels, n its own: chroma may be decoded at twice luma's n, so that a
 * shrunk 4:2:0 image needs no upsampling), mcusX x mcusY MCUs, `restartInterval` MCUs between
 * RSTn markers (0: none). `tables`: 256 bytes unused, 64 f32 of block (zero), 256 bytes of
 * scratch. Returns OK or an error code.
 */
export function decodeScan(data: usize, dataEnd: usize, descriptors: usize, components: i32, mcusX: i32, mcusY: i32,
                           restartInterval: i32, tables: usize): i32 {
  const block = tables + 256;
  const scratch = block + 256;
  startBits(data, dataEnd);
  resetPredictions(descriptors, components);
  let untilRestart = restartInterval;
  let restarts = 0;
  for (let my = 0; my < mcusY; my++) {
    for (let mx = 0; mx < mcusX; mx++) {
      if (restartInterval > 0 && untilRestart == 0) {
        // The marker must come next: the bytes before it all read, then RSTn in sequence.
        const at = bytePosition();
        if (bufferedBytes() != 0 || at + 1 >= dataEnd || load<u8>(at) != 0xff || load<u8>(at + 1) != <u8>(0xd0 + (restarts & 7))) return BAD_RESTART;
        skipMarker();
        resetPredictions(descriptors, components);
        restarts++;
        untilRestart = restartInterval;
      }
      untilRestart--;
      for (let c = 0; c < components; c++) {
        const descriptor = descriptors + <usize>c * COMPONENT_BYTES;
        const h = load<i32>(descriptor + H);
        const v = load<i32>(descriptor + V);
        const plane = <usize>load<i32>(descriptor + PLANE);
        const stride = <usize>load<i32>(descriptor + STRIDE);
        const n = load<i32>(descriptor + SIZE);
        const dcTable = <usize>load<i32>(descriptor + DC_TABLE);
        const acTable = <usize>load<i32>(descriptor + AC_TABLE);
        const coefficients = <usize>load<i32>(descriptor + COEFFICIENTS);
        for (let by = 0; by < v; by++) {
          for (let bx = 0; bx < h; bx++) {
            const error = decodeBlock(dcTable, acTable, descriptor + PREDICTION, coefficients, block);
            if (error != OK) return error;
            const out = plane + <usize>((my * v + by) * n) * stride + <usize>((mx * h + bx) * n);
            if (n == 1) dcOnly(block, out);
            else if (n == 8) fullDct(block, scratch, out, stride);
            else if (n == 4) halfDct(block, scratch, out, stride);
            else quarterDct(block, out, stride);
          }
        }
      }
      if (overran()) return OVERRAN;
    }
  }
  return OK;
}

function resetPredictions(descriptors: usize, components: i32): void {
  for (let c = 0; c < components; c++) store<i32>(descriptors + <usize>c * COMPONENT_BYTES + PREDICTION, 0);
}
