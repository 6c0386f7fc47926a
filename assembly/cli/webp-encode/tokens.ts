// A block's coefficient tokens (RFC 6386 section 13; the inverse of ../webp-decode/residuals.ts,
// in libwebp's PutCoeffs order), walked for two uses: writing them to the live bool writer under
// the probabilities at PROBA, or counting each probability's branches (STATS: for the optimal
// probabilities of the second pass). The first pass's rate estimate, their cost in 1/256 bits
// under the default probabilities, sums the same bits from per-level tables (`tokenCost`).

import { putBit } from './bool-writer';
import { BANDS, CAT3, CAT4, CAT5, CAT6 } from '../webp-decode/residuals';
import { COEFFS_PROBA0 } from '../webp-decode/tables';

export const WRITE = 1;
export const COUNT = 2;
/** Neither: only the contexts that a walk updates. */
export const CONTEXT = -1;

/** The probabilities in use [4 types][8 bands][3 contexts][11]. */
export const PROBA: usize = memory.data(1056, 16);
/** Per probability: [ones, total] (u32 each). */
export const STATS: usize = memory.data(1056 * 8, 16);

/** -log2(p / 256) in 1/256 bits, p = 0..256 (0 treated as 1). */
export const ENTROPY: usize = memory.data(257 * 2, 16);
for (let p = 0; p <= 256; p++) {
  const q = p == 0 ? 1 : p;
  store<u16>(ENTROPY + (<usize>p << 1), <u16>Math.round(-Math.log2(<f64>q / 256) * 256));
}

/** The cost of `bit` under probability prob (of a 0). */
// @ts-ignore: decorator
@inline export function bitCost(bit: bool, prob: u32): i32 {
  return <i32>load<u16>(ENTROPY + (<usize>(bit ? 256 - prob : prob) << 1));
}

let use = WRITE;

// @ts-ignore: decorator
@inline function put(bit: bool, p: usize): void {
  const prob = <u32>load<u8>(p);
  if (use == WRITE) {
    putBit(bit, prob);
  } else {
    const s = STATS + ((p - PROBA) << 3);
    store<u32>(s, load<u32>(s) + (bit ? 1 : 0));
    store<u32>(s, load<u32>(s, 4) + 1, 4);
  }
}

// @ts-ignore: decorator
@inline function putFixed(bit: bool, prob: u32): void {
  if (use == WRITE) putBit(bit, prob);
}

// @ts-ignore: decorator
@inline function bandProba(type: usize, n: i32, ctx: usize): usize {
  return PROBA + type * 264 + <usize>load<u8>(BANDS + <usize>n) * 33 + ctx * 11;
}

/**
 * Walks the tokens of the 16 levels at `levels` (i16, zigzag order) from index `first`, block
 * type `type`, neighbour context ctx (0-2), for `mode` (WRITE or COUNT). `last`: the index of
 * the last non-zero level, or -1.
 */
export function tokens(mode: i32, type: usize, ctx: usize, levels: usize, first: i32, last: i32): void {
  if (mode == CONTEXT) return;
  use = mode;
  let n = first;
  let p = bandProba(type, n, ctx);
  put(last >= first, p);
  if (last < first) return;
  while (n < 16) {
    const c = <i32>load<i16>(levels + (<usize>n << 1));
    n++;
    let v = c < 0 ? -c : c;
    put(v != 0, p + 1);
    if (v == 0) {
      p = bandProba(type, n, 0);
      continue;
    }
    put(v > 1, p + 2);
    if (v <= 1) {
      p = bandProba(type, n, 1);
    } else {
      put(v > 4, p + 3);
      if (v <= 4) {
        put(v != 2, p + 4);
        if (v != 2) put(v == 4, p + 5);
      } else {
        put(v > 10, p + 6);
        if (v <= 10) {
          put(v > 6, p + 7);
          if (v <= 6) {
            putFixed(v == 6, 159);
          } else {
            putFixed(v >= 9, 165);
            putFixed((v & 1) == 0, 145);
          }
        } else {
          let mask: i32;
          let tab: usize;
          if (v < 3 + (8 << 1)) {
            put(false, p + 8); put(false, p + 9);
            v -= 3 + (8 << 0); mask = 1 << 2; tab = CAT3;
          } else if (v < 3 + (8 << 2)) {
            put(false, p + 8); put(true, p + 9);
            v -= 3 + (8 << 1); mask = 1 << 3; tab = CAT4;
          } else if (v < 3 + (8 << 3)) {
            put(true, p + 8); put(false, p + 10);
            v -= 3 + (8 << 2); mask = 1 << 4; tab = CAT5;
          } else {
            put(true, p + 8); put(true, p + 10);
            v -= 3 + (8 << 3); mask = 1 << 10; tab = CAT6;
          }
          while (mask != 0) {
            putFixed((v & mask) != 0, <u32>load<u8>(tab++));
            mask >>= 1;
          }
        }
      }
      p = bandProba(type, n, 2);
    }
    if (use == WRITE) putBit(c < 0, 0x80); // the sign, at even odds
    if (n == 16) return;
    put(n <= last, p);
    if (n > last) return;
  }
}

// @ts-ignore: decorator
@inline function cost1(bit: bool, p: usize): i32 {
  return bitCost(bit, <u32>load<u8>(p));
}

