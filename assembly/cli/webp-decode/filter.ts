// The loop filter (RFC 6386 section 15) on a macroblock's edges in the frame's planes, in
// libwebp's order and with its thresholds (src/dec/frame_dec.c DoFilter): the simple filter on
// luma, or the normal one on luma and chroma (macroblock edges 6-tap, inner edges 4-tap). The
// arithmetic, 16 positions at a time, is ./filter-simd.ts.

import { EDGE, filterLines, INNER, loadColumns, loadRows, SIMPLE, storeColumns, storeRows } from './filter-simd';

/** A vertical edge (filtered across columns) at x of 16 rows: rows 0-7 from a, 8-15 from b. */
// @ts-ignore: decorator
@inline function across(a: usize, b: usize, stride: usize, threshold: i32, interior: i32, hev: i32, kind: i32): void {
  loadColumns(a, b, stride);
  filterLines(threshold, interior, hev, kind);
  storeColumns(a, b, stride);
}

/** A horizontal edge (filtered across rows): 8 columns from a, 8 from b. */
// @ts-ignore: decorator
@inline function down(a: usize, b: usize, stride: usize, threshold: i32, interior: i32, hev: i32, kind: i32): void {
  loadRows(a, b, stride);
  filterLines(threshold, interior, hev, kind);
  storeRows(a, b, stride);
}

/**
 * Filters one macroblock: y, u, v its top-left pixels in planes of stride yStride, uvStride;
 * limit, interior and hev its strength (./header.ts filterStrengths); inner: its inner edges too.
 */
export function filterMacroblock(filterType: i32, y: usize, u: usize, v: usize, yStride: usize, uvStride: usize,
                                 mbX: i32, mbY: i32, limit: i32, interior: i32, hev: i32, inner: bool): void {
  const y8 = y + 8 * yStride;
  if (filterType == 1) {
    if (mbX > 0) across(y, y8, yStride, limit + 4, 0, 0, SIMPLE);
    if (inner) for (let i: usize = 4; i < 16; i += 4) across(y + i, y8 + i, yStride, limit, 0, 0, SIMPLE);
    if (mbY > 0) down(y, y + 8, yStride, limit + 4, 0, 0, SIMPLE);
    if (inner) for (let i: usize = 4; i < 16; i += 4) down(y + i * yStride, y + i * yStride + 8, yStride, limit, 0, 0, SIMPLE);
    return;
  }
  if (mbX > 0) {
    across(y, y8, yStride, limit + 4, interior, hev, EDGE);
    across(u, v, uvStride, limit + 4, interior, hev, EDGE);
  }
  if (inner) {
    for (let i: usize = 4; i < 16; i += 4) across(y + i, y8 + i, yStride, limit, interior, hev, INNER);
    across(u + 4, v + 4, uvStride, limit, interior, hev, INNER);
  }
  if (mbY > 0) {
    down(y, y + 8, yStride, limit + 4, interior, hev, EDGE);
    down(u, v, uvStride, limit + 4, interior, hev, EDGE);
  }
  if (inner) {
    for (let i: usize = 4; i < 16; i += 4) down(y + i * yStride, y + i * yStride + 8, yStride, limit, interior, hev, INNER);
    down(u + 4 * uvStride, v + 4 * uvStride, uvStride, limit, interior, hev, INNER);
  }
}
