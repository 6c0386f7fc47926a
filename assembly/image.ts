// resizeImage kernels on interleaved 8-bit pixels. The wrapper (src/wasm/image.ts) hands in the
// same per-axis tables interpolate uses; nothing here knows a coordinate rule.
//
// Per output row: each input row it needs is converted to float once (colour premultiplied by
// alpha / 255 when asked) and resampled along W into a row cache (a ring: row r in slot
// r & (ringSlots(taps) - 1), lib/ring.ts; enough since a row's taps are consecutive rows); the
// cached rows are blended vertically straight into bytes: divided by alpha, clamped, rounded half
// to even (by adding 2^23), narrowed.
//
// Pointers are byte addresses. Buffers read or written a whole vector past their end are padded
// by the wrapper by at least 16 bytes (the 2- and 3-channel pixel loads and stores overlap).

import { blendAxis, resampleRows } from './interpolate';
import { ringSlots } from './lib/ring';

// Lanes that hold alpha in a vector of two gray + alpha pixels (a function: a v128 global would
// not compile in the scalar build).
@inline function alpha2(): v128 { return i32x4(0, -1, 0, -1); }

/** `n` bytes -> `n` floats. */
function bytesToFloats(src: usize, dst: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 16 <= n; i += 16) {
      const b = v128.load(src + <usize>i);
      const lo = i16x8.extend_low_i8x16_u(b);
      const hi = i16x8.extend_high_i8x16_u(b);
      const d = dst + (<usize>i << 2);
      v128.store(d, f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)));
      v128.store(d, f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), 16);
      v128.store(d, f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), 32);
      v128.store(d, f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), 48);
    }
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>load<u8>(src + <usize>i));
}

// Linear light (`srgb` != 0): a block of tables (src/rules/srgb.ts): the decode table (256 f32),
// the encode thresholds (256 f32, from byte 1024) and the encode buckets (4096 u8, from byte 2048).
const SRGB_THRESHOLDS: usize = 1024;
const SRGB_BUCKETS: usize = 2048;

/** `n` bytes -> floats: colour through the sRGB decode table, alpha (last of 2 or 4 channels) as is. */
function bytesToLinear(src: usize, dst: usize, n: i32, channels: i32, srgb: usize): void {
  const alphaLast = channels == 2 || channels == 4;
  for (let i = 0, c = 0; i < n; i++) {
    const v = load<u8>(src + <usize>i);
    store<f32>(dst + (<usize>i << 2), alphaLast && c == channels - 1 ? <f32>v : load<f32>(srgb + (<usize>v << 2)));
    if (++c == channels) c = 0;
  }
}

/** A linear value to the nearest sRGB byte (src/rules/srgb.ts encodeLinear). */
@inline function encodeLinear(l: f32, srgb: usize): u8 {
  const thresholds = srgb + SRGB_THRESHOLDS;
  if (!(l >= load<f32>(thresholds))) return 0;
  let b = <i32>load<u8>(srgb + SRGB_BUCKETS + <usize>min<i32>(4095, <i32>(l * 4096)));
  while (l >= load<f32>(thresholds + (<usize>b << 2))) b++;
  return <u8>b;
}

/** `n` floats (whole pixels) of linear colour -> sRGB bytes: divided by alpha when premultiplied; alpha rounded. */
function linearToBytes(src: usize, dst: usize, n: i32, channels: i32, premultiply: bool, srgb: usize): void {
  const alphaLast = channels == 2 || channels == 4;
  for (let i = 0; i < n; i += channels) {
    const s = src + (<usize>i << 2);
    const alpha: f32 = alphaLast ? load<f32>(s + (<usize>(channels - 1) << 2)) : 255;
    const f: f32 = !premultiply ? 1 : alpha > 0.5 ? <f32>255 / alpha : 0;
    const colours = alphaLast ? channels - 1 : channels;
    for (let c = 0; c < colours; c++) store<u8>(dst + <usize>(i + c), encodeLinear(load<f32>(s + (<usize>c << 2)) * f, srgb));
    if (alphaLast) {
      const a = nearest<f32>(alpha);
      store<u8>(dst + <usize>(i + channels - 1), <u8>(a <= 0 ? 0 : a >= 255 ? 255 : <i32>a));
    }
  }
}

