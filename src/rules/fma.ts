// fmaf for the rules that follow a native build's fused multiply-adds (PyTorch 1.13's x86 kernels
// contract a * b + c in their weight formulas): table building, cold code, exact in float64 steps.

const f32 = Math.fround;
const bits32 = new Float32Array(1);
const word32 = new Uint32Array(bits32.buffer);

/**
 * fmaf(a, b, c) for float32 a, b, c: a * b is exact in float64, the sum's rounding error is
 * recovered exactly (TwoSum), and it decides the one case where rounding to float64 first could
 * round the float32 result the wrong way, a sum that lands on a float32 midpoint.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const v = s - p;
  const err = (p - (s - v)) + (c - v);
  const r = f32(s);
  if (err === 0 || r === s || !Number.isFinite(r)) return r;
  let other = s > 0 ? 2 ** -149 : -(2 ** -149); // the float32 on s's other side: from 0, the least subnormal
  if (r !== 0) {
    bits32[0] = r;
    word32[0] += (s > r) === (r > 0) ? 1 : -1; // one step up or down in magnitude
    other = bits32[0];
  }
  if (s - r !== other - s) return r; // not a midpoint: r is the nearest
  return (err > 0) === (other > r) ? other : r;
}
