// A convolution call's table entry: the geometry (./rules.ts) laid out as phases (./phases.ts),
// plans remembered by shape and options, and the exact path for non-finite transposed weights.

import type { Prepared } from '../ops.js';
import { PlanCache } from '../plan-cache.js';
import { checkOut, checkTensor, product, tensorOutput, type Tensor } from '../tensor.js';
import { buildPlan, type ConvPlan } from './phases.js';
import { geometry, readConvOptions, type ConvOptions, type ConvTransposeOptions, type Geometry } from './rules.js';

/** What a convolution call reads. */
export interface ConvInputs {
  input: Float32Array;
  weight: Float32Array;
  bias: Float32Array | undefined;
}

const plans = new PlanCache<ConvPlan>();

function cachedPlan(g: Geometry): ConvPlan {
  const key = JSON.stringify([g.transposed, g.dims, g.batch, g.inChannels, g.outChannels, g.groups, g.inSpatial, g.kernel,
    g.stride, g.padLo, g.padHi, g.dilation, g.outputPadding, g.unbatched]);
  return plans.get(key, () => buildPlan(g));
}

/**
 * Whether a transposed convolution must scatter instead of running its phases. PyTorch scatters
 * (col2im) and so never multiplies the padding; the phases read zeros there, which changes nothing
 * unless a weight is NaN or infinite (0 * Infinity is NaN). Such weights take the exact path.
 */
export function needsScatter(plan: ConvPlan, weight: Float32Array): boolean {
  return plan.transposed && hasNonFinite(weight);
}

/**
 * Whether any element is NaN or infinite: x * 0 is NaN exactly for those, and a NaN stays in a
 * sum. Four sums, so the additions overlap: 6 µs for W4's 16K weights, against 16 µs for a
 * Number.isFinite loop (a cost every transposed-convolution call pays).
 */
export function hasNonFinite(values: Float32Array): boolean {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const whole = values.length & ~3;
  let i = 0;
  for (; i < whole; i += 4) {
    s0 += values[i] * 0;
    s1 += values[i + 1] * 0;
    s2 += values[i + 2] * 0;
    s3 += values[i + 3] * 0;
  }
  for (; i < values.length; i++) s0 += values[i] * 0;
  const sum = s0 + s1 + s2 + s3;
  return sum !== sum;
}

type ConvFunction = (input: Tensor, weight: Tensor, options?: ConvOptions | ConvTransposeOptions) => Prepared<Tensor, ConvPlan, ConvInputs>;

/** The table entry of convNd / convTransposeNd: reads the call once, validates it and plans it. */
export function prepareConv(transposed: boolean, dims: number): ConvFunction {
  return (inputArg, weightArg, optionsArg) => {
    const input = checkTensor(inputArg, 'input');
    const weight = checkTensor(weightArg, 'weight');
    const options = readConvOptions(transposed, dims, optionsArg);
    if (options.bias !== undefined && !(options.bias instanceof Float32Array)) options.bias = checkTensor(options.bias, 'bias');
    const g = geometry(transposed, dims, input.shape, weight.shape, options);
    const biasArg = options.bias as Float32Array | Tensor | undefined;
    const bias = biasArg === undefined ? undefined : biasArg instanceof Float32Array ? biasArg : biasArg.data;
    const out = checkOut(options.out, g.outputShape, bias ? [input, weight, { data: bias, shape: [bias.length] }] : [input, weight]);
    const plan = cachedPlan(g);
    return {
      plan,
      inputs: { input: input.data, weight: weight.data, bias },
      outputLength: product(plan.outputShape),
      allocate: () => tensorOutput(plan.outputShape, out, input.data, weight.data, bias),
    };
  };
}
