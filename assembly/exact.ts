// The exact image conventions (Pillow, OpenCV) on interleaved 8-bit pixels: one table-driven
// two-pass kernel whose arithmetic is data. The wrapper (src/wasm/image-exact.ts) hands in the
// per-axis tables of a rule module (src/rules/pillow.ts, opencv.ts) and three pass rules encoded
// as RULE words (src/rules/exact.ts says what each rule computes; the plain-JS twin is
// src/js/image-exact.ts): nothing here knows a coordinate rule or a library.
//
// Per output row: each input row it reads is resampled along W once, by the horizontal rule, into
// a row cache of 4-byte values (int32 sums, clipped bytes, or float32; a ring: row r in slot
// r & (ringSlots(tapsH) - 1)); the cached rows are then combined by the vertical rule (the vector
// rule on the first floor(n / lanes) * lanes bytes of the row when `lanes` > 0) straight into
// bytes. Integer rules wrap as C int32 does on x86 (i32x4.mul keeps the low 32 bits, as imul);
// float rules round each product and each sum to float32, in tap order, never fused.
//
// Taps past a window's `count` have coefficient 0 and are skipped: exact for every rule (an
// integer 0 term adds nothing; a float 0 term adds +0, which changes no rounding).

import { ringSlots } from './lib/ring';

// RULE words, 10 i32 a pass (src/wasm/image-exact.ts writes them; keep both in step).
const KIND = 0; const PRE = 1; const MUL = 2; const BIAS = 3; const SHIFT = 4; const CLAMP = 5;
const REVERSE = 6; const ROUND = 7; const HALF_UP = 8; const RECIPROCAL = 9;
const RULE_BYTES: usize = 40;
const COPY = 0; const FIXED = 1; const FLOAT = 2; const BLOCK_MEAN = 3;

@inline function word(rule: usize, field: i32): i32 { return load<i32>(rule + (<usize>field << 2)); }
@inline function at(table: usize, i: i32): usize { return table + (<usize>i << 2); }
@inline function clamp8(v: i32): i32 { return v < 0 ? 0 : v > 255 ? 255 : v; }

/** Pillow's La / RGBa: colour times alpha / 255, rounded (MULDIV255), into `line`. */
function premultiplyRow(src: usize, line: usize, n: i32, channels: i32): void {
  let p = 0;
  if (ASC_FEATURE_SIMD && channels == 4) {
    // Four pixels a vector in u16 lanes: t = c * a + 128 <= 65153 and t + (t >> 8) fit 16 bits.
    const alphaLanes = i8x16(0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0, -1);
    for (; p + 16 <= n; p += 16) {
      const v = v128.load(src + <usize>p);
      const a = i8x16.shuffle(v, v, 3, 3, 3, 3, 7, 7, 7, 7, 11, 11, 11, 11, 15, 15, 15, 15);
      const k = i16x8.splat(128);
      let lo = i16x8.add(i16x8.mul(i16x8.extend_low_i8x16_u(v), i16x8.extend_low_i8x16_u(a)), k);
      let hi = i16x8.add(i16x8.mul(i16x8.extend_high_i8x16_u(v), i16x8.extend_high_i8x16_u(a)), k);
      lo = i16x8.shr_u(i16x8.add(lo, i16x8.shr_u(lo, 8)), 8);
      hi = i16x8.shr_u(i16x8.add(hi, i16x8.shr_u(hi, 8)), 8);
      v128.store(line + <usize>p, v128.bitselect(v, i8x16.narrow_i16x8_u(lo, hi), alphaLanes));
    }
  }
  for (; p < n; p += channels) {
    const a = <i32>load<u8>(src + <usize>(p + channels - 1));
    for (let c = 0; c < channels - 1; c++) {
      const t = <i32>load<u8>(src + <usize>(p + c)) * a + 128;
      store<u8>(line + <usize>(p + c), ((t >> 8) + t) >> 8);
    }
    store<u8>(line + <usize>(p + channels - 1), a);
  }
}

