// WebAssembly staging of the exact conventions (Pillow, OpenCV): lays the bytes, an ExactPlan's
// per-axis tables, its pass rules (as RULE words) and the scratch out in linear memory and returns
// the call of assembly/exact.ts as a record.

import { call } from '../kernels.js';
import { floatCoefficients, type ExactAxisTable, type ExactPlan, type PassRule } from '../rules/exact.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

/** Words of one pass rule, in the order assembly/exact.ts reads them (keep both in step). */
export const RULE = { kind: 0, preShift: 1, mulShift: 2, bias: 3, shift: 4, clamp: 5, reverse: 6, round: 7, halfUpShift: 8, reciprocal: 9 } as const;
const RULE_WORDS = 10;
const KIND = { copy: 0, fixed: 1, float32: 2, 'block-mean': 3 } as const;
/** Bytes past the source rows and the cached rows that the 3-channel vector loads and stores touch. */
const PAD = 16;

const f32Bits = (v: number): number => new Int32Array(Float32Array.of(v).buffer)[0];

/** A rule as RULE words; float32 rules read the axis's float table (floatCoefficients). */
export function ruleWords(rule: PassRule | undefined, words: Int32Array, offset: number): void {
  if (rule === undefined) return;
  words[offset + RULE.kind] = KIND[rule.kind];
  if (rule.kind === 'fixed') {
    words[offset + RULE.preShift] = rule.preShift;
    words[offset + RULE.mulShift] = rule.mulShift;
    words[offset + RULE.bias] = rule.bias;
    words[offset + RULE.shift] = rule.shift;
    words[offset + RULE.clamp] = rule.clamp === 'uint8' ? 1 : 0;
  } else if (rule.kind === 'float32') {
    words[offset + RULE.reverse] = rule.order === 'reverse' ? 1 : 0;
    words[offset + RULE.round] = rule.round === 'half-even' ? 1 : 0;
  } else if (rule.kind === 'block-mean') {
    words[offset + RULE.halfUpShift] = rule.halfUpShift ?? 0;
    words[offset + RULE.reciprocal] = f32Bits(rule.reciprocal);
  }
}

export function stageResizeExact(layout: Layout, plan: ExactPlan, input: Uint8Array | Uint8ClampedArray, outputLength: number): Staged {
  const { width, channels, outWidth, outHeight, rows, cols, arithmetic: ar } = plan;
  const rowLen = outWidth * channels;
  const src = layout.bytes(input.length, input, PAD);
  const dst = layout.bytes(outputLength);
  const words = new Int32Array(3 * RULE_WORDS);
  ruleWords(ar.horizontal, words, 0);
  ruleWords(ar.vertical, words, RULE_WORDS);
  ruleWords(ar.vectorVertical?.rule, words, 2 * RULE_WORDS);
  // One float table an axis: the vertical and vector rules never both read float coefficients.
  const axis = (t: ExactAxisTable, floatRule: PassRule | undefined) => ({
    index: layout.i32(t.index),
    fixed: layout.i32(t.fixed ?? new Int32Array(t.index.length)),
    weight: layout.f32(t.weight.length, floatCoefficients(t, floatRule)),
    count: layout.i32(t.count),
  });
  const w = axis(cols, ar.horizontal);
  const h = axis(rows, ar.vectorVertical?.rule ?? ar.vertical);
  const rules = layout.i32(words);
  const line = layout.bytes(width * channels, undefined, PAD);
  const stride = (rowLen + PAD / 4 + 3) & ~3;
  const { ring, tags } = layout.rowRing(rows.taps, stride);
  const tapRows = layout.i32(new Int32Array(rows.taps));
  return {
    dst,
    calls: [call('resizeExact', {
      src, dst, inW: width, channels, outW: outWidth, rowStart: 0, rowEnd: outHeight,
      alpha: ar.alpha === 'pillow' && (channels === 2 || channels === 4) ? 1 : 0,
      tapsW: cols.taps, indexW: w.index, fixedW: w.fixed, weightW: w.weight, countW: w.count,
      tapsH: rows.taps, indexH: h.index, fixedH: h.fixed, weightH: h.weight, countH: h.count,
      rules, lanes: ar.vectorVertical?.lanes ?? 0, line, ring, stride, tags, tapRows,
    })],
  };
}
