// The built command whose stdout reader goes away early (`--verbose | head -1`): every file is
// still written and the exit code is 0, with no EPIPE crash.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'upsample-epipe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('finishes every file when stdout is closed after the first line', async () => {
  const input = join(root, 'in');
  const output = join(root, 'out');
  mkdirSync(input);
  for (let i = 0; i < 12; i++) {
    const png = new PNG({ width: 16, height: 12 });
    png.data.fill(i * 20);
    writeFileSync(join(input, `p${String(i).padStart(2, '0')}.png`), PNG.sync.write(png));
  }
  const bin = new URL('../dist/cli.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, input, '-o', output, '--scale', '2', '--verbose', '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  // As `head -1` does: read the first line, then close the pipe.
  await new Promise<void>((resolve) => child.stdout.once('data', () => { child.stdout.destroy(); resolve(); }));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).not.toMatch(/EPIPE/);
  expect(code).toBe(0);
  expect(readdirSync(output).sort()).toHaveLength(12);
}, 30_000);
