// Headless Chromium from Debian (/usr/bin/chromium) driven by playwright-core: never a browser
// download. A missing or broken Chromium fails the test loudly; it is never skipped.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a closed network: no background requests, no first-run work, no GPU. */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-quic', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  /**
   * Opens `url` in a new page. Page errors and console errors are collected in `errors`, and every
   * response as "<status> <url>" in `responses` (from before the navigation, so none is missed).
   */
  open(url: string, options?: { beforeLoad?: string }): Promise<{ page: Page; errors: string[]; responses: string[] }>;
  close(): Promise<void>;
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'upsample-wasm-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: [...ARGS, ...extraArgs], timeout: 60_000,
    });
  } catch (cause) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`Chromium at ${CHROMIUM} did not start`, { cause });
  }
  return {
    context,
    async open(url, options = {}) {
      const page = await context.newPage();
      const errors: string[] = [];
      const responses: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
      page.on('response', (r) => responses.push(`${r.status()} ${r.url()}`));
      if (options.beforeLoad) await page.addInitScript(options.beforeLoad);
      await page.goto(url);
      return { page, errors, responses };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
