// The command's fixed costs (issue 20): the built command and its worker are one file each
// (scripts/bundle-cli.mjs), and the workers load the WebP / AVIF codecs a run needs as they start.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codecNeeds } from '../src/cli/jobs.js';

const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url);
/** Relative imports (static or dynamic) left in a built file. */
const relativeImports = (text: string) => text.match(/(?:from\s*|import\s*\(?\s*)['"]\.\.?\/[^'"]+['"]/g) ?? [];

describe('the built command', () => {
  it('is a shim importing one bundle, and the worker script is one file', () => {
    expect(relativeImports(readFileSync(dist('cli.js'), 'utf8'))).toEqual(["import './cli/bin.js'"]);
    expect(relativeImports(readFileSync(dist('cli/bin.js'), 'utf8'))).toEqual([]);
    expect(relativeImports(readFileSync(dist('cli/convert-worker.js'), 'utf8'))).toEqual([]);
  });

  it('runs from the bundle: --version, and a WebP converted in a worker', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(execFileSync(process.execPath, [dist('cli.js').pathname, '--version']).toString()).toBe(`upsample-wasm ${pkg.version}\n`);
    const dir = mkdtempSync(join(tmpdir(), 'cli-startup-'));
    try {
      const out = join(dir, 'a.webp');
      // A 2400 x 1800 output: too large for the main thread, so a worker converts it.
      execFileSync(process.execPath, [dist('cli.js').pathname, 'assets/sample.png', '-o', out, '--width', '2400', '--height', '1800', '--fit', 'fill', '--threads', '2', '--quiet']);
      const head = readFileSync(out).subarray(0, 12).toString('latin1');
      expect(head.startsWith('RIFF') && head.endsWith('WEBP')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('codecNeeds', () => {
  const job = (input: string, output: string) => ({ input, output, format: output.split('.').pop()!.replace('jpg', 'jpeg') as 'jpeg' });
  it('names the WebP and AVIF decoders of the inputs and encoders of the outputs, once each', () => {
    expect(codecNeeds([job('a.webp', 'a.jpg'), job('b.webp', 'b.png'), job('c.jpg', 'c.avif'), job('d.png', 'd.png')]))
      .toEqual({ decode: ['webp'], encode: ['avif'] });
    expect(codecNeeds([job('a.jpg', 'a.jpg'), job('b.png', 'b.png')])).toEqual({ decode: [], encode: [] });
    expect(codecNeeds([job('a.avif', 'a.webp')])).toEqual({ decode: ['avif'], encode: ['webp'] });
  });
});
