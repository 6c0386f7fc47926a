// `area` interpolation: adaptive average pooling from per-axis window tables ([start, end) per
// output, built by the wrapper, src/interpolate.ts). Pointers are byte addresses; sizes are
// element counts. `channels` is the innermost stride: 1 for NCHW planes, C for channels last
// ((N, ..., C), then `planes` is the batch); every channel is summed in the same order either way.

/**
 * `area` mode: adaptive average pooling over windows [start, end) per axis, summed in row-major
 * order in float32 and divided by each window length in turn (PyTorch: sum / kD / kH / kW).
 */
export function areaPool(src: usize, dst: usize, planes: i32,
                         inD: i32, inH: i32, inW: i32, outD: i32, outH: i32, outW: i32,
                         startD: usize, endD: usize, startH: usize, endH: usize, startW: usize, endW: usize,
                         channels: i32): void {
  const inPlane = <usize>inD * <usize>inH * <usize>inW * <usize>channels << 2;
  const pixel = <usize>channels << 2;
  let out = dst;
  for (let p = 0; p < planes; p++) {
    const plane = src + <usize>p * inPlane;
    for (let od = 0; od < outD; od++) {
      const d0 = load<i32>(startD + (<usize>od << 2)), d1 = load<i32>(endD + (<usize>od << 2));
      for (let oh = 0; oh < outH; oh++) {
        const h0 = load<i32>(startH + (<usize>oh << 2)), h1 = load<i32>(endH + (<usize>oh << 2));
        for (let ow = 0; ow < outW; ow++) {
          const w0 = load<i32>(startW + (<usize>ow << 2)), w1 = load<i32>(endW + (<usize>ow << 2));
          const kD = <f32>(d1 - d0), kH = <f32>(h1 - h0), kW = <f32>(w1 - w0);
          let c = 0;
          if (ASC_FEATURE_SIMD) {
            for (; c + 4 <= channels; c += 4) {
              let sum = f32x4.splat(0);
              for (let id = d0; id < d1; id++) {
                for (let ih = h0; ih < h1; ih++) {
                  const row = plane + <usize>((id * inH + ih) * inW) * pixel + (<usize>c << 2);
                  for (let iw = w0; iw < w1; iw++) sum = f32x4.add(sum, v128.load(row + <usize>iw * pixel));
                }
              }
              v128.store(out, f32x4.div(f32x4.div(f32x4.div(sum, f32x4.splat(kD)), f32x4.splat(kH)), f32x4.splat(kW)));
              out += 16;
            }
          }
          for (; c < channels; c++) {
            let sum: f32 = 0;
            for (let id = d0; id < d1; id++) {
              for (let ih = h0; ih < h1; ih++) {
                const row = plane + <usize>((id * inH + ih) * inW) * pixel + (<usize>c << 2);
                // NCHW: a contiguous run (shifts, not a stride multiply: 10% of the NCHW time).
                if (channels == 1) for (let iw = w0; iw < w1; iw++) sum += load<f32>(row + (<usize>iw << 2));
                else for (let iw = w0; iw < w1; iw++) sum += load<f32>(row + <usize>iw * pixel);
              }
            }
            store<f32>(out, sum / kD / kH / kW);
            out += 4;
          }
        }
      }
    }
  }
}

/**
 * `area` to a single output per plane and channel: the mean over `planeSize` pixels, summed in
 * float64 in pixel order (PyTorch: mean()); channels last, two channels a float64x2 lane pair.
 */
export function planeMean(src: usize, dst: usize, planes: i32, planeSize: i32, channels: i32): void {
  const pixel = <usize>channels << 2;
  const size = <f32>planeSize;
  for (let p = 0; p < planes; p++) {
    const plane = src + <usize>p * <usize>planeSize * pixel;
    const out = dst + <usize>p * pixel;
    let c = 0;
    if (ASC_FEATURE_SIMD) {
      for (; c + 4 <= channels; c += 4) {
        let lo = f64x2.splat(0), hi = f64x2.splat(0);
        const at = plane + (<usize>c << 2);
        for (let i = 0; i < planeSize; i++) {
          const v = v128.load(at + <usize>i * pixel);
          lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
          hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
        }
        const sums = v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
        const mean = f32x4.div(sums, f32x4.splat(size));
        v128.store(out + (<usize>c << 2), mean);
      }
    }
    for (; c < channels; c++) {
      const at = plane + (<usize>c << 2);
      let sum: f64 = 0;
      for (let i = 0; i < planeSize; i++) sum += <f64>load<f32>(at + <usize>i * pixel);
      store<f32>(out + (<usize>c << 2), <f32>sum / size);
    }
  }
}
