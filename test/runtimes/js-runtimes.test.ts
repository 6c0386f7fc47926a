// Deno and Bun (binaries from the npm registry: @deno/linux-x64-glibc, @oven/bun-linux-x64) on the
// packed package installed in a consumer project: Deno imports it as npm:upsample-wasm, Bun by its
// bare name. In each: the seed examples, every PyTorch fixture (interpolate, conv) on every build the
// engine validates, the pool (2 threads) and its fallback without SharedArrayBuffer, bit-identical to
// the synchronous API, and the CLI (PNG in, PNG out, the same pixels as under Node; exit codes).

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Compat } from './compat.js';
import { consumerProject, POOL_AGREEMENT, ROOT, runtimeBinary } from './runtimes.js';

const CHECK = join(ROOT, 'test/runtimes/runtime-check.mjs');
const FIXTURE_TOTAL = ['interpolate', 'conv'].reduce(
  (n, f) => n + JSON.parse(readFileSync(join(ROOT, `test/fixtures/${f}.json`), 'utf8')).cases.length, 0);

interface Check {
  runtime: string;
  info: { build: string; engineSimd: boolean; engineRelaxedSimd: boolean };
  validated: string[];
  seed: { bilinear: boolean; convTranspose: boolean };
  fixtures: Record<string, { build: string; counts: Record<string, { total: number; passed: number; failed: number }>; failures: string[] }>;
  pool: { shared?: boolean; threads?: number; build?: string; differ?: number; error?: string };
  deletedSab: boolean;
  sab: string;
}

interface Runtime {
  name: 'deno' | 'bun';
  label: string;
  order: number;
  /** The package as the runtime's users import it. */
  entry: (consumer: string) => string;
  /** argv before the script: Deno's permissions (read, env; the CLI also writes). */
  run: (write: boolean) => string[];
}

const RUNTIMES: Runtime[] = [
  { name: 'deno', label: 'Deno', order: 40, entry: () => 'npm:upsample-wasm',
    run: (write) => ['run', '--allow-read', '--allow-env', ...(write ? ['--allow-write'] : [])] },
  { name: 'bun', label: 'Bun', order: 50, entry: (consumer) => `file://${join(consumer, 'entry.mjs')}`, run: () => [] },
];

let consumer: string;

beforeAll(() => {
  consumer = consumerProject();
  copyFileSync(join(ROOT, 'assets/sample.png'), join(consumer, 'sample.png'));
  execFileSync(process.execPath, ['node_modules/upsample-wasm/dist/cli.js', 'sample.png', '-o', 'node.png', '--scale', '2', '--mode', 'bicubic'],
    { cwd: consumer });
}, 120_000);

afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

describe('Node', () => {
  it('the packed CLI converts a folder of every input format across 2 threads from its two bundles alone', async () => {
    // The package ships dist/cli/bin.js and convert-worker.js (with maps), not tsc's modules beside
    // them (package.json "files"): a bundle importing one of those would fail here, not in users' hands.
    const shipped = readdirSync(join(consumer, 'node_modules/upsample-wasm/dist/cli')).sort();
    expect(shipped).toEqual(['bin.js', 'bin.js.map', 'convert-worker.js', 'convert-worker.js.map']);
    const input = join(consumer, 'formats');
    mkdirSync(input, { recursive: true });
    const sample = sharp(join(ROOT, 'assets/sample.png'));
    await Promise.all([sample.clone().jpeg().toFile(join(input, 'a.jpg')), sample.clone().png().toFile(join(input, 'b.png')),
      sample.clone().webp().toFile(join(input, 'c.webp')), sample.clone().avif().toFile(join(input, 'd.avif'))]);
    execFileSync(process.execPath, ['node_modules/upsample-wasm/dist/cli.js', 'formats', '-o', 'formats-out', '--width', '100',
      '--antialias', '--threads', '2', '--quiet'], { cwd: consumer, timeout: 60_000 });
    const written = readdirSync(join(consumer, 'formats-out')).sort();
    expect(written).toEqual(['a.jpg', 'b.png', 'c.webp', 'd.avif']);
    for (const name of written) expect((await sharp(join(consumer, 'formats-out', name)).metadata()).width).toBe(100);
  }, 60_000);
});

