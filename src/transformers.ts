// upsample-wasm/transformers: transformers.js's tensor operations on upsample-wasm.
//
// transformers.js 4.x runs `interpolate_4d` through `TensorOpRegistry` (src/ops/registry.js), a
// class whose getters build small ONNX Resize models and run them in onnxruntime. That registry
// is not exported from the package (4.3.2), so nothing can be registered into it; this entry
// instead offers the same functions, taking and returning transformers.js Tensor objects
// ({ type, data, dims }; results are made with the input's own Tensor class, so this package
// needs no dependency on transformers.js).
//
// interpolate_4d computes what its ONNX model computes: ONNX Resize (opset 20) with only `mode`
// set, so half_pixel coordinates, nearest rounding round_prefer_floor and cubic a = -0.75: this
// package's `resize` with those attributes.

import { backendInfo, init, resize, upsampleArgmax, upsampleThreshold } from './index.js';
import type { LabelTensor, UpsampleReduceOptions, UpsampleThresholdOptions } from './pipeline/upsample-reduce.js';
import type { Tensor } from './tensor.js';

/** A transformers.js (or onnxruntime) tensor: its type, data and dims. */
export interface TransformersTensor {
  type: string;
  data: unknown;
  dims: readonly number[];
}

type TensorClass<T> = new (type: string, data: Float32Array | Uint8Array | Uint16Array, dims: number[]) => T;

const RESIZE_MODE = { nearest: 'nearest', bilinear: 'linear', bicubic: 'cubic' } as const;

let starting: Promise<unknown> | undefined;

/**
 * init() once, on the first call, unless the caller already ran it: init() starts a fresh
 * instance each time, which would drop the caller's (its build, an `upsample-wasm/inline` or
 * `init({ wasm })` module where a bundler left the .wasm files behind) and cost an instantiation.
 */
async function ready(): Promise<void> {
  if (backendInfo() === undefined) await (starting ??= init().finally(() => { starting = undefined; }));
}

function asTensor(input: TransformersTensor, name: string): Tensor {
  if (input === null || typeof input !== 'object') throw new TypeError(`${name} must be a transformers.js Tensor, but got ${input === null ? 'null' : typeof input}`);
  const { type, data, dims } = input;
  if (type !== 'float32' || !(data instanceof Float32Array)) {
    throw new TypeError(`${name} must be a float32 Tensor, but got type ${String(type)} with ${(data as object)?.constructor?.name ?? typeof data}`);
  }
  if (!Array.isArray(dims)) throw new TypeError(`${name}.dims must be an array of integers`);
  return { data, shape: dims.slice() };
}

function make<T extends TransformersTensor>(like: T, type: string, data: Float32Array | Uint8Array | Uint16Array, dims: number[]): T {
  const Class = like.constructor as TensorClass<T> | undefined;
  // A plain { type, data, dims } has no Tensor class (new Object('float32') is a String).
  if (typeof Class !== 'function' || (Class as unknown) === Object) return { type, data, dims } as unknown as T;
  return new Class(type, data, dims);
}

/**
 * transformers.js's `interpolate_4d(input, { size, mode })`, in WebAssembly: `size` is [h, w],
 * [c, h, w] or [n, c, h, w] (as there); mode 'nearest' | 'bilinear' (default) | 'bicubic'.
 * Returns a Tensor of the input's class.
 */
export async function interpolate_4d<T extends TransformersTensor>(input: T, { size, mode = 'bilinear' }:
  { size?: number[] | null; mode?: 'nearest' | 'bilinear' | 'bicubic' } = {}): Promise<T> {
  const x = asTensor(input, 'input');
  if (x.shape.length !== 4) throw new Error('`interpolate_4d` currently only supports 4D input.');
  if (!size) throw new Error('`interpolate_4d` requires a `size` argument.');
  const sizes = size.length === 2 ? [...x.shape.slice(0, 2), ...size] : size.length === 3 ? [x.shape[0], ...size] : size.length === 4 ? size.slice() : undefined;
  if (!sizes) throw new Error('`size` must be of length 2, 3, or 4.');
  const resizeMode = RESIZE_MODE[mode as keyof typeof RESIZE_MODE];
  if (!resizeMode) throw new Error(`Unsupported mode: ${String(mode)}`);
  await ready();
  const y = resize(x, { sizes, mode: resizeMode });
  return make(input, 'float32', y.data, y.shape);
}

function labels<T extends TransformersTensor>(like: T, result: LabelTensor): T {
  return make(like, result.data instanceof Uint16Array ? 'uint16' : 'uint8', result.data, result.shape);
}

/** upsampleArgmax on a transformers.js Tensor of logits (N, K, h, w): a uint8 / uint16 Tensor (N, H, W). */
export async function upsample_argmax<T extends TransformersTensor>(logits: T, options: UpsampleReduceOptions): Promise<T> {
  const x = asTensor(logits, 'logits');
  await ready();
  return labels(logits, upsampleArgmax(x, options));
}

/** upsampleThreshold on a transformers.js Tensor of mask logits (N, C, h, w): a uint8 Tensor of 0/255 (N, C, H, W). */
export async function upsample_threshold<T extends TransformersTensor>(logits: T, options: UpsampleThresholdOptions): Promise<T> {
  const x = asTensor(logits, 'logits');
  await ready();
  return labels(logits, upsampleThreshold(x, options));
}
