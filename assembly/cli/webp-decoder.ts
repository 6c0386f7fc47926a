// The command line's lossy WebP (VP8 key frame) decoder (src/cli/webp-decoder.ts wraps it): its
// own WebAssembly module (asconfig.json target `webp-decoder`), bit-exact with libwebp's default
// decode to RGBA. `decodeFrame` parses the frame and reconstructs it a macroblock row at a time
// (prediction, inverse transforms, loop filter, as libwebp's src/dec and src/dsp compute them)
// into a cache of a few rows of Y, U and V, and converts each row to RGBA (RGB) as soon as the
// filter is done with it: the frame's planes are never held whole (libwebp's own cache rows).
// The wrapper owns the memory: the VP8 data, an arena of `arenaBytes` bytes and the output,
// from `heapBase()`. Corrupt or truncated data stops with an
// error code where libwebp stops with an error; no read or write leaves the data and the arena
// (positions come from the macroblock counters, sizes from the header the wrapper checked).

import { readerEof, restoreReader, saveReader } from './webp-decode/bool';
import { BAD_HEADER, filterStrengths, OK, parseHeader, TRUNCATED } from './webp-decode/header';
import { IS_I4X4, MB_INFO_BYTES, parseModeRow, SEGMENT, SKIP, UV_MODE } from './webp-decode/modes';
import { parseResiduals, uvCodes } from './webp-decode/residuals';
import { FILTER_STRENGTH, filterType, partitionsMinusOne, READERS, useSkipProba } from './webp-decode/state';
import { reconstruct } from './webp-decode/reconstruct';
import { filterMacroblock } from './webp-decode/filter';
import { toPixels } from './webp-decode/colour';

export { OK, BAD_HEADER, TRUNCATED };
export const BAD_SIZE = 3;

/** First free byte after the module's static data: the wrapper's memory starts here. */
export function heapBase(): usize {
  return __heap_base;
}

const FIRST_READER: usize = READERS + 8 * 32;
const LEFT_NZ: usize = memory.data(16, 16);

// The arena's parts, set by `layout`.
let mbW = 0;
let mbH = 0;
let intraTop: usize = 0; // 4 modes a macroblock
let nzTop: usize = 0; // [nz, nzDc] a macroblock
let mbInfo: usize = 0; // the row's modes (./webp-decode/modes.ts)
let filterInfo: usize = 0; // the row's filter strengths: limit, interior, hev, inner
let topY: usize = 0; // the row above's last line, unfiltered (16 a macroblock + 4 spare)
let topU: usize = 0;
let topV: usize = 0;
let cacheY: usize = 0; // EXTRA rows kept from the row above, then the macroblock row (16)
let cacheU: usize = 0; // EXTRA rows, then the macroblock row (8)
let cacheV: usize = 0;
let upsampled: usize = 0; // a row's chroma upsampled, u and v (./webp-decode/colour.ts)

/**
 * Rows kept in the cache above a macroblock row, luma and chroma alike: the loop filter of the
 * next row changes the last 3 rows of this one (and reads a 4th), so luma rows are converted 8
 * behind the filter (16 mbY + 8 the first row not yet final), whose fancy upsampling reads up to
 * chroma row 8 mbY + 4 (final: the next filter changes from 8 mbY + 5) and back to 8 mbY - 5.
 */
const EXTRA: usize = 8;

const align = (n: usize): usize => (n + 15) & ~15;

function layout(width: i32, height: i32, arena: usize): usize {
  mbW = (width + 15) >> 4;
  mbH = (height + 15) >> 4;
  const w = <usize>mbW;
  let at = align(arena);
  intraTop = at; at += align(4 * w);
  nzTop = at; at += align(2 * w);
  mbInfo = at; at += align(MB_INFO_BYTES * w);
  filterInfo = at; at += align(4 * w);
  topY = at; at += align(16 * w + 16);
  topU = at; at += align(8 * w);
  topV = at; at += align(8 * w);
  upsampled = at; at += align(2 * (16 * w + 16));
  cacheY = at; at += align(16 * w * (16 + EXTRA));
  cacheU = at; at += align(8 * w * (8 + EXTRA));
  cacheV = at; at += align(8 * w * (8 + EXTRA));
  return at - arena;
}

/** The arena a width x height frame needs (16 bytes of slack for its alignment included). */
export function arenaBytes(width: i32, height: i32): usize {
  return layout(width, height, 0) + 16;
}

/**
 * Decodes the VP8 frame [data, data + size) (the 'VP8 ' chunk's payload), which the wrapper's
 * header check says is width x height, to RGBA (`rgba`) or RGB at `out` (width x height x 4 or
 * 3 bytes). Returns OK or an error code (the output then is partly written).
 */
