// VP8's boolean entropy decoder (RFC 6386 section 7), as libwebp's VP8GetBit reads it: range
// kept as range - 1, bytes loaded seven at a time while eight remain, then one at a time; past the
// end it shifts in one byte of zeros and sets `eof`, the flag libwebp's decoder checks after each
// macroblock (and after each row's modes) to refuse a truncated partition. One reader is live in
// these globals; `saveReader` / `restoreReader` park one in 32 bytes of memory.

export let value: u64 = 0;
export let bits: i32 = -8; // bits buffered in `value` beyond the 8 in use
export let range: u32 = 254;
let position: usize = 0;
let end: usize = 0;
let eof: bool = false;

/** Whether the live reader has read past its bytes. */
export function readerEof(): bool {
  return eof;
}

export function loadBytes(): void {
  if (position + 8 <= end) {
    value = (value << 56) | (bswap<u64>(load<u64>(position)) >> 8);
    bits += 56;
    position += 7;
  } else if (position < end) {
    value = (value << 8) | <u64>load<u8>(position);
    bits += 8;
    position++;
  } else if (!eof) {
    value <<= 8;
    bits += 8;
    eof = true;
  } else {
    bits = 0; // libwebp's guard against a shift past the word
  }
}

/** Starts the live reader on [start, start + size). */
export function startReader(start: usize, size: usize): void {
  value = 0;
  bits = -8;
  range = 254;
  position = start;
  end = start + size;
  eof = false;
  loadBytes();
}

/** One bit whose probability of being 0 is prob / 256. */
// @ts-ignore: decorator
@inline export function getBit(prob: u32): u32 {
  if (bits < 0) loadBytes();
  const at = bits;
  const split = (range * prob) >> 8;
  const v = <u32>(value >> <u64>at);
  let r: u32;
  let bit: u32 = 0;
  if (v > split) {
    r = range - split;
    value -= <u64>(split + 1) << <u64>at;
    bit = 1;
  } else {
    r = split + 1;
  }
  const shift = <i32>clz<u32>(r) - 24;
  range = (r << shift) - 1;
  bits -= shift;
  return bit;
}

/**
 * A tree-coded value (RFC 6386 section 8.1): from the root, entry i + bit of `tree` (i8) is the
 * next node's index (> 0) or a leaf's value, negated; node i's probability is probs[i >> 1]. One
 * bit read for all the trees keeps the callers small (quicker for V8 to optimise).
 */
export function readTree(tree: usize, probs: usize): i32 {
  let i: i32 = 0;
  do {
    i = <i32>load<i8>(tree + <usize>i + <usize>getBit(load<u8>(probs + (<usize>i >> 1))));
  } while (i > 0);
  return -i;
}

/** An n-bit unsigned literal, most significant bit first. */
export function getValue(n: i32): i32 {
  let v = 0;
  while (n-- > 0) v |= <i32>getBit(0x80) << n;
  return v;
}

/** An n-bit magnitude and a sign bit after it. */
export function getSignedValue(n: i32): i32 {
  const v = getValue(n);
  return getBit(0x80) ? -v : v;
}

/** Sets the live reader's state (a hot loop that kept it in locals hands it back). */
// @ts-ignore: decorator
@inline export function setReaderState(v: u64, b: i32, r: u32): void {
  value = v;
  bits = b;
  range = r;
}

export function saveReader(at: usize): void {
  store<u64>(at, value);
  store<i32>(at, bits, 8);
  store<u32>(at, range, 12);
  store<u32>(at, <u32>position, 16);
  store<u32>(at, <u32>end, 20);
  store<u32>(at, eof ? 1 : 0, 24);
}

export function restoreReader(at: usize): void {
  value = load<u64>(at);
  bits = load<i32>(at, 8);
  range = load<u32>(at, 12);
  position = <usize>load<u32>(at, 16);
  end = <usize>load<u32>(at, 20);
  eof = load<u32>(at, 24) != 0;
}
