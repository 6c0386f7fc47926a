// Convolution and transposed convolution: option parsing, PyTorch 1.13's refusals, output sizes,
// and the plan both backends run.
//
// Both operations become a set of *phases*. A phase is a stride-1 correlation that writes one
// sub-grid of the output from a zero-padded copy of the input (`x`):
//
//   out[co, phase pixel q] = bias[co] + sum_k packed[co, k] * x[q + offsets[k]]
//
// with k running over (input channel of the group, tap of this phase). It is a small GEMM:
// M = output channels per group, K = input channels per group x taps, N = pixels.
//
// - Transposed convolution, per axis: output o = i*stride - padding + t*dilation. Output phase
//   phi = o mod stride only receives the taps t with (phi + padding - t*dilation) divisible by
//   the stride, from input q + (phi + padding - t*dilation)/stride. So each of the stride^rank
//   phases is a dense correlation over the input with no inserted zeros, and every tap belongs
//   to exactly one phase (sub-pixel decomposition).
// - Convolution, per axis: output o reads padded input o*stride + t*dilation. With the padded
//   input split into `stride` phases (x[rho][j] = padded[rho + stride*j]), tap t reads phase
//   (t*dilation) mod stride at j = o + floor(t*dilation/stride): a stride-1 correlation again.
//
// The padded copy makes every read in bounds, so the kernels have no border branches.

import { checkInteger, checkOptionNames, checkOut, checkTensor, expandList, formatShape, MAX_ELEMENTS, product, type Tensor } from './tensor.js';

export interface ConvTransposeOptions {
  /** Added to every output of a channel: Cout values (a 1-D Tensor or a Float32Array). */
  bias?: Tensor | Float32Array;
  /** Per spatial dimension or one for all; default 1. */
  stride?: number | number[];
  /** Removed from both ends of every spatial dimension of the output; default 0. */
  padding?: number | number[];
  /** Added at the end of every spatial dimension; smaller than stride or dilation; default 0. */
  outputPadding?: number | number[];
  /** Input and output channels are split into this many independent groups; default 1. */
  groups?: number;
  /** Spacing between kernel taps; default 1. */
  dilation?: number | number[];
  /**
   * The spatial output size (or the whole shape), as nn.ConvTransposeNd's forward(x, output_size):
   * picks outputPadding = size - minimum, within [minimum, minimum + stride - 1]. When given,
   * `outputPadding` is ignored, as PyTorch's module ignores its own output_padding.
   */
  outputSize?: number[];
  /** A tensor of exactly the result's shape to write into (it is returned). */
  out?: Tensor;
}

export interface ConvOptions {
  bias?: Tensor | Float32Array;
  stride?: number | number[];
  /** Zeros added on both sides; 'same' keeps the size (stride 1 only), 'valid' is 0. */
  padding?: number | number[] | 'same' | 'valid';
  dilation?: number | number[];
  groups?: number;
  out?: Tensor;
}

const TRANSPOSE_OPTIONS = ['bias', 'stride', 'padding', 'outputPadding', 'groups', 'dilation', 'outputSize', 'out'] as const;
const CONV_OPTIONS = ['bias', 'stride', 'padding', 'dilation', 'groups', 'out'] as const;

/**
 * Int32 fields of one phase record in `ConvPlan.phases`, in this order: pixels along D, H, W; K;
 * where its offsets start in `offsets`; where its packed weights start in one group's packed
 * block; the output element of its first pixel; the output element steps per pixel along D, H, W;
 * where its taps start in `taps`.
 */
export const PHASE_FIELDS = 11;

/** Rows of output channels the micro-kernels compute together; packed weights are laid out so. */
export const CHANNEL_BLOCK = 4;
/** Floats the SIMD kernels may read past the last row of `x` (their last tile over-reads). */
export const X_SLACK = 16;

