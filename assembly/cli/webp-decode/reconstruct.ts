// One macroblock's reconstruction, as libwebp's ReconstructRow does it: the prediction edges
// (the row above's unfiltered last line, the left neighbour's last column, 127 above the image
// and 129 left of it) brought into the work block, prediction plus inverse transform block by
// block, the result copied to the planes.

import { BPS, COEFFS, U_OFF, V_OFF, WORK, Y_OFF } from './state';
import { predict4, predictBlock } from './predict';
import { inverseDc, inverseDct } from './transform';

// @ts-ignore: decorator
@inline function addResidual(code: u32, coeffs: usize, dst: usize): void {
  if (code >= 2) inverseDct(coeffs, dst);
  else if (code == 1) inverseDc(coeffs, dst);
}

/**
 * Brings macroblock (mbX, mbY)'s prediction edges into the work block: the left neighbour's last
 * columns (still in the block) or 129, the row above's unfiltered last line (topY/U/V) or 127, and
 * for 4x4 prediction (`topRight`) the 4 pixels above and to the right, repeated down the right
 * edge. The encoder (../webp-encode/macroblock.ts) predicts from the same edges.
 */
export function loadEdges(mbX: i32, mbY: i32, mbW: i32, topY: usize, topU: usize, topV: usize, topRight: bool): void {
  const y = WORK + Y_OFF;
  const u = WORK + U_OFF;
  const v = WORK + V_OFF;
  if (mbX == 0) {
    for (let j: usize = 0; j < 16; j++) store<u8>(y + j * BPS - 1, 129);
    for (let j: usize = 0; j < 8; j++) {
      store<u8>(u + j * BPS - 1, 129);
      store<u8>(v + j * BPS - 1, 129);
    }
    if (mbY > 0) {
      store<u8>(y - BPS - 1, 129);
      store<u8>(u - BPS - 1, 129);
      store<u8>(v - BPS - 1, 129);
    } else {
      memory.fill(y - BPS - 1, 127, 16 + 4 + 1);
      memory.fill(u - BPS - 1, 127, 8 + 1);
      memory.fill(v - BPS - 1, 127, 8 + 1);
    }
  } else {
    // The left neighbour's last columns (and the corner above them) become this one's left edge.
    for (let j: isize = -1; j < 16; j++) store<u32>(y + j * BPS - 4, load<u32>(y + j * BPS + 12));
    for (let j: isize = -1; j < 8; j++) {
      store<u32>(u + j * BPS - 4, load<u32>(u + j * BPS + 4));
      store<u32>(v + j * BPS - 4, load<u32>(v + j * BPS + 4));
    }
  }
  const x16 = <usize>mbX * 16;
  const x8 = <usize>mbX * 8;
  if (mbY > 0) {
    v128.store(y - BPS, v128.load(topY + x16));
    store<u64>(u - BPS, load<u64>(topU + x8));
    store<u64>(v - BPS, load<u64>(topV + x8));
  }
  if (topRight) {
    const at = y - BPS + 16;
    if (mbY > 0) {
      if (mbX >= mbW - 1) store<u32>(at, <u32>load<u8>(topY + x16 + 15) * 0x01010101);
      else store<u32>(at, load<u32>(topY + x16 + 16));
    }
    const right = load<u32>(at);
    store<u32>(at + 4 * BPS, right);
    store<u32>(at + 8 * BPS, right);
    store<u32>(at + 12 * BPS, right);
  }
}

export function reconstruct(info: usize, mbX: i32, mbY: i32, mbW: i32, yCodes: u32, uvCodes: u32, i4x4: bool, uvMode: u8,
                            outY: usize, outU: usize, outV: usize, yStride: usize, uvStride: usize,
                            topY: usize, topU: usize, topV: usize): void {
  const y = WORK + Y_OFF;
  const u = WORK + U_OFF;
  const v = WORK + V_OFF;
  loadEdges(mbX, mbY, mbW, topY, topU, topV, i4x4);
  if (i4x4) {
    let bits = yCodes;
    for (let n: usize = 0; n < 16; n++, bits <<= 2) {
      const dst = y + (n & 3) * 4 + (n >> 2) * 4 * BPS;
      predict4(dst, <i32>load<u8>(info + n));
      addResidual(bits >> 30, COEFFS + n * 32, dst);
    }
  } else {
    predictBlock(y, 16, <i32>load<u8>(info), mbY > 0, mbX > 0);
    let bits = yCodes;
    if (bits != 0) {
      for (let n: usize = 0; n < 16; n++, bits <<= 2) {
        addResidual(bits >> 30, COEFFS + n * 32, y + (n & 3) * 4 + (n >> 2) * 4 * BPS);
      }
    }
  }
  predictBlock(u, 8, <i32>uvMode, mbY > 0, mbX > 0);
  predictBlock(v, 8, <i32>uvMode, mbY > 0, mbX > 0);
  for (let n: usize = 0; n < 4; n++) {
    const at = (n & 1) * 4 + (n >> 1) * 4 * BPS;
    addResidual((uvCodes >> (6 - 2 * <u32>n)) & 3, COEFFS + (16 + n) * 32, u + at);
    addResidual((uvCodes >> (14 - 2 * <u32>n)) & 3, COEFFS + (20 + n) * 32, v + at);
  }
  for (let j: usize = 0; j < 16; j++) v128.store(outY + j * yStride, v128.load(y + j * BPS));
  for (let j: usize = 0; j < 8; j++) {
    store<u64>(outU + j * uvStride, load<u64>(u + j * BPS));
    store<u64>(outV + j * uvStride, load<u64>(v + j * BPS));
  }
}
