// The worker pool in a page (headless Debian Chromium): module Workers sharing one memory when the
// page is cross-origin isolated (COOP + COEP headers), the one-thread fallback when it is not;
// bit-identical to the synchronous API either way. Serves dist/ and build/ (npm test builds first).

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from './browser/chromium.js';
import { POOL_AGREEMENT } from './helpers.js';

const ROOT = new URL('../', import.meta.url);
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

const PAGE = `<!doctype html><script type="module">
import * as up from '/dist/index.js';
try {
  await up.init();
  const pool = await up.createPool({ threads: 2 });
${POOL_AGREEMENT}
  const x = pool.allocTensor([1, 1, 4, 4], ramp([1, 1, 4, 4]).data);
  const y = await pool.interpolate(x, { size: 8, mode: 'bilinear' });
  const residentOk = y.data.every((v, i) => Object.is(v, up.interpolate(ramp([1, 1, 4, 4]), { size: 8, mode: 'bilinear' }).data[i]));
  await pool.close();
  window.__result = { isolated: crossOriginIsolated, shared: pool.shared, threads: pool.threads, differ, residentOk };
} catch (error) {
  window.__result = { error: String(error && error.stack || error) };
}
</script>`;

function serve(isolated: boolean): Promise<Server> {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const headers: Record<string, string> = isolated
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (path === '/page.html') {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(PAGE);
      return;
    }
    if (!/^\/(dist|build)\/[\w./-]+$/.test(path) || path.includes('..')) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(new URL(`.${path}`, ROOT));
      const type = TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';
      response.writeHead(200, { ...headers, 'Content-Type': type }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the pool in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(() => browser?.close());

  it.each([
    [true, { isolated: true, shared: true, threads: 2, differ: 0, residentOk: true }],
    [false, { isolated: false, shared: false, threads: 1, differ: 0, residentOk: true }],
  ])('cross-origin isolated %s: workers share memory only when isolated; same bits', async (isolated, expected) => {
    const server = await serve(isolated);
    try {
      const { port } = server.address() as AddressInfo;
      const { page, errors } = await browser.open(`http://127.0.0.1:${port}/page.html`);
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result, undefined, { timeout: 30_000 });
      const result = await page.evaluate(() => (window as unknown as { __result: unknown }).__result);
      expect(result).toEqual(expected);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      server.close();
    }
  }, 60_000);
});
