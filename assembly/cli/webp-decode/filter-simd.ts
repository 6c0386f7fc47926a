// The loop filter's arithmetic (./filter.ts) on 16 pixel positions along an edge at once: the
// 8 lines across the edge (p3 p2 p1 p0 | q0 q1 q2 q3) gathered into LINES, 16 bytes each
// (horizontal edges: rows as they are; vertical edges: 16 rows of 8 transposed), filtered as
// signed bytes (pixel - 128), where saturating arithmetic is libwebp's clamps, the 6-tap's products
// in 16-bit lanes: bit for bit libwebp's C code; then scattered back.

import { zip16hi, zip16lo, zip32hi, zip32lo, zip64hi, zip64lo, zip8hi, zip8lo } from './zip';

/** p3, p2, p1, p0, q0, q1, q2, q3: 16 bytes each. */
export const LINES: usize = memory.data(128, 16);

export const SIMPLE = 0;
export const INNER = 1; // 4-tap, inside a macroblock
export const EDGE = 2; // 6-tap, a macroblock's edge

// @ts-ignore: decorator
@inline function line(k: usize): v128 {
  return v128.load(LINES + k * 16);
}
// @ts-ignore: decorator
@inline function put(k: usize, signed: v128): void {
  v128.store(LINES + k * 16, v128.xor(signed, i8x16.splat(-128)));
}
// @ts-ignore: decorator
@inline function absDiff(a: v128, b: v128): v128 {
  return v128.or(i8x16.sub_sat_u(a, b), i8x16.sub_sat_u(b, a));
}
/** A pixel as a signed byte (p - 128): libwebp's clamps to 0-255 become signed saturation. */
// @ts-ignore: decorator
@inline function signed(a: v128): v128 {
  return v128.xor(a, i8x16.splat(-128));
}
/** sat(a + bias) >> 3 for a saturated to a signed byte: libwebp's sclip2((a + bias) >> 3), -16 to 15 by the saturation. */
// @ts-ignore: decorator
@inline function step(a: v128, bias: i8): v128 {
  return i8x16.shr_s(i8x16.add_sat_s(a, i8x16.splat(bias)), 3);
}
/** (k w + 63) >> 7 for the signed bytes w, through 16-bit lanes (the results fit a byte). */
// @ts-ignore: decorator
@inline function tap(w: v128, k: i16): v128 {
  const lo = i16x8.shr_s(i16x8.add(i16x8.mul(i16x8.extend_low_i8x16_s(w), i16x8.splat(k)), i16x8.splat(63)), 7);
  const hi = i16x8.shr_s(i16x8.add(i16x8.mul(i16x8.extend_high_i8x16_s(w), i16x8.splat(k)), i16x8.splat(63)), 7);
  return i8x16.narrow_i16x8_s(lo, hi);
}

/**
 * Filters all 16 positions in LINES, in bytes: `threshold` the edge limit as libwebp passes it
 * (at most 193, so a sum saturated at 255 decides as the exact one).
 */
