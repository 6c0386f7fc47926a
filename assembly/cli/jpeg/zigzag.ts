// Zigzag order by byte shuffles: the eight i16x8 rows of a quantised block in the DCT's transposed
// order (./dct.ts: q_j holds positions 8j..8j+7, position t = v * 8 + u for vertical frequency u,
// horizontal v) to the 64 coefficients in zigzag order, eight at a time: each output vector ORs
// the lanes it takes from each source row (about five rows an output, 40 shuffles in all, lanes
// of -1 read as zero). Constant masks whose lanes are in range or -1 compile to one x64 pshufb
// each. The masks are T.81's zigzag (Figure A.6) over that transposed layout; a 16-bit lane k of
// output j is bytes 2k, 2k+1 of the row holding zigzag position 8j + k.

/** The rows `q0`..`q7` (transposed order) to 64 i16 at `out` in zigzag order. */
@inline export function storeZigzag(q0: v128, q1: v128, q2: v128, q3: v128, q4: v128, q5: v128, q6: v128, q7: v128, out: usize): void {
  v128.store(out, v128.or(v128.or(v128.or(i8x16.swizzle(q0, i8x16( 0,  1, -1, -1,  2,  3,  4,  5, -1, -1, -1, -1, -1, -1, -1, -1)),
    i8x16.swizzle(q1, i8x16(-1, -1,  0,  1, -1, -1, -1, -1,  2,  3, -1, -1, -1, -1, -1, -1))),
    i8x16.swizzle(q2, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  0,  1, -1, -1,  2,  3))),
    i8x16.swizzle(q3, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  0,  1, -1, -1))), 0);
  v128.store(out, v128.or(v128.or(v128.or(v128.or(v128.or(i8x16.swizzle(q0, i8x16(-1, -1,  6,  7,  8,  9, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
    i8x16.swizzle(q1, i8x16( 4,  5, -1, -1, -1, -1,  6,  7, -1, -1, -1, -1, -1, -1, -1, -1))),
    i8x16.swizzle(q2, i8x16(-1, -1, -1, -1, -1, -1, -1, -1,  4,  5, -1, -1, -1, -1, -1, -1))),
    i8x16.swizzle(q3, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  2,  3, -1, -1, -1, -1))),
    i8x16.swizzle(q4, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  0,  1, -1, -1))),
    i8x16.swizzle(q5, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  0,  1))), 16);
  v128.store(out, v128.or(v128.or(v128.or(v128.or(i8x16.swizzle(q0, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, 10, 11, 12, 13, -1, -1, -1, -1)),
    i8x16.swizzle(q1, i8x16(-1, -1, -1, -1, -1, -1,  8,  9, -1, -1, -1, -1, 10, 11, -1, -1))),
    i8x16.swizzle(q2, i8x16(-1, -1, -1, -1,  6,  7, -1, -1, -1, -1, -1, -1, -1, -1,  8,  9))),
    i8x16.swizzle(q3, i8x16(-1, -1,  4,  5, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1))),
    i8x16.swizzle(q4, i8x16( 2,  3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1))), 32);
  v128.store(out, v128.or(v128.or(v128.or(v128.or(i8x16.swizzle(q3, i8x16( 6,  7, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
    i8x16.swizzle(q4, i8x16(-1, -1,  4,  5, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  6,  7))),
    i8x16.swizzle(q5, i8x16(-1, -1, -1, -1,  2,  3, -1, -1, -1, -1, -1, -1,  4,  5, -1, -1))),
    i8x16.swizzle(q6, i8x16(-1, -1, -1, -1, -1, -1,  0,  1, -1, -1,  2,  3, -1, -1, -1, -1))),
    i8x16.swizzle(q7, i8x16(-1, -1, -1, -1, -1, -1, -1, -1,  0,  1, -1, -1, -1, -1, -1, -1))), 48);
  v128.store(out, v128.or(v128.or(v128.or(v128.or(i8x16.swizzle(q0, i8x16(-1, -1, -1, -1, -1, -1, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1)),
    i8x16.swizzle(q1, i8x16(-1, -1, -1, -1, 12, 13, -1, -1, 14, 15, -1, -1, -1, -1, -1, -1))),
    i8x16.swizzle(q2, i8x16(-1, -1, 10, 11, -1, -1, -1, -1, -1, -1, 12, 13, -1, -1, -1, -1))),
    i8x16.swizzle(q3, i8x16( 8,  9, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 10, 11, -1, -1))),
    i8x16.swizzle(q4, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  8,  9))), 64);
  v128.store(out, v128.or(v128.or(v128.or(v128.or(i8x16.swizzle(q3, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 12, 13)),
    i8x16.swizzle(q4, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 10, 11, -1, -1))),
    i8x16.swizzle(q5, i8x16( 6,  7, -1, -1, -1, -1, -1, -1, -1, -1,  8,  9, -1, -1, -1, -1))),
    i8x16.swizzle(q6, i8x16(-1, -1,  4,  5, -1, -1, -1, -1,  6,  7, -1, -1, -1, -1, -1, -1))),
    i8x16.swizzle(q7, i8x16(-1, -1, -1, -1,  2,  3,  4,  5, -1, -1, -1, -1, -1, -1, -1, -1))), 80);
  v128.store(out, v128.or(v128.or(v128.or(v128.or(v128.or(i8x16.swizzle(q2, i8x16(14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
    i8x16.swizzle(q3, i8x16(-1, -1, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1))),
    i8x16.swizzle(q4, i8x16(-1, -1, -1, -1, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1))),
    i8x16.swizzle(q5, i8x16(-1, -1, -1, -1, -1, -1, 10, 11, -1, -1, -1, -1, -1, -1, -1, -1))),
    i8x16.swizzle(q6, i8x16(-1, -1, -1, -1, -1, -1, -1, -1,  8,  9, -1, -1, -1, -1, 10, 11))),
    i8x16.swizzle(q7, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  6,  7,  8,  9, -1, -1))), 96);
  v128.store(out, v128.or(v128.or(v128.or(i8x16.swizzle(q4, i8x16(-1, -1, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)),
    i8x16.swizzle(q5, i8x16(12, 13, -1, -1, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1))),
    i8x16.swizzle(q6, i8x16(-1, -1, -1, -1, -1, -1, 12, 13, -1, -1, -1, -1, 14, 15, -1, -1))),
    i8x16.swizzle(q7, i8x16(-1, -1, -1, -1, -1, -1, -1, -1, 10, 11, 12, 13, -1, -1, 14, 15))), 112);
}
