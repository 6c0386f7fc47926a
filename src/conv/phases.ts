// The phase layout of convolution and transposed convolution: the plan every backend runs.
//
// Both operations become a set of *phases*. A phase is a stride-1 correlation that writes one
// sub-grid of the output from a zero-padded copy of the input (`x`):
//
//   out[co, phase pixel q] = bias[co] + sum_k packed[co, k] * x[q + offsets[k]]
//
// with k running over (tap of this phase, input channel of the group). It is a small GEMM:
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

import type { Runs } from '../tiling/runs.js';
import type { Geometry } from './rules.js';
import { winogradLayout, type WinogradLayout } from './winograd.js';

/**
 * The int32 fields of one phase record in `ConvPlan.phases`, by index (assembly/lib/phase.ts
 * names the same fields for the kernels):
 */
export const PHASE = {
  /** Output pixels of the phase along D, H, W. */
  pixelsD: 0, pixelsH: 1, pixelsW: 2,
  /** Its K (input channels of a group x its taps). */
  K: 3,
  /** Where its K offsets start in `offsets`. */
  offsets: 4,
  /** Where its packed weights start in one group's packed block. */
  packed: 5,
  /** The output element of its first pixel. */
  outFirst: 6,
  /** Output element steps per pixel along D, H, W. */
  outStepD: 7, outStepH: 8, outStepW: 9,
  /** Where its taps start in `taps`. */
  taps: 10,
} as const;
export const PHASE_FIELDS = 11;

/** Rows of output channels the micro-kernels compute together; packed weights are laid out so. */
export const CHANNEL_BLOCK = 4;

/**
 * Output channels computed in blocks of CHANNEL_BLOCK end here: whole blocks, and with M % 4 == 3
 * a last block of 3 (cheaper than three single channels, packed as 4 with a zero channel); 1 or 2
 * channels left over go one by one.
 */
export function blockEnd(M: number): number {
  return M % CHANNEL_BLOCK === 3 ? M : M - (M % CHANNEL_BLOCK);
}

/** Channels of packed weights per phase: M, and the zero channel of a block of 3. */
export function packedChannels(M: number): number {
  return blockEnd(M) > M - (M % CHANNEL_BLOCK) ? M + 1 : M;
}
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
  /** Packed weight floats per group: for each phase, K per packed channel (packedChannels). */
  packedGroup: number;
  /** Kernel size, stride, padding before and dilation, padded to three axes (D, H, W). */
  kernel: [number, number, number];
  stride: [number, number, number];
  padding: [number, number, number];
  dilation: [number, number, number];
  /**
   * Set on a band of a larger call (src/tiling/conv-bands.ts): the runs of its sample's input and
   * output it reads and writes (staged packed), where a whole call reads and writes all of them.
   */
  band?: { input: Runs; output: Runs };
  /** Set where every phase's taps are 2x2 neighbours of x: the Winograd layout (./winograd.ts). */
  winograd?: WinogradLayout;
}

/**
 * A plan's geometry per axis as named scalars (the direct scatter's arguments), read by the
 * kernel call's staging and the plain-JS loop alike.
 */
export function scatterGeometry(plan: ConvPlan): Record<'inD' | 'inH' | 'inW' | 'outD' | 'outH' | 'outW' | 'kD' | 'kH' | 'kW' |
  'sD' | 'sH' | 'sW' | 'pD' | 'pH' | 'pW' | 'dD' | 'dH' | 'dW', number> {
  const [inD, inH, inW] = plan.inDHW;
  const [outD, outH, outW] = plan.outDHW;
  const [kD, kH, kW] = plan.kernel;
  const [sD, sH, sW] = plan.stride;
  const [pD, pH, pW] = plan.padding;
  const [dD, dH, dW] = plan.dilation;
  return { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, pD, pH, pW, dD, dH, dW };
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

export function buildPlan(g: Geometry): ConvPlan {
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
        phases[r + PHASE.pixelsD] = pd.count;
        phases[r + PHASE.pixelsH] = ph.count;
        phases[r + PHASE.pixelsW] = pw.count;
        phases[r + PHASE.K] = K;
        phases[r + PHASE.offsets] = offAt;
        phases[r + PHASE.packed] = packAt;
        phases[r + PHASE.outFirst] = (pd.first * outH + ph.first) * outW + pw.first;
        phases[r + PHASE.outStepD] = pd.step * outH * outW;
        phases[r + PHASE.outStepH] = ph.step * outW;
        phases[r + PHASE.outStepW] = pw.step;
        phases[r + PHASE.taps] = tapAt;
        r += PHASE_FIELDS;
        // Tap-major, a tap's input channels one after another (xChannel floats apart in x): the
        // SIMD kernels step x by that stride instead of reading an offset per k.
        for (let t = 0; t < taps; t++) {
          for (let ci = 0; ci < groupIn; ci++) offsets[offAt++] = ci * xChannel + tapOffset[t];
        }
        packAt += packedChannels(groupOut) * K;
        tapAt += taps;
      }
    }
  }
  const gather = axes.map((a) => a.gather) as ConvPlan['gather'];
  const plan: ConvPlan = {
    transposed: g.transposed, rank: g.dims, batch: g.batch, groups: g.groups, groupIn, groupOut,
    inDHW, outDHW, outputShape: g.outputShape,
    extent: [eD, eH, eW], gather, run: contiguousRun(gather[2]), xChannel,
    phases, phaseCount, offsets, taps: tapIndex, weightGroup: groupOut * groupIn * kCount,
    // Weight element of (output channel co, input channel ci, tap t) within a group: co*coStride + ci*ciStride + t.
    coStride: g.transposed ? kCount : groupIn * kCount, ciStride: g.transposed ? groupOut * kCount : kCount,
    packedGroup: packAt,
    kernel: kDHW, stride: pad3(g.stride, 1), padding: pad3(g.padLo, 0), dilation: pad3(g.dilation, 1),
  };
  plan.winograd = winogradLayout(plan);
  return plan;
}