/** One RGBa pixel (i32 lanes) back to RGBA, as unpremultiplyRow. */
@inline function unpremultiplyPixel(v: v128): v128 {
  const a = i32x4.shuffle(v, v, 3, 3, 3, 3);
  const q = i32x4.trunc_sat_f32x4_s(f32x4.div(f32x4.mul(f32x4.convert_i32x4_s(v), f32x4.splat(255)), f32x4.convert_i32x4_s(a)));
  // Keep the colour where alpha is 0 or 255, and always the alpha lane.
  const keep = v128.or(v128.or(i32x4.eq(a, i32x4.splat(0)), i32x4.eq(a, i32x4.splat(255))), i32x4(0, 0, 0, -1));
  return v128.bitselect(v, i32x4.min_s(q, i32x4.splat(255)), keep);
}

/** Back from premultiplied: alpha 0 and 255 keep the colour, otherwise min(255, floor(255 c / a)). */
function unpremultiplyRow(row: usize, n: i32, channels: i32): void {
  let p = 0;
  if (ASC_FEATURE_SIMD && channels == 4) {
    // floor(255 c / a) through float32: 255 c / a is an integer or at least 1/255 from one, far
    // beyond float32's error, so the truncated quotient is exact.
    const alphaLanes = i8x16(0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0, -1, 0, 0, 0, -1);
    for (; p + 16 <= n; p += 16) {
      const v = v128.load(row + <usize>p);
      // Four pixels whose alphas are all 0 or 255 (opaque photos) keep their bytes.
      const alphas = v128.and(v, alphaLanes);
      if (!v128.any_true(v128.andnot(alphas, v128.or(i8x16.eq(alphas, i8x16.splat(0)), i8x16.eq(alphas, i8x16.splat(-1)))))) continue;
      const lo = i16x8.extend_low_i8x16_u(v), hi = i16x8.extend_high_i8x16_u(v);
      const r0 = unpremultiplyPixel(i32x4.extend_low_i16x8_u(lo)), r1 = unpremultiplyPixel(i32x4.extend_high_i16x8_u(lo));
      const r2 = unpremultiplyPixel(i32x4.extend_low_i16x8_u(hi)), r3 = unpremultiplyPixel(i32x4.extend_high_i16x8_u(hi));
      v128.store(row + <usize>p, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(r0, r1), i16x8.narrow_i32x4_s(r2, r3)));
    }
  }
  for (; p < n; p += channels) {
    const a = <u32>load<u8>(row + <usize>(p + channels - 1));
    if (a == 0 || a == 255) continue;
    for (let c = 0; c < channels - 1; c++) {
      const v = (<u32>load<u8>(row + <usize>(p + c)) * 255) / a;
      store<u8>(row + <usize>(p + c), <u8>(v > 255 ? 255 : v));
    }
  }
}

