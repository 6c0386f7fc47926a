// Winograd convolution for the phases of a plan whose taps are r x r neighbours in x (r = 2 or
// 3: lib/wino2.ts F(2x2, 2x2), lib/wino3.ts F(2x2, 3x3)): every phase of a transposed convolution
// with kernel r x stride (k4 s2 of DCGAN generators and U-Net decoders: r = 2), a 3x3 or 2x2
// stride-1 convolution. A 2x2 output tile takes (r + 1)^2 products instead of 4 r^2 (9 for 16,
// 16 for 36), and summed over the input channels those products are (r + 1)^2 GEMMs (output
// channels x input channels x tiles) that run on the direct path's micro-kernels
// (lib/conv-rows.ts), between an input and an output transform. The wrapper (src/conv/winograd.ts)
// sends input or weights with non-finite or huge values down the direct path.
//
// Tiles are walked in blocks of whole tile rows (or one row's segment), `tileBlock` columns of
// scratch a block: the block's transformed input (vScratch: [point][groupIn][tileBlock]) and
// products (mScratch: [point][M][tileBlock]) stay in L2 while every output channel uses them.
// Pointers are byte addresses; sizes, strides and offsets are element counts.

import { blockEnd, packedChannels } from './lib/phase';
import { rowBlock1, rowBlock4 } from './lib/conv-rows';
import {
  POINT_PAD, WINO_FIELDS, WINO_OUT, WINO_PACKED, WINO_PAIR, WINO_PIXELS_H, WINO_PIXELS_W, WINO_STEP_H, WINO_STEP_W, WINO_TAPS, WINO_X,
} from './lib/wino';
import { inputTransform2, outputTransform2, weightTransform2 } from './lib/wino2';
import { inputTransform3, outputTransform3, weightTransform3 } from './lib/wino3';

/**
 * Packs every group's weights transformed (U = G g G^T) in the micro-kernels' order: per phase,
 * per transform point, blocks of 4 output channels with groupIn-major entries of 4 floats
 * (blockEnd: a last block of 3 is padded with a zero channel), then the remaining channels,
 * groupIn floats each. A phase's `size` x `size` taps are kernel indices at `taps`. Does nothing
 * when the i32 at `skip` is nonzero (winogradRange found a value out of range).
 */
export function packWinogradWeights(dst: usize, src: usize, phases: usize, phaseCount: i32, taps: usize, size: i32, groups: i32,
                                    groupIn: i32, M: i32, coStride: i32, ciStride: i32, weightGroup: i32, skip: usize): void {
  if (load<i32>(skip) != 0) return;
  const points = (size + 1) * (size + 1);
  const end = blockEnd(M);
  const packedM = packedChannels(M);
  const blocked = (end + 3) & ~3; // channels in blocks of 4, the zero channel of a block of 3 included
  const pointFloats = packedM * groupIn;
  const pf = <usize>pointFloats << 2;
  for (let g = 0; g < groups; g++) {
    const s = src + (<usize>(g * weightGroup) << 2);
    const dg = dst + (<usize>(g * phaseCount * points * pointFloats) << 2);
    for (let ph = 0; ph < phaseCount; ph++) {
      const rec = phases + (<usize>(ph * WINO_FIELDS) << 2);
      const t = taps + (<usize>load<i32>(rec, WINO_TAPS << 2) << 2);
      const dp = dg + (<usize>(ph * points * pointFloats) << 2);
      for (let co = 0; co < packedM; co++) {
        // Where channel co's entry for input channel 0 sits within a point's block: blocks of 4
        // interleave their channels, the single channels after them are groupIn floats each.
        const at = co < blocked ? (co & ~3) * groupIn + (co & 3) : co * groupIn;
        const ciStep = co < blocked ? 4 : 1;
        for (let ci = 0; ci < groupIn; ci++) {
          const w = s + (<usize>(co * coStride + ci * ciStride) << 2);
          const u = dp + (<usize>(at + ci * ciStep) << 2);
          if (size == 3) weightTransform3(w, t, co >= M, u, pf);
          else weightTransform2(w, t, co >= M, u, pf);
        }
      }
    }
  }
}

