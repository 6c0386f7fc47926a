// Randomised adversarial input for every public operation, on the SIMD build, the scalar build
// (each an instance with a small memory budget), plain JS and a pool. Each case takes a clean
// call and makes one argument hostile: getters that count their reads, change their value or
// throw; Proxies; odd dimensions (NaN, -0, 1e300, 2^31, 2^53, fractions, strings, BigInt, holes);
// data of the wrong type or length, detached, shared, at odd offsets; `out` aliasing the input,
// the wrong shape or type, disposed; options that are null, arrays, functions, frozen, with
// unknown keys or an inherited (prototype-polluted) option; getters that detach or shrink the
// input's buffer, dispose it, grow memory or call again; sizes past the memory budget. The
// promise checked (README "Errors"): the call returns what the same call with plain values (each
// getter's first value) returns, or throws an Error subclass (never a trap or a non-Error) and
// leaves `out` as it was; no getter is read twice; afterwards a clean call gives the right answer
// and WebAssembly memory stayed within its budget. Seeded: FUZZ_SEED, FUZZ_SCALE as
// test/fuzz.test.ts (e.g. FUZZ_SCALE=20 npx vitest run test/hostile-fuzz.test.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import * as dist from '../dist/index.js'; // the pool's workers run the built files
import { interpolate_4d, upsample_argmax } from '../src/transformers.js';
import { buildCase, CLEAN, HostileGetterError, mutateTensor, prng, ramp, Watch, type Clean, type Env } from './hostile-fuzz-cases.js';

const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261206;
const scale = process.env.FUZZ_SCALE !== undefined ? Number(process.env.FUZZ_SCALE) : 1;
/** The WebAssembly instances' maximumMemory: small, so that large outputs run in tiles. */
const BUDGET = 8 * 1024 * 1024;

// ---- running ----

/** The result's data and everything else about it, comparable. */
function summary(result: unknown): string {
  if (result === null || typeof result !== 'object') return String(result);
  const r = result as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(r).sort()) {
    const v = r[key];
    if (typeof v === 'function') continue;
    if (ArrayBuffer.isView(v)) parts.push(`${key}:${v.constructor.name}:${Buffer.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).toString('base64')}`);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) parts.push(`${key}:{${summary(v)}}`);
    else parts.push(`${key}:${JSON.stringify(v)}`);
  }
  return parts.join(' ');
}

interface Target {
  name: string;
  ops: Record<string, (...a: unknown[]) => unknown>;
  memory?: () => { bytes: number; budget: number };
  /** A fresh instance when no resident tensor is live (memory never shrinks otherwise). */
  release?: () => Promise<boolean>;
  pool?: boolean;
}

type Outcome = { ok: true; value: unknown; summary: string } | { ok: false; error: unknown };

const SETTLE_MS = 10_000;

async function settle(target: Target, op: string, args: unknown[], w?: Watch): Promise<Outcome> {
  try {
    if (w) w.active = true;
    let value: unknown;
    try {
      value = target.ops[op](...args);
    } finally {
      if (w) w.active = false;
    }
    if (value instanceof Promise) {
      let timer: NodeJS.Timeout | undefined;
      value = await Promise.race([value, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`HUNG: ${op} did not settle in ${SETTLE_MS} ms`)), SETTLE_MS); })])
        .finally(() => clearTimeout(timer));
    }
    const text = op === 'allocTensor' ? summary({ data: (value as up.ResidentTensor).data, shape: (value as up.ResidentTensor).shape }) : summary(value);
    if (op === 'allocTensor') (value as up.ResidentTensor).dispose();
    return { ok: true, value, summary: text };
  } catch (error) {
    return { ok: false, error };
  }
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : `non-Error ${typeof e} ${String(e)}`;
}

