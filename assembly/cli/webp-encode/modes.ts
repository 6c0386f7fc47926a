// The intra modes' trees (RFC 6386 sections 11.2-11.4, ../webp-decode/modes.ts reads them):
// written to the live bool writer, or their cost in 1/256 bits for the rate-distortion choice.
// Mode numbers are libwebp's (../webp-decode/modes.ts).

import { putBit } from './bool-writer';
import { bitCost } from './tokens';
import { BMODES_PROBA } from '../webp-decode/tables';

let writing = false;
let cost = 0;

// @ts-ignore: decorator
@inline function put(bit: bool, prob: u32): bool {
  if (writing) putBit(bit, prob);
  else cost += bitCost(bit, prob);
  return bit;
}

function lumaTree(mode: i32, i4x4: bool): void {
  if (!put(!i4x4, 145)) return;
  if (put(mode == 1 || mode == 3, 156)) put(mode == 1, 128);
  else put(mode == 2, 163);
}

function subblockTree(p: usize, mode: i32): void {
  if (!put(mode != 0, load<u8>(p))) return;
  if (!put(mode != 1, load<u8>(p, 1))) return;
  if (!put(mode != 2, load<u8>(p, 2))) return;
  if (!put(mode >= 6, load<u8>(p, 3))) {
    if (put(mode != 3, load<u8>(p, 4))) put(mode != 4, load<u8>(p, 5));
  } else if (put(mode != 6, load<u8>(p, 6))) {
    if (put(mode != 7, load<u8>(p, 7))) put(mode != 8, load<u8>(p, 8));
  }
}

function chromaTree(mode: i32): void {
  if (!put(mode != 0, 142)) return;
  if (put(mode != 2, 114)) put(mode == 1, 183);
}

/** Writes a macroblock's luma modes: `modes` holds 16 4x4 modes or the 16x16 mode; `above` (4 bytes) and `left` (4 bytes) are the context, updated. */
export function writeLumaModes(modes: usize, i4x4: bool, above: usize, left: usize): void {
  writing = true;
  lumaTree(<i32>load<u8>(modes), i4x4);
  if (!i4x4) {
    const four = <u32>load<u8>(modes) * 0x01010101;
    store<u32>(above, four);
    store<u32>(left, four);
    return;
  }
  for (let y: usize = 0; y < 4; y++) {
    let l = <usize>load<u8>(left + y);
    for (let x: usize = 0; x < 4; x++) {
      const mode = <usize>load<u8>(modes + y * 4 + x);
      subblockTree(BMODES_PROBA + (<usize>load<u8>(above + x) * 10 + l) * 9, <i32>mode);
      store<u8>(above + x, <u8>mode);
      l = mode;
    }
    store<u8>(left + y, <u8>l);
  }
}

export function writeChromaMode(mode: i32): void {
  writing = true;
  chromaTree(mode);
}

/** Costs of the 16x16 modes (i32 x 4), the chroma modes (i32 x 4), the 4x4 modes by [above][left][mode] (i32). */
export const I16_COST: usize = memory.data(16, 16);
export const UV_COST: usize = memory.data(16, 16);
export const I4_COST: usize = memory.data(1000 * 4, 16);

writing = false;
for (let m = 0; m < 4; m++) {
  cost = 0; lumaTree(m, false); store<i32>(I16_COST + (<usize>m << 2), cost);
  cost = 0; chromaTree(m); store<i32>(UV_COST + (<usize>m << 2), cost);
}
for (let i: usize = 0; i < 100; i++) {
  for (let m = 0; m < 10; m++) {
    cost = 0;
    subblockTree(BMODES_PROBA + i * 9, m);
    store<i32>(I4_COST + ((i * 10 + <usize>m) << 2), cost);
  }
}
