// Randomised adversarial input for every public operation, on the SIMD build, the scalar build
// (each an instance with a small memory budget), plain JS and a pool. Each case takes a clean
// call and makes one argument hostile: getters that count their reads, change their value or
// throw; Proxies; odd dimensions (NaN, -0, 1e300, 2^31, 2^53, fractions, strings, BigInt, holes);
// data of the wrong type or length, detached, shared, at odd offsets; `out` aliasing the input,
// the wrong shape or type, disposed; options that are null, arrays, functions, frozen, with
// unknown keys or an inherited (prototype-polluted) option; sizes past the memory budget. The
// promise checked (README "Errors"): the call returns what the same call with plain values (each
// getter's first value) returns, or throws an Error subclass (never a trap or a non-Error) and
// leaves `out` as it was; no getter is read twice; afterwards a clean call gives the right answer
// and WebAssembly memory stayed within its budget. Seeded: FUZZ_SEED, FUZZ_SCALE as
// test/fuzz.test.ts (e.g. FUZZ_SCALE=20 npx vitest run test/hostile-fuzz.test.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as up from '../src/index.js';
import * as dist from '../dist/index.js'; // the pool's workers run the built files
import { interpolate_4d, upsample_argmax } from '../src/transformers.js';

const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261206;
const scale = process.env.FUZZ_SCALE !== undefined ? Number(process.env.FUZZ_SCALE) : 1;
const BUDGET = 8 * 1024 * 1024;

/** mulberry32: small, seeded, reproducible. */
function prng(s: number) {
  let a = s >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}
type Rng = ReturnType<typeof prng>;

// ---- clean calls ----

type Slot = 'tensor' | 'options' | 'factor' | 'size2' | 'image' | 'target' | 'shape' | 'data';
interface Clean { op: string; slots: Slot[]; args: () => unknown[]; wasmOnly?: boolean }

const ramp = (shape: number[], offset = 0) =>
  ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7 + offset) % 23) / 11 - 1), shape });
const bytes = (n: number, Type: typeof Uint8Array | typeof Uint8ClampedArray = Uint8ClampedArray) => Type.from({ length: n }, (_, i) => (i * 37) % 256);
const image = () => ({ data: bytes(5 * 4 * 4), width: 5, height: 4, channels: 4 });

const CLEAN: Clean[] = [
  { op: 'interpolate', slots: ['tensor', 'options'], args: () => [ramp([1, 2, 3, 4]), { size: [6, 8], mode: 'bilinear' }] },
  { op: 'interpolate', slots: ['tensor', 'options'], args: () => [{ data: bytes(2 * 3 * 3, Uint8Array), shape: [1, 2, 3, 3] }, { scaleFactor: 2, mode: 'bicubic', antialias: false }] },
  { op: 'conv1d', slots: ['tensor', 'tensor', 'options'], args: () => [ramp([1, 2, 7]), ramp([3, 2, 3], 5), { padding: 1 }] },
  { op: 'conv2d', slots: ['tensor', 'tensor', 'options'], args: () => [ramp([1, 2, 5, 6]), ramp([3, 2, 3, 3], 5), { stride: 2, bias: new Float32Array([1, 2, 3]) }] },
  { op: 'conv3d', slots: ['tensor', 'tensor', 'options'], args: () => [ramp([1, 2, 4, 4, 4]), ramp([3, 2, 2, 2, 2], 5), { dilation: [1, 2, 1] }] },
  { op: 'convTranspose1d', slots: ['tensor', 'tensor', 'options'], args: () => [ramp([1, 2, 5]), ramp([2, 3, 3], 5), { stride: 2 }] },
  { op: 'convTranspose2d', slots: ['tensor', 'tensor', 'options'], args: () => [ramp([1, 2, 4, 5]), ramp([2, 3, 3, 3], 5), { stride: 2, padding: 1, outputPadding: [1, 0] }] },
  { op: 'convTranspose3d', slots: ['tensor', 'tensor', 'options'], args: () => [ramp([1, 2, 3, 3, 3]), ramp([2, 3, 2, 2, 2], 5), { stride: [2, 1, 2] }] },
  { op: 'pixelShuffle', slots: ['tensor', 'factor', 'options'], args: () => [ramp([1, 8, 3, 4]), 2, {}] },
  { op: 'pixelUnshuffle', slots: ['tensor', 'factor', 'options'], args: () => [ramp([1, 2, 4, 6]), 2, {}] },
  { op: 'resize', slots: ['tensor', 'options'], args: () => [ramp([1, 1, 4, 5]), { sizes: [1, 1, 7, 3], mode: 'linear' }] },
  { op: 'resize', slots: ['tensor', 'options'], args: () => [ramp([2, 5, 3]), { scales: [1.5, 0.7], axes: [0, 2], mode: 'cubic' }] },
  { op: 'resizeBilinear', slots: ['tensor', 'size2', 'options'], args: () => [ramp([1, 4, 5, 3]), [7, 9], { halfPixelCenters: true }] },
  { op: 'resizeNearestNeighbor', slots: ['tensor', 'size2', 'options'], args: () => [ramp([4, 5, 2]), [3, 8], { alignCorners: true }] },
  { op: 'resizeImage', slots: ['image', 'target', 'options'], args: () => [image(), { width: 7, height: 3 }, { mode: 'bilinear' }] },
  { op: 'resizeImage', slots: ['image', 'target', 'options'], args: () => [image(), { scale: 2 }, { convention: 'pillow', mode: 'lanczos' }] },
  { op: 'imageToTensor', slots: ['image', 'options'], args: () => [image(), { size: [6, 6], fit: 'contain', mean: [0.5, 0.4, 0.3], std: [0.2, 0.3, 0.25] }] },
  { op: 'upsampleArgmax', slots: ['tensor', 'options'], args: () => [ramp([1, 3, 4, 4]), { size: [7, 7] }] },
  { op: 'upsampleThreshold', slots: ['tensor', 'options'], args: () => [ramp([1, 2, 4, 4]), { scaleFactor: 2, threshold: 0.1 }] },
  { op: 'allocTensor', slots: ['shape', 'data'], args: () => [[2, 3], [1, 2, 3, 4, 5, 6]], wasmOnly: true },
];

