// Tensors and the argument checks every operation shares (src/ holds validation once; both
// backends run only after these pass).

import { isTensorData, sameType, tensorDataNames, type TensorData } from './dtype.js';

/**
 * A dense, row-major tensor, batch first and channels second, as in PyTorch: float32, or for
 * interpolate, resize and the TF entries any of TensorData (src/dtype.ts).
 */
export interface Tensor<D extends TensorData = Float32Array> {
  data: D;
  shape: number[];
}

/**
 * What typed operations take: a Tensor, or an object with `dims` instead of `shape`
 * (onnxruntime-web/-node and transformers.js tensors), used as it is.
 */
export type TensorInput<D extends TensorData = Float32Array> = Tensor<D> | { data: D; dims: readonly number[] };

/** The largest element count an operation accepts: 2^31 - 1 bytes of float32 (2 GiB). */
export const MAX_ELEMENTS = Math.floor((2 ** 31 - 1) / 4);

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Checks that `value` is a Tensor whose data matches its shape. Returns a snapshot (`data` and a
 * copy of `shape`, each read once): operations compute from it, so a getter or a later change of
 * the caller's object cannot swap the arrays between validation and work. Without `shape`, a
 * `dims` array is the shape (onnxruntime's and transformers.js's Tensor: taken as they are, no
 * copy of the data). `typed`: any TensorData, not only Float32Array.
 */
