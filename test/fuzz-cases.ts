// Differential fuzzing: random calls of every operation, drawn by fast-check, run on the SIMD
// build, the scalar build and the plain-JS backend, which must agree with each other. Shared by
// test/fuzz.test.ts (fixed seed, in `npm test`) and `npm run fuzz` (random seed, longer).
//
// Both builds are held at once, each in an instance of its own (createOperations), so one case
// runs all three backends without switching `init()`.

import fc from 'fast-check';
import { createOperations, js, type InterpolateMode, type Operations, type Tensor } from '../src/index.js';

export interface BackendOps { name: string; ops: Operations }

/** The three backends under comparison: plain JS first (the reference of the comparison). */
export async function loadAllBackends(): Promise<BackendOps[]> {
  const [simd, scalar] = await Promise.all([createOperations({ build: 'simd' }), createOperations({ build: 'scalar' })]);
  return [
    { name: 'js', ops: js },
    { name: 'wasm-simd', ops: simd },
    { name: 'wasm-scalar', ops: scalar },
  ];
}

// ---- data ----

/** mulberry32: tensor contents come from one drawn integer, so shrinking stays cheap. */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Values in [-amp, amp]; with `nonfinite`, about one element in eight is NaN, +Inf or -Inf.
 * Whether a sum of such terms is NaN or an infinity does not depend on summation order (the
 * finite terms are too small to overflow), so the backends must agree on those exactly.
 */
export function makeTensor(shape: number[], seed: number, amp = 1, nonfinite = false): Tensor {
  const rand = random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rand();
    data[i] = nonfinite && r < 0.125 ? [NaN, Infinity, -Infinity][Math.floor(r * 24)] : (rand() * 2 - 1) * amp;
  }
  return { data, shape };
}

const count = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

// ---- cases ----

export interface InterpolateCase {
  op: 'interpolate';
  shape: number[];
  seed: number;
  amp: number;
  options: Record<string, unknown>;
}

export interface ConvCase {
  op: 'conv1d' | 'conv2d' | 'conv3d' | 'convTranspose1d' | 'convTranspose2d' | 'convTranspose3d';
  shape: number[];
  weightShape: number[];
  seed: number;
  bias?: 'array' | 'tensor';
  options: Record<string, unknown>;
}

export interface ShuffleCase {
  op: 'pixelShuffle' | 'pixelUnshuffle';
  shape: number[];
  seed: number;
  factor: number;
}

export type FuzzCase = InterpolateCase | ConvCase | ShuffleCase;

const MODES: readonly InterpolateMode[] = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area'];
const MODE_RANK: Partial<Record<InterpolateMode, number>> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };
/** Scale factors at the edges: near integers from both sides, tiny, huge. */
const EDGE_SCALES = [1, 1.00001, 0.99999, 2, 1.99999, 2.9999, 3.00001, 0.5, 0.3333, 1 / 3, 1.5, 4, 7.9, 16, 37.5, 0.1, 0.05];
/** Keep each case small enough for thousands per run. */
const MAX_OUTPUT = 40_000;

const scaleArb = fc.oneof(
  fc.constantFrom(...EDGE_SCALES),
  fc.double({ min: 0.05, max: 8, noNaN: true, noDefaultInfinity: true }),
);

