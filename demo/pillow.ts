// The demo's Pillow row: Pillow 9.4's own Image.resize of the built-in sample (committed as
// demo/pillow-sample.png by scripts/fixtures/demo_pillow.mjs), resizeImage with convention
// 'pillow' computed live on the chosen backend, and their difference amplified; beside it, the
// difference that the 'pytorch' convention (antialiased bicubic) leaves, for contrast.

import type { Library } from './panels.js';
import { sampleImage, type Rgba } from './panels.js';

export const PILLOW_SIZE = 112;

/** The committed PNG's pixels, decoded without colour conversion (it is opaque RGB). */
export async function loadPillowReference(): Promise<Rgba> {
  const blob = await (await fetch('/demo/pillow-sample.png')).blob();
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  return { data, width, height };
}

/** |a - b| per colour channel times `gain` (opaque), and how many bytes differ. */
export function difference(a: Rgba, b: Rgba, gain: number): { image: Rgba; differing: number } {
  const data = new Uint8ClampedArray(a.data.length);
  let differing = 0;
  for (let i = 0; i < data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a.data[i + c] - b.data[i + c]);
      if (d) differing++;
      data[i + c] = d * gain;
    }
    data[i + 3] = 255;
  }
  return { image: { data, width: a.width, height: a.height }, differing };
}

/** The row's four pictures, for `ops` (the chosen backend). */
export function pillowRow(ops: Library['ops'], reference: Rgba): { id: string; title: string; note: string; image: Rgba; differing?: number }[] {
  const source = { ...sampleImage(), channels: 4 as const };
  const target = { width: PILLOW_SIZE, height: PILLOW_SIZE };
  const ours = ops.resizeImage(source, target, { convention: 'pillow', mode: 'bicubic' });
  const torch = ops.resizeImage(source, target, { mode: 'bicubic', antialias: true });
  const exact = difference(ours, reference, 32);
  const other = difference(torch, reference, 8);
  return [
    { id: 'pillow-reference', title: 'Pillow 9.4', note: 'Image.resize((112, 112), BICUBIC), precomputed', image: reference },
    { id: 'pillow-ours', title: "ours: convention 'pillow'", note: 'resizeImage, computed now', image: ours },
    { id: 'pillow-diff', title: 'difference x32', note: `${exact.differing} of ${3 * PILLOW_SIZE * PILLOW_SIZE} bytes differ`, image: exact.image, differing: exact.differing },
    { id: 'pytorch-diff', title: "'pytorch' bicubic antialias vs Pillow, x8", note: `${other.differing} bytes differ`, image: other.image, differing: other.differing },
  ];
}
