// The public operations, written once over a backend.

import type { Backend } from './backend.js';
import { planInterpolate, type InterpolateOptions } from './interpolate.js';
import { product, resultTensor, type Tensor } from './tensor.js';

export interface Operations {
  interpolate(input: Tensor, options: InterpolateOptions): Tensor;
}

export function operations(backend: Backend, ready: () => void): Operations {
  return {
    interpolate(input, options) {
      const { plan, out } = planInterpolate(input, options);
      ready();
      const result = resultTensor(plan.outputShape, out);
      if (product(plan.outputShape) > 0) backend.interpolate(plan, input.data, result.data);
      return result;
    },
  };
}
