// The loop filter's arithmetic (./filter.ts) on 16 pixel positions along an edge at once: the
// 8 lines across the edge (p3 p2 p1 p0 | q0 q1 q2 q3) gathered into LINES, 16 bytes each
// (horizontal edges: rows as they are; vertical edges: 16 rows of 8 transposed), filtered in
// 16-bit lanes with libwebp's integer formulas (so bit for bit its C code), and scattered back.

/** p3, p2, p1, p0, q0, q1, q2, q3: 16 bytes each. */
export const LINES: usize = memory.data(128, 16);

export const SIMPLE = 0;
export const INNER = 1; // 4-tap, inside a macroblock
export const EDGE = 2; // 6-tap, a macroblock's edge

// @ts-ignore: decorator
@inline function line(k: usize, half: usize): v128 {
  return v128.load8x8_u(LINES + k * 16 + half);
}
// @ts-ignore: decorator
@inline function put(k: usize, half: usize, v: v128): void {
  v128.store64_lane(LINES + k * 16 + half, i8x16.narrow_i16x8_u(v, v), 0);
}
// @ts-ignore: decorator
@inline function absDiff(a: v128, b: v128): v128 {
  return i16x8.abs(i16x8.sub(a, b));
}
// @ts-ignore: decorator
@inline function clampTo(v: v128, lo: i16, hi: i16): v128 {
  return i16x8.max_s(i16x8.min_s(v, i16x8.splat(hi)), i16x8.splat(lo));
}

/** Filters LINES' 8 positions from `half` (0 or 8). */
function filterHalf(half: usize, t: i32, interior: i32, hevThreshold: i32, kind: i32): void {
  const p1 = line(2, half), p0 = line(3, half), q0 = line(4, half), q1 = line(5, half);
  // 4 |p0 - q0| + |p1 - q1| <= 2 threshold + 1
  let mask = i16x8.le_s(i16x8.add(i16x8.shl(absDiff(p0, q0), 2), absDiff(p1, q1)), i16x8.splat(<i16>t));
  const hev = kind == SIMPLE ? i16x8.splat(-1)
    : i16x8.gt_s(i16x8.max_s(absDiff(p1, p0), absDiff(q1, q0)), i16x8.splat(<i16>hevThreshold));
  let p3 = p0, p2 = p0, q2 = q0, q3 = q0;
  if (kind != SIMPLE) {
    p3 = line(0, half); p2 = line(1, half); q2 = line(6, half); q3 = line(7, half);
    let m = i16x8.max_s(absDiff(p3, p2), absDiff(p2, p1));
    m = i16x8.max_s(m, i16x8.max_s(absDiff(p1, p0), absDiff(q3, q2)));
    m = i16x8.max_s(m, i16x8.max_s(absDiff(q2, q1), absDiff(q1, q0)));
    mask = v128.and(mask, i16x8.le_s(m, i16x8.splat(<i16>interior)));
  }
  if (!v128.any_true(mask)) return;
  const d = i16x8.sub(q0, p0);
  const d3 = i16x8.add(d, i16x8.add(d, d));
  const a = i16x8.add(d3, clampTo(i16x8.sub(p1, q1), -128, 127));
  // 2-tap (simple filter, or where the edge varies strongly): p0 and q0.
  const f2 = v128.and(mask, hev);
  let newP0 = p0, newQ0 = q0;
  if (v128.any_true(f2)) {
    const a1 = clampTo(i16x8.shr_s(i16x8.add(a, i16x8.splat(4)), 3), -16, 15);
    const a2 = clampTo(i16x8.shr_s(i16x8.add(a, i16x8.splat(3)), 3), -16, 15);
    newP0 = v128.bitselect(i16x8.add(p0, a2), p0, f2);
    newQ0 = v128.bitselect(i16x8.sub(q0, a1), q0, f2);
  }
  if (kind == SIMPLE) {
    put(3, half, newP0);
    put(4, half, newQ0);
    return;
  }
  const rest = v128.andnot(mask, hev);
  let newP1 = p1, newQ1 = q1;
  if (v128.any_true(rest)) {
    if (kind == INNER) {
      const a1 = clampTo(i16x8.shr_s(i16x8.add(d3, i16x8.splat(4)), 3), -16, 15);
      const a2 = clampTo(i16x8.shr_s(i16x8.add(d3, i16x8.splat(3)), 3), -16, 15);
      const a3 = i16x8.shr_s(i16x8.add(a1, i16x8.splat(1)), 1);
      newP1 = v128.bitselect(i16x8.add(p1, a3), p1, rest);
      newP0 = v128.bitselect(i16x8.add(p0, a2), newP0, rest);
      newQ0 = v128.bitselect(i16x8.sub(q0, a1), newQ0, rest);
      newQ1 = v128.bitselect(i16x8.sub(q1, a3), q1, rest);
    } else {
      const w = clampTo(a, -128, 127);
      const a1 = i16x8.shr_s(i16x8.add(i16x8.mul(w, i16x8.splat(27)), i16x8.splat(63)), 7);
      const a2 = i16x8.shr_s(i16x8.add(i16x8.mul(w, i16x8.splat(18)), i16x8.splat(63)), 7);
      const a3 = i16x8.shr_s(i16x8.add(i16x8.mul(w, i16x8.splat(9)), i16x8.splat(63)), 7);
      put(1, half, v128.bitselect(i16x8.add(p2, a3), p2, rest));
      put(6, half, v128.bitselect(i16x8.sub(q2, a3), q2, rest));
      newP1 = v128.bitselect(i16x8.add(p1, a2), p1, rest);
      newP0 = v128.bitselect(i16x8.add(p0, a1), newP0, rest);
      newQ0 = v128.bitselect(i16x8.sub(q0, a1), newQ0, rest);
      newQ1 = v128.bitselect(i16x8.sub(q1, a2), q1, rest);
    }
  }
  put(2, half, newP1);
  put(3, half, newP0);
  put(4, half, newQ0);
  put(5, half, newQ1);
}

