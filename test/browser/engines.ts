// Firefox and WebKit from Debian, with no downloaded browser:
// - Firefox ESR (/usr/bin/firefox-esr, `apt-get install -y firefox-esr`) driven by puppeteer-core
//   over WebDriver BiDi, with the executable given explicitly;
// - WebKitGTK's MiniBrowser driven by WebKitWebDriver (`apt-get install -y webkit2gtk-driver`) over
//   classic WebDriver (HTTP), under xvfb-run (MiniBrowser needs an X display).
// Both give the same small interface: open a URL, evaluate an expression (awaited if a Promise),
// collect page errors. A missing or broken browser throws: it is never skipped.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import puppeteer, { type Browser as PuppeteerBrowser } from 'puppeteer-core';

export type EngineName = 'firefox' | 'webkit';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

export interface EnginePage {
  /** Evaluates a JavaScript expression in the page; a Promise is awaited. Values must be JSON. */
  evaluate<T>(expression: string): Promise<T>;
  /** Page errors and console errors seen so far (WebKit: those the page's capture-errors.js saw). */
  errors(): Promise<string[]>;
  close(): Promise<void>;
}

export interface Engine {
  name: EngineName;
  /** "firefox/153.8.0", "MiniBrowser/2.50.6" */
  version: string;
  open(url: string): Promise<EnginePage>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Extra environment for the browser's processes (WebKit: JSC options such as JSC_useSharedArrayBuffer). */
  env?: Record<string, string>;
}

export function launchEngine(name: EngineName, options: LaunchOptions = {}): Promise<Engine> {
  return name === 'firefox' ? launchFirefox(options) : launchWebKit(options);
}

async function launchFirefox(options: LaunchOptions): Promise<Engine> {
  if (!existsSync(FIREFOX)) {
    throw new Error(`Firefox not found at ${FIREFOX}: install it with \`apt-get install -y firefox-esr\` (.ci/run does)`);
  }
  let browser: PuppeteerBrowser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox', protocol: 'webDriverBiDi', executablePath: FIREFOX, headless: true, timeout: 90_000,
      ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
      // A closed network: no update checks, telemetry, captive-portal or remote-settings requests.
      extraPrefsFirefox: {
        'app.update.enabled': false, 'network.captive-portal-service.enabled': false, 'network.connectivity-service.enabled': false,
        'datareporting.policy.dataSubmissionEnabled': false, 'toolkit.telemetry.enabled': false, 'browser.safebrowsing.malware.enabled': false,
        'browser.safebrowsing.phishing.enabled': false, 'extensions.update.enabled': false,
      },
    });
  } catch (cause) {
    throw new Error(`Firefox at ${FIREFOX} did not start under puppeteer-core (WebDriver BiDi)`, { cause });
  }
  const version = await browser.version();
  return {
    name: 'firefox',
    version,
    async open(url) {
      const page = await browser.newPage();
      const seen: string[] = [];
      page.on('pageerror', (e) => seen.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
      page.on('console', (m) => { if (m.type() === 'error') seen.push(`console: ${m.text()}`); });
      await page.goto(url, { timeout: 60_000 });
      return {
        async evaluate<T>(expression: string) { return (await page.evaluate(expression)) as T; },
        async errors() {
          const captured = await page.evaluate('globalThis.__errors ?? []') as string[];
          return [...seen, ...captured];
        },
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A WebDriver (W3C, HTTP) command; rejects with the driver's error. */
async function command<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(base + path, {
    method, headers: { 'content-type': 'application/json; charset=utf-8' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json() as { value: T & { error?: string; message?: string } };
  if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
  return json.value;
}

/** Runs `expression` in the page and hands back { ok } or { error }: WebDriver's own errors lose the stack. */
const EXECUTE = `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (0, eval)(arguments[0]))
  .then((ok) => done({ ok: ok === undefined ? null : ok }), (e) => done({ error: String(e && e.stack || e) }));`;

async function launchWebKit(options: LaunchOptions): Promise<Engine> {
  for (const [what, path, pkg] of [['WebKitWebDriver', WEBKIT_DRIVER, 'webkit2gtk-driver'], ['MiniBrowser', MINIBROWSER, 'libwebkit2gtk-4.1-0'],
    ['xvfb-run', '/usr/bin/xvfb-run', 'xvfb']]) {
    if (!existsSync(path)) throw new Error(`${what} not found at ${path}: install it with \`apt-get install -y ${pkg}\` (.ci/run does)`);
  }
  const port = await freePort();
  // Its own process group, so that closing ends xvfb-run, Xvfb, the driver and MiniBrowser together.
  const driver: ChildProcess = spawn('/usr/bin/xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', WEBKIT_DRIVER, `--port=${port}`],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...options.env } });
  let log = '';
  driver.stderr?.on('data', (d) => { log = (log + d).slice(-4000); });
  const kill = () => { try { process.kill(-driver.pid!, 'SIGTERM'); } catch { /* already gone */ } };
  const base = `http://127.0.0.1:${port}`;
  let sessionId: string;
  let version: string;
  try {
    const started = Date.now();
    for (;;) {
      try {
        await command(base, 'GET', '/status');
        break;
      } catch (error) {
        if (driver.exitCode !== null || Date.now() - started > 30_000) throw new Error(`WebKitWebDriver did not answer: ${log}`, { cause: error });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const session = await command<{ sessionId: string; capabilities: { browserName: string; browserVersion: string } }>(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
    });
    sessionId = session.sessionId;
    version = `${session.capabilities.browserName}/${session.capabilities.browserVersion}`;
    await command(base, 'POST', `/session/${sessionId}/timeouts`, { script: 300_000, pageLoad: 60_000 });
  } catch (cause) {
    kill();
    throw new Error(`WebKit (${MINIBROWSER} through ${WEBKIT_DRIVER} under xvfb-run) did not start`, { cause });
  }
  const s = `/session/${sessionId}`;
  // One window per session: each open() navigates it (a new document, a fresh module graph).
  let current: Promise<unknown> = Promise.resolve();
  return {
    name: 'webkit',
    version,
    async open(url) {
      await current;
      await command(base, 'POST', `${s}/url`, { url });
      const page: EnginePage = {
        async evaluate<T>(expression: string) {
          const r = await command<{ ok?: T; error?: string }>(base, 'POST', `${s}/execute/async`, { script: EXECUTE, args: [expression] });
          if (r.error !== undefined) throw new Error(`in WebKit: ${r.error}`);
          return r.ok as T;
        },
        errors: () => page.evaluate<string[]>('globalThis.__errors ?? []'),
        async close() { current = command(base, 'POST', `${s}/url`, { url: 'about:blank' }).catch(() => undefined); await current; },
      };
      return page;
    },
    async close() {
      try {
        await command(base, 'DELETE', s);
      } finally {
        kill();
      }
    },
  };
}
