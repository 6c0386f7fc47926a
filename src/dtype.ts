// Element types: the typed arrays interpolate, resize and the TF entries take and return. Every
// kernel computes in float32; a call on another type widens its input exactly into the float32
// staging buffer and narrows the result on the way out (src/wasm/convert.ts, src/js/convert.ts).
// Index-only plans (nearest) copy elements instead (8- and 16-bit ones as they are, in
// src/wasm/gather.ts), so they are exact on every type.

/** Float16Array where the engine has it (Chromium 135+, Firefox 129+; not Node 20/22): feature-detected. */
type Float16ArrayLike = Float32Array & { readonly [Symbol.toStringTag]: 'Float16Array' };
const Float16: (new (n: number) => Float16ArrayLike) | undefined = (globalThis as Record<string, unknown>).Float16Array as never;

/** The arrays a typed operation's `data` may be. */
export type TensorData = Float32Array | Float16ArrayLike | Uint8Array | Uint8ClampedArray | Int8Array | Uint16Array |
  Int16Array | Int32Array;

/** How the `narrow` kernel (assembly/convert.ts) stores an integer type: its code and element bytes. */
export interface IntegerType {
  code: number;
  bytes: number;
  min: number;
  max: number;
}

const INTEGER_TYPES: ReadonlyArray<[Function, IntegerType]> = [
  [Int8Array, { code: 0, bytes: 1, min: -128, max: 127 }],
  [Uint8Array, { code: 1, bytes: 1, min: 0, max: 255 }],
  [Uint8ClampedArray, { code: 1, bytes: 1, min: 0, max: 255 }],
  [Int16Array, { code: 2, bytes: 2, min: -32768, max: 32767 }],
  [Uint16Array, { code: 3, bytes: 2, min: 0, max: 65535 }],
  [Int32Array, { code: 4, bytes: 4, min: -(2 ** 31), max: 2 ** 31 - 1 }],
];

/** The `narrow` kernel's type code for Float16Array (its result as IEEE half bits). */
export const FLOAT16_CODE = 5;

/** Bytes of an element of each `narrow` type code (the pool's splitter cuts by elements). */
export const NARROW_BYTES: readonly number[] = INTEGER_TYPES.reduce<number[]>((bytes, [, t]) => { bytes[t.code] = t.bytes; return bytes; }, [])
  .concat(2);

/** The bytes of `data`, as they are (half floats as their bits): what staging copies in and out unconverted. */
export function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The integer type of `data`, or undefined for a float array. */
export function integerType(data: TensorData): IntegerType | undefined {
  for (const [ctor, type] of INTEGER_TYPES) if (data instanceof ctor) return type;
  return undefined;
}

/** The `narrow` kernel's type code for a result of `data`'s type (not Float32Array). */
export function narrowCode(data: TensorData): number {
  return integerType(data)?.code ?? FLOAT16_CODE;
}

export function isFloat16(data: unknown): data is Float16ArrayLike {
  return Float16 !== undefined && data instanceof Float16;
}

/** Whether `data` is one of the typed arrays typed operations take. */
export function isTensorData(data: unknown): data is TensorData {
  return data instanceof Float32Array || isFloat16(data) || INTEGER_TYPES.some(([ctor]) => data instanceof ctor);
}

/** The names of the accepted arrays, for messages. */
export function tensorDataNames(): string {
  return ['Float32Array', ...(Float16 ? ['Float16Array'] : []), ...INTEGER_TYPES.map(([ctor]) => ctor.name)].join(', ');
}

/** A new array of `data`'s type and `length` elements. */
export function sameType(data: TensorData, length: number): TensorData {
  return new (data.constructor as new (n: number) => TensorData)(length);
}

/**
 * The integer rule, as PyTorch 2's uint8 interpolation: round half to even, then saturate to the
 * type's range (NaN, which integer inputs never produce, becomes 0).
 */
export function roundSaturate(x: number, type: IntegerType): number {
  if (Number.isNaN(x)) return 0;
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) r -= 1; // Math.round rounds halves up: take the even neighbour
  return r < type.min ? type.min : r > type.max ? type.max : r;
}
