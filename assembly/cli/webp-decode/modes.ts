// A macroblock row's modes from the first partition (RFC 6386 sections 10, 11; libwebp's
// ParseIntraMode): segment, skip flag, 16x16 luma mode or sixteen 4x4 modes (coded in the
// context of the modes above and to the left), chroma mode. Mode numbers are libwebp's:
// DC 0, TM 1, VE 2, HE 3, RD 4, VR 5, LD 6, VL 7, HD 8, HU 9 (16x16 and chroma use 0-3).

import { getBit } from './bool';
import { BMODES_PROBA } from './tables';
import { INTRA_LEFT, SEGMENT_PROBA, skipProba, updateMap, useSkipProba } from './state';

/** A macroblock's entry: 16 luma modes (one for 16x16), chroma mode, segment, skip, is i4x4. */
export const MB_INFO_BYTES: usize = 20;
export const UV_MODE: usize = 16;
export const SEGMENT: usize = 17;
export const SKIP: usize = 18;
export const IS_I4X4: usize = 19;

/** The row's modes into `info` (mbW entries); `above`: the modes along the row above's bottom edge (4 a macroblock). */
export function parseModeRow(info: usize, above: usize, mbW: i32): void {
  memory.fill(INTRA_LEFT, 0, 4); // DC at the left edge
  for (let x = 0; x < mbW; x++) {
    const mb = info + <usize>x * MB_INFO_BYTES;
    const top = above + (<usize>x << 2);
    let segment: u8 = 0;
    if (updateMap) {
      segment = !getBit(load<u8>(SEGMENT_PROBA)) ? <u8>getBit(load<u8>(SEGMENT_PROBA, 1)) : <u8>(getBit(load<u8>(SEGMENT_PROBA, 2)) + 2);
    }
    store<u8>(mb, segment, SEGMENT);
    store<u8>(mb, useSkipProba ? <u8>getBit(skipProba) : 0, SKIP);
    const i4x4 = !getBit(145);
    store<u8>(mb, i4x4 ? 1 : 0, IS_I4X4);
    if (!i4x4) {
      const mode: u8 = getBit(156) ? (getBit(128) ? 1 : 3) : (getBit(163) ? 2 : 0);
      store<u8>(mb, mode);
      memory.fill(top, mode, 4);
      memory.fill(INTRA_LEFT, mode, 4);
    } else {
      for (let y: usize = 0; y < 4; y++) {
        let mode = <usize>load<u8>(INTRA_LEFT + y);
        for (let x4: usize = 0; x4 < 4; x4++) {
          const p = BMODES_PROBA + (<usize>load<u8>(top + x4) * 10 + mode) * 9;
          mode = !getBit(load<u8>(p)) ? 0
            : !getBit(load<u8>(p, 1)) ? 1
            : !getBit(load<u8>(p, 2)) ? 2
            : !getBit(load<u8>(p, 3))
              ? (!getBit(load<u8>(p, 4)) ? 3 : !getBit(load<u8>(p, 5)) ? 4 : 5)
              : (!getBit(load<u8>(p, 6)) ? 6 : !getBit(load<u8>(p, 7)) ? 7 : !getBit(load<u8>(p, 8)) ? 8 : 9);
          store<u8>(top + x4, <u8>mode);
          store<u8>(mb + y * 4 + x4, <u8>mode);
        }
        store<u8>(INTRA_LEFT + y, <u8>mode);
      }
    }
    const uv: u8 = !getBit(142) ? 0 : !getBit(114) ? 2 : getBit(183) ? 1 : 3;
    store<u8>(mb, uv, UV_MODE);
  }
}