export interface ConvPlan {
  transposed: boolean;
  rank: number;
  batch: number;
  groups: number;
  /** Input / output channels per group (K's channel part, and M). */
  groupIn: number;
  groupOut: number;
  inDHW: [number, number, number];
  outDHW: [number, number, number];
  outputShape: number[];
  /** The padded (and for strided convolution, phase-split) input: extent per axis D, H, W. */
  extent: [number, number, number];
  /** Per axis, the input index each x index copies, or -1 for a zero. */
  gather: [Int32Array, Int32Array, Int32Array];
  /** x indices along W [lo, hi) that copy a contiguous run of the input row. */
  run: [number, number];
  /** Floats of x per channel (extent product). */
  xChannel: number;
  /** PHASE_FIELDS int32 per phase. */
  phases: Int32Array;
  phaseCount: number;
  /** Per phase, K element offsets into one group's x (channel part included). */
  offsets: Int32Array;
  /** Per phase, the kernel index (kD, kH, kW flattened) of each of its taps. */
  taps: Int32Array;
  /** Weight elements per group, and the steps between output / input channels within a group. */
  weightGroup: number;
  coStride: number;
  ciStride: number;
  /** Packed weight floats per group: for each phase, K per output channel (M % 4 == 3: M + 1). */
  packedGroup: number;
  /** Kernel size, stride, padding before and dilation, padded to three axes (D, H, W). */
  kernel: [number, number, number];
  stride: [number, number, number];
  padding: [number, number, number];
  dilation: [number, number, number];
}

// ---- option parsing shared by the two operations ----

interface Geometry {
  transposed: boolean;
  dims: number;
  unbatched: boolean;
  batch: number;
  inChannels: number;
  outChannels: number;
  groups: number;
  inSpatial: number[];
  kernel: number[];
  stride: number[];
  /** Zeros before (conv) / cropped from (transposed) each axis. */
  padLo: number[];
  /** Zeros after each axis (conv; equal to padLo except for 'same' with an even kernel). */
  padHi: number[];
  dilation: number[];
  outputPadding: number[];
  outSpatial: number[];
  outputShape: number[];
}

const AXES = ['depth', 'height', 'width'];

function opName(transposed: boolean, dims: number): string {
  return `${transposed ? 'convTranspose' : 'conv'}${dims}d`;
}

function checkOptionsObject(options: unknown, op: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw new TypeError(`${op}: options must be an object`);
  return options as Record<string, unknown>;
}

function intList(value: unknown, fallback: number, dims: number, name: string, min: number): number[] {
  if (value === undefined) return new Array<number>(dims).fill(fallback);
  if (typeof value !== 'number' && !Array.isArray(value)) {
    throw new TypeError(`${name} must be an integer or an array of ${dims} integers, but got ${typeof value}`);
  }
  const list = expandList(value as number | number[], dims, name, (v, n) => {
    if (typeof v !== 'number') throw new TypeError(`${n} must hold integers, but got ${String(v)}`);
    if (!Number.isInteger(v)) throw new RangeError(`${n} must hold integers, but got ${String(v)}`);
  });
  if (list.some((v) => v < min)) {
    const got = `${name}=${formatShape(list)}`;
    if (name === 'stride') throw new RangeError(`non-positive stride is not supported, but got ${got}`);
    if (name === 'dilation') throw new RangeError(`dilation should be greater than zero, but got ${got}`);
    throw new RangeError(`negative ${name} is not supported, but got ${got}`);
  }
  return list;
}

function biasLength(bias: unknown): number | undefined {
  if (bias === undefined) return undefined;
  if (bias instanceof Float32Array) return bias.length;
  const t = checkTensor(bias, 'bias');
  if (t.shape.length !== 1) return -1;
  return t.shape[0];
}

