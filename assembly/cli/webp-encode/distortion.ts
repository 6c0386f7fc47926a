// Sum of squared differences between two BPS-strided blocks (4, 8 or 16 wide), in SIMD.

import { BPS } from '../webp-decode/state';

// @ts-ignore: decorator
@inline function rowSse(a: v128, b: v128): v128 { // a, b: 8 pixels widened to i16
  const d = i16x8.sub(a, b);
  return i32x4.dot_i16x8_s(d, d);
}

export function sse(a: usize, b: usize, width: i32, height: i32): i64 {
  let acc = i32x4.splat(0);
  for (let j: usize = 0; j < <usize>height; j++) {
    const pa = a + j * BPS, pb = b + j * BPS;
    if (width == 16) {
      const va = v128.load(pa), vb = v128.load(pb);
      acc = i32x4.add(acc, rowSse(i16x8.extend_low_i8x16_u(va), i16x8.extend_low_i8x16_u(vb)));
      acc = i32x4.add(acc, rowSse(i16x8.extend_high_i8x16_u(va), i16x8.extend_high_i8x16_u(vb)));
    } else if (width == 8) {
      acc = i32x4.add(acc, rowSse(v128.load8x8_u(pa), v128.load8x8_u(pb)));
    } else {
      acc = i32x4.add(acc, rowSse(i16x8.extend_low_i8x16_u(v128.load32_zero(pa)), i16x8.extend_low_i8x16_u(v128.load32_zero(pb))));
    }
  }
  return <i64>(i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3));
}
