// The browser suite for Firefox and WebKit (test/runtimes/firefox.test.ts, webkit.test.ts): the
// PyTorch fixture suite (test/browser/fixture-runner.js, as Chromium runs it) on every build the
// engine validates, the inline entry, both entries in a module Worker, the pool in a cross-origin
// isolated page (shared memory, 2 workers) and in one that is not (the one-thread fallback), and
// resizeImage on a canvas's ImageData. Runs the built package (dist/, build/).

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../../scripts/static-server.mjs';
import { SEED_BILINEAR_EXPECTED } from '../../src/demo/interpolate.js';
import { init, type ResizeImageOptions } from '../../src/index.js';
import { launchEngine, type Engine, type EngineName, type EnginePage } from '../browser/engines.js';
import { checkCanvasImage, type CanvasImageResult } from '../browser/image-check.js';
import { POOL_AGREEMENT } from '../helpers.js';
import { Compat } from './compat.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FAMILIES = ['interpolate', 'conv'];
const BUILDS = ['relaxed', 'simd', 'scalar'] as const;
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

interface Report {
  info: { build: string; simd: boolean; engineSimd: boolean; engineRelaxedSimd: boolean };
  userAgent: string;
  counts: Record<string, { total: number; passed: number; failed: number }>;
  failures: string[];
}

/** Every case of every family ran and passed; returns the number of cases. */
function expectAllPassed(report: Report): number {
  expect(report.failures).toEqual([]);
  expect(Object.keys(report.counts).sort()).toEqual([...FAMILIES].sort());
  let cases = 0;
  for (const [family, count] of Object.entries(report.counts)) {
    expect(count.total, family).toBeGreaterThan(100);
    expect(count, family).toEqual({ total: count.total, passed: count.total, failed: 0 });
    cases += count.total;
  }
  return cases;
}

const fixtures = (args: Record<string, unknown>): string =>
  `(async () => { while (!globalThis.runFixtures) await new Promise((r) => setTimeout(r, 20)); return runFixtures(${JSON.stringify({ families: FAMILIES, ...args })}); })()`;

const wasmRequests = `performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.wasm'))`;

const POOL_CHECK = `(async () => {
  const up = await import('/dist/index.js');
  await up.init();
  const pool = await up.createPool({ threads: 2 });
${POOL_AGREEMENT}
  const ramp4 = ramp([1, 1, 4, 4]);
  const x = pool.allocTensor([1, 1, 4, 4], ramp4.data);
  const y = await pool.interpolate(x, { size: 8, mode: 'bilinear' });
  const sync = up.interpolate(ramp4, { size: 8, mode: 'bilinear' }).data;
  const residentOk = y.data.every((v, i) => Object.is(v, sync[i]));
  await pool.close();
  return { isolated: crossOriginIsolated, sab: typeof SharedArrayBuffer, waitAsync: typeof Atomics.waitAsync === 'function',
    shared: pool.shared, threads: pool.threads, build: pool.build, differ, residentOk };
})()`;

const workerSeed = (entry: string): string => `new Promise((resolve) => {
  const worker = new Worker('/test/browser/seed-worker.js?entry=${entry}', { type: 'module' });
  worker.onmessage = (event) => { resolve(event.data); worker.terminate(); };
  worker.onerror = (event) => resolve({ error: event.message || 'worker error' });
})`;

