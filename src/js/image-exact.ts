// The exact plain-JS resampler of the 'pillow' and 'opencv' conventions: one table-driven
// two-pass kernel for 8-bit interleaved pixels that follows an ExactPlan (src/rules/exact.ts).
// Horizontal pass first, over the input rows the vertical pass reads, into an intermediate of
// the plan's type (bytes, int32 sums or float32); then the vertical pass to bytes. Integer rules
// run in C int32 arithmetic (Math.imul, | 0), float rules in float32 (Math.fround after every
// operation), so the bytes equal the C libraries' where the plan says how they compute.

import type { ExactAxisTable, ExactPlan, PassRule } from '../rules/exact.js';
import { roundHalfEven } from '../rules/exact.js';
import { pillowPremultiply, pillowUnpremultiply } from '../rules/pillow.js';

const f32 = Math.fround;

type Samples = Uint8Array | Uint8ClampedArray | Int32Array | Float32Array;

function clamp8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * One value of a pass: taps `k0 .. k0 + taps - 1` of `table`, reading `samples[base + index * stride]`.
 * `blockCount` is the number of source pixels in the output's block (block-mean only).
 */
function makeReducer(rule: PassRule, table: ExactAxisTable, samples: () => Samples):
  (k0: number, base: number, stride: number, blockFull: boolean, blockCount: number) => number {
  const { taps, index, weight, fixed } = table;
  switch (rule.kind) {
    case 'copy':
      return (k0, base, stride) => samples()[base + index[k0] * stride];
    case 'fixed': {
      const { preShift, mulShift, bias, shift, clamp } = rule;
      const k = fixed!;
      return (k0, base, stride) => {
        const s = samples();
        let acc = bias | 0;
        for (let t = 0; t < taps; t++) {
          acc = (acc + (Math.imul(k[k0 + t], s[base + index[k0 + t] * stride] >> preShift) >> mulShift)) | 0;
        }
        acc >>= shift;
        return clamp === 'uint8' ? clamp8(acc) : acc;
      };
    }
    case 'float32': {
      const w = rule.coefficients === 'weight' ? weight : Float32Array.from(fixed!, (v) => f32(v * rule.fixedScale));
      const { order, round, clamp } = rule;
      return (k0, base, stride) => {
        const s = samples();
        let acc: number;
        if (order === 'forward') {
          acc = f32(w[k0] * s[base + index[k0] * stride]);
          for (let t = 1; t < taps; t++) acc = f32(acc + f32(w[k0 + t] * s[base + index[k0 + t] * stride]));
        } else {
          const last = k0 + taps - 1;
          acc = f32(w[last] * s[base + index[last] * stride]);
          for (let t = taps - 2; t >= 0; t--) acc = f32(f32(w[k0 + t] * s[base + index[k0 + t] * stride]) + acc);
        }
        if (round === 'half-even') acc = roundHalfEven(acc);
        return clamp === 'uint8' ? clamp8(acc) : acc;
      };
    }
    case 'block-mean': {
      const { reciprocal, halfUpShift } = rule;
      const k = fixed!;
      return (k0, base, stride, blockFull, blockCount) => {
        const s = samples();
        let sum = 0;
        for (let t = 0; t < taps; t++) sum = (sum + Math.imul(k[k0 + t], s[base + index[k0 + t] * stride])) | 0;
        if (blockCount === 0) return 0;
        if (!blockFull) return clamp8(roundHalfEven(f32(f32(sum) / blockCount)));
        if (halfUpShift !== undefined) return clamp8((sum + (1 << (halfUpShift - 1))) >> halfUpShift);
        return clamp8(roundHalfEven(f32(sum * reciprocal)));
      };
    }
  }
}

function intermediateArray(kind: 'uint8' | 'int32' | 'float32', n: number): Samples {
  return kind === 'uint8' ? new Uint8Array(n) : kind === 'int32' ? new Int32Array(n) : new Float32Array(n);
}

/** Pillow's La / RGBa: colour premultiplied by the last channel (MULDIV255). */
function premultiply(input: Uint8Array | Uint8ClampedArray, C: number): Uint8Array {
  const out = new Uint8Array(input);
  for (let p = 0; p < out.length; p += C) {
    const a = out[p + C - 1];
    for (let c = 0; c < C - 1; c++) out[p + c] = pillowPremultiply(out[p + c], a);
  }
  return out;
}

