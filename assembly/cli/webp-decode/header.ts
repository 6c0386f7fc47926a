// The key frame's header (RFC 6386 section 9, 19.2) in the first partition, as libwebp's
// VP8GetHeaders reads it: segments, loop filter, token partitions, quantisers, coefficient
// probability updates, the skip probability. Each check that libwebp fails on fails here too.

import { getBit, getSignedValue, getValue, readerEof, restoreReader, saveReader, startReader } from './bool';
import { COEFFS_PROBA0, COEFFS_UPDATE_PROBA, quantSteps } from './tables';
import {
  FILTER_STRENGTH, MODE_LF_DELTA, PROBA, QUANT, READERS, REF_LF_DELTA, SEGMENT_FILTER, SEGMENT_PROBA, SEGMENT_QUANT,
  setFilterType, setPartitions, setSegmentFlags, setSkip, useSegment,
} from './state';

export const OK = 0;
export const BAD_HEADER = 1; // libwebp: a bitstream error in the header
export const TRUNCATED = 2; // libwebp: not enough data

/**
 * Parses the frame header of the VP8 data [data, data + size) (frame tag and start code
 * included) and sets up the token partitions' readers; leaves the first partition's reader live,
 * positioned at the first macroblock's modes.
 */
export function parseHeader(data: usize, size: usize): i32 {
  if (size < 10) return TRUNCATED;
  const tag = <u32>load<u8>(data) | (<u32>load<u8>(data, 1) << 8) | (<u32>load<u8>(data, 2) << 16);
  if ((tag & 1) != 0 || ((tag >> 1) & 7) > 3 || ((tag >> 4) & 1) == 0) return BAD_HEADER;
  if (load<u8>(data, 3) != 0x9d || load<u8>(data, 4) != 0x01 || load<u8>(data, 5) != 0x2a) return BAD_HEADER;
  const firstSize = <usize>(tag >> 5);
  const rest = size - 10;
  if (firstSize > rest) return TRUNCATED;
  startReader(data + 10, firstSize);
  getBit(0x80); // colour space
  getBit(0x80); // clamping type: libwebp always clamps
  if (!parseSegments()) return BAD_HEADER;
  if (!parseFilter()) return BAD_HEADER;
  const partitions = parsePartitions(data + 10 + firstSize, rest - firstSize);
  if (partitions != OK) return partitions;
  parseQuant();
  getBit(0x80); // refresh entropy probabilities: a key frame has nothing to keep
  parseProba();
  return OK;
}

function parseSegments(): bool {
  // Reset: absolute values of 0, a tree of 255s.
  memory.fill(SEGMENT_QUANT, 0, 16);
  memory.fill(SEGMENT_FILTER, 0, 16);
  memory.fill(SEGMENT_PROBA, 255, 3);
  const use = getBit(0x80) != 0;
  let update = false;
  absoluteDelta = true;
  if (use) {
    update = getBit(0x80) != 0;
    if (getBit(0x80)) {
      absoluteDelta = getBit(0x80) != 0;
      for (let s = 0; s < 4; s++) store<i32>(SEGMENT_QUANT + (<usize>s << 2), getBit(0x80) ? getSignedValue(7) : 0);
      for (let s = 0; s < 4; s++) store<i32>(SEGMENT_FILTER + (<usize>s << 2), getBit(0x80) ? getSignedValue(6) : 0);
    }
    if (update) for (let s = 0; s < 3; s++) store<u8>(SEGMENT_PROBA + <usize>s, getBit(0x80) ? <u8>getValue(8) : 255);
  }
  setSegmentFlags(use, update);
  return !readerEof();
}

let absoluteDelta = true;
let filterLevel = 0;
let sharpness = 0;
let useLfDelta = false;

function parseFilter(): bool {
  const simple = getBit(0x80) != 0;
  filterLevel = getValue(6);
  sharpness = getValue(3);
  useLfDelta = getBit(0x80) != 0;
  memory.fill(REF_LF_DELTA, 0, 16);
  memory.fill(MODE_LF_DELTA, 0, 16);
  if (useLfDelta && getBit(0x80)) {
    for (let i = 0; i < 4; i++) if (getBit(0x80)) store<i32>(REF_LF_DELTA + (<usize>i << 2), getSignedValue(6));
    for (let i = 0; i < 4; i++) if (getBit(0x80)) store<i32>(MODE_LF_DELTA + (<usize>i << 2), getSignedValue(6));
  }
  setFilterType(filterLevel == 0 ? 0 : simple ? 1 : 2);
  return !readerEof();
}

