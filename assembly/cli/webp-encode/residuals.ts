// A macroblock's blocks in the order the decoder parses them (../webp-decode/residuals.ts): Y2
// (16x16 modes), 16 Y, 4 U, 4 V, each in the context of its neighbours' non-zero flags, kept as
// the decoder keeps them ([nz, nzDc] bytes above and to the left). The same walk counts the
// tokens (the second pass's probabilities) and writes them.

import { IS_I4X4, LASTS, LEVELS, Y2_BLOCK } from './macroblock';
import { tokens } from './tokens';

/** Walks the record's tokens for `mode` (COUNT or WRITE), updating the contexts. */
export function macroblockTokens(mode: i32, record: usize, above: usize, left: usize): void {
  const i4x4 = load<u8>(record, IS_I4X4) != 0;
  let first = 0;
  let type: usize = 3;
  if (!i4x4) {
    const ctx = <usize>(load<u8>(above, 1) + load<u8>(left, 1));
    const last = <i32>load<i8>(record + LASTS + Y2_BLOCK);
    tokens(mode, 1, ctx, record + LEVELS + Y2_BLOCK * 32, 0, last);
    const flag: u8 = last >= 0 ? 1 : 0;
    store<u8>(above, flag, 1);
    store<u8>(left, flag, 1);
    first = 1;
    type = 0;
  }
  let tnz = <u32>load<u8>(above), lnz = <u32>load<u8>(left);
  for (let n: usize = 0; n < 16; n++) {
    const x = <u32>(n & 3), y = <u32>(n >> 2);
    const ctx = <usize>(((tnz >> x) & 1) + ((lnz >> y) & 1));
    const last = <i32>load<i8>(record + LASTS + n);
    tokens(mode, type, ctx, record + LEVELS + n * 32, first, last);
    const nz: u32 = last >= first ? 1 : 0;
    tnz = (tnz & ~(1 << x)) | (nz << x);
    lnz = (lnz & ~(1 << y)) | (nz << y);
  }
  for (let n: usize = 0; n < 8; n++) {
    const k = <u32>n;
    const x = 4 + (k >> 2) * 2 + (k & 1), y = 4 + (k >> 2) * 2 + ((k >> 1) & 1);
    const ctx = <usize>(((tnz >> x) & 1) + ((lnz >> y) & 1));
    const last = <i32>load<i8>(record + LASTS + 16 + n);
    tokens(mode, 2, ctx, record + LEVELS + (16 + n) * 32, 0, last);
    const nz: u32 = last >= 0 ? 1 : 0;
    tnz = (tnz & ~(1 << x)) | (nz << x);
    lnz = (lnz & ~(1 << y)) | (nz << y);
  }
  store<u8>(above, <u8>tnz);
  store<u8>(left, <u8>lnz);
}

/** A skipped macroblock's contexts, as the decoder resets them. */
export function skipContexts(record: usize, above: usize, left: usize): void {
  store<u8>(above, 0);
  store<u8>(left, 0);
  if (load<u8>(record, IS_I4X4) == 0) {
    store<u8>(above, 0, 1);
    store<u8>(left, 0, 1);
  }
}
