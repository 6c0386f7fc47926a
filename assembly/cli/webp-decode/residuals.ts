// A macroblock's coefficients from its token partition (RFC 6386 section 13; libwebp's
// ParseResiduals and GetCoeffs): Y2 (the 16x16 modes' DCs) first, Walsh-Hadamard transformed into
// the Y blocks, then 16 Y, 4 U, 4 V blocks, each coded in the context of whether its neighbours
// above and to the left had coefficients. Dequantised into COEFFS as i16, wrapping as libwebp's
// int16_t stores do. Returns libwebp's non-zero codes: 2 bits a block (0 none, 1 DC only, 2 up to
// the third coefficient, 3 more), Y in bits 0-31 (block 0 highest), U and V in `uvCodes`.

import { bits as readerBits, getBit, loadBytes, range as readerRange, readTree, setReaderState, value as readerValue } from './bool';
import { COEFFS, PROBA, QUANT } from './state';

export const BANDS: usize = memory.data<u8>([0, 1, 2, 3, 6, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 0]);
/** The zigzag order's byte offsets in a block of i16. */
const ZIGZAG_BYTES: usize = memory.data<u8>([0, 2, 8, 16, 10, 4, 6, 12, 18, 24, 26, 20, 14, 22, 28, 30]);
export const CAT3: usize = memory.data<u8>([173, 148, 140, 0]);
export const CAT4: usize = memory.data<u8>([176, 155, 140, 135, 0]);
export const CAT5: usize = memory.data<u8>([180, 157, 141, 134, 130, 0]);
export const CAT6: usize = memory.data<u8>([254, 254, 243, 230, 196, 177, 153, 140, 133, 130, 129, 0]);

/** Per block type, for coefficient n (0-16), the address of its band's probabilities (context 0), as u32. */
const BAND_PROBA: usize = memory.data(4 * 17 * 4, 16);
for (let type: usize = 0; type < 4; type++) {
  for (let n: usize = 0; n <= 16; n++) store<u32>(BAND_PROBA + (type * 17 + n) * 4, <u32>(PROBA + type * 264 + <usize>load<u8>(BANDS + n) * 33));
}

// A token larger than one (RFC 6386 section 13.2): its tree from p[3] on (./bool.ts readTree),
// leaves 0-8 for 2, 3, 4 and the categories 1-6, each a base and extra bits of fixed probabilities.
const LARGE_TREE: usize = memory.data<i8>([2, 6, -0, 4, -1, -2, 8, 10, -3, -4, 12, 14, -5, -6, -7, -8]);
const LARGE_BASE: usize = memory.data<u8>([2, 3, 4, 5, 7, 11, 19, 35, 67]);
const CAT1: usize = memory.data<u8>([159, 0]);
const CAT2: usize = memory.data<u8>([165, 145, 0]);
const NO_EXTRA: usize = memory.data<u8>([0]);
const LARGE_EXTRA: usize = memory.data<u32>([
  <u32>NO_EXTRA, <u32>NO_EXTRA, <u32>NO_EXTRA, <u32>CAT1, <u32>CAT2, <u32>CAT3, <u32>CAT4, <u32>CAT5, <u32>CAT6,
]);

function largeValue(p: usize): i32 {
  const token = <usize>readTree(LARGE_TREE, p + 3);
  let extra = 0;
  for (let table = <usize>load<u32>(LARGE_EXTRA + (token << 2)); load<u8>(table) != 0; table++) extra += extra + <i32>getBit(load<u8>(table));
  return <i32>load<u8>(LARGE_BASE + token) + extra;
}

/**
 * One block's tokens from coefficient n on: returns the index after its last non-zero one. The
 * reader's state is kept in locals here (wasm globals are memory: each bit would store and reload
 * them; AssemblyScript inlines no function that updates its caller's locals, so the three token
 * tree bits read by hand, as ./bool.ts getBit does), handed back around the calls that read it.
 */
