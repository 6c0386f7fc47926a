// IEEE binary16 <-> binary32 by bit arithmetic, for the half-float staging in ../convert.ts. The
// results equal the engines' Float16Array conversions bit for bit: widening is exact (a NaN keeps
// its payload and becomes quiet), narrowing rounds to nearest, ties to even, overflows to
// infinity, and gives a NaN as 0x7e00 with its sign (as V8 and SpiderMonkey store one).
// Helpers only: nothing under lib/ is a module export.

/** 2^112: moves a half's exponent (bias 15), shifted into float32's place, to bias 127. */
const REBIAS: u32 = 0x77800000;
/** Below this (2^-14 as float32 bits), a float32 becomes a half subnormal or zero. */
const HALF_NORMAL: u32 = 113 << 23;
/** Adding 0.5 as float32 puts a subnormal half's bits, rounded to even, in the low mantissa. */
const SUBNORMAL_MAGIC: u32 = 126 << 23;
/** From here (65536.0) a float32 overflows a half (65520 and above round up to it in the normal path). */
const HALF_OVERFLOW: u32 = 143 << 23;
const F32_INF: u32 = 0x7f800000;

/** The float32 bits of half `h` (its low 16 bits). */
@inline export function widenHalf(h: u32): u32 {
  const magnitude = h & 0x7fff;
  // A subnormal half shifted into place is a float32 subnormal: the multiply normalises it exactly.
  let f = reinterpret<u32>(reinterpret<f32>(magnitude << 13) * reinterpret<f32>(REBIAS));
  if (magnitude >= 0x7c00) f |= F32_INF | (magnitude > 0x7c00 ? 0x400000 : 0);
  return f | ((h & 0x8000) << 16);
}

/** The half bits of float32 bits `f`, rounded to nearest even. */
@inline export function narrowHalf(f: u32): u32 {
  const sign = (f >> 16) & 0x8000;
  const a = f & 0x7fffffff;
  let h: u32;
  if (a >= HALF_OVERFLOW) h = a > F32_INF ? 0x7e00 : 0x7c00;
  else if (a < HALF_NORMAL) h = reinterpret<u32>(reinterpret<f32>(a) + reinterpret<f32>(SUBNORMAL_MAGIC)) - SUBNORMAL_MAGIC;
  else h = (a - ((127 - 15) << 23) + 0xfff + ((a >> 13) & 1)) >> 13;
  return h | sign;
}

// The SIMD forms read their constants from static data: V8 rebuilds a v128.const in the loop
// at every use (several instructions each), which made the narrowing 2.5x slower than loads.
const SPLAT = memory.data<u32>([
  0x7fff, 0x7fff, 0x7fff, 0x7fff, REBIAS, REBIAS, REBIAS, REBIAS, 0x7c00, 0x7c00, 0x7c00, 0x7c00,
  F32_INF, F32_INF, F32_INF, F32_INF, 0x400000, 0x400000, 0x400000, 0x400000, 0x8000, 0x8000, 0x8000, 0x8000,
  0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7e00, 0x7e00, 0x7e00, 0x7e00,
  SUBNORMAL_MAGIC, SUBNORMAL_MAGIC, SUBNORMAL_MAGIC, SUBNORMAL_MAGIC, 0xfff - ((127 - 15) << 23), 0xfff - ((127 - 15) << 23), 0xfff - ((127 - 15) << 23), 0xfff - ((127 - 15) << 23),
  1, 1, 1, 1, HALF_NORMAL, HALF_NORMAL, HALF_NORMAL, HALF_NORMAL, HALF_OVERFLOW, HALF_OVERFLOW, HALF_OVERFLOW, HALF_OVERFLOW,
], 16);
/** The constant at row `i` of SPLAT, in every lane. */
@inline function splat(i: usize): v128 {
  return v128.load(SPLAT + (i << 4));
}
const MAGNITUDE16 = 0, V_REBIAS = 1, HALF_INF = 2, V_F32_INF = 3, QUIET = 4, SIGN16 = 5, MAGNITUDE32 = 6, HALF_NAN = 7,
  V_SUBNORMAL_MAGIC = 8, NORMAL_BIAS = 9, ONE = 10, V_HALF_NORMAL = 11, V_HALF_OVERFLOW = 12;

/** widenHalf on the low halves of four i32 lanes. */
@inline export function widenHalf4(h: v128): v128 {
  const magnitude = v128.and(h, splat(MAGNITUDE16));
  const f = f32x4.mul(i32x4.shl(magnitude, 13), splat(V_REBIAS));
  const special = v128.and(i32x4.ge_s(magnitude, splat(HALF_INF)), splat(V_F32_INF));
  const nan = v128.and(i32x4.gt_s(magnitude, splat(HALF_INF)), splat(QUIET));
  const sign = i32x4.shl(v128.and(h, splat(SIGN16)), 16);
  return v128.or(v128.or(f, special), v128.or(nan, sign));
}

/** narrowHalf on four float32 lanes; the halves land in the low 16 bits of each i32 lane. */
@inline export function narrowHalf4(f: v128): v128 {
  const a = v128.and(f, splat(MAGNITUDE32));
  const sign = i32x4.shr_u(v128.xor(f, a), 16);
  const special = v128.bitselect(splat(HALF_NAN), splat(HALF_INF), i32x4.gt_s(a, splat(V_F32_INF)));
  const subnormal = i32x4.sub(f32x4.add(a, splat(V_SUBNORMAL_MAGIC)), splat(V_SUBNORMAL_MAGIC));
  const odd = v128.and(i32x4.shr_u(a, 13), splat(ONE));
  const normal = i32x4.shr_u(i32x4.add(i32x4.add(a, splat(NORMAL_BIAS)), odd), 13);
  const finite = v128.bitselect(subnormal, normal, i32x4.lt_s(a, splat(V_HALF_NORMAL)));
  return v128.or(v128.bitselect(special, finite, i32x4.ge_s(a, splat(V_HALF_OVERFLOW))), sign);
}
