// Lane interleaves ("zips") of two vectors, the steps of the transposes in ./transform.ts and
// ./filter-simd.ts and of the RGBA interleave in ./colour.ts: lo takes both vectors' low halves
// lane by lane (a0 b0 a1 b1 ...), hi their high halves.

// @ts-ignore: decorator
@inline export function zip8lo(a: v128, b: v128): v128 {
  return v128.shuffle<u8>(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
}
// @ts-ignore: decorator
@inline export function zip8hi(a: v128, b: v128): v128 {
  return v128.shuffle<u8>(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
}
// @ts-ignore: decorator
@inline export function zip16lo(a: v128, b: v128): v128 {
  return v128.shuffle<u16>(a, b, 0, 8, 1, 9, 2, 10, 3, 11);
}
// @ts-ignore: decorator
@inline export function zip16hi(a: v128, b: v128): v128 {
  return v128.shuffle<u16>(a, b, 4, 12, 5, 13, 6, 14, 7, 15);
}
// @ts-ignore: decorator
@inline export function zip32lo(a: v128, b: v128): v128 {
  return v128.shuffle<u32>(a, b, 0, 4, 1, 5);
}
// @ts-ignore: decorator
@inline export function zip32hi(a: v128, b: v128): v128 {
  return v128.shuffle<u32>(a, b, 2, 6, 3, 7);
}
// @ts-ignore: decorator
@inline export function zip64lo(a: v128, b: v128): v128 {
  return v128.shuffle<u64>(a, b, 0, 2);
}
// @ts-ignore: decorator
@inline export function zip64hi(a: v128, b: v128): v128 {
  return v128.shuffle<u64>(a, b, 1, 3);
}
