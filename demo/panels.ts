// The demo's content, free of the DOM so the Node test can recompute any panel: the built-in
// sample picture (drawn in code, so no licence question), RGBA <-> tensor conversion, and the
// panels (each one library call). The library is passed in, so the page uses the package it
// loaded and the test uses src/.

import type { Operations, Tensor } from '../src/index.js';

export interface Library {
  ops: Pick<Operations, 'interpolate' | 'convTranspose2d' | 'resizeImage'>;
  bilinearUpsampleWeights(channels: number, factor: number): Tensor;
}

export interface Rgba { data: Uint8ClampedArray; width: number; height: number }

export interface Panel {
  id: string;
  title: string;
  /** What the panel shows, in one line. */
  note: string;
  /** The source it reads: the small crop (upsampling) or the full picture (downsampling). */
  source: 'crop' | 'full';
  run(lib: Library, input: Tensor, factor: number, out?: Tensor): Tensor;
}

export const SAMPLE_SIZE = 256;
/** Upsampling panels read the centre crop of this size, so every output fits on screen. */
export const CROP_SIZE = 64;

/**
 * The built-in sample: a sky gradient, a sun, hills, and a zone plate (rings whose frequency rises
 * outwards, so aliasing shows at once when downsampled badly); the centre (which the upsampling
 * panels crop) holds a checkerboard, a sharp disk, thin diagonal lines and a row of dots.
 */
export function sampleImage(size = SAMPLE_SIZE): Rgba {
  const data = new Uint8ClampedArray(size * size * 4);
  const s = size / 256;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / s;
      const v = y / s;
      // Sky: deep blue at the top to pale orange at the horizon.
      const t = v / 160;
      let r = 40 + 200 * t;
      let g = 80 + 110 * t;
      let b = 170 - 40 * t;
      // Sun.
      const sun = Math.hypot(u - 206, v - 46);
      if (sun < 26) { r = 255; g = 215 - sun; b = 90; }
      // Hills: two sine ridges.
      if (v > 170 + 18 * Math.sin(u / 23)) { r = 60; g = 140 + 30 * Math.sin(u / 9); b = 70; }
      if (v > 205 + 10 * Math.sin(u / 15 + 1)) { r = 35; g = 95; b = 50; }
      // Zone plate, top left: up to ~0.45 cycles per pixel at its rim.
      const zr = Math.hypot(u - 52, v - 52);
      if (zr < 48) {
        const z = 127.5 + 127.5 * Math.cos((zr * zr) / 34);
        r = g = b = z;
      }
      // The centre: checkerboard (4-pixel squares), a sharp disk, thin lines, dots.
      if (u >= 100 && u < 128 && v >= 100 && v < 128) {
        const on = ((Math.floor(u / 4) + Math.floor(v / 4)) & 1) === 0;
        r = on ? 250 : 20; g = on ? 250 : 20; b = on ? 250 : 160;
      }
      if (Math.hypot(u - 143, v - 113) < 11) { r = 200; g = 40; b = 160; }
      if (u >= 96 && u < 128 && v >= 130 && v < 160 && Math.abs(((u + v) % 6) - 3) < 0.6) { r = g = b = 255; }
      if (u >= 130 && u < 160 && v >= 140 && v < 156 && Math.hypot((u % 8) - 4, (v % 8) - 4) < 2.5) { r = 230; g = 30; b = 40; }
      const i = (y * size + x) * 4;
      data[i] = r; data[i + 1] = g; data[i + 2] = b; data[i + 3] = 255;
    }
  }
  return { data, width: size, height: size };
}

/** RGBA bytes -> a (1, 3, H, W) tensor in [0, 1] (alpha dropped). */
export function toTensor(image: Rgba): Tensor {
  const { width, height } = image;
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    data[p] = image.data[p * 4] / 255;
    data[plane + p] = image.data[p * 4 + 1] / 255;
    data[2 * plane + p] = image.data[p * 4 + 2] / 255;
  }
  return { data, shape: [1, 3, height, width] };
}

/** A (1, 3, H, W) tensor -> RGBA bytes, clamped to [0, 1] and rounded. */
export function toRgba(t: Tensor): Rgba {
  const [, , height, width] = t.shape;
  const plane = width * height;
  const data = new Uint8ClampedArray(plane * 4);
  for (let p = 0; p < plane; p++) {
    data[p * 4] = Math.round(t.data[p] * 255);
    data[p * 4 + 1] = Math.round(t.data[plane + p] * 255);
    data[p * 4 + 2] = Math.round(t.data[2 * plane + p] * 255);
    data[p * 4 + 3] = 255;
  }
  return { data, width, height };
}

