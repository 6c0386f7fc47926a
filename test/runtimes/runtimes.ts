// The runtimes of the compatibility runs (Node 20/22/24, Deno, Bun), and a consumer project with the
// packed package installed, as a user has it.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type RuntimeName = 'node22' | 'node24' | 'deno' | 'bun';

/**
 * The binary of `name`, from scripts/runtimes/install.sh (which installs it into .runtimes/ from the
 * npm registry if it is missing, checks that it runs, and throws otherwise: never a skip).
 */
export function runtimeBinary(name: RuntimeName): string {
  const out = execFileSync('bash', [join(ROOT, 'scripts/runtimes/install.sh'), name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = out.trim().split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`scripts/runtimes/install.sh ${name} printed no path: ${out}`);
  return line.slice(name.length + 1);
}

/** test/helpers.ts's POOL_AGREEMENT, to hand to scripts run by other runtimes. */
export { POOL_AGREEMENT } from '../helpers.js';

/**
 * A temporary project with the package as npm packs it (`npm pack --ignore-scripts`: dist/ and
 * build/ as built) installed in its node_modules, and `entry.mjs` re-exporting 'upsample-wasm'.
 */
export function consumerProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'upsample-wasm-consumer-'));
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  writeFileSync(join(dir, 'entry.mjs'), "export * from 'upsample-wasm';\n");
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  return dir;
}
