// The checks of resizeImage on a canvas's ImageData in a page (./image-runner.js), shared by the
// Chromium test (./image.test.ts) and the other engines' suite (../runtimes/browser-suite.ts).

import { expect } from 'vitest';
import { resizeImage, type ImageTarget, type ResizeImageOptions } from '../../src/index.js';

/** What ./image-runner.js's runImage returns from the page. */
export interface CanvasImageResult {
  build: string;
  isImageData: boolean;
  width: number;
  height: number;
  input: number[];
  wasm: number[];
  js: number[];
  /** The result read back from a canvas after putImageData (opaque pixels only survive exactly). */
  painted: number[];
}

/**
 * The page's results equal Node's within 1 level (the page may run another build), and the
 * canvas round trip keeps opaque pixels exactly (others are premultiplied by the canvas).
 */
export function checkCanvasImage(result: CanvasImageResult, target: ImageTarget, options: ResizeImageOptions): void {
  expect(result.isImageData).toBe(true);
  const node = resizeImage({ data: new Uint8ClampedArray(result.input), width: 40, height: 30 }, target, options);
  expect([result.width, result.height]).toEqual([node.width, node.height]);
  const worst = (a: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - node.data[i])), 0);
  expect(result.wasm).toHaveLength(node.data.length);
  expect(worst(result.wasm)).toBeLessThanOrEqual(1);
  expect(worst(result.js)).toBeLessThanOrEqual(1);
  let opaque = 0;
  for (let p = 3; p < result.wasm.length; p += 4) {
    if (result.wasm[p] !== 255) continue;
    opaque++;
    for (let c = p - 3; c <= p; c++) expect(result.painted[c]).toBe(result.wasm[c]);
  }
  expect(opaque).toBeGreaterThan(100);
}
