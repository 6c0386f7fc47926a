// VP8's boolean entropy encoder (RFC 6386 section 7.3), the inverse of ../webp-decode/bool.ts:
// 24 bits of `bottom` buffered, a carry propagated back through the bytes written. One writer is
// live in these globals; it never writes past its limit, and says so (`writerOverflowed`).

let range: u32 = 255;
let bottom: u32 = 0;
let bitCount: i32 = 24;
let start: usize = 0;
let out: usize = 0;
let limit: usize = 0;
let overflowed = false;

/** Starts the writer on [at, end). */
export function startWriter(at: usize, end: usize): void {
  range = 255;
  bottom = 0;
  bitCount = 24;
  start = at;
  out = at;
  limit = end;
  overflowed = false;
}

/** Whether the last writer ran out of room (its bytes are then incomplete). */
export function writerOverflowed(): bool {
  return overflowed;
}

function emit(byte: u8): void {
  if (out < limit) store<u8>(out++, byte);
  else overflowed = true;
}

function addOne(): void {
  let q = out;
  while (q > start) {
    q--;
    const b = load<u8>(q);
    if (b != 255) {
      store<u8>(q, b + 1);
      return;
    }
    store<u8>(q, 0);
  }
}

/** Writes `bit` whose probability of being 0 is prob / 256. */
export function putBit(bit: bool, prob: u32): void {
  const split = 1 + (((range - 1) * prob) >> 8);
  if (bit) {
    bottom += split;
    range -= split;
  } else {
    range = split;
  }
  const shift = <i32>clz<u32>(range) - 24; // range < 128: shift until it is >= 128
  for (let i = 0; i < shift; i++) {
    range <<= 1;
    if ((bottom & 0x80000000) != 0) addOne();
    bottom <<= 1;
    if (--bitCount == 0) {
      emit(<u8>(bottom >> 24));
      bottom &= 0xffffff;
      bitCount = 8;
    }
  }
}

/** An n-bit literal, most significant bit first. */
export function putValue(v: i32, n: i32): void {
  while (n-- > 0) putBit(((v >> n) & 1) != 0, 0x80);
}

/** An n-bit magnitude, then its sign. */
export function putSignedValue(v: i32, n: i32): void {
  putValue(v < 0 ? -v : v, n);
  putBit(v < 0, 0x80);
}

/** Flushes the writer; returns the end of its bytes. */
export function finishWriter(): usize {
  let c = bitCount;
  let v = bottom;
  if (c < 32 && (v & (1 << (32 - c))) != 0) addOne();
  v <<= <u32>(c & 7);
  c >>= 3;
  while (--c >= 0) v <<= 8;
  for (let i = 0; i < 4; i++) {
    emit(<u8>(v >> 24));
    v <<= 8;
  }
  return out;
}
