// `area` interpolation: adaptive average pooling from per-axis window tables ([start, end) per
// output, built by the wrapper, src/interpolate.ts). Pointers are byte addresses; sizes are
// element counts.

/**
 * `area` mode: adaptive average pooling over windows [start, end) per axis, summed in row-major
 * order in float32 and divided by each window length in turn (PyTorch: sum / kD / kH / kW).
 */
export function areaPool(src: usize, dst: usize, planes: i32,
                         inD: i32, inH: i32, inW: i32, outD: i32, outH: i32, outW: i32,
                         startD: usize, endD: usize, startH: usize, endH: usize, startW: usize, endW: usize): void {
  const inPlane = <usize>inD * <usize>inH * <usize>inW << 2;
  let out = dst;
  for (let p = 0; p < planes; p++) {
    const plane = src + <usize>p * inPlane;
    for (let od = 0; od < outD; od++) {
      const d0 = load<i32>(startD + (<usize>od << 2)), d1 = load<i32>(endD + (<usize>od << 2));
      for (let oh = 0; oh < outH; oh++) {
        const h0 = load<i32>(startH + (<usize>oh << 2)), h1 = load<i32>(endH + (<usize>oh << 2));
        for (let ow = 0; ow < outW; ow++) {
          const w0 = load<i32>(startW + (<usize>ow << 2)), w1 = load<i32>(endW + (<usize>ow << 2));
          let sum: f32 = 0;
          for (let id = d0; id < d1; id++) {
            for (let ih = h0; ih < h1; ih++) {
              const row = plane + (<usize>((id * inH + ih) * inW) << 2);
              for (let iw = w0; iw < w1; iw++) sum += load<f32>(row + (<usize>iw << 2));
            }
          }
          store<f32>(out, sum / <f32>(d1 - d0) / <f32>(h1 - h0) / <f32>(w1 - w0));
          out += 4;
        }
      }
    }
  }
}

/** `area` to a single output per plane: the plane's mean, summed in float64 (PyTorch: mean()). */
export function planeMean(src: usize, dst: usize, planes: i32, planeSize: i32): void {
  for (let p = 0; p < planes; p++) {
    const plane = src + (<usize>p * <usize>planeSize << 2);
    let sum: f64 = 0;
    for (let i = 0; i < planeSize; i++) sum += <f64>load<f32>(plane + (<usize>i << 2));
    store<f32>(dst + (<usize>p << 2), <f32>sum / <f32>planeSize);
  }
}
