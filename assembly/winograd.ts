// Winograd F(2x2, 2x2) for the phases of a convolution whose taps are 2x2 neighbours: every phase
// of a transposed convolution with kernel 2 x stride (k4 s2: DCGAN, U-Net decoders), and a 2x2
// stride-1 convolution. One 2-tap correlation over two outputs,
//
//   y0 = g0 d0 + g1 d1,  y1 = g0 d1 + g1 d2,
//
// takes three products instead of four: m0 = (d0 - d1) g0, m1 = d1 (g0 + g1), m2 = (d2 - d1) g1,
// y0 = m0 + m1, y1 = m1 + m2. In 2-D a 2x2 output tile takes 9 products instead of 16, and summed
// over the input channels the 9 products are 9 GEMMs (output channels x input channels x tiles)
// that run on the direct path's micro-kernels (lib/conv-rows.ts). The transforms only add and
// subtract, so integer data stays exact; the wrapper (src/conv/winograd.ts) sends input or weights
// with non-finite or huge values (|v| >= 2^50: the transforms could overflow) down the direct path.
//
// Tiles are walked in blocks of whole tile rows (or one row's segment), `tileBlock` columns of
// scratch a block: the block's 9 transformed input matrices (vScratch: [9][groupIn][tileBlock])
// and the 9 products (mScratch: [9][M][tileBlock]) stay in L2 while every output channel uses them.
// Pointers are byte addresses; sizes, strides and offsets are element counts.

import { blockEnd } from './lib/phase';
import { rowBlock1, rowBlock4 } from './lib/conv-rows';
import {
  WINO_FIELDS, WINO_OUT, WINO_PACKED, WINO_PIXELS_H, WINO_PIXELS_W, WINO_STEP_H, WINO_STEP_W, WINO_TAPS, WINO_X,
} from './lib/wino';

/** Transform points of a 2x2 output tile: its 3x3 input patch becomes 9 values. */
const POINTS = 9;

/**
 * Packs every group's weights transformed (U = G g G^T, G = [1 0; 1 1; 0 1]) in the
 * micro-kernels' order: per phase, per transform point, blocks of 4 output channels with
 * groupIn-major entries of 4 floats (blockEnd: a last block of 3 is padded with a zero channel),
 * then the remaining channels, groupIn floats each. A phase's 4 taps (kernel indices at `taps`)
 * are the weights of its x neighbours (0,0), (0,1), (1,0), (1,1).
 */