/** One input row (`inW * channels` bytes at `row`) resampled along W by `rule` into `dst` (4-byte values). */
function horizontal(row: usize, dst: usize, channels: i32, outW: i32, taps: i32, index: usize, fixed: usize,
                    weight: usize, count: usize, rule: usize): void {
  const kind = word(rule, KIND);
  if (kind == COPY) {
    for (let o = 0, q = 0; o < outW; o++) {
      const s = row + <usize>(load<i32>(at(index, o * taps)) * channels);
      for (let c = 0; c < channels; c++, q++) store<i32>(at(dst, q), <i32>load<u8>(s + <usize>c));
    }
    return;
  }
  if (kind == FIXED) {
    const pre = word(rule, PRE), mul = word(rule, MUL), bias = word(rule, BIAS), shift = word(rule, SHIFT);
    const clip = word(rule, CLAMP) != 0;
    if (ASC_FEATURE_SIMD && pre == 0 && mul == 0 && (channels == 4 || channels == 3)) {
      // One pixel a vector; 3 channels read a 4th byte (the wrapper pads rows) and store a 4th lane
      // that the next pixel overwrites (the cache rows are padded too).
      const px = <usize>channels << 2;
      const lo = i32x4.splat(0), hi = i32x4.splat(255);
      for (let o = 0; o < outW; o++) {
        const k0 = o * taps, n = load<i32>(at(count, o));
        let acc = i32x4.splat(bias);
        let t = k0;
        const first = load<i32>(at(index, k0));
        if (channels == 4 && n >= 4 && load<i32>(at(index, k0 + n - 1)) - first == n - 1) {
          // A window of consecutive pixels (Pillow's always, OpenCV's away from the edges): four
          // taps a 16-byte load. Indices never decrease, so first..last spanning n - 1 means consecutive.
          let p = row + (<usize>first << 2);
          for (; t + 4 <= k0 + n; t += 4, p += 16) {
            const v = v128.load(p);
            const a = i16x8.extend_low_i8x16_u(v), b = i16x8.extend_high_i8x16_u(v);
            const f = at(fixed, t);
            acc = i32x4.add(acc, i32x4.mul(i32x4.extend_low_i16x8_u(a), v128.load32_splat(f)));
            acc = i32x4.add(acc, i32x4.mul(i32x4.extend_high_i16x8_u(a), v128.load32_splat(f, 4)));
            acc = i32x4.add(acc, i32x4.mul(i32x4.extend_low_i16x8_u(b), v128.load32_splat(f, 8)));
            acc = i32x4.add(acc, i32x4.mul(i32x4.extend_high_i16x8_u(b), v128.load32_splat(f, 12)));
          }
        }
        for (; t < k0 + n; t++) {
          const v = v128.load32_zero(row + <usize>(load<i32>(at(index, t)) * channels));
          const x = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v));
          acc = i32x4.add(acc, i32x4.mul(x, v128.load32_splat(at(fixed, t))));
        }
        acc = i32x4.shr_s(acc, shift);
        if (clip) acc = i32x4.min_s(i32x4.max_s(acc, lo), hi);
        v128.store(dst + <usize>o * px, acc);
      }
      return;
    }
    for (let o = 0, q = 0; o < outW; o++) {
      const k0 = o * taps, n = load<i32>(at(count, o));
      for (let c = 0; c < channels; c++, q++) {
        let acc = bias;
        for (let t = k0; t < k0 + n; t++) {
          const x = <i32>load<u8>(row + <usize>(load<i32>(at(index, t)) * channels + c));
          acc += (load<i32>(at(fixed, t)) * (x >> pre)) >> mul;
        }
        acc >>= shift;
        store<i32>(at(dst, q), clip ? clamp8(acc) : acc);
      }
    }
    return;
  }
  // FLOAT: float32 sums in tap order, kept unrounded (OpenCV's fractional INTER_AREA).
  const reverse = word(rule, REVERSE) != 0;
  for (let o = 0, q = 0; o < outW; o++) {
    const k0 = o * taps, n = load<i32>(at(count, o));
    for (let c = 0; c < channels; c++, q++) {
      let acc: f32;
      if (!reverse) {
        acc = load<f32>(at(weight, k0)) * <f32>load<u8>(row + <usize>(load<i32>(at(index, k0)) * channels + c));
        for (let t = k0 + 1; t < k0 + n; t++) {
          acc = acc + load<f32>(at(weight, t)) * <f32>load<u8>(row + <usize>(load<i32>(at(index, t)) * channels + c));
        }
      } else {
        const k1 = k0 + n - 1;
        acc = load<f32>(at(weight, k1)) * <f32>load<u8>(row + <usize>(load<i32>(at(index, k1)) * channels + c));
        for (let t = k1 - 1; t >= k0; t--) {
          acc = load<f32>(at(weight, t)) * <f32>load<u8>(row + <usize>(load<i32>(at(index, t)) * channels + c)) + acc;
        }
      }
      store<f32>(at(dst, q), acc);
    }
  }
}

