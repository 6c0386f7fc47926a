// The reader's Up unfiltering (four bytes a word) on every pair of bytes, aligned or not, and its
// Paeth unfiltering (src/cli/png-rows.ts, branchless) against the PNG
// specification's predictor, on every triple of left, up and upper-left bytes from three bands of
// values (around 0, 128 and 255: all the ties of the rule's order, a before b before c), for
// 1-byte pixels (the general loop), 3 and 4 (the loops by pixel size).

import { describe, expect, it } from 'vitest';
import { unfilter } from '../src/cli/png-rows.js';

/** The specification's PaethPredictor, as written there. */
function paethSpec(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  if (pb <= pc) return b;
  return c;
}

const VALUES = [...Array(21).keys()].flatMap((v) => [v, 118 + v, 235 + v]);

describe('Paeth unfiltering', () => {
  for (const bpp of [1, 3, 4]) {
    it(`gives the specification's predictor on every triple of ${VALUES.length} values (${bpp}-byte pixels)`, () => {
      const row = new Uint8Array(2 * bpp);
      const prev = new Uint8Array(2 * bpp);
      let wrong = 0;
      for (const a of VALUES) for (const b of VALUES) for (const c of VALUES) {
        // First pixel: left and upper-left 0, so the predictor is up (c here) and it unfilters to a.
        // Second pixel: a zero difference, so it unfilters to the predictor of (a, b, c).
        prev.fill(c, 0, bpp).fill(b, bpp);
        row.fill((a - c) & 255, 0, bpp).fill(0, bpp);
        unfilter(4, row, prev, bpp);
        const want = paethSpec(a, b, c);
        for (let k = 0; k < bpp; k++) if (row[k] !== a || row[bpp + k] !== want) wrong++;
      }
      expect(wrong).toBe(0);
    });
  }
});

describe('Up unfiltering', () => {
  for (const offset of [0, 4, 1]) {
    it(`adds each byte above, modulo 256, on every pair of bytes (row at byte offset ${offset})`, () => {
      const n = 65536 + 3; // every pair, and a tail short of a word
      const row = new Uint8Array(n + offset).subarray(offset);
      const prev = new Uint8Array(n + offset).subarray(offset);
      for (let i = 0; i < n; i++) { row[i] = i & 255; prev[i] = (i >> 8) & 255; }
      unfilter(2, row, prev, 3);
      let wrong = 0;
      for (let i = 0; i < n; i++) if (row[i] !== (((i & 255) + ((i >> 8) & 255)) & 255)) wrong++;
      expect(wrong).toBe(0);
    });
  }
});
