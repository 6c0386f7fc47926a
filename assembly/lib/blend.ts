// Contiguous blends, the primitives of every vertical (non-contiguous axis) pass: out[i] =
// sum_t w_t * row_t[i], SIMD over i with one scalar tail, summed left to right as PyTorch does.
// blendSlice is the entry, for interpolate's blendAxis and separable2d (and, through blendAxis,
// resizeImage). Pointers are byte addresses; sizes are element counts. Helpers only: nothing
// under lib/ is a module export.

import { madd, maddScalar } from './simd';

@inline export function blend2(dst: usize, a: usize, b: usize, w0: f32, w1: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v0 = f32x4.splat(w0);
    const v1 = f32x4.splat(w1);
    for (; i + 16 <= n; i += 16) {
      const o = <usize>i << 2;
      const r0 = madd(v0, v128.load(a + o), f32x4.mul(v1, v128.load(b + o)));
      const r1 = madd(v0, v128.load(a + o, 16), f32x4.mul(v1, v128.load(b + o, 16)));
      const r2 = madd(v0, v128.load(a + o, 32), f32x4.mul(v1, v128.load(b + o, 32)));
      const r3 = madd(v0, v128.load(a + o, 48), f32x4.mul(v1, v128.load(b + o, 48)));
      v128.store(dst + o, r0);
      v128.store(dst + o, r1, 16);
      v128.store(dst + o, r2, 32);
      v128.store(dst + o, r3, 48);
    }
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, madd(v0, v128.load(a + o), f32x4.mul(v1, v128.load(b + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, maddScalar(w0, load<f32>(a + o), w1 * load<f32>(b + o)));
  }
}

@inline function blend4(dst: usize, a: usize, b: usize, c: usize, d: usize,
                        w0: f32, w1: f32, w2: f32, w3: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v0 = f32x4.splat(w0);
    const v1 = f32x4.splat(w1);
    const v2 = f32x4.splat(w2);
    const v3 = f32x4.splat(w3);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      let s = madd(v0, v128.load(a + o), f32x4.mul(v1, v128.load(b + o)));
      s = madd(v2, v128.load(c + o), s);
      v128.store(dst + o, madd(v3, v128.load(d + o), s));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const s = maddScalar(w2, load<f32>(c + o), maddScalar(w0, load<f32>(a + o), w1 * load<f32>(b + o)));
    store<f32>(dst + o, maddScalar(w3, load<f32>(d + o), s));
  }
}

/** dst = w * a (first tap of a generic blend). */
@inline function scaleRow(dst: usize, a: usize, w: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v = f32x4.splat(w);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, f32x4.mul(v, v128.load(a + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, w * load<f32>(a + o));
  }
}

/** dst += w * a (later taps of a generic blend). */
@inline function accumulateRow(dst: usize, a: usize, w: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v = f32x4.splat(w);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, madd(v, v128.load(a + o), v128.load(dst + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, maddScalar(w, load<f32>(a + o), load<f32>(dst + o)));
  }
}

/** dst = a (a row copy; a SIMD loop beats memory.copy's call for rows of a few KiB). */
@inline function copyRow(dst: usize, a: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= n; i += 8) {
      const o = <usize>i << 2;
      v128.store(dst + o, v128.load(a + o));
      v128.store(dst + o, v128.load(a + o, 16), 16);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(a + o));
  }
}

/**
 * One output slice: the K-tap blend of source slices base + (index[t] & mask) * slice. blendAxis
 * passes mask -1 (the index as it is); separable2d's row ring passes its slots - 1 (lib/ring.ts).
 */
@inline export function blendSlice(out: usize, base: usize, slice: usize, taps: i32, mask: i32,
                                   ip: usize, wp: usize, inner: i32): void {
  if (taps == 1) {
    copyRow(out, base + <usize>(load<i32>(ip) & mask) * slice, inner);
  } else if (taps == 2) {
    blend2(out, base + <usize>(load<i32>(ip) & mask) * slice, base + <usize>(load<i32>(ip, 4) & mask) * slice,
           load<f32>(wp), load<f32>(wp, 4), inner);
  } else if (taps == 4) {
    blend4(out, base + <usize>(load<i32>(ip) & mask) * slice, base + <usize>(load<i32>(ip, 4) & mask) * slice,
           base + <usize>(load<i32>(ip, 8) & mask) * slice, base + <usize>(load<i32>(ip, 12) & mask) * slice,
           load<f32>(wp), load<f32>(wp, 4), load<f32>(wp, 8), load<f32>(wp, 12), inner);
  } else {
    scaleRow(out, base + <usize>(load<i32>(ip) & mask) * slice, load<f32>(wp), inner);
    for (let t = 1; t < taps; t++) {
      accumulateRow(out, base + <usize>(load<i32>(ip + (<usize>t << 2)) & mask) * slice, load<f32>(wp + (<usize>t << 2)), inner);
    }
  }
}
