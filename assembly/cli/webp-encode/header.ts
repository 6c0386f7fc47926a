// The frame's first partition (RFC 6386 sections 9, 19.2, in the order ../webp-decode/header.ts
// reads it): segments, loop filter, one token partition, quantiser, the coefficient probability
// updates, the skip probability; then each macroblock's segment, skip flag and modes. And the
// probabilities' second pass: libwebp's FinalizeTokenProbas (a probability is sent where the
// counted tokens then cost less, the update's bits included).

import { putBit, putSignedValue, putValue } from './bool-writer';
import { bitCost, PROBA, STATS } from './tokens';
import { COEFFS_PROBA0, COEFFS_UPDATE_PROBA } from '../webp-decode/tables';

/** Per probability: whether the frame sends it. */
const UPDATED: usize = memory.data(1056, 16);

/** Chooses the probabilities from STATS into PROBA (and UPDATED). */
export function finalizeProbabilities(): void {
  for (let i: usize = 0; i < 1056; i++) {
    const ones = <i64>load<u32>(STATS + (i << 3));
    const total = <i64>load<u32>(STATS + (i << 3), 4);
    const update = <u32>load<u8>(COEFFS_UPDATE_PROBA + i);
    const old = <u32>load<u8>(COEFFS_PROBA0 + i);
    let fresh = ones == 0 ? 255 : <u32>(255 - ones * 255 / total);
    if (fresh < 1) fresh = 1;
    const branch = (p: u32, ones: i64, total: i64): i64 => ones * <i64>bitCost(true, p) + (total - ones) * <i64>bitCost(false, p);
    const oldCost = branch(old, ones, total) + <i64>bitCost(false, update);
    const newCost = branch(fresh, ones, total) + <i64>bitCost(true, update) + 8 * 256;
    const use = oldCost > newCost;
    store<u8>(UPDATED + i, use ? 1 : 0);
    store<u8>(PROBA + i, <u8>(use ? fresh : old));
  }
}

/** Writes the header fields after the frame tag and size (the live writer starts the first partition). */
export function writeHeader(quant: i32, uvDcDelta: i32, uvAcDelta: i32, filterLevel: i32, segments: i32, segmentQuant: usize,
                            segmentFilter: usize, segmentProba: usize, useSkip: bool, skipProba: i32): void {
  putValue(0, 1); // colour space
  putValue(0, 1); // clamping needed
  putBit(segments > 1, 0x80);
  if (segments > 1) {
    putBit(true, 0x80); // update the map
    putBit(true, 0x80); // update the data
    putBit(true, 0x80); // absolute values
    for (let s: usize = 0; s < 4; s++) {
      putBit(true, 0x80);
      putSignedValue(load<i32>(segmentQuant + (s << 2)), 7);
    }
    for (let s: usize = 0; s < 4; s++) {
      putBit(true, 0x80);
      putSignedValue(load<i32>(segmentFilter + (s << 2)), 6);
    }
    for (let i: usize = 0; i < 3; i++) {
      const p = <i32>load<u8>(segmentProba + i);
      putBit(p != 255, 0x80);
      if (p != 255) putValue(p, 8);
    }
  }
  putValue(0, 1); // the normal loop filter (libwebp's default)
  putValue(filterLevel, 6);
  putValue(0, 3); // sharpness
  putValue(0, 1); // no deltas
  putValue(0, 2); // one token partition
  putValue(quant, 7);
  putValue(0, 1); // y1 dc
  putValue(0, 1); // y2 dc
  putValue(0, 1); // y2 ac
  putBit(uvDcDelta != 0, 0x80);
  if (uvDcDelta != 0) putSignedValue(uvDcDelta, 4);
  putBit(uvAcDelta != 0, 0x80);
  if (uvAcDelta != 0) putSignedValue(uvAcDelta, 4);
  putValue(0, 1); // refresh entropy probabilities
  for (let i: usize = 0; i < 1056; i++) {
    const update = load<u8>(UPDATED + i) != 0;
    putBit(update, load<u8>(COEFFS_UPDATE_PROBA + i));
    if (update) putValue(load<u8>(PROBA + i), 8);
  }
  putValue(useSkip ? 1 : 0, 1);
  if (useSkip) putValue(skipProba, 8);
}
