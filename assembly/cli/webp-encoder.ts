// The command line's own lossy WebP (VP8 key frame) encoder (src/cli/webp-encoder.ts wraps it in
// RIFF): its own WebAssembly module (asconfig.json target `webp-encoder`), after libwebp's
// method-4 encoder: libwebp's colour conversion and quality-to-quantiser mapping, per-macroblock
// rate-distortion choice of the 16x16, 4x4 and chroma modes (./webp-encode/macroblock.ts), then
// the coefficient probabilities that the counted tokens favour, the skip flag, and libwebp's
// loop-filter level for the quantiser. `encode` writes the 'VP8 ' chunk's payload. The wrapper
// owns the memory: RGBA input, an arena of `arenaBytes` and the output of `outputBytes` (room for
// any real image's tokens; a pathological one that needs more gets 0, and libwebp writes it).

import { importPixels } from './webp-encode/colour';
import { analyze, assignSegments, SEGMENT_ALPHA, SEGMENT_BETA } from './webp-encode/analysis';
import { encodeMacroblock, IS_I4X4, RECORD_BYTES, SEGMENT, SKIP, startMacroblock, UV_MODE } from './webp-encode/macroblock';
import { macroblockTokens, skipContexts } from './webp-encode/residuals';
import { CONTEXT, COUNT, PROBA, STATS, WRITE } from './webp-encode/tokens';
import { finalizeProbabilities, writeHeader } from './webp-encode/header';
import { qualityToCompression, setupSegment } from './webp-encode/quant';
import { finishWriter, putBit, startWriter, writerOverflowed } from './webp-encode/bool-writer';
import { writeChromaMode, writeLumaModes } from './webp-encode/modes';
import { AC_TABLE, COEFFS_PROBA0 } from './webp-decode/tables';
import { BPS, WORK, Y_OFF, U_OFF, V_OFF } from './webp-decode/state';

/** First free byte after the module's static data: the wrapper's memory starts here. */
export function heapBase(): usize {
  return __heap_base;
}

let mbW = 0;
let mbH = 0;
let planeY: usize = 0;
let planeU: usize = 0;
let planeV: usize = 0;
let topY: usize = 0;
let topU: usize = 0;
let topV: usize = 0;
let nzTop: usize = 0; // [nz, nzDc] a macroblock
let modesTop: usize = 0; // 4 a macroblock
let records: usize = 0;
let firstPartition: usize = 0;
let alphas: usize = 0; // a macroblock's susceptibility (u8)
let segmentOf: usize = 0; // its segment (u8)
const NZ_LEFT: usize = memory.data(16, 16);
const MODES_LEFT: usize = memory.data(16, 16);
const SEGMENT_QUANT: usize = memory.data(16, 16);
const SEGMENT_FILTER: usize = memory.data(16, 16);
const SEGMENT_PROBA: usize = memory.data(16, 16);

const align = (n: usize): usize => (n + 15) & ~15;

/** The first partition's room: the header (1056 probability updates included), then at most ~151 mode bits of <= 8 bits' cost a macroblock. */
const HEADER_BYTES: usize = 2048;
const MODE_BYTES_PER_MB: usize = 160;
/** The token partition's room a macroblock: 400 levels at ~3.5 bytes each (noise at quality 100 takes ~250). */
const TOKEN_BYTES_PER_MB: usize = 1400;

function layout(width: i32, height: i32, arena: usize): usize {
  mbW = (width + 15) >> 4;
  mbH = (height + 15) >> 4;
  const w = <usize>mbW, h = <usize>mbH;
  let at = align(arena);
  planeY = at; at += align(256 * w * h);
  planeU = at; at += align(64 * w * h);
  planeV = at; at += align(64 * w * h);
  topY = at; at += align(16 * w + 16);
  topU = at; at += align(8 * w + 16);
  topV = at; at += align(8 * w + 16);
  nzTop = at; at += align(2 * w);
  modesTop = at; at += align(4 * w);
  records = at; at += RECORD_BYTES * w * h;
  firstPartition = at; at += align(HEADER_BYTES + MODE_BYTES_PER_MB * w * h);
  alphas = at; at += align(w * h);
  segmentOf = at; at += align(w * h);
  return at - arena;
}

export function arenaBytes(width: i32, height: i32): usize {
  return layout(width, height, 0) + 16;
}

/** The most bytes `encode` writes: the frame header and the first partition's worst case, then the tokens'. */
export function outputBytes(width: i32, height: i32): usize {
  const mbs = <usize>((width + 15) >> 4) * <usize>((height + 15) >> 4);
  return 10 + HEADER_BYTES + MODE_BYTES_PER_MB * mbs + TOKEN_BYTES_PER_MB * mbs;
}

const FILTER_STRENGTH = 60; // libwebp's default
const SNS_STRENGTH = 50;

const SEGMENTS = 4;
let segmentsUsed = SEGMENTS;