export function browserSuite(name: EngineName, order: number): void {
  const compat = new Compat(name, order, `test/runtimes/${name}.test.ts`);
  let server: StaticServer;
  let isolated: StaticServer;
  let engine: Engine;
  let validated: string[] = [];

  /** Opens the engine page on `base`, evaluates `expression`, checks the page had no errors. */
  async function inPage<T>(expression: string, base: StaticServer = server): Promise<T> {
    const page: EnginePage = await engine.open(`${base.url}test/browser/engine.html`);
    try {
      const result = await page.evaluate<T>(expression);
      expect(await page.errors()).toEqual([]);
      return result;
    } finally {
      await page.close();
    }
  }

  beforeAll(async () => {
    server = await serveStatic(ROOT);
    isolated = await serveStatic(ROOT, { headers: ISOLATION });
    engine = await launchEngine(name);
    await init({ simd: true });
  }, 180_000);

  afterAll(async ({}, suite) => {
    compat.write(suite);
    await engine?.close();
    await server?.close();
    await isolated?.close();
  }, 60_000);

  describe(`${name}: the PyTorch fixtures`, () => {
    it('the default build is the best one the engine validates (relaxed, SIMD, scalar), and every case passes', async () => {
      const report = await inPage<Report>(fixtures({}));
      const { info } = report;
      validated = BUILDS.filter((b) => b === 'scalar' || (b === 'simd' && info.engineSimd) || (b === 'relaxed' && info.engineSimd && info.engineRelaxedSimd));
      expect(info.build).toBe(validated[0]);
      expectAllPassed(report);
      compat.runtime = name === 'firefox' ? 'Firefox ESR' : 'WebKitGTK (MiniBrowser)';
      compat.version = engine.version;
      compat.defaultBuild = info.build;
      compat.validated = validated;
    }, 240_000);

    it.each(BUILDS)('the %s build: every case passes where the engine validates it, else init() refuses it', async (build) => {
      expect(validated.length, 'the default-build test ran first').toBeGreaterThan(0);
      if (validated.includes(build)) {
        const report = await inPage<Report>(fixtures({ initOptions: { build } }));
        expect(report.info.build).toBe(build);
        const cases = expectAllPassed(report);
        compat.add('fixtures', build, cases, cases);
      } else {
        const outcome = await inPage<string>(`import('/dist/index.js').then((up) => up.init({ build: '${build}' }))
          .then((info) => 'loaded ' + info.build, (e) => 'refused: ' + e.message)`);
        expect(outcome).toMatch(/^refused: init: this engine does not support/);
        compat.add('fixtures', build, 0, 0, 'not validated, init() refuses it');
      }
    }, 240_000);

    it('the inline entry (upsample-wasm/inline): every case passes with no .wasm request (the package entry makes one)', async () => {
      const page = await engine.open(`${server.url}test/browser/engine.html`);
      try {
        const report = await page.evaluate<Report>(fixtures({ entry: '/dist/inline.js' }));
        expect(report.info.build).toBe(validated[0]);
        const cases = expectAllPassed(report);
        expect(await page.evaluate<string[]>(wasmRequests)).toEqual([]);
        // The same probe sees the package entry's request, so the empty list above means something.
        await page.evaluate(`import('/dist/index.js').then((up) => up.init())`);
        expect((await page.evaluate<string[]>(wasmRequests)).length).toBeGreaterThan(0);
        expect(await page.errors()).toEqual([]);
        compat.add('fixtures', 'inline entry', cases, cases);
      } finally {
        await page.close();
      }
    }, 240_000);
  });

  describe(`${name}: a module Worker`, () => {
    it.each(['/dist/index.js', '/dist/inline.js'])('%s runs the seed example', async (entry) => {
      const result = await inPage<{ build?: string; rows?: number[][]; error?: string }>(workerSeed(entry));
      expect(result.error).toBeUndefined();
      expect(result.build).toBe(validated[0]);
      expect(result.rows).toEqual(SEED_BILINEAR_EXPECTED);
      compat.add('other', `module Worker (${entry.slice(6)})`, 1, 1);
    }, 60_000);
  });

  describe(`${name}: the pool`, () => {
    if (name === 'firefox') {
      it('in a cross-origin isolated page: 2 workers share memory, bit-identical to the synchronous API', async () => {
        const result = await inPage<Record<string, unknown>>(POOL_CHECK, isolated);
        expect(result).toMatchObject({ isolated: true, sab: 'function', shared: true, threads: 2, differ: 0, residentOk: true });
        compat.add('pool', 'isolated page', 1, 1, `2 workers (jobs by ${result.waitAsync ? 'Atomics.waitAsync' : 'message'})`);
      }, 60_000);
    } else {
      // WebKitGTK honours COOP/COEP (crossOriginIsolated is true) but does not expose
      // SharedArrayBuffer unless JSC's option is on (Safari exposes it in isolated pages).
      it('in a cross-origin isolated page: WebKitGTK has no SharedArrayBuffer by default, so the fallback, the same bits', async () => {
        const result = await inPage<Record<string, unknown>>(POOL_CHECK, isolated);
        expect(result).toMatchObject({ isolated: true, sab: 'undefined', shared: false, threads: 1, differ: 0, residentOk: true });
        compat.add('pool', 'isolated page', 1, 1, 'no SharedArrayBuffer by default: fallback');
      }, 60_000);

      it('in a cross-origin isolated page with JSC_useSharedArrayBuffer=1 (as Safari): 2 workers share memory, the same bits', async () => {
        const withSab = await launchEngine('webkit', { env: { JSC_useSharedArrayBuffer: '1' } });
        try {
          const page = await withSab.open(`${isolated.url}test/browser/engine.html`);
          const result = await page.evaluate<Record<string, unknown>>(POOL_CHECK);
          expect(await page.errors()).toEqual([]);
          expect(result).toMatchObject({ isolated: true, sab: 'function', shared: true, threads: 2, differ: 0, residentOk: true });
          compat.add('pool', 'isolated page with JSC_useSharedArrayBuffer=1', 1, 1,
            `2 workers (jobs by ${result.waitAsync ? 'Atomics.waitAsync' : 'message'})`);
        } finally {
          await withSab.close();
        }
      }, 90_000);
    }

    it('in a page that is not cross-origin isolated: the one-thread fallback, the same bits', async () => {
      const result = await inPage<Record<string, unknown>>(POOL_CHECK);
      expect(result).toMatchObject({ isolated: false, sab: 'undefined', shared: false, threads: 1, differ: 0, residentOk: true });
      compat.add('pool', 'page not isolated', 1, 1, 'fallback');
    }, 60_000);
  });

  describe(`${name}: resizeImage`, () => {
    it.each([
      [{ mode: 'bicubic' }],
      [{ mode: 'bilinear', antialias: true }],
    ] as Array<[ResizeImageOptions]>)('an ImageData from a canvas, %j, equals Node within 1 level', async (options) => {
      const target = options.antialias ? { width: 23 } : { scale: 2 };
      const result = await inPage<CanvasImageResult>(
        `import('/test/browser/image-runner.js').then((m) => m.runImage(${JSON.stringify({ target, options })}))`);
      expect(result.build).toBe(validated[0]);
      checkCanvasImage(result, target, options);
      compat.add('other', `resizeImage on ImageData (${options.mode}${options.antialias ? ', antialias' : ''})`, 1, 1);
    }, 60_000);
  });
}
