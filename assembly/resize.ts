// The one step of axis-by-axis resizing that is not a table blend: ONNX's tf_crop_and_resize
// writes the extrapolation value wherever a source coordinate falls outside the input, along any
// axis. The blends themselves are resampleRows / blendAxis (assembly/interpolate.ts).

/**
 * Sets every output slice whose index along one axis is marked in `outside` (one byte per index)
 * to the value whose float32 bits are `valueBits` (an i32, so job queues carry it as they are).
 */
export function fillOutside(dst: usize, outer: i32, len: i32, inner: i32, outside: usize, valueBits: i32): void {
  fillMarked<f32>(dst, outer, len, inner, outside, reinterpret<f32>(valueBits));
}

/** fillOutside on float64 values (a wide resize's passes, assembly/resize-wide.ts): the float32 value widened. */
export function fillOutside64(dst: usize, outer: i32, len: i32, inner: i32, outside: usize, valueBits: i32): void {
  fillMarked<f64>(dst, outer, len, inner, outside, <f64>reinterpret<f32>(valueBits));
}

@inline function fillMarked<T>(dst: usize, outer: i32, len: i32, inner: i32, outside: usize, value: T): void {
  const slice = <usize>inner * sizeof<T>();
  for (let m = 0; m < outer; m++) {
    for (let o = 0; o < len; o++) {
      if (load<u8>(outside + <usize>o) == 0) continue;
      const at = dst + (<usize>(m * len + o) * slice);
      for (let i: usize = 0; i < slice; i += sizeof<T>()) store<T>(at + i, value);
    }
  }
}