export function filterLines(threshold: i32, interior: i32, hevThreshold: i32, kind: i32): void {
  const p1 = line(2), p0 = line(3), q0 = line(4), q1 = line(5);
  // 4 |p0 - q0| + |p1 - q1| <= 2 threshold + 1, as 2 |p0 - q0| + (|p1 - q1| >> 1) <= threshold
  const edge = absDiff(p0, q0);
  let mask = i8x16.le_u(i8x16.add_sat_u(i8x16.add_sat_u(edge, edge), i8x16.shr_u(absDiff(p1, q1), 1)), i8x16.splat(<i8>threshold));
  let hev = i8x16.splat(-1);
  let p2 = p0, q2 = q0;
  if (kind != SIMPLE) {
    const p3 = line(0), q3 = line(7);
    p2 = line(1); q2 = line(6);
    const outer = i8x16.max_u(absDiff(p1, p0), absDiff(q1, q0));
    hev = i8x16.gt_u(outer, i8x16.splat(<i8>hevThreshold));
    let m = i8x16.max_u(outer, i8x16.max_u(absDiff(p3, p2), absDiff(p2, p1)));
    m = i8x16.max_u(m, i8x16.max_u(absDiff(q3, q2), absDiff(q2, q1)));
    mask = v128.and(mask, i8x16.le_u(m, i8x16.splat(<i8>interior)));
  }
  if (!v128.any_true(mask)) return;
  const sp1 = signed(p1), sp0 = signed(p0), sq0 = signed(q0), sq1 = signed(q1);
  // Saturated: 3 (q0 - p0) + clamp(p1 - q1), and 3 (q0 - p0) (additions of one sign saturate once).
  const d = i8x16.sub_sat_s(sq0, sp0);
  const d3 = i8x16.add_sat_s(i8x16.add_sat_s(d, d), d);
  const a = i8x16.add_sat_s(i8x16.add_sat_s(i8x16.add_sat_s(i8x16.sub_sat_s(sp1, sq1), d), d), d);
  // 2-tap (simple filter, or where the edge varies strongly): p0 and q0.
  const f2 = v128.and(mask, hev);
  const newP0 = v128.bitselect(i8x16.add_sat_s(sp0, step(a, 3)), sp0, f2);
  const newQ0 = v128.bitselect(i8x16.sub_sat_s(sq0, step(a, 4)), sq0, f2);
  const rest = v128.andnot(mask, hev);
  if (kind == SIMPLE || !v128.any_true(rest)) {
    put(3, newP0);
    put(4, newQ0);
    return;
  }
  if (kind == INNER) {
    const a1 = step(d3, 4);
    const a3 = i8x16.shr_s(i8x16.add(a1, i8x16.splat(1)), 1);
    put(2, v128.bitselect(i8x16.add_sat_s(sp1, a3), sp1, rest));
    put(3, v128.bitselect(i8x16.add_sat_s(sp0, step(d3, 3)), newP0, rest));
    put(4, v128.bitselect(i8x16.sub_sat_s(sq0, a1), newQ0, rest));
    put(5, v128.bitselect(i8x16.sub_sat_s(sq1, a3), sq1, rest));
  } else {
    const a1 = tap(a, 27), a2 = tap(a, 18), a3 = tap(a, 9);
    const sp2 = signed(p2), sq2 = signed(q2);
    put(1, v128.bitselect(i8x16.add_sat_s(sp2, a3), sp2, rest));
    put(2, v128.bitselect(i8x16.add_sat_s(sp1, a2), sp1, rest));
    put(3, v128.bitselect(i8x16.add_sat_s(sp0, a1), newP0, rest));
    put(4, v128.bitselect(i8x16.sub_sat_s(sq0, a1), newQ0, rest));
    put(5, v128.bitselect(i8x16.sub_sat_s(sq1, a2), sq1, rest));
    put(6, v128.bitselect(i8x16.sub_sat_s(sq2, a3), sq2, rest));
  }
}

/** A horizontal edge (q0's row at a and b): the 8 rows around it, 8 bytes from `a`, 8 from `b` (luma: a + 8; chroma: u and v). */
export function loadRows(a: usize, b: usize, stride: usize): void {
  for (let k: usize = 0; k < 8; k++) {
    const at = <isize>k - 4;
    v128.store(LINES + k * 16, v128.load64_lane(b + at * stride, v128.load64_zero(a + at * stride), 1));
  }
}
export function storeRows(a: usize, b: usize, stride: usize): void {
  for (let k: usize = 1; k < 7; k++) {
    const at = <isize>k - 4;
    const v = v128.load(LINES + k * 16);
    v128.store64_lane(a + at * stride, v, 0);
    v128.store64_lane(b + at * stride, v, 1);
  }
}

/** Row i (8 bytes at x - 4) of the 16 that loadColumns reads: rows 0-7 from a, 8-15 from b, as lanes 0-7 and 8-15. */
// @ts-ignore: decorator
@inline function rowPair(a: usize, b: usize, stride: usize, i: usize): v128 {
  return v128.load64_lane(b + i * stride - 4, v128.load64_zero(a + i * stride - 4), 1);
}

/**
 * A vertical edge: 16 rows of the 8 pixels around it (q0 at column 0): rows 0-7 from `a`,
 * 8-15 from `b` (a + 8 rows for luma; u and v for chroma), transposed into LINES (8 x 16 bytes)
 * by interleaving bytes, then 16-, 32- and 64-bit units.
 */
