// Intra prediction in libwebp's work block (./state.ts: 32 bytes a row, the row above and the
// column to the left of each block already in place), as libwebp's dsp/dec.c computes it:
// 16x16 and 8x8 chroma (DC with its edge variants, TM, V, H) and the ten 4x4 modes.

import { BPS } from './state';

// @ts-ignore: decorator
@inline function px(p: usize): i32 {
  return <i32>load<u8>(p);
}
// @ts-ignore: decorator
@inline function avg3(a: i32, b: i32, c: i32): u8 {
  return <u8>((a + 2 * b + c + 2) >> 2);
}
// @ts-ignore: decorator
@inline function avg2(a: i32, b: i32): u8 {
  return <u8>((a + b + 1) >> 1);
}

function fill(dst: usize, value: i32, size: usize): void {
  const row = i8x16.splat(<i8>value);
  for (let y: usize = 0; y < size; y++) {
    if (size == 16) v128.store(dst + y * BPS, row);
    else v128.store64_lane(dst + y * BPS, row, 0);
  }
}

/** TrueMotion: top + left - corner, clamped to 0-255 (the narrow's saturation), 8 or 16 pixels a row in 16-bit lanes. */
function trueMotion(dst: usize, size: usize): void {
  const corner = i16x8.splat(<i16>px(dst - BPS - 1));
  const top = size == 16 ? v128.load(dst - BPS) : v128.load64_zero(dst - BPS);
  const lo = i16x8.sub(i16x8.extend_low_i8x16_u(top), corner);
  const hi = i16x8.sub(i16x8.extend_high_i8x16_u(top), corner);
  for (let y: usize = 0; y < size; y++) {
    const left = i16x8.splat(<i16>px(dst + y * BPS - 1));
    const row = i8x16.narrow_i16x8_u(i16x8.add(lo, left), i16x8.add(hi, left));
    if (size == 16) v128.store(dst + y * BPS, row);
    else if (size == 8) v128.store64_lane(dst + y * BPS, row, 0);
    else v128.store32_lane(dst + y * BPS, row, 0);
  }
}

/**
 * A 16x16 luma (size 16) or 8x8 chroma (size 8) prediction: mode 0 DC, 1 TM, 2 V, 3 H; DC
 * averages only the edges that exist (none: 128).
 */
export function predictBlock(dst: usize, size: usize, mode: i32, hasTop: bool, hasLeft: bool): void {
  if (mode == 0) {
    let sum = 0;
    for (let i: usize = 0; i < size; i++) {
      if (hasTop) sum += px(dst - BPS + i);
      if (hasLeft) sum += px(dst + i * BPS - 1);
    }
    const shift = size == 16 ? 4 : 3;
    let dc = 128;
    if (hasTop && hasLeft) dc = (sum + <i32>size) >> (shift + 1);
    else if (hasTop || hasLeft) dc = (sum + (<i32>size >> 1)) >> shift;
    fill(dst, dc, size);
  } else if (mode == 1) {
    trueMotion(dst, size);
  } else if (mode == 2) {
    for (let y: usize = 0; y < size; y++) {
      if (size == 16) v128.store(dst + y * BPS, v128.load(dst - BPS));
      else store<u64>(dst + y * BPS, load<u64>(dst - BPS));
    }
  } else {
    for (let y: usize = 0; y < size; y++) {
      const row = i8x16.splat(load<i8>(dst + y * BPS - 1));
      if (size == 16) v128.store(dst + y * BPS, row);
      else v128.store64_lane(dst + y * BPS, row, 0);
    }
  }
}

// @ts-ignore: decorator
@inline function put(dst: usize, x: usize, y: usize, v: u8): void {
  store<u8>(dst + x + y * BPS, v);
}

