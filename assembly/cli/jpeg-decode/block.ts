// One block's Huffman-coded coefficients (T.81 F.2.2), with the bit buffer in locals. Each
// Huffman table starts with a lookup of its next LOOKUP_BITS bits (the wrapper builds it,
// src/cli/jpeg-decoder.ts huffmanTables), as libjpeg-turbo and stb_image do: where the code and
// its value bits both fit, one entry gives the run, the coefficient and the bits to drop; where
// only the code fits, the symbol (SYMBOL set); a longer code, SYMBOL with length 0 (./bits.ts
// longCode). The buffer is topped up before a coefficient where it holds under 32 bits: enough
// for the longest (a 16-bit code and 15 value bits).

import { bitCount, bufferBits, LOOKUP_BITS, longCode, refill, saveBits } from './bits';

/** An entry: length to drop (bits 0-4), SYMBOL (bit 5), run or symbol (bits 8-15), value (16-31). */
export const SYMBOL = 32;

export const BAD_CODE = 1;
export const BAD_RUN = 2;

@inline function fail(bits: u64, n: i32, error: i32): i32 {
  saveBits(bits, n);
  return error;
}

/** The entry for the next code of `table`, or 0 for a code it does not have. */
@inline function lookup(table: usize, bits: u64): i32 {
  const entry = load<i32>(table + (<usize>(bits >> <u64>(64 - LOOKUP_BITS)) << 2));
  return (entry & 31) != 0 ? entry : longCode(table, bits);
}

/** The top `s` (1-15) bits of `bits` as a signed coefficient (F.2.2.1 EXTEND). */
@inline function extend(bits: u64, s: i32): i32 {
  const v = <i32>(bits >> <u64>(64 - s));
  return v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
}

/**
 * Decodes one block into `block` (64 f32, dequantised; all zero on entry): DC with `dcTable` and
 * the prediction at `prediction` (updated), AC with `acTable`. `coefficients`: for each zigzag
 * position, where it goes (a byte offset from `block`: natural order, transposed, or past the
 * block where the IDCT reads DC alone) and its quantiser (f32), 8 bytes. Returns 0 or BAD_CODE
 * or BAD_RUN.
 */
export function decodeBlock(dcTable: usize, acTable: usize, prediction: usize, coefficients: usize, block: usize): i32 {
  let bits = bufferBits();
  let n = bitCount();
  if (n < 32) { bits = refill(bits, n); n = bitCount(); }
  let entry = lookup(dcTable, bits);
  if (entry == 0) return fail(bits, n, BAD_CODE);
  let length = entry & 31;
  bits <<= <u64>length;
  n -= length;
  let diff = entry >> 16;
  if ((entry & SYMBOL) != 0) {
    const s = (entry >> 8) & 15;
    if (s != 0) {
      diff = extend(bits, s);
      bits <<= <u64>s;
      n -= s;
    }
  }
  const dc = load<i32>(prediction) + diff;
  store<i32>(prediction, dc);
  store<f32>(block, <f32>dc * load<f32>(coefficients + 4));
  let k = 1;
  while (k < 64) {
    if (n < 32) { bits = refill(bits, n); n = bitCount(); }
    entry = load<i32>(acTable + (<usize>(bits >> <u64>(64 - LOOKUP_BITS)) << 2));
    let value: i32;
    if ((entry & SYMBOL) == 0) { // run, size and value in one entry
      length = entry & 31;
      bits <<= <u64>length;
      n -= length;
      k += (entry >> 8) & 15;
      value = entry >> 16;
    } else {
      if ((entry & 31) == 0) {
        entry = longCode(acTable, bits);
        if (entry == 0) return fail(bits, n, BAD_CODE);
      }
      length = entry & 31;
      bits <<= <u64>length;
      n -= length;
      const rs = (entry >> 8) & 255;
      const s = rs & 15;
      if (s == 0) {
        if (rs != 0xf0) break; // end of block
        k += 16; // sixteen zeros
        continue;
      }
      k += rs >> 4;
      value = extend(bits, s);
      bits <<= <u64>s;
      n -= s;
    }
    if (k > 63) return fail(bits, n, BAD_RUN);
    const at = coefficients + (<usize>k << 3);
    store<f32>(block + <usize>load<i32>(at), <f32>value * load<f32>(at + 4));
    k++;
  }
  saveBits(bits, n);
  return 0;
}