/** Runs `count` random cases on `target`; returns the failures (each names seed, index and case). */
async function fuzzTarget(target: Target, caseSeed: number, count: number, stats: { cases: number; refused: number; accepted: number }): Promise<string[]> {
  const rng = prng(caseSeed);
  const failures: string[] = [];
  const cleans = CLEAN.filter((c) => !c.wasmOnly || target.name !== 'js');
  const reference = new Map<Clean, string>();
  for (const c of cleans) {
    const r = await settle(target, c.op, c.args());
    if (!r.ok) throw new Error(`${target.name} ${c.op}: the clean call failed: ${describeError(r.error)}`);
    reference.set(c, r.summary);
  }
  const residents: up.ResidentTensor[] = [];
  const resident = target.ops.allocTensor ? (shape: number[], data?: ArrayLike<number>) => {
    const r = target.ops.allocTensor(shape, data) as up.ResidentTensor | Promise<up.ResidentTensor>;
    if (r instanceof Promise) throw new Error('pool allocTensor is async');
    residents.push(r);
    return r;
  } : undefined;
  for (let i = 0; i < count; i++) {
    const clean = rng.pick(cleans);
    const w = new Watch();
    const env: Env = { w, rng, resident: target.pool ? undefined : resident, outShape: () => outLike(clean, reference),
      reenter: target.pool ? undefined : () => target.ops[clean.op](...clean.args()) };
    const c = buildCase(env, clean);
    const label = `${target.name} #${i} ${clean.op}: ${c.what}`;
    const memoryBefore = target.memory?.().bytes ?? 0;
    const polluted = c.pollute;
    if (polluted) (Object.prototype as Record<string, unknown>)[polluted[0]] = polluted[1];
    let got: Outcome;
    let twin: Outcome | undefined;
    try {
      got = await settle(target, clean.op, c.args, w);
      for (const [name, n] of w.reads) if (n > 1) failures.push(`${label}: read ${name} ${n} times`);
    } finally {
      if (polluted) delete (Object.prototype as Record<string, unknown>)[polluted[0]];
    }
    if (c.twin) twin = await settle(target, clean.op, c.twin);
    stats.cases++;
    if (got.ok) {
      stats.accepted++;
      if (c.refuse) failures.push(`${label}: accepted (${got.summary.slice(0, 80)})`);
      if (twin && !twin.ok) failures.push(`${label}: accepted, but the plain call refuses (${describeError(twin.error)})`);
      if (twin?.ok && twin.summary !== got.summary) failures.push(`${label}: a result other than the plain call's`);
    } else {
      stats.refused++;
      const e = got.error;
      if (!(e instanceof Error)) failures.push(`${label}: threw a non-Error ${String(e)}`);
      else if (e instanceof WebAssembly.RuntimeError || /HUNG|Maximum call stack|out of memory|Cannot read prop|is not a function|undefined is not/i.test(e.message)) failures.push(`${label}: ${describeError(e)}`);
      if (twin?.ok && !c.mayRefuse) failures.push(`${label}: refused (${describeError(e)}), but the plain call returns`);
      if (c.mayRefuse && e instanceof Error && !(e instanceof HostileGetterError) && /Cannot perform|detached ArrayBuffer$/.test(e.message)) failures.push(`${label}: refused mid-work with the engine's message (${describeError(e)})`);
      for (const o of w.outs) {
        let now: number[] | undefined;
        try { now = Array.from(o.data); } catch { now = undefined; }
        if (now && now.join() !== o.before.join()) failures.push(`${label}: refused but wrote into out`);
      }
    }
    // The module is still usable and memory within its budget (every family tiles).
    const after = await settle(target, clean.op, clean.args());
    if (!after.ok || after.summary !== reference.get(clean)) failures.push(`${label}: the clean call after it ${after.ok ? 'returned a different result' : `threw ${describeError(after.error)}`}`);
    const memory = target.memory?.();
    if (memory && memory.bytes > Math.max(memoryBefore, memory.budget)) failures.push(`${label}: WebAssembly memory ${memory.bytes} bytes, over the budget ${memory.budget}`);
    while (residents.length > 4) residents.shift()!.dispose();
    if (memory && memory.bytes > memory.budget && target.release) {
      // A call grew the memory past the budget (a failure above): start afresh, so later cases are held to it again.
      while (residents.length) residents.shift()!.dispose();
      expect(await target.release()).toBe(true);
    }
    if (failures.length > 20) break;
  }
  for (const r of residents) r.dispose();
  return failures;
}

/** A result-shaped value to derive `out` arguments from (a Tensor, or an image's pixel array). */
function outLike(clean: Clean, reference: Map<Clean, string>): unknown {
  if (!reference.has(clean) || clean.op === 'allocTensor') return undefined;
  const r = (up.js as unknown as Record<string, (...a: unknown[]) => unknown>)[clean.op](...clean.args()) as Record<string, unknown>;
  if (clean.op === 'resizeImage') return r.data;
  if (clean.op === 'imageToTensor') return r.tensor;
  return r;
}

const stats = { cases: 0, refused: 0, accepted: 0 };
const CASES = Math.max(1, Math.round(400 * scale));