export const interpolateCase: fc.Arbitrary<InterpolateCase> = fc.record({
  mode: fc.constantFrom(...MODES),
  anyRank: fc.integer({ min: 1, max: 3 }),
  batch: fc.integer({ min: 1, max: 2 }),
  // C = 1 takes PyTorch's channels-last nearest shortcuts; C > 1 the generic kernel.
  channels: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 5 })),
  spatial: fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 3, maxLength: 3 }),
  bySize: fc.boolean(),
  outSizes: fc.array(fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 64 })), { minLength: 3, maxLength: 3 }),
  scales: fc.array(scaleArb, { minLength: 3, maxLength: 3 }),
  perDim: fc.boolean(),
  alignCorners: fc.constantFrom(undefined, false, true),
  recompute: fc.constantFrom(undefined, false, true),
  antialias: fc.constantFrom(undefined, undefined, false, true),
  seed: fc.integer(),
  amp: fc.constantFrom(1, 1, 1000, 1e-3),
}).map((r): InterpolateCase => {
  const rank = MODE_RANK[r.mode] ?? r.anyRank;
  const spatial = r.spatial.slice(0, rank).map((n) => (rank === 3 ? 1 + (n % 7) : rank === 2 ? 1 + (n % 14) : n));
  const options: Record<string, unknown> = { mode: r.mode };
  if (r.bySize) options.size = r.perDim ? r.outSizes.slice(0, rank) : r.outSizes[0];
  else options.scaleFactor = r.perDim ? r.scales.slice(0, rank) : r.scales[0];
  const linear = MODE_RANK[r.mode] !== undefined;
  if (linear && r.alignCorners !== undefined) options.alignCorners = r.alignCorners;
  if (!r.bySize && r.recompute !== undefined) options.recomputeScaleFactor = r.recompute;
  if ((r.mode === 'bilinear' || r.mode === 'bicubic') && r.antialias !== undefined) options.antialias = r.antialias;
  return { op: 'interpolate', shape: [r.batch, r.channels, ...spatial], seed: r.seed, amp: r.amp, options };
}).filter((c) => {
  const spatial = c.shape.slice(2);
  const { size, scaleFactor } = c.options as { size?: number | number[]; scaleFactor?: number | number[] };
  const out = spatial.map((n, i) => {
    if (size !== undefined) return Array.isArray(size) ? size[i] : size;
    const s = Array.isArray(scaleFactor) ? scaleFactor[i] : scaleFactor!;
    return Math.floor(n * s);
  });
  return c.shape[0] * c.shape[1] * count(out) <= MAX_OUTPUT && count(c.shape) <= MAX_OUTPUT;
});

const CONV_OPS = ['conv1d', 'conv2d', 'conv3d', 'convTranspose1d', 'convTranspose2d', 'convTranspose3d'] as const;

export const convCase: fc.Arbitrary<ConvCase> = fc.record({
  op: fc.constantFrom(...CONV_OPS),
  unbatched: fc.boolean(),
  batch: fc.integer({ min: 1, max: 2 }),
  groups: fc.constantFrom(1, 1, 2, 3),
  depthwise: fc.boolean(),
  inPerGroup: fc.integer({ min: 1, max: 3 }),
  outPerGroup: fc.integer({ min: 1, max: 6 }),
  spatial: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 3, maxLength: 3 }),
  kernel: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 3 }),
  stride: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
  padding: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }),
  paddingMode: fc.constantFrom('list', 'list', 'number', 'same', 'valid', 'none'),
  dilation: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
  outputPadding: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }),
  useOutputSize: fc.boolean(),
  outputSizeExtra: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }),
  bias: fc.constantFrom(undefined, 'array', 'tensor'),
  seed: fc.integer(),
}).map((r): ConvCase => {
  const dims = Number(r.op.at(-2));
  const transposed = r.op.startsWith('convTranspose');
  const groups = r.groups;
  // groups = channels: depthwise (one input channel per group).
  const inPerGroup = r.depthwise ? 1 : r.inPerGroup;
  const cin = groups * inPerGroup;
  const cout = groups * r.outPerGroup;
  const spatial = r.spatial.slice(0, dims).map((n) => (dims === 3 ? 1 + (n % 5) : n));
  const kernel = r.kernel.slice(0, dims).map((k) => (dims === 3 ? 1 + (k % 3) : k));
  const shape = r.unbatched ? [cin, ...spatial] : [r.batch, cin, ...spatial];
  const weightShape = transposed ? [cin, r.outPerGroup, ...kernel] : [cout, inPerGroup, ...kernel];
  const options: Record<string, unknown> = {};
  const stride = r.stride.slice(0, dims);
  const dilation = r.dilation.slice(0, dims);
  if (r.paddingMode === 'same' || r.paddingMode === 'valid') {
    if (!transposed) options.padding = r.paddingMode;
    // 'same' needs stride 1 (a stride > 1 is a refusal the three backends must share, rarely).
    if (r.paddingMode === 'same' && (r.seed & 7) !== 0) stride.fill(1);
  } else if (r.paddingMode === 'number') {
    options.padding = r.padding[0];
  } else if (r.paddingMode === 'list') {
    options.padding = r.padding.slice(0, dims);
  }
  if (stride.some((s) => s !== 1) || (r.seed & 1) === 0) options.stride = stride.length === 1 ? stride[0] : stride;
  if (dilation.some((d) => d !== 1)) options.dilation = dilation;
  if (groups !== 1 || (r.seed & 2) === 0) options.groups = groups;
  if (transposed) {
    // Valid output paddings are below max(stride, dilation); draw mostly valid ones.
    const outputPadding = r.outputPadding.slice(0, dims).map((p, i) => p % Math.max(stride[i], dilation[i]));
    if (outputPadding.some((p) => p !== 0)) options.outputPadding = outputPadding;
    if (r.useOutputSize) {
      const pad = typeof options.padding === 'number' ? new Array<number>(dims).fill(options.padding) : (options.padding as number[] | undefined) ?? new Array<number>(dims).fill(0);
      options.outputSize = spatial.map((n, i) => (n - 1) * stride[i] - 2 * pad[i] + dilation[i] * (kernel[i] - 1) + 1 + (r.outputSizeExtra[i] % stride[i]));
    }
  }
  return { op: r.op, shape, weightShape, seed: r.seed, bias: r.bias as ConvCase['bias'], options };
});