/** Everything PyTorch checks that depends only on shapes and options; throws before any work. */
function geometry(transposed: boolean, dims: number, inputShape: unknown, weightShape: unknown,
                  optionsArg: unknown): Geometry {
  const op = opName(transposed, dims);
  const options = checkOptionsObject(optionsArg, op);
  checkOptionNames(options, transposed ? TRANSPOSE_OPTIONS : CONV_OPTIONS, op);
  const shapeOf = (s: unknown, name: string): number[] => {
    if (!Array.isArray(s) || s.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
      throw new TypeError(`${name} must be an array of non-negative integers, but got ${String(s)}`);
    }
    return s as number[];
  };
  const input = shapeOf(inputShape, 'input shape');
  const weight = shapeOf(weightShape, 'weight shape');

  if (input.length !== dims + 1 && input.length !== dims + 2) {
    throw new Error(`Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${op}, but got input of size: ${formatShape(input)}`);
  }
  const unbatched = input.length === dims + 1;
  const batch = unbatched ? 1 : input[0];
  const inChannels = input[input.length - dims - 1];
  const inSpatial = input.slice(input.length - dims);
  if (weight.length !== dims + 2) {
    const layout = transposed ? 'in_channels, out_channels/groups' : 'out_channels, in_channels/groups';
    throw new Error(`${op} expects a ${dims + 2}-D weight (${layout}, ${AXES.slice(3 - dims).map((a) => `k${a[0].toUpperCase()}`).join(', ')}), but got weight of size ${formatShape(weight)}`);
  }

  const groups = options.groups ?? 1;
  if (typeof groups !== 'number') throw new TypeError(`groups must be an integer, but got ${String(groups)}`);
  if (!Number.isInteger(groups)) throw new RangeError(`groups must be an integer, but got ${groups}`);
  if (groups <= 0) throw new RangeError(`non-positive groups is not supported, but got groups=${groups}`);

  const stride = intList(options.stride, 1, dims, 'stride', 1);
  const dilation = intList(options.dilation, 1, dims, 'dilation', 1);
  let padLo: number[];
  let padHi: number[];
  const padding = options.padding;
  if (typeof padding === 'string') {
    if (transposed) throw new TypeError(`${op}: padding must be an integer or an array of ${dims} integers, but got '${padding}'`);
    if (padding !== 'same' && padding !== 'valid') throw new RangeError(`Invalid padding string: '${padding}'; expected 'same', 'valid', an integer or an array of integers`);
    padLo = new Array<number>(dims).fill(0);
    padHi = padLo.slice();
  } else {
    padLo = intList(padding, 0, dims, 'padding', 0);
    padHi = padLo.slice();
  }
  let outputPadding = new Array<number>(dims).fill(0);
  if (transposed) outputPadding = intList(options.outputPadding, 0, dims, 'outputPadding', 0);

  const kernel = weight.slice(2);
  if (kernel.some((k) => k <= 0)) {
    throw new RangeError(`kernel size should be greater than zero, but got ${kernel.map((k, i) => `kernel_${AXES[3 - dims + i]}: ${k}`).join(' ')} (weight of size ${formatShape(weight)})`);
  }
  if (weight[0] < groups) {
    throw new RangeError(`Given groups=${groups}, expected weight to be at least ${groups} at dimension 0, but got weight of size ${formatShape(weight)} instead`);
  }
  if (weight[0] % groups !== 0) {
    throw new RangeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${formatShape(weight)} instead`);
  }
  if (weight[1] === 0) {
    throw new RangeError(`${op} expects a non-empty weight, but got weight of size ${formatShape(weight)}`);
  }
  const expectIn = transposed ? weight[0] : weight[1] * groups;
  if (inChannels !== expectIn) {
    throw new RangeError(`Given ${transposed ? 'transposed=1' : `groups=${groups}`}, weight of size ${formatShape(weight)}, expected input${formatShape(input)} to have ${expectIn} channels, but got ${inChannels} channels instead`);
  }
  const outChannels = transposed ? weight[1] * groups : weight[0];
  const nBias = biasLength(options.bias);
  if (nBias !== undefined && nBias !== outChannels) {
    const got = options.bias instanceof Float32Array ? `[${nBias}]` : formatShape((options.bias as Tensor).shape);
    throw new RangeError(`Given ${transposed ? 'transposed=1, ' : ''}weight of size ${formatShape(weight)}, expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size ${got} instead`);
  }
  if (inSpatial.some((n) => n === 0)) {
    throw new RangeError(`Only zero batch or zero channel inputs are supported, but got input shape: ${formatShape(input)}`);
  }

  const dilatedKernel = kernel.map((k, i) => dilation[i] * (k - 1) + 1);
  let outSpatial: number[];
  if (transposed) {
    const bad = outputPadding.findIndex((p, i) => !(p < stride[i] || p < dilation[i]));
    if (bad >= 0) {
      throw new RangeError(`output padding must be smaller than either stride or dilation, but got outputPadding=${formatShape(outputPadding)}, stride=${formatShape(stride)}, dilation=${formatShape(dilation)}`);
    }
    const minimum = inSpatial.map((n, i) => (n - 1) * stride[i] - 2 * padLo[i] + dilatedKernel[i]);
    if (options.outputSize !== undefined) {
      outputPadding = outputPaddingFor(options.outputSize, minimum, stride, dims, input.length, inSpatial);
    }
    outSpatial = minimum.map((m, i) => m + outputPadding[i]);
    if (outSpatial.some((n) => n <= 0)) {
      throw new RangeError(`Given input size per channel: (${inSpatial.join(' x ')}). Calculated output size per channel: (${outSpatial.join(' x ')}). Output size is too small`);
    }
  } else {
    if (padding === 'same') {
      if (stride.some((s) => s !== 1)) throw new Error(`padding='same' is not supported for strided convolutions (stride=${formatShape(stride)})`);
      // PyTorch's split: the left gets half of dilation*(k-1), the right the rest.
      padLo = dilatedKernel.map((k) => Math.floor((k - 1) / 2));
      padHi = dilatedKernel.map((k, i) => k - 1 - padLo[i]);
    }
    const padded = inSpatial.map((n, i) => n + padLo[i] + padHi[i]);
    if (padded.some((n, i) => n < dilatedKernel[i])) {
      throw new RangeError(`Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${dilatedKernel.join(' x ')}). Kernel size can't be greater than actual input size`);
    }
    outSpatial = padded.map((n, i) => Math.floor((n - dilatedKernel[i]) / stride[i]) + 1);
  }
  const outputShape = unbatched ? [outChannels, ...outSpatial] : [batch, outChannels, ...outSpatial];
  const outCount = product(outputShape);
  if (outCount > MAX_ELEMENTS) {
    throw new RangeError(`the output of size ${formatShape(outputShape)} has ${outCount} elements, more than the ${MAX_ELEMENTS} supported`);
  }
  return { transposed, dims, unbatched, batch, inChannels, outChannels, groups, inSpatial, kernel, stride, padLo, padHi,
    dilation, outputPadding, outSpatial, outputShape };
}