export function packWinogradWeights(dst: usize, src: usize, phases: usize, phaseCount: i32, taps: usize, groups: i32,
                                    groupIn: i32, M: i32, coStride: i32, ciStride: i32, weightGroup: i32): void {
  const end = blockEnd(M);
  const packedM = end > (M & ~3) ? M + 1 : M;
  const blocked = (end + 3) & ~3; // channels in blocks of 4, the zero channel of a block of 3 included
  const pointFloats = packedM * groupIn;
  for (let g = 0; g < groups; g++) {
    const s = src + (<usize>(g * weightGroup) << 2);
    const dg = dst + (<usize>(g * phaseCount * POINTS * pointFloats) << 2);
    for (let ph = 0; ph < phaseCount; ph++) {
      const rec = phases + (<usize>(ph * WINO_FIELDS) << 2);
      const t = taps + (<usize>load<i32>(rec, WINO_TAPS << 2) << 2);
      const t00 = load<i32>(t), t01 = load<i32>(t, 4), t10 = load<i32>(t, 8), t11 = load<i32>(t, 12);
      const dp = dg + (<usize>(ph * POINTS * pointFloats) << 2);
      for (let co = 0; co < packedM; co++) {
        // Where channel co's entry for input channel 0 sits within a point's block: blocks of 4
        // interleave their channels, the single channels after them are groupIn floats each.
        const at = co < blocked ? (co & ~3) * groupIn + (co & 3) : co * groupIn;
        const ciStep = co < blocked ? 4 : 1;
        for (let ci = 0; ci < groupIn; ci++) {
          let g00: f32 = 0, g01: f32 = 0, g10: f32 = 0, g11: f32 = 0;
          if (co < M) {
            const w = s + (<usize>(co * coStride + ci * ciStride) << 2);
            g00 = load<f32>(w + (<usize>t00 << 2)); g01 = load<f32>(w + (<usize>t01 << 2));
            g10 = load<f32>(w + (<usize>t10 << 2)); g11 = load<f32>(w + (<usize>t11 << 2));
          }
          const r0 = g00 + g01, r2 = g10 + g11;
          const u = dp + (<usize>(at + ci * ciStep) << 2);
          const pf = <usize>pointFloats << 2;
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
      }
    }
  }
}

// ---- input transform: V = B^T d B, B^T = [1 -1 0; 0 1 0; 0 -1 1] ----

/**
 * Transforms the patches of `count` tiles of one tile row (count rounded up to 4 in SIMD; the
 * extra tiles read x beyond the row, their values are never stored) for one input channel.
 * `xp` is the patch's top-left x element of the first tile; v points at point 0's column of the
 * first tile, points `pointBytes` apart.
 */
function inputTransform(xp: usize, xStrideH: i32, v: usize, pointBytes: usize, count: i32): void {
  const row = <usize>xStrideH << 2;
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
      v128.store(o + pointBytes, f32x4.sub(t01, t11));
      v128.store(o + 2 * pointBytes, f32x4.sub(t02, t12));
      v128.store(o + 3 * pointBytes, t10);
      v128.store(o + 4 * pointBytes, t11);
      v128.store(o + 5 * pointBytes, t12);
      v128.store(o + 6 * pointBytes, f32x4.sub(t20, t10));
      v128.store(o + 7 * pointBytes, f32x4.sub(t21, t11));
      v128.store(o + 8 * pointBytes, f32x4.sub(t22, t12));
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
    store<f32>(o, t00 - t10); store<f32>(o + pointBytes, t01 - t11); store<f32>(o + 2 * pointBytes, t02 - t12);
    store<f32>(o + 3 * pointBytes, t10); store<f32>(o + 4 * pointBytes, t11); store<f32>(o + 5 * pointBytes, t12);
    store<f32>(o + 6 * pointBytes, t20 - t10); store<f32>(o + 7 * pointBytes, t21 - t11); store<f32>(o + 8 * pointBytes, t22 - t12);
  }
}

// ---- output transform: Y = A^T m A, A^T = [1 1 0; 0 1 1] ----

/** Stores the first `count` (1-8) of x0 y0 x1 y1 ... x3 y3 at dst, `step` bytes apart. */
@inline function storeInterleaved(dst: usize, x: v128, y: v128, step: usize, count: i32): void {
  const lo = v128.shuffle<f32>(x, y, 0, 4, 1, 5), hi = v128.shuffle<f32>(x, y, 2, 6, 3, 7);
  if (step == 4 && count == 8) {
    v128.store(dst, lo);
    v128.store(dst, hi, 16);
    return;
  }
  store<f32>(dst, f32x4.extract_lane(lo, 0));
  if (count > 1) store<f32>(dst + step, f32x4.extract_lane(lo, 1));
  if (count > 2) store<f32>(dst + 2 * step, f32x4.extract_lane(lo, 2));
  if (count > 3) store<f32>(dst + 3 * step, f32x4.extract_lane(lo, 3));
  if (count > 4) store<f32>(dst + 4 * step, f32x4.extract_lane(hi, 0));
  if (count > 5) store<f32>(dst + 5 * step, f32x4.extract_lane(hi, 1));
  if (count > 6) store<f32>(dst + 6 * step, f32x4.extract_lane(hi, 2));
  if (count > 7) store<f32>(dst + 7 * step, f32x4.extract_lane(hi, 3));
}

/**
 * Writes one output channel's pixels of `count` tiles of one tile row from the 9 products at `m`
 * (tile c at m + 4c, points `pointBytes` apart), plus `bias`: the tile row's two output rows at
 * `o0` and `o1` (the second only when `twoRows`), `pixels` phase pixels along the row (tile c
 * holds pixels 2c and 2c + 1), output elements `step` bytes apart.
 */