function coefficients(type: usize, ctx: i32, dcQuant: i32, acQuant: i32, n: i32, out: usize): i32 {
  let value = readerValue, bits = readerBits, range = readerRange;
  const bands = BAND_PROBA + type * 68;
  let p = <usize>load<u32>(bands + (<usize>n << 2)) + <usize>ctx * 11;
  let split: u32, bit: bool, shift: i32;
  for (; n < 16; n++) {
    // p[0]: 0 ends the block.
    if (bits < 0) { setReaderState(value, bits, range); loadBytes(); value = readerValue; bits = readerBits; }
    split = (range * <u32>load<u8>(p)) >> 8;
    bit = <u32>(value >> <u64>bits) > split;
    if (bit) { range -= split; value -= <u64>(split + 1) << <u64>bits; } else range = split + 1;
    shift = <i32>clz<u32>(range) - 24; range = (range << shift) - 1; bits -= shift;
    if (!bit) break;
    // p[1]: 0 a zero coefficient (the next one's p[0] is not read).
    for (;;) {
      if (bits < 0) { setReaderState(value, bits, range); loadBytes(); value = readerValue; bits = readerBits; }
      split = (range * <u32>load<u8>(p, 1)) >> 8;
      bit = <u32>(value >> <u64>bits) > split;
      if (bit) { range -= split; value -= <u64>(split + 1) << <u64>bits; } else range = split + 1;
      shift = <i32>clz<u32>(range) - 24; range = (range << shift) - 1; bits -= shift;
      if (bit) break;
      p = <usize>load<u32>(bands + (<usize>++n << 2));
      if (n == 16) {
        setReaderState(value, bits, range);
        return 16;
      }
    }
    // p[2]: 0 a one, 1 larger.
    if (bits < 0) { setReaderState(value, bits, range); loadBytes(); value = readerValue; bits = readerBits; }
    split = (range * <u32>load<u8>(p, 2)) >> 8;
    bit = <u32>(value >> <u64>bits) > split;
    if (bit) { range -= split; value -= <u64>(split + 1) << <u64>bits; } else range = split + 1;
    shift = <i32>clz<u32>(range) - 24; range = (range << shift) - 1; bits -= shift;
    let v = 1;
    let next = <usize>load<u32>(bands + (<usize>n << 2), 4) + 11;
    if (bit) {
      setReaderState(value, bits, range);
      v = largeValue(p);
      value = readerValue; bits = readerBits; range = readerRange;
      next += 11;
    }
    // v or -v by an even-odds bit (libwebp's VP8GetSigned: getBit(0x80) without the normalising shift count).
    if (bits < 0) { setReaderState(value, bits, range); loadBytes(); value = readerValue; bits = readerBits; }
    const half = range >> 1;
    const mask = <i32>(half - <u32>(value >> <u64>bits)) >> 31; // -1 where the bit is 1
    range = (range + <u32>mask) | 1;
    value -= <u64>((half + 1) & <u32>mask) << <u64>bits;
    bits--;
    v = (v ^ mask) - mask;
    store<i16>(out + <usize>load<u8>(ZIGZAG_BYTES + <usize>n), <i16>(v * (n > 0 ? acQuant : dcQuant)));
    p = next;
  }
  setReaderState(value, bits, range);
  return n;
}

// @ts-ignore: decorator
@inline function nzCode(nz: i32, dcNonZero: bool): u32 {
  return nz > 3 ? 3 : nz > 1 ? 2 : dcNonZero ? 1 : 0;
}

const Y2: usize = memory.data(32, 16);

/** The last macroblock's U codes (bits 0-7) and V codes (8-15), 2 bits a block, block 0 highest. */
export let uvCodes: u32 = 0;

/**
 * Parses one macroblock's residuals. `above` points at this column's context bytes [nz, nzDc],
 * `left` at the row's: nz's bits 0-3 whether the Y blocks along that edge had coefficients, 4-5
 * U's, 6-7 V's; nzDc Y2's. Returns the Y codes (see above); sets `uvCodes`.
 */
