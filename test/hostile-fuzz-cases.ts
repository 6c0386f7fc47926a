// The hostile-fuzz generators (test/hostile-fuzz.test.ts runs them): a clean call of every public
// operation, and mutations that make one of its arguments hostile, each with the plain "twin"
// value a correct call must behave as (a getter's first value, a Proxy's target), or a flag that
// the call must refuse.

import type * as up from '../src/index.js';

/** mulberry32: small, seeded, reproducible. */
export function prng(s: number) {
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
export type Rng = ReturnType<typeof prng>;

// ---- clean calls ----

export type Slot = 'tensor' | 'options' | 'factor' | 'size2' | 'image' | 'target' | 'shape' | 'data';
export interface Clean { op: string; slots: Slot[]; args: () => unknown[]; wasmOnly?: boolean }

export const ramp = (shape: number[], offset = 0) =>
  ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7 + offset) % 23) / 11 - 1), shape });
export const bytes = (n: number, Type: typeof Uint8Array | typeof Uint8ClampedArray = Uint8ClampedArray): Uint8ClampedArray =>
  (Type as typeof Uint8ClampedArray).from({ length: n }, (_, i) => (i * 37) % 256);
export const image = () => ({ data: bytes(5 * 4 * 4), width: 5, height: 4, channels: 4 as const });
/** A resizable ArrayBuffer (ES2024; Node 20+), typed here for the ES2022 lib. */
export const resizable = (n: number) => new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void })(n, { maxByteLength: n });

export const CLEAN: Clean[] = [
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

export class HostileGetterError extends Error {}

/** One case's hostile values: the getters' read counts, and `out` arrays to compare after a refusal. */
export class Watch {
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

export function detachedCopy<T extends ArrayBufferView>(view: T): T {
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
export interface Mutation {
  what: string; hostile: unknown; twin?: unknown; refuse?: boolean;
  /** Refusing is right even though the plain call returns (the data validated is gone). */
  mayRefuse?: boolean;
  /** For an options mutation: a replacement for the input (argument 0), and the twin's input. */
  replaceInput?: unknown; twinInput?: unknown;
}

export interface Env { w: Watch; rng: Rng; reenter?: () => unknown; resident?: (shape: number[], data?: ArrayLike<number>) => up.ResidentTensor; outShape?: () => unknown }

export function mutateTensor(env: Env, t: { data: ArrayBufferView & ArrayLike<number>; shape: number[] }, label: string): Mutation {
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
    const buffer = resizable(view.byteLength);
    const tracking = new Type(buffer); // length-tracking: shrinks with its buffer
    tracking.set(view);
    t!.data = tracking;
    effect = () => { buffer.resize(0); };
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
      if (ArrayBuffer.isView(f)) return put(new ((f as unknown as Uint8Array).constructor as Uint8ArrayConstructor)((f as unknown as Uint8Array).length + 1), 'one element too long', true);
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
export function buildCase(env: Env, clean: Clean): { what: string; args: unknown[]; twin?: unknown[]; refuse?: boolean; mayRefuse?: boolean; pollute?: [string, unknown] } {
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