describe.each(RUNTIMES)('$label', (rt) => {
  const compat = new Compat(rt.name, rt.order, 'test/runtimes/js-runtimes.test.ts');
  let bin: string;
  let check: Check;

  const runCheck = (extraEnv: Record<string, string> = {}): Check => {
    const out = execFileSync(bin, [...rt.run(false), CHECK, rt.entry(consumer), '0'], {
      cwd: consumer, encoding: 'utf8', timeout: 120_000,
      env: { ...process.env, UPSAMPLE_POOL_AGREEMENT: POOL_AGREEMENT, ...extraEnv },
    });
    return JSON.parse(out.trim().split('\n').pop()!) as Check;
  };

  beforeAll(() => {
    bin = runtimeBinary(rt.name);
    check = runCheck();
    compat.runtime = rt.label;
    compat.version = check.runtime.split(' ')[1];
    compat.defaultBuild = check.info.build;
    compat.validated = check.validated;
  }, 180_000);

  afterAll(({}, suite) => compat.write(suite));

  it('imports the installed package and runs the seed examples (bilinear, transposed convolution) on the default build', () => {
    expect(check.runtime.startsWith(`${rt.label} `)).toBe(true);
    expect(check.info.build).toBe(check.validated[0]);
    expect(check.seed).toEqual({ bilinear: true, convTranspose: true });
    compat.add('other', 'seed examples', 2, 2);
  });

  it('every PyTorch fixture passes on every build the engine validates', () => {
    expect(check.validated).toContain('simd');
    expect(Object.keys(check.fixtures)).toEqual(check.validated);
    for (const [build, report] of Object.entries(check.fixtures)) {
      expect(report.build).toBe(build);
      expect(report.failures, build).toEqual([]);
      const passed = Object.values(report.counts).reduce((n, c) => n + c.passed, 0);
      expect(passed, build).toBe(FIXTURE_TOTAL);
      compat.add('fixtures', build, passed, FIXTURE_TOTAL);
    }
  });

  it('the pool: 2 threads sharing memory, bit-identical to the synchronous API', () => {
    expect(check.pool).toEqual({ shared: true, threads: 2, build: check.info.build, differ: 0 });
    compat.add('pool', 'createPool', 1, 1, '2 threads');
  });

  it('without SharedArrayBuffer (deleted before the import): the pool falls back with the same results', () => {
    const bare = runCheck({ UPSAMPLE_DELETE_SAB: '1' });
    expect({ deletedSab: bare.deletedSab, sab: bare.sab }).toEqual({ deletedSab: true, sab: 'undefined' });
    expect(bare.pool).toEqual({ shared: false, threads: 1, build: bare.info.build, differ: 0 });
    expect(bare.seed).toEqual({ bilinear: true, convTranspose: true });
    for (const report of Object.values(bare.fixtures)) expect(report.failures).toEqual([]);
    compat.add('pool', 'SharedArrayBuffer deleted', 1, 1, 'fallback');
  });

  it('the CLI (dist/cli.js): the same PNG pixels as under Node; exit codes 1 (missing input) and 2 (usage)', () => {
    const cli = join(consumer, 'node_modules/upsample-wasm/dist/cli.js');
    const out = `${rt.name}.png`;
    execFileSync(bin, [...rt.run(true), cli, 'sample.png', '-o', out, '--scale', '2', '--mode', 'bicubic'], { cwd: consumer, timeout: 60_000 });
    const mine = PNG.sync.read(readFileSync(join(consumer, out)));
    const node = PNG.sync.read(readFileSync(join(consumer, 'node.png')));
    expect([mine.width, mine.height]).toEqual([512, 384]);
    expect([mine.width, mine.height]).toEqual([node.width, node.height]);
    expect(Buffer.compare(mine.data, node.data)).toBe(0);
    const status = (args: string[]) => spawnSync(bin, [...rt.run(true), cli, ...args], { cwd: consumer, encoding: 'utf8', timeout: 60_000 });
    const missing = status(['no-such.png', '-o', 'x.png', '--scale', '2']);
    expect(missing.stderr).toContain('no-such.png: no such file or directory');
    expect(missing.status).toBe(1);
    expect(status(['sample.png', '-o', 'x.png']).status).toBe(2); // no size given: a usage error
    compat.add('other', 'CLI (same PNG as Node)', 1, 1);
  }, 60_000);
});