/** The centre `size` x `size` of a (1, C, H, W) tensor. */
export function centreCrop(t: Tensor, size = CROP_SIZE): Tensor {
  const [n, c, h, w] = t.shape;
  const top = (h - size) >> 1;
  const left = (w - size) >> 1;
  const data = new Float32Array(n * c * size * size);
  for (let p = 0; p < n * c; p++) {
    for (let y = 0; y < size; y++) {
      const from = (p * h + top + y) * w + left;
      data.set(t.data.subarray(from, from + size), (p * size + y) * size);
    }
  }
  return { data, shape: [n, c, size, size] };
}

/** A seeded generator (mulberry32), so the "random" kernel is the same on every load and in the test. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random positive 3x3 kernel per channel (depthwise, weight (3, 1, 3, 3)), scaled so its taps
 * sum to stride^2 = 4: the mean brightness is kept, but with stride 2 the output phases get
 * 1, 2 or 4 taps each, so the picture is overlaid with the checkerboard that made transposed
 * convolutions infamous (Odena et al., 2016).
 */
export function randomKernel(seed = 7): Tensor {
  const next = random(seed);
  const data = new Float32Array(27);
  for (let c = 0; c < 3; c++) {
    let sum = 0;
    for (let k = 0; k < 9; k++) sum += data[c * 9 + k] = 0.5 + next();
    for (let k = 0; k < 9; k++) data[c * 9 + k] *= 4 / sum;
  }
  return { data, shape: [3, 1, 3, 3] };
}

const RANDOM_KERNEL = randomKernel();

export const PANELS: Panel[] = [
  { id: 'nearest', title: 'nearest', note: 'interpolate, mode nearest', source: 'crop',
    run: ({ ops }, x, f, out) => ops.interpolate(x, { scaleFactor: f, mode: 'nearest', out }) },
  { id: 'bilinear', title: 'bilinear', note: 'interpolate, mode bilinear', source: 'crop',
    run: ({ ops }, x, f, out) => ops.interpolate(x, { scaleFactor: f, mode: 'bilinear', out }) },
  { id: 'bicubic', title: 'bicubic', note: 'interpolate, mode bicubic (overshoot clamped for display)', source: 'crop',
    run: ({ ops }, x, f, out) => ops.interpolate(x, { scaleFactor: f, mode: 'bicubic', out }) },
  { id: 'convt-bilinear', title: 'transposed conv, bilinear kernel', note: 'convTranspose2d with bilinearUpsampleWeights(3, f), stride f', source: 'crop',
    run: ({ ops, bilinearUpsampleWeights }, x, f, out) => ops.convTranspose2d(x, bilinearUpsampleWeights(3, f),
      { stride: f, padding: Math.ceil((f - 1) / 2), groups: 3, out }) },
  { id: 'convt-random', title: 'transposed conv, random 3x3, stride 2', note: 'convTranspose2d, kernel 3, stride 2: checkerboard artifacts', source: 'crop',
    run: ({ ops }, x, _f, out) => ops.convTranspose2d(x, RANDOM_KERNEL, { stride: 2, padding: 1, outputPadding: 1, groups: 3, out }) },
  { id: 'down-nearest', title: 'down: nearest', note: 'interpolate 1/f, nearest: aliasing', source: 'full',
    run: ({ ops }, x, f, out) => ops.interpolate(x, { size: downSize(x, f), mode: 'nearest', out }) },
  { id: 'down-bilinear', title: 'down: bilinear', note: 'interpolate 1/f, bilinear without antialias', source: 'full',
    run: ({ ops }, x, f, out) => ops.interpolate(x, { size: downSize(x, f), mode: 'bilinear', out }) },
  { id: 'down-area', title: 'down: area', note: 'interpolate 1/f, mode area (box average)', source: 'full',
    run: ({ ops }, x, f, out) => ops.interpolate(x, { size: downSize(x, f), mode: 'area', out }) },
  { id: 'down-antialias', title: 'down: bilinear, antialias', note: 'interpolate 1/f, bilinear with antialias: true', source: 'full',
    run: ({ ops }, x, f, out) => ops.interpolate(x, { size: downSize(x, f), mode: 'bilinear', antialias: true, out }) },
  { id: 'down-bicubic-aa', title: 'down: bicubic, antialias', note: 'interpolate 1/f, bicubic with antialias: true', source: 'full',
    run: ({ ops }, x, f, out) => ops.interpolate(x, { size: downSize(x, f), mode: 'bicubic', antialias: true, out }) },
];

function downSize(x: Tensor, f: number): number[] {
  return [Math.max(1, Math.floor(x.shape[2] / f)), Math.max(1, Math.floor(x.shape[3] / f))];
}
