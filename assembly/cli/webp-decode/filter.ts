// The loop filter (RFC 6386 section 15), as libwebp's dsp/dec.c computes it, on the frame's
// planes in place: the simple filter (luma only) and the normal one (macroblock edges 6-tap,
// inner edges 4-tap, 2-tap where the edge varies strongly). `step` goes across the edge, `along`
// along it.

// @ts-ignore: decorator
@inline function px(p: usize): i32 {
  return <i32>load<u8>(p);
}
// @ts-ignore: decorator
@inline function clamp(v: i32, lo: i32, hi: i32): i32 {
  return v < lo ? lo : v > hi ? hi : v;
}
// @ts-ignore: decorator
@inline function clip8(v: i32): u8 {
  return <u8>clamp(v, 0, 255);
}
// @ts-ignore: decorator
@inline function sclip1(v: i32): i32 { // to [-128, 127]
  return clamp(v, -128, 127);
}
// @ts-ignore: decorator
@inline function sclip2(v: i32): i32 { // to [-16, 15]
  return clamp(v, -16, 15);
}

// @ts-ignore: decorator
@inline function filter2(p: usize, step: usize): void {
  const p1 = px(p - 2 * step), p0 = px(p - step), q0 = px(p), q1 = px(p + step);
  const a = 3 * (q0 - p0) + sclip1(p1 - q1);
  const a1 = sclip2((a + 4) >> 3);
  const a2 = sclip2((a + 3) >> 3);
  store<u8>(p - step, clip8(p0 + a2));
  store<u8>(p, clip8(q0 - a1));
}

// @ts-ignore: decorator
@inline function filter4(p: usize, step: usize): void {
  const p1 = px(p - 2 * step), p0 = px(p - step), q0 = px(p), q1 = px(p + step);
  const a = 3 * (q0 - p0);
  const a1 = sclip2((a + 4) >> 3);
  const a2 = sclip2((a + 3) >> 3);
  const a3 = (a1 + 1) >> 1;
  store<u8>(p - 2 * step, clip8(p1 + a3));
  store<u8>(p - step, clip8(p0 + a2));
  store<u8>(p, clip8(q0 - a1));
  store<u8>(p + step, clip8(q1 - a3));
}

// @ts-ignore: decorator
@inline function filter6(p: usize, step: usize): void {
  const p2 = px(p - 3 * step), p1 = px(p - 2 * step), p0 = px(p - step);
  const q0 = px(p), q1 = px(p + step), q2 = px(p + 2 * step);
  const a = sclip1(3 * (q0 - p0) + sclip1(p1 - q1));
  const a1 = (27 * a + 63) >> 7;
  const a2 = (18 * a + 63) >> 7;
  const a3 = (9 * a + 63) >> 7;
  store<u8>(p - 3 * step, clip8(p2 + a3));
  store<u8>(p - 2 * step, clip8(p1 + a2));
  store<u8>(p - step, clip8(p0 + a1));
  store<u8>(p, clip8(q0 - a1));
  store<u8>(p + step, clip8(q1 - a2));
  store<u8>(p + 2 * step, clip8(q2 - a3));
}

// @ts-ignore: decorator
@inline function highVariance(p: usize, step: usize, threshold: i32): bool {
  const p1 = px(p - 2 * step), p0 = px(p - step), q0 = px(p), q1 = px(p + step);
  return abs(p1 - p0) > threshold || abs(q1 - q0) > threshold;
}

// @ts-ignore: decorator
@inline function needsFilter(p: usize, step: usize, t: i32): bool {
  const p1 = px(p - 2 * step), p0 = px(p - step), q0 = px(p), q1 = px(p + step);
  return 4 * abs(p0 - q0) + abs(p1 - q1) <= t;
}

// @ts-ignore: decorator
@inline function needsFilter2(p: usize, step: usize, t: i32, it: i32): bool {
  const p3 = px(p - 4 * step), p2 = px(p - 3 * step), p1 = px(p - 2 * step), p0 = px(p - step);
  const q0 = px(p), q1 = px(p + step), q2 = px(p + 2 * step), q3 = px(p + 3 * step);
  if (4 * abs(p0 - q0) + abs(p1 - q1) > t) return false;
  return abs(p3 - p2) <= it && abs(p2 - p1) <= it && abs(p1 - p0) <= it
    && abs(q3 - q2) <= it && abs(q2 - q1) <= it && abs(q1 - q0) <= it;
}

/** The simple filter along one 16-pixel edge. */
export function simpleEdge(p: usize, step: usize, along: usize, threshold: i32): void {
  const t = 2 * threshold + 1;
  for (let i = 0; i < 16; i++) {
    if (needsFilter(p, step, t)) filter2(p, step);
    p += along;
  }
}

/** The normal filter along one edge of `count` pixels: `inner` an edge inside the macroblock (4-tap), else its edge (6-tap). */
export function normalEdge(p: usize, step: usize, along: usize, count: i32, threshold: i32, interior: i32, hevThreshold: i32, inner: bool): void {
  const t = 2 * threshold + 1;
  for (let i = 0; i < count; i++) {
    if (needsFilter2(p, step, t, interior)) {
      if (highVariance(p, step, hevThreshold)) filter2(p, step);
      else if (inner) filter4(p, step);
      else filter6(p, step);
    }
    p += along;
  }
}

/**
 * Filters one macroblock's edges in libwebp's order (left edge, inner vertical edges, top edge,
 * inner horizontal edges): y at (x 16, y 16) of a stride-yStride plane, u and v at the chroma's.
 */
export function filterMacroblock(filterType: i32, y: usize, u: usize, v: usize, yStride: usize, uvStride: usize,
                                 mbX: i32, mbY: i32, limit: i32, interior: i32, hev: i32, inner: bool): void {
  if (filterType == 1) {
    if (mbX > 0) simpleEdge(y, 1, yStride, limit + 4);
    if (inner) for (let i: usize = 4; i < 16; i += 4) simpleEdge(y + i, 1, yStride, limit);
    if (mbY > 0) simpleEdge(y, yStride, 1, limit + 4);
    if (inner) for (let i: usize = 4; i < 16; i += 4) simpleEdge(y + i * yStride, yStride, 1, limit);
    return;
  }
  if (mbX > 0) {
    normalEdge(y, 1, yStride, 16, limit + 4, interior, hev, false);
    normalEdge(u, 1, uvStride, 8, limit + 4, interior, hev, false);
    normalEdge(v, 1, uvStride, 8, limit + 4, interior, hev, false);
  }
  if (inner) {
    for (let i: usize = 4; i < 16; i += 4) normalEdge(y + i, 1, yStride, 16, limit, interior, hev, true);
    normalEdge(u + 4, 1, uvStride, 8, limit, interior, hev, true);
    normalEdge(v + 4, 1, uvStride, 8, limit, interior, hev, true);
  }
  if (mbY > 0) {
    normalEdge(y, yStride, 1, 16, limit + 4, interior, hev, false);
    normalEdge(u, uvStride, 1, 8, limit + 4, interior, hev, false);
    normalEdge(v, uvStride, 1, 8, limit + 4, interior, hev, false);
  }
  if (inner) {
    for (let i: usize = 4; i < 16; i += 4) normalEdge(y + i * yStride, yStride, 1, 16, limit, interior, hev, true);
    normalEdge(u + 4 * uvStride, uvStride, 1, 8, limit, interior, hev, true);
    normalEdge(v + 4 * uvStride, uvStride, 1, 8, limit, interior, hev, true);
  }
}
