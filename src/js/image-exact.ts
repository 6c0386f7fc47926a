// The exact plain-JS resampler of the 'pillow' and 'opencv' conventions: one table-driven
// two-pass kernel for 8-bit interleaved pixels that follows an ExactPlan (src/rules/exact.ts).
//
// Each input row the vertical pass needs is resampled along W once, by the plan's horizontal
// rule, into a row cache of the plan's intermediate type (bytes, int32 sums or float32; one slot
// per vertical tap, slot = row % taps, enough because a window's rows are consecutive). Each
// output row is then accumulated tap by tap over whole rows by the vertical rule and stored.
// Integer rules run in C int32 arithmetic (Math.imul; Int32Array stores wrap as x86 does),
// float rules in float32 (Math.fround on products; Float32Array stores round sums), and the
// final Uint8ClampedArray store rounds half to even and clamps, as the libraries do.

import type { ExactAxisTable, ExactPlan, PassRule } from '../rules/exact.js';
import { floatCoefficients, roundHalfEven } from '../rules/exact.js';
import { pillowPremultiply, pillowUnpremultiply } from '../rules/pillow.js';

const f32 = Math.fround;

type Samples = Uint8Array | Int32Array | Float32Array;
type Bytes = Uint8Array | Uint8ClampedArray;

/**
 * Intermediate rows: int32 for integer passes (a 'uint8' intermediate is clamped to 0..255 as it
 * is stored: Pillow's clip8 between its passes), float32 for float ones. Two element types only,
 * so the loops below stay fast in V8.
 */
function newSamples(kind: 'uint8' | 'int32' | 'float32', n: number): Int32Array | Float32Array {
  return kind === 'float32' ? new Float32Array(n) : new Int32Array(n);
}

/**
 * The horizontal pass of one row: `src[rowStart ..]` (inW * C bytes) -> `dst` (outW * C values).
 * Clamping to 0..255 happens in the store when `dst` holds bytes.
 */
function horizontalPass(rule: PassRule, table: ExactAxisTable, C: number, clip8: boolean):
  (src: Uint8Array, rowStart: number, dst: Int32Array | Float32Array) => void {
  const { outSize: outW, taps } = table;
  const idx = Int32Array.from(table.index, (i) => i * C);
  switch (rule.kind) {
    case 'copy':
      return (src, rowStart, dst) => {
        for (let o = 0, q = 0; o < outW; o++) {
          const s = rowStart + idx[o * taps];
          for (let c = 0; c < C; c++, q++) dst[q] = src[s + c];
        }
      };
    case 'fixed': {
      const k = table.fixed!;
      const { bias, preShift, mulShift, shift } = rule;
      return (src, rowStart, dst) => {
        for (let o = 0, q = 0; o < outW; o++) {
          const k0 = o * taps;
          for (let c = 0; c < C; c++, q++) {
            let acc = bias;
            for (let t = k0; t < k0 + taps; t++) acc = (acc + (Math.imul(k[t], src[rowStart + idx[t] + c] >> preShift) >> mulShift)) | 0;
            acc >>= shift;
            dst[q] = clip8 ? (acc < 0 ? 0 : acc > 255 ? 255 : acc) : acc;
          }
        }
      };
    }
    case 'float32': {
      const w = floatCoefficients(table, rule);
      const { order, round } = rule;
      return (src, rowStart, dst) => {
        for (let o = 0, q = 0; o < outW; o++) {
          const k0 = o * taps, k1 = k0 + taps - 1;
          for (let c = 0; c < C; c++, q++) {
            let acc: number;
            if (order === 'forward') {
              acc = f32(w[k0] * src[rowStart + idx[k0] + c]);
              for (let t = k0 + 1; t <= k1; t++) acc = f32(acc + f32(w[t] * src[rowStart + idx[t] + c]));
            } else {
              acc = f32(w[k1] * src[rowStart + idx[k1] + c]);
              for (let t = k1 - 1; t >= k0; t--) acc = f32(f32(w[t] * src[rowStart + idx[t] + c]) + acc);
            }
            dst[q] = round === 'half-even' ? roundHalfEven(acc) : acc;
          }
        }
      };
    }
    case 'block-mean':
      throw new Error('resizeExact: block-mean is a vertical rule');
  }
}

