// Baseline Huffman coding of quantised blocks (ITU T.81 F.1.2): DC as a difference from the
// previous block of the same component, AC as (zero run, size) symbols in zigzag order, each
// code followed by its extra bits; written through a 64-bit accumulator, 64 bits at a time (as
// libjpeg-turbo's jchuff.c does: half the flushes of 32 at a time, each a branch that mispredicts
// often), with a 0x00 stuffed after every 0xFF byte. The state lives across calls: one scan is
// encoded in several calls (one per MCU row), and `padToByte` ends it.

/** Bits not yet written (the low 64 - `free` bits of `acc`; higher bits are stale), and where the next byte goes. */
let acc: u64 = 0;
let free: i32 = 64;
let cursor: usize = 0;
/** Each component's previous DC value. */
let previousDc0: i32 = 0;
let previousDc1: i32 = 0;
let previousDc2: i32 = 0;

/** Starts a scan (or a restart interval): the predictors at zero, no bits pending. */
export function startScan(): void {
  acc = 0;
  free = 64;
  previousDc0 = 0;
  previousDc1 = 0;
  previousDc2 = 0;
}

export function setCursor(at: usize): void { cursor = at; }
export function getCursor(): usize { return cursor; }

/** One byte, and a stuffed zero after 0xFF. */
@inline function byte(b: u32): void {
  store<u8>(cursor, b);
  cursor++;
  if (b == 0xff) { store<u8>(cursor, 0); cursor++; }
}

/** `length` bits (at most 26; `bits` has none above them), most significant first. */
@inline function put(bits: u64, length: i32): void {
  free -= length;
  if (free >= 0) {
    acc = (acc << <u64>length) | bits;
  } else {
    // The first length + free bits of `bits` fill the accumulator; the other -free stay in it.
    const word = (acc << <u64>(length + free)) | (bits >> <u64>-free);
    const inverted = ~word; // a 0xFF byte of word is a zero byte here
    if (((inverted - 0x0101010101010101) & ~inverted & 0x8080808080808080) == 0) {
      store<u64>(cursor, bswap<u64>(word));
      cursor += 8;
    } else {
      for (let shift: i32 = 56; shift >= 0; shift -= 8) byte(<u32>(word >> <u64>shift) & 0xff);
    }
    acc = bits;
    free += 64;
  }
}

/** Pads the scan with 1-bits to a whole byte (as T.81 asks before a marker) and writes what is pending. */
export function padToByte(): void {
  const fill = free & 7; // 64 - free bits pending
  put((<u64>1 << <u64>fill) - 1, fill);
  for (let pending = 64 - free; pending >= 8;) {
    pending -= 8;
    byte(<u32>(acc >> <u64>pending) & 0xff);
  }
  free = 64;
}

/** The size category of a magnitude: its bit count (0 for 0). */
@inline function sizeOf(magnitude: i32): i32 { return 32 - clz(magnitude); }

/**
 * One block of 64 quantised coefficients (i16) in zigzag order at `ordered` (./dct.ts), coded
 * with the DC and AC tables at `dc`, `ac` for component `component` (0-2). A table has a u32 per
 * symbol: its code shifted left by the symbol's size category (the extra bits' count) and then
 * by 5, OR the code's length plus that size; so code and extra bits go out in one put. A 64-bit
 * mask of the nonzero coefficients drives the AC loop: one step per nonzero coefficient instead
 * of a test per position.
 */
export function encodeBlock(ordered: usize, dc: usize, ac: usize, component: i32): void {
  // Narrowed to bytes (saturating: nonzero stays nonzero), 16 coefficients a bitmask.
  let zero: u64 = 0;
  for (let j: usize = 0; j < 4; j++) {
    const bytes = i8x16.narrow_i16x8_s(v128.load(ordered + (j << 5)), v128.load(ordered + (j << 5), 16));
    zero |= <u64>i8x16.bitmask(i8x16.eq(bytes, i8x16.splat(0))) << (j << 4);
  }
  let nonzero = ~zero;
  const value = <i32>load<i16>(ordered);
  let diff: i32;
  if (component == 0) { diff = value - previousDc0; previousDc0 = value; }
  else if (component == 1) { diff = value - previousDc1; previousDc1 = value; }
  else { diff = value - previousDc2; previousDc2 = value; }
  let sign = diff >> 31;
  let size = sizeOf((diff ^ sign) - sign);
  let entry = load<u32>(dc + (<usize>size << 2));
  put(<u64>((entry >>> 5) | (<u32>(diff + sign) & ((1 << size) - 1))), entry & 31);
  let last = 0; // the zigzag position of the last coefficient coded
  nonzero &= ~(<u64>1);
  while (nonzero != 0) {
    const k = <i32>ctz(nonzero);
    nonzero &= nonzero - 1;
    let run = k - last - 1;
    last = k;
    while (run > 15) { // ZRL: sixteen zeros
      entry = load<u32>(ac + (0xf0 << 2));
      put(<u64>(entry >>> 5), entry & 31);
      run -= 16;
    }
    const v = <i32>load<i16>(ordered + (<usize>k << 1));
    sign = v >> 31;
    size = sizeOf((v ^ sign) - sign);
    entry = load<u32>(ac + (<usize>((run << 4) | size) << 2));
    put(<u64>((entry >>> 5) | (<u32>(v + sign) & ((1 << size) - 1))), entry & 31);
  }
  if (last != 63) { // EOB
    entry = load<u32>(ac);
    put(<u64>(entry >>> 5), entry & 31);
  }
}
