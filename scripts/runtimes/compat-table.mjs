// Renders the compatibility table from the records the runs wrote to test/artifacts/compat/*.json
// (scripts/runtimes/record-node.mjs for the Node suites and Chromium; test/runtimes/ for Firefox,
// WebKit, Deno, Bun and the Node workers without SharedArrayBuffer).
//
//   node scripts/runtimes/compat-table.mjs            prints the table, writes test/artifacts/compat/table.md
//   node scripts/runtimes/compat-table.mjs --readme   also puts it into README.md between
//                                                     <!-- compat --> and <!-- /compat -->
//   node scripts/runtimes/compat-table.mjs --expect node20,node22,...   fails unless each record exists

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const DIR = new URL('../../test/artifacts/compat/', import.meta.url);
const README = new URL('../../README.md', import.meta.url);
const args = process.argv.slice(2);

let files;
try {
  files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
} catch {
  files = [];
}
const expectAt = args.indexOf('--expect');
if (expectAt >= 0) {
  const missing = args[expectAt + 1].split(',').filter((id) => !files.includes(`${id}.json`));
  if (missing.length) {
    console.error(`compat-table: no record for ${missing.join(', ')} in test/artifacts/compat/ (did that run fail?)`);
    process.exit(1);
  }
}
if (!files.length) {
  console.error('compat-table: no records in test/artifacts/compat/: run .ci/run (or npm test and npm run test:runtimes) first');
  process.exit(1);
}

// One line per runtime and version: its records merged (Node: the suite and the workers check).
const groups = new Map();
for (const f of files.sort()) {
  const r = JSON.parse(readFileSync(new URL(f, DIR), 'utf8'));
  if (!r.runtime) continue; // not a record (a vitest report kept beside them)
  const key = `${r.runtime} ${r.version}`;
  const g = groups.get(key) ?? { ...r, rows: [], tests: [] };
  if (!g.defaultBuild) g.defaultBuild = r.defaultBuild;
  if (!g.validated?.length) g.validated = r.validated;
  g.order = Math.min(g.order, r.order);
  g.rows.push(...r.rows);
  if (r.source) g.tests.push({ source: r.source, ...r.tests });
  groups.set(key, g);
}

const n = (x) => x.toLocaleString('en-US');
const count = (r) => (r.total === 0 ? r.note : `${n(r.passed)}/${n(r.total)}`);
const of = (g, kind) => g.rows.filter((r) => r.kind === kind);
const join = (parts) => parts.join('; ') || '-';

const lines = [
  '| runtime / browser | version | `init()` picks (validates) | suites: tests passed / total | PyTorch fixtures: cases passed per build | `createPool` | also |',
  '|---|---|---|---|---|---|---|',
];
for (const g of [...groups.values()].sort((a, b) => a.order - b.order)) {
  const validated = g.validated?.length ? ` (${g.validated.join(', ')})` : '';
  const suites = of(g, 'suite').map((r) => `${r.label} ${count(r)}${r.note ? ` (${r.note})` : ''}`);
  for (const t of g.tests) suites.push(`\`${t.source.replace(/^test\//, '')}\` ${n(t.passed)}/${n(t.total)}`);
  const fixtures = of(g, 'fixtures').map((r) => `${r.label} ${count(r)}`);
  if (!fixtures.length && of(g, 'suite').some((r) => r.label.startsWith('`npm test`'))) fixtures.push('in `npm test`');
  const pool = of(g, 'pool').map((r) => `${r.label}: ${r.note}`);
  const also = of(g, 'other').map((r) => (r.total > 1 ? `${r.label} ${count(r)}` : r.label));
  const version = String(g.version).replace(/^[A-Za-z]+\//, '');
  lines.push(`| ${g.runtime} | ${version} | ${g.defaultBuild}${validated} | ${join(suites)} | ${join(fixtures)} | ${join(pool)} | ${join(also)} |`);
}
const table = lines.join('\n');
writeFileSync(new URL('table.md', DIR), `${table}\n`);
console.log(table);

if (args.includes('--readme')) {
  const text = readFileSync(README, 'utf8');
  const re = /(<!-- compat -->\n)[\s\S]*?(<!-- \/compat -->)/;
  if (!re.test(text)) {
    console.error('compat-table: README.md has no <!-- compat --> ... <!-- /compat --> block');
    process.exit(1);
  }
  writeFileSync(README, text.replace(re, `$1\n${table}\n\n$2`));
  console.log('compat-table: README.md updated');
}
