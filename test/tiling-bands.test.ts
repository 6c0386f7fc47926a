// Bands of one sample (src/tiling/conv-bands.ts, resize-bands.ts) over seeded random geometries:
// convolutions and transposed convolutions 1-3-D (strides, dilations, paddings up to twice the
// dilated kernel, output padding, groups, bias, non-finite weights), ONNX resize (every mode and
// coordinate rule, roi with extrapolation, antialias, any axis first), the TF entries and
// channels-last interpolate. Each runs on a 192 KiB budget, bit-identical to an untiled instance,
// and within the budget whenever one pass needed more. Alternates the SIMD and scalar builds.

import { describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import { ramp } from './helpers.js';

const BUDGET = 3 * 65536;
const bits = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function random(seed: number): { int(n: number): number; pick<T>(a: readonly T[]): T } {
  let s = seed;
  const int = (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
  return { int, pick: (a) => a[int(a.length)] };
}

type Run = (ops: up.Operations) => { data: ArrayBufferView };

/** Runs `count` random calls; returns how many needed more than the budget in one pass (and so ran in tiles). */
async function check(count: number, make: (r: ReturnType<typeof random>) => [string, Run] | undefined, seed: number): Promise<number> {
  const r = random(seed);
  let tiled = 0;
  for (let i = 0; i < count; i++) {
    const made = make(r);
    if (!made) continue;
    const [description, run] = made;
    const whole = await up.createOperations({ build: 'simd' });
    let expected;
    try {
      expected = run(whole);
    } catch {
      continue; // a geometry PyTorch refuses too
    }
    const ops = await up.createOperations({ build: i % 2 ? 'simd' : 'scalar', maximumMemory: BUDGET });
    const actual = run(ops);
    expect(bits(actual.data).equals(bits(expected.data)), description).toBe(true);
    if (whole.memoryBytes > BUDGET) {
      tiled++;
      expect(ops.memoryBytes, description).toBeLessThanOrEqual(BUDGET);
    }
  }
  return tiled;
}

describe('bands of one sample over random geometries (192 KiB budget)', () => {
  it('conv and convTranspose 1-3-D: bit-identical, within the budget', async () => {
    const tiled = await check(200, (r) => {
      const dims = 1 + r.int(3);
      const transposed = r.int(2) === 1;
      const groups = 1 + r.int(2);
      const cin = groups * (1 + r.int(3));
      const cout = groups * (1 + r.int(5));
      const k = Array.from({ length: dims }, () => 1 + r.int(4));
      const s = Array.from({ length: dims }, () => 1 + r.int(3));
      const d = Array.from({ length: dims }, () => 1 + r.int(2));
      const p = k.map((ki, i) => r.int(transposed ? Math.floor(((ki - 1) * d[i]) / 2) + 1 : 2 * ki * d[i] + 1));
      const first = dims === 1 ? 20000 : dims === 2 ? 150 : 30;
      const spatial = Array.from({ length: dims }, (_, i) => (i === 0 ? first + r.int(30) : 5 + r.int(dims === 2 ? 60 : 20)));
      const x = ramp([1, cin, ...spatial]);
      const w = ramp(transposed ? [cin, cout / groups, ...k] : [cout, cin / groups, ...k], 2);
      if (r.int(4) === 0) w.data[r.int(w.data.length)] = r.pick([Infinity, -Infinity, NaN]);
      const options: Record<string, unknown> = { stride: s, padding: p, dilation: d, groups, bias: ramp([cout], 3).data };
      if (transposed) options.outputPadding = s.map((v, i) => r.int(Math.max(v, d[i])));
      const name = `${transposed ? 'convTranspose' : 'conv'}${dims}d` as 'conv1d' | 'conv2d' | 'conv3d' | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d';
      const run = (ops: up.Operations) => (ops[name] as (a: up.Tensor, b: up.Tensor, o: unknown) => up.Tensor)(x, w, { ...options });
      return [`${name} ${JSON.stringify({ spatial, k, cin, cout, ...options, bias: undefined })}`, run];
    }, 7);
    expect(tiled).toBeGreaterThan(60);
  }, 30000);

  it('resize (ONNX), the TF entries and channels-last interpolate: bit-identical, within the budget', async () => {
    const tiled = await check(60, (r) => {
      const rank = 1 + r.int(4);
      const shape = Array.from({ length: rank }, () => 1 + r.int(6));
      const big = r.int(rank);
      shape[big] = rank === 1 ? 30000 + r.int(100) : rank === 2 ? 200 + r.int(50) : 60 + r.int(30);
      if (rank >= 3) shape[(big + 1) % rank] = 20 + r.int(20);
      const x = ramp(shape);
      const kind = r.int(4);
      if (kind <= 1) {
        const mode = r.pick(['nearest', 'linear', 'cubic'] as const);
        const ctm = r.pick(['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'tf_crop_and_resize'] as const);
        const options: up.ResizeOptions = { scales: shape.map(() => r.pick([1, 1, 0.5, 0.7, 1.3, 2, 3])), mode, coordinateTransformationMode: ctm,
          nearestMode: r.pick(['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'] as const), excludeOutside: r.int(2) === 1,
          antialias: mode !== 'nearest' && r.int(3) === 0, extrapolationValue: -3 - r.int(3) };
        if (ctm === 'tf_crop_and_resize') options.roi = [...shape.map(() => r.pick([0, -0.2, 0.1])), ...shape.map(() => r.pick([1, 1.3, 0.8]))];
        return [`resize ${JSON.stringify({ shape, ...options })}`, (ops) => ops.resize(x, options)];
      }
      if (kind === 2 && rank === 4) {
        const size: [number, number] = [1 + r.int(2 * shape[1]), 1 + r.int(2 * shape[2])];
        const alignCorners = r.int(2) === 1;
        const options = { alignCorners, halfPixelCenters: !alignCorners && r.int(2) === 1 };
        const bilinear = r.int(2) === 1;
        return [`${bilinear ? 'resizeBilinear' : 'resizeNearestNeighbor'} ${JSON.stringify({ shape, size, ...options })}`,
          (ops) => (bilinear ? ops.resizeBilinear(x, size, options) : ops.resizeNearestNeighbor(x, size, options))];
      }
      if (rank < 3) return undefined;
      const mode = r.pick(rank === 4 ? ['nearest', 'bilinear', 'bicubic', 'nearest-exact'] as const : rank === 3 ? ['nearest', 'linear'] as const : ['nearest', 'trilinear'] as const);
      const scaleFactor = shape.slice(1, -1).map(() => r.pick([0.5, 1, 1.5, 2]));
      return [`interpolate nhwc ${JSON.stringify({ shape, mode, scaleFactor })}`, (ops) => ops.interpolate(x, { scaleFactor, mode, layout: 'nhwc' })];
    }, 11);
    expect(tiled).toBeGreaterThan(40);
  }, 30000);
});
