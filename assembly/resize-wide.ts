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

/** resampleRows in float64: `rows` rows of inW values into rows of outW. */
export function resampleRows64(src: usize, dst: usize, rows: i32, inW: i32, outW: i32, taps: i32, index: usize, weight: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = src + (<usize>(r * inW) << 3);
    const out = dst + (<usize>(r * outW) << 3);
    if (taps == 2) { // the common case, inline: 0 + p0 + p1 is p0 + p1
      for (let o = 0; o < outW; o++) {
        store<f64>(out + (<usize>o << 3), product(row, index, weight, o << 1) + product(row, index, weight, (o << 1) + 1));
      }
    } else {
      for (let o = 0; o < outW; o++) {
        const k = o * taps;
        store<f64>(out + (<usize>o << 3), tapSum(row, index + (<usize>k << 2), weight + (<usize>k << 3), taps));
      }
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
      const k = <usize>(o * taps);
      const w0 = load<f64>(weight + (k << 3));
      const a = from + <usize>load<i32>(index + (k << 2)) * slice;
      let i = 0;
      if (ASC_FEATURE_SIMD) {
        const v0 = f64x2.splat(w0);
        for (; i + 2 <= inner; i += 2) v128.store(to + (<usize>i << 3), f64x2.mul(v0, v128.load(a + (<usize>i << 3))));
      }
      for (; i < inner; i++) store<f64>(to + (<usize>i << 3), w0 * load<f64>(a + (<usize>i << 3)));
      for (let t: usize = 1; t < <usize>taps; t++) {
        const w = load<f64>(weight + ((k + t) << 3));
        const b = from + <usize>load<i32>(index + ((k + t) << 2)) * slice;
        let j = 0;
        if (ASC_FEATURE_SIMD) {
          const v = f64x2.splat(w);
          for (; j + 2 <= inner; j += 2) {
            const p = to + (<usize>j << 3);
            v128.store(p, f64x2.add(v128.load(p), f64x2.mul(v, v128.load(b + (<usize>j << 3)))));
          }
        }
        for (; j < inner; j++) {
          const p = to + (<usize>j << 3);
          store<f64>(p, load<f64>(p) + w * load<f64>(b + (<usize>j << 3)));
        }
      }
    }
  }
}

/** fillOutside in float64: slices marked in `outside` set to the float32 whose bits are `valueBits`. */
export function fillOutside64(dst: usize, outer: i32, len: i32, inner: i32, outside: usize, valueBits: i32): void {
  const value = <f64>reinterpret<f32>(valueBits);
  const slice = <usize>inner << 3;
  for (let m = 0; m < outer; m++) {
    for (let o = 0; o < len; o++) {
      if (load<u8>(outside + <usize>o) == 0) continue;
      const at = dst + (<usize>(m * len + o) * slice);
      for (let i: usize = 0; i < slice; i += 8) store<f64>(at + i, value);
    }
  }
}

/** Rounds `length` float64 values half to even and saturates them into integers of `type` (assembly/convert.ts codes). */
export function narrow64(src: usize, dst: usize, length: i32, type: i32): void {
  for (let i = 0; i < length; i++) {
    const x = nearest(load<f64>(src + (<usize>i << 3)));
    if (type == 4) store<i32>(dst + (<usize>i << 2), saturate(x, -2147483648.0, 2147483647.0));
    else if (type == 3) store<u16>(dst + (<usize>i << 1), <u16>saturate(x, 0, 65535));
    else if (type == 2) store<i16>(dst + (<usize>i << 1), <i16>saturate(x, -32768, 32767));
    else if (type == 1) store<u8>(dst + <usize>i, <u8>saturate(x, 0, 255));
    else store<i8>(dst + <usize>i, <i8>saturate(x, -128, 127));
  }
}

/** x (an integer-valued float64) clamped to [lo, hi]; NaN gives 0. */
@inline function saturate(x: f64, lo: f64, hi: f64): i32 {
  if (x != x) return 0;
  return <i32>(x <= lo ? lo : x >= hi ? hi : x);
}