/** colour = colour * alpha / 255 over `pixels` pixels of `channels` floats, alpha last. */
function premultiplyRow(line: usize, pixels: i32, channels: i32): void {
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    const k255 = f32x4.splat(255);
    if (channels == 4) {
      for (; p < pixels; p++) {
        const at = line + (<usize>p << 4);
        const v = v128.load(at);
        // (c * a) / 255 for colour; a * 255 / 255 == a exactly for alpha.
        const m = f32x4.replace_lane(v128.shuffle<f32>(v, v, 3, 3, 3, 3), 3, 255);
        v128.store(at, f32x4.div(f32x4.mul(v, m), k255));
      }
    } else {
      for (; p + 2 <= pixels; p += 2) {
        const at = line + (<usize>p << 3);
        const v = v128.load(at);
        const m = v128.bitselect(k255, v128.shuffle<f32>(v, v, 1, 1, 3, 3), alpha2());
        v128.store(at, f32x4.div(f32x4.mul(v, m), k255));
      }
    }
  }
  for (; p < pixels; p++) {
    const px = line + (<usize>(p * channels) << 2);
    const a = load<f32>(px + (<usize>(channels - 1) << 2));
    for (let c = 0; c < channels - 1; c++) {
      const at = px + (<usize>c << 2);
      store<f32>(at, load<f32>(at) * a / 255);
    }
  }
}

/** One float row of `inW` pixels resampled along W into `outW` pixels (K-tap table). */
function resampleInterleaved(line: usize, dst: usize, inW: i32, outW: i32, channels: i32, taps: i32,
                             index: usize, weight: usize, periodLo: i32, periodHi: i32): void {
  if (channels == 1) {
    resampleRows(line, dst, 1, inW, outW, taps, index, weight, periodLo, periodHi);
    return;
  }
  if (ASC_FEATURE_SIMD) {
    // One pixel a vector (2 and 3 channels: 16-byte loads and stores that overlap the next
    // pixel, written in order so each store's extra lanes are overwritten by the next).
    const px = <usize>channels << 2;
    if (taps == 1) {
      for (let o = 0; o < outW; o++) {
        v128.store(dst + <usize>o * px, v128.load(line + <usize>load<i32>(index + (<usize>o << 2)) * px));
      }
    } else if (taps == 2) {
      for (let o = 0; o < outW; o++) {
        const ip = index + (<usize>o << 3);
        const wp = weight + (<usize>o << 3);
        const a = v128.load(line + <usize>load<i32>(ip) * px);
        const b = v128.load(line + <usize>load<i32>(ip, 4) * px);
        v128.store(dst + <usize>o * px, f32x4.add(f32x4.mul(f32x4.splat(load<f32>(wp)), a), f32x4.mul(f32x4.splat(load<f32>(wp, 4)), b)));
      }
    } else if (taps == 4) {
      for (let o = 0; o < outW; o++) {
        const ip = index + (<usize>o << 4);
        const wp = weight + (<usize>o << 4);
        let s = f32x4.add(f32x4.mul(f32x4.splat(load<f32>(wp)), v128.load(line + <usize>load<i32>(ip) * px)),
                          f32x4.mul(f32x4.splat(load<f32>(wp, 4)), v128.load(line + <usize>load<i32>(ip, 4) * px)));
        s = f32x4.add(s, f32x4.mul(f32x4.splat(load<f32>(wp, 8)), v128.load(line + <usize>load<i32>(ip, 8) * px)));
        s = f32x4.add(s, f32x4.mul(f32x4.splat(load<f32>(wp, 12)), v128.load(line + <usize>load<i32>(ip, 12) * px)));
        v128.store(dst + <usize>o * px, s);
      }
    } else {
      for (let o = 0; o < outW; o++) {
        const ip = index + (<usize>(o * taps) << 2);
        const wp = weight + (<usize>(o * taps) << 2);
        let s = f32x4.mul(f32x4.splat(load<f32>(wp)), v128.load(line + <usize>load<i32>(ip) * px));
        for (let t = 1; t < taps; t++) {
          const tp = <usize>t << 2;
          s = f32x4.add(s, f32x4.mul(f32x4.splat(load<f32>(wp + tp)), v128.load(line + <usize>load<i32>(ip + tp) * px)));
        }
        v128.store(dst + <usize>o * px, s);
      }
    }
    return;
  }
  for (let o = 0; o < outW; o++) {
    const ip = index + (<usize>(o * taps) << 2);
    const wp = weight + (<usize>(o * taps) << 2);
    const out = dst + (<usize>(o * channels) << 2);
    for (let c = 0; c < channels; c++) {
      const cp = <usize>c << 2;
      let s = load<f32>(wp) * load<f32>(line + (<usize>(load<i32>(ip) * channels) << 2) + cp);
      for (let t = 1; t < taps; t++) {
        const tp = <usize>t << 2;
        s += load<f32>(wp + tp) * load<f32>(line + (<usize>(load<i32>(ip + tp) * channels) << 2) + cp);
      }
      store<f32>(out + cp, s);
    }
  }
}

