// The bands a PNG streams in (src/cli/png-stream.ts streamBands): about 1 MiB of output and of
// input each, on the bench's downscales of photos (cut bands and bands resized as smaller images)
// and on an upscale; never so small that a band is a handful of rows (each band costs a call).

import { describe, expect, it } from 'vitest';
import { bandGeometry } from '../src/cli/bands.js';
import { streamBands } from '../src/cli/png-stream.js';

const MIB = 2 ** 20;

describe('streamBands', () => {
  it.each([
    // width, height, out width, channels, mode: what the bands are
    [3000, 2000, 800, 3, 'bilinear'], // a row scale of 3.75 (not exact in bands as images): cut bands
    [2000, 1500, 800, 3, 'bilinear'], // 2.5: bands as smaller images, fewer rows so their input stays near 1 MiB
    [2000, 1500, 800, 4, 'bicubic'],
    [512, 512, 1024, 3, 'bicubic'], // an upscale: 1 MiB of output
  ] as const)('%i x %i to %i wide (%i channels, %s): about 1 MiB of input and output a band', (width, height, outWidth, channels, mode) => {
    const outHeight = Math.floor((height * outWidth) / width);
    const g = bandGeometry({ width, height }, outWidth, outHeight, { width: outWidth }, { mode, antialias: true }, channels);
    const plan = streamBands(g);
    if (!('bands' in plan)) throw new Error(plan.reason);
    const input = Math.max(...plan.bands.map((b) => b.inRows)) * width * channels;
    const output = Math.max(...plan.bands.map((b) => b.k1 - b.k0)) * outWidth * channels;
    expect(input).toBeLessThan(2.5 * MIB);
    expect(output).toBeLessThan(1.5 * MIB);
    // Not bands of a few rows: the whole image in under 40 bands (each costs a call and its tables).
    expect(plan.bands.length).toBeLessThan(Math.max(40, (width * height * channels) / MIB * 2));
    expect(Math.max(input, output)).toBeGreaterThan(MIB / 2); // the larger side near 1 MiB
  });
});
