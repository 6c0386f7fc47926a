// Winograd F(2x2, 2x2): the transforms of a 2x2 output tile from its 3x3 input patch (9 points).
// One 2-tap correlation over two outputs, y0 = g0 d0 + g1 d1 and y1 = g0 d1 + g1 d2, takes three
// products: m0 = (d0 - d1) g0, m1 = d1 (g0 + g1), m2 = (d2 - d1) g1; y0 = m0 + m1, y1 = m1 + m2.
//   B^T = [1 -1 0; 0 1 0; 0 -1 1],  G = [1 0; 1 1; 0 1],  A^T = [1 1 0; 0 1 1].
// Only additions: integer data stays exact. Helpers of ../winograd.ts; pointers are byte addresses.

import { storeTile, storeTiles } from './wino';

/**
 * U = G g G^T of one (output, input) channel pair: the 4 taps at w + taps[k] (kernel indices of
 * neighbours (0,0), (0,1), (1,0), (1,1)), or zeros when `zero`; point k stored at u + k * pf.
 */
@inline export function weightTransform2(w: usize, taps: usize, zero: bool, u: usize, pf: usize): void {
  let g00: f32 = 0, g01: f32 = 0, g10: f32 = 0, g11: f32 = 0;
  if (!zero) {
    g00 = load<f32>(w + (<usize>load<i32>(taps) << 2)); g01 = load<f32>(w + (<usize>load<i32>(taps, 4) << 2));
    g10 = load<f32>(w + (<usize>load<i32>(taps, 8) << 2)); g11 = load<f32>(w + (<usize>load<i32>(taps, 12) << 2));
  }
  const r0 = g00 + g01, r2 = g10 + g11;
  store<f32>(u, g00);
  store<f32>(u + pf, r0);
  store<f32>(u + 2 * pf, g01);
  store<f32>(u + 3 * pf, g00 + g10);
  store<f32>(u + 4 * pf, r0 + r2);
  store<f32>(u + 5 * pf, g01 + g11);
  store<f32>(u + 6 * pf, g10);
  store<f32>(u + 7 * pf, r2);
  store<f32>(u + 8 * pf, g11);
}

/**
 * V = B^T d B for `count` tiles of one tile row (SIMD: 4 at a time; tiles past the row read x
 * beyond it, their values are never used) of one input channel: `xp` is the first tile's patch
 * corner, rows `row` bytes apart; point k of tile c goes to v + k * pb + 4c.
 */