export function parseResiduals(above: usize, left: usize, segment: usize, i4x4: bool): u32 {
  const q = QUANT + segment * 24;
  // v128 stores, not memory.fill: V8 calls out of the module for a fill.
  for (let at: usize = 0; at < 768; at += 64) {
    v128.store(COEFFS + at, i64x2.splat(0));
    v128.store(COEFFS + at, i64x2.splat(0), 16);
    v128.store(COEFFS + at, i64x2.splat(0), 32);
    v128.store(COEFFS + at, i64x2.splat(0), 48);
  }
  let dst = COEFFS;
  let first = 0;
  let acType: usize = 3;
  if (!i4x4) {
    v128.store(Y2, i64x2.splat(0));
    v128.store(Y2, i64x2.splat(0), 16);
    const ctx = <i32>load<u8>(above, 1) + <i32>load<u8>(left, 1);
    const nz = coefficients(1, ctx, load<i32>(q, 8), load<i32>(q, 12), 0, Y2);
    const flag: u8 = nz > 0 ? 1 : 0;
    store<u8>(above, flag, 1);
    store<u8>(left, flag, 1);
    walshHadamard(Y2, COEFFS);
    first = 1;
    acType = 0;
  }
  const y1Dc = load<i32>(q);
  const y1Ac = load<i32>(q, 4);
  let tnz = <u32>load<u8>(above) & 0x0f;
  let lnz = <u32>load<u8>(left) & 0x0f;
  let yCodes: u32 = 0;
  for (let y = 0; y < 4; y++) {
    let l = lnz & 1;
    let codes: u32 = 0;
    for (let x = 0; x < 4; x++) {
      const ctx = <i32>(l + (tnz & 1));
      const nz = coefficients(acType, ctx, y1Dc, y1Ac, first, dst);
      l = nz > first ? 1 : 0;
      tnz = (tnz >> 1) | (l << 7);
      codes = (codes << 2) | nzCode(nz, load<i16>(dst) != 0);
      dst += 32;
    }
    tnz >>= 4;
    lnz = (lnz >> 1) | (l << 7);
    yCodes = (yCodes << 8) | codes;
  }
  let outTop = tnz;
  let outLeft = lnz >> 4;
  const uvDc = load<i32>(q, 16);
  const uvAc = load<i32>(q, 20);
  let uv: u32 = 0;
  for (let ch: u32 = 0; ch < 4; ch += 2) {
    let codes: u32 = 0;
    tnz = <u32>load<u8>(above) >> (4 + ch);
    lnz = <u32>load<u8>(left) >> (4 + ch);
    for (let y = 0; y < 2; y++) {
      let l = lnz & 1;
      for (let x = 0; x < 2; x++) {
        const ctx = <i32>(l + (tnz & 1));
        const nz = coefficients(2, ctx, uvDc, uvAc, 0, dst);
        l = nz > 0 ? 1 : 0;
        tnz = (tnz >> 1) | (l << 3);
        codes = (codes << 2) | nzCode(nz, load<i16>(dst) != 0);
        dst += 32;
      }
      tnz >>= 2;
      lnz = (lnz >> 1) | (l << 5);
    }
    uv |= codes << (4 * ch);
    outTop |= (tnz << 4) << ch;
    outLeft |= (lnz & 0xf0) << ch;
  }
  store<u8>(above, <u8>outTop);
  store<u8>(left, <u8>outLeft);
  uvCodes = uv;
  return yCodes;
}

/** The inverse Walsh-Hadamard transform of the Y2 block into the DC of each Y block (libwebp's TransformWHT). */
export function walshHadamard(input: usize, out: usize): void {
  const tmp = Y2TMP;
  for (let i: usize = 0; i < 4; i++) {
    const a0 = <i32>load<i16>(input + (i << 1)) + <i32>load<i16>(input + ((12 + i) << 1));
    const a1 = <i32>load<i16>(input + ((4 + i) << 1)) + <i32>load<i16>(input + ((8 + i) << 1));
    const a2 = <i32>load<i16>(input + ((4 + i) << 1)) - <i32>load<i16>(input + ((8 + i) << 1));
    const a3 = <i32>load<i16>(input + (i << 1)) - <i32>load<i16>(input + ((12 + i) << 1));
    store<i32>(tmp + (i << 2), a0 + a1);
    store<i32>(tmp + ((8 + i) << 2), a0 - a1);
    store<i32>(tmp + ((4 + i) << 2), a3 + a2);
    store<i32>(tmp + ((12 + i) << 2), a3 - a2);
  }
  for (let i: usize = 0; i < 4; i++) {
    const row = tmp + (i << 4);
    const dc = load<i32>(row) + 3;
    const a0 = dc + load<i32>(row, 12);
    const a1 = load<i32>(row, 4) + load<i32>(row, 8);
    const a2 = load<i32>(row, 4) - load<i32>(row, 8);
    const a3 = dc - load<i32>(row, 12);
    const o = out + i * 128; // 4 blocks of 16 i16 a row of blocks
    store<i16>(o, <i16>((a0 + a1) >> 3));
    store<i16>(o, <i16>((a3 + a2) >> 3), 32);
    store<i16>(o, <i16>((a0 - a1) >> 3), 64);
    store<i16>(o, <i16>((a3 - a2) >> 3), 96);
  }
}

const Y2TMP: usize = memory.data(64, 16);