/** Value x of cached tap row t as float32 (int32 sums are exact in float32: |sum| < 2^24). */
@inline function rowValue(rows: usize, t: i32, x: i32, floatRows: bool): f32 {
  const p = at(load<usize>(rows + (<usize>t << 2)), x);
  return floatRows ? load<f32>(p) : <f32>load<i32>(p);
}

/** A float32 result to a byte: rounded half to even (or truncated), clamped. */
@inline function floatToByte(v: f32, round: bool): u8 {
  const r = round ? nearest<f32>(v) : trunc<f32>(v);
  return r <= 0 ? 0 : r >= 255 ? 255 : <u8><i32>r;
}

/**
 * Output bytes [x0, x1) of row `y` from the cached rows of its taps (`rows`: their addresses),
 * by `rule`, into `out`.
 */
function vertical(rows: usize, n: i32, y: i32, taps: i32, fixed: usize, weight: usize, countH: usize,
                  countW: usize, tapsW: i32, channels: i32, rule: usize, floatRows: bool, out: usize, x0: i32, x1: i32): void {
  const kind = word(rule, KIND);
  const k0 = y * taps;
  let x = x0;
  if (kind == COPY) {
    const r = load<usize>(rows);
    for (; x < x1; x++) store<u8>(out + <usize>x, <u8>clamp8(load<i32>(at(r, x))));
    return;
  }
  if (kind == FIXED) {
    const pre = word(rule, PRE), mul = word(rule, MUL), bias = word(rule, BIAS), shift = word(rule, SHIFT);
    if (ASC_FEATURE_SIMD) {
      const b0 = i32x4.splat(bias);
      // 16 bytes an iteration: four accumulators share each tap's row address and coefficient.
      // Without shifts before or after the products (Pillow, OpenCV cubic and lanczos4), a shorter loop.
      if (pre == 0 && mul == 0) {
        for (; x + 16 <= x1; x += 16) {
          let a0 = b0, a1 = b0, a2 = b0, a3 = b0;
          for (let t = 0; t < n; t++) {
            const r = at(load<usize>(rows + (<usize>t << 2)), x);
            const k = v128.load32_splat(at(fixed, k0 + t));
            a0 = i32x4.add(a0, i32x4.mul(v128.load(r), k)); a1 = i32x4.add(a1, i32x4.mul(v128.load(r, 16), k));
            a2 = i32x4.add(a2, i32x4.mul(v128.load(r, 32), k)); a3 = i32x4.add(a3, i32x4.mul(v128.load(r, 48), k));
          }
          const lo = i16x8.narrow_i32x4_s(i32x4.shr_s(a0, shift), i32x4.shr_s(a1, shift));
          const hi = i16x8.narrow_i32x4_s(i32x4.shr_s(a2, shift), i32x4.shr_s(a3, shift));
          v128.store(out + <usize>x, i8x16.narrow_i16x8_u(lo, hi));
        }
      }
      for (; x + 16 <= x1; x += 16) {
        let a0 = b0, a1 = b0, a2 = b0, a3 = b0;
        for (let t = 0; t < n; t++) {
          const r = at(load<usize>(rows + (<usize>t << 2)), x);
          const k = v128.load32_splat(at(fixed, k0 + t));
          let v0 = v128.load(r), v1 = v128.load(r, 16), v2 = v128.load(r, 32), v3 = v128.load(r, 48);
          if (pre) { v0 = i32x4.shr_s(v0, pre); v1 = i32x4.shr_s(v1, pre); v2 = i32x4.shr_s(v2, pre); v3 = i32x4.shr_s(v3, pre); }
          v0 = i32x4.mul(v0, k); v1 = i32x4.mul(v1, k); v2 = i32x4.mul(v2, k); v3 = i32x4.mul(v3, k);
          if (mul) { v0 = i32x4.shr_s(v0, mul); v1 = i32x4.shr_s(v1, mul); v2 = i32x4.shr_s(v2, mul); v3 = i32x4.shr_s(v3, mul); }
          a0 = i32x4.add(a0, v0); a1 = i32x4.add(a1, v1); a2 = i32x4.add(a2, v2); a3 = i32x4.add(a3, v3);
        }
        // Saturating narrows: the clamp to 0..255.
        const lo = i16x8.narrow_i32x4_s(i32x4.shr_s(a0, shift), i32x4.shr_s(a1, shift));
        const hi = i16x8.narrow_i32x4_s(i32x4.shr_s(a2, shift), i32x4.shr_s(a3, shift));
        v128.store(out + <usize>x, i8x16.narrow_i16x8_u(lo, hi));
      }
      for (; x + 4 <= x1; x += 4) {
        let acc = b0;
        for (let t = 0; t < n; t++) {
          let v = v128.load(at(load<usize>(rows + (<usize>t << 2)), x));
          if (pre) v = i32x4.shr_s(v, pre);
          v = i32x4.mul(v, v128.load32_splat(at(fixed, k0 + t)));
          if (mul) v = i32x4.shr_s(v, mul);
          acc = i32x4.add(acc, v);
        }
        acc = i32x4.shr_s(acc, shift);
        const b = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(acc, acc), i16x8.narrow_i32x4_s(acc, acc));
        v128.store32_lane(out + <usize>x, b, 0);
      }
    }
    for (; x < x1; x++) {
      let acc = bias;
      for (let t = 0; t < n; t++) {
        const v = load<i32>(at(load<usize>(rows + (<usize>t << 2)), x));
        acc += (load<i32>(at(fixed, k0 + t)) * (v >> pre)) >> mul;
      }
      store<u8>(out + <usize>x, <u8>clamp8(acc >> shift));
    }
    return;
  }
  if (kind == FLOAT) {
    const reverse = word(rule, REVERSE) != 0, round = word(rule, ROUND) != 0;
    const first = reverse ? n - 1 : 0, last = reverse ? -1 : n, step = reverse ? -1 : 1;
    if (ASC_FEATURE_SIMD) {
      for (; x + 4 <= x1; x += 4) {
        let v = v128.load(at(load<usize>(rows + (<usize>first << 2)), x));
        let acc = f32x4.mul(f32x4.splat(load<f32>(at(weight, k0 + first))), floatRows ? v : f32x4.convert_i32x4_s(v));
        for (let t = first + step; t != last; t += step) {
          v = v128.load(at(load<usize>(rows + (<usize>t << 2)), x));
          acc = f32x4.add(f32x4.mul(f32x4.splat(load<f32>(at(weight, k0 + t))), floatRows ? v : f32x4.convert_i32x4_s(v)), acc);
        }
        if (round) acc = f32x4.nearest(acc);
        const i = i32x4.trunc_sat_f32x4_s(acc);
        const b = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(i, i), i16x8.narrow_i32x4_s(i, i));
        v128.store32_lane(out + <usize>x, b, 0);
      }
    }
    for (; x < x1; x++) {
      let acc: f32 = load<f32>(at(weight, k0 + first)) * rowValue(rows, first, x, floatRows);
      for (let t = first + step; t != last; t += step) acc = load<f32>(at(weight, k0 + t)) * rowValue(rows, t, x, floatRows) + acc;
      store<u8>(out + <usize>x, floatToByte(acc, round));
    }
    return;
  }
  // BLOCK_MEAN: OpenCV's integer-factor INTER_AREA over the int32 block sums of the rows.
  const halfUp = word(rule, HALF_UP);
  const reciprocal = <f64>reinterpret<f32>(word(rule, RECIPROCAL));
  const rowCount = load<i32>(at(countH, y));
  const rowFull = rowCount == taps;
  for (; x < x1; x++) {
    let sum = 0;
    for (let t = 0; t < n; t++) sum += load<i32>(at(fixed, k0 + t)) * load<i32>(at(load<usize>(rows + (<usize>t << 2)), x));
    const colCount = load<i32>(at(countW, x / channels));
    const pixels = rowCount * colCount;
    let v: i32;
    if (pixels == 0) v = 0;
    else if (!rowFull || colCount != tapsW) v = <i32>nearest<f32>(<f32>sum / <f32>pixels);
    else if (halfUp) v = (sum + (1 << (halfUp - 1))) >> halfUp;
    else v = <i32>nearest<f32>(<f32>(<f64>sum * reciprocal));
    store<u8>(out + <usize>x, <u8>clamp8(v));
  }
}