export function loadColumns(a: usize, b: usize, stride: usize): void {
  const r0 = rowPair(a, b, stride, 0), r1 = rowPair(a, b, stride, 1), r2 = rowPair(a, b, stride, 2), r3 = rowPair(a, b, stride, 3);
  const r4 = rowPair(a, b, stride, 4), r5 = rowPair(a, b, stride, 5), r6 = rowPair(a, b, stride, 6), r7 = rowPair(a, b, stride, 7);
  // Rows (i, i + 1) paired per column: lo from a, hi from b.
  const b0 = zip8lo(r0, r1), b1 = zip8hi(r0, r1), b2 = zip8lo(r2, r3), b3 = zip8hi(r2, r3);
  const b4 = zip8lo(r4, r5), b5 = zip8hi(r4, r5), b6 = zip8lo(r6, r7), b7 = zip8hi(r6, r7);
  // 4 rows per column: a's rows 0-3 (c0 columns 0-3, c1 4-7), 4-7 (c2, c3); b's (c4-c7).
  const c0 = zip16lo(b0, b2), c1 = zip16hi(b0, b2), c2 = zip16lo(b4, b6), c3 = zip16hi(b4, b6);
  const c4 = zip16lo(b1, b3), c5 = zip16hi(b1, b3), c6 = zip16lo(b5, b7), c7 = zip16hi(b5, b7);
  // 8 rows per column, two columns a vector: d from a, e from b.
  const d0 = zip32lo(c0, c2), d1 = zip32hi(c0, c2), d2 = zip32lo(c1, c3), d3 = zip32hi(c1, c3);
  const e0 = zip32lo(c4, c6), e1 = zip32hi(c4, c6), e2 = zip32lo(c5, c7), e3 = zip32hi(c5, c7);
  v128.store(LINES, zip64lo(d0, e0));
  v128.store(LINES + 16, zip64hi(d0, e0));
  v128.store(LINES + 32, zip64lo(d1, e1));
  v128.store(LINES + 48, zip64hi(d1, e1));
  v128.store(LINES + 64, zip64lo(d2, e2));
  v128.store(LINES + 80, zip64hi(d2, e2));
  v128.store(LINES + 96, zip64lo(d3, e3));
  v128.store(LINES + 112, zip64hi(d3, e3));
}

/** LINES transposed back into the 16 rows that loadColumns read. */
export function storeColumns(a: usize, b: usize, stride: usize): void {
  const k0 = v128.load(LINES), k1 = v128.load(LINES + 16), k2 = v128.load(LINES + 32), k3 = v128.load(LINES + 48);
  const k4 = v128.load(LINES + 64), k5 = v128.load(LINES + 80), k6 = v128.load(LINES + 96), k7 = v128.load(LINES + 112);
  // Columns (2j, 2j + 1) paired per row: f*l rows 0-7, f*h rows 8-15.
  const f0l = zip8lo(k0, k1), f0h = zip8hi(k0, k1), f1l = zip8lo(k2, k3), f1h = zip8hi(k2, k3);
  const f2l = zip8lo(k4, k5), f2h = zip8hi(k4, k5), f3l = zip8lo(k6, k7), f3h = zip8hi(k6, k7);
  // 4 columns per row: g0 rows 0-3 columns 0-3, g1 rows 4-7; g2, g3 columns 4-7; g4-g7 rows 8-15.
  const g0 = zip16lo(f0l, f1l), g1 = zip16hi(f0l, f1l), g2 = zip16lo(f2l, f3l), g3 = zip16hi(f2l, f3l);
  const g4 = zip16lo(f0h, f1h), g5 = zip16hi(f0h, f1h), g6 = zip16lo(f2h, f3h), g7 = zip16hi(f2h, f3h);
  storeRowPairs(a - 4, stride, zip32lo(g0, g2), zip32hi(g0, g2));
  storeRowPairs(a + 4 * stride - 4, stride, zip32lo(g1, g3), zip32hi(g1, g3));
  storeRowPairs(b - 4, stride, zip32lo(g4, g6), zip32hi(g4, g6));
  storeRowPairs(b + 4 * stride - 4, stride, zip32lo(g5, g7), zip32hi(g5, g7));
}

// @ts-ignore: decorator
@inline function storeRowPairs(at: usize, stride: usize, rows01: v128, rows23: v128): void {
  v128.store64_lane(at, rows01, 0);
  v128.store64_lane(at + stride, rows01, 1);
  v128.store64_lane(at + 2 * stride, rows23, 0);
  v128.store64_lane(at + 3 * stride, rows23, 1);
}
