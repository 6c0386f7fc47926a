// The JPEG decoder's chroma upsampling and colour conversion (assembly/cli/jpeg-decode/colour.ts
// toRgba, eight pixels a step in i16 lanes) against libjpeg's own arithmetic written out plainly
// here: "fancy" h2v1, h2v2 and h1v2 upsampling (jdsample.c) and jdcolor.c's 16-bit fixed-point YCbCr
// to RGB, sample for sample (no tolerance): every (Cb, Cr) pair, odd widths (the eight-pixel
// steps' tails), edges, grey.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  toRgba(from: number, to: number, width: number, components: number, luma: number, lumaStride: number, cb: number, cr: number,
         chromaStride: number, chromaWidth: number, chromaHeight: number, h: number, v: number, scratch: number, out: number): void;
}

const wasm = (await WebAssembly.instantiate(readFileSync(new URL('../build/jpeg-decoder.wasm', import.meta.url)), { env: { abort() { throw new Error('abort'); } } }))
  .instance.exports as unknown as Exports;

const clamp = (v: number) => Math.min(255, Math.max(0, v));

/** jdcolor.c: one pixel. */
function ycc(y: number, cb: number, cr: number): [number, number, number] {
  const b = cb - 128;
  const r = cr - 128;
  return [clamp(y + ((91881 * r + 32768) >> 16)), clamp(y + ((-22554 * b - 46802 * r + 32768) >> 16)), clamp(y + ((116130 * b + 32768) >> 16))];
}

/** jdsample.c's fancy upsampling of one chroma plane (w x h samples) to luma's `width` x `height`, h x v. */
function upsample(plane: Uint8Array, w: number, hgt: number, width: number, height: number, h: number, v: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const at = (x: number, y: number) => plane[Math.min(hgt - 1, Math.max(0, y)) * w + x];
  for (let y = 0; y < height; y++) {
    // Column sums at scale 4 (v = 2: 3 x nearer row + farther; v = 1: 4 x the row).
    const r = v === 2 ? y >> 1 : y;
    const far = y & 1 ? r + 1 : r - 1;
    const sum = (x: number) => (v === 2 ? 3 * at(x, r) + at(x, far) : 4 * at(x, r));
    for (let x = 0; x < width; x++) {
      let value: number;
      if (h === 1) value = v === 2 ? (sum(x) + (y & 1 ? 2 : 1)) >> 2 : at(x, y);
      else {
        const i = x >> 1;
        const [bias, edge] = x & 1 ? [v === 2 ? 7 : 8, i === w - 1] : [v === 2 ? 8 : 4, i === 0];
        const neighbour = x & 1 ? i + 1 : i - 1;
        value = edge ? (4 * sum(i) + (v === 2 ? bias : 0)) >> 4 : (3 * sum(i) + sum(neighbour) + bias) >> 4;
        if (edge && v === 1) value = at(i, y); // h2v1 copies the edge sample
      }
      out[y * width + x] = value;
    }
  }
  return out;
}

/** Runs toRgba on planes (luma width x height; chroma cw x ch, sampled h x v), all rows at once. */
function toRgba(luma: Uint8Array, cb: Uint8Array | undefined, cr: Uint8Array | undefined, width: number, height: number, cw: number, ch: number, h: number, v: number): Uint8Array {
  const pad = (n: number) => Math.ceil((n + 16) / 16) * 16;
  const lumaAt = Math.ceil(wasm.heapBase() / 16) * 16;
  const cbAt = lumaAt + pad(width * height);
  const crAt = cbAt + pad(cw * ch);
  const outAt = crAt + pad(cw * ch);
  const scratchAt = outAt + width * height * 4;
  const end = scratchAt + 4 * width + 256;
  if (end > wasm.memory.buffer.byteLength) wasm.memory.grow(Math.ceil((end - wasm.memory.buffer.byteLength) / 65536));
  const heap = new Uint8Array(wasm.memory.buffer);
  heap.fill(0x5a, lumaAt, end); // past the planes: not zero, so a read past them shows
  heap.set(luma, lumaAt);
  if (cb && cr) { heap.set(cb, cbAt); heap.set(cr, crAt); }
  wasm.toRgba(0, height, width, cb ? 3 : 1, lumaAt, width, cbAt, crAt, cw, cw, ch, h, v, scratchAt, outAt);
  return heap.slice(outAt, outAt + width * height * 4);
}

function expected(luma: Uint8Array, cb: Uint8Array, cr: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) out.set([...ycc(luma[i], cb[i], cr[i]), 255], 4 * i);
  return out;
}

/** The first sample where two images differ (with the pixel and both values), or 'same'. */
function firstDifference(a: Uint8Array, b: Uint8Array): string {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `sample ${i} (pixel ${i >> 2}, channel ${i & 3}): ${a[i]}, expected ${b[i]}`;
  return 'same';
}

function noise(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24));
}

describe('JPEG decoder colour (toRgba) against libjpeg\'s arithmetic', () => {
  it('every (Cb, Cr) pair at full chroma resolution, luma swept, exactly', () => {
    const width = 256;
    const height = 256;
    const cb = Uint8Array.from({ length: width * height }, (_, i) => i & 255);
    const cr = Uint8Array.from({ length: width * height }, (_, i) => i >> 8);
    for (const shift of [0, 77, 160, 251]) {
      const luma = Uint8Array.from({ length: width * height }, (_, i) => (i * 7 + (i >> 8) * 3 + shift) & 255);
      expect(firstDifference(toRgba(luma, cb, cr, width, height, width, height, 1, 1), expected(luma, cb, cr, width, height))).toBe('same');
    }
  });

  for (const [h, v] of [[2, 2], [2, 1], [1, 2]] as const) {
    it(`h${h}v${v} fancy upsampling, widths and heights odd and even, exactly`, () => {
      for (const [width, height] of [[1, 1], [2, 2], [7, 5], [17, 3], [33, 9], [64, 4], [101, 7]]) {
        const cw = Math.ceil(width / h);
        const ch = Math.ceil(height / v);
        const [luma, cb, cr] = [noise(width * height, width), noise(cw * ch, height + 1), noise(cw * ch, width + height)];
        const want = expected(luma, upsample(cb, cw, ch, width, height, h, v), upsample(cr, cw, ch, width, height, h, v), width, height);
        expect(firstDifference(toRgba(luma, cb, cr, width, height, cw, ch, h, v), want), `${width} x ${height}`).toBe('same');
      }
    });
  }

  it('grey: luma in every channel, alpha 255', () => {
    for (const width of [1, 5, 8, 13]) {
      const luma = noise(width * 3, width);
      const want = Uint8Array.from({ length: width * 3 * 4 }, (_, i) => ((i & 3) === 3 ? 255 : luma[i >> 2]));
      expect(firstDifference(toRgba(luma, undefined, undefined, width, 3, 0, 0, 1, 1), want)).toBe('same');
    }
  });
});