// ---- what a case observes ----

class HostileGetterError extends Error {}

/** One case's hostile values: the getters' read counts, and `out` arrays to compare after a refusal. */
class Watch {
  /** Reads count only while the call runs (not the test's own reads). */
  active = false;
  reads = new Map<string, number>();
  outs: Array<{ data: ArrayLike<number>; before: number[] }> = [];
  count(name: string) { if (this.active) this.reads.set(name, (this.reads.get(name) ?? 0) + 1); }
  watchOut(data: ArrayLike<number>) { try { this.outs.push({ data, before: Array.from(data) }); } catch { /* a disposed tensor's data throws */ } }
}

/** A copy of `object` whose property `key` is a getter returning `values` in turn (the last one from then on); twin: the first. */
function getter(w: Watch, object: Record<string, unknown>, key: string, values: unknown[], label: string): { hostile: object; twin: object } {
  const hostile = { ...object };
  let k = 0;
  Object.defineProperty(hostile, key, { enumerable: true, configurable: true, get() { w.count(`${label}.${key}`); return values[Math.min(k++, values.length - 1)]; } });
  return { hostile, twin: { ...object, [key]: values[0] } };
}

function throwingGetter(object: Record<string, unknown>, key: string): object {
  const hostile = { ...object };
  Object.defineProperty(hostile, key, { enumerable: true, get() { throw new HostileGetterError(`getter ${key} throws`); } });
  return hostile;
}

/** A Proxy of `target` that counts reads of its own keys (not an array's length) and, with `drift`, answers differently from the second read on. */
function proxy<T extends object>(w: Watch, target: T, label: string, drift?: (value: unknown) => unknown): T {
  const seen = new Set<PropertyKey>();
  return new Proxy(target, {
    get(t, key, receiver) {
      const value = Reflect.get(t, key, receiver);
      if (typeof key === 'string' && key !== 'length' && key !== 'constructor' && Object.prototype.hasOwnProperty.call(t, key)) {
        w.count(`${label}[${key}]`);
        if (seen.has(key) && drift) return drift(value);
        seen.add(key);
      }
      return value;
    },
  });
}

const DIMENSIONS: unknown[] = [NaN, -0, 1e300, 2 ** 31, 2 ** 32 + 2, 2 ** 53, 2 ** 53 + 2, 1.5, -1, -(2 ** 31), '2', 2n, null, undefined, Infinity, true, [2], { valueOf: () => 2 }];
const SCALARS: unknown[] = [...DIMENSIONS, 0, 1, 3, 0.5, 1e-300, Number.MIN_VALUE, -Infinity, 'bilinear', Symbol('x'), () => 2, [], {}, new Number(2), { toJSON: () => 2 }];

function detachedCopy<T extends ArrayBufferView>(view: T): T {
  const copy = (view as unknown as Float32Array).slice();
  structuredClone(copy.buffer, { transfer: [copy.buffer] });
  return copy as unknown as T;
}

function sharedCopy<T extends ArrayBufferView>(view: T): T {
  const Type = view.constructor as new (b: ArrayBufferLike, o: number, n: number) => Float32Array;
  const n = (view as unknown as Float32Array).length;
  const shared = new Type(new SharedArrayBuffer(view.byteLength), 0, n);
  shared.set(view as unknown as Float32Array);
  return shared as unknown as T;
}

function offsetCopy<T extends ArrayBufferView>(view: T): T {
  const Type = view.constructor as new (b: ArrayBufferLike, o: number, n: number) => Float32Array;
  const n = (view as unknown as Float32Array).length;
  const per = (view as unknown as Float32Array).BYTES_PER_ELEMENT;
  const copy = new Type(new ArrayBuffer(view.byteLength + per), per, n); // one element in: an odd byte offset for 8-bit data, not 8- or 16-byte aligned
  copy.set(view as unknown as Float32Array);
  return copy as unknown as T;
}