/**
 * One byte row of 3- or 4-channel pixels resampled along W straight from its bytes (SIMD): each
 * tap's pixel converted as it is read, then the same float32 products and sums, in the same order,
 * as bytesToFloats + resampleInterleaved. Cheaper where the taps read fewer pixels than the row
 * has (a shrink without antialiasing reads 2 of every 3 pixels for 3x).
 */
function resampleBytes(row: usize, dst: usize, outW: i32, channels: i32, taps: i32, index: usize, weight: usize): void {
  const px = <usize>channels << 2;
  for (let o = 0; o < outW; o++) {
    const ip = index + (<usize>(o * taps) << 2);
    const wp = weight + (<usize>(o * taps) << 2);
    // 3 channels read a 4th byte (the source is padded); its lane is overwritten by the next pixel's store.
    let s = f32x4.mul(f32x4.splat(load<f32>(wp)), pixelFloats(row + <usize>(load<i32>(ip) * channels)));
    for (let t = 1; t < taps; t++) {
      const tp = <usize>t << 2;
      s = f32x4.add(s, f32x4.mul(f32x4.splat(load<f32>(wp + tp)), pixelFloats(row + <usize>(load<i32>(ip + tp) * channels))));
    }
    v128.store(dst + <usize>o * px, s);
  }
}

/** The 4 bytes at `p` as float32 lanes. */
@inline function pixelFloats(p: usize): v128 {
  return f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p))));
}

@inline function unpremultiply(v: v128, alpha: v128, mask: v128): v128 {
  // colour * 255 / alpha; 0 where the alpha rounds to 0 (<= 0.5); alpha lanes kept.
  const q = f32x4.div(f32x4.mul(v, f32x4.splat(255)), alpha);
  return v128.bitselect(v, v128.and(q, f32x4.gt(alpha, f32x4.splat(0.5))), mask);
}

/** [f, f, f, 1]: a pixel's colour factor with its alpha lane kept. */
@inline function colourFactor(f: v128): v128 {
  return f32x4.replace_lane(f, 3, 1);
}

/**
 * Clamped to 0..255 and rounded half to even, as i32 lanes: adding 2^23 leaves the integer in the
 * low mantissa bits, rounded to nearest even by the addition itself (cheaper than nearest +
 * trunc_sat, which x64 lowers to a long sequence). No NaN reaches here: the data are bytes.
 */
@inline function roundToI32(v: v128): v128 {
  const clamped = f32x4.pmin(f32x4.pmax(v, f32x4.splat(0)), f32x4.splat(255));
  return i32x4.sub(f32x4.add(clamped, f32x4.splat(8388608)), i32x4.splat(0x4b000000));
}

/**
 * 16 floats (whole pixels) -> 16 bytes at `dst`: divided by alpha when premultiplied, rounded
 * half to even, clamped. RGBA takes one division for its 4 pixels (colour * (255 / alpha)).
 */
@inline function storeBytes(dst: usize, a: v128, b: v128, c: v128, d: v128, channels: i32, premultiply: bool): void {
  if (premultiply) {
    if (channels == 4) {
      // Lane patterns that engines lower to single shufps (two lanes from each operand, in order).
      const alphas = v128.shuffle<f32>(v128.shuffle<f32>(a, b, 3, 3, 7, 7), v128.shuffle<f32>(c, d, 3, 3, 7, 7), 0, 2, 4, 6);
      const r = v128.and(f32x4.div(f32x4.splat(255), alphas), f32x4.gt(alphas, f32x4.splat(0.5)));
      a = f32x4.mul(a, colourFactor(v128.shuffle<f32>(r, r, 0, 0, 0, 0)));
      b = f32x4.mul(b, colourFactor(v128.shuffle<f32>(r, r, 1, 1, 1, 1)));
      c = f32x4.mul(c, colourFactor(v128.shuffle<f32>(r, r, 2, 2, 2, 2)));
      d = f32x4.mul(d, colourFactor(v128.shuffle<f32>(r, r, 3, 3, 3, 3)));
    } else {
      a = unpremultiply(a, v128.shuffle<f32>(a, a, 1, 1, 3, 3), alpha2());
      b = unpremultiply(b, v128.shuffle<f32>(b, b, 1, 1, 3, 3), alpha2());
      c = unpremultiply(c, v128.shuffle<f32>(c, c, 1, 1, 3, 3), alpha2());
      d = unpremultiply(d, v128.shuffle<f32>(d, d, 1, 1, 3, 3), alpha2());
    }
  }
  const lo = i16x8.narrow_i32x4_s(roundToI32(a), roundToI32(b));
  const hi = i16x8.narrow_i32x4_s(roundToI32(c), roundToI32(d));
  v128.store(dst, i8x16.narrow_i16x8_u(lo, hi));
}

