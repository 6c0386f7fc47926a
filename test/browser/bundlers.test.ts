// The packed package (npm pack) installed in a separate consumer folder: Node ESM through the
// `exports` map (root and inline entries, types), and a tiny app (test/browser/app/) bundled by
// Vite (production build and dev server), esbuild and webpack 5, or run unbundled with an import
// map, served on 127.0.0.1 and opened in headless Chromium, where the page must show the seed's
// bilinear example.

import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../scripts/static-server.mjs';
import { SEED_BILINEAR_EXPECTED } from '../../src/demo/interpolate.js';
import { launchChromium, type Browser } from './chromium.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP = fileURLToPath(new URL('./app/', import.meta.url));
const BIN = join(ROOT, 'node_modules', '.bin');

let tmp: string;
let consumer: string;
let browser: Browser;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'upsample-wasm-consumer-'));
  consumer = join(tmp, 'consumer');
  mkdirSync(consumer);
  // The package as published: `npm pack` of the built tree (npm test builds it first).
  await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp], { cwd: ROOT });
  const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'))!;
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(tmp, tarball)], { cwd: consumer });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A copy of the app in consumer/<name>/ (so `upsample-wasm` resolves to the installed package). */
function app(name: string, main = 'main.js'): string {
  const dir = join(consumer, name);
  mkdirSync(dir);
  copyFileSync(join(APP, 'index.html'), join(dir, 'index.html'));
  copyFileSync(join(APP, main), join(dir, 'main.js'));
  copyFileSync(join(APP, 'seed.js'), join(dir, 'seed.js'));
  return dir;
}

/** The app bundled by esbuild into <dir>/out/ (with its page), which must build without warnings. */
async function esbuildApp(name: string, main: string): Promise<string> {
  const esbuild = await import('esbuild');
  const dir = app(name, main);
  const result = await esbuild.build({ entryPoints: [join(dir, 'main.js')], bundle: true, format: 'esm',
    outfile: join(dir, 'out', 'main.js'), logLevel: 'silent', platform: 'browser' });
  expect(result.warnings).toEqual([]);
  copyFileSync(join(dir, 'index.html'), join(dir, 'out', 'index.html'));
  return dir;
}

interface Seed { simd: boolean; shape: number[]; rows: number[][] }

function expectSeed(result: string): void {
  expect(result).not.toMatch(/^error|^running/);
  const seed = JSON.parse(result) as Seed;
  expect(seed.shape).toEqual([1, 8, 8, 8]);
  expect(seed.rows).toEqual(SEED_BILINEAR_EXPECTED);
  expect(seed.simd).toBe(true);
}

/** Opens `url`, waits for the app to finish, checks the seed table; returns the .wasm URLs fetched. */
async function checkPage(url: string): Promise<string[]> {
  const { page, errors, responses } = await browser.open(url);
  await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'running', undefined, { timeout: 20_000 });
  const result = (await page.textContent('#result'))!;
  await page.close();
  expect(errors).toEqual([]);
  expectSeed(result);
  return responses.filter((r) => r.endsWith('.wasm'));
}

async function serveAndCheck(dir: string, path = ''): Promise<string[]> {
  const server = await serveStatic(dir);
  try {
    return await checkPage(server.url + path);
  } finally {
    await server.close();
  }
}