export function inputTransform2(xp: usize, row: usize, v: usize, pb: usize, count: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    for (; c < count; c += 4) {
      // Columns 0, 1, 2 of tiles c..c+3 are x[2c], x[2c+1], x[2c+2]: even, odd, next even lanes.
      let p = xp + (<usize>c << 3);
      let a = v128.load(p), b = v128.load(p, 16), e = v128.load(p, 8), f = v128.load(p, 24);
      let d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      const t00 = f32x4.sub(v128.shuffle<f32>(a, b, 0, 2, 4, 6), d1), t01 = d1;
      const t02 = f32x4.sub(v128.shuffle<f32>(e, f, 0, 2, 4, 6), d1);
      p += row;
      a = v128.load(p); b = v128.load(p, 16); e = v128.load(p, 8); f = v128.load(p, 24);
      d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      const t10 = f32x4.sub(v128.shuffle<f32>(a, b, 0, 2, 4, 6), d1), t11 = d1;
      const t12 = f32x4.sub(v128.shuffle<f32>(e, f, 0, 2, 4, 6), d1);
      p += row;
      a = v128.load(p); b = v128.load(p, 16); e = v128.load(p, 8); f = v128.load(p, 24);
      d1 = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      const t20 = f32x4.sub(v128.shuffle<f32>(a, b, 0, 2, 4, 6), d1), t21 = d1;
      const t22 = f32x4.sub(v128.shuffle<f32>(e, f, 0, 2, 4, 6), d1);
      const o = v + (<usize>c << 2);
      v128.store(o, f32x4.sub(t00, t10));
      v128.store(o + pb, f32x4.sub(t01, t11));
      v128.store(o + 2 * pb, f32x4.sub(t02, t12));
      v128.store(o + 3 * pb, t10);
      v128.store(o + 4 * pb, t11);
      v128.store(o + 5 * pb, t12);
      v128.store(o + 6 * pb, f32x4.sub(t20, t10));
      v128.store(o + 7 * pb, f32x4.sub(t21, t11));
      v128.store(o + 8 * pb, f32x4.sub(t22, t12));
    }
    return;
  }
  for (; c < count; c++) {
    const o = v + (<usize>c << 2);
    let p = xp + (<usize>c << 3);
    // t[i][j] = B^T along W of patch row i; then B^T along H.
    const t00 = load<f32>(p) - load<f32>(p, 4), t01 = load<f32>(p, 4), t02 = load<f32>(p, 8) - load<f32>(p, 4);
    p += row;
    const t10 = load<f32>(p) - load<f32>(p, 4), t11 = load<f32>(p, 4), t12 = load<f32>(p, 8) - load<f32>(p, 4);
    p += row;
    const t20 = load<f32>(p) - load<f32>(p, 4), t21 = load<f32>(p, 4), t22 = load<f32>(p, 8) - load<f32>(p, 4);
    store<f32>(o, t00 - t10); store<f32>(o + pb, t01 - t11); store<f32>(o + 2 * pb, t02 - t12);
    store<f32>(o + 3 * pb, t10); store<f32>(o + 4 * pb, t11); store<f32>(o + 5 * pb, t12);
    store<f32>(o + 6 * pb, t20 - t10); store<f32>(o + 7 * pb, t21 - t11); store<f32>(o + 8 * pb, t22 - t12);
  }
}

/**
 * Y = A^T m A plus `bias` for `count` tiles of one tile row of one output channel: tile c's
 * point k at m + k * pb + 4c; its pixels 2c and 2c + 1 (of `pixels` in the row) at o0 (and o1,
 * the second row, when `twoRows`), `step` bytes apart.
 */
export function outputTransform2(m: usize, pb: usize, bias: f32, o0: usize, o1: usize, twoRows: bool, step: usize,
                                 count: i32, pixels: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const b = f32x4.splat(bias);
    for (; c < count; c += 4) {
      const p = m + (<usize>c << 2);
      const m10 = v128.load(p + 3 * pb), m11 = v128.load(p + 4 * pb), m12 = v128.load(p + 5 * pb);
      const s0 = f32x4.add(v128.load(p), m10), s1 = f32x4.add(v128.load(p + pb), m11), s2 = f32x4.add(v128.load(p + 2 * pb), m12);
      const r0 = f32x4.add(m10, v128.load(p + 6 * pb)), r1 = f32x4.add(m11, v128.load(p + 7 * pb));
      const r2 = f32x4.add(m12, v128.load(p + 8 * pb));
      const at = <usize>(c << 1) * step;
      storeTiles(o0 + at, o1 + at, twoRows, step, pixels - (c << 1), b,
        f32x4.add(s0, s1), f32x4.add(s1, s2), f32x4.add(r0, r1), f32x4.add(r1, r2));
    }
    return;
  }
  for (; c < count; c++) {
    const p = m + (<usize>c << 2);
    const m10 = load<f32>(p + 3 * pb), m11 = load<f32>(p + 4 * pb), m12 = load<f32>(p + 5 * pb);
    const s0 = load<f32>(p) + m10, s1 = load<f32>(p + pb) + m11, s2 = load<f32>(p + 2 * pb) + m12;
    const r0 = m10 + load<f32>(p + 6 * pb), r1 = m11 + load<f32>(p + 7 * pb), r2 = m12 + load<f32>(p + 8 * pb);
    const at = <usize>(c << 1) * step;
    storeTile(o0 + at, o1 + at, twoRows, step, pixels - (c << 1) > 1, bias, s0 + s1, s1 + s2, r0 + r1, r1 + r2);
  }
}