/** nn.ConvTransposeNd._output_padding: the output padding that yields the requested size. */
function outputPaddingFor(outputSize: unknown, minimum: number[], stride: number[], dims: number, inputRank: number,
                          inSpatial: number[]): number[] {
  if (!Array.isArray(outputSize)) throw new TypeError(`outputSize must be an array of integers, but got ${typeof outputSize}`);
  for (const s of outputSize) checkInteger(s, 'outputSize', 0);
  const nonSpatial = inputRank - dims;
  let size = outputSize as number[];
  if (size.length === nonSpatial + dims) size = size.slice(nonSpatial);
  if (size.length !== dims) {
    throw new RangeError(`ConvTranspose${dims}D: for ${inputRank}D input, outputSize must have ${dims} or ${nonSpatial + dims} elements (got ${outputSize.length})`);
  }
  const maximum = minimum.map((m, i) => m + stride[i] - 1);
  if (size.some((s, i) => s < minimum[i] || s > maximum[i])) {
    throw new RangeError(`requested an output size of ${formatShape(size)}, but valid sizes range from ${formatShape(minimum)} to ${formatShape(maximum)} (for an input of ${formatShape(inSpatial)})`);
  }
  return size.map((s, i) => s - minimum[i]);
}

// ---- per-axis phases ----

interface AxisPhase {
  /** Output pixels of this phase along the axis. */
  count: number;
  /** First output index, and output step per pixel. */
  first: number;
  step: number;
  /** Taps (kernel index) and the x index each reads for pixel 0. */
  taps: number[];
  offsets: number[];
}