/** `n` floats (whole pixels) -> bytes, as storeBytes. */
function floatsToBytes(src: usize, dst: usize, n: i32, channels: i32, premultiply: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // 16 floats are whole pixels for 2 and 4 channels, the only ones with alpha.
    for (; i + 16 <= n; i += 16) {
      const s = src + (<usize>i << 2);
      storeBytes(dst + <usize>i, v128.load(s), v128.load(s, 16), v128.load(s, 32), v128.load(s, 48), channels, premultiply);
    }
  }
  for (; i < n; i += channels) {
    const s = src + (<usize>i << 2);
    const alpha = load<f32>(s + (<usize>(channels - 1) << 2));
    for (let c = 0; c < channels; c++) {
      let v = load<f32>(s + (<usize>c << 2));
      if (premultiply && c < channels - 1) v = alpha > 0.5 ? v * 255 / alpha : 0;
      v = nearest<f32>(v);
      store<u8>(dst + <usize>(i + c), <u8>(v <= 0 ? 0 : v >= 255 ? 255 : <i32>v));
    }
  }
}

/**
 * One output row: the vertical blend of cached rows fused with the conversion to bytes for 1, 2
 * and 4 taps (SIMD); other tap counts, and the last < 16 floats, go through `blended`.
 */
function blendRowToBytes(cache: usize, slotBytes: usize, blended: usize, stride: i32, dst: usize, n: i32,
                         taps: i32, slotIndex: usize, weight: usize, channels: i32, premultiply: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD && (taps == 1 || taps == 2 || taps == 4)) {
    const r0 = cache + <usize>load<i32>(slotIndex) * slotBytes;
    if (taps == 1) {
      for (; i + 16 <= n; i += 16) {
        const s = r0 + (<usize>i << 2);
        storeBytes(dst + <usize>i, v128.load(s), v128.load(s, 16), v128.load(s, 32), v128.load(s, 48), channels, premultiply);
      }
    } else if (taps == 2) {
      const r1 = cache + <usize>load<i32>(slotIndex, 4) * slotBytes;
      const w0 = f32x4.splat(load<f32>(weight)), w1 = f32x4.splat(load<f32>(weight, 4));
      for (; i + 16 <= n; i += 16) {
        const o = <usize>i << 2;
        const a = f32x4.add(f32x4.mul(w0, v128.load(r0 + o)), f32x4.mul(w1, v128.load(r1 + o)));
        const b = f32x4.add(f32x4.mul(w0, v128.load(r0 + o, 16)), f32x4.mul(w1, v128.load(r1 + o, 16)));
        const c = f32x4.add(f32x4.mul(w0, v128.load(r0 + o, 32)), f32x4.mul(w1, v128.load(r1 + o, 32)));
        const d = f32x4.add(f32x4.mul(w0, v128.load(r0 + o, 48)), f32x4.mul(w1, v128.load(r1 + o, 48)));
        storeBytes(dst + <usize>i, a, b, c, d, channels, premultiply);
      }
    } else {
      const r1 = cache + <usize>load<i32>(slotIndex, 4) * slotBytes;
      const r2 = cache + <usize>load<i32>(slotIndex, 8) * slotBytes;
      const r3 = cache + <usize>load<i32>(slotIndex, 12) * slotBytes;
      const w0 = f32x4.splat(load<f32>(weight)), w1 = f32x4.splat(load<f32>(weight, 4));
      const w2 = f32x4.splat(load<f32>(weight, 8)), w3 = f32x4.splat(load<f32>(weight, 12));
      for (; i + 16 <= n; i += 16) {
        const o = <usize>i << 2;
        let a = f32x4.add(f32x4.mul(w0, v128.load(r0 + o)), f32x4.mul(w1, v128.load(r1 + o)));
        a = f32x4.add(f32x4.add(a, f32x4.mul(w2, v128.load(r2 + o))), f32x4.mul(w3, v128.load(r3 + o)));
        let b = f32x4.add(f32x4.mul(w0, v128.load(r0 + o, 16)), f32x4.mul(w1, v128.load(r1 + o, 16)));
        b = f32x4.add(f32x4.add(b, f32x4.mul(w2, v128.load(r2 + o, 16))), f32x4.mul(w3, v128.load(r3 + o, 16)));
        let c = f32x4.add(f32x4.mul(w0, v128.load(r0 + o, 32)), f32x4.mul(w1, v128.load(r1 + o, 32)));
        c = f32x4.add(f32x4.add(c, f32x4.mul(w2, v128.load(r2 + o, 32))), f32x4.mul(w3, v128.load(r3 + o, 32)));
        let d = f32x4.add(f32x4.mul(w0, v128.load(r0 + o, 48)), f32x4.mul(w1, v128.load(r1 + o, 48)));
        d = f32x4.add(f32x4.add(d, f32x4.mul(w2, v128.load(r2 + o, 48))), f32x4.mul(w3, v128.load(r3 + o, 48)));
        storeBytes(dst + <usize>i, a, b, c, d, channels, premultiply);
      }
    }
    if (i == n) return;
  }
  // The rest [i, n): blend the whole row (interpolate's blendAxis), convert from i.
  blendAxis(cache, blended, 1, taps, 1, stride, taps, slotIndex, weight);
  floatsToBytes(blended + (<usize>i << 2), dst + <usize>i, n - i, channels, premultiply);
}