/** A hostile replacement for one argument: the value, its plain twin (undefined: the call has none), whether a refusal is required. */
interface Mutation {
  what: string; hostile: unknown; twin?: unknown; refuse?: boolean;
  /** Refusing is right even though the plain call returns (the data validated is gone). */
  mayRefuse?: boolean;
  /** For an options mutation: a replacement for the input (argument 0), and the twin's input. */
  replaceInput?: unknown; twinInput?: unknown;
}

interface Env { w: Watch; rng: Rng; reenter?: () => unknown; resident?: (shape: number[], data?: ArrayLike<number>) => up.ResidentTensor; outShape?: () => unknown }

function mutateTensor(env: Env, t: { data: ArrayBufferView & ArrayLike<number>; shape: number[] }, label: string): Mutation {
  const { w, rng } = env;
  const plain = t as unknown as Record<string, unknown>;
  const choice = rng.int(17);
  switch (choice) {
    case 0: { const g = getter(w, plain, 'data', [t.data], label); return { what: `${label}.data counted getter`, ...g }; }
    case 1: { const g = getter(w, plain, 'shape', [t.shape, [1], [2 ** 31, 2]], label); return { what: `${label}.shape drifting getter`, ...g }; }
    case 2: { const g = getter(w, plain, 'data', [t.data, new Float32Array(1), detachedCopy(t.data)], label); return { what: `${label}.data drifting getter`, ...g }; }
    case 3: return { what: `${label}.${rng.pick(['data', 'shape'])} throwing getter`, hostile: throwingGetter(plain, rng.pick(['data', 'shape'])) };
    case 4: return { what: `${label} Proxy`, hostile: proxy(w, { ...t }, label, () => undefined), twin: t };
    case 5: return { what: `${label}.shape Proxy drifting`, hostile: { data: t.data, shape: proxy(w, t.shape.slice(), `${label}.shape`, () => 2 ** 31) }, twin: t };
    case 6: {
      const shape: unknown[] = t.shape.slice();
      const v = rng.pick(DIMENSIONS);
      shape[rng.int(shape.length)] = v;
      return { what: `${label}.shape with ${String(v)}`, hostile: { data: t.data, shape } };
    }
    case 7: {
      const shape = t.shape.slice();
      delete shape[rng.int(shape.length)];
      return { what: `${label}.shape sparse`, hostile: { data: t.data, shape }, refuse: true };
    }
    case 8: return { what: `${label}.shape huge product`, hostile: { data: t.data, shape: t.shape.map((_, i) => (i < 2 ? 2 ** 27 : 2 ** 26)) }, refuse: true };
    case 9: {
      const Types = [Float64Array, Int32Array, Array, DataView, ArrayBuffer, BigInt64Array];
      const Type = rng.pick(Types) as unknown as new (n: number) => unknown;
      const n = t.data.length;
      const data = Type === DataView as unknown ? new DataView(new ArrayBuffer(n * 4)) : Type === BigInt64Array as unknown ? new BigInt64Array(n) : new Type(n);
      return { what: `${label}.data ${(Type as { name: string }).name}`, hostile: { data, shape: t.shape } };
    }
    case 10: {
      const d = rng.pick([1, -1, -t.data.length]);
      const Type = t.data.constructor as new (n: number) => ArrayLike<number>;
      return { what: `${label}.data length ${d > 0 ? '+' : ''}${d}`, hostile: { data: new Type(t.data.length + d), shape: t.shape }, refuse: true };
    }
    case 11: return { what: `${label}.data detached`, hostile: { data: detachedCopy(t.data), shape: t.shape }, refuse: t.data.length > 0 };
    case 12: { const data = sharedCopy(t.data); return { what: `${label}.data on a SharedArrayBuffer`, hostile: { data, shape: t.shape }, twin: t }; }
    case 13: { const data = offsetCopy(t.data); return { what: `${label}.data at an offset`, hostile: { data, shape: t.shape }, twin: t }; }
    case 14: {
      if (!env.resident || !(t.data instanceof Float32Array)) return { what: `${label} with dims`, hostile: { data: t.data, dims: t.shape }, twin: t };
      const r = env.resident(t.shape, t.data);
      if (rng.next() < 0.5) return { what: `${label} resident`, hostile: r, twin: t };
      r.dispose();
      return { what: `${label} disposed resident`, hostile: r, refuse: true };
    }
    case 15: return { what: `${label} shape and dims disagree`, hostile: { data: t.data, shape: t.shape, dims: [t.data.length] }, twin: t };
    default: return { what: `${label} frozen`, hostile: Object.freeze({ data: t.data, shape: Object.freeze(t.shape.slice()) }), twin: t };
  }
}

const INHERITABLE = ['mode', 'out', 'alignCorners', 'antialias', 'stride', 'padding', 'groups', 'bias', 'threshold', 'crop', 'layout', 'scaleFactor', 'size',
  'convention', 'fit', 'channels', 'coordinateTransformationMode', 'halfPixelCenters', 'signal', 'timeout', 'dilation', 'width', 'height', 'scale'];

