// The exact conventions against their oracles: Pillow 9.4 (test/fixtures/image-pillow.json) and
// OpenCV 4.6 (test/fixtures/image-opencv.json), through the rule modules (src/rules/) and the
// plain-JS table-driven kernel (src/js/image-exact.ts). Prints, per convention and mode, how many
// cases are bit-exact and the largest difference otherwise.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resizeExact } from '../src/js/image-exact.js';
import {
  opencvNearestExactIndex, opencvTargetSize, planOpenCVResize, type OpenCVMode, type OpenCVTarget,
} from '../src/rules/opencv.js';
import {
  PILLOW_PRECISION_BITS, pillowAxisTable, planPillowResize, pillowPremultiply, pillowUnpremultiply, type PillowMode,
} from '../src/rules/pillow.js';
import type { ExactPlan } from '../src/rules/exact.js';

interface FixtureCase {
  name: string;
  mode: string;
  image: { width: number; height: number; channels: number; data: string };
  target: { width: number; height: number } | { fx: number; fy: number };
  expected: { width: number; height: number; data: string };
}

function load(file: string | URL): { header: Record<string, string>; cases: FixtureCase[] } {
  const json = JSON.parse(readFileSync(typeof file === 'string' ? new URL(`./fixtures/${file}`, import.meta.url) : file, 'utf8'));
  const { cases, ...header } = json;
  return { header, cases };
}

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

interface Tally { cases: number; exact: number; maxDiff: number; differing: number; worst: string }
const summary = new Map<string, Tally>();

function record(key: string, name: string, got: Uint8ClampedArray, want: Uint8Array): number {
  let max = 0, differing = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (d > 0) differing++;
    if (d > max) max = d;
  }
  const t = summary.get(key) ?? { cases: 0, exact: 0, maxDiff: 0, differing: 0, worst: '' };
  t.cases++;
  if (max === 0) t.exact++;
  t.differing += differing;
  if (max > t.maxDiff) { t.maxDiff = max; t.worst = name; }
  summary.set(key, t);
  return max;
}

function check(convention: string, c: FixtureCase, plan: ExactPlan): void {
  expect([plan.outWidth, plan.outHeight]).toEqual([c.expected.width, c.expected.height]);
  const got = resizeExact(plan, bytes(c.image.data));
  const want = bytes(c.expected.data);
  expect(got.length).toBe(want.length);
  const max = record(`${convention} ${c.mode}`, c.name, got, want);
  // The target: bit-exact; never more than 1 level off (OpenCV: bit-exact on every case, fuzz_opencv too).
  expect(max, c.name).toBeLessThanOrEqual(convention.startsWith('opencv') ? 0 : 1);
}

describe('pillow convention vs Pillow 9.4', () => {
  const { header, cases } = load('image-pillow.json');
  it('fixtures come from Pillow 9.4', () => {
    expect(header.pillow).toBe('9.4.0');
    expect(cases.length).toBeGreaterThan(500);
  });
  for (const c of cases) {
    it(c.name, () => {
      const t = c.target as { width: number; height: number };
      const plan = planPillowResize(c.image.width, c.image.height, c.image.channels, t.width, t.height, c.mode as PillowMode);
      check('pillow', c, plan);
    });
  }
});

describe('opencv convention vs OpenCV 4.6', () => {
  const { header, cases } = load('image-opencv.json');
  it('fixtures come from OpenCV 4.6', () => {
    expect(header.opencv).toBe('4.6.0');
    expect(cases.length).toBeGreaterThan(700);
  });
  for (const c of cases) {
    it(c.name, () => {
      const plan = planOpenCVResize(c.image.width, c.image.height, c.image.channels, c.target as OpenCVTarget, c.mode as OpenCVMode);
      check('opencv', c, plan);
    });
  }
});

// Optional: random sweeps written by `image_pillow.py --sweep N --out DIR/sweep-pillow.json` and
// `image_opencv.py --sweep N --out DIR/sweep-opencv.json`, run with CONVENTIONS_SWEEP_DIR=DIR.
const sweepDir = process.env.CONVENTIONS_SWEEP_DIR;
describe.runIf(sweepDir !== undefined)('random sweeps (CONVENTIONS_SWEEP_DIR)', () => {
  for (const convention of ['pillow', 'opencv'] as const) {
    const file = join(sweepDir ?? '', `sweep-${convention}.json`);
    it.runIf(existsSync(file))(`${convention} sweep`, () => {
      const { cases } = load(new URL(`file://${file}`));
      for (const c of cases) {
        const plan = convention === 'pillow'
          ? planPillowResize(c.image.width, c.image.height, c.image.channels, (c.target as { width: number }).width,
                             (c.target as { height: number }).height, c.mode as PillowMode)
          : planOpenCVResize(c.image.width, c.image.height, c.image.channels, c.target as OpenCVTarget, c.mode as OpenCVMode);
        check(`${convention} sweep`, c, plan);
      }
    }, 600_000);
  }
});

