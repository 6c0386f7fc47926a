// Sum of squared differences between two BPS-strided blocks (4, 8 or 16 wide), in SIMD.

import { BPS } from '../webp-decode/state';

// @ts-ignore: decorator
@inline function rowSse(a: v128, b: v128): v128 { // a, b: 8 pixels widened to i16
  const d = i16x8.sub(a, b);
  return i32x4.dot_i16x8_s(d, d);
}

// @ts-ignore: decorator
@inline function laneSum(acc: v128): i32 {
  const pairs = i32x4.add(acc, v128.shuffle<u32>(acc, acc, 2, 3, 0, 1));
  return i32x4.extract_lane(i32x4.add(pairs, v128.shuffle<u32>(pairs, pairs, 1, 0, 3, 2)), 0);
}

export function sse(a: usize, b: usize, width: i32, height: i32): i64 {
  let acc = i32x4.splat(0);
  for (let j: usize = 0; j < <usize>height; j++) {
    const pa = a + j * BPS, pb = b + j * BPS;
    if (width == 16) {
      const va = v128.load(pa), vb = v128.load(pb);
      acc = i32x4.add(acc, rowSse(i16x8.extend_low_i8x16_u(va), i16x8.extend_low_i8x16_u(vb)));
      acc = i32x4.add(acc, rowSse(i16x8.extend_high_i8x16_u(va), i16x8.extend_high_i8x16_u(vb)));
    } else {
      acc = i32x4.add(acc, rowSse(v128.load8x8_u(pa), v128.load8x8_u(pb)));
    }
  }
  return <i64>laneSum(acc);
}

// @ts-ignore: decorator
@inline function rows4(p: usize): v128 { // a 4x4 block's 16 bytes, row by row
  return v128.load32_lane(p + 3 * BPS, v128.load32_lane(p + 2 * BPS, v128.load32_lane(p + BPS, v128.load32_zero(p), 1), 2), 3);
}

/** sse(a, b, 4, 4), the 4x4 modes' (the most frequent) with the block in one vector. */
export function sse4x4(a: usize, b: usize): i64 {
  const va = rows4(a), vb = rows4(b);
  const acc = i32x4.add(rowSse(i16x8.extend_low_i8x16_u(va), i16x8.extend_low_i8x16_u(vb)),
    rowSse(i16x8.extend_high_i8x16_u(va), i16x8.extend_high_i8x16_u(vb)));
  return <i64>laneSum(acc);
}