/**
 * The vertical pass of one output row over `[x0, x1)`: `rows[t]` are the intermediate rows of the
 * taps of output row `y`; writes bytes to `out[d + x]`.
 */
function verticalPass(rule: PassRule, table: ExactAxisTable, cols: ExactAxisTable, C: number, rowLen: number):
  (rows: Samples[], y: number, out: Uint8ClampedArray, d: number, x0: number, x1: number) => void {
  const taps = table.taps;
  switch (rule.kind) {
    case 'copy':
      return (rows, _y, out, d, x0, x1) => {
        const r = rows[0];
        for (let x = x0; x < x1; x++) out[d + x] = r[x];
      };
    case 'fixed': {
      const k = table.fixed!;
      const { bias, preShift, mulShift, shift } = rule;
      const acc = new Int32Array(rowLen);
      return (rows, y, out, d, x0, x1) => {
        acc.fill(bias, x0, x1);
        for (let t = 0; t < taps; t++) {
          const kt = k[y * taps + t], r = rows[t];
          if (kt === 0) continue;
          for (let x = x0; x < x1; x++) acc[x] += Math.imul(kt, r[x] >> preShift) >> mulShift;
        }
        // rule.clamp is 'uint8' for every vertical fixed rule: the clamped store does it.
        for (let x = x0; x < x1; x++) out[d + x] = acc[x] >> shift;
      };
    }
    case 'float32': {
      const w = floatCoefficients(table, rule);
      const acc = new Float32Array(rowLen);
      const { order, round } = rule;
      return (rows, y, out, d, x0, x1) => {
        const k0 = y * taps;
        const first = order === 'forward' ? 0 : taps - 1, step = order === 'forward' ? 1 : -1;
        let r = rows[first], wt = w[k0 + first];
        for (let x = x0; x < x1; x++) acc[x] = wt * r[x];
        for (let t = first + step; t >= 0 && t < taps; t += step) {
          r = rows[t]; wt = w[k0 + t];
          // A Float32Array store rounds the double sum of two float32 values exactly as float32 addition.
          if (order === 'forward') for (let x = x0; x < x1; x++) acc[x] = acc[x] + f32(wt * r[x]);
          else for (let x = x0; x < x1; x++) acc[x] = f32(wt * r[x]) + acc[x];
        }
        // A Uint8ClampedArray store rounds half to even and clamps: round 'half-even' + clamp 'uint8'.
        if (round === 'half-even') for (let x = x0; x < x1; x++) out[d + x] = acc[x];
        else for (let x = x0; x < x1; x++) out[d + x] = Math.trunc(acc[x]);
      };
    }
    case 'block-mean': {
      const k = table.fixed!;
      const { reciprocal, halfUpShift } = rule;
      const acc = new Int32Array(rowLen);
      // Per byte: the pixels of its block along W, and whether that block is whole.
      const colCount = Int32Array.from({ length: rowLen }, (_, x) => cols.count[(x / C) | 0]);
      return (rows, y, out, d, x0, x1) => {
        acc.fill(0, x0, x1);
        for (let t = 0; t < taps; t++) {
          const kt = k[y * taps + t], r = rows[t];
          if (kt === 0) continue;
          for (let x = x0; x < x1; x++) acc[x] += Math.imul(kt, r[x]);
        }
        const rowCount = table.count[y], rowFull = rowCount === taps;
        for (let x = x0; x < x1; x++) {
          const n = rowCount * colCount[x];
          const sum = acc[x];
          if (n === 0) out[d + x] = 0;
          else if (!rowFull || colCount[x] !== cols.taps) out[d + x] = f32(f32(sum) / n);
          else if (halfUpShift !== undefined) out[d + x] = (sum + (1 << (halfUpShift - 1))) >> halfUpShift;
          else out[d + x] = f32(sum * reciprocal);
        }
      };
    }
  }
}