function mutateOptions(env: Env, o: Record<string, unknown>, input: unknown, label = 'options'): Mutation & { pollute?: [string, unknown] } {
  const { w, rng } = env;
  const keys = Object.keys(o);
  const key = keys.length ? rng.pick(keys) : undefined;
  switch (rng.int(18)) {
    case 0: { const v = rng.pick([null, [], () => 1, 'bilinear', 2, Object.freeze([])]); return { what: `${label} ${Array.isArray(v) ? 'an array' : typeof v}`, hostile: v, refuse: label !== 'options' || v !== null || true }; }
    case 1: return { what: `${label} frozen`, hostile: Object.freeze({ ...o }), twin: o };
    case 2: return { what: `${label} null prototype`, hostile: Object.assign(Object.create(null), o), twin: o };
    case 3: {
      const extra = rng.pick(['mdoe', 'scale_factor', 'sizes ', '__proto__x', 'constructor']);
      return { what: `${label} unknown key '${extra}'`, hostile: { ...o, [extra]: rng.pick([1, undefined, null]) }, refuse: true };
    }
    case 4: if (key) { const g = getter(w, o, key, [o[key]], label); return { what: `${label}.${key} counted getter`, ...g }; } // falls through
    case 5: if (key) { const g = getter(w, o, key, [o[key], rng.pick(SCALARS)], label); return { what: `${label}.${key} drifting getter`, ...g }; } // falls through
    case 6: if (key) return { what: `${label}.${key} throwing getter`, hostile: throwingGetter(o, key) }; // falls through
    case 7: return { what: `${label} Proxy drifting`, hostile: proxy(w, { ...o }, label, () => 1e9), twin: o };
    case 8: if (key) { const v = rng.pick(SCALARS); return { what: `${label}.${key} = ${typeof v === 'symbol' ? 'Symbol' : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v)}`, hostile: { ...o, [key]: v } }; } // falls through
    case 9: if (key && Array.isArray(o[key])) {
      const list = o[key] as unknown[];
      const r = rng.int(4);
      const arr = r === 0 ? proxy(w, list.slice(), `${label}.${key}`, () => 2 ** 31) : list.slice();
      if (r === 1) delete arr[rng.int(arr.length)];
      if (r === 2) arr[rng.int(arr.length)] = rng.pick(DIMENSIONS);
      if (r === 3) arr.push(1);
      return { what: `${label}.${key} list ${['Proxy drifting', 'sparse', 'odd element', 'one too long'][r]}`, hostile: { ...o, [key]: arr }, twin: r === 0 ? o : undefined };
    } // falls through
    case 10: {
      const k = rng.pick(INHERITABLE.filter((n) => !(n in o)));
      const v = rng.pick([...SCALARS, 'nearest', 'bicubic', { data: new Float32Array(1), shape: [1] }]);
      return { what: `Object.prototype.${k} = ${typeof v === 'symbol' || typeof v === 'bigint' ? typeof v : String(v)}`, hostile: o, twin: o, pollute: [k, v] };
    }
    case 11: {
      // Outputs past the instances' 8 MiB budget: tiled (or refused), never a trap or growth past it.
      const big: Record<string, unknown> = 'sizes' in o ? { sizes: (o.sizes as number[]).map((d, i, a) => (i >= a.length - 2 ? 1800 : d)) }
        : 'scales' in o ? { scales: (o.scales as number[]).map(() => 40) }
        : 'size' in o ? { size: [1200, 1300] } : 'scaleFactor' in o ? { scaleFactor: 300 }
        : 'width' in o ? { width: 2000, height: 1500 } : 'scale' in o ? { scale: 400 } : {};
      return { what: `${label} for a large output (${JSON.stringify(big)})`, hostile: { ...o, ...big } };
    }
    case 13: if (key) return sideEffect(env, o, key, input, label); // falls through
    case 12: return { what: `${label} with an aborted signal`, hostile: { ...o, signal: AbortSignal.abort() }, refuse: label === 'options' };
    default: return mutateOut(env, o, input);
  }
}

/**
 * A getter on option `key` that, when read (after the tensors were checked), changes the world:
 * detaches or shrinks the input's buffer, disposes a resident input, grows WebAssembly memory, or
 * calls the operation again. The data validated is then gone or moved: the call must refuse it or
 * compute from what it validated, never read past it or trap.
 */