function outputTransform(m: usize, pointBytes: usize, bias: f32, o0: usize, o1: usize, twoRows: bool, step: usize,
                         count: i32, pixels: i32): void {
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const b = f32x4.splat(bias);
    for (; c < count; c += 4) {
      const p = m + (<usize>c << 2);
      const m1c0 = v128.load(p + 3 * pointBytes), m1c1 = v128.load(p + 4 * pointBytes), m1c2 = v128.load(p + 5 * pointBytes);
      const s0 = f32x4.add(v128.load(p), m1c0), s1 = f32x4.add(v128.load(p + pointBytes), m1c1);
      const s2 = f32x4.add(v128.load(p + 2 * pointBytes), m1c2);
      const at = <usize>(c << 1) * step;
      const left = pixels - (c << 1);
      storeInterleaved(o0 + at, f32x4.add(f32x4.add(s0, s1), b), f32x4.add(f32x4.add(s1, s2), b), step, min(left, 8));
      if (twoRows) {
        const r0 = f32x4.add(m1c0, v128.load(p + 6 * pointBytes)), r1 = f32x4.add(m1c1, v128.load(p + 7 * pointBytes));
        const r2 = f32x4.add(m1c2, v128.load(p + 8 * pointBytes));
        storeInterleaved(o1 + at, f32x4.add(f32x4.add(r0, r1), b), f32x4.add(f32x4.add(r1, r2), b), step, min(left, 8));
      }
    }
    return;
  }
  for (; c < count; c++) {
    const p = m + (<usize>c << 2);
    const m10 = load<f32>(p + 3 * pointBytes), m11 = load<f32>(p + 4 * pointBytes), m12 = load<f32>(p + 5 * pointBytes);
    const s0 = load<f32>(p) + m10, s1 = load<f32>(p + pointBytes) + m11, s2 = load<f32>(p + 2 * pointBytes) + m12;
    const at = <usize>(c << 1) * step;
    const pair = pixels - (c << 1) > 1;
    store<f32>(o0 + at, (s0 + s1) + bias);
    if (pair) store<f32>(o0 + at + step, (s1 + s2) + bias);
    if (twoRows) {
      const r0 = m10 + load<f32>(p + 6 * pointBytes), r1 = m11 + load<f32>(p + 7 * pointBytes);
      const r2 = m12 + load<f32>(p + 8 * pointBytes);
      store<f32>(o1 + at, (r0 + r1) + bias);
      if (pair) store<f32>(o1 + at + step, (r1 + r2) + bias);
    }
  }
}

// ---- the phases ----

/**
 * Runs every phase (records of WINO_FIELDS int32 at `phases`, lib/wino.ts) for every batch item
 * and group, over tile rows [rowStart, rowEnd) of each phase (a pool chunk's share; tile row a
 * holds the phase's pixel rows 2a and 2a + 1). x, packed, bias and out as convPhases
 * (assembly/conv.ts); `packed` from packWinogradWeights; `kOffsets` holds i * tileBlock for
 * i < groupIn (the micro-kernels' K offsets into a point's block of vScratch); `zeros` 4 zero floats.
 */