/** The extra bits of a level of 5 or more after its category's choice, at fixed probabilities. */
function extraCost(v: i32): i32 {
  let cost = 0;
  let mask: i32;
  let tab: usize;
  if (v <= 6) return bitCost(v == 6, 159);
  if (v <= 10) return bitCost(v >= 9, 165) + bitCost((v & 1) == 0, 145);
  if (v < 3 + (8 << 1)) { v -= 3 + (8 << 0); mask = 1 << 2; tab = CAT3; }
  else if (v < 3 + (8 << 2)) { v -= 3 + (8 << 1); mask = 1 << 3; tab = CAT4; }
  else if (v < 3 + (8 << 3)) { v -= 3 + (8 << 2); mask = 1 << 4; tab = CAT5; }
  else { v -= 3 + (8 << 3); mask = 1 << 10; tab = CAT6; }
  while (mask != 0) {
    cost += bitCost((v & mask) != 0, <u32>load<u8>(tab++));
    mask >>= 1;
  }
  return cost;
}

/**
 * The rate estimate's tables, after libwebp's level costs: per [type][band][context], the cost of
 * each level 0..CAT6_START (u16) under the default probabilities (the first pass's), the
 * "not the end" bit that a context after a non-zero level implies included. Levels past
 * CAT6_START differ from it only in their fixed extra bits.
 */
const CAT6_START = 3 + (8 << 3);
const TABLE_BYTES: usize = (CAT6_START + 1) * 2;
const LEVEL_COSTS: usize = memory.data(4 * 8 * 3 * <i32>TABLE_BYTES, 16);
/** extraCost of levels 5..CAT6_START (i32): the same in every table. */
const EXTRA_COSTS: usize = memory.data((CAT6_START + 1) * 4, 16);
for (let v = 5; v <= CAT6_START; v++) store<i32>(EXTRA_COSTS + (<usize>v << 2), extraCost(v));

/** Levels from..to of table `table`: `tree`, the cost of their shared branches, plus each one's extra bits. */
function fillLevels(table: usize, from: i32, to: i32, tree: i32): void {
  for (let v = from; v <= to; v++) store<u16>(table + (<usize>v << 1), <u16>(tree + load<i32>(EXTRA_COSTS + (<usize>v << 2))));
}

// The token tree of `tokens`, a branch at a time, each category's extra bits from EXTRA_COSTS:
// this runs in each thread's start, unoptimised (a level-by-level walk of the tree took ~1 ms).
for (let t: usize = 0; t < 4 * 8 * 3; t++) {
  const p = COEFFS_PROBA0 + t * 11, table = LEVEL_COSTS + t * TABLE_BYTES;
  const notEnd = t % 3 > 0 ? cost1(true, p) : 0;
  store<u16>(table, <u16>(notEnd + cost1(false, p + 1)));
  const nonzero = notEnd + cost1(true, p + 1) + 256; // and its sign
  store<u16>(table + 2, <u16>(nonzero + cost1(false, p + 2)));
  const two = nonzero + cost1(true, p + 2); // 2 or more
  const upTo4 = two + cost1(false, p + 3);
  store<u16>(table + 4, <u16>(upTo4 + cost1(false, p + 4)));
  store<u16>(table + 6, <u16>(upTo4 + cost1(true, p + 4) + cost1(false, p + 5)));
  store<u16>(table + 8, <u16>(upTo4 + cost1(true, p + 4) + cost1(true, p + 5)));
  const five = two + cost1(true, p + 3); // 5 or more
  fillLevels(table, 5, 6, five + cost1(false, p + 6) + cost1(false, p + 7));
  fillLevels(table, 7, 10, five + cost1(false, p + 6) + cost1(true, p + 7));
  const eleven = five + cost1(true, p + 6); // 11 or more: categories 3-6
  fillLevels(table, 3 + (8 << 0), 2 + (8 << 1), eleven + cost1(false, p + 8) + cost1(false, p + 9));
  fillLevels(table, 3 + (8 << 1), 2 + (8 << 2), eleven + cost1(false, p + 8) + cost1(true, p + 9));
  fillLevels(table, 3 + (8 << 2), 2 + (8 << 3), eleven + cost1(true, p + 8) + cost1(false, p + 10));
  fillLevels(table, CAT6_START, CAT6_START, eleven + cost1(true, p + 8) + cost1(true, p + 10));
}
const CAT6_BASE = extraCost(CAT6_START);

// @ts-ignore: decorator
@inline function costTable(type: usize, n: i32, ctx: usize): usize {
  return LEVEL_COSTS + ((type * 8 + <usize>load<u8>(BANDS + <usize>n)) * 3 + ctx) * TABLE_BYTES;
}

/**
 * The cost of tokens(WRITE, ...) under the default probabilities (the first pass's), from the level tables:
 * the rate estimate's inner loop. The same sums as the walk.
 */
export function tokenCost(type: usize, ctx: usize, levels: usize, first: i32, last: i32): i32 {
  const p = COEFFS_PROBA0 + type * 264 + <usize>load<u8>(BANDS + <usize>first) * 33 + ctx * 11;
  if (last < first) return cost1(false, p);
  let cost = ctx == 0 ? cost1(true, p) : 0; // the tables hold it only for contexts 1 and 2
  let t = costTable(type, first, ctx);
  let v = 0;
  for (let n = first; ; n++) {
    const c = <i32>load<i16>(levels + (<usize>n << 1));
    v = c < 0 ? -c : c;
    cost += v <= CAT6_START ? <i32>load<u16>(t + (<usize>v << 1)) : <i32>load<u16>(t + (<usize>CAT6_START << 1)) - CAT6_BASE + extraCost(v);
    if (n == last) break;
    t = costTable(type, n + 1, v < 2 ? <usize>v : 2);
  }
  if (last < 15) cost += cost1(false, COEFFS_PROBA0 + type * 264 + <usize>load<u8>(BANDS + <usize>(last + 1)) * 33 + (v == 1 ? 11 : 22));
  return cost;
}