describe('Node, from a consumer folder through the exports map', () => {
  it('import from the root and from upsample-wasm/inline', async () => {
    writeFileSync(join(consumer, 'node-app.mjs'), `
      import * as root from 'upsample-wasm';
      import * as inline from 'upsample-wasm/inline';
      const out = {};
      for (const [name, up] of Object.entries({ root, inline })) {
        const info = await up.init();
        const y = up.interpolate({ data: new Float32Array(128).map((_, i) => (i % 16) + 1), shape: [1, 8, 4, 4] },
          { size: [8, 8], mode: 'bilinear', alignCorners: false });
        out[name] = { simd: info.simd, shape: y.shape, rows: Array.from({ length: 8 }, (_, r) => Array.from(y.data.subarray(r * 8, r * 8 + 8))) };
      }
      console.log(JSON.stringify(out));
    `);
    const { stdout } = await run('node', ['node-app.mjs'], { cwd: consumer });
    const out = JSON.parse(stdout) as Record<string, Seed>;
    expect(Object.keys(out)).toEqual(['root', 'inline']);
    for (const seed of Object.values(out)) expectSeed(JSON.stringify(seed));
  }, 30_000);

  it('is ESM only: CommonJS loads it with import(), or require() where Node has require(esm) (20.19+, 22.12+)', async () => {
    writeFileSync(join(consumer, 'cjs-app.cjs'), `
      let required;
      try { required = typeof require('upsample-wasm').interpolate; } catch (e) { required = e.code; }
      import('upsample-wasm').then(async (up) => {
        const info = await up.init();
        console.log(JSON.stringify({ required, simd: info.simd }));
      });
    `);
    const { stdout } = await run('node', ['cjs-app.cjs'], { cwd: consumer });
    const out = JSON.parse(stdout);
    expect(out.simd).toBe(true);
    const [major, minor] = process.versions.node.split('.').map(Number);
    const requireEsm = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
    expect(out.required, 'require(esm) refuses a module graph with top-level await (ERR_REQUIRE_ASYNC_MODULE): '
      + 'keep top-level await out of every module the root entry imports').toBe(requireEsm ? 'function' : 'ERR_REQUIRE_ESM');
  }, 30_000);

  it('ships types for both entries (tsc, NodeNext resolution)', async () => {
    writeFileSync(join(consumer, 'types-check.ts'), `
      import { init, interpolate, type Tensor } from 'upsample-wasm';
      import * as inline from 'upsample-wasm/inline';
      const x: Tensor = { data: new Float32Array(4), shape: [1, 1, 2, 2] };
      export async function f(): Promise<number> {
        const info = await init({ simd: false });
        const b = await inline.init();
        return interpolate(x, { scaleFactor: 2, mode: 'bilinear' }).data.length + Number(info.simd && b.simd);
      }
      // @ts-expect-error: an unknown mode is a type error
      interpolate(x, { mode: 'cubic', size: 2 });
    `);
    await run(join(BIN, 'tsc'), ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--target', 'es2022', '--lib', 'es2022,dom', '--skipLibCheck', 'types-check.ts'], { cwd: consumer });
  }, 60_000);
});

describe('bundlers and browsers', () => {
  it('plain <script type="module"> with an import map, no bundler: loads build/*.wasm beside dist/', async () => {
    const dir = app('plain');
    writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
      <script type="importmap">{ "imports": { "upsample-wasm": "/node_modules/upsample-wasm/dist/index.js" } }</script>
      <pre id="result">running</pre><script type="module" src="/plain/main.js"></script>`);
    const wasm = await serveAndCheck(consumer, 'plain/');
    expect(wasm).toEqual([expect.stringMatching(/^200 .*\/node_modules\/upsample-wasm\/build\/relaxed\.wasm$/)]);
  }, 30_000);

  it('Vite production build: the .wasm is emitted as an asset and fetched', async () => {
    const { build } = await import('vite');
    const dir = app('vite-build');
    try {
      await build({ root: dir, configFile: false, logLevel: 'silent', cacheDir: join(tmp, 'vite-cache'),
        build: { outDir: join(dir, 'dist'), emptyOutDir: true } });
    } catch (cause) {
      // Seen: Vite bundles `new Worker(new URL('./worker.js', import.meta.url))` as an 'iife' worker,
      // where top-level await is a syntax error.
      throw new Error('vite build of an app importing the package failed (a worker module with top-level await '
        + `fails it: Vite's default worker format is 'iife'): ${(cause as Error).message}`, { cause });
    }
    const wasm = await serveAndCheck(join(dir, 'dist'));
    expect(wasm).toEqual([expect.stringMatching(/^200 .*\/assets\/relaxed-[\w-]+\.wasm$/)]);
  }, 60_000);

  it('Vite dev server (dependency pre-bundling on)', async () => {
    const { createServer } = await import('vite');
    const dir = app('vite-dev');
    const server = await createServer({ root: dir, configFile: false, logLevel: 'silent', cacheDir: join(tmp, 'vite-dev-cache'),
      server: { host: '127.0.0.1', port: 0, hmr: false, watch: null } });
    await server.listen();
    try {
      const wasm = await checkPage(server.resolvedUrls!.local[0]);
      // Vite 8 pre-bundles the package yet keeps the asset URL pointing into node_modules.
      expect(wasm).toEqual([expect.stringMatching(/^200 .*\/node_modules\/upsample-wasm\/build\/relaxed\.wasm$/)]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('esbuild with the inline entry: no asset at all', async () => {
    const dir = await esbuildApp('esbuild-inline', 'main-inline.js');
    expect(await serveAndCheck(join(dir, 'out'))).toEqual([]);
  }, 30_000);

  it('esbuild with the root entry and the .wasm copied beside the bundle, passed to init({ wasm })', async () => {
    const dir = await esbuildApp('esbuild-copy', 'main-wasm-url.js');
    copyFileSync(join(consumer, 'node_modules', 'upsample-wasm', 'build', 'simd.wasm'), join(dir, 'out', 'simd.wasm'));
    const wasm = await serveAndCheck(join(dir, 'out'));
    expect(wasm).toEqual([expect.stringMatching(/^200 .*\/simd\.wasm$/)]);
  }, 30_000);

  it('webpack 5 production build: new URL(..., import.meta.url) becomes an emitted asset', async () => {
    const { default: webpack } = await import('webpack');
    const dir = app('webpack');
    const stats = await new Promise<import('webpack').Stats>((done, fail) => {
      // Minifying (terser in worker processes) would add ~8 s here and nothing to what is tested;
      // unminified, the whole package passes webpack's 244 KiB size hint, which says nothing of
      // a user's minified bundle, so the hints are off and every other warning still fails.
      webpack({ mode: 'production', context: dir, entry: './main.js', devtool: false, optimization: { minimize: false }, performance: { hints: false },
        output: { path: join(dir, 'out'), filename: 'main.js' } }, (error, result) => (error ? fail(error) : done(result!)));
    });
    expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
    expect(stats.hasWarnings(), stats.toString('errors-warnings')).toBe(false);
    cpSync(join(dir, 'index.html'), join(dir, 'out', 'index.html'));
    const wasm = await serveAndCheck(join(dir, 'out'));
    expect(wasm).toEqual([expect.stringMatching(/^200 .*\.wasm$/)]);
  }, 60_000);
});