export function checkTensor(value: unknown, name: string): Tensor;
export function checkTensor(value: unknown, name: string, typed: true): Tensor<TensorData>;
export function checkTensor(value: unknown, name: string, typed = false): Tensor<TensorData> {
  const kind = typed ? 'a typed array' : 'Float32Array';
  if (value === null || typeof value !== 'object') {
    throw new TypeError(`${name} must be a Tensor { data: ${kind}, shape: number[] }, but got ${value === null ? 'null' : typeof value}`);
  }
  if (ArrayBuffer.isView(value)) {
    throw new TypeError(`${name} must be a Tensor { data: ${kind}, shape: number[] }, but got a bare ${value.constructor.name}; pass { data, shape }`);
  }
  const { data, shape: shapeProp, dims } = value as { data?: unknown; shape?: unknown; dims?: unknown };
  const shapeArg = shapeProp === undefined ? dims : shapeProp;
  // A copy, so the checks and the work see the same dimensions.
  const shape = Array.isArray(shapeArg) ? shapeArg.slice() : shapeArg;
  if (typed ? !isTensorData(data) : !(data instanceof Float32Array)) {
    const got = data === undefined ? 'undefined' : (data as object)?.constructor?.name ?? typeof data;
    throw new TypeError(`${name}.data must be ${typed ? `one of ${tensorDataNames()}` : 'a Float32Array'}, but got ${got}`);
  }
  const array = data as TensorData;
  if (!Array.isArray(shape)) {
    throw new TypeError(`${name}.shape must be an array of integers, but got ${shape === undefined ? 'undefined' : typeof shape}`);
  }
  for (const d of shape) {
    if (typeof d !== 'number') {
      const got = shape.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
      throw new TypeError(`${name}.shape must hold integers, but got [${got}]`);
    }
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${name}.shape must hold non-negative integers, but got ${formatShape(shape)}`);
    }
  }
  const n = checkElementCount(shape, `${name}.shape`);
  // Asked outright, not from the length: V8 11 (Node 20) can report a detached view's old length
  // from optimized code once length-tracking views of resizable buffers have run through it.
  if (n > 0 && isDetached(array)) {
    throw new TypeError(`${name}.data is a view of a detached ArrayBuffer (for example WebAssembly memory that ` +
      `grew after the view was taken), but ${name}.shape ${formatShape(shape)} needs ${n} elements; take the view again`);
  }
  if (array.length !== n) {
    throw new RangeError(`${name}.data has ${array.length} elements but ${name}.shape ${formatShape(shape)} needs ${n}`);
  }
  noteChecked(array, `${name}.data`);
  return { data: array, shape: shape.slice() };
}

/** Each checked array's name and length then: checkUnchanged compares them once the call has read everything. */
const checked = new WeakMap<ArrayBufferView, { name: string; length: number }>();

/** Remembers that `data` passed its checks with its present length. */
export function noteChecked(data: ArrayBufferView & { length: number }, name: string): void {
  checked.set(data, { name, length: data.length });
}

/**
 * Refuses a call whose arrays changed after they were checked: a getter read later in the same
 * call (an option's, another tensor's) detached or shrank their buffer, so the data validated is
 * gone. Called once all of the caller's objects have been read, before any work.
 */
export function checkUnchanged(arrays: readonly unknown[]): void {
  for (const data of arrays) {
    if (!ArrayBuffer.isView(data)) continue;
    const was = checked.get(data);
    if (was === undefined) continue;
    const now = (data as unknown as { length: number }).length;
    const detached = was.length > 0 && isDetached(data); // asked outright: see checkTensor
    if (now === was.length && !detached) continue;
    if (detached) {
      throw new TypeError(`${was.name} was detached after it was checked (${was.length} elements), by something the call read later (a getter?)`);
    }
    throw new RangeError(`${was.name} has ${now} elements, but had ${was.length} when it was checked: its buffer was resized by something the call read later (a getter?)`);
  }
}

/**
 * The element count of `shape`, or a RangeError when it (or one dimension) exceeds what an
 * operation supports: checked before any table or result is allocated.
 */
export function checkElementCount(shape: readonly number[], name: string): number {
  const n = product(shape);
  if (n > MAX_ELEMENTS || shape.some((d) => d > MAX_ELEMENTS)) {
    throw new RangeError(`${name} ${formatShape(shape)} has ${n} elements, more than the ${MAX_ELEMENTS} supported (2 GiB of float32)`);
  }
  return n;
}

/** Whether a view's buffer was detached (transferred, or WebAssembly memory that grew). */
export function isDetached(data: ArrayBufferView): boolean {
  if (data.buffer.byteLength > 0) return false; // a detached buffer has none
  // ArrayBuffer.prototype.detached is recent (Node 22); constructing a view works everywhere.
  try {
    new Uint8Array(data.buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** A caller's `out`: the object returned as the result, and its data as read once. */
export interface OutTarget<D extends TensorData = Float32Array> {
  result: Tensor<D>;
  data: D;
}

/**
 * Checks an `out` tensor against the result's shape, and that it does not overlap the inputs;
 * with `like` (a typed operation's input), that it has the input's element type.
 */
export function checkOut(out: unknown, shape: readonly number[], inputs: readonly Tensor[]): OutTarget | undefined;
export function checkOut(out: unknown, shape: readonly number[], inputs: readonly Tensor<TensorData>[], like: TensorData): OutTarget<TensorData> | undefined;
export function checkOut(out: unknown, shape: readonly number[], inputs: readonly Tensor<TensorData>[], like?: TensorData): OutTarget<TensorData> | undefined {
  if (out === undefined) return undefined;
  const t = like ? checkTensor(out, 'out', true) : checkTensor(out, 'out');
  if (like && t.data.constructor !== like.constructor) {
    throw new TypeError(`out.data must be a ${like.constructor.name}, the input's type, but got ${t.data.constructor.name}`);
  }
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(`out has shape ${formatShape(t.shape)} but the result has shape ${formatShape(shape)}`);
  }
  for (const input of inputs) {
    if (overlaps(t.data, input.data)) throw new Error('out must not share memory with an input');
  }
  return { result: out as Tensor<TensorData>, data: t.data };
}

/** Whether two views share bytes. */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * An operation's options object (undefined allowed unless `required` says what it must hold),
 * its names checked, as a copy (snapshotOptions): each option is read once, here.
 */
