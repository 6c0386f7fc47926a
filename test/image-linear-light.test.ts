// resizeImage's linearLight against a float64 reference written here: colour decoded from sRGB
// with the exact curve, alpha premultiplied where the convention does, resampled separably (rows
// of W first) with the convention's tables in double, divided by alpha, encoded with the exact
// curve and rounded. Every backend must be within 1 level of it; most bytes equal it.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  createOperations, js, planImage, type ImageConvention, type ImageInput, type ImageMode, type ImageTarget, type Operations,
} from '../src/index.js';
import { linearToSrgb, srgbToLinear, srgbTables, encodeLinear } from '../src/rules/srgb.js';
import type { AxisTable } from '../src/rules/pytorch.js';

function random(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s >>> 24; }
  return out;
}

/** Weights of output o normalised to sum 1, in double. */
function weightsOf(t: AxisTable, o: number): number[] {
  const w = Array.from({ length: t.taps }, (_, k) => t.weight[o * t.taps + k]);
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((v) => (sum === 0 ? 0 : v / sum));
}

function reference(image: Required<ImageInput>, target: ImageTarget, convention: ImageConvention, mode: ImageMode): Uint8Array {
  const { width: W, height: H, channels: C, data } = image;
  // The tables of the same call without linear light (the exact conventions' are checked bit for bit elsewhere).
  const plan = planImage(image, target, { convention, mode });
  const { rows, cols, outWidth: OW, outHeight: OH } = plan;
  const alpha = C === 2 || C === 4;
  const premultiply = alpha && (plan.kind === 'float' ? plan.premultiply : convention === 'pillow' && mode !== 'nearest');
  const lin = new Float64Array(W * H * C);
  for (let p = 0; p < W * H; p++) {
    const a = alpha ? data[p * C + C - 1] : 255;
    for (let c = 0; c < C; c++) {
      const v = data[p * C + c];
      lin[p * C + c] = alpha && c === C - 1 ? v : srgbToLinear(v / 255) * (premultiply ? a / 255 : 1);
    }
  }
  const mid = new Float64Array(H * OW * C);
  for (let y = 0; y < H; y++) {
    for (let o = 0; o < OW; o++) {
      const w = weightsOf(cols, o);
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let k = 0; k < cols.taps; k++) s += w[k] * lin[(y * W + cols.index[o * cols.taps + k]) * C + c];
        mid[(y * OW + o) * C + c] = s;
      }
    }
  }
  const out = new Uint8Array(OH * OW * C);
  for (let o = 0; o < OH; o++) {
    const w = weightsOf(rows, o);
    for (let x = 0; x < OW; x++) {
      const px = new Array<number>(C).fill(0);
      for (let k = 0; k < rows.taps; k++) for (let c = 0; c < C; c++) px[c] += w[k] * mid[(rows.index[o * rows.taps + k] * OW + x) * C + c];
      const a = alpha ? px[C - 1] : 255;
      for (let c = 0; c < C; c++) {
        let v: number;
        if (alpha && c === C - 1) v = Math.round(a);
        else {
          const l = premultiply ? (a > 0.5 ? px[c] * 255 / a : 0) : px[c];
          v = Math.round(255 * linearToSrgb(Math.min(Math.max(l, 0), 1)));
        }
        out[(o * OW + x) * C + c] = Math.min(Math.max(v, 0), 255);
      }
    }
  }
  return out;
}

const CASES: [ImageConvention, ImageMode][] = [
  ['pytorch', 'bilinear'], ['pytorch', 'bicubic'], ['pytorch', 'area'], ['pytorch', 'nearest'],
  ['pillow', 'lanczos'], ['pillow', 'bicubic'], ['pillow', 'box'], ['pillow', 'nearest'],
  ['opencv', 'linear'], ['opencv', 'cubic'], ['opencv', 'area'], ['opencv', 'lanczos4'],
];
const SIZES: [number, number, ImageTarget][] = [[13, 9, { width: 29, height: 20 }], [31, 17, { width: 10, height: 6 }], [16, 12, { width: 8, height: 6 }]];

let simd: Operations, scalar: Operations;
beforeAll(async () => {
  simd = await createOperations({ build: 'simd' });
  scalar = await createOperations({ build: 'scalar' });
});

describe.each([['wasm-simd', () => simd], ['wasm-scalar', () => scalar], ['js', () => js]] as const)('%s: linearLight', (_name, ops) => {
  it.each(CASES)('%s %s: within 1 level of the float64 reference, channels 1-4, up and down', (convention, mode) => {
    let equal = 0, total = 0;
    for (const channels of [1, 2, 3, 4] as const) {
      for (const [width, height, target] of SIZES) {
        const image = { data: random(width * height * channels, width * 7 + channels), width, height, channels };
        const want = reference(image, target, convention, mode);
        const got = ops().resizeImage(image, target, { convention, mode, linearLight: true }).data;
        expect(got.length).toBe(want.length);
        for (let i = 0; i < want.length; i++) {
          const d = Math.abs(got[i] - want[i]);
          if (d > 1) expect.fail(`${channels} channels ${width}x${height}: byte ${i} is ${got[i]}, reference ${want[i]}`);
          if (d === 0) equal++;
        }
        total += want.length;
      }
    }
    expect(equal / total).toBeGreaterThan(0.97);
  });
});

describe('linear light: the transfer tables', () => {
  it('a black and white pair averages to 188 in linear light, 128 without', () => {
    const image = { data: Uint8Array.of(0, 255), width: 2, height: 1, channels: 1 as const };
    expect(js.resizeImage(image, { width: 1, height: 1 }, { convention: 'pillow', mode: 'box', linearLight: true }).data[0]).toBe(188);
    expect(simd.resizeImage(image, { width: 1, height: 1 }, { convention: 'pillow', mode: 'box', linearLight: true }).data[0]).toBe(188);
    expect(js.resizeImage(image, { width: 1, height: 1 }, { convention: 'pillow', mode: 'box' }).data[0]).toBe(128);
  });
  it('encoding rounds to the nearest byte of the exact curve, and decode then encode is the identity', () => {
    const t = srgbTables();
    for (let v = 0; v < 256; v++) expect(encodeLinear(t.decode[v], t)).toBe(v);
    for (let i = 0; i <= 20000; i++) {
      const l = Math.fround(i / 20000);
      const exact = 255 * linearToSrgb(l);
      const got = encodeLinear(l, t);
      expect(Math.abs(got - exact)).toBeLessThanOrEqual(0.5 + 1e-4);
    }
    expect(encodeLinear(-0.1, t)).toBe(0);
    expect(encodeLinear(1.5, t)).toBe(255);
    expect(encodeLinear(NaN, t)).toBe(0);
  });
  it('refuses a non-boolean linearLight', () => {
    expect(() => js.resizeImage({ data: new Uint8Array(4), width: 1, height: 1 }, { scale: 2 }, { linearLight: 1 as never })).toThrow(TypeError);
  });
});
