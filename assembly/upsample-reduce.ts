// Model outputs back to image size in one pass: upsampleArgmax (class scores -> labels) and
// upsampleThreshold (mask logits -> 0/255 bytes). Each output row is interpolated exactly as
// interpolate's separable2d computes it (lib/rows2d.ts, the same instructions) into a scratch row
// and reduced at once, so the K x H x W upsampled scores never exist; the wrapper
// (src/wasm/upsample-reduce.ts) hands in interpolate's tables (offset into the rows and columns
// of a crop).
//
// Pointers are byte addresses; sizes are element counts. `inW` is the input's row stride, `inH`
// its rows per plane (a crop's tables index inside them).

import { ringSlots } from './lib/ring';
import { clearRing, rowsFirst, upsampledRow } from './lib/rows2d';

/**
 * best/label <- (value, k) where value beats best: greater, or NaN over a number (torch.argmax
 * takes NaN as the maximum); ties keep the earlier class, the first maximum.
 */
function reduceRow(row: usize, best: usize, label: usize, k: i32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const kv = i32x4.splat(k);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(row + o);
      const b = v128.load(best + o);
      const take = v128.or(f32x4.gt(v, b), v128.andnot(f32x4.eq(b, b), f32x4.eq(v, v)));
      v128.store(best + o, v128.bitselect(v, b, take));
      v128.store(label + o, v128.bitselect(kv, v128.load(label + o), take));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(row + o);
    const b = load<f32>(best + o);
    if (v > b || (v != v && b == b)) {
      store<f32>(best + o, v);
      store<i32>(label + o, k);
    }
  }
}

/** i32 labels -> u8 or u16. */
function storeLabels(label: usize, dst: usize, n: i32, wide: bool): void {
  if (wide) {
    for (let i = 0; i < n; i++) store<u16>(dst + (<usize>i << 1), <u16>load<i32>(label + (<usize>i << 2)));
  } else {
    for (let i = 0; i < n; i++) store<u8>(dst + <usize>i, <u8>load<i32>(label + (<usize>i << 2)));
  }
}

/**
 * Whether the rows go H first (bilinear 2x, SIMD builds): the staging says so in `hFirst`, having
 * reserved no rings then; a staging that disagrees with the tables traps here rather than have
 * the ring path write into memory that was not reserved.
 */
@inline function takesRowsFirst(hFirst: bool, tapsH: i32, tapsW: i32, periodLo: i32, periodHi: i32, indexW: usize, weightW: usize): bool {
  const first = rowsFirst(tapsH, tapsW, periodLo, periodHi, indexW, weightW);
  if (first != hFirst) unreachable();
  return first;
}

/**
 * Labels (batch, outH, outW) from scores (batch, classes, inH, inW): for each output row, every
 * class's upsampled row in turn (`row`, outW floats; class 0 straight into `best`), reduced into
 * `best` / `label` (outW f32 / i32). Each class has its own ring: `ring` holds classes x slots
 * rows of outW floats, `ringRows` classes x slots tags. `wide`: u16 labels, else u8.
 */
export function upsampleArgmax(src: usize, dst: usize, ring: usize, ringRows: usize, row: usize, best: usize, label: usize,
                               batch: i32, classes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
                               tapsW: i32, indexW: usize, weightW: usize, periodLo: i32, periodHi: i32,
                               tapsH: i32, indexH: usize, weightH: usize, wide: bool, hFirst: bool): void {
  const plane = <usize>inH * <usize>inW << 2;
  const inRow = <usize>inW << 2;
  const mask = ringSlots(tapsH) - 1;
  const first = takesRowsFirst(hFirst, tapsH, tapsW, periodLo, periodHi, indexW, weightW);
  // Rows H first use no ring: the staging reserved none.
  const classRing: usize = first ? 0 : <usize>(mask + 1) * (<usize>outW << 2);
  const classTags: usize = first ? 0 : <usize>(mask + 1) << 2;
  const labelBytes: usize = wide ? 2 : 1;
  for (let n = 0; n < batch; n++) {
    if (!first) for (let k = 0; k < classes; k++) clearRing(ringRows + <usize>k * classTags, mask);
    for (let o = 0; o < outH; o++) {
      for (let k = 0; k < classes; k++) {
        upsampledRow(src + <usize>(n * classes + k) * plane, inRow, k == 0 ? best : row, o, inW, outW,
          ring + <usize>k * classRing, ringRows + <usize>k * classTags, mask, first,
          tapsW, indexW, weightW, periodLo, periodHi, tapsH, indexH, weightH);
        if (k == 0) memory.fill(label, 0, <usize>outW << 2);
        else reduceRow(row, best, label, k, outW);
      }
      storeLabels(label, dst + <usize>(n * outH + o) * <usize>outW * labelBytes, outW, wide);
    }
  }
}

/**
 * Masks (planes, outH, outW) of 255 where the upsampled logit > threshold (the f32 whose bits are
 * `thresholdBits`), else 0 (NaN included): plane by plane, row by row through `row` (outW floats).
 */
export function upsampleThreshold(src: usize, dst: usize, ring: usize, ringRows: usize, row: usize,
                                  planes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
                                  tapsW: i32, indexW: usize, weightW: usize, periodLo: i32, periodHi: i32,
                                  tapsH: i32, indexH: usize, weightH: usize, thresholdBits: i32, hFirst: bool): void {
  const plane = <usize>inH * <usize>inW << 2;
  const inRow = <usize>inW << 2;
  const mask = ringSlots(tapsH) - 1;
  const first = takesRowsFirst(hFirst, tapsH, tapsW, periodLo, periodHi, indexW, weightW);
  const threshold = reinterpret<f32>(thresholdBits);
  for (let p = 0; p < planes; p++) {
    if (!first) clearRing(ringRows, mask);
    for (let o = 0; o < outH; o++) {
      upsampledRow(src + <usize>p * plane, inRow, row, o, inW, outW, ring, ringRows, mask, first,
        tapsW, indexW, weightW, periodLo, periodHi, tapsH, indexH, weightH);
      const d = dst + <usize>(p * outH + o) * <usize>outW;
      let i = 0;
      if (ASC_FEATURE_SIMD) {
        const t = f32x4.splat(threshold);
        for (; i + 16 <= outW; i += 16) {
          const s = row + (<usize>i << 2);
          // Lanes of -1 / 0 narrowed with signed saturation stay -1 / 0: bytes 0xff / 0.
          const lo = i16x8.narrow_i32x4_s(f32x4.gt(v128.load(s), t), f32x4.gt(v128.load(s, 16), t));
          const hi = i16x8.narrow_i32x4_s(f32x4.gt(v128.load(s, 32), t), f32x4.gt(v128.load(s, 48), t));
          v128.store(d + <usize>i, i8x16.narrow_i16x8_s(lo, hi));
        }
      }
      for (; i < outW; i++) store<u8>(d + <usize>i, load<f32>(row + (<usize>i << 2)) > threshold ? 255 : 0);
    }
  }
}