/**
 * Resizes an interleaved image. Tables: rows (H axis, `tapsH` taps) and columns (W axis).
 * Scratch: `line` (inW * channels floats + 16 bytes), `cache` (ringSlots(tapsH) slots of `stride`
 * floats, stride >= outW * channels + 4; lib/ring.ts), `blended` (stride floats), `slots` (an i32 a
 * slot: the input row it holds) and `slotIndex` (tapsH i32). `srgb`: 0, or the linear-light tables.
 */
export function resizeImage(src: usize, dst: usize, inW: i32, channels: i32, outW: i32, outH: i32, premultiply: bool,
                            tapsW: i32, indexW: usize, weightW: usize, periodLo: i32, periodHi: i32,
                            tapsH: i32, indexH: usize, weightH: usize,
                            line: usize, cache: usize, stride: i32, blended: usize, slots: usize, slotIndex: usize, srgb: usize): void {
  const inRow = inW * channels;
  const outRow = outW * channels;
  const slotBytes = <usize>stride << 2;
  const mask = ringSlots(tapsH) - 1;
  for (let t = 0; t <= mask; t++) store<i32>(slots + (<usize>t << 2), -1);
  // Rows straight from their bytes where the W taps read fewer pixels than a row has.
  const direct = ASC_FEATURE_SIMD && !premultiply && !srgb && (channels == 3 || channels == 4) && tapsW * outW < inW;
  for (let y = 0; y < outH; y++) {
    const ip = indexH + (<usize>(y * tapsH) << 2);
    for (let t = 0; t < tapsH; t++) {
      const r = load<i32>(ip + (<usize>t << 2));
      const slot = r & mask;
      store<i32>(slotIndex + (<usize>t << 2), slot);
      if (load<i32>(slots + (<usize>slot << 2)) == r) continue;
      store<i32>(slots + (<usize>slot << 2), r);
      if (direct) {
        resampleBytes(src + <usize>r * <usize>inRow, cache + <usize>slot * slotBytes, outW, channels, tapsW, indexW, weightW);
        continue;
      }
      if (srgb) bytesToLinear(src + <usize>r * <usize>inRow, line, inRow, channels, srgb);
      else bytesToFloats(src + <usize>r * <usize>inRow, line, inRow);
      if (premultiply) premultiplyRow(line, inW, channels);
      resampleInterleaved(line, cache + <usize>slot * slotBytes, inW, outW, channels, tapsW, indexW, weightW, periodLo, periodHi);
    }
    const out = dst + <usize>y * <usize>outRow, weights = weightH + (<usize>(y * tapsH) << 2);
    if (srgb) {
      blendAxis(cache, blended, 1, tapsH, 1, stride, tapsH, slotIndex, weights);
      linearToBytes(blended, out, outRow, channels, premultiply, srgb);
    } else {
      blendRowToBytes(cache, slotBytes, blended, stride, out, outRow, tapsH, slotIndex, weights, channels, premultiply);
    }
  }
}
