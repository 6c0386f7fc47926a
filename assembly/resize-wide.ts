// Float64 twins of resize's passes, for integer inputs of ONNX Resize's linear and cubic modes
// (src/wasm/resize-wide.ts stages them): the reference computes those in float64 and rounds once
// at the end, so its results near a half land on the side only float64 finds. Same tables as the
// float32 kernels (weights as float64), same loops: each output a product per tap, the products
// summed as numpy sums them: the contiguous axis as np.add.reduce (one by one below 8 taps, eight
// running sums up to 128, halves above: src/rules/numpy-sum.ts), any other axis tap after tap.
// No fused multiply-add: every product and sum rounds, as numpy's. Pointers are byte addresses.

/** Products w[k] * row[index[k]], k < n, summed as numpy's pairwise sum. */
function tapSum(row: usize, index: usize, weight: usize, n: i32): f64 {
  if (n < 8) {
    let s: f64 = 0;
    for (let k = 0; k < n; k++) s += product(row, index, weight, k);
    return s;
  }
  if (n <= 128) {
    let r0 = product(row, index, weight, 0), r1 = product(row, index, weight, 1);
    let r2 = product(row, index, weight, 2), r3 = product(row, index, weight, 3);
    let r4 = product(row, index, weight, 4), r5 = product(row, index, weight, 5);
    let r6 = product(row, index, weight, 6), r7 = product(row, index, weight, 7);
    let k = 8;
    for (; k < n - (n & 7); k += 8) {
      r0 += product(row, index, weight, k); r1 += product(row, index, weight, k + 1);
      r2 += product(row, index, weight, k + 2); r3 += product(row, index, weight, k + 3);
      r4 += product(row, index, weight, k + 4); r5 += product(row, index, weight, k + 5);
      r6 += product(row, index, weight, k + 6); r7 += product(row, index, weight, k + 7);
    }
    let s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; k < n; k++) s += product(row, index, weight, k);
    return s;
  }
  const half = (n >> 1) - ((n >> 1) & 7);
  return tapSum(row, index, weight, half) + tapSum(row, index + (<usize>half << 2), weight + (<usize>half << 3), n - half);
}

@inline function product(row: usize, index: usize, weight: usize, k: i32): f64 {
  return load<f64>(weight + (<usize>k << 3)) * load<f64>(row + (<usize>load<i32>(index + (<usize>k << 2)) << 3));
}

/** Outputs [from, to) of one row, straight from the tables. */
@inline function gatherRange64(row: usize, out: usize, from: i32, to: i32, taps: i32, index: usize, weight: usize): void {
  if (taps == 2) { // 0 + p0 + p1 is p0 + p1
    for (let o = from; o < to; o++) {
      store<f64>(out + (<usize>o << 3), product(row, index, weight, o << 1) + product(row, index, weight, (o << 1) + 1));
    }
  } else if (taps == 4) {
    for (let o = from; o < to; o++) {
      const k = o << 2;
      store<f64>(out + (<usize>o << 3), ((product(row, index, weight, k) + product(row, index, weight, k + 1)) +
        product(row, index, weight, k + 2)) + product(row, index, weight, k + 3));
    }
  } else {
    for (let o = from; o < to; o++) {
      const k = o * taps;
      store<f64>(out + (<usize>o << 3), tapSum(row, index + (<usize>k << 2), weight + (<usize>k << 3), taps));
    }
  }
}

/** Taps t < taps of phase p (weights at w, source offsets at ip) over two outputs j, j + 1: the sum left to right. */
@inline function phase2(row: usize, ip: usize, w: usize, taps: i32, j: usize): v128 {
  let s = f64x2.mul(f64x2.splat(load<f64>(w)), v128.load(row + ((<usize>load<i32>(ip) + j) << 3)));
  for (let t: usize = 1; t < <usize>taps; t++) {
    s = f64x2.add(s, f64x2.mul(f64x2.splat(load<f64>(w + (t << 3))), v128.load(row + ((<usize>load<i32>(ip + (t << 2)) + j) << 3))));
  }
  return s;
}

/**
 * SIMD on [lo, hi), where the tables repeat with period 2 (an exact 2x stretch: output lo+2j+p
 * reads index[lo+p, t] + j with weight[lo+p, t]): both phases two outputs at a time from
 * unaligned loads, interleaved on store. Returns the first output it did not write.
 */
@inline function stretch64(row: usize, out: usize, lo: i32, hi: i32, taps: i32, index: usize, weight: usize): i32 {
  if (!ASC_FEATURE_SIMD || taps > 4) return lo;
  const p0 = index + (<usize>(lo * taps) << 2), p1 = p0 + (<usize>taps << 2);
  const w0 = weight + (<usize>(lo * taps) << 3), w1 = w0 + (<usize>taps << 3);
  const pairs = (hi - lo) >> 1;
  let j = 0;
  for (let at = out + (<usize>lo << 3); j + 2 <= pairs; j += 2, at += 32) {
    const a = phase2(row, p0, w0, taps, <usize>j);
    const b = phase2(row, p1, w1, taps, <usize>j);
    v128.store(at, v128.shuffle<f64>(a, b, 0, 2));
    v128.store(at, v128.shuffle<f64>(a, b, 1, 3), 16);
  }
  return lo + (j << 1);
}

