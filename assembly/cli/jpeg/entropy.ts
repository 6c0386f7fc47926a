// Baseline Huffman coding of quantised blocks (ITU T.81 F.1.2): DC as a difference from the
// previous block of the same component, AC as (zero run, size) symbols in zigzag order, each
// code followed by its extra bits; written through a 64-bit accumulator, 32 bits at a time, with
// a 0x00 stuffed after every 0xFF byte. The state lives across calls: one scan is encoded in
// several calls (one per MCU row), and `padToByte` ends it.

/** Bits not yet written (the low `pending` bits of `acc`; higher bits are stale), and where the next byte goes. */
let acc: u64 = 0;
let pending: i32 = 0;
let cursor: usize = 0;
/** Each component's previous DC value. */
let previousDc0: i32 = 0;
let previousDc1: i32 = 0;
let previousDc2: i32 = 0;

/** Starts a scan (or a restart interval): the predictors at zero, no bits pending. */
export function startScan(): void {
  acc = 0;
  pending = 0;
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

/** `length` bits (at most 27; `bits` has none above them), most significant first. */
@inline function put(bits: u32, length: i32): void {
  acc = (acc << <u64>length) | <u64>bits;
  pending += length;
  if (pending >= 32) {
    pending -= 32;
    const word = <u32>(acc >> <u64>pending);
    const inverted = ~word; // a 0xFF byte of word is a zero byte here
    if (((inverted - 0x01010101) & ~inverted & 0x80808080) == 0) {
      store<u32>(cursor, bswap<u32>(word));
      cursor += 4;
    } else {
      byte(word >>> 24);
      byte((word >>> 16) & 0xff);
      byte((word >>> 8) & 0xff);
      byte(word & 0xff);
    }
  }
}

/** Pads the scan with 1-bits to a whole byte (as T.81 asks before a marker) and writes what is pending. */
export function padToByte(): void {
  const fill = (8 - (pending & 7)) & 7;
  put((1 << fill) - 1, fill);
  while (pending >= 8) {
    pending -= 8;
    byte(<u32>(acc >> <u64>pending) & 0xff);
  }
}

/** The size category of a magnitude: its bit count (0 for 0). */
@inline function sizeOf(magnitude: i32): i32 { return 32 - clz(magnitude); }

/**
 * One block of 64 quantised coefficients (i16) in zigzag order at `ordered` (./dct.ts), coded
 * with the DC and AC tables at `dc`, `ac` (u32 per symbol: code << 16 | length) for component
 * `component` (0-2). A 64-bit mask of the nonzero coefficients drives the AC loop: one step per
 * nonzero coefficient instead of a test per position.
 */
export function encodeBlock(ordered: usize, dc: usize, ac: usize, component: i32): void {
  let nonzero: u64 = 0;
  for (let j: usize = 0; j < 8; j++) {
    const zero = i16x8.eq(v128.load(ordered + (j << 4)), i16x8.splat(0));
    nonzero |= <u64>(~i16x8.bitmask(zero) & 0xff) << (j << 3);
  }
  const value = <i32>load<i16>(ordered);
  let diff: i32;
  if (component == 0) { diff = value - previousDc0; previousDc0 = value; }
  else if (component == 1) { diff = value - previousDc1; previousDc1 = value; }
  else { diff = value - previousDc2; previousDc2 = value; }
  let sign = diff >> 31;
  let size = sizeOf((diff ^ sign) - sign);
  let entry = load<u32>(dc + (<usize>size << 2));
  put(((entry >>> 16) << size) | (<u32>(diff + sign) & ((1 << size) - 1)), (entry & 0xff) + size);
  let last = 0; // the zigzag position of the last coefficient coded
  nonzero &= ~(<u64>1);
  while (nonzero != 0) {
    const k = <i32>ctz(nonzero);
    nonzero &= nonzero - 1;
    let run = k - last - 1;
    last = k;
    while (run > 15) { // ZRL: sixteen zeros
      entry = load<u32>(ac + (0xf0 << 2));
      put(entry >>> 16, entry & 0xff);
      run -= 16;
    }
    const v = <i32>load<i16>(ordered + (<usize>k << 1));
    sign = v >> 31;
    size = sizeOf((v ^ sign) - sign);
    entry = load<u32>(ac + (<usize>((run << 4) | size) << 2));
    put(((entry >>> 16) << size) | (<u32>(v + sign) & ((1 << size) - 1)), (entry & 0xff) + size);
  }
  if (last != 63) { // EOB
    entry = load<u32>(ac);
    put(entry >>> 16, entry & 0xff);
  }
}
