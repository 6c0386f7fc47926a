// The PyTorch fixture suite (interpolate and conv/shuffle) inside headless Chromium, on the default
// (relaxed-SIMD) build, the SIMD build, the forced-scalar build, an engine that refuses SIMD, and
// the inline entry; both entries inside a module Worker; importing changes nothing on the page;
// the CSP rule for WebAssembly. Runs the built package (npm test builds it first).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../../scripts/static-server.mjs';
import { SEED_BILINEAR_EXPECTED } from '../../src/demo/interpolate.js';
import { launchChromium, type Browser } from './chromium.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FAMILIES = ['interpolate', 'conv', 'resize-onnx', 'resize-tf', 'dtypes'];
const caseCount = (family: string): number =>
  JSON.parse(readFileSync(new URL(`../fixtures/${family}.json`, import.meta.url), 'utf8')).cases.length;

interface Report {
  info: { simd: boolean; engineSimd: boolean; build: string; engineRelaxedSimd: boolean };
  userAgent: string;
  counts: Record<string, { total: number; passed: number; failed: number }>;
  failures: string[];
}

/** Makes the engine look SIMD-less: WebAssembly.validate refuses any module using a 0xfd (SIMD) opcode prefix. */
const NO_SIMD = `{
  const validate = WebAssembly.validate;
  WebAssembly.validate = (bytes) => !new Uint8Array(bytes.buffer ?? bytes).includes(0xfd) && validate(bytes);
}`;

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  server = await serveStatic(ROOT);
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function run(options: { entry?: string; initOptions?: Record<string, unknown>; beforeLoad?: string }): Promise<Report> {
  const { page, errors } = await browser.open(`${server.url}test/browser/fixtures.html`, { beforeLoad: options.beforeLoad });
  await page.waitForFunction(() => 'runFixtures' in window);
  const report = await page.evaluate(
    (args) => (window as unknown as { runFixtures(a: unknown): Promise<Report> }).runFixtures(args),
    { entry: options.entry, initOptions: options.initOptions ?? {}, families: FAMILIES },
  );
  await page.close();
  expect(errors).toEqual([]);
  return report;
}

/** Every case of every family ran and passed (the page loads the same JSON files as Node). */
function expectAllPassed(report: Report): void {
  expect(report.failures).toEqual([]);
  expect(Object.keys(report.counts).sort()).toEqual([...FAMILIES].sort());
  for (const [family, count] of Object.entries(report.counts)) {
    expect(count.total, family).toBe(caseCount(family));
    expect(count, family).toEqual({ total: count.total, passed: count.total, failed: 0 });
  }
}

describe('fixtures in headless Chromium', () => {
  it('has fixtures to run', () => {
    for (const f of FAMILIES) expect(caseCount(f)).toBeGreaterThanOrEqual(10);
  });

  it('Float16Array in and out (Chromium has it): nearest exact, linear the float32 result rounded to half', async () => {
    for (const initOptions of [{}, { simd: false }]) {
      const { page, errors } = await browser.open(`${server.url}test/browser/fixtures.html`);
      await page.waitForFunction(() => 'float16Check' in window);
      const result = await page.evaluate((args) => (window as unknown as { float16Check(a: unknown): Promise<unknown> }).float16Check(args), { initOptions });
      await page.close();
      expect(errors).toEqual([]);
      expect(result).toEqual([]);
    }
  }, 60_000);

  it('default build (relaxed SIMD, which Chromium validates): every case passes', async () => {
    const report = await run({});
    expect(report.info).toMatchObject({ build: 'relaxed', simd: true, engineRelaxedSimd: true });
    expectAllPassed(report);
  }, 60_000);

  it('SIMD build: every case passes', async () => {
    const report = await run({ initOptions: { simd: true } });
    expect(report.userAgent).toContain('HeadlessChrome');
    expect(report.info).toMatchObject({ build: 'simd', simd: true, engineSimd: true });
    expectAllPassed(report);
  }, 60_000);

  it('forced scalar build: every case passes', async () => {
    const report = await run({ initOptions: { simd: false } });
    expect(report.info).toMatchObject({ build: 'scalar', simd: false, engineSimd: true });
    expectAllPassed(report);
  }, 60_000);

  it('an engine without SIMD gets the scalar build by default, and every case passes', async () => {
    const report = await run({ beforeLoad: NO_SIMD });
    expect(report.info).toMatchObject({ build: 'scalar', simd: false, engineSimd: false, engineRelaxedSimd: false });
    expectAllPassed(report);
  }, 60_000);

  it('the inline entry (upsample-wasm/inline): every case passes, with no .wasm request', async () => {
    const { page, errors, responses } = await browser.open(`${server.url}test/browser/fixtures.html`);
    await page.waitForFunction(() => 'runFixtures' in window);
    const report = await page.evaluate(
      (args) => (window as unknown as { runFixtures(a: unknown): Promise<Report> }).runFixtures(args),
      { entry: '/dist/inline.js', initOptions: {}, families: FAMILIES },
    );
    await page.close();
    expect(errors).toEqual([]);
    expect(report.info.build).toBe('relaxed');
    expectAllPassed(report);
    expect(responses.filter((r) => r.endsWith('.wasm'))).toEqual([]);
    expect(responses.some((r) => r.endsWith('/dist/inline.js'))).toBe(true);
  }, 60_000);
});