/** Filters all 16 positions in LINES: `threshold` the edge limit, as libwebp passes it. */
export function filterLines(threshold: i32, interior: i32, hevThreshold: i32, kind: i32): void {
  const t = 2 * threshold + 1;
  filterHalf(0, t, interior, hevThreshold, kind);
  filterHalf(8, t, interior, hevThreshold, kind);
}

/** A horizontal edge: the 8 rows around `p` (q0's row), 16 bytes at `a` and... (`b` = a + 8 for chroma pairs: u's 8, v's 8). */
export function loadRows(a: usize, b: usize, stride: usize): void {
  for (let k: usize = 0; k < 8; k++) {
    const at = <isize>k - 4;
    v128.store(LINES + k * 16, v128.load64_lane(b + at * stride + 0, v128.load64_zero(a + at * stride), 1));
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

/**
 * A vertical edge: 16 rows of the 8 pixels around it (q0 at column 0): rows 0-7 from `a`,
 * 8-15 from `b` (a + 8 rows for luma; u and v for chroma), transposed into LINES.
 */
export function loadColumns(a: usize, b: usize, stride: usize): void {
  const r0 = v128.load64_lane(b - 4, v128.load64_zero(a - 4), 1);
  const r1 = v128.load64_lane(b + stride - 4, v128.load64_zero(a + stride - 4), 1);
  const r2 = v128.load64_lane(b + 2 * stride - 4, v128.load64_zero(a + 2 * stride - 4), 1);
  const r3 = v128.load64_lane(b + 3 * stride - 4, v128.load64_zero(a + 3 * stride - 4), 1);
  const r4 = v128.load64_lane(b + 4 * stride - 4, v128.load64_zero(a + 4 * stride - 4), 1);
  const r5 = v128.load64_lane(b + 5 * stride - 4, v128.load64_zero(a + 5 * stride - 4), 1);
  const r6 = v128.load64_lane(b + 6 * stride - 4, v128.load64_zero(a + 6 * stride - 4), 1);
  const r7 = v128.load64_lane(b + 7 * stride - 4, v128.load64_zero(a + 7 * stride - 4), 1);
  // Bytes: rows (i, i+1) paired per column; low half rows 0-7 of a, high rows of b.
  const b0 = v128.shuffle<u8>(r0, r1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const b1 = v128.shuffle<u8>(r0, r1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const b2 = v128.shuffle<u8>(r2, r3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const b3 = v128.shuffle<u8>(r2, r3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const b4 = v128.shuffle<u8>(r4, r5, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const b5 = v128.shuffle<u8>(r4, r5, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const b6 = v128.shuffle<u8>(r6, r7, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const b7 = v128.shuffle<u8>(r6, r7, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  // 16-bit: rows 0-3 quads per column (cols 0-3, 4-7), rows 4-7, and b's.
  const c0 = v128.shuffle<u16>(b0, b2, 0, 8, 1, 9, 2, 10, 3, 11);
  const c1 = v128.shuffle<u16>(b0, b2, 4, 12, 5, 13, 6, 14, 7, 15);
  const c2 = v128.shuffle<u16>(b4, b6, 0, 8, 1, 9, 2, 10, 3, 11);
  const c3 = v128.shuffle<u16>(b4, b6, 4, 12, 5, 13, 6, 14, 7, 15);
  const c4 = v128.shuffle<u16>(b1, b3, 0, 8, 1, 9, 2, 10, 3, 11);
  const c5 = v128.shuffle<u16>(b1, b3, 4, 12, 5, 13, 6, 14, 7, 15);
  const c6 = v128.shuffle<u16>(b5, b7, 0, 8, 1, 9, 2, 10, 3, 11);
  const c7 = v128.shuffle<u16>(b5, b7, 4, 12, 5, 13, 6, 14, 7, 15);
  // 32-bit: 8 rows per column (two columns a vector).
  const d0 = v128.shuffle<u32>(c0, c2, 0, 4, 1, 5);
  const d1 = v128.shuffle<u32>(c0, c2, 2, 6, 3, 7);
  const d2 = v128.shuffle<u32>(c1, c3, 0, 4, 1, 5);
  const d3 = v128.shuffle<u32>(c1, c3, 2, 6, 3, 7);
  const e0 = v128.shuffle<u32>(c4, c6, 0, 4, 1, 5);
  const e1 = v128.shuffle<u32>(c4, c6, 2, 6, 3, 7);
  const e2 = v128.shuffle<u32>(c5, c7, 0, 4, 1, 5);
  const e3 = v128.shuffle<u32>(c5, c7, 2, 6, 3, 7);
  v128.store(LINES, v128.shuffle<u64>(d0, e0, 0, 2));
  v128.store(LINES + 16, v128.shuffle<u64>(d0, e0, 1, 3));
  v128.store(LINES + 32, v128.shuffle<u64>(d1, e1, 0, 2));
  v128.store(LINES + 48, v128.shuffle<u64>(d1, e1, 1, 3));
  v128.store(LINES + 64, v128.shuffle<u64>(d2, e2, 0, 2));
  v128.store(LINES + 80, v128.shuffle<u64>(d2, e2, 1, 3));
  v128.store(LINES + 96, v128.shuffle<u64>(d3, e3, 0, 2));
  v128.store(LINES + 112, v128.shuffle<u64>(d3, e3, 1, 3));
}

/** LINES transposed back into the 16 rows that loadColumns read. */
export function storeColumns(a: usize, b: usize, stride: usize): void {
  const k0 = v128.load(LINES), k1 = v128.load(LINES + 16), k2 = v128.load(LINES + 32), k3 = v128.load(LINES + 48);
  const k4 = v128.load(LINES + 64), k5 = v128.load(LINES + 80), k6 = v128.load(LINES + 96), k7 = v128.load(LINES + 112);
  // Bytes: columns (2j, 2j+1) paired per row; f*l rows 0-7, f*h rows 8-15.
  const f0l = v128.shuffle<u8>(k0, k1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const f0h = v128.shuffle<u8>(k0, k1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const f1l = v128.shuffle<u8>(k2, k3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const f1h = v128.shuffle<u8>(k2, k3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const f2l = v128.shuffle<u8>(k4, k5, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const f2h = v128.shuffle<u8>(k4, k5, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const f3l = v128.shuffle<u8>(k6, k7, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const f3h = v128.shuffle<u8>(k6, k7, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  // 16-bit: columns 0-3 per row (rows 0-3, 4-7), columns 4-7.
  const g0 = v128.shuffle<u16>(f0l, f1l, 0, 8, 1, 9, 2, 10, 3, 11); // rows 0-3, cols 0-3
  const g1 = v128.shuffle<u16>(f0l, f1l, 4, 12, 5, 13, 6, 14, 7, 15); // rows 4-7
  const g2 = v128.shuffle<u16>(f2l, f3l, 0, 8, 1, 9, 2, 10, 3, 11); // rows 0-3, cols 4-7
  const g3 = v128.shuffle<u16>(f2l, f3l, 4, 12, 5, 13, 6, 14, 7, 15);
  const g4 = v128.shuffle<u16>(f0h, f1h, 0, 8, 1, 9, 2, 10, 3, 11); // rows 8-11
  const g5 = v128.shuffle<u16>(f0h, f1h, 4, 12, 5, 13, 6, 14, 7, 15);
  const g6 = v128.shuffle<u16>(f2h, f3h, 0, 8, 1, 9, 2, 10, 3, 11);
  const g7 = v128.shuffle<u16>(f2h, f3h, 4, 12, 5, 13, 6, 14, 7, 15);
  storePair(a - 4, stride, v128.shuffle<u32>(g0, g2, 0, 4, 1, 5), v128.shuffle<u32>(g0, g2, 2, 6, 3, 7));
  storePair(a + 4 * stride - 4, stride, v128.shuffle<u32>(g1, g3, 0, 4, 1, 5), v128.shuffle<u32>(g1, g3, 2, 6, 3, 7));
  storePair(b - 4, stride, v128.shuffle<u32>(g4, g6, 0, 4, 1, 5), v128.shuffle<u32>(g4, g6, 2, 6, 3, 7));
  storePair(b + 4 * stride - 4, stride, v128.shuffle<u32>(g5, g7, 0, 4, 1, 5), v128.shuffle<u32>(g5, g7, 2, 6, 3, 7));
}

// @ts-ignore: decorator
@inline function storePair(at: usize, stride: usize, rows01: v128, rows23: v128): void {
  v128.store64_lane(at, rows01, 0);
  v128.store64_lane(at + stride, rows01, 1);
  v128.store64_lane(at + 2 * stride, rows23, 0);
  v128.store64_lane(at + 3 * stride, rows23, 1);
}