describe('rule details', () => {
  it("Pillow's premultiply round trip matches Convert.c", () => {
    expect(pillowPremultiply(255, 128)).toBe(128);
    expect(pillowPremultiply(200, 0)).toBe(0);
    expect(pillowPremultiply(1, 127)).toBe(0);
    expect(pillowPremultiply(1, 128)).toBe(1);
    expect(pillowUnpremultiply(100, 128)).toBe(199);
    expect(pillowUnpremultiply(200, 100)).toBe(255);
    expect(pillowUnpremultiply(37, 0)).toBe(37);
  });
  it("Pillow widens the support on downscale and quantises each coefficient to 22 bits", () => {
    // bicubic: support 2 at scale 1; a 3x shrink reads 12 or 13 source pixels per output.
    const down = pillowAxisTable(30, 10, 'bicubic');
    expect(down.taps).toBeGreaterThanOrEqual(12);
    const up = pillowAxisTable(10, 30, 'bicubic');
    expect(up.taps).toBeLessThanOrEqual(5);
    for (const t of [down, up]) {
      for (let o = 0; o < t.outSize; o++) {
        let sum = 0;
        for (let k = 0; k < t.taps; k++) sum += t.fixed![o * t.taps + k];
        // Rounded one by one: the sum is within a few units of 2^22, not fixed up.
        expect(Math.abs(sum - 2 ** PILLOW_PRECISION_BITS)).toBeLessThanOrEqual(t.taps);
      }
    }
    expect(pillowAxisTable(7, 7, 'lanczos').identity).toBe(true);
  });
  it("OpenCV's sizes from fx / fy round half to even, and 4.6's nearest-exact offset is ifx / 2 - 1", () => {
    expect(opencvTargetSize(7, 5, { fx: 0.5, fy: 0.5 })).toMatchObject({ outWidth: 4, outHeight: 2 });
    expect(Array.from(opencvNearestExactIndex(4, 2))).toEqual([0, 2]);
    expect(Array.from(opencvNearestExactIndex(2, 3))).toEqual([0, 0, 1]);
  });
  it('cubic: the SIMD rule covers whole 8-byte blocks of each row, the scalar rule the tail', () => {
    const plan = planOpenCVResize(5, 5, 3, { width: 7, height: 7 }, 'cubic');
    expect(plan.arithmetic.vectorVertical?.lanes).toBe(8);
    expect(planOpenCVResize(5, 5, 3, { width: 7, height: 7 }, 'linear').arithmetic.vectorVertical).toBeUndefined();
  });
  it('refuses unknown modes', () => {
    expect(() => planPillowResize(2, 2, 1, 3, 3, 'area' as PillowMode)).toThrow(RangeError);
    expect(() => planOpenCVResize(2, 2, 1, { width: 3, height: 3 }, 'bicubic' as OpenCVMode)).toThrow(RangeError);
    expect(() => planPillowResize(2, 2, 5, 3, 3, 'box')).toThrow(/channels/);
    expect(() => planPillowResize(2, 2, 1, 0, 3, 'box')).toThrow(/outWidth/);
    expect(() => planOpenCVResize(3, 3, 1, { fx: 0.1, fy: 1 }, 'linear')).toThrow(/outWidth must be an integer >= 1, but got 0/);
    expect(() => planOpenCVResize(3, 3, 1, { fx: -1, fy: 1 }, 'linear')).toThrow(/fx and fy/);
  });
});

afterAll(() => {
  const lines = ['convention mode: cases, bit-exact, max difference (bytes off by it) [worst case]'];
  for (const [key, t] of [...summary].sort()) {
    lines.push(`${key}: ${t.cases} cases, ${t.exact} bit-exact, max ${t.maxDiff}${t.maxDiff ? ` (${t.differing} bytes) [${t.worst}]` : ''}`);
  }
  console.log(lines.join('\n'));
});