export function convWinograd(x: usize, xBatch: i32, xGroup: i32, xStrideH: i32, xChannel: i32,
                             phases: usize, phaseCount: i32, packed: usize, packedGroup: i32, bias: usize, zeros: usize,
                             M: i32, out: usize, outChannel: i32, batch: i32, groups: i32, groupIn: i32,
                             rowStart: i32, rowEnd: i32, tileBlock: i32, kOffsets: usize, vScratch: usize, mScratch: usize): void {
  const chan = <usize>outChannel << 2;
  const end = blockEnd(M);
  const packedM = end > (M & ~3) ? M + 1 : M;
  const pointFloats = packedM * groupIn;
  const vPoint = <usize>(groupIn * tileBlock) << 2;
  const mPoint = <usize>(M * tileBlock) << 2;
  const column = <usize>tileBlock << 2;
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const xg = x + (<usize>(n * xBatch + g * xGroup) << 2);
      const og = out + <usize>(n * groups + g) * <usize>M * chan;
      const pg = packed + (<usize>(g * packedGroup) << 2);
      const bg = bias + (<usize>(g * M) << 2);
      for (let ph = 0; ph < phaseCount; ph++) {
        const rec = phases + (<usize>(ph * WINO_FIELDS) << 2);
        const qH = load<i32>(rec, WINO_PIXELS_H << 2), qW = load<i32>(rec, WINO_PIXELS_W << 2);
        const xp = xg + (<usize>load<i32>(rec, WINO_X << 2) << 2);
        const up = pg + (<usize>load<i32>(rec, WINO_PACKED << 2) << 2);
        const op = og + (<usize>load<i32>(rec, WINO_OUT << 2) << 2);
        const stepH = <usize>load<i32>(rec, WINO_STEP_H << 2) << 2, stepW = <usize>load<i32>(rec, WINO_STEP_W << 2) << 2;
        const tilesH = (qH + 1) >> 1, tilesW = (qW + 1) >> 1;
        // A block: `rows` whole tile rows of `width` columns (a row padded to 4, the SIMD transforms'
        // step), or one row's segment. The micro-kernels' last tile of 8 may run past the block's
        // columns into stale scratch: those products are never read.
        const padded = (tilesW + 3) & ~3;
        const width = min(padded, tileBlock);
        const rowsPer = max(1, tileBlock / padded);
        const a1 = min(rowEnd, tilesH);
        for (let a0 = rowStart; a0 < a1; a0 += rowsPer) {
          const rows = min(rowsPer, a1 - a0);
          for (let b0 = 0; b0 < tilesW; b0 += width) {
            const count = min(width, padded - b0);
            // The block's transformed input, channel by channel.
            for (let ci = 0; ci < groupIn; ci++) {
              const xc = xp + (<usize>(ci * xChannel + b0 * 2) << 2);
              const vc = vScratch + (<usize>(ci * tileBlock) << 2);
              for (let r = 0; r < rows; r++) {
                inputTransform(xc + (<usize>((a0 + r) * 2 * xStrideH) << 2), xStrideH, vc + <usize>(r * width) * 4, vPoint, count);
              }
            }
            // The 9 GEMMs: products[point][co][tile] = sum over ci of U[point][co][ci] V[point][ci][tile].
            const pixels = (rows - 1) * width + count;
            for (let pt = 0; pt < POINTS; pt++) {
              const v = vScratch + <usize>pt * vPoint;
              const mp = mScratch + <usize>pt * mPoint;
              let wm = up + (<usize>(pt * pointFloats) << 2);
              let m = 0;
              for (; m < end; m += 4) {
                rowBlock4(v, kOffsets, groupIn, groupIn, tileBlock, wm, zeros, min(M - m, 4), mp + <usize>m * column, column, 4, pixels);
                wm += <usize>groupIn << 4;
              }
              for (; m < M; m++) {
                rowBlock1(v, kOffsets, groupIn, wm, 0, mp + <usize>m * column, 4, pixels);
                wm += <usize>groupIn << 2;
              }
            }
            // Back to pixels, channel by channel.
            for (let co = 0; co < M; co++) {
              const b = load<f32>(bg + (<usize>co << 2));
              const oc = op + <usize>co * chan + <usize>(b0 * 2) * stepW;
              const mc = mScratch + <usize>co * column;
              for (let r = 0; r < rows; r++) {
                const a = a0 + r;
                const o0 = oc + <usize>(2 * a) * stepH;
                outputTransform(mc + <usize>(r * width) * 4, mPoint, b, o0, o0 + stepH, 2 * a + 1 < qH, stepW,
                  min(count, tilesW - b0), qW - 2 * b0);
              }
            }
          }
        }
      }
    }
  }
}
