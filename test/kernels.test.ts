// The kernel ABI (src/kernels.ts) against the AssemblyScript signatures it declares: every kernel
// file's `export function` is declared with the same name, the same argument names in the same
// order, and matching types; nothing is declared that assembly does not export.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNEL_PARAMS, KERNELS, positional, call } from '../src/kernels.js';

const dir = new URL('../assembly/', import.meta.url);
/** The module's facts about itself (src/wasm/module.ts reads them), not kernels. */
const INFO = new Set(['heapBase', 'isSimd', 'isRelaxedSimd']);
const TYPES: Record<string, string> = { usize: 'ptr', i32: 'i32', bool: 'bool' };

function assemblySignatures(): Map<string, Array<[string, string]>> {
  const found = new Map<string, Array<[string, string]>>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const m of source.matchAll(/^export function (\w+)\(([^)]*)\)\s*:\s*void/gm)) {
      const params = m[2].split(',').map((p) => p.trim()).filter(Boolean).map((p) => {
        const [name, type] = p.split(':').map((s) => s.trim());
        return [name, TYPES[type] ?? `unsupported ${type}`] as [string, string];
      });
      expect(found.has(m[1]), `${m[1]} exported twice`).toBe(false);
      found.set(m[1], params);
    }
  }
  return found;
}

describe('the kernel ABI', () => {
  const signatures = assemblySignatures();

  it('declares exactly the kernels assembly exports', () => {
    expect(signatures.size).toBeGreaterThan(10);
    expect(Object.keys(KERNELS).sort()).toEqual([...signatures.keys()].filter((n) => !INFO.has(n)).sort());
  });

  it.each([...signatures.keys()].filter((n) => !INFO.has(n)))('%s: argument names, order and types', (name) => {
    const declared = Object.entries(KERNELS[name as keyof typeof KERNELS]);
    expect(declared).toEqual(signatures.get(name));
  });

  it('puts named arguments in export order', () => {
    const c = call('pixelShuffle', { width: 6, upscale: 1, src: 1, dst: 2, planes: 3, r: 4, height: 5 });
    expect(KERNEL_PARAMS.pixelShuffle).toEqual(['src', 'dst', 'planes', 'r', 'height', 'width', 'upscale']);
    expect(positional(c)).toEqual([1, 2, 3, 4, 5, 6, 1]);
  });
});