function sideEffect(env: Env, o: Record<string, unknown>, key: string, input: unknown, label: string): Mutation {
  const { rng } = env;
  const t = input as { data?: unknown; shape?: number[] } | undefined;
  const data = t?.data;
  const kinds = ['reenter', 'grow'];
  if (ArrayBuffer.isView(data)) kinds.push('detach', 'shrink');
  if (env.resident && data instanceof Float32Array && t!.shape) kinds.push('dispose');
  const kind = rng.pick(kinds);
  // The twin computes from a plain copy of the input as it was validated.
  const twinInput = ArrayBuffer.isView(data) ? { ...t, data: (data as Float32Array).slice() } : input;
  let effect: () => void;
  let replaceInput: unknown;
  if (kind === 'detach') {
    const copy = (data as Float32Array).slice();
    t!.data = copy;
    effect = () => { structuredClone(copy.buffer, { transfer: [copy.buffer] }); };
  } else if (kind === 'shrink') {
    const view = data as Float32Array;
    const Type = view.constructor as new (b: ArrayBufferLike) => Float32Array;
    const buffer = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(view.byteLength, { maxByteLength: view.byteLength });
    const tracking = new Type(buffer); // length-tracking: shrinks with its buffer
    tracking.set(view);
    t!.data = tracking;
    effect = () => { (buffer as unknown as { resize(n: number): void }).resize(0); };
  } else if (kind === 'dispose') {
    const r = env.resident!(t!.shape!, data as Float32Array);
    replaceInput = r;
    effect = () => r.dispose();
  } else if (kind === 'grow') {
    effect = () => { if (env.resident) env.resident([rng.int(3) + 1, 1 << 19]).dispose(); };
  } else {
    effect = () => { env.reenter?.(); };
  }
  const hostile = { ...o };
  const value = o[key];
  Object.defineProperty(hostile, key, { enumerable: true, get() { effect(); return value; } });
  const what = { reenter: 'calls the operation again', grow: 'grows WebAssembly memory', dispose: 'disposes the resident input' }[kind] ?? `${kind}es the input's buffer`;
  return { what: `${label}.${key} getter that ${what}`, hostile, twin: o, replaceInput, twinInput, mayRefuse: kind !== 'reenter' && kind !== 'grow' };
}

function mutateOut(env: Env, o: Record<string, unknown>, input: unknown): Mutation {
  const { w, rng } = env;
  const like = env.outShape?.() as { data: ArrayLike<number> & ArrayBufferView; shape?: number[] } | ArrayBufferView | undefined;
  if (!like) return { what: 'options unchanged', hostile: o, twin: o };
  const fresh = (): unknown => (ArrayBuffer.isView(like) ? new (like.constructor as Uint8ArrayConstructor)((like as Uint8Array).length).fill(7)
    : { data: new (like.data.constructor as Uint8ArrayConstructor)(like.data.length).fill(7), shape: like.shape!.slice() });
  const put = (out: unknown, what: string, refuse?: boolean, plain = out): Mutation => {
    let d: unknown;
    try { d = ArrayBuffer.isView(plain) ? plain : (plain as { data?: unknown })?.data; } catch { d = undefined; } // a disposed resident's data throws
    if (d && typeof d === 'object' && 'length' in d) w.watchOut(d as ArrayLike<number>);
    return { what: `out ${what}`, hostile: { ...o, out }, refuse };
  };
  const inputData = (input as { data?: ArrayBufferView })?.data;
  switch (rng.int(9)) {
    case 0: return put(input, 'the input itself', true);
    case 1: {
      // The input's data moved to the start of a buffer whose out view begins at its last element.
      if (!inputData || !ArrayBuffer.isView(inputData)) return put(fresh(), 'valid');
      const f = fresh();
      const outData = (ArrayBuffer.isView(f) ? f : (f as { data: Uint8Array }).data) as Uint8Array;
      const bytesIn = inputData.byteLength;
      const per = outData.BYTES_PER_ELEMENT;
      const buffer = new ArrayBuffer(Math.ceil(bytesIn / per) * per + outData.byteLength + 8);
      const InType = inputData.constructor as new (b: ArrayBufferLike, o: number, n: number) => Uint8Array;
      const moved = new InType(buffer, 0, (inputData as Uint8Array).length);
      moved.set(inputData as Uint8Array);
      (input as { data: unknown }).data = moved;
      const start = Math.floor((bytesIn - 1) / per) * per;
      const view = new (outData.constructor as new (b: ArrayBufferLike, o: number, n: number) => Uint8Array)(buffer, start, outData.length);
      return put(ArrayBuffer.isView(f) ? view : { data: view, shape: (f as { shape: number[] }).shape }, 'overlapping the input', true);
    }
    case 2: {
      const f = fresh() as { data: Uint8Array; shape: number[] };
      if (ArrayBuffer.isView(f)) return put(new (f as Uint8Array).constructor((f as Uint8Array).length + 1), 'one element too long', true);
      return put({ data: f.data, shape: [...f.shape.slice(0, -1), 1, f.shape.at(-1)!] }, 'the wrong shape', true);
    }
    case 3: {
      const f = fresh();
      const n = ArrayBuffer.isView(f) ? (f as Uint8Array).length : (f as { data: Uint8Array }).data.length;
      const Type = rng.pick([Float64Array, Int16Array, Uint8Array, Float32Array, Uint8ClampedArray, Uint16Array]);
      const data = new Type(n);
      if ((ArrayBuffer.isView(f) ? f : (f as { data: Uint8Array }).data).constructor === Type) return put(f, 'valid');
      return put(ArrayBuffer.isView(f) ? data : { data, shape: (f as { shape: number[] }).shape }, `of type ${Type.name}`, true);
    }
    case 4: {
      if (!env.resident || ArrayBuffer.isView(like) || !(like.data instanceof Float32Array)) return put(fresh(), 'valid');
      const r = env.resident(like.shape!);
      r.dispose();
      return put(r, 'a disposed resident', true);
    }
    case 5: {
      if (!env.resident || ArrayBuffer.isView(like) || !(like.data instanceof Float32Array)) return put(fresh(), 'valid');
      return { what: 'out a resident', hostile: { ...o, out: env.resident(like.shape!) } };
    }
    case 6: return put(ArrayBuffer.isView(like) ? detachedCopy(fresh() as Uint8Array) : { ...(fresh() as object), data: detachedCopy((fresh() as { data: Uint8Array }).data) }, 'detached', true);
    case 7: { const f = fresh(); return put(ArrayBuffer.isView(f) ? sharedCopy(f) : { ...(f as object), data: sharedCopy((f as { data: Uint8Array }).data) }, 'on a SharedArrayBuffer'); }
    default: {
      const f = fresh();
      if (ArrayBuffer.isView(f)) return put(f, 'valid');
      const key = rng.pick(['data', 'shape']);
      const g = getter(w, f as Record<string, unknown>, key, [(f as Record<string, unknown>)[key]], 'out');
      return put(g.hostile, `with a ${key} getter`, false, f);
    }
  }
}