export function decodeFrame(data: usize, size: usize, width: i32, height: i32, arena: usize, out: usize, rgba: bool): i32 {
  if (size < 10) return TRUNCATED;
  if ((<i32>load<u16>(data, 6) & 0x3fff) != width || (<i32>load<u16>(data, 8) & 0x3fff) != height) return BAD_SIZE;
  layout(width, height, arena);
  const status = parseHeader(data, size);
  if (status != OK) return status;
  filterStrengths();
  memory.fill(intraTop, 0, 4 * <usize>mbW);
  memory.fill(nzTop, 0, 2 * <usize>mbW);
  const yStride = <usize>mbW * 16;
  const uvStride = <usize>mbW * 8;
  const rowY = cacheY + EXTRA * yStride;
  const rowU = cacheU + EXTRA * uvStride;
  const rowV = cacheV + EXTRA * uvStride;
  const outStride = <usize>width * (rgba ? 4 : 3);
  for (let mbY = 0; mbY < mbH; mbY++) {
    parseModeRow(mbInfo, intraTop, mbW);
    if (readerEof()) return TRUNCATED;
    saveReader(FIRST_READER);
    const partition = READERS + (<usize>(mbY & partitionsMinusOne) << 5);
    restoreReader(partition);
    store<u16>(LEFT_NZ, 0);
    for (let mbX = 0; mbX < mbW; mbX++) {
      const info = mbInfo + <usize>mbX * MB_INFO_BYTES;
      const i4x4 = load<u8>(info, IS_I4X4) != 0;
      const above = nzTop + (<usize>mbX << 1);
      let yCodes: u32 = 0;
      let uv: u32 = 0;
      let skip = useSkipProba && load<u8>(info, SKIP) != 0;
      if (!skip) {
        yCodes = parseResiduals(above, LEFT_NZ, <usize>load<u8>(info, SEGMENT), i4x4);
        uv = uvCodes;
        skip = (yCodes | uv) == 0;
      } else {
        store<u8>(above, 0);
        store<u8>(LEFT_NZ, 0);
        if (!i4x4) {
          store<u8>(above, 0, 1);
          store<u8>(LEFT_NZ, 0, 1);
        }
      }
      if (filterType > 0) {
        const strength = FILTER_STRENGTH + (<usize>load<u8>(info, SEGMENT) * 2 + (i4x4 ? 1 : 0)) * 4;
        const f = filterInfo + (<usize>mbX << 2);
        store<u32>(f, load<u32>(strength));
        if (!skip) store<u8>(f, 1, 3);
      }
      if (readerEof()) return TRUNCATED;
      reconstruct(info, mbX, mbY, mbW, yCodes, uv, i4x4, load<u8>(info, UV_MODE),
        rowY + <usize>mbX * 16, rowU + <usize>mbX * 8, rowV + <usize>mbX * 8, yStride, uvStride, topY, topU, topV);
    }
    saveReader(partition);
    restoreReader(FIRST_READER);
    // The row's last line, unfiltered, for the next row's prediction; then the row's filter.
    memory.copy(topY, rowY + 15 * yStride, yStride);
    memory.copy(topU, rowU + 7 * uvStride, uvStride);
    memory.copy(topV, rowV + 7 * uvStride, uvStride);
    if (filterType > 0) {
      for (let mbX = 0; mbX < mbW; mbX++) {
        const f = filterInfo + (<usize>mbX << 2);
        const limit = <i32>load<u8>(f);
        if (limit == 0) continue;
        filterMacroblock(filterType, rowY + <usize>mbX * 16, rowU + <usize>mbX * 8, rowV + <usize>mbX * 8, yStride,
          uvStride, mbX, mbY, limit, <i32>load<u8>(f, 1), <i32>load<u8>(f, 2), load<u8>(f, 3) != 0);
      }
    }
    // The rows now final to pixels, read in place in the cache: frame row r of luma at cacheY +
    // (r - (16 mbY - EXTRA)) yStride, of chroma at cacheU + (r - (8 mbY - EXTRA)) uvStride (the
    // planes' origins wrap below the cache for the first row, whose rows read start at 0).
    const from = mbY == 0 ? 0 : mbY * 16 - <i32>EXTRA;
    const to = mbY == mbH - 1 ? height : mbY * 16 + <i32>EXTRA;
    const originY = cacheY - <usize>(mbY * 16 - <i32>EXTRA) * yStride;
    const chromaShift = <usize>(mbY * 8 - <i32>EXTRA) * uvStride;
    toPixels(from, to, width, height, originY, yStride, cacheU - chromaShift, cacheV - chromaShift, uvStride,
      out + <usize>from * outStride, upsampled, rgba);
    memory.copy(cacheY, cacheY + 16 * yStride, EXTRA * yStride);
    memory.copy(cacheU, cacheU + 8 * uvStride, EXTRA * uvStride);
    memory.copy(cacheV, cacheV + 8 * uvStride, EXTRA * uvStride);
  }
  return OK;
}