export const shuffleCase: fc.Arbitrary<ShuffleCase> = fc.record({
  upscale: fc.boolean(),
  lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  factor: fc.integer({ min: 1, max: 4 }),
  c: fc.integer({ min: 1, max: 4 }),
  h: fc.integer({ min: 1, max: 9 }),
  w: fc.integer({ min: 1, max: 9 }),
  seed: fc.integer(),
}).map((r): ShuffleCase => {
  const f = r.factor;
  const shape = r.upscale ? [...r.lead, r.c * f * f, r.h, r.w] : [...r.lead, r.c, r.h * f, r.w * f];
  return { op: r.upscale ? 'pixelShuffle' : 'pixelUnshuffle', shape, seed: r.seed, factor: f };
});

// ---- running and comparing ----

/** The tolerance between backends, relative to max(1, max|value|): 0 where only indices decide. */
export function tolerance(c: FuzzCase): number {
  if (c.op === 'pixelShuffle' || c.op === 'pixelUnshuffle') return 0;
  if (c.op === 'interpolate') {
    const mode = c.options.mode;
    return mode === 'nearest' || mode === 'nearest-exact' || mode === 'area' ? 0 : 1e-5;
  }
  return 1e-4;
}

interface Call { run(ops: Operations): Tensor; inputs: Tensor[] }

/** The arguments of a case, built once; `run` calls it on any set of operations (the pool's too). */
export function prepare(c: FuzzCase, nonfinite = false): Call {
  if (c.op === 'interpolate') {
    const input = makeTensor(c.shape, c.seed, c.amp, nonfinite);
    return { inputs: [input], run: (ops) => ops.interpolate(input, c.options) };
  }
  if (c.op === 'pixelShuffle' || c.op === 'pixelUnshuffle') {
    const { op, factor } = c;
    const input = makeTensor(c.shape, c.seed, 1, nonfinite);
    return { inputs: [input], run: (ops) => ops[op](input, factor) };
  }
  return prepareConv(c as ConvCase, nonfinite);
}