function mutateScalar(env: Env, v: unknown, label: string): Mutation {
  const x = env.rng.pick(SCALARS);
  return { what: `${label} ${typeof x === 'symbol' || typeof x === 'bigint' ? typeof x : JSON.stringify(x) ?? String(x)}`, hostile: x, twin: Object.is(x, v) ? v : undefined };
}

function mutateSize2(env: Env, size: number[]): Mutation {
  const { w, rng } = env;
  switch (rng.int(5)) {
    case 0: return { what: 'size Proxy drifting', hostile: proxy(w, size.slice(), 'size', () => 2 ** 31), twin: size };
    case 1: { const s: unknown[] = size.slice(); s[rng.int(2)] = rng.pick(DIMENSIONS); return { what: `size with ${String(s)}`, hostile: s }; }
    case 2: { const s = size.slice(); delete s[rng.int(2)]; return { what: 'size sparse', hostile: s, refuse: true }; }
    case 3: return { what: 'size huge', hostile: [2 ** 20, 2 ** 20], refuse: true };
    default: return mutateScalar(env, size, 'size');
  }
}

function mutateImage(env: Env, img: { data: Uint8ClampedArray; width: number; height: number; channels: number }): Mutation {
  const { w, rng } = env;
  const plain = img as unknown as Record<string, unknown>;
  const key = rng.pick(['data', 'width', 'height', 'channels']);
  switch (rng.int(9)) {
    case 0: { const g = getter(w, plain, key, [plain[key]], 'image'); return { what: `image.${key} counted getter`, ...g }; }
    case 1: { const g = getter(w, plain, key, [plain[key], key === 'data' ? new Uint8Array(1) : 1e6], 'image'); return { what: `image.${key} drifting getter`, ...g }; }
    case 2: return { what: `image.${key} throwing getter`, hostile: throwingGetter(plain, key) };
    case 3: return { what: 'image Proxy drifting', hostile: proxy(w, { ...img }, 'image', () => 2 ** 20), twin: img };
    case 4: { const v = rng.pick(key === 'data' ? [new Float32Array(img.data.length), new Uint8Array(1), null, Array.from(img.data), new DataView(img.data.buffer)] : DIMENSIONS); return { what: `image.${key} = ${String(v)}`, hostile: { ...img, [key]: v } }; }
    case 5: return { what: 'image.data detached', hostile: { ...img, data: detachedCopy(img.data) }, refuse: true };
    case 6: return { what: 'image.data shared', hostile: { ...img, data: sharedCopy(img.data) }, twin: img };
    case 7: return { what: 'image.data at an offset', hostile: { ...img, data: offsetCopy(img.data) }, twin: img };
    default: return { what: 'image huge', hostile: { ...img, width: 2 ** 16, height: 2 ** 16 }, refuse: true };
  }
}