/** libwebp's filter level for quantiser index q and segment complexity beta (SetupFilterStrength, sharpness 0). */
function filterLevel(q: i32, beta: i32): i32 {
  const qstep = <i32>load<u16>(AC_TABLE + (<usize>q << 1)) >> 2;
  const base = qstep < 63 ? qstep : 63;
  const f = base * 5 * FILTER_STRENGTH / (256 + beta);
  return f < 2 ? 0 : f > 63 ? 63 : f;
}

/** libwebp's GetProba: the probability of a 0 for a zeros and b ones, rounded. */
function proba(a: i32, b: i32): u8 {
  const total = a + b;
  return <u8>(total == 0 ? 255 : (255 * a + total / 2) / total);
}

/** Each segment's quantiser, filter level and matrices, as libwebp's VP8SetSegmentParams (SNS 50); returns the chroma AC offset. */
function setupSegments(quality: f64, uvAlpha: i32, uvDcDelta: i32): i32 {
  const cBase = qualityToCompression(quality);
  const amp = 0.9 * <f64>SNS_STRENGTH / 100.0 / 128.0;
  let uvAcDelta = (uvAlpha - 64) * (6 - -4) / (100 - 30) * SNS_STRENGTH / 100;
  uvAcDelta = uvAcDelta < -4 ? -4 : uvAcDelta > 6 ? 6 : uvAcDelta;
  for (let s: usize = 0; s < <usize>SEGMENTS; s++) {
    const expn = 1.0 - amp * <f64>load<i32>(SEGMENT_ALPHA + (s << 2));
    let q = <i32>(127.0 * (1.0 - Math.pow(cBase, expn)));
    q = q < 0 ? 0 : q > 127 ? 127 : q;
    store<i32>(SEGMENT_QUANT + (s << 2), q);
    store<i32>(SEGMENT_FILTER + (s << 2), filterLevel(q, load<i32>(SEGMENT_BETA + (s << 2))));
    setupSegment(s, q, uvDcDelta, uvAcDelta);
  }
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  for (let i = 0; i < mbW * mbH; i++) {
    const segment = load<u8>(segmentOf + <usize>i);
    if (segment == 0) c0++;
    else if (segment == 1) c1++;
    else if (segment == 2) c2++;
    else c3++;
  }
  // libwebp's SimplifySegments, in its simplest case: all alike, one segment and no map.
  segmentsUsed = 1;
  for (let s: usize = 1; s < <usize>SEGMENTS; s++) {
    if (load<i32>(SEGMENT_QUANT + (s << 2)) != load<i32>(SEGMENT_QUANT) || load<i32>(SEGMENT_FILTER + (s << 2)) != load<i32>(SEGMENT_FILTER)) segmentsUsed = SEGMENTS;
  }
  store<u8>(SEGMENT_PROBA, proba(c0 + c1, c2 + c3));
  store<u8>(SEGMENT_PROBA, proba(c0, c1), 1);
  store<u8>(SEGMENT_PROBA, proba(c2, c3), 2);
  return uvAcDelta;
}

/**
 * Encodes width x height pixels at `pixels`, RGBA (`channels` 4; opaque: alpha is ignored) or RGB
 * (3), at libwebp's `quality` (0-100) into `out`; returns the VP8 payload's size.
 */