// ---- the range check ----

/**
 * Where any of `length` floats at `src` is NaN, infinite or of magnitude 2^50 or more, stores 1
 * at `flags` and 0 at `flags + 4` (the words gate the Winograd calls and the direct ones staged
 * beside them: `skip`); else stores nothing, so chunks of one check may run at once. Below 2^50
 * every transformed product and sum stays inside float32's range, and no Inf - Inf makes a NaN
 * where the direct sums keep an infinity. By the bits: |v| >= 2^50 (or NaN, Inf) exactly when
 * (bits & 0x7fffffff) >= 0x58800000.
 */
export function winogradRange(src: usize, length: i32, flags: usize): void {
  let i = 0;
  let bad = false;
  if (ASC_FEATURE_SIMD) {
    const mask = i32x4.splat(0x7fffffff), limit = i32x4.splat(0x58800000 - 1);
    let any = i32x4.splat(0);
    for (; i + 4 <= length; i += 4) {
      any = v128.or(any, i32x4.gt_u(v128.and(v128.load(src + (<usize>i << 2)), mask), limit));
    }
    bad = v128.any_true(any);
  }
  for (; i < length; i++) bad = bad || (load<u32>(src + (<usize>i << 2)) & 0x7fffffff) >= 0x58800000;
  if (bad) {
    store<i32>(flags, 1);
    store<i32>(flags, 0, 4);
  }
}

// ---- the phases ----

/**
 * One block of one phase: its tiles' input transformed into vScratch (channel by channel), then
 * the GEMMs, products[point][co][tile] = sum over ci of U[point][co][ci] V[point][ci][tile], into
 * `m` (points `mPoint` bytes apart, channels `column` bytes apart). The micro-kernels' last tile of
 * 8 may run past the block's columns into stale scratch: those products are never read.
 */
function blockProducts(xp: usize, xChannel: i32, xStrideH: i32, size: i32, groupIn: i32, M: i32, up: usize, pointFloats: i32,
                       a0: i32, rows: i32, b0: i32, width: i32, count: i32, tileBlock: i32, kOffsets: usize, zeros: usize,
                       vScratch: usize, vPoint: usize, m: usize, mPoint: usize): void {
  const row = <usize>xStrideH << 2;
  const column = <usize>tileBlock << 2;
  for (let ci = 0; ci < groupIn; ci++) {
    const xc = xp + (<usize>(ci * xChannel + b0 * 2) << 2);
    const vc = vScratch + (<usize>(ci * tileBlock) << 2);
    for (let r = 0; r < rows; r++) {
      const xr = xc + (<usize>((a0 + r) * 2 * xStrideH) << 2);
      if (size == 3) inputTransform3(xr, row, vc + <usize>(r * width) * 4, vPoint, count);
      else inputTransform2(xr, row, vc + <usize>(r * width) * 4, vPoint, count);
    }
  }
  const points = (size + 1) * (size + 1);
  const end = blockEnd(M);
  const pixels = (rows - 1) * width + count;
  for (let pt = 0; pt < points; pt++) {
    const v = vScratch + <usize>pt * vPoint;
    const mp = m + <usize>pt * mPoint;
    let wm = up + (<usize>(pt * pointFloats) << 2);
    let k = 0;
    for (; k < end; k += 4) {
      rowBlock4(v, kOffsets, groupIn, groupIn, tileBlock, wm, zeros, min(M - k, 4), mp + <usize>k * column, column, 4, pixels);
      wm += <usize>groupIn << 4;
    }
    for (; k < M; k++) {
      rowBlock1(v, kOffsets, groupIn, wm, 0, mp + <usize>k * column, 4, pixels);
      wm += <usize>groupIn << 2;
    }
  }
}

