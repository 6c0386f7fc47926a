// The seed's transposed-convolution examples: the 4x4 ramp 1..16 over 8 channels, every weight 2
// (weight (8, 8, k, k), groups 1, no bias), through F.conv_transpose2d. `npm start` prints the table.

import { convTransposeOutputShape, js, type Operations, type Tensor } from '../index.js';

function ramp(channels = 8): Tensor {
  const data = new Float32Array(channels * 16);
  for (let i = 0; i < data.length; i++) data[i] = (i % 16) + 1;
  return { data, shape: [1, channels, 4, 4] };
}

function twos(shape: number[]): Tensor {
  return { data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(2), shape };
}

/** k=4, s=2, p=1: the first channel (every channel is the same), as the issue states it. */
export const SEED_CONV_TRANSPOSE_K4 = [
  [16, 48, 48, 80, 80, 112, 112, 64], [96, 224, 224, 288, 288, 352, 352, 192],
  [96, 224, 224, 288, 288, 352, 352, 192], [224, 480, 480, 544, 544, 608, 608, 320],
  [224, 480, 480, 544, 544, 608, 608, 320], [352, 736, 736, 800, 800, 864, 864, 448],
  [352, 736, 736, 800, 800, 864, 864, 448], [208, 432, 432, 464, 464, 496, 496, 256],
];

/** k=3, s=2, p=1, dilation=2: the first channel, from PyTorch 1.13 (taps land on odd outputs only). */
export const SEED_CONV_TRANSPOSE_K3_D2 = [
  [0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 224, 0, 384, 0, 480, 0, 352, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0],
  [0, 528, 0, 864, 0, 1008, 0, 720, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 912, 0, 1440, 0, 1584, 0, 1104, 0],
  [0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 736, 0, 1152, 0, 1248, 0, 864, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0],
];

interface Example {
  label: string;
  k: number;
  options: { stride: number; padding: number; dilation: number };
  expected: number[][];
}

const EXAMPLES: Example[] = [
  { label: 'k=4, s=2, p=1', k: 4, options: { stride: 2, padding: 1, dilation: 1 }, expected: SEED_CONV_TRANSPOSE_K4 },
  { label: 'k=3, s=2, p=1, dilation=2', k: 3, options: { stride: 2, padding: 1, dilation: 2 }, expected: SEED_CONV_TRANSPOSE_K3_D2 },
];

function channelRows(t: Tensor, channel: number): number[][] {
  const [h, w] = t.shape.slice(-2);
  return Array.from({ length: h }, (_, y) => Array.from(t.data.subarray((channel * h + y) * w, (channel * h + y + 1) * w)));
}

/**
 * The seed's transposed-convolution table: for both examples, the output size by the right formula
 * and by the seed's, whether all 8 channels match PyTorch, and the first channel.
 */
export function seedConvTransposeTable(ops: Pick<Operations, 'convTranspose2d'> = js): string {
  const x = ramp();
  const lines = [
    "Transposed convolution, seed examples: 4x4 ramp 1..16 over 8 channels, weight (8, 8, k, k) all 2, no bias",
    '',
    '| example | output shape | (in-1)*s - 2p + d*(k-1) + op + 1 | seed: (in-1)*s + k + op + d - 2p | matches PyTorch |',
    '|---|---|---:|---:|---|',
  ];
  const grids: string[] = [];
  for (const e of EXAMPLES) {
    const { stride: s, padding: p, dilation: d } = e.options;
    const y = ops.convTranspose2d(x, twos([8, 8, e.k, e.k]), e.options);
    const right = (4 - 1) * s - 2 * p + d * (e.k - 1) + 1;
    const seed = (4 - 1) * s + e.k + d - 2 * p;
    const shape = convTransposeOutputShape(x.shape, [8, 8, e.k, e.k], e.options);
    let ok = shape.join() === y.shape.join() && y.shape[1] === 8;
    for (let c = 0; c < 8 && ok; c++) ok = channelRows(y, c).flat().every((v, i) => v === e.expected.flat()[i]);
    lines.push(`| ${e.label} | [${y.shape.join(', ')}] | ${right} | ${seed} | ${ok ? 'yes' : 'NO'} |`);
    const width = Math.max(...e.expected.flat().map((v) => String(v).length)) + 1;
    grids.push(`First channel, ${e.label}:`, ...channelRows(y, 0).map((row) => row.map((v) => String(v).padStart(width)).join('')), '');
  }
  lines.push('', 'The seed formula is off by 1 - (dilation-1)*(k-2): right for k=3, dilation=2 only by coincidence,',
    'one too large without dilation, and 3 too small for k=4, s=2, p=1, dilation=3 (11 where PyTorch gives 14).', '', ...grids);
  return lines.join('\n').trimEnd();
}

/** Whether both seed examples match PyTorch on these operations. */
export function seedConvTransposeMatches(ops: Pick<Operations, 'convTranspose2d'> = js): boolean {
  return !seedConvTransposeTable(ops).includes('| NO |');
}