interface AxisPlan {
  extent: number;
  gather: Int32Array;
  phases: AxisPhase[];
}

/** Transposed convolution along one axis: one phase per output residue modulo the stride. */
function transposedAxis(n: number, k: number, s: number, p: number, d: number, out: number): AxisPlan {
  const phases: Array<AxisPhase & { bases: number[] }> = [];
  for (let phi = 0; phi < Math.min(s, out); phi++) {
    const count = Math.floor((out - 1 - phi) / s) + 1;
    const taps: number[] = [];
    const bases: number[] = [];
    for (let t = 0; t < k; t++) {
      const r = phi + p - t * d;
      // Input q + r/s feeds output phi + s*q through tap t when s divides r.
      if (((r % s) + s) % s === 0) {
        taps.push(t);
        bases.push(r / s);
      }
    }
    phases.push({ count, first: phi, step: s, taps, offsets: [], bases });
  }
  // Pad so that every read q + base (0 <= q < count) lands inside x.
  let lo = 0;
  let hi = n - 1;
  for (const ph of phases) {
    for (const b of ph.bases) {
      lo = Math.min(lo, b);
      hi = Math.max(hi, ph.count - 1 + b);
    }
  }
  const extent = hi - lo + 1;
  const gather = new Int32Array(extent);
  for (let e = 0; e < extent; e++) {
    const i = e + lo;
    gather[e] = i >= 0 && i < n ? i : -1;
  }
  for (const ph of phases) ph.offsets = ph.bases.map((b) => b - lo);
  return { extent, gather, phases };
}

/**
 * Convolution along one axis: one phase; x is the padded input split into its stride phases
 * (rho = index mod s). Only the phases some tap reads are kept, so a stride far above the kernel
 * does not inflate x.
 */
function convAxis(n: number, k: number, s: number, padLo: number, d: number, out: number): AxisPlan {
  const span = out + Math.floor(d * (k - 1) / s);
  const slots: number[] = []; // the rho of each kept phase, in the order they sit in x
  const taps: number[] = [];
  const offsets: number[] = [];
  for (let t = 0; t < k; t++) {
    const rho = (t * d) % s;
    let slot = slots.indexOf(rho);
    if (slot < 0) slot = slots.push(rho) - 1;
    taps.push(t);
    offsets.push(slot * span + Math.floor(t * d / s));
  }
  const gather = new Int32Array(slots.length * span);
  slots.forEach((rho, slot) => {
    for (let j = 0; j < span; j++) {
      const i = rho + s * j - padLo;
      gather[slot * span + j] = i >= 0 && i < n ? i : -1;
    }
  });
  return { extent: gather.length, gather, phases: [{ count: out, first: 0, step: 1, taps, offsets }] };
}

const UNIT_AXIS: AxisPlan = { extent: 1, gather: new Int32Array([0]), phases: [{ count: 1, first: 0, step: 1, taps: [0], offsets: [0] }] };

/** The x indices along W that copy a contiguous run of the input row: [lo, hi). */
function contiguousRun(gather: Int32Array): [number, number] {
  let best: [number, number] = [0, 0];
  for (let e = 0; e < gather.length;) {
    if (gather[e] < 0) { e++; continue; }
    let f = e + 1;
    while (f < gather.length && gather[f] === gather[f - 1] + 1) f++;
    if (f - e > best[1] - best[0]) best = [e, f];
    e = f;
  }
  return best;
}

