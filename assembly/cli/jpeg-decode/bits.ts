// Baseline Huffman decoding (ITU T.81 F.2.2): a 64-bit bit buffer over the entropy-coded bytes
// (0xFF00 unstuffed), never filled past `end`. At a marker (or the end) it stops and feeds zero
// bits, counted as `fake`: a block that consumes one is corrupt or truncated data, which the
// caller reports (libjpeg would warn and pad the image with grey). The block decoder
// (./block.ts) keeps the buffer in locals and tops it up here (`refill`) when under 32 bits.

/** The buffered bits, most significant first, `count` of them; the last `fake` are padding. */
let buffer: u64 = 0;
let count: i32 = 0;
let fake: i32 = 0;
let position: usize = 0;
let end: usize = 0;

/** Huffman table layout (the wrapper writes it, src/cli/jpeg-decoder.ts LAYOUT mirrors it). */
export const LOOKUP_BITS = 10; // the lookup table (./block.ts): 1 << LOOKUP_BITS i32 entries
export const MAXCODE: usize = 4 << LOOKUP_BITS; // 18 i32: the largest code of each length 0-17 (-1: none)
export const VALOFFSET: usize = MAXCODE + 72; // 18 i32: index of a length's first value minus its first code
export const VALUES: usize = VALOFFSET + 72; // 256 u8: the symbols in code order

export function startBits(from: usize, to: usize): void {
  buffer = 0;
  count = 0;
  fake = 0;
  position = from;
  end = to;
}

/** The reader's bits and count, for the block decoder's locals; `saveBits` hands them back. */
@inline export function bufferBits(): u64 { return buffer; }
@inline export function bitCount(): i32 { return count; }
@inline export function saveBits(bits: u64, n: i32): void { buffer = bits; count = n; }

/** Bits consumed past the data: the block just decoded read padding, not data. */
@inline export function overran(): bool { return count < fake; }

/** Where the reader stands: the next unread byte. */
@inline export function bytePosition(): usize { return position; }

/** Whole bytes of real data still buffered (left unread at a restart marker). */
@inline export function bufferedBytes(): i32 { return (count - fake) >> 3; }

/** Drops the buffer at a restart marker (the data before it is byte-aligned, padded with ones). */
export function skipMarker(): void {
  buffer = 0;
  count = 0;
  fake = 0;
  position += 2;
}

/**
 * `bits` (the caller's copy of the buffer, `n` < 32 of them valid) topped up to at least 56:
 * returns the buffer, sets `count`. Where the next 8 bytes hold no 0xFF (no stuffing, no marker)
 * it takes 7 - n / 8 of them at once; the bits below the count are then those of the next byte,
 * which the next top-up ORs in again unchanged. Else a byte at a time, stopping at a marker.
 */
@inline export function refill(bits: u64, n: i32): u64 {
  const at = position;
  if (at + 8 <= end) {
    const word = bswap<u64>(load<u64>(at));
    if (((~word - 0x0101010101010101) & word & 0x8080808080808080) == 0) { // no byte of ~word is zero
      const bytes = (63 - n) >> 3;
      position = at + <usize>bytes;
      count = n + (bytes << 3);
      return bits | word >> <u64>n;
    }
  }
  buffer = bits;
  count = n;
  fillBytes();
  return buffer;
}

function fillBytes(): void {
  while (count <= 56) {
    let byte: u64 = 0;
    if (position < end) {
      const b = load<u8>(position);
      if (b != 0xff) { byte = b; position++; }
      else if (position + 1 < end && load<u8>(position + 1) == 0) { byte = 0xff; position += 2; }
      else fake += 8; // a marker: stay before it
    } else fake += 8;
    buffer |= byte << <u64>(56 - count);
    count += 8;
  }
}

/**
 * A code longer than the lookup table's: its symbol and length as a lookup entry (./block.ts
 * SYMBOL, length in the low 5 bits), or 0 for a code no table entry has. `bits`: at least 16 valid.
 */
export function longCode(table: usize, bits: u64): i32 {
  for (let n = LOOKUP_BITS + 1; n <= 16; n++) {
    const code = <i32>(bits >> <u64>(64 - n));
    if (code <= load<i32>(table + MAXCODE + (<usize>n << 2))) {
      const symbol = <i32>load<u8>(table + VALUES + <usize>((load<i32>(table + VALOFFSET + (<usize>n << 2)) + code) & 0xff));
      return 32 | symbol << 8 | n;
    }
  }
  return 0;
}