/** One tile row's outputs of one channel (outputTransform2 / 3 by `size`). */
@inline function tileRowOutput(size: i32, m: usize, mPoint: usize, bias: f32, o0: usize, o1: usize, twoRows: bool, step: usize,
                               count: i32, pixels: i32): void {
  if (size == 3) outputTransform3(m, mPoint, bias, o0, o1, twoRows, step, count, pixels);
  else outputTransform2(m, mPoint, bias, o0, o1, twoRows, step, count, pixels);
}

/** dst[2i] = a[i] for i < na, dst[2i + 1] = b[i] for i < nb (na is nb or nb + 1): two phases' row merged. */
function interleaveRow(a: usize, b: usize, dst: usize, na: i32, nb: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= nb; i += 4) {
      const x = v128.load(a + (<usize>i << 2)), y = v128.load(b + (<usize>i << 2));
      v128.store(dst + (<usize>i << 3), v128.shuffle<f32>(x, y, 0, 4, 1, 5));
      v128.store(dst + (<usize>i << 3), v128.shuffle<f32>(x, y, 2, 6, 3, 7), 16);
    }
  }
  for (; i < nb; i++) {
    store<f32>(dst + (<usize>i << 3), load<f32>(a + (<usize>i << 2)));
    store<f32>(dst + (<usize>i << 3), load<f32>(b + (<usize>i << 2)), 4);
  }
  if (na > nb) store<f32>(dst + (<usize>nb << 3), load<f32>(a + (<usize>nb << 2)));
}

/**
 * Runs every phase (records of WINO_FIELDS int32 at `phases`, lib/wino.ts; taps `size` x `size`)
 * for every batch item and group, over tile rows [rowStart, rowEnd) of each phase (a pool chunk's
 * share; tile row a holds the phase's pixel rows 2a and 2a + 1). x, packed, bias and out as
 * convPhases (assembly/conv.ts); `packed` from packWinogradWeights; `kOffsets` holds i * tileBlock
 * for i < groupIn (the micro-kernels' K offsets into a point's block of vScratch); `zeros` 4 zero
 * floats. A phase whose record pairs it with the next (WINO_PAIR: their pixels alternate along W,
 * stride 2) runs with it, block by block, the second's products in mScratch2, and their rows are
 * merged in rowScratch, then stored as whole vectors (one phase alone would store every other float).
 * Does nothing when the i32 at `skip` is nonzero (winogradRange found a value out of range).
 */
