// Plain-JS resizeImage: the same passes as assembly/image.ts, scalar. Each input row needed is
// converted to float (premultiplied), resampled along W into a small row cache (one slot per
// vertical tap), and each output row is a vertical blend of cached rows written straight to
// bytes: a Uint8ClampedArray store rounds half to even and clamps, exactly the rounding wanted.

import type { ImagePlan } from '../image.js';

export function runResizeImage(plan: ImagePlan, input: Uint8Array | Uint8ClampedArray, output: Uint8ClampedArray): void {
  const { width: inW, channels: C, outWidth: outW, outHeight: outH, rows, cols, premultiply } = plan;
  const K = rows.taps;
  const rowLen = outW * C;
  const line = new Float32Array(inW * C);
  const cache = new Float32Array(K * rowLen);
  const cached = new Int32Array(K).fill(-1);
  const blended = new Float32Array(rowLen);
  const { index: colIndex, weight: colWeight, taps: colTaps } = cols;
  const { index: rowIndex, weight: rowWeight } = rows;

  /** Input row r -> float (premultiplied) -> resampled along W into cache slot r % K. */
  const horizontal = (r: number): void => {
    const s = r * inW * C;
    for (let i = 0; i < inW * C; i++) line[i] = input[s + i];
    if (premultiply) {
      for (let p = C - 1; p < inW * C; p += C) {
        const a = line[p];
        for (let c = p - C + 1; c < p; c++) line[c] = (line[c] * a) / 255;
      }
    }
    const d = (r % K) * rowLen;
    if (colTaps === 1) {
      for (let o = 0; o < outW; o++) {
        const a = colIndex[o] * C;
        for (let c = 0; c < C; c++) cache[d + o * C + c] = line[a + c];
      }
    } else if (colTaps === 2) {
      for (let o = 0; o < outW; o++) {
        const a = colIndex[2 * o] * C, b = colIndex[2 * o + 1] * C;
        const w0 = colWeight[2 * o], w1 = colWeight[2 * o + 1];
        for (let c = 0; c < C; c++) cache[d + o * C + c] = w0 * line[a + c] + w1 * line[b + c];
      }
    } else {
      for (let o = 0; o < outW; o++) {
        const k = o * colTaps;
        for (let c = 0; c < C; c++) {
          let sum = colWeight[k] * line[colIndex[k] * C + c];
          for (let t = 1; t < colTaps; t++) sum += colWeight[k + t] * line[colIndex[k + t] * C + c];
          cache[d + o * C + c] = sum;
        }
      }
    }
    cached[r % K] = r;
  };

  for (let y = 0; y < outH; y++) {
    const k = y * K;
    for (let t = 0; t < K; t++) {
      const r = rowIndex[k + t];
      if (cached[r % K] !== r) horizontal(r);
    }
    const d = y * rowLen;
    if (K === 1) {
      blended.set(cache.subarray((rowIndex[k] % K) * rowLen, (rowIndex[k] % K + 1) * rowLen));
    } else {
      const a = (rowIndex[k] % K) * rowLen;
      const w0 = rowWeight[k];
      for (let i = 0; i < rowLen; i++) blended[i] = w0 * cache[a + i];
      for (let t = 1; t < K; t++) {
        const b = (rowIndex[k + t] % K) * rowLen;
        const w = rowWeight[k + t];
        for (let i = 0; i < rowLen; i++) blended[i] += w * cache[b + i];
      }
    }
    if (premultiply) {
      for (let p = C - 1; p < rowLen; p += C) {
        const a = blended[p];
        // Colour is 0 where the alpha rounds to 0 (a <= 0.5, half to even).
        for (let c = p - C + 1; c < p; c++) blended[c] = a > 0.5 ? (blended[c] * 255) / a : 0;
      }
    }
    output.set(blended, d); // Float32Array -> Uint8ClampedArray: round half to even, clamp
  }
}
