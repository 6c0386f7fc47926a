// Plain-JS runs for tensors of other element types, around a family's float32 loops: index-only
// plans run on the arrays themselves (the loops only copy elements, and their intermediates take
// the input's type); others widen into float32, run, then round half to even and saturate
// (src/dtype.ts roundSaturate) or, for Float16Array, round to nearest-even as they store.

import { integerType, roundSaturate, type TensorData } from '../dtype.js';

type Run<P, I> = (plan: P, inputs: I, output: never) => void;

export function runTyped<P, I extends { input: TensorData }>(run: Run<P, I>, copies: (plan: P) => unknown, own: (plan: P) => boolean): Run<P, I> {
  return (plan, inputs, outputArg) => {
    const output = outputArg as TensorData;
    const { input } = inputs;
    if (input instanceof Float32Array || copies(plan) !== undefined || own(plan)) return run(plan, inputs, output as never);
    const result = new Float32Array(output.length);
    run(plan, { ...inputs, input: new Float32Array(input) }, result as never);
    const type = integerType(output);
    if (!type) {
      output.set(result);
      return;
    }
    for (let i = 0; i < result.length; i++) output[i] = roundSaturate(result[i], type);
  };
}
