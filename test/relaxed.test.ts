// The relaxed-SIMD build (build/relaxed.wasm) against the PyTorch fixtures, with its own tolerance.
// Node 20 validates relaxed SIMD only with --experimental-wasm-relaxed-simd, so the fixtures run in a
// child Node started with that flag (test/relaxed/run-fixtures.mjs, on the built dist/: `npm test`
// builds first). If the engine cannot load the relaxed build, the child fails and so does this test.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as up from '../src/index.js';

/** Fused multiply-add rounds once where mul+add rounds twice: allow what the SIMD build is allowed. */
const INTERPOLATE_TOLERANCE = 1e-5;
const CONV_TOLERANCE = 1e-4;
/** Index-only modes copy values: exact on every build. */
const EXACT_MODES = new Set(['nearest', 'nearest-exact']);

interface ChildReport {
  info: up.BackendInfo;
  defaultBuild: string;
  simdBuildLoaded: boolean;
  usesRelaxedMadd: boolean;
  cases: Array<{ name: string; op: string; mode?: string; error: number | null }>;
}

function runChild(): ChildReport {
  // Node 22+ and current engines validate relaxed SIMD by default; only older ones need the flag.
  const flags = up.backendInfo()?.engineRelaxedSimd ? [] : ['--experimental-wasm-relaxed-simd'];
  const script = fileURLToPath(new URL('./relaxed/run-fixtures.mjs', import.meta.url));
  const child = spawnSync(process.execPath, [...flags, script], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
  if (child.status !== 0) throw new Error(`relaxed-SIMD child failed (status ${child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ChildReport;
}

describe('relaxed-SIMD build', () => {
  let report: ChildReport;
  it('loads in an engine with relaxed SIMD and reports itself', async () => {
    await up.init();
    report = runChild();
    expect(report.defaultBuild).toBe('relaxed');
    expect(report.info.build).toBe('relaxed');
    expect(report.info.relaxedSimd).toBe(true);
    expect(report.info.simd).toBe(true);
    expect(report.info.engineRelaxedSimd).toBe(true);
    expect(report.simdBuildLoaded).toBe(true);
    // The kernels call madd(): the relaxed binary must contain f32x4.relaxed_madd, or it is just the SIMD build.
    expect(report.usesRelaxedMadd).toBe(true);
  }, 150_000);

  it('matches the interpolate fixtures', () => {
    const cases = report.cases.filter((c) => c.op === 'interpolate');
    expect(cases.length).toBeGreaterThan(2000);
    // JSON turns Infinity (a shape mismatch or NaN where a number was due) into null.
    const bad = cases.filter((c) => c.error === null || c.error > (EXACT_MODES.has(c.mode!) ? 0 : INTERPOLATE_TOLERANCE));
    expect(bad.map((c) => `${c.name}: ${c.error}`)).toEqual([]);
  });

  it('matches the convolution fixtures', () => {
    const cases = report.cases.filter((c) => c.op.startsWith('conv'));
    expect(cases.length).toBeGreaterThan(100);
    const bad = cases.filter((c) => c.error === null || c.error > CONV_TOLERANCE);
    expect(bad.map((c) => `${c.name}: ${c.error}`)).toEqual([]);
  });
});

describe('init build choice', () => {
  it('keeps the plain SIMD build where the engine lacks relaxed SIMD, and refuses to force it', async () => {
    const info = await up.init();
    expect(info.build).toBe(info.engineRelaxedSimd ? 'relaxed' : 'simd');
    if (!info.engineRelaxedSimd) await expect(up.init({ build: 'relaxed' })).rejects.toThrow(/relaxed SIMD/);
    expect((await up.init({ build: 'scalar' })).build).toBe('scalar');
    expect((await up.init({ build: 'simd' })).relaxedSimd).toBe(false);
    await expect(up.init({ build: 'fast' as never })).rejects.toThrow(TypeError);
    await expect(up.init({ build: 'simd', simd: true })).rejects.toThrow(/only one/);
    expect((await up.init({ simd: true })).build).toBe('simd');
  });
});
