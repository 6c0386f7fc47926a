// Plain-JS pixel shuffle / unshuffle: r small rows interleave into one large row (or the reverse).

import type { ShuffleInputs, ShufflePlan } from '../shuffle.js';

export function runShuffle(plan: ShufflePlan, { input }: ShuffleInputs, output: Float32Array): void {
  const { planes, factor: r, height, width, upscale } = plan;
  const smallPlane = height * width;
  const largeRow = width * r;
  // Bit patterns: NaN payloads pass unchanged.
  const src = new Int32Array(input.buffer, input.byteOffset, input.length);
  const dst = new Int32Array(output.buffer, output.byteOffset, output.length);
  for (let p = 0; p < planes; p++) {
    for (let h = 0; h < height; h++) {
      for (let i = 0; i < r; i++) {
        const large = ((p * height + h) * r + i) * largeRow;
        for (let j = 0; j < r; j++) {
          const small = ((p * r + i) * r + j) * smallPlane + h * width;
          if (upscale) {
            for (let y = 0, o = large + j; y < width; y++, o += r) dst[o] = src[small + y];
          } else {
            for (let y = 0, o = large + j; y < width; y++, o += r) dst[small + y] = src[o];
          }
        }
      }
    }
  }
}