/** Pillow's La / RGBa: colour premultiplied by the last channel (MULDIV255). */
function premultiply(input: Bytes, C: number): Uint8Array {
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
 * Output rows [rowStart, rowEnd) of `plan` from `input` (all width * height * channels bytes)
 * into `out` (those rows only): the passes built once for a plan, run band after band.
 */
export type ExactRows = (input: Bytes, out: Uint8ClampedArray, rowStart: number, rowEnd: number) => void;

/** The passes of `plan`, ready to run any range of output rows (each row reads only its own taps). */
export function exactRows(plan: ExactPlan): ExactRows {
  const { width: W, channels: C, outWidth: OW, rows, cols, arithmetic: ar } = plan;
  const rowLen = OW * C;
  const inRow = W * C;
  const alpha = ar.alpha === 'pillow' && (C === 2 || C === 4);
  const K = rows.taps;
  const skipH = ar.skipIdentity && cols.identity;
  const copyRows = ar.skipIdentity && rows.identity;
  const hPass = skipH ? undefined : horizontalPass(ar.horizontal, cols, C, ar.intermediate === 'uint8');
  const vPass = copyRows ? undefined : verticalPass(ar.vertical, rows, cols, C, rowLen);
  const vec = ar.vectorVertical;
  const vecPass = vec && !copyRows ? verticalPass(vec.rule, rows, cols, C, rowLen) : undefined;
  const vecEnd = vec ? rowLen - (rowLen % vec.lanes) : 0;
  // Row cache: input row r resampled along W, in slot r % K.
  const slots = Array.from({ length: skipH ? 0 : K }, () => newSamples(ar.intermediate, rowLen));
  const cached = new Int32Array(K);
  const tapRows: Samples[] = new Array(K);
  return (input, output, rowStart, rowEnd) => {
    if (output.length !== (rowEnd - rowStart) * rowLen) {
      throw new RangeError(`resizeExact: out has ${output.length} bytes, expected ${(rowEnd - rowStart) * rowLen}`);
    }
    // The input rows [lo, hi) these output rows read: the only ones premultiplied (a copy).
    let lo = plan.height, hi = 0;
    for (let k = rowStart * K; k < rowEnd * K; k++) { lo = Math.min(lo, rows.index[k]); hi = Math.max(hi, rows.index[k] + 1); }
    // One element type for the source (a view, no copy), so the loops stay monomorphic.
    const window = input.subarray(lo * inRow, hi * inRow);
    const src = alpha ? premultiply(window, C) : new Uint8Array(window.buffer, window.byteOffset, window.length);
    if (rows.identity && cols.identity) {
      output.set(src); // identity tables: [lo, hi) is [rowStart, rowEnd)
      if (alpha) unpremultiply(output, C);
      return;
    }
    cached.fill(-1);
    const rowOf = (r: number): Samples => {
      const at = (r - lo) * inRow;
      if (skipH) return src.subarray(at, at + inRow);
      const s = r % K;
      if (cached[s] !== r) { hPass!(src, at, slots[s]); cached[s] = r; }
      return slots[s];
    };
    for (let y = rowStart; y < rowEnd; y++) {
      const d = (y - rowStart) * rowLen;
      if (copyRows) {
        output.set(rowOf(y), d);
        continue;
      }
      for (let t = 0; t < K; t++) tapRows[t] = rowOf(rows.index[y * K + t]);
      if (vecPass && vecEnd > 0) vecPass(tapRows, y, output, d, 0, vecEnd);
      if (vecEnd < rowLen) vPass!(tapRows, y, output, d, vecEnd, rowLen);
    }
    if (alpha) unpremultiply(output, C);
  };
}

/**
 * Runs `plan` on `input` (width * height * channels interleaved bytes, row-major) and returns the
 * outWidth * outHeight * channels result (written into `out` when given).
 */
export function resizeExact(plan: ExactPlan, input: Bytes, out?: Uint8ClampedArray): Uint8ClampedArray {
  const { width: W, height: H, channels: C, outWidth: OW, outHeight: OH } = plan;
  if (input.length !== W * H * C) throw new RangeError(`resizeExact: input has ${input.length} bytes, expected ${W * H * C}`);
  const output = out ?? new Uint8ClampedArray(OH * OW * C);
  exactRows(plan)(input, output, 0, OH);
  return output;
}
