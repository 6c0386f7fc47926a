// The command gives the same bytes on every Node it supports: Node 20 (running this suite), 22 and
// 24 (from the npm registry). Node 22 and 24 validate relaxed SIMD, whose fused multiply-adds round
// differently from the SIMD build's multiply then add, so the command runs the SIMD build on every
// engine (src/cli/library.ts). PNG files are compared by their pixels: Node 22's zlib deflates the
// same rows into other bytes.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runtimeBinary } from './runtimes.js';

const CLI = join(ROOT, 'dist/cli.js');
let dir: string;

/** Smooth gradients with texture: photo-like, so a resize's rounding shows in a few pixels. */
function photo(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      const t = Math.sin(x * 0.031) * Math.cos(y * 0.027);
      data[i] = 128 + 100 * t + ((x * 7 + y * 13) % 23);
      data[i + 1] = (x * 255) / width;
      data[i + 2] = 255 * ((Math.sin((x + y) * 0.011) + 1) / 2);
    }
  }
  return data;
}

/** Runs the command under `node` on the inputs folder with `args`, into a fresh folder; its files' contents by name. */
function convert(node: string, name: string, args: string[]): Map<string, Buffer> {
  const out = join(dir, name);
  execFileSync(node, [CLI, join(dir, 'in'), '-o', out, '--quiet', ...args], { timeout: 60_000 });
  return new Map(readdirSync(out).map((f) => [f, readFileSync(join(out, f))]));
}

const raw = async (png: Buffer) => sharp(png).raw().toBuffer();
/** Node 20's outputs by case, converted once. */
const node20 = new Map<string, Map<string, Buffer>>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'upsample-cli-nodes-'));
  mkdirSync(join(dir, 'in'));
  const image = (w: number, h: number) => sharp(photo(w, h), { raw: { width: w, height: h, channels: 3 } });
  await Promise.all([
    image(1024, 768).jpeg({ quality: 92 }).toFile(join(dir, 'in/a.jpg')),
    image(1600, 1200).jpeg({ quality: 90 }).toFile(join(dir, 'in/b.jpg')),
    image(333, 250).png().toFile(join(dir, 'in/c.png')),
  ]);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES: Array<[string, string[]]> = [
  ['800 wide, bilinear antialiased', ['--width', '800', '--mode', 'bilinear', '--antialias']],
  ['2x bicubic', ['--scale', '2', '--mode', 'bicubic']],
];

describe.each(['node22', 'node24'] as const)('%s', (version) => {
  it.each(CASES)('%s: the same JPEG bytes and PNG pixels as Node 20', async (label, args) => {
    const tag = label.replace(/\W+/g, '-');
    if (!node20.has(tag)) node20.set(tag, convert(process.execPath, `${tag}-20`, args));
    const mine = node20.get(tag)!;
    const theirs = convert(runtimeBinary(version), `${tag}-${version}`, args);
    expect([...theirs.keys()].sort()).toEqual(['a.jpg', 'b.jpg', 'c.png']);
    for (const [name, bytes] of theirs) {
      if (name.endsWith('.png')) expect((await raw(bytes)).equals(await raw(mine.get(name)!)), name).toBe(true);
      else expect(bytes.equals(mine.get(name)!), name).toBe(true);
    }
  }, 120_000);
});