export function encode(pixels: usize, width: i32, height: i32, channels: i32, quality: f64, arena: usize, out: usize): usize {
  layout(width, height, arena);
  const yStride = <usize>mbW * 16;
  importPixels(pixels, width, height, <usize>channels, planeY, planeU, planeV, yStride, mbH * 16);

  const uvAlpha = analyze(mbW, mbH, planeY, planeU, planeV, yStride, alphas);
  assignSegments(alphas, mbW * mbH, SEGMENTS, segmentOf);
  const uvDcDelta = -4 * SNS_STRENGTH / 100;
  const uvAcDelta = setupSegments(quality, uvAlpha, uvDcDelta);

  // Pass 1: modes and levels, macroblock by macroblock.
  memory.fill(nzTop, 0, 2 * <usize>mbW);
  memory.fill(modesTop, 0, 4 * <usize>mbW);
  memory.copy(PROBA, COEFFS_PROBA0, 1056);
  let skipped = 0;
  for (let mbY = 0; mbY < mbH; mbY++) {
    store<u16>(NZ_LEFT, 0);
    store<u32>(MODES_LEFT, 0);
    for (let mbX = 0; mbX < mbW; mbX++) {
      const record = records + (<usize>(mbY * mbW + mbX)) * RECORD_BYTES;
      startMacroblock(mbX, mbY, mbW, planeY, planeU, planeV, yStride, topY, topU, topV);
      const above = nzTop + (<usize>mbX << 1);
      const modes = modesTop + (<usize>mbX << 2);
      encodeMacroblock(record, <usize>load<u8>(segmentOf + <usize>(mbY * mbW + mbX)), mbX, mbY, above, NZ_LEFT, modes, MODES_LEFT);
      macroblockTokens(CONTEXT, record, above, NZ_LEFT);
      updateModeContext(record, modes);
      if (load<u8>(record, SKIP) != 0) skipped++;
      const x16 = <usize>mbX * 16, x8 = <usize>mbX * 8;
      v128.store(topY + x16, v128.load(WORK + Y_OFF + 15 * BPS));
      store<u64>(topU + x8, load<u64>(WORK + U_OFF + 7 * BPS));
      store<u64>(topV + x8, load<u64>(WORK + V_OFF + 7 * BPS));
    }
  }
  const mbs = mbW * mbH;
  const skipProba = skipped == 0 ? 255 : 255 * (mbs - skipped) / mbs;
  const useSkip = skipProba < 250;

  // Pass 2: the probabilities the tokens favour.
  memory.fill(STATS, 0, 1056 * 8);
  walkTokens(COUNT, useSkip);
  finalizeProbabilities();

  // The token partition (where the output's end leaves room for the first), then the first
  // partition, copied before it, and the frame header.
  const firstRoom = HEADER_BYTES + MODE_BYTES_PER_MB * <usize>mbs;
  const tokens = out + 10 + firstRoom;
  startWriter(tokens, out + outputBytes(width, height));
  walkTokens(WRITE, useSkip);
  const tokensEnd = finishWriter();
  if (writerOverflowed()) return 0;
  startWriter(firstPartition, firstPartition + firstRoom);
  writeHeader(load<i32>(SEGMENT_QUANT), uvDcDelta, uvAcDelta, load<i32>(SEGMENT_FILTER), segmentsUsed, SEGMENT_QUANT, SEGMENT_FILTER, SEGMENT_PROBA, useSkip, skipProba);
  memory.fill(modesTop, 0, 4 * <usize>mbW);
  for (let mbY = 0; mbY < mbH; mbY++) {
    store<u32>(MODES_LEFT, 0);
    for (let mbX = 0; mbX < mbW; mbX++) {
      const record = records + (<usize>(mbY * mbW + mbX)) * RECORD_BYTES;
      if (segmentsUsed > 1) {
        const segment = load<u8>(record, SEGMENT);
        putBit(segment >= 2, load<u8>(SEGMENT_PROBA));
        putBit((segment & 1) != 0, load<u8>(SEGMENT_PROBA + (segment >= 2 ? 2 : 1)));
      }
      if (useSkip) putBit(load<u8>(record, SKIP) != 0, skipProba);
      writeLumaModes(record, load<u8>(record, IS_I4X4) != 0, modesTop + (<usize>mbX << 2), MODES_LEFT);
      writeChromaMode(<i32>load<u8>(record, UV_MODE));
    }
  }
  const firstSize = finishWriter() - firstPartition;
  if (writerOverflowed()) return 0;
  const tokensSize = tokensEnd - tokens;
  memory.copy(out + 10, firstPartition, firstSize);
  memory.copy(out + 10 + firstSize, tokens, tokensSize); // down: memmove

  const tag = <u32>(firstSize << 5) | (1 << 4); // key frame, version 0, shown
  store<u8>(out, <u8>tag);
  store<u8>(out, <u8>(tag >> 8), 1);
  store<u8>(out, <u8>(tag >> 16), 2);
  store<u8>(out, 0x9d, 3);
  store<u8>(out, 0x01, 4);
  store<u8>(out, 0x2a, 5);
  store<u16>(out, <u16>width, 6);
  store<u16>(out, <u16>height, 8);
  return 10 + firstSize + tokensSize;
}

function updateModeContext(record: usize, above: usize): void {
  if (load<u8>(record, IS_I4X4) != 0) {
    for (let i: usize = 0; i < 4; i++) {
      store<u8>(above + i, load<u8>(record + 12 + i));
      store<u8>(MODES_LEFT + i, load<u8>(record + i * 4 + 3));
    }
  } else {
    const four = <u32>load<u8>(record) * 0x01010101;
    store<u32>(above, four);
    store<u32>(MODES_LEFT, four);
  }
}

function walkTokens(mode: i32, useSkip: bool): void {
  memory.fill(nzTop, 0, 2 * <usize>mbW);
  for (let mbY = 0; mbY < mbH; mbY++) {
    store<u16>(NZ_LEFT, 0);
    for (let mbX = 0; mbX < mbW; mbX++) {
      const record = records + (<usize>(mbY * mbW + mbX)) * RECORD_BYTES;
      const above = nzTop + (<usize>mbX << 1);
      if (useSkip && load<u8>(record, SKIP) != 0) skipContexts(record, above, NZ_LEFT);
      else macroblockTokens(mode, record, above, NZ_LEFT);
    }
  }
}
