// The ways into and out of the float32 kernels for tensors of other element types
// (src/wasm/convert.ts). Out, integers: round half to even, then saturate to the type's range
// (PyTorch 2's uint8 rule; NaN gives 0); half floats: round to nearest even (lib/half.ts). In,
// integers need no kernel (staging's copy into linear memory widens each element exactly); half
// floats are copied in as their bits and widened here, because the engines' Float16Array
// conversions took most of a float16 call's time (3.5x a float32 call on Node 24).
//
// `type`: 0 int8, 1 uint8, 2 int16, 3 uint16, 4 int32 (src/dtype.ts INTEGER_TYPES), 5 float16.
// SIMD, integers: nearest, a saturating truncation to i32, then the saturating narrowing lane ops.

import { narrowHalf, narrowHalf4, widenHalf, widenHalf4 } from './lib/half';

const FLOAT16 = 5;

/** Widens `length` halves (IEEE binary16 bits) at `src` into float32 at `dst`, exactly. */
export function widen(src: usize, dst: usize, length: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= length; i += 8) {
      const h = v128.load(src + (<usize>i << 1));
      const o = dst + (<usize>i << 2);
      v128.store(o, widenHalf4(i32x4.extend_low_i16x8_u(h)));
      v128.store(o, widenHalf4(i32x4.extend_high_i16x8_u(h)), 16);
    }
  }
  for (; i < length; i++) store<u32>(dst + (<usize>i << 2), widenHalf(load<u16>(src + (<usize>i << 1))));
}

/** Narrows `length` floats at `src` into elements of `type` at `dst`. */
export function narrow(src: usize, dst: usize, length: i32, type: i32): void {
  if (type == FLOAT16) {
    narrowHalves(src, dst, length);
    return;
  }
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 16 <= length; i += 16) {
      const s = src + (<usize>i << 2);
      const a = i32x4.trunc_sat_f32x4_s(f32x4.nearest(v128.load(s)));
      const b = i32x4.trunc_sat_f32x4_s(f32x4.nearest(v128.load(s, 16)));
      const c = i32x4.trunc_sat_f32x4_s(f32x4.nearest(v128.load(s, 32)));
      const d = i32x4.trunc_sat_f32x4_s(f32x4.nearest(v128.load(s, 48)));
      if (type == 4) {
        const o = dst + (<usize>i << 2);
        v128.store(o, a); v128.store(o, b, 16); v128.store(o, c, 32); v128.store(o, d, 48);
      } else if (type >= 2) {
        const o = dst + (<usize>i << 1);
        const lo = type == 2 ? i16x8.narrow_i32x4_s(a, b) : i16x8.narrow_i32x4_u(a, b);
        const hi = type == 2 ? i16x8.narrow_i32x4_s(c, d) : i16x8.narrow_i32x4_u(c, d);
        v128.store(o, lo); v128.store(o, hi, 16);
      } else {
        const lo = i16x8.narrow_i32x4_s(a, b);
        const hi = i16x8.narrow_i32x4_s(c, d);
        v128.store(dst + <usize>i, type == 0 ? i8x16.narrow_i16x8_s(lo, hi) : i8x16.narrow_i16x8_u(lo, hi));
      }
    }
  }
  for (; i < length; i++) {
    const x = nearest(load<f32>(src + (<usize>i << 2)));
    if (type == 4) store<i32>(dst + (<usize>i << 2), saturate(x, -2147483648.0, 2147483647.0));
    else if (type == 3) store<u16>(dst + (<usize>i << 1), <u16>saturate(x, 0, 65535));
    else if (type == 2) store<i16>(dst + (<usize>i << 1), <i16>saturate(x, -32768, 32767));
    else if (type == 1) store<u8>(dst + <usize>i, <u8>saturate(x, 0, 255));
    else store<i8>(dst + <usize>i, <i8>saturate(x, -128, 127));
  }
}

/** x (an integer-valued float) clamped to [lo, hi] as an i32; NaN gives 0. */
@inline function saturate(x: f32, lo: f32, hi: f32): i32 {
  if (x != x) return 0;
  if (x <= lo) return <i32>lo;
  // hi may round up in f32 (2^31 - 1 is 2^31): compare, then return the integer bound.
  if (x >= hi) return hi == 2147483648.0 ? 2147483647 : <i32>hi;
  return <i32>x;
}

function narrowHalves(src: usize, dst: usize, length: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= length; i += 8) {
      const s = src + (<usize>i << 2);
      // Halves are at most 0xffff: the unsigned saturating narrow keeps them as they are.
      v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(narrowHalf4(v128.load(s)), narrowHalf4(v128.load(s, 16))));
    }
  }
  for (; i < length; i++) store<u16>(dst + (<usize>i << 1), <u16>narrowHalf(load<u32>(src + (<usize>i << 2))));
}
