// pixel_shuffle / pixel_unshuffle: a permutation between the small side (p*r*r + i*r + j, h, w)
// and the large side (p, h*r + i, w*r + j). Each (p, h, i) pair of rows moves as a unit: r small
// rows of `width` floats interleave into one large row of width*r floats (or the reverse).

import { storePairs } from './lib/simd';

/** Interleaves (upscale) or de-interleaves r rows; factor 2 has a SIMD path. */
export function pixelShuffle(src: usize, dst: usize, planes: i32, r: i32, height: i32, width: i32, upscale: bool): void {
  const smallRow = <usize>width << 2;
  const smallPlane = <usize>height * smallRow;
  const largeRow = smallRow * <usize>r;
  for (let p = 0; p < planes; p++) {
    for (let h = 0; h < height; h++) {
      for (let i = 0; i < r; i++) {
        // The large row (p, h*r + i) and the first of its r small rows (p*r*r + i*r, h).
        const large = (upscale ? dst : src) + (<usize>((p * height + h) * r + i)) * largeRow;
        const small = (upscale ? src : dst) + <usize>((p * r + i) * r) * smallPlane + <usize>h * smallRow;
        let x = 0;
        if (ASC_FEATURE_SIMD) {
          if (r == 2) {
            const small1 = small + smallPlane;
            for (; x + 4 <= width; x += 4) {
              const s = <usize>x << 2;
              if (upscale) {
                storePairs(large + 2 * s, v128.load(small + s), v128.load(small1 + s));
              } else {
                const a = v128.load(large + 2 * s), b = v128.load(large + 2 * s, 16);
                v128.store(small + s, v128.shuffle<f32>(a, b, 0, 2, 4, 6));
                v128.store(small1 + s, v128.shuffle<f32>(a, b, 1, 3, 5, 7));
              }
            }
          }
        }
        for (let j = 0; j < r; j++) {
          const row = small + <usize>j * smallPlane;
          const col = large + (<usize>j << 2);
          const step = <usize>r << 2;
          if (upscale) {
            for (let y = x; y < width; y++) store<f32>(col + <usize>y * step, load<f32>(row + (<usize>y << 2)));
          } else {
            for (let y = x; y < width; y++) store<f32>(row + (<usize>y << 2), load<f32>(col + <usize>y * step));
          }
        }
      }
    }
  }
}