describe(`hostile fuzz (FUZZ_SEED=${seed}, ${CASES} cases a target)`, () => {
  const targets: Target[] = [];
  let pool: dist.Pool | undefined;
  beforeAll(async () => {
    for (const build of ['simd', 'scalar'] as const) {
      const ops = await up.createOperations({ build, maximumMemory: BUDGET });
      targets.push({ name: `wasm-${build}`, ops: ops as never, memory: () => ({ bytes: ops.memoryBytes, budget: ops.maximumMemory }), release: () => ops.release() });
    }
    targets.push({ name: 'js', ops: up.js as never });
    await up.init();
    await dist.init();
    pool = await dist.createPool({ threads: 1, maximumMemory: 16 * BUDGET });
    const poolOps = pool as unknown as Record<string, (...a: unknown[]) => unknown>;
    targets.push({ name: 'pool', ops: Object.fromEntries(CLEAN.map((c) => [c.op, poolOps[c.op].bind(pool)])) as never, pool: true });
  }, 60_000);
  afterAll(async () => { await pool?.close(); });

  for (const [k, name] of ['wasm-simd', 'wasm-scalar', 'js', 'pool'].entries()) {
    it(`${name}: random hostile calls refuse cleanly or match the plain call`, async () => {
      const target = targets.find((t) => t.name === name)!;
      const failures = await fuzzTarget(target, seed + k, name === 'pool' ? Math.ceil(CASES / 2) : CASES, stats);
      if (failures.length) console.log(`${name} (FUZZ_SEED=${seed}):\n${failures.join('\n')}`);
      expect(failures).toEqual([]);
    }, 120_000 * Math.max(1, scale));
  }

  it('pool: an already-aborted signal rejects with its reason, writing nothing', async () => {
    const controller = new AbortController();
    controller.abort(new RangeError('stop'));
    const out = { data: new Float32Array(2 * 6 * 8).fill(3), shape: [1, 2, 6, 8] };
    await expect(pool!.interpolate(ramp([1, 2, 3, 4]), { size: [6, 8], mode: 'bilinear', out, signal: controller.signal } as never)).rejects.toThrow('stop');
    expect(out.data.every((v) => v === 3)).toBe(true);
    const again = await pool!.interpolate(ramp([1, 2, 3, 4]), { size: [6, 8], mode: 'bilinear', out });
    expect(again.data).toBe(out.data);
    expect(out.data.some((v) => v !== 3)).toBe(true);
  });

  it('pool: signal and timeout inherited from a polluted Object.prototype are ignored', async () => {
    for (const [key, value] of [['signal', 1], ['timeout', 'soon']] as const) {
      (Object.prototype as Record<string, unknown>)[key] = value;
      let call: Promise<unknown>;
      try {
        call = pool!.pixelShuffle(ramp([1, 4, 2, 2]), 2, {});
      } finally {
        delete (Object.prototype as Record<string, unknown>)[key];
      }
      await expect(call).resolves.toMatchObject({ shape: [1, 1, 4, 4] });
    }
  });

  it('transformers entry: hostile tensors refuse with an Error and the entry stays usable', async () => {
    const T = class { constructor(public type: string, public data: unknown, public dims: number[]) {} };
    const good = new T('float32', ramp([1, 3, 4, 4]).data, [1, 3, 4, 4]);
    const expected = await interpolate_4d(good, { size: [7, 9] });
    const rng = prng(seed);
    for (let i = 0; i < 40 * scale; i++) {
      const w = new Watch();
      const m = mutateTensor({ w, rng }, { data: good.data as Float32Array, shape: good.dims }, 'input');
      const h = m.hostile as Record<string, unknown>;
      // As a transformers.js Tensor: the same hostile getters and Proxies, on its `dims`.
      const hostile = h && typeof h === 'object' && !(m.what.includes('getter') || m.what.includes('Proxy')) ? Object.assign(new T('float32', undefined, []), { data: h.data, dims: h.shape ?? h.dims }) : h;
      for (const run of [() => interpolate_4d(hostile as never, { size: [7, 9] }), () => upsample_argmax(hostile as never, { size: [7, 9] })]) {
        try { await run(); } catch (e) { expect(e, m.what).toBeInstanceOf(Error); expect(e).not.toBeInstanceOf(WebAssembly.RuntimeError); }
      }
      expect((await interpolate_4d(good, { size: [7, 9] })).data).toEqual(expected.data);
    }
  });

  it('counts the cases', () => {
    console.log(`hostile fuzz: ${stats.cases} cases (${stats.refused} refused, ${stats.accepted} accepted), seed ${seed}`);
    expect(stats.refused).toBeGreaterThan(stats.cases * 0.2);
    expect(stats.accepted).toBeGreaterThan(stats.cases * 0.1);
  });
});