export function convWinograd(x: usize, xBatch: i32, xGroup: i32, xStrideH: i32, xChannel: i32,
                             phases: usize, phaseCount: i32, size: i32, packed: usize, packedGroup: i32, bias: usize, zeros: usize,
                             M: i32, out: usize, outChannel: i32, batch: i32, groups: i32, groupIn: i32,
                             rowStart: i32, rowEnd: i32, tileBlock: i32, kOffsets: usize, vScratch: usize, mScratch: usize,
                             mScratch2: usize, rowScratch: usize, skip: usize): void {
  if (load<i32>(skip) != 0) return;
  const chan = <usize>outChannel << 2;
  const pointFloats = packedChannels(M) * groupIn;
  // Points' blocks a cache line more than a power of two apart: 16 streams 8 KiB apart (C3) fell
  // in one L1 set, and the transforms read or write all of a tile's points at once.
  const vPoint = <usize>(groupIn * tileBlock + POINT_PAD) << 2;
  const mPoint = <usize>(M * tileBlock + POINT_PAD) << 2;
  const column = <usize>tileBlock << 2;
  const rowBytes = <usize>(2 * tileBlock + 8) << 2; // one pixel row of a block in rowScratch
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const xg = x + (<usize>(n * xBatch + g * xGroup) << 2);
      const og = out + <usize>(n * groups + g) * <usize>M * chan;
      const pg = packed + (<usize>(g * packedGroup) << 2);
      const bg = bias + (<usize>(g * M) << 2);
      for (let ph = 0; ph < phaseCount; ph++) {
        const rec = phases + (<usize>(ph * WINO_FIELDS) << 2);
        const paired = load<i32>(rec, WINO_PAIR << 2) != 0;
        const next = rec + (<usize>WINO_FIELDS << 2); // read only when paired
        const qH = load<i32>(rec, WINO_PIXELS_H << 2), qW = load<i32>(rec, WINO_PIXELS_W << 2);
        const qW2 = paired ? load<i32>(next, WINO_PIXELS_W << 2) : 0;
        const op = og + (<usize>load<i32>(rec, WINO_OUT << 2) << 2);
        const stepH = <usize>load<i32>(rec, WINO_STEP_H << 2) << 2, stepW = <usize>load<i32>(rec, WINO_STEP_W << 2) << 2;
        const tilesH = (qH + 1) >> 1, tilesW = (qW + 1) >> 1, tilesW2 = (qW2 + 1) >> 1;
        // A block: `rows` whole tile rows of `width` columns (a row padded to 4, the SIMD transforms'
        // step), or one row's segment.
        const padded = (tilesW + 3) & ~3;
        const width = min(padded, tileBlock);
        const rowsPer = max(1, tileBlock / padded);
        const a1 = min(rowEnd, tilesH);
        for (let a0 = rowStart; a0 < a1; a0 += rowsPer) {
          const rows = min(rowsPer, a1 - a0);
          for (let b0 = 0; b0 < tilesW; b0 += width) {
            const count = min(width, padded - b0);
            blockProducts(xg + (<usize>load<i32>(rec, WINO_X << 2) << 2), xChannel, xStrideH, size, groupIn, M,
              pg + (<usize>load<i32>(rec, WINO_PACKED << 2) << 2), pointFloats, a0, rows, b0, width, count, tileBlock, kOffsets,
              zeros, vScratch, vPoint, mScratch, mPoint);
            if (paired) {
              blockProducts(xg + (<usize>load<i32>(next, WINO_X << 2) << 2), xChannel, xStrideH, size, groupIn, M,
                pg + (<usize>load<i32>(next, WINO_PACKED << 2) << 2), pointFloats, a0, rows, b0, width, count, tileBlock, kOffsets,
                zeros, vScratch, vPoint, mScratch2, mPoint);
            }
            // Back to pixels, channel by channel.
            const tiles = min(count, tilesW - b0), tiles2 = min(count, tilesW2 - b0);
            for (let co = 0; co < M; co++) {
              const b = load<f32>(bg + (<usize>co << 2));
              const oc = op + <usize>co * chan + <usize>(b0 * 2) * stepW;
              for (let r = 0; r < rows; r++) {
                const a = a0 + r;
                const o0 = oc + <usize>(2 * a) * stepH;
                const mr = <usize>co * column + <usize>(r * width) * 4;
                const twoRows = 2 * a + 1 < qH;
                if (!paired) {
                  tileRowOutput(size, mScratch + mr, mPoint, b, o0, o0 + stepH, twoRows, stepW, tiles, qW - 2 * b0);
                  continue;
                }
                // Each phase's two rows into rowScratch, contiguous; then merged into the output.
                const na = min(qW - 2 * b0, 2 * tiles), nb = max(0, min(qW2 - 2 * b0, 2 * tiles2));
                tileRowOutput(size, mScratch + mr, mPoint, b, rowScratch, rowScratch + rowBytes, twoRows, 4, tiles, na);
                if (tiles2 > 0) {
                  tileRowOutput(size, mScratch2 + mr, mPoint, b, rowScratch + 2 * rowBytes, rowScratch + 3 * rowBytes, twoRows, 4, tiles2, nb);
                }
                interleaveRow(rowScratch, rowScratch + 2 * rowBytes, o0, na, nb);
                if (twoRows) interleaveRow(rowScratch + rowBytes, rowScratch + 3 * rowBytes, o0 + stepH, na, nb);
              }
            }
          }
        }
        if (paired) ph++;
      }
    }
  }
}