/**
 * Output rows [rowStart, rowEnd) of an exact resize. Tables per axis (W: columns, H: rows):
 * `index` (pixel index per tap), `fixed` (int32 coefficients), `weight` (float32 coefficients),
 * `count` (taps in each output's window). `rules`: horizontal, vertical and vector rule (RULE
 * words); `lanes`: bytes a row the vector rule covers in whole groups (0: none). Scratch: `line`
 * (inW * channels + 4 bytes: the premultiplied row when `alpha`), `ring` (ringSlots(tapsH) rows
 * of `stride` 4-byte values, stride >= outW * channels + 4), `tags` (an i32 a slot) and `tapRows`
 * (tapsH addresses). `src` is padded by 4 bytes. `dst` holds the output rows from rowStart on
 * (a band of rows of a larger result, or the whole of it from row 0).
 */
export function resizeExact(src: usize, dst: usize, inW: i32, channels: i32, outW: i32, rowStart: i32, rowEnd: i32,
                            alpha: bool, tapsW: i32, indexW: usize, fixedW: usize, weightW: usize, countW: usize,
                            tapsH: i32, indexH: usize, fixedH: usize, weightH: usize, countH: usize,
                            rules: usize, lanes: i32, line: usize, ring: usize, stride: i32, tags: usize, tapRows: usize): void {
  const inRow = inW * channels;
  const outRow = outW * channels;
  const slotBytes = <usize>stride << 2;
  const mask = ringSlots(tapsH) - 1;
  const hRule = rules, vRule = rules + RULE_BYTES, vecRule = rules + 2 * RULE_BYTES;
  const vecEnd = lanes > 0 ? outRow - outRow % lanes : 0;
  const floatRows = word(hRule, KIND) == FLOAT;
  for (let t = 0; t <= mask; t++) store<i32>(at(tags, t), -1);
  for (let y = rowStart; y < rowEnd; y++) {
    const n = max(load<i32>(at(countH, y)), 1);
    for (let t = 0; t < n; t++) {
      const r = load<i32>(at(indexH, y * tapsH + t));
      const slot = r & mask;
      const cached = ring + <usize>slot * slotBytes;
      store<usize>(tapRows + (<usize>t << 2), cached);
      if (load<i32>(at(tags, slot)) == r) continue;
      let row = src + <usize>r * <usize>inRow;
      if (alpha) { premultiplyRow(row, line, inRow, channels); row = line; }
      horizontal(row, cached, channels, outW, tapsW, indexW, fixedW, weightW, countW, hRule);
      store<i32>(at(tags, slot), r);
    }
    const out = dst + <usize>(y - rowStart) * <usize>outRow;
    if (vecEnd > 0) vertical(tapRows, n, y, tapsH, fixedH, weightH, countH, countW, tapsW, channels, vecRule, floatRows, out, 0, vecEnd);
    if (vecEnd < outRow) vertical(tapRows, n, y, tapsH, fixedH, weightH, countH, countW, tapsW, channels, vRule, floatRows, out, vecEnd, outRow);
    if (alpha) unpremultiplyRow(out, outRow, channels);
  }
}
