// Winograd F(2x2, 3x3): the transforms of a 2x2 output tile from its 4x4 input patch (16 points,
// where the direct sum takes 36 products). One 3-tap correlation over two outputs takes four:
// m0 = (d0 - d2) g0, m1 = (d1 + d2)(g0 + g1 + g2)/2, m2 = (d2 - d1)(g0 - g1 + g2)/2,
// m3 = (d1 - d3) g2; y0 = m0 + m1 + m2, y1 = m1 - m2 - m3.
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
//   A^T = [1 1 1 0; 0 1 -1 -1].
// Halving is exact, so integer data stays exact too. Helpers of ../winograd.ts; pointers are byte
// addresses.

import { storeTile, storeTiles } from './wino';

/** G applied to three values: the 4 values stored at u, u + pf, u + 2 pf, u + 3 pf. */
@inline function weightRow(a: f32, b: f32, c: f32, u: usize, pf: usize): void {
  store<f32>(u, a);
  store<f32>(u + pf, (a + b + c) * 0.5);
  store<f32>(u + 2 * pf, (a - b + c) * 0.5);
  store<f32>(u + 3 * pf, c);
}

/**
 * U = G g G^T of one (output, input) channel pair: the 9 taps at w + taps[k] (kernel indices of
 * the 3x3 neighbours, row-major), or zeros when `zero`; point k stored at u + k * pf.
 */
@inline export function weightTransform3(w: usize, taps: usize, zero: bool, u: usize, pf: usize): void {
  let g00: f32 = 0, g01: f32 = 0, g02: f32 = 0, g10: f32 = 0, g11: f32 = 0, g12: f32 = 0, g20: f32 = 0, g21: f32 = 0, g22: f32 = 0;
  if (!zero) {
    g00 = load<f32>(w + (<usize>load<i32>(taps) << 2)); g01 = load<f32>(w + (<usize>load<i32>(taps, 4) << 2));
    g02 = load<f32>(w + (<usize>load<i32>(taps, 8) << 2)); g10 = load<f32>(w + (<usize>load<i32>(taps, 12) << 2));
    g11 = load<f32>(w + (<usize>load<i32>(taps, 16) << 2)); g12 = load<f32>(w + (<usize>load<i32>(taps, 20) << 2));
    g20 = load<f32>(w + (<usize>load<i32>(taps, 24) << 2)); g21 = load<f32>(w + (<usize>load<i32>(taps, 28) << 2));
    g22 = load<f32>(w + (<usize>load<i32>(taps, 32) << 2));
  }
  // G along H (rows of q), then along W (weightRow).
  weightRow(g00, g01, g02, u, pf);
  weightRow((g00 + g10 + g20) * 0.5, (g01 + g11 + g21) * 0.5, (g02 + g12 + g22) * 0.5, u + 4 * pf, pf);
  weightRow((g00 - g10 + g20) * 0.5, (g01 - g11 + g21) * 0.5, (g02 - g12 + g22) * 0.5, u + 8 * pf, pf);
  weightRow(g20, g21, g22, u + 12 * pf, pf);
}

/**
 * V = B^T d B for `count` tiles of one tile row (SIMD: 4 at a time; tiles past the row read x
 * beyond it, their values are never used) of one input channel: `xp` is the first tile's patch
 * corner, rows `row` bytes apart; point k of tile c goes to v + k * pb + 4c.
 */