/** The arguments of one case: one slot made hostile (the others fresh and plain), and the plain twin. */
function buildCase(env: Env, clean: Clean): { what: string; args: unknown[]; twin?: unknown[]; refuse?: boolean; mayRefuse?: boolean; pollute?: [string, unknown] } {
  const args = clean.args();
  const at = env.rng.int(clean.slots.length);
  const slot = clean.slots[at];
  const v = args[at];
  let m: Mutation & { pollute?: [string, unknown] };
  if (slot === 'tensor') m = mutateTensor(env, v as never, at === 0 ? 'input' : 'weight');
  else if (slot === 'options') m = mutateOptions(env, v as Record<string, unknown>, args[0]);
  else if (slot === 'image') m = mutateImage(env, v as never);
  else if (slot === 'target') m = env.rng.next() < 0.5 ? mutateScalar(env, v, 'target') : mutateOptions(env, v as Record<string, unknown>, undefined, 'target');
  else if (slot === 'size2') m = mutateSize2(env, v as number[]);
  else if (slot === 'shape') m = mutateSize2(env, v as number[]);
  else if (slot === 'data') m = env.rng.next() < 0.5 ? mutateScalar(env, v, 'data') : { what: 'data Proxy drifting', hostile: proxy(env.w, (v as number[]).slice(), 'data', () => NaN), twin: v };
  else m = mutateScalar(env, v, slot);
  if (!m || typeof m !== 'object' || !('what' in m)) m = { what: `${slot} ${String(m)}`, hostile: m };
  const hostileArgs = args.slice();
  hostileArgs[at] = m.hostile;
  let twin: unknown[] | undefined;
  if (m.twin !== undefined) { twin = args.slice(); twin[at] = m.twin; }
  if (m.replaceInput !== undefined) hostileArgs[0] = m.replaceInput;
  if (twin && m.twinInput !== undefined) twin[0] = m.twinInput;
  return { what: m.what, args: hostileArgs, twin, refuse: m.refuse, mayRefuse: m.mayRefuse, pollute: m.pollute };
}

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

/**
 * Families with no tiling (src/index.ts): a call runs whole, over maximumMemory if need be (as the
 * README says of work that does not split), refused only past 2 GiB. Left as found: see the report.
 */
