// A macroblock row's modes from the first partition (RFC 6386 sections 10, 11; libwebp's
// ParseIntraMode): segment, skip flag, 16x16 luma mode or sixteen 4x4 modes (coded in the
// context of the modes above and to the left), chroma mode. Mode numbers are libwebp's:
// DC 0, TM 1, VE 2, HE 3, RD 4, VR 5, LD 6, VL 7, HD 8, HU 9 (16x16 and chroma use 0-3).

import { getBit, readTree } from './bool';
import { BMODES_PROBA } from './tables';
import { INTRA_LEFT, SEGMENT_PROBA, skipProba, updateMap, useSkipProba } from './state';

/** A macroblock's entry: 16 luma modes (one for 16x16), chroma mode, segment, skip, is i4x4. */
export const MB_INFO_BYTES: usize = 20;
export const UV_MODE: usize = 16;
export const SEGMENT: usize = 17;
export const SKIP: usize = 18;
export const IS_I4X4: usize = 19;

// The mode trees (./bool.ts readTree), leaves the mode numbers above, and the fixed probabilities.
const SEGMENT_TREE: usize = memory.data<i8>([2, 4, -0, -1, -2, -3]);
const Y16_TREE: usize = memory.data<i8>([2, 4, -0, -2, -3, -1]);
const Y16_PROBA: usize = memory.data<u8>([156, 163, 128]);
const UV_TREE: usize = memory.data<i8>([-0, 2, -2, 4, -3, -1]);
const UV_PROBA: usize = memory.data<u8>([142, 114, 183]);
const B_TREE: usize = memory.data<i8>([-0, 2, -1, 4, -2, 6, 8, 12, -3, 10, -4, -5, -6, 14, -7, 16, -8, -9]);

/** The row's modes into `info` (mbW entries); `above`: the modes along the row above's bottom edge (4 a macroblock). */
export function parseModeRow(info: usize, above: usize, mbW: i32): void {
  memory.fill(INTRA_LEFT, 0, 4); // DC at the left edge
  for (let x = 0; x < mbW; x++) {
    const mb = info + <usize>x * MB_INFO_BYTES;
    const top = above + (<usize>x << 2);
    store<u8>(mb, updateMap ? <u8>readTree(SEGMENT_TREE, SEGMENT_PROBA) : 0, SEGMENT);
    store<u8>(mb, useSkipProba ? <u8>getBit(skipProba) : 0, SKIP);
    const i4x4 = !getBit(145);
    store<u8>(mb, i4x4 ? 1 : 0, IS_I4X4);
    if (!i4x4) {
      const mode = <u8>readTree(Y16_TREE, Y16_PROBA);
      store<u8>(mb, mode);
      memory.fill(top, mode, 4);
      memory.fill(INTRA_LEFT, mode, 4);
    } else {
      for (let y: usize = 0; y < 4; y++) {
        let mode = <usize>load<u8>(INTRA_LEFT + y);
        for (let x4: usize = 0; x4 < 4; x4++) {
          mode = <usize>readTree(B_TREE, BMODES_PROBA + (<usize>load<u8>(top + x4) * 10 + mode) * 9);
          store<u8>(top + x4, <u8>mode);
          store<u8>(mb + y * 4 + x4, <u8>mode);
        }
        store<u8>(INTRA_LEFT + y, <u8>mode);
      }
    }
    store<u8>(mb, <u8>readTree(UV_TREE, UV_PROBA), UV_MODE);
  }
}
