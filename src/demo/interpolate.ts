// The seed example: a 4x4 ramp 1..16 over 8 channels, bilinear to 8x8 (align_corners=False).

import type { Operations, Tensor } from '../index.js';

export function seedRamp(channels = 8): Tensor {
  const data = new Float32Array(channels * 16);
  for (let i = 0; i < data.length; i++) data[i] = (i % 16) + 1;
  return { data, shape: [1, channels, 4, 4] };
}

/** The expected first channel, as PyTorch prints it. */
export const SEED_BILINEAR_EXPECTED = [
  [1, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75, 4], [2, 2.25, 2.75, 3.25, 3.75, 4.25, 4.75, 5],
  [4, 4.25, 4.75, 5.25, 5.75, 6.25, 6.75, 7], [6, 6.25, 6.75, 7.25, 7.75, 8.25, 8.75, 9],
  [8, 8.25, 8.75, 9.25, 9.75, 10.25, 10.75, 11], [10, 10.25, 10.75, 11.25, 11.75, 12.25, 12.75, 13],
  [12, 12.25, 12.75, 13.25, 13.75, 14.25, 14.75, 15], [13, 13.25, 13.75, 14.25, 14.75, 15.25, 15.75, 16],
];

export function seedBilinear(ops: Pick<Operations, 'interpolate'>): Tensor {
  return ops.interpolate(seedRamp(), { size: [8, 8], mode: 'bilinear', alignCorners: false });
}

/** Rows of the first channel of an (N, C, H, W) tensor, formatted as a table. */
export function formatChannel(t: Tensor, width = 6): string {
  const [h, w] = t.shape.slice(-2);
  const rows: string[] = [];
  for (let y = 0; y < h; y++) {
    rows.push(Array.from(t.data.subarray(y * w, y * w + w), (v) => String(v).padStart(width)).join(' '));
  }
  return rows.join('\n');
}