export function inputTransform3(xp: usize, row: usize, v: usize, pb: usize, count: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    for (; c < count; c += 4) {
      // Columns 0-3 of tiles c..c+3: x[2c] (even lanes), x[2c+1] (odd), x[2c+2], x[2c+3].
      const p = xp + (<usize>c << 3);
      const o = v + (<usize>c << 2);
      // Rows 1 and 2 of B^T d (along W) are used by every output row; rows 0 and 3 by one each.
      let a = v128.load(p + row), b = v128.load(p + row, 16), e = v128.load(p + row, 8), f = v128.load(p + row, 24);
      let d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6), d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      let d2 = v128.shuffle<f32>(e, f, 0, 2, 4, 6), d3 = v128.shuffle<f32>(e, f, 1, 3, 5, 7);
      const t10 = f32x4.sub(d0, d2), t11 = f32x4.add(d1, d2), t12 = f32x4.sub(d2, d1), t13 = f32x4.sub(d1, d3);
      a = v128.load(p + 2 * row); b = v128.load(p + 2 * row, 16); e = v128.load(p + 2 * row, 8); f = v128.load(p + 2 * row, 24);
      d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      d2 = v128.shuffle<f32>(e, f, 0, 2, 4, 6); d3 = v128.shuffle<f32>(e, f, 1, 3, 5, 7);
      const t20 = f32x4.sub(d0, d2), t21 = f32x4.add(d1, d2), t22 = f32x4.sub(d2, d1), t23 = f32x4.sub(d1, d3);
      v128.store(o + 4 * pb, f32x4.add(t10, t20));
      v128.store(o + 5 * pb, f32x4.add(t11, t21));
      v128.store(o + 6 * pb, f32x4.add(t12, t22));
      v128.store(o + 7 * pb, f32x4.add(t13, t23));
      v128.store(o + 8 * pb, f32x4.sub(t20, t10));
      v128.store(o + 9 * pb, f32x4.sub(t21, t11));
      v128.store(o + 10 * pb, f32x4.sub(t22, t12));
      v128.store(o + 11 * pb, f32x4.sub(t23, t13));
      a = v128.load(p); b = v128.load(p, 16); e = v128.load(p, 8); f = v128.load(p, 24);
      d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      d2 = v128.shuffle<f32>(e, f, 0, 2, 4, 6); d3 = v128.shuffle<f32>(e, f, 1, 3, 5, 7);
      v128.store(o, f32x4.sub(f32x4.sub(d0, d2), t20));
      v128.store(o + pb, f32x4.sub(f32x4.add(d1, d2), t21));
      v128.store(o + 2 * pb, f32x4.sub(f32x4.sub(d2, d1), t22));
      v128.store(o + 3 * pb, f32x4.sub(f32x4.sub(d1, d3), t23));
      a = v128.load(p + 3 * row); b = v128.load(p + 3 * row, 16); e = v128.load(p + 3 * row, 8); f = v128.load(p + 3 * row, 24);
      d0 = v128.shuffle<f32>(a, b, 0, 2, 4, 6); d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      d2 = v128.shuffle<f32>(e, f, 0, 2, 4, 6); d3 = v128.shuffle<f32>(e, f, 1, 3, 5, 7);
      v128.store(o + 12 * pb, f32x4.sub(t10, f32x4.sub(d0, d2)));
      v128.store(o + 13 * pb, f32x4.sub(t11, f32x4.add(d1, d2)));
      v128.store(o + 14 * pb, f32x4.sub(t12, f32x4.sub(d2, d1)));
      v128.store(o + 15 * pb, f32x4.sub(t13, f32x4.sub(d1, d3)));
    }
    return;
  }
  for (; c < count; c++) {
    const o = v + (<usize>c << 2);
    const p = xp + (<usize>c << 3);
    // B^T along W of each patch row i, into points 4i..4i+3; then B^T along H, column by column.
    for (let i = 0; i < 4; i++) {
      const r = p + <usize>i * row;
      const d0 = load<f32>(r), d1 = load<f32>(r, 4), d2 = load<f32>(r, 8), d3 = load<f32>(r, 12);
      store<f32>(o + <usize>(4 * i) * pb, d0 - d2);
      store<f32>(o + <usize>(4 * i + 1) * pb, d1 + d2);
      store<f32>(o + <usize>(4 * i + 2) * pb, d2 - d1);
      store<f32>(o + <usize>(4 * i + 3) * pb, d1 - d3);
    }
    for (let j = 0; j < 4; j++) {
      const q = o + <usize>j * pb;
      const t0 = load<f32>(q), t1 = load<f32>(q + 4 * pb), t2 = load<f32>(q + 8 * pb), t3 = load<f32>(q + 12 * pb);
      store<f32>(q, t0 - t2);
      store<f32>(q + 4 * pb, t1 + t2);
      store<f32>(q + 8 * pb, t2 - t1);
      store<f32>(q + 12 * pb, t1 - t3);
    }
  }
}

