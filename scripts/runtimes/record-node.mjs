// Writes the compatibility record of one Node suite run (`npm test` with vitest's JSON reporter):
// run it with the Node binary that ran the suite, so that the record says which build init() picks
// there. With --chromium it also records the Chromium tests of that run (test/browser/, the pool
// page), with the build Debian's Chromium gets by default (a page loads the package and asks).
//
//   node scripts/runtimes/record-node.mjs <vitest.json> [--chromium]
//
// Writes test/artifacts/compat/node<major>.json (and chromium.json); exits 1 when the report has
// failures or no tests, so a broken run never renders as supported.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = new URL('../../test/artifacts/compat/', import.meta.url);
const [reportPath, ...flags] = process.argv.slice(2);
if (!reportPath) {
  console.error('usage: node scripts/runtimes/record-node.mjs <vitest.json> [--chromium]');
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
if (!report.numTotalTests || report.numFailedTests || !report.success) {
  console.error(`record-node: ${reportPath}: ${report.numFailedTests} of ${report.numTotalTests} tests failed (success: ${report.success})`);
  process.exit(1);
}

const validatedOf = (info) => ['relaxed', 'simd', 'scalar'].filter((b) => b === 'scalar' || (b === 'simd' && info.engineSimd)
  || (b === 'relaxed' && info.engineSimd && info.engineRelaxedSimd));

function write(id, record) {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(new URL(`${id}.json`, OUT), `${JSON.stringify(record, null, 1)}\n`);
  console.log(`record-node: wrote test/artifacts/compat/${id}.json`);
}

const up = await import(new URL('../../dist/index.js', import.meta.url).href);
const info = await up.init();
const major = Number(process.versions.node.split('.')[0]);
const files = report.testResults.length;
write(`node${major}`, {
  order: major / 100, runtime: 'Node', version: process.versions.node, defaultBuild: info.build, validated: validatedOf(info),
  rows: [{ kind: 'suite', label: `\`npm test\` (${files} files)`, passed: report.numPassedTests, total: report.numTotalTests,
    ...(report.numPendingTests ? { note: `${report.numPendingTests} skipped` } : {}) }],
});

if (flags.includes('--chromium')) {
  const { chromium } = await import('playwright-core');
  const { serveStatic } = await import('../static-server.mjs');
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const version = execFileSync(executablePath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().replace(/^Chromium\s+/, '').split(/\s/)[0];
  const server = await serveStatic(ROOT);
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  let pageInfo;
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}test/browser/fixtures.html`);
    pageInfo = await page.evaluate("import('/dist/index.js').then((up) => up.init())");
  } finally {
    await browser.close();
    await server.close();
  }
  const rows = [];
  const cases = ['interpolate', 'conv'].reduce((sum, f) => sum + JSON.parse(readFileSync(`${ROOT}test/fixtures/${f}.json`, 'utf8')).cases.length, 0);
  // What test/browser/fixtures.test.ts and test/pool-browser.test.ts check, by test title.
  const FIXTURES = [[/^default build/, 'relaxed (default)'], [/^SIMD build/, 'simd'], [/^forced scalar build/, 'scalar'],
    [/^an engine without SIMD/, 'scalar on an engine refusing SIMD'], [/^the inline entry/, 'inline entry']];
  const POOL = [[/^cross-origin isolated true/, 'isolated page', '2 workers'], [/^cross-origin isolated false/, 'page not isolated', 'fallback']];
  for (const file of report.testResults) {
    const name = relative(ROOT, file.name);
    if (!name.startsWith('test/browser/') && name !== 'test/pool-browser.test.ts') continue;
    const tests = file.assertionResults;
    for (const t of tests) {
      const ok = t.status === 'passed';
      const f = name === 'test/browser/fixtures.test.ts' && FIXTURES.find(([re]) => re.test(t.title));
      if (f) rows.push({ kind: 'fixtures', label: f[1], passed: ok ? cases : 0, total: cases });
      const p = name === 'test/pool-browser.test.ts' && POOL.find(([re]) => re.test(t.title));
      if (p) rows.push({ kind: 'pool', label: p[1], passed: ok ? 1 : 0, total: 1, note: ok ? p[2] : 'FAILED' });
    }
    rows.push({ kind: 'suite', label: `\`${name.replace(/^test\//, '')}\``, passed: tests.filter((t) => t.status === 'passed').length, total: tests.length });
  }
  write('chromium', { order: 10, runtime: 'Chromium (Debian)', version, defaultBuild: pageInfo.build, validated: validatedOf(pageInfo), rows });
}
process.exit(0);