/** One 4x4 luma block's prediction, modes as ./modes.ts numbers them. */
export function predict4(dst: usize, mode: i32): void {
  const top = dst - BPS;
  const X = px(top - 1);
  const A = px(top), B = px(top + 1), C = px(top + 2), D = px(top + 3);
  const E = px(top + 4), F = px(top + 5), G = px(top + 6), H = px(top + 7);
  const I = px(dst - 1), J = px(dst + BPS - 1), K = px(dst + 2 * BPS - 1), L = px(dst + 3 * BPS - 1);
  switch (mode) {
    case 0: { // DC
      const dc = (A + B + C + D + I + J + K + L + 4) >> 3;
      const word = <u32>dc * 0x01010101;
      for (let y: usize = 0; y < 4; y++) store<u32>(dst + y * BPS, word);
      break;
    }
    case 1: trueMotion(dst, 4); break;
    case 2: { // VE, smoothed
      const word = <u32>avg3(X, A, B) | (<u32>avg3(A, B, C) << 8) | (<u32>avg3(B, C, D) << 16) | (<u32>avg3(C, D, E) << 24);
      for (let y: usize = 0; y < 4; y++) store<u32>(dst + y * BPS, word);
      break;
    }
    case 3: { // HE, smoothed
      store<u32>(dst, <u32>avg3(X, I, J) * 0x01010101);
      store<u32>(dst + BPS, <u32>avg3(I, J, K) * 0x01010101);
      store<u32>(dst + 2 * BPS, <u32>avg3(J, K, L) * 0x01010101);
      store<u32>(dst + 3 * BPS, <u32>avg3(K, L, L) * 0x01010101);
      break;
    }
    case 4: { // RD
      put(dst, 0, 3, avg3(J, K, L));
      const ijk = avg3(I, J, K); put(dst, 1, 3, ijk); put(dst, 0, 2, ijk);
      const xij = avg3(X, I, J); put(dst, 2, 3, xij); put(dst, 1, 2, xij); put(dst, 0, 1, xij);
      const axi = avg3(A, X, I); put(dst, 3, 3, axi); put(dst, 2, 2, axi); put(dst, 1, 1, axi); put(dst, 0, 0, axi);
      const bax = avg3(B, A, X); put(dst, 3, 2, bax); put(dst, 2, 1, bax); put(dst, 1, 0, bax);
      const cba = avg3(C, B, A); put(dst, 3, 1, cba); put(dst, 2, 0, cba);
      put(dst, 3, 0, avg3(D, C, B));
      break;
    }
    case 5: { // VR
      const xa = avg2(X, A); put(dst, 0, 0, xa); put(dst, 1, 2, xa);
      const ab = avg2(A, B); put(dst, 1, 0, ab); put(dst, 2, 2, ab);
      const bc = avg2(B, C); put(dst, 2, 0, bc); put(dst, 3, 2, bc);
      put(dst, 3, 0, avg2(C, D));
      put(dst, 0, 3, avg3(K, J, I));
      put(dst, 0, 2, avg3(J, I, X));
      const ixa = avg3(I, X, A); put(dst, 0, 1, ixa); put(dst, 1, 3, ixa);
      const xab = avg3(X, A, B); put(dst, 1, 1, xab); put(dst, 2, 3, xab);
      const abc = avg3(A, B, C); put(dst, 2, 1, abc); put(dst, 3, 3, abc);
      put(dst, 3, 1, avg3(B, C, D));
      break;
    }
    case 6: { // LD
      put(dst, 0, 0, avg3(A, B, C));
      const bcd = avg3(B, C, D); put(dst, 1, 0, bcd); put(dst, 0, 1, bcd);
      const cde = avg3(C, D, E); put(dst, 2, 0, cde); put(dst, 1, 1, cde); put(dst, 0, 2, cde);
      const def = avg3(D, E, F); put(dst, 3, 0, def); put(dst, 2, 1, def); put(dst, 1, 2, def); put(dst, 0, 3, def);
      const efg = avg3(E, F, G); put(dst, 3, 1, efg); put(dst, 2, 2, efg); put(dst, 1, 3, efg);
      const fgh = avg3(F, G, H); put(dst, 3, 2, fgh); put(dst, 2, 3, fgh);
      put(dst, 3, 3, avg3(G, H, H));
      break;
    }
    case 7: { // VL (the last two as libwebp and the RFC have them: 3-tap)
      put(dst, 0, 0, avg2(A, B));
      const bc = avg2(B, C); put(dst, 1, 0, bc); put(dst, 0, 2, bc);
      const cd = avg2(C, D); put(dst, 2, 0, cd); put(dst, 1, 2, cd);
      const de = avg2(D, E); put(dst, 3, 0, de); put(dst, 2, 2, de);
      put(dst, 0, 1, avg3(A, B, C));
      const bcd = avg3(B, C, D); put(dst, 1, 1, bcd); put(dst, 0, 3, bcd);
      const cde = avg3(C, D, E); put(dst, 2, 1, cde); put(dst, 1, 3, cde);
      const def = avg3(D, E, F); put(dst, 3, 1, def); put(dst, 2, 3, def);
      put(dst, 3, 2, avg3(E, F, G));
      put(dst, 3, 3, avg3(F, G, H));
      break;
    }
    case 8: { // HD
      const ix = avg2(I, X); put(dst, 0, 0, ix); put(dst, 2, 1, ix);
      const ji = avg2(J, I); put(dst, 0, 1, ji); put(dst, 2, 2, ji);
      const kj = avg2(K, J); put(dst, 0, 2, kj); put(dst, 2, 3, kj);
      put(dst, 0, 3, avg2(L, K));
      put(dst, 3, 0, avg3(A, B, C));
      put(dst, 2, 0, avg3(X, A, B));
      const ixa = avg3(I, X, A); put(dst, 1, 0, ixa); put(dst, 3, 1, ixa);
      const jix = avg3(J, I, X); put(dst, 1, 1, jix); put(dst, 3, 2, jix);
      const kji = avg3(K, J, I); put(dst, 1, 2, kji); put(dst, 3, 3, kji);
      put(dst, 1, 3, avg3(L, K, J));
      break;
    }
    default: { // HU
      put(dst, 0, 0, avg2(I, J));
      const jk = avg2(J, K); put(dst, 2, 0, jk); put(dst, 0, 1, jk);
      const kl = avg2(K, L); put(dst, 2, 1, kl); put(dst, 0, 2, kl);
      put(dst, 1, 0, avg3(I, J, K));
      const jkl = avg3(J, K, L); put(dst, 3, 0, jkl); put(dst, 1, 1, jkl);
      const kll = avg3(K, L, L); put(dst, 3, 1, kll); put(dst, 1, 2, kll);
      const l = <u8>L;
      put(dst, 3, 2, l); put(dst, 2, 2, l); put(dst, 0, 3, l); put(dst, 1, 3, l); put(dst, 2, 3, l); put(dst, 3, 3, l);
      break;
    }
  }
}