function buildPlan(g: Geometry): ConvPlan {
  const pad3 = <T>(v: T[], fill: T): [T, T, T] => [0, 1, 2].map((i) => (i < 3 - g.dims ? fill : v[i - (3 - g.dims)])) as [T, T, T];
  const inDHW = pad3(g.inSpatial, 1);
  const outDHW = pad3(g.outSpatial, 1);
  const kDHW = pad3(g.kernel, 1);
  const axes = [0, 1, 2].map((a) => {
    const i = a - (3 - g.dims);
    if (i < 0) return UNIT_AXIS;
    return g.transposed
      ? transposedAxis(g.inSpatial[i], g.kernel[i], g.stride[i], g.padLo[i], g.dilation[i], g.outSpatial[i])
      : convAxis(g.inSpatial[i], g.kernel[i], g.stride[i], g.padLo[i], g.dilation[i], g.outSpatial[i]);
  });
  const [eD, eH, eW] = axes.map((a) => a.extent);
  const xChannel = eD * eH * eW;
  const [, outH, outW] = outDHW;
  const groupIn = g.inChannels / g.groups;
  const groupOut = g.outChannels / g.groups;
  const kCount = kDHW[0] * kDHW[1] * kDHW[2];

  // Every tap of every phase, D-major; a phase's taps are contiguous.
  const phaseCount = axes[0].phases.length * axes[1].phases.length * axes[2].phases.length;
  const phases = new Int32Array(phaseCount * PHASE_FIELDS);
  let totalTaps = 0;
  for (const pd of axes[0].phases) for (const ph of axes[1].phases) for (const pw of axes[2].phases) totalTaps += pd.taps.length * ph.taps.length * pw.taps.length;
  const offsets = new Int32Array(totalTaps * groupIn);
  const tapIndex = new Int32Array(totalTaps);
  const tapOffset = new Int32Array(totalTaps);
  let r = 0;
  let offAt = 0;
  let packAt = 0;
  let tapAt = 0;
  for (const pd of axes[0].phases) {
    for (const ph of axes[1].phases) {
      for (const pw of axes[2].phases) {
        let taps = 0;
        for (let a = 0; a < pd.taps.length; a++) {
          for (let b = 0; b < ph.taps.length; b++) {
            for (let c = 0; c < pw.taps.length; c++, taps++) {
              tapIndex[tapAt + taps] = (pd.taps[a] * kDHW[1] + ph.taps[b]) * kDHW[2] + pw.taps[c];
              tapOffset[taps] = (pd.offsets[a] * eH + ph.offsets[b]) * eW + pw.offsets[c];
            }
          }
        }
        const K = groupIn * taps;
        phases.set([pd.count, ph.count, pw.count, K, offAt, packAt, (pd.first * outH + ph.first) * outW + pw.first,
          pd.step * outH * outW, ph.step * outW, pw.step, tapAt], r);
        r += PHASE_FIELDS;
        for (let ci = 0; ci < groupIn; ci++) {
          for (let t = 0; t < taps; t++) offsets[offAt++] = ci * xChannel + tapOffset[t];
        }
        // A last block of 3 channels is packed as 4 (with a zero channel): see blockEnd in js/conv.ts.
        packAt += (groupOut % CHANNEL_BLOCK === 3 ? groupOut + 1 : groupOut) * K;
        tapAt += taps;
      }
    }
  }
  const gather = axes.map((a) => a.gather) as ConvPlan['gather'];
  return {
    transposed: g.transposed, rank: g.dims, batch: g.batch, groups: g.groups, groupIn, groupOut,
    inDHW, outDHW, outputShape: g.outputShape,
    extent: [eD, eH, eW], gather, run: contiguousRun(gather[2]), xChannel,
    phases, phaseCount, offsets, taps: tapIndex, weightGroup: groupOut * groupIn * kCount,
    // Weight element of (output channel co, input channel ci, tap t) within a group: co*coStride + ci*ciStride + t.
    coStride: g.transposed ? kCount : groupIn * kCount, ciStride: g.transposed ? groupOut * kCount : kCount,
    packedGroup: packAt,
    kernel: kDHW, stride: pad3(g.stride, 1), padding: pad3(g.padLo, 0), dilation: pad3(g.dilation, 1),
  };
}

/**
 * Plans depend only on shapes and options, and repeated calls with the same ones are the common
 * case (a model's layers, a benchmark), so the last few are kept. Validation still runs per call.
 */
const PLAN_CACHE_SIZE = 16;
const planCache = new Map<string, ConvPlan>();