/** The token partitions: 1, 2, 4 or 8, the sizes of all but the last in 3 bytes each first. */
function parsePartitions(at: usize, size: usize): i32 {
  const minusOne = (1 << getValue(2)) - 1;
  setPartitions(minusOne);
  const last = <usize>minusOne;
  if (size < 3 * last) return TRUNCATED;
  const first = READERS + 8 * 32; // the live (first) reader, parked while the others start
  saveReader(first);
  let start = at + 3 * last;
  let left = size - 3 * last;
  for (let p: usize = 0; p < last; p++) {
    let partSize = <usize>load<u8>(at + 3 * p) | (<usize>load<u8>(at + 3 * p + 1) << 8) | (<usize>load<u8>(at + 3 * p + 2) << 16);
    if (partSize > left) partSize = left;
    startReader(start, partSize);
    saveReader(READERS + p * 32);
    start += partSize;
    left -= partSize;
  }
  startReader(start, left);
  saveReader(READERS + last * 32);
  restoreReader(first);
  return left > 0 ? OK : TRUNCATED;
}

function parseQuant(): void {
  const base = getValue(7);
  const y1Dc = getBit(0x80) ? getSignedValue(4) : 0;
  const y2Dc = getBit(0x80) ? getSignedValue(4) : 0;
  const y2Ac = getBit(0x80) ? getSignedValue(4) : 0;
  const uvDc = getBit(0x80) ? getSignedValue(4) : 0;
  const uvAc = getBit(0x80) ? getSignedValue(4) : 0;
  for (let s: usize = 0; s < 4; s++) {
    let q = base;
    if (useSegment) {
      q = load<i32>(SEGMENT_QUANT + (s << 2));
      if (!absoluteDelta) q += base;
    }
    quantSteps(QUANT + s * 24, q, y1Dc, y2Dc, y2Ac, uvDc, uvAc);
  }
}

function parseProba(): void {
  for (let i: usize = 0; i < 1056; i++) {
    const v = getBit(load<u8>(COEFFS_UPDATE_PROBA + i)) ? <u8>getValue(8) : load<u8>(COEFFS_PROBA0 + i);
    store<u8>(PROBA + i, v);
  }
  const use = getBit(0x80) != 0;
  setSkip(use, use ? <u32>getValue(8) : 0);
}

/**
 * Each segment's loop-filter strength for i16 and i4x4 macroblocks (libwebp's
 * PrecomputeFilterStrengths): limit 0 where the macroblock is not filtered.
 */
export function filterStrengths(): void {
  for (let s: usize = 0; s < 4; s++) {
    let baseLevel = filterLevel;
    if (useSegment) {
      baseLevel = load<i32>(SEGMENT_FILTER + (s << 2));
      if (!absoluteDelta) baseLevel += filterLevel;
    }
    for (let i4x4: usize = 0; i4x4 <= 1; i4x4++) {
      const at = FILTER_STRENGTH + (s * 2 + i4x4) * 4;
      let level = baseLevel;
      if (useLfDelta) {
        level += load<i32>(REF_LF_DELTA);
        if (i4x4) level += load<i32>(MODE_LF_DELTA);
      }
      level = level < 0 ? 0 : level > 63 ? 63 : level;
      if (level > 0) {
        let interior = level;
        if (sharpness > 0) {
          interior >>= sharpness > 4 ? 2 : 1;
          if (interior > 9 - sharpness) interior = 9 - sharpness;
        }
        if (interior < 1) interior = 1;
        store<u8>(at, <u8>(2 * level + interior));
        store<u8>(at, <u8>interior, 1);
        store<u8>(at, level >= 40 ? 2 : level >= 15 ? 1 : 0, 2);
      } else {
        store<u8>(at, 0);
        store<u8>(at, 0, 1);
        store<u8>(at, 0, 2);
      }
      store<u8>(at, <u8>i4x4, 3);
    }
  }
}
