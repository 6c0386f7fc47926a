// Baseline Huffman decoding (ITU T.81 F.2.2): a 64-bit bit buffer over the entropy-coded bytes
// (0xFF00 unstuffed), filled a byte at a time and never past `end`. At a marker (or the end) it
// stops and feeds zero bits, counted as `fake`: a block that consumes one is corrupt or
// truncated data, which the caller reports (libjpeg would warn and pad the image with grey).

/** The buffered bits, most significant first, `count` of them; the last `fake` are padding. */
let buffer: u64 = 0;
let count: i32 = 0;
let fake: i32 = 0;
let position: usize = 0;
let end: usize = 0;

/** Huffman table layout (the wrapper writes it, src/cli/jpeg-decoder.ts HUFFMAN mirrors it). */
export const FAST_BITS = 9;
const MAXCODE: usize = 1024; // 18 i32: the largest code of each length 0-17 (-1: none)
const VALOFFSET: usize = 1096; // 18 i32: index of a length's first value minus its first code
const VALUES: usize = 1168; // 256 u8: the symbols in code order

export function startBits(from: usize, to: usize): void {
  buffer = 0;
  count = 0;
  fake = 0;
  position = from;
  end = to;
}

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

@inline function fill(): void {
  // Four bytes at once where none of them is 0xFF (then no stuffing and no marker among them).
  if (count <= 32 && position + 4 <= end) {
    const word = bswap<u32>(load<u32>(position));
    if (((~word - 0x01010101) & word & 0x80808080) == 0) { // no byte of ~word is zero
      buffer |= <u64>word << <u64>(32 - count);
      count += 32;
      position += 4;
      return;
    }
  }
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

/** `n` bits (0-16) as an unsigned number. */
@inline export function bits(n: i32): i32 {
  if (count < 16) fill();
  const v = <i32>(buffer >> <u64>(64 - n));
  buffer <<= <u64>n;
  count -= n;
  return n == 0 ? 0 : v;
}

/** `n` bits as a signed coefficient (F.2.2.1 EXTEND). */
@inline export function receive(n: i32): i32 {
  const v = bits(n);
  return v < (1 << (n - 1)) ? v - (1 << n) + 1 : v;
}

/** The next symbol of `table`, or -1 for a code no table entry has. */
@inline export function symbol(table: usize): i32 {
  if (count < 16) fill();
  const fast = <i32>load<u16>(table + (<usize>(buffer >> <u64>(64 - FAST_BITS)) << 1));
  if (fast != 0) {
    const n = fast >> 8;
    buffer <<= <u64>n;
    count -= n;
    return fast & 0xff;
  }
  for (let n = FAST_BITS + 1; n <= 16; n++) {
    const code = <i32>(buffer >> <u64>(64 - n));
    if (code <= load<i32>(table + MAXCODE + (<usize>n << 2))) {
      buffer <<= <u64>n;
      count -= n;
      return <i32>load<u8>(table + VALUES + <usize>((load<i32>(table + VALOFFSET + (<usize>n << 2)) + code) & 0xff));
    }
  }
  return -1;
}