function cachedPlan(g: Geometry): ConvPlan {
  const key = JSON.stringify([g.transposed, g.dims, g.batch, g.inChannels, g.outChannels, g.groups, g.inSpatial, g.kernel,
    g.stride, g.padLo, g.padHi, g.dilation, g.outputPadding, g.unbatched]);
  let plan = planCache.get(key);
  if (plan) {
    planCache.delete(key); // most recently used last
  } else {
    plan = buildPlan(g);
    if (planCache.size >= PLAN_CACHE_SIZE) planCache.delete(planCache.keys().next().value!);
  }
  planCache.set(key, plan);
  return plan;
}

// ---- plans for the operations ----

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

export interface ConvCall {
  plan: ConvPlan;
  bias?: Float32Array;
  out?: Tensor;
}

/** Validates a convolution or transposed convolution call and builds its plan. */
export function planConv(transposed: boolean, dims: number, inputArg: unknown, weightArg: unknown, options: unknown): ConvCall {
  const input = checkTensor(inputArg, 'input');
  const weight = checkTensor(weightArg, 'weight');
  const g = geometry(transposed, dims, input.shape, weight.shape, options);
  const opts = (options ?? {}) as ConvOptions;
  const bias = opts.bias === undefined ? undefined : opts.bias instanceof Float32Array ? opts.bias : opts.bias.data;
  const out = checkOut(opts.out, g.outputShape, bias ? [input, weight, { data: bias, shape: [bias.length] }] : [input, weight]);
  return { plan: cachedPlan(g), bias, out };
}

/**
 * The output shape of convTranspose{1,2,3}d for these shapes and options (dimensionality from the
 * weight's rank), with the same checks as the operation. Per spatial axis:
 * `(in - 1)*stride - 2*padding + dilation*(k - 1) + outputPadding + 1`.
 */
export function convTransposeOutputShape(inputShape: number[], weightShape: number[], options?: Omit<ConvTransposeOptions, 'out'>): number[] {
  const dims = Array.isArray(weightShape) ? weightShape.length - 2 : 0;
  if (dims < 1 || dims > 3) throw new Error(`convTransposeOutputShape: weight must have 3, 4 or 5 dimensions, but got ${Array.isArray(weightShape) ? formatShape(weightShape) : String(weightShape)}`);
  return geometry(true, dims, inputShape, weightShape, options).outputShape;
}

/**
 * The output shape of conv{1,2,3}d for these shapes and options (dimensionality from the weight's
 * rank), with the same checks as the operation. Per spatial axis:
 * `floor((in + padBefore + padAfter - dilation*(k - 1) - 1) / stride) + 1`.
 */
export function convOutputShape(inputShape: number[], weightShape: number[], options?: Omit<ConvOptions, 'out'>): number[] {
  const dims = Array.isArray(weightShape) ? weightShape.length - 2 : 0;
  if (dims < 1 || dims > 3) throw new Error(`convOutputShape: weight must have 3, 4 or 5 dimensions, but got ${Array.isArray(weightShape) ? formatShape(weightShape) : String(weightShape)}`);
  return geometry(false, dims, inputShape, weightShape, options).outputShape;
}

/**
 * The classic bilinear upsampling kernel (FCN's `upsample_filt`) for a depthwise transposed
 * convolution: shape (channels, 1, K, K) with K = 2*factor - factor%2. With
 * `convTranspose2d(x, w, { stride: factor, padding: ceil((factor - 1)/2), groups: channels })`
 * it equals bilinear interpolation (alignCorners false) by `factor`, away from the borders.
 */
export function bilinearUpsampleWeights(channels: number, factor: number): Tensor {
  checkInteger(channels, 'channels', 1);
  checkInteger(factor, 'factor', 1);
  const size = 2 * factor - (factor % 2);
  const center = size % 2 === 1 ? factor - 1 : factor - 0.5;
  const taps = Array.from({ length: size }, (_, i) => 1 - Math.abs(i - center) / factor);
  const data = new Float32Array(channels * size * size);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) data[(c * size + y) * size + x] = taps[y] * taps[x];
    }
  }
  return { data, shape: [channels, 1, size, size] };
}