function unpremultiply(data: Uint8ClampedArray, C: number): void {
  for (let p = 0; p < data.length; p += C) {
    const a = data[p + C - 1];
    for (let c = 0; c < C - 1; c++) data[p + c] = pillowUnpremultiply(data[p + c], a);
  }
}

/**
 * Runs `plan` on `input` (width * height * channels interleaved bytes, row-major) and returns the
 * outWidth * outHeight * channels result (written into `out` when given).
 */
export function resizeExact(plan: ExactPlan, input: Uint8Array | Uint8ClampedArray, out?: Uint8ClampedArray): Uint8ClampedArray {
  const { width: W, height: H, channels: C, outWidth: OW, outHeight: OH, rows, cols, arithmetic: ar } = plan;
  if (input.length !== W * H * C) throw new RangeError(`resizeExact: input has ${input.length} bytes, expected ${W * H * C}`);
  const rowLen = OW * C;
  const output = out ?? new Uint8ClampedArray(OH * rowLen);
  if (output.length !== OH * rowLen) throw new RangeError(`resizeExact: out has ${output.length} bytes, expected ${OH * rowLen}`);
  const src: Uint8Array | Uint8ClampedArray = ar.alpha === 'pillow' && (C === 2 || C === 4) ? premultiply(input, C) : input;
  if (rows.identity && cols.identity) {
    output.set(src);
    if (ar.alpha === 'pillow' && (C === 2 || C === 4)) unpremultiply(output, C);
    return output;
  }

  // ---- horizontal pass: input rows lo..hi into the intermediate ----
  let lo = H, hi = -1;
  for (let i = 0; i < rows.index.length; i++) { lo = Math.min(lo, rows.index[i]); hi = Math.max(hi, rows.index[i]); }
  const skipH = ar.skipIdentity && cols.identity;
  let mid: Samples;
  let midRowLen: number, midRow0: number;
  if (skipH) {
    mid = src; midRowLen = W * C; midRow0 = 0;
  } else {
    midRowLen = rowLen; midRow0 = lo;
    const tmp = intermediateArray(ar.intermediate, (hi - lo + 1) * rowLen);
    mid = tmp;
    const reduce = makeReducer(ar.horizontal, cols, () => src);
    const fullCols = cols.taps;
    for (let r = lo; r <= hi; r++) {
      const inRow = r * W * C;
      const d = (r - lo) * rowLen;
      for (let o = 0; o < OW; o++) {
        const k0 = o * cols.taps;
        for (let c = 0; c < C; c++) tmp[d + o * C + c] = reduce(k0, inRow + c, C, cols.count[o] === fullCols, cols.count[o]);
      }
    }
  }

  // ---- vertical pass: intermediate rows to output bytes ----
  if (ar.skipIdentity && rows.identity) {
    // The intermediate is already the result (Pillow: bytes).
    for (let i = 0; i < output.length; i++) output[i] = mid[i];
  } else {
    const midRef = (): Samples => mid;
    const reduce = makeReducer(ar.vertical, rows, midRef);
    const vec = ar.vectorVertical;
    const reduceVec = vec ? makeReducer(vec.rule, rows, midRef) : undefined;
    const vecEnd = vec ? rowLen - (rowLen % vec.lanes) : 0;
    const K = rows.taps;
    // Rows are addressed relative to midRow0: shift the table's indices by using a base offset.
    const base0 = -midRow0 * midRowLen;
    for (let y = 0; y < OH; y++) {
      const k0 = y * K;
      const rowFull = rows.count[y] === K;
      const d = y * rowLen;
      for (let x = 0; x < rowLen; x++) {
        const o = (x / C) | 0;
        const colCount = cols.count[o];
        const full = rowFull && colCount === cols.taps;
        const f = x < vecEnd ? reduceVec! : reduce;
        output[d + x] = f(k0, base0 + x, midRowLen, full, rows.count[y] * colCount);
      }
    }
  }
  if (ar.alpha === 'pillow' && (C === 2 || C === 4)) unpremultiply(output, C);
  return output;
}
