// Building one Huffman table's decoding tables (./bits.ts layout) in the module: the wrapper
// wrote its symbols at VALUES and its 16 counts at COUNTS. Here, not in the wrapper's JS: built
// per table per file, the loop was hot enough for TurboFan to compile it in every folder run
// (~10 ms of background CPU); Liftoff compiles this once with the module, cheaply.

import { SYMBOL } from './block';
import { LOOKUP_BITS, MAXCODE, VALOFFSET, VALUES } from './bits';

/** The table's 16 code counts (u8), after its symbols. */
export const COUNTS: usize = VALUES + 256;

/**
 * The lookup of the next LOOKUP_BITS bits (./block.ts): for a code whose value bits fit too, its
 * run, length + size and coefficient (a DC table's every symbol, an AC table's except end of
 * block and sixteen zeros); for one that fits alone, SYMBOL, its symbol and length.
 */
@inline function lookupEntry(symbol: i32, length: i32, rest: i32, ac: bool): i32 {
  const size = symbol & 15;
  const spare = LOOKUP_BITS - length;
  if ((ac && size == 0) || size > spare) return SYMBOL | (symbol << 8) | length;
  const bits = size == 0 ? 0 : rest >> (spare - size);
  const value = size == 0 || bits >= 1 << (size - 1) ? bits : bits - (1 << size) + 1; // F.2.2.1 EXTEND
  return (value << 16) | ((symbol >> 4) << 8) | (length + size);
}

/** The lookup, MAXCODE and VALOFFSET of the table at `table`; false for an invalid one. */
export function huffmanTables(table: usize, ac: bool): bool {
  let code = 0;
  let index = 0;
  for (let i = 0; i < 1 << LOOKUP_BITS; i++) store<i32>(table + (<usize>i << 2), SYMBOL);
  for (let length = 1; length <= 17; length++) {
    const count = length <= 16 ? <i32>load<u8>(table + COUNTS + <usize>(length - 1)) : 0;
    store<i32>(table + VALOFFSET + (<usize>length << 2), index - code);
    for (let i = 0; i < count; i++, code++, index++) {
      if (code >= 1 << length) return false; // more codes than the length holds
      if (length <= LOOKUP_BITS) {
        const shift = LOOKUP_BITS - length;
        const symbol = index < 256 ? <i32>load<u8>(table + VALUES + <usize>index) : 0;
        for (let rest = 0; rest < 1 << shift; rest++) store<i32>(table + (<usize>((code << shift) | rest) << 2), lookupEntry(symbol, length, rest, ac));
      }
    }
    store<i32>(table + MAXCODE + (<usize>length << 2), count > 0 ? code - 1 : -1);
    if (code >= 1 << length) return false; // libjpeg's rule too: no code is all ones
    code <<= 1;
  }
  return true;
}