describe('inside a module Worker', () => {
  it.each(['/dist/index.js', '/dist/inline.js'])('%s runs the seed example', async (entry) => {
    const { page, errors } = await browser.open(`${server.url}test/browser/fixtures.html`);
    const result = await page.evaluate<{ build?: string; rows?: number[][]; error?: string }>(`new Promise((resolve) => {
      const worker = new Worker('/test/browser/seed-worker.js?entry=${entry}', { type: 'module' });
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => resolve({ error: event.message || 'worker error' });
    })`);
    await page.close();
    expect(errors).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.build).toBe('relaxed');
    expect(result.rows).toEqual(SEED_BILINEAR_EXPECTED);
  }, 30_000);
});

describe('package hygiene in a page', () => {
  it('importing the package (sideEffects: false) changes nothing on the page: no globals, no handlers', async () => {
    const { page, errors } = await browser.open(`${server.url}test/browser/fixtures.html`);
    await page.waitForFunction(() => 'runFixtures' in window);
    const change = await page.evaluate<{ added: string[]; handlers: string[] }>(`(async () => {
      const before = new Set(Object.keys(window));
      const handlers = () => ['onmessage', 'onerror', 'onunhandledrejection'].filter((k) => window[k] !== null);
      const had = handlers();
      await import('/dist/index.js');
      await import('/dist/inline.js');
      return { added: Object.keys(window).filter((k) => !before.has(k)), handlers: handlers().filter((k) => !had.includes(k)) };
    })()`);
    await page.close();
    expect(errors).toEqual([]);
    expect(change.added, 'new globals after import').toEqual([]);
    expect(change.handlers, 'a module ran worker-only code on the main thread (guard it with '
      + "typeof WorkerGlobalScope !== 'undefined', and do not import the worker module from the main entry)").toEqual([]);
  }, 30_000);
});

describe('Content-Security-Policy', () => {
  /** Opens the fixture page under `csp` and returns what init() did. */
  async function initUnder(csp: string): Promise<string> {
    const strict = await serveStatic(ROOT, { headers: { 'content-security-policy': csp } });
    try {
      const { page } = await browser.open(`${strict.url}test/browser/fixtures.html`);
      await page.waitForFunction(() => 'runFixtures' in window);
      // A string, not a function: vitest would rewrite a function's import() for Node.
      const outcome = await page.evaluate<string>(`import('/dist/index.js').then((up) => up.init())
        .then((info) => 'ok build=' + info.build, (e) => 'refused: ' + e)`);
      await page.close();
      return outcome;
    } finally {
      await strict.close();
    }
  }

  it("runs under script-src 'self' 'wasm-unsafe-eval'", async () => {
    expect(await initUnder("script-src 'self' 'wasm-unsafe-eval'")).toBe('ok build=relaxed');
  }, 30_000);

  it("is refused by the browser without 'wasm-unsafe-eval'", async () => {
    expect(await initUnder("script-src 'self'")).toMatch(/^refused: CompileError/);
  }, 30_000);
});
