// Backends for every element type (src/dtype.ts): a family's float32 staging and loops, with the
// conversion step once around them (src/wasm/convert.ts, src/js/convert.ts).

import type { TensorData } from './dtype.js';
import type { Tensor, TensorInput } from './tensor.js';
import { runTyped } from './js/convert.js';
import type { Backends } from './ops.js';
import type { ResizePlan } from './resize.js';
import { stageTyped } from './wasm/convert.js';

/**
 * `copies(plan)`: the plan as element copies (axis passes of one-tap tables), undefined where it
 * blends; `own(plan)`: the family's own staging and loops take this plan's element type as it is
 * (resize's wide plans, float64 from the integers on).
 */
export function typedBackends<P, I extends { input: TensorData }>(backends: Backends<P, I>, copies: (plan: P) => ResizePlan | undefined,
                                                                  own: (plan: P) => boolean = () => false): Backends<P, I> {
  return { ...backends, wasm: stageTyped(backends.wasm, copies, own), js: runTyped(backends.js, copies, own) };
}

/** The operations that take every element type: their result has the input's type. */
export type TypedName = 'interpolate' | 'resize' | 'resizeBilinear' | 'resizeNearestNeighbor';

type Rest<F> = F extends (input: never, ...rest: infer R) => unknown ? R : never;

/** A table's synchronous operations, the typed ones generic in the element type. */
export type WithTypes<T> = {
  [K in keyof T]: K extends TypedName ? <D extends TensorData = Float32Array>(input: TensorInput<D>, ...rest: Rest<T[K]>) => Tensor<D> : T[K];
};

