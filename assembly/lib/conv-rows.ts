// The micro-kernels of convPhases (conv.ts): one output row of a phase, for a block of 4 output
// channels (rowBlock4) or one channel (rowBlock1), over a row's pixels:
//
//   out[co, pixel] = bias[co] + sum_k packed[co, k] * x[pixel + offsets[k]]
//
// SIMD loads 8 neighbouring pixels per k and broadcasts one weight per output channel
// (multiply-add: fused in the relaxed-SIMD build, mul then add otherwise); the scalar loops are
// the same sums in the same order. Pointers are byte addresses; sizes, strides and offsets are
// element counts. Helpers only: nothing under lib/ is a module export.

import { madd } from './simd';

// ---- storing tiles ----

/** Stores the first `count` (1-4) lanes of v at dst, dst + step, ... */
@inline function storeLanes(dst: usize, v: v128, step: usize, count: i32): void {
  store<f32>(dst, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(dst + step, f32x4.extract_lane(v, 1));
  if (count > 2) store<f32>(dst + 2 * step, f32x4.extract_lane(v, 2));
  if (count > 3) store<f32>(dst + 3 * step, f32x4.extract_lane(v, 3));
}

/** Stores 8 pixels (a, b) of one output channel: whole vectors when contiguous and complete. */
@inline function store8(dst: usize, a: v128, b: v128, step: usize, count: i32): void {
  if (step == 4 && count >= 8) {
    v128.store(dst, a);
    v128.store(dst, b, 16);
  } else {
    storeLanes(dst, a, step, min(count, 4));
    if (count > 4) storeLanes(dst + 4 * step, b, step, count - 4);
  }
}

// ---- micro-kernels: one output row of a phase ----

/**
 * Four output channels (rows oc, oc + chan, ...) over `pixels` pixels of one row; `rows` 3 is the
 * last block of a group with M % 4 == 3 (blockEnd), padded with a zero channel that is computed,
 * not stored. `xRow` is the x address of pixel 0 (before offsets), `w` the channel block's packed
 * weights [k][4], `bias` the block's 4 biases (the 4th is read only when `rows` is 4).
 * SIMD: 4 channels x 8 pixels in eight accumulators; the last tile may read past the row (into
 * the next row or x's slack) and stores only its valid pixels. The biases are read from memory,
 * not passed as f32 (which V8 keeps in xmm registers through the loop). A bigger tile does not
 * pay in V8's x64 code: a loop holds about 14 v128 values in registers (bench/roofline.js's loop:
 * 12 accumulators + 2 operands run at the peak, 13 + 2 at half of it), and 4 x 12 pixels (12
 * accumulators + the x vector + the weight, relaxed or not) measured 2x slower than 4 x 8
 * (bench/conv-ab.js); 8 accumulators already cover the FMA latency (4 cycles, 2 a cycle).
 */
@inline export function rowBlock4(xRow: usize, offsets: usize, K: i32, groupIn: i32, xChannel: i32, w: usize, bias: usize,
                                  rows: i32, out: usize, chan: usize, step: usize, pixels: i32): void {
  const offEnd = offsets + (<usize>K << 2);
  let q = 0;
  if (ASC_FEATURE_SIMD) {
    // k runs tap by tap, the input channels of a tap xChannel floats apart (src/conv/phases.ts):
    // stepping x by that stride leaves the loop no offset to load and shift per k.
    const stride = <usize>xChannel << 2;
    const tapBytes = <usize>groupIn * stride;
    const offStep = <usize>groupIn << 2;
    for (; q < pixels; q += 8) {
      tile4x8(xRow + (<usize>q << 2), offsets, offEnd, offStep, tapBytes, stride, w, bias, rows, out + <usize>q * step, chan, step, pixels - q);
    }
  }
  // Scalar: 4 channels x 4 pixels, then single pixels.
  for (; q + 4 <= pixels; q += 4) {
    const b0 = load<f32>(bias), b1 = load<f32>(bias, 4), b2 = load<f32>(bias, 8);
    const b3: f32 = rows > 3 ? load<f32>(bias, 12) : 0;
    let s00 = b0, s01 = b0, s02 = b0, s03 = b0;
    let s10 = b1, s11 = b1, s12 = b1, s13 = b1;
    let s20 = b2, s21 = b2, s22 = b2, s23 = b2;
    let s30 = b3, s31 = b3, s32 = b3, s33 = b3;
    const xp = xRow + (<usize>q << 2);
    let wp = w;
    for (let op = offsets; op < offEnd; op += 4) {
      const xk = xp + (<usize>load<i32>(op) << 2);
      const x0 = load<f32>(xk), x1 = load<f32>(xk, 4), x2 = load<f32>(xk, 8), x3 = load<f32>(xk, 12);
      const w0 = load<f32>(wp), w1 = load<f32>(wp, 4), w2 = load<f32>(wp, 8), w3 = load<f32>(wp, 12);
      s00 += w0 * x0; s01 += w0 * x1; s02 += w0 * x2; s03 += w0 * x3;
      s10 += w1 * x0; s11 += w1 * x1; s12 += w1 * x2; s13 += w1 * x3;
      s20 += w2 * x0; s21 += w2 * x1; s22 += w2 * x2; s23 += w2 * x3;
      s30 += w3 * x0; s31 += w3 * x1; s32 += w3 * x2; s33 += w3 * x3;
      wp += 16;
    }
    let o = out + <usize>q * step;
    store<f32>(o, s00); store<f32>(o + step, s01); store<f32>(o + 2 * step, s02); store<f32>(o + 3 * step, s03);
    o += chan;
    store<f32>(o, s10); store<f32>(o + step, s11); store<f32>(o + 2 * step, s12); store<f32>(o + 3 * step, s13);
    o += chan;
    store<f32>(o, s20); store<f32>(o + step, s21); store<f32>(o + 2 * step, s22); store<f32>(o + 3 * step, s23);
    o += chan;
    if (rows > 3) { store<f32>(o, s30); store<f32>(o + step, s31); store<f32>(o + 2 * step, s32); store<f32>(o + 3 * step, s33); }
  }
  for (; q < pixels; q++) {
    let s0 = load<f32>(bias), s1 = load<f32>(bias, 4), s2 = load<f32>(bias, 8);
    let s3: f32 = rows > 3 ? load<f32>(bias, 12) : 0;
    const xp = xRow + (<usize>q << 2);
    let wp = w;
    for (let op = offsets; op < offEnd; op += 4) {
      const x = load<f32>(xp + (<usize>load<i32>(op) << 2));
      s0 += load<f32>(wp) * x; s1 += load<f32>(wp, 4) * x; s2 += load<f32>(wp, 8) * x; s3 += load<f32>(wp, 12) * x;
      wp += 16;
    }
    const o = out + <usize>q * step;
    store<f32>(o, s0); store<f32>(o + chan, s1); store<f32>(o + 2 * chan, s2);
    if (rows > 3) store<f32>(o + 3 * chan, s3);
  }
}

/**
 * One tile of 4 output channels x 8 pixels (the first `count` stored), SIMD only: K's x rows are
 * walked tap by tap, tap `op` (offsets from `first` to `end`, `opStep` bytes apart) at
 * xp + x[op], its input channels `stride` bytes apart, `tapBytes` in all. rowBlock4 walks x
 * itself; a packed panel (packPanel) is one tap of K rows 32 bytes apart.
 */
@inline export function tile4x8(xp: usize, first: usize, end: usize, opStep: usize, tapBytes: usize, stride: usize,
                                w: usize, bias: usize, rows: i32, out: usize, chan: usize, step: usize, count: i32): void {
  let a0 = v128.load32_splat(bias), a1 = v128.load32_splat(bias, 4), a2 = v128.load32_splat(bias, 8);
  let a3 = rows > 3 ? v128.load32_splat(bias, 12) : f32x4.splat(0);
  let c0 = a0, c1 = a1, c2 = a2, c3 = a3;
  let wp = w;
  for (let op = first; op < end; op += opStep) {
    let xk = xp + (<usize>load<i32>(op) << 2);
    for (const xEnd = xk + tapBytes; xk < xEnd; xk += stride) {
      const xa = v128.load(xk);
      const xb = v128.load(xk, 16);
      let wv = v128.load32_splat(wp);
      a0 = madd(wv, xa, a0);
      c0 = madd(wv, xb, c0);
      wv = v128.load32_splat(wp, 4);
      a1 = madd(wv, xa, a1);
      c1 = madd(wv, xb, c1);
      wv = v128.load32_splat(wp, 8);
      a2 = madd(wv, xa, a2);
      c2 = madd(wv, xb, c2);
      wv = v128.load32_splat(wp, 12);
      a3 = madd(wv, xa, a3);
      c3 = madd(wv, xb, c3);
      wp += 16;
    }
  }
  store8(out, a0, c0, step, count);
  store8(out + chan, a1, c1, step, count);
  store8(out + 2 * chan, a2, c2, step, count);
  if (rows > 3) store8(out + 3 * chan, a3, c3, step, count);
}

/** Copies the 8 pixels at xTile + offsets[k] for every k, in K's order, to `panel` (K rows of 8). */
@inline export function packPanel(xTile: usize, offsets: usize, K: i32, groupIn: i32, xChannel: i32, panel: usize): void {
  const stride = <usize>xChannel << 2;
  const tapBytes = <usize>groupIn * stride;
  const offEnd = offsets + (<usize>K << 2);
  let pp = panel;
  for (let op = offsets; op < offEnd; op += <usize>groupIn << 2) {
    let xk = xTile + (<usize>load<i32>(op) << 2);
    for (const xEnd = xk + tapBytes; xk < xEnd; xk += stride) {
      v128.store(pp, v128.load(xk));
      v128.store(pp, v128.load(xk, 16), 16);
      pp += 32;
    }
  }
}

/**
 * One output channel over `pixels` pixels of one row (the channels left over by the blocks of
 * four, and depthwise convolutions). SIMD: 16 pixels in four accumulators.
 */
@inline export function rowBlock1(xRow: usize, offsets: usize, K: i32, w: usize, bias: f32,
                                  out: usize, step: usize, pixels: i32): void {
  const offEnd = offsets + (<usize>K << 2);
  let q = 0;
  if (ASC_FEATURE_SIMD) {
    for (; q < pixels; q += 16) {
      let a0 = f32x4.splat(bias), a1 = a0, a2 = a0, a3 = a0;
      const xp = xRow + (<usize>q << 2);
      let wp = w;
      for (let op = offsets; op < offEnd; op += 4) {
        const xk = xp + (<usize>load<i32>(op) << 2);
        const wv = v128.load32_splat(wp);
        a0 = madd(wv, v128.load(xk), a0);
        a1 = madd(wv, v128.load(xk, 16), a1);
        a2 = madd(wv, v128.load(xk, 32), a2);
        a3 = madd(wv, v128.load(xk, 48), a3);
        wp += 4;
      }
      const count = pixels - q;
      const o = out + <usize>q * step;
      store8(o, a0, a1, step, count);
      if (count > 8) store8(o + 8 * step, a2, a3, step, count - 8);
    }
  }
  for (; q + 4 <= pixels; q += 4) {
    let s0 = bias, s1 = bias, s2 = bias, s3 = bias;
    const xp = xRow + (<usize>q << 2);
    let wp = w;
    for (let op = offsets; op < offEnd; op += 4) {
      const xk = xp + (<usize>load<i32>(op) << 2);
      const wv = load<f32>(wp);
      s0 += wv * load<f32>(xk); s1 += wv * load<f32>(xk, 4); s2 += wv * load<f32>(xk, 8); s3 += wv * load<f32>(xk, 12);
      wp += 4;
    }
    const o = out + <usize>q * step;
    store<f32>(o, s0); store<f32>(o + step, s1); store<f32>(o + 2 * step, s2); store<f32>(o + 3 * step, s3);
  }
  for (; q < pixels; q++) {
    let s = bias;
    const xp = xRow + (<usize>q << 2);
    let wp = w;
    for (let op = offsets; op < offEnd; op += 4) {
      s += load<f32>(wp) * load<f32>(xp + (<usize>load<i32>(op) << 2));
      wp += 4;
    }
    store<f32>(out + <usize>q * step, s);
  }
}