const UNTILED = new Set(['imageToTensor', 'upsampleArgmax', 'upsampleThreshold']);

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
    // The module is still usable and memory within its budget (untiled families excepted: below).
    const after = await settle(target, clean.op, clean.args());
    if (!after.ok || after.summary !== reference.get(clean)) failures.push(`${label}: the clean call after it ${after.ok ? 'returned a different result' : `threw ${describeError(after.error)}`}`);
    const memory = target.memory?.();
    if (memory && memory.bytes > Math.max(memoryBefore, memory.budget) && !UNTILED.has(clean.op)) failures.push(`${label}: WebAssembly memory ${memory.bytes} bytes, over the budget ${memory.budget}`);
    while (residents.length > 4) residents.shift()!.dispose();
    if (memory && memory.bytes > memory.budget && target.release) {
      // An untiled call grew the memory: start afresh, so later cases are held to the budget again.
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

// ---- what the fuzzer found, each as the smallest call that failed before its fix ----

describe('hostile fuzz regressions', () => {
  const builds: Array<[string, () => up.Operations & { allocTensor?: typeof up.allocTensor }]> = [];
  let simd: up.OperationsInstance;
  let scalar: up.OperationsInstance;
  beforeAll(async () => {
    [simd, scalar] = await Promise.all([up.createOperations({ build: 'simd' }), up.createOperations({ build: 'scalar' })]);
  });
  builds.push(['wasm-simd', () => simd], ['wasm-scalar', () => scalar], ['js', () => up.js]);
  const x = () => ramp([1, 2, 3, 4]);
  let fresh2d = 0;

  /** Runs `body` with Object.prototype[key] = value, then removes it. */
  function polluted<T>(key: string, value: unknown, body: () => T): T {
    (Object.prototype as Record<string, unknown>)[key] = value;
    try {
      return body();
    } finally {
      delete (Object.prototype as Record<string, unknown>)[key];
    }
  }

  describe.each(builds)('%s', (_, ops) => {
    it('a cached plan does not let values that are not plain data skip validation (toJSON, boxed numbers, undefined unknown options)', () => {
      ops().interpolate(x(), { size: [6, 8], mode: 'bilinear' });
      expect(() => ops().interpolate(x(), { size: { toJSON: () => [6, 8] } as never, mode: 'bilinear' })).toThrow(TypeError);
      ops().interpolate(x(), { scaleFactor: 2, mode: 'bilinear' });
      expect(() => ops().interpolate(x(), { scaleFactor: new Number(2) as never, mode: 'bilinear' })).toThrow(TypeError);
      ops().resize(x(), { sizes: [1, 2, 5, 5], mode: 'linear' });
      expect(() => ops().resize(x(), { sizes: [1, 2, 5, 5], mode: 'linear', bogus: undefined } as never)).toThrow(/unknown option 'bogus'/);
      ops().upsampleArgmax(x(), { size: [5, 5] });
      expect(() => ops().upsampleArgmax(x(), { size: { toJSON: () => [5, 5] } as never })).toThrow(TypeError);
    });

    it('an option inherited from a polluted Object.prototype is ignored, as an own-properties-only read of the options', () => {
      const w = ramp([3, 2, 3, 3], 5);
      const img = image();
      const expected = [
        ops().conv2d(x(), w).data, ops().interpolate(x(), { scaleFactor: 2 }).data,
        ops().resizeImage(img, { width: 7, height: 3 }).data, ops().resize(x(), { scales: [1, 1, 2, 2] }).data,
      ];
      expect(polluted('stride', 2, () => ops().conv2d(x(), w)).data).toEqual(expected[0]);
      expect(polluted('mode', 'bicubic', () => ops().interpolate(x(), { scaleFactor: 2 })).data).toEqual(expected[1]);
      expect(polluted('scale', 2, () => ops().resizeImage(img, { width: 7, height: 3 })).data).toEqual(expected[2]);
      expect(polluted('mode', 'cubic', () => ops().resize(x(), { scales: [1, 1, 2, 2] })).data).toEqual(expected[3]);
    });

    it('an array is not an options object', () => {
      expect(() => ops().conv2d(x(), ramp([3, 2, 3, 3]), [] as never)).toThrow(/conv2d: options must be an object, but got an array/);
      expect(() => ops().pixelShuffle(ramp([1, 4, 2, 2]), 2, [] as never)).toThrow(TypeError);
      expect(() => ops().resize(x(), [] as never)).toThrow(TypeError);
      expect(() => ops().resizeBilinear(ramp([1, 3, 3, 2]), [4, 4], [] as never)).toThrow(TypeError);
    });

    it("each element of an option's list is read once (a Proxy that answers differently later)", () => {
      // A size no call planned before (a cached plan would read the list only for its key).
      const fresh = 20 + fresh2d++;
      const reads: number[] = [0, 0];
      const size = new Proxy([fresh, 8], { get: (t, k, r) => (k === '0' || k === '1' ? (reads[Number(k)]++ ? 1e9 : Reflect.get(t, k, r)) : Reflect.get(t, k, r)) });
      expect(ops().interpolate(x(), { size, mode: 'bilinear' }).shape).toEqual([1, 2, fresh, 8]);
      expect(reads).toEqual([1, 1]);
    });
  });

  describe.each(builds)('%s', (_, ops) => {
    it("a getter read after the input was checked that detaches or shrinks the input's buffer: refused, out untouched", () => {
      for (const [how, type, message] of [['detach', TypeError, /^input\.data was detached after it was checked/], ['shrink', RangeError, /^input\.data has 0 elements, but had 24/]] as const) {
        const buffer = new ArrayBuffer(24 * 4, { maxByteLength: 24 * 4 });
        const input = { data: new Float32Array(buffer), shape: [1, 2, 3, 4] };
        input.data.set(x().data);
        const out = { data: new Float32Array(2 * 6 * 8).fill(5), shape: [1, 2, 6, 8] };
        const options = { size: [6, 8], out, get mode() {
          if (how === 'detach') structuredClone(buffer, { transfer: [buffer] });
          else buffer.resize(0);
          return 'bilinear' as const;
        } };
        let error: unknown;
        try { ops().interpolate(input, options); } catch (e) { error = e; }
        expect(error).toBeInstanceOf(type);
        expect((error as Error).message).toMatch(message);
        expect(out.data.every((v) => v === 5)).toBe(true);
        // A resizable buffer that stays as it was is fine.
        expect(() => ops().interpolate({ data: new Float32Array(new ArrayBuffer(96, { maxByteLength: 96 })), shape: [1, 2, 3, 4] }, {
          size: [6, 8], get mode() { return 'bilinear' as const; } })).not.toThrow();
      }
    });

    it("a detached image or tensor is refused even after length-tracking views of resizable buffers ran through the check (V8 11's stale length)", () => {
      const img = image();
      const tracking = () => { const b = new ArrayBuffer(80, { maxByteLength: 80 }); const v = new Uint8ClampedArray(b); v.set(img.data); return { ...img, data: v }; };
      const tensorTracking = () => { const b = new ArrayBuffer(96, { maxByteLength: 96 }); return { data: new Float32Array(b), shape: [1, 4, 2, 3] }; };
      for (let i = 0; i < 3000; i++) {
        ops().resizeImage(i % 50 === 0 ? tracking() : img, { width: 2, height: 2 }, { mode: 'nearest' });
        ops().pixelShuffle(i % 50 === 0 ? tensorTracking() : { data: x().data, shape: [1, 4, 2, 3] }, 2);
        if (i % 100 === 0) {
          expect(() => ops().resizeImage({ ...img, data: detachedCopy(img.data) }, { width: 2, height: 2 }, { mode: 'nearest' })).toThrow(); // any refusal: the bug accepted it
          expect(() => ops().pixelShuffle({ data: detachedCopy(x().data), shape: [1, 4, 2, 3] }, 2)).toThrow();
        }
      }
    });
  });

  it.each([['wasm-simd', () => simd], ['wasm-scalar', () => scalar]] as const)('%s: allocTensor reads its shape once', (_, ops) => {
    const reads = [0, 0];
    const shape = new Proxy([2, 3], { get: (t, k, r) => (k === '0' || k === '1' ? (reads[Number(k)]++ ? 2 ** 31 : Reflect.get(t, k, r)) : Reflect.get(t, k, r)) });
    const tensor = ops().allocTensor(shape);
    expect(tensor.shape).toEqual([2, 3]);
    expect(reads).toEqual([1, 1]);
    tensor.dispose();
  });
});
