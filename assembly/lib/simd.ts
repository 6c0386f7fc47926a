// Small SIMD helpers shared by the kernels, so one source builds the scalar, SIMD and relaxed-SIMD
// modules. Call them only inside `if (ASC_FEATURE_SIMD)` branches: the compiler drops untaken
// constant branches, so the scalar build never sees a v128. Nothing under lib/ is a module export (an
// exported v128 signature would break the scalar build).

/**
 * `a * b + c` on four f32 lanes. The relaxed build (`--enable relaxed-simd`) uses
 * `f32x4.relaxed_madd`, a fused multiply-add where the CPU has one (one rounding, as PyTorch's
 * FMA-compiled kernels; so results may differ from the SIMD build by about 1 ulp); the other
 * builds multiply, then add.
 */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * `a * b + c` on one f32, rounded as `madd` rounds each lane: fused in the relaxed build (through
 * lane 0 of a relaxed_madd, as wasm has no scalar fused multiply-add), else multiply, then add.
 * The scalar loops beside a madd loop use it, so an output's bits do not depend on whether a
 * vector block or a scalar loop computed it: a band of columns (1-D interpolate, argmax) moves
 * columns between the two. Callable outside SIMD branches: the other builds never see a v128.
 */
@inline export function maddScalar(a: f32, b: f32, c: f32): f32 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.extract_lane(f32x4.relaxed_madd(f32x4.splat(a), f32x4.splat(b), f32x4.splat(c)), 0);
  return a * b + c;
}

/**
 * Stores x and y interleaved lane by lane, x0 y0 x1 y1 x2 y2 x3 y3, as 8 floats at `out`: phases
 * x (outputs 2j) and y (outputs 2j + 1) of four pairs of a 2x stretch.
 */
@inline export function storePairs(out: usize, x: v128, y: v128): void {
  v128.store(out, v128.shuffle<f32>(x, y, 0, 4, 1, 5));
  v128.store(out, v128.shuffle<f32>(x, y, 2, 6, 3, 7), 16);
}