function prepareConv(c: ConvCase, nonfinite: boolean): Call {
  const input = makeTensor(c.shape, c.seed, 1, nonfinite);
  const weight = makeTensor(c.weightShape, c.seed ^ 0x5bd1e995);
  const transposed = c.op.startsWith('convTranspose');
  const cout = transposed ? c.weightShape[1] * ((c.options.groups as number | undefined) ?? 1) : c.weightShape[0];
  const options = { ...c.options };
  if (c.bias) {
    const b = makeTensor([cout], c.seed ^ 0x1234567);
    options.bias = c.bias === 'array' ? b.data : b;
  }
  const op = c.op;
  return { inputs: [input, weight], run: (ops) => ops[op](input, weight, options) };
}

type Outcome = { ok: true; result: Tensor } | { ok: false; error: Error };

function attempt(call: Call, ops: Operations): Outcome {
  try {
    return { ok: true, result: call.run(ops) };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

function maxDifference(a: Float32Array, b: Float32Array): { worst: number; at: number } {
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    // NaN must meet NaN, and infinities must match exactly.
    const d = Number.isNaN(x) || Number.isNaN(y) ? (Number.isNaN(x) && Number.isNaN(y) ? 0 : Infinity)
      : x === y ? 0 : Math.abs(x - y);
    if (d > worst) { worst = d; at = i; }
  }
  return { worst, at };
}

export interface CheckResult { valid: boolean }

/**
 * Runs one case on every backend and throws (with a description) unless all agree: the same
 * refusal (class and message), or the same shape and values within `tolerance(c)`, and no input
 * modified. Returns whether the case was a valid call.
 */
export function checkCase(c: FuzzCase, backends: BackendOps[], nonfinite = false): CheckResult {
  const call = prepare(c, nonfinite);
  const before = call.inputs.map((t) => ({ data: t.data.slice(), shape: t.shape.slice() }));
  const outcomes = backends.map((b) => attempt(call, b.ops));
  call.inputs.forEach((t, i) => {
    if (maxDifference(t.data, before[i].data).worst !== 0 || t.shape.join() !== before[i].shape.join()) {
      throw new Error(`an input was modified by ${JSON.stringify(c)}`);
    }
  });
  const [ref, ...rest] = outcomes;
  const refName = backends[0].name;
  for (let k = 0; k < rest.length; k++) {
    const o = rest[k];
    const name = backends[k + 1].name;
    if (!ref.ok || !o.ok) {
      if (ref.ok !== o.ok) {
        const err = !ref.ok ? ref.error : (o as { error: Error }).error;
        throw new Error(`${refName} ${ref.ok ? 'returned' : 'threw'} but ${name} ${o.ok ? 'returned' : 'threw'}: ${err.message}`);
      }
      const a = (ref as { error: Error }).error;
      const b = (o as { error: Error }).error;
      if (a.constructor !== b.constructor || a.message !== b.message) {
        throw new Error(`${refName} threw ${a.name}: ${a.message}; ${name} threw ${b.name}: ${b.message}`);
      }
      continue;
    }
    if (ref.result.shape.join() !== o.result.shape.join()) {
      throw new Error(`shape ${refName} [${ref.result.shape}] != ${name} [${o.result.shape}]`);
    }
    let scale = 1;
    for (const v of ref.result.data) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const tol = tolerance(c) * scale;
    const { worst, at } = maxDifference(ref.result.data, o.result.data);
    if (worst > tol) {
      throw new Error(`${name} differs from ${refName} by ${worst} (> ${tol}) at element ${at}: ` +
        `${o.result.data[at]} vs ${ref.result.data[at]}`);
    }
  }
  // SIMD against scalar too (transitively within 2x the tolerance; check directly).
  if (outcomes[1].ok && outcomes[2].ok) {
    let scale = 1;
    for (const v of outcomes[1].result.data) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const { worst, at } = maxDifference(outcomes[1].result.data, outcomes[2].result.data);
    if (worst > tolerance(c) * scale) throw new Error(`SIMD and scalar builds differ by ${worst} at element ${at}`);
  }
  return { valid: ref.ok };
}

/** Any case of any operation, weighted towards interpolate (the most options). */
export const anyCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { arbitrary: interpolateCase, weight: 5 },
  { arbitrary: convCase, weight: 3 },
  { arbitrary: shuffleCase, weight: 1 },
);