/** resampleRows in float64: `rows` rows of inW values into rows of outW; [periodLo, periodHi) as resampleRows'. */
export function resampleRows64(src: usize, dst: usize, rows: i32, inW: i32, outW: i32, taps: i32, index: usize, weight: usize,
                               periodLo: i32, periodHi: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = src + (<usize>(r * inW) << 3);
    const out = dst + (<usize>(r * outW) << 3);
    const done = stretch64(row, out, periodLo, periodHi, taps, index, weight);
    if (done > periodLo) {
      gatherRange64(row, out, 0, periodLo, taps, index, weight);
      gatherRange64(row, out, done, outW, taps, index, weight);
    } else {
      gatherRange64(row, out, 0, outW, taps, index, weight);
    }
  }
}

/** blendAxis in float64: `outer` blocks of inLen x inner values into outLen x inner, tap after tap. */
export function blendAxis64(src: usize, dst: usize, outer: i32, inLen: i32, outLen: i32, inner: i32, taps: i32,
                            index: usize, weight: usize): void {
  const slice = <usize>inner << 3;
  for (let m = 0; m < outer; m++) {
    const from = src + <usize>m * <usize>inLen * slice;
    for (let o = 0; o < outLen; o++) {
      const to = dst + (<usize>m * <usize>outLen + <usize>o) * slice;
      const ip = index + (<usize>(o * taps) << 2);
      const wp = weight + (<usize>(o * taps) << 3);
      if (taps == 2) {
        blend2(to, from + <usize>load<i32>(ip) * slice, from + <usize>load<i32>(ip, 4) * slice, load<f64>(wp), load<f64>(wp, 8), inner);
        continue;
      }
      // The first two taps, then one more tap at a time: the same sums, left to right.
      blend2(to, from + <usize>load<i32>(ip) * slice, from + <usize>load<i32>(ip, 4) * slice, load<f64>(wp), load<f64>(wp, 8), inner);
      for (let t: usize = 2; t < <usize>taps; t++) {
        addTap(to, from + <usize>load<i32>(ip + (t << 2)) * slice, load<f64>(wp + (t << 3)), inner);
      }
    }
  }
}

/** to[i] = w0 * a[i] + w1 * b[i], i < n. */
@inline function blend2(to: usize, a: usize, b: usize, w0: f64, w1: f64, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v0 = f64x2.splat(w0), v1 = f64x2.splat(w1);
    for (; i + 2 <= n; i += 2) {
      const at = <usize>i << 3;
      v128.store(to + at, f64x2.add(f64x2.mul(v0, v128.load(a + at)), f64x2.mul(v1, v128.load(b + at))));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 3;
    store<f64>(to + at, w0 * load<f64>(a + at) + w1 * load<f64>(b + at));
  }
}

/** to[i] += w * b[i], i < n. */
@inline function addTap(to: usize, b: usize, w: f64, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v = f64x2.splat(w);
    for (; i + 2 <= n; i += 2) {
      const at = <usize>i << 3;
      v128.store(to + at, f64x2.add(v128.load(to + at), f64x2.mul(v, v128.load(b + at))));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i << 3;
    store<f64>(to + at, load<f64>(to + at) + w * load<f64>(b + at));
  }
}

/** Rounds `length` float64 values half to even and saturates them into integers of `type` (assembly/convert.ts codes). */
export function narrow64(src: usize, dst: usize, length: i32, type: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) { // nearest, a saturating truncation to i32 (NaN: 0), then the saturating narrowing lane ops
    for (; i + 8 <= length; i += 8) {
      const s = src + (<usize>i << 3);
      const a = quad(s), b = quad(s + 32);
      if (type == 4) {
        v128.store(dst + (<usize>i << 2), a);
        v128.store(dst + (<usize>i << 2), b, 16);
      } else if (type >= 2) {
        v128.store(dst + (<usize>i << 1), type == 2 ? i16x8.narrow_i32x4_s(a, b) : i16x8.narrow_i32x4_u(a, b));
      } else {
        const h = i16x8.narrow_i32x4_s(a, b);
        v128.store64_lane(dst + <usize>i, type == 0 ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h), 0);
      }
    }
  }
  // The rest (all of it on the scalar build), one loop per type.
  if (type == 4) for (; i < length; i++) store<i32>(dst + (<usize>i << 2), saturate(src, i, -2147483648.0, 2147483647.0));
  else if (type == 3) for (; i < length; i++) store<u16>(dst + (<usize>i << 1), <u16>saturate(src, i, 0, 65535));
  else if (type == 2) for (; i < length; i++) store<i16>(dst + (<usize>i << 1), <i16>saturate(src, i, -32768, 32767));
  else if (type == 1) for (; i < length; i++) store<u8>(dst + <usize>i, <u8>saturate(src, i, 0, 255));
  else for (; i < length; i++) store<i8>(dst + <usize>i, <i8>saturate(src, i, -128, 127));
}

/** Four float64 at s rounded half to even and saturated to i32 (NaN: 0). */
@inline function quad(s: usize): v128 {
  const lo = i32x4.trunc_sat_f64x2_s_zero(f64x2.nearest(v128.load(s)));
  const hi = i32x4.trunc_sat_f64x2_s_zero(f64x2.nearest(v128.load(s, 16)));
  return v128.shuffle<i32>(lo, hi, 0, 1, 4, 5);
}

/** Value i at src rounded half to even and clamped to [lo, hi]; NaN gives 0. */
@inline function saturate(src: usize, i: i32, lo: f64, hi: f64): i32 {
  const x = nearest(load<f64>(src + (<usize>i << 3)));
  if (x != x) return 0;
  return <i32>(x <= lo ? lo : x >= hi ? hi : x);
}