/**
 * Y = A^T m A plus `bias` for `count` tiles of one tile row of one output channel: tile c's
 * point k at m + k * pb + 4c; its pixels 2c and 2c + 1 (of `pixels` in the row) at o0 (and o1,
 * the second row, when `twoRows`), `step` bytes apart.
 */
export function outputTransform3(m: usize, pb: usize, bias: f32, o0: usize, o1: usize, twoRows: bool, step: usize,
                                 count: i32, pixels: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const b = f32x4.splat(bias);
    for (; c < count; c += 4) {
      const p = m + (<usize>c << 2);
      // Along H: s = rows 0 + 1 + 2, r = rows 1 - 2 - 3, column by column; then along W.
      let m1 = v128.load(p + 4 * pb), m2 = v128.load(p + 8 * pb);
      const s0 = f32x4.add(f32x4.add(v128.load(p), m1), m2), r0 = f32x4.sub(f32x4.sub(m1, m2), v128.load(p + 12 * pb));
      m1 = v128.load(p + 5 * pb); m2 = v128.load(p + 9 * pb);
      const s1 = f32x4.add(f32x4.add(v128.load(p + pb), m1), m2), r1 = f32x4.sub(f32x4.sub(m1, m2), v128.load(p + 13 * pb));
      m1 = v128.load(p + 6 * pb); m2 = v128.load(p + 10 * pb);
      const s2 = f32x4.add(f32x4.add(v128.load(p + 2 * pb), m1), m2), r2 = f32x4.sub(f32x4.sub(m1, m2), v128.load(p + 14 * pb));
      m1 = v128.load(p + 7 * pb); m2 = v128.load(p + 11 * pb);
      const s3 = f32x4.add(f32x4.add(v128.load(p + 3 * pb), m1), m2), r3 = f32x4.sub(f32x4.sub(m1, m2), v128.load(p + 15 * pb));
      const at = <usize>(c << 1) * step;
      storeTiles(o0 + at, o1 + at, twoRows, step, pixels - (c << 1), b,
        f32x4.add(f32x4.add(s0, s1), s2), f32x4.sub(f32x4.sub(s1, s2), s3),
        f32x4.add(f32x4.add(r0, r1), r2), f32x4.sub(f32x4.sub(r1, r2), r3));
    }
    return;
  }
  for (; c < count; c++) {
    const p = m + (<usize>c << 2);
    let m1 = load<f32>(p + 4 * pb), m2 = load<f32>(p + 8 * pb);
    const s0 = load<f32>(p) + m1 + m2, r0 = m1 - m2 - load<f32>(p + 12 * pb);
    m1 = load<f32>(p + 5 * pb); m2 = load<f32>(p + 9 * pb);
    const s1 = load<f32>(p + pb) + m1 + m2, r1 = m1 - m2 - load<f32>(p + 13 * pb);
    m1 = load<f32>(p + 6 * pb); m2 = load<f32>(p + 10 * pb);
    const s2 = load<f32>(p + 2 * pb) + m1 + m2, r2 = m1 - m2 - load<f32>(p + 14 * pb);
    m1 = load<f32>(p + 7 * pb); m2 = load<f32>(p + 11 * pb);
    const s3 = load<f32>(p + 3 * pb) + m1 + m2, r3 = m1 - m2 - load<f32>(p + 15 * pb);
    const at = <usize>(c << 1) * step;
    storeTile(o0 + at, o1 + at, twoRows, step, pixels - (c << 1) > 1, bias, s0 + s1 + s2, s1 - s2 - s3, r0 + r1 + r2, r1 - r2 - r3);
  }
}
