// The command's JPEG encoder (src/cli/jpeg-encoder.ts) writes the same bytes as the encoder its
// speed-ups replaced (a scalar zigzag gather, i32 coefficients, a 32-bit bit writer: main at
// fc1dbba): the hashes below are that encoder's files for images chosen to reach every path of the
// entropy coder (counted once: blocks coded to position 63 without EOB, zero runs past 15 (ZRL),
// 0xFF bytes stuffed; the largest coefficients at quality 100, though 8-bit pixels stay inside
// the 10/11-bit clamps), grey, RGB and RGBA, 4:2:0 and 4:4:4, sizes that are not whole MCUs,
// and an output larger than the module's output area. A change that alters the
// output on purpose updates them (and holds the PSNR tests of cli-jpeg-encoder.test.ts).

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeJpeg } from '../src/cli/jpeg-encoder.js';

/** Deterministic pixels: 'photo' smooth with noise, 'noise' uniform random, 'edges' hard-edged shapes on flat grey. */
function pixels(kind: 'photo' | 'noise' | 'edges', w: number, h: number, channels: 1 | 3 | 4): Uint8Array {
  const data = new Uint8Array(w * h * channels);
  let seed = 12345;
  const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        let v: number;
        if (kind === 'noise') v = random();
        else if (kind === 'edges') v = ((x * 7 + y * 3) % 23 < 2 || (x > 9 && x < 14 && y % 17 === 5)) ? (c === 1 ? 0 : 255) : 128;
        else v = 128 + 90 * Math.sin(x / (11 + 3 * c) + y / 29) + 40 * Math.cos((x * y) / (700 + 100 * c)) + (random() >> 4) - 8;
        data[(y * w + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return data;
}

const CASES: Array<[string, 'photo' | 'noise' | 'edges', number, number, 1 | 3 | 4, number, '4:2:0' | '4:4:4', string]> = [
  ['photo RGBA 4:2:0 q90', 'photo', 203, 77, 4, 90, '4:2:0', 'b90aeea656de3634'],
  ['photo RGB 4:4:4 q75', 'photo', 61, 45, 3, 75, '4:4:4', '432f4a31309e54ab'],
  ['photo grey q50', 'photo', 33, 17, 1, 50, '4:2:0', '6c27af3f044f00af'],
  ['noise RGBA 4:2:0 q100 (dense blocks)', 'noise', 48, 40, 4, 100, '4:2:0', '6ba8b316c894b538'],
  ['noise grey q100', 'noise', 24, 24, 1, 100, '4:2:0', '04ee9762c5dbd97f'],
  ['edges RGB 4:2:0 q40 (zero runs)', 'edges', 97, 66, 3, 40, '4:2:0', 'faf46a5d06e21538'],
  ['edges RGBA 4:4:4 q95', 'edges', 40, 31, 4, 95, '4:4:4', '5c8122b01beb16f7'],
  ['photo RGBA 4:2:0 q5', 'photo', 130, 70, 4, 5, '4:2:0', 'e3ba87c486c637fc'],
  ['one pixel RGBA q90', 'photo', 1, 1, 4, 90, '4:2:0', '81e8d5031ff608ec'],
  // Over 4 MiB of scan: the module's output area fills and is moved out more than once.
  ['noise RGB 4:4:4 q100, 6 MB out', 'noise', 1500, 1000, 3, 100, '4:4:4', '770cbe835b22ac5b'],
];

describe('encodeJpeg writes the same bytes as before its speed-ups', () => {
  it.each(CASES)('%s', async (_name, kind, w, h, channels, quality, subsampling, hash) => {
    const bytes = await encodeJpeg({ data: pixels(kind, w, h, channels), width: w, height: h, channels }, { quality, subsampling });
    expect(createHash('sha256').update(bytes).digest('hex').slice(0, 16)).toBe(hash);
  });
});
