// A block's coefficient tokens (RFC 6386 section 13; the inverse of ../webp-decode/residuals.ts,
// in libwebp's PutCoeffs order), walked once for three uses: their cost in 1/256 bits under the
// probabilities at PROBA (the encoder's rate estimate), writing them to the live bool writer, or
// counting each probability's branches (STATS: for the optimal probabilities of the second pass).

import { putBit } from './bool-writer';
import { BANDS, CAT3, CAT4, CAT5, CAT6 } from '../webp-decode/residuals';

export const COST = 0;
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

let use = COST;
let cost = 0;

// @ts-ignore: decorator
@inline function put(bit: bool, p: usize): void {
  const prob = <u32>load<u8>(p);
  if (use == COST) {
    cost += bitCost(bit, prob);
  } else if (use == WRITE) {
    putBit(bit, prob);
  } else {
    const s = STATS + ((p - PROBA) << 3);
    store<u32>(s, load<u32>(s) + (bit ? 1 : 0));
    store<u32>(s, load<u32>(s, 4) + 1, 4);
  }
}

// @ts-ignore: decorator
@inline function putFixed(bit: bool, prob: u32): void {
  if (use == COST) cost += bitCost(bit, prob);
  else if (use == WRITE) putBit(bit, prob);
}

// @ts-ignore: decorator
@inline function bandProba(type: usize, n: i32, ctx: usize): usize {
  return PROBA + type * 264 + <usize>load<u8>(BANDS + <usize>n) * 33 + ctx * 11;
}

/**
 * Walks the tokens of the 16 levels at `levels` (i16, zigzag order) from index `first`, block
 * type `type`, neighbour context ctx (0-2), for `mode` (COST, WRITE or COUNT). Returns the cost
 * (COST) or 0. `last`: the index of the last non-zero level, or -1.
 */
export function tokens(mode: i32, type: usize, ctx: usize, levels: usize, first: i32, last: i32): i32 {
  if (mode == CONTEXT) return 0;
  use = mode;
  cost = 0;
  let n = first;
  let p = bandProba(type, n, ctx);
  put(last >= first, p);
  if (last < first) return cost;
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
    if (use == COST) cost += 256; // the sign, at even odds
    else if (use == WRITE) putBit(c < 0, 0x80);
    if (n == 16) return cost;
    put(n <= last, p);
    if (n > last) return cost;
  }
  return cost;
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

/** tokens(COST, ...) without the other uses' branches: the rate estimate's inner loop. */
export function tokenCost(type: usize, ctx: usize, levels: usize, first: i32, last: i32): i32 {
  let p = bandProba(type, first, ctx);
  if (last < first) return cost1(false, p);
  let cost = cost1(true, p);
  for (let n = first; n < 16;) {
    const c = <i32>load<i16>(levels + (<usize>n << 1));
    n++;
    const v = c < 0 ? -c : c;
    if (v == 0) {
      cost += cost1(false, p + 1);
      p = bandProba(type, n, 0);
      continue;
    }
    cost += cost1(true, p + 1) + 256; // non-zero, and its sign
    if (v == 1) {
      cost += cost1(false, p + 2);
      p = bandProba(type, n, 1);
    } else {
      cost += cost1(true, p + 2);
      if (v <= 4) {
        cost += cost1(false, p + 3) + cost1(v != 2, p + 4);
        if (v != 2) cost += cost1(v == 4, p + 5);
      } else if (v <= 10) {
        cost += cost1(true, p + 3) + cost1(false, p + 6) + cost1(v > 6, p + 7) + extraCost(v);
      } else {
        cost += cost1(true, p + 3) + cost1(true, p + 6) + extraCost(v);
        if (v < 3 + (8 << 1)) cost += cost1(false, p + 8) + cost1(false, p + 9);
        else if (v < 3 + (8 << 2)) cost += cost1(false, p + 8) + cost1(true, p + 9);
        else if (v < 3 + (8 << 3)) cost += cost1(true, p + 8) + cost1(false, p + 10);
        else cost += cost1(true, p + 8) + cost1(true, p + 10);
      }
      p = bandProba(type, n, 2);
    }
    if (n == 16) return cost;
    cost += cost1(n <= last, p);
    if (n > last) return cost;
  }
  return cost;
}