export function readOptions<T extends object>(options: T | undefined, known: readonly string[], op: string,
                                               required?: string): Partial<T> {
  if (options === undefined && required === undefined) return snapshotOptions({}, known);
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${op}: options must be an object${required ? ` ${required}` : ''}${Array.isArray(options) ? ', but got an array' : ''}`);
  }
  checkOptionNames(options, known, op);
  return snapshotOptions(options, known);
}

/**
 * A copy of a caller's options object, each own option read once and each list copied (later
 * reads see the copy, not a caller's array or Proxy). Every `known` name is an own property,
 * undefined when not given, so neither this copy nor a spread or destructuring of it inherits an
 * option from a polluted Object.prototype.
 */
export function snapshotOptions<T extends object>(options: T, known: readonly string[]): Partial<T> {
  const copy: Record<string, unknown> = {};
  for (const name of known) copy[name] = undefined;
  for (const [key, value] of Object.entries(options)) {
    const own = Array.isArray(value) ? value.slice() : value;
    // An own '__proto__' key stays a key (checked by name), not the copy's prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: own, enumerable: true, writable: true, configurable: true });
    else copy[key] = own;
  }
  return copy as Partial<T>;
}

/** Rejects option names the operation does not know, so a typo does not pass silently. */
export function checkOptionNames(options: object, known: readonly string[], op: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${op}: unknown option '${key}'; expected one of ${known.join(', ')}`);
    }
  }
}

export function checkBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, but got ${String(value)}`);
  return value;
}

/** Expands a number or per-dimension list to `dims` values (PyTorch's _ntuple), checking each. */
export function expandList(value: number | readonly number[], dims: number, name: string,
                           check: (v: number, name: string) => void): number[] {
  const list = typeof value === 'number' ? new Array<number>(dims).fill(value) : value;
  if (!Array.isArray(list)) throw new TypeError(`${name} must be a number or an array of numbers, but got ${typeof value}`);
  if (list.length !== dims) {
    throw new RangeError(`${name} must have ${dims} value${dims === 1 ? '' : 's'}, but got ${formatShape(list)}`);
  }
  for (const v of list) check(v, name);
  return list.slice();
}

export function checkInteger(v: unknown, name: string, min: number): void {
  if (typeof v !== 'number') throw new TypeError(`${name} must hold integers, but got ${String(v)}`);
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(`${name} must hold integers >= ${min}, but got ${String(v)}`);
  }
}

/**
 * Each array of a call is limited (MAX_ELEMENTS), not their sum: calls that do not fit WebAssembly
 * memory together run in tiles (src/tiling/), and the executors refuse up front a call whose
 * smallest tile would not fit (src/wasm/executor.ts admitJob).
 */
function checkCallSize(shape: readonly number[], inputs: readonly TensorData[]): void {
  for (const [i, length] of [product(shape), ...inputs.map((d) => d.length)].entries()) {
    if (length > MAX_ELEMENTS) {
      throw new RangeError(`${i === 0 ? `the output ${formatShape(shape)}` : `input ${i}`} has ${length} elements, more than the ${MAX_ELEMENTS} supported`);
    }
  }
}

/**
 * The array a result is written to and the tensor returned: the caller's `out`, or a fresh one.
 * Each array is limited (checkCallSize), not their sum.
 */
export function tensorOutput(shape: number[], out: OutTarget | undefined, ...inputs: Array<Float32Array | undefined>):
  { output: Float32Array; result: Tensor } {
  const n = product(shape);
  checkCallSize(shape, inputs.filter((d): d is Float32Array => d !== undefined));
  if (out) return { output: out.data, result: out.result };
  const data = new Float32Array(n);
  return { output: data, result: { data, shape } };
}

/** tensorOutput for a typed operation: the result has the input's element type. */
export function typedOutput(shape: number[], out: OutTarget<TensorData> | undefined, input: TensorData):
  { output: TensorData; result: Tensor<TensorData> } {
  checkCallSize(shape, [input]);
  if (out) return { output: out.data, result: out.result };
  const data = sameType(input, product(shape));
  return { output: data, result: { data, shape } };
}
