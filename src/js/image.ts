// Plain-JS resizeImage: the same passes as assembly/image.ts, scalar. Each input row needed is
// converted to float (premultiplied), resampled along W into a small row cache (one slot per
// vertical tap, src/ring.ts), and each output row is a vertical blend of cached rows written straight to
// bytes: a Uint8ClampedArray store rounds half to even and clamps, exactly the rounding wanted.

import type { FloatImagePlan, ImageInputs, ImagePlan } from '../image.js';
import { ringSlots } from '../ring.js';
import { encodeLinear, srgbTables } from '../rules/srgb.js';
import { resizeExact } from './image-exact.js';

export function runResizeImage(plan: ImagePlan, inputs: ImageInputs, output: Uint8ClampedArray): void {
  if (plan.kind === 'float') runFloat(plan, inputs, output);
  else resizeExact(plan, inputs.input, output);
}

function runFloat(plan: FloatImagePlan, { input }: ImageInputs, output: Uint8ClampedArray): void {
  const { width: inW, channels: C, outWidth: outW, outHeight: outH, rows, cols, premultiply } = plan;
  const srgb = plan.linearLight ? srgbTables() : undefined;
  const alphaLast = C === 2 || C === 4;
  const K = rows.taps;
  const mask = ringSlots(K) - 1;
  const rowLen = outW * C;
  const line = new Float32Array(inW * C);
  const cache = new Float32Array((mask + 1) * rowLen);
  const cached = new Int32Array(mask + 1).fill(-1);
  const blended = new Float32Array(rowLen);
  const { index: colIndex, weight: colWeight, taps: colTaps } = cols;
  const { index: rowIndex, weight: rowWeight } = rows;

  /** Input row r -> float (premultiplied) -> resampled along W into cache slot r & mask. */
  const horizontal = (r: number): void => {
    const s = r * inW * C;
    if (srgb) {
      // Linear light: colour through the decode table, alpha as is.
      for (let i = 0; i < inW * C; i++) line[i] = alphaLast && i % C === C - 1 ? input[s + i] : srgb.decode[input[s + i]];
    } else {
      for (let i = 0; i < inW * C; i++) line[i] = input[s + i];
    }
    if (premultiply) {
      for (let p = C - 1; p < inW * C; p += C) {
        const a = line[p];
        for (let c = p - C + 1; c < p; c++) line[c] = (line[c] * a) / 255;
      }
    }
    const d = (r & mask) * rowLen;
    if (C === 4 && colTaps === 2) {
      // RGBA bilinear, the common case: the channel loop unrolled.
      for (let o = 0, q = d; o < outW; o++, q += 4) {
        const a = colIndex[2 * o] * 4, b = colIndex[2 * o + 1] * 4;
        const w0 = colWeight[2 * o], w1 = colWeight[2 * o + 1];
        cache[q] = w0 * line[a] + w1 * line[b];
        cache[q + 1] = w0 * line[a + 1] + w1 * line[b + 1];
        cache[q + 2] = w0 * line[a + 2] + w1 * line[b + 2];
        cache[q + 3] = w0 * line[a + 3] + w1 * line[b + 3];
      }
    } else if (C === 4 && colTaps === 4) {
      for (let o = 0, q = d; o < outW; o++, q += 4) {
        const k = 4 * o;
        const a = colIndex[k] * 4, b = colIndex[k + 1] * 4, c = colIndex[k + 2] * 4, e = colIndex[k + 3] * 4;
        const w0 = colWeight[k], w1 = colWeight[k + 1], w2 = colWeight[k + 2], w3 = colWeight[k + 3];
        cache[q] = w0 * line[a] + w1 * line[b] + w2 * line[c] + w3 * line[e];
        cache[q + 1] = w0 * line[a + 1] + w1 * line[b + 1] + w2 * line[c + 1] + w3 * line[e + 1];
        cache[q + 2] = w0 * line[a + 2] + w1 * line[b + 2] + w2 * line[c + 2] + w3 * line[e + 2];
        cache[q + 3] = w0 * line[a + 3] + w1 * line[b + 3] + w2 * line[c + 3] + w3 * line[e + 3];
      }
    } else if (colTaps === 1) {
      for (let o = 0; o < outW; o++) {
        const a = colIndex[o] * C;
        for (let c = 0; c < C; c++) cache[d + o * C + c] = line[a + c];
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
    cached[r & mask] = r;
  };

  for (let y = 0; y < outH; y++) {
    const k = y * K;
    for (let t = 0; t < K; t++) {
      const r = rowIndex[k + t];
      if (cached[r & mask] !== r) horizontal(r);
    }
    const d = y * rowLen;
    const a = (rowIndex[k] & mask) * rowLen;
    const w0 = rowWeight[k];
    if (K === 2 && !premultiply && !srgb) {
      // Straight to bytes: a Uint8ClampedArray store rounds half to even and clamps.
      const b = (rowIndex[k + 1] & mask) * rowLen;
      const w1 = rowWeight[k + 1];
      for (let i = 0; i < rowLen; i++) output[d + i] = w0 * cache[a + i] + w1 * cache[b + i];
      continue;
    }
    if (K === 1) {
      for (let i = 0; i < rowLen; i++) blended[i] = cache[a + i];
    } else if (K === 2) {
      const b = (rowIndex[k + 1] & mask) * rowLen;
      const w1 = rowWeight[k + 1];
      for (let i = 0; i < rowLen; i++) blended[i] = w0 * cache[a + i] + w1 * cache[b + i];
    } else if (K === 4) {
      const b = (rowIndex[k + 1] & mask) * rowLen, c = (rowIndex[k + 2] & mask) * rowLen, e = (rowIndex[k + 3] & mask) * rowLen;
      const w1 = rowWeight[k + 1], w2 = rowWeight[k + 2], w3 = rowWeight[k + 3];
      for (let i = 0; i < rowLen; i++) blended[i] = w0 * cache[a + i] + w1 * cache[b + i] + w2 * cache[c + i] + w3 * cache[e + i];
    } else {
      for (let i = 0; i < rowLen; i++) blended[i] = w0 * cache[a + i];
      for (let t = 1; t < K; t++) {
        const b = (rowIndex[k + t] & mask) * rowLen;
        const w = rowWeight[k + t];
        for (let i = 0; i < rowLen; i++) blended[i] += w * cache[b + i];
      }
    }
    if (srgb) {
      for (let p = 0; p < rowLen; p += C) {
        const alpha = alphaLast ? blended[p + C - 1] : 255;
        const f = !premultiply ? 1 : alpha > 0.5 ? 255 / alpha : 0;
        for (let c = 0; c < C; c++) {
          output[d + p + c] = alphaLast && c === C - 1 ? alpha : encodeLinear(Math.fround(blended[p + c] * f), srgb);
        }
      }
    } else if (premultiply && C === 4) {
      for (let p = 0; p < rowLen; p += 4) {
        const alpha = blended[p + 3];
        // Colour is 0 where the alpha rounds to 0 (a <= 0.5, half to even).
        const f = alpha > 0.5 ? 255 / alpha : 0;
        output[d + p] = blended[p] * f;
        output[d + p + 1] = blended[p + 1] * f;
        output[d + p + 2] = blended[p + 2] * f;
        output[d + p + 3] = alpha;
      }
    } else if (premultiply) {
      for (let p = 0; p < rowLen; p += 2) {
        const alpha = blended[p + 1];
        output[d + p] = alpha > 0.5 ? (blended[p] * 255) / alpha : 0;
        output[d + p + 1] = alpha;
      }
    } else {
      // A Uint8ClampedArray store rounds half to even and clamps.
      for (let i = 0; i < rowLen; i++) output[d + i] = blended[i];
    }
  }
}
