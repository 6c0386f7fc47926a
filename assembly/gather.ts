// Nearest-neighbour resizing of 8- and 16-bit tensors without converting them: one axis pass
// copies, for each output index j, the slice at input index index[j] (`inner` elements of
// `bytes` bytes) of every `outer` block. A nearest call is one pass per resized axis, the last
// axis first (src/wasm/gather.ts stages them from the same one-tap tables the float32 kernels
// read), so the result is bit for bit the elements the float32 path would have copied.
//
// SIMD, slices of 1, 2, 4 or 8 bytes: `lanes` holds, for each 16-byte group of outputs, the byte
// offsets i8x16.swizzle picks from the 16 input bytes at the group's first index, or 0xff in its
// first lane where the group reaches further (a downscale, the row's end): that group is copied
// element by element. `lanes` is 0 where slices have another size.

/** Copies `outer` blocks of `inLen` slices into blocks of `outLen`, slice j from index[j]. */
export function gatherAxis(src: usize, dst: usize, outer: i32, inLen: i32, outLen: i32, inner: i32, index: usize,
                           lanes: usize, bytes: i32): void {
  const slice = <usize>(inner * bytes);
  const inBlock = <usize>inLen * slice;
  const outBlock = <usize>outLen * slice;
  for (let o = 0; o < outer; o++) {
    const s = src + <usize>o * inBlock;
    const d = dst + <usize>o * outBlock;
    let j = 0;
    if (ASC_FEATURE_SIMD && lanes != 0) {
      const group = 16 / <i32>slice;
      for (; j + group <= outLen; j += group) {
        const pick = v128.load(lanes + <usize>j * slice);
        if (i8x16.extract_lane_u(pick, 0) == 0) {
          const from = s + <usize>load<i32>(index + (<usize>j << 2)) * slice;
          v128.store(d + <usize>j * slice, i8x16.swizzle(v128.load(from), pick));
        } else {
          copySlices(s, d, index, j, j + group, slice);
        }
      }
    }
    copySlices(s, d, index, j, outLen, slice);
  }
}

/** Slices [j0, j1) of one block, one by one. */
@inline function copySlices(s: usize, d: usize, index: usize, j0: i32, j1: i32, slice: usize): void {
  if (slice == 1) {
    for (let j = j0; j < j1; j++) store<u8>(d + <usize>j, load<u8>(s + <usize>load<i32>(index + (<usize>j << 2))));
  } else if (slice == 2) {
    for (let j = j0; j < j1; j++) store<u16>(d + (<usize>j << 1), load<u16>(s + (<usize>load<i32>(index + (<usize>j << 2)) << 1)));
  } else if (slice == 4) {
    for (let j = j0; j < j1; j++) store<u32>(d + (<usize>j << 2), load<u32>(s + (<usize>load<i32>(index + (<usize>j << 2)) << 2)));
  } else {
    for (let j = j0; j < j1; j++) memory.copy(d + <usize>j * slice, s + <usize>load<i32>(index + (<usize>j << 2)) * slice, slice);
  }
}
