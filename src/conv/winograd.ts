// Winograd F(2x2, r x r) (assembly/winograd.ts) for the phases of a plan whose taps are r x r
// neighbours in x, r = 2 or 3: every phase of a 2-D transposed convolution with kernel r x
// stride and dilation 1 (k4 s2 of DCGAN generators and U-Net decoders), and a 2x2 or 3x3
// stride-1 convolution. A 2x2 output tile takes (r + 1)^2 multiply-adds per channel pair where
// the direct phases take 4 r^2 (9 for 16, 16 for 36), for a few additions a tile.
//
// The transforms subtract neighbouring inputs (d0 - d1) and add neighbouring weights, so an
// infinity would turn into NaN (Inf - Inf) where the direct sum keeps it, and values near the
// float32 limit could overflow. Calls whose input or weights hold a non-finite value or one of
// magnitude 2^50 or more run the direct phases: both are staged (src/wasm/conv.ts), and the kernel
// winogradRange decides which run. Below 2^50 every transformed product and sum stays inside
// float32's range (2^50 x 4 per operand, times K products, x 4).

import type { ConvPlan } from './phases.js';
import { packedChannels, PHASE, PHASE_FIELDS } from './phases.js';

/** The int32 fields of one Winograd phase record, by index (assembly/lib/wino.ts names the same). */
export const WINO = {
  /** The phase's pixels along H and W. */
  pixelsH: 0, pixelsW: 1,
  /** x element (within a group's first channel) of pixel 0's (0,0) neighbour. */
  x: 2,
  /** Where its transformed weights start in one group's packed block. */
  packed: 3,
  /** Output element of its pixel 0, and output elements per pixel along H and W. */
  out: 4, stepH: 5, stepW: 6,
  /** Where its r x r taps (kernel indices of its x neighbours, row-major) start in `taps`. */
  taps: 7,
  /** 1 where the next phase's pixels alternate with its own along W: the two run together. */
  pair: 8,
} as const;
export const WINO_FIELDS = 9;

/** Floats of scratch after each transform point's block (assembly/lib/wino.ts POINT_PAD). */
export const WINO_POINT_PAD = 16;

/**
 * Scratch bytes of one block (its (r + 1)^2 transformed input and product matrices), sized to
 * stay in a core's L2 next to the packed weights.
 */
const BLOCK_BYTES = 256 * 1024;

/**
 * When Winograd pays (measured with both builds' kernels in one process, SIMD, paired calls):
 * per tile it saves 7 of 16 (r = 2) or 20 of 36 (r = 3) multiply-adds per (output, input) channel
 * pair and costs a transform per input and per output channel, so it needs M * groupIn / (M +
 * groupIn) of at least 6 (12->12 ran 0.88-0.96x the direct time, 8->32 0.93x, 8->8 0.99x, 4->64
 * 1.11x, 3->32 1.05x); its transformed weights are 9/4 or 16/9 times the direct phases', so it
 * needs tiles to spread them over: 100 a phase (16 tiles 1.45-1.63x, 64 tiles 0.97-1.04x, 144
 * tiles 0.76-0.84x).
 */
export const WINOGRAD_MIN_CHANNEL_MEAN = 6;
export const WINOGRAD_MIN_TILES = 100;

export interface WinogradLayout {
  /** Taps a phase along each axis (r: F(2x2, r x r)), and transform points of a tile, (r + 1)^2. */
  size: 2 | 3;
  points: number;
  /** WINO_FIELDS int32 per phase. */
  phases: Int32Array;
  phaseCount: number;
  /** r x r kernel indices per phase (its x neighbours, row-major). */
  taps: Int32Array;
  /** Transformed weight floats per group. */
  packedGroup: number;
  /** The most tile rows of a phase (a tile row is two pixel rows): what the pool splits. */
  tileRows: number;
  /** Tile columns of a block of scratch (a multiple of 8, the micro-kernels' tile). */
  tileBlock: number;
  /** Floats x needs after its last row: the last tile row of an odd phase reads one row past it. */
  slack: number;
  /** Whether some phases run in pairs (WINO.pair): they need a second block of products. */
  paired: boolean;
  /** Bytes a call needs beyond the direct phases' whatever its rows: transformed weights, scratch. */
  fixedBytes: number;
}

/**
 * The Winograd layout of a plan, or undefined where it does not apply: not 2-D, a phase whose
 * taps are not exactly the 2x2 neighbours of x, or (unless `always`: a band of a call that runs
 * Winograd) too few channels or tiles for it to pay.
 */
export function winogradLayout(plan: ConvPlan, always = false): WinogradLayout | undefined {
  const { groupIn, groupOut: M, phaseCount } = plan;
  if (plan.rank !== 2 || (!always && groupIn * M < WINOGRAD_MIN_CHANNEL_MEAN * (groupIn + M))) return undefined;
  // Every phase's taps must be the same r x r block of x neighbours (r = 2 or 3).
  const size = Math.round(Math.sqrt(plan.phases[PHASE.K] / groupIn));
  if (size !== 2 && size !== 3) return undefined;
  const taps = size * size;
  const points = (size + 1) ** 2;
  const eW = plan.extent[2];
  const phases = new Int32Array(phaseCount * WINO_FIELDS);
  const tapIndex = new Int32Array(phaseCount * taps);
  let tileRows = 0;
  let tileCols = 0;
  let tiles = 0;
  for (let ph = 0; ph < phaseCount; ph++) {
    const r = ph * PHASE_FIELDS;
    if (plan.phases[r + PHASE.K] !== taps * groupIn || plan.phases[r + PHASE.pixelsD] !== 1) return undefined;
    // The x offset of each tap (its first input channel's), and which neighbour it is.
    const first = plan.phases[r + PHASE.offsets];
    const tapOffsets = Array.from({ length: taps }, (_, t) => plan.offsets[first + t * groupIn]);
    const base = Math.min(...tapOffsets);
    for (let n = 0; n < taps; n++) {
      const t = tapOffsets.indexOf(base + Math.floor(n / size) * eW + (n % size));
      if (t < 0) return undefined;
      tapIndex[ph * taps + n] = plan.taps[plan.phases[r + PHASE.taps] + t];
    }
    const qH = plan.phases[r + PHASE.pixelsH];
    const qW = plan.phases[r + PHASE.pixelsW];
    phases.set([qH, qW, base, ph * points * packedChannels(M) * groupIn, plan.phases[r + PHASE.outFirst],
      plan.phases[r + PHASE.outStepH], plan.phases[r + PHASE.outStepW], ph * taps], ph * WINO_FIELDS);
    tileRows = Math.max(tileRows, Math.ceil(qH / 2));
    tileCols = Math.max(tileCols, Math.ceil(qW / 2));
    tiles += Math.ceil(qH / 2) * Math.ceil(qW / 2);
  }
  if (!always && plan.batch * tiles < WINOGRAD_MIN_TILES * phaseCount) return undefined;
  const paired = pairPhases(phases, phaseCount);
  const fit = Math.floor(BLOCK_BYTES / (4 * points * (groupIn + (paired ? 2 : 1) * M)) / 8) * 8;
  const tileBlock = Math.max(8, Math.min(fit, 256, Math.ceil(Math.ceil(tileCols / 4) * 4 * Math.max(1, tileRows) / 8) * 8));
  // Its transformed weights (points / taps of the weights, a zero channel with M % 4 == 3) and one
  // block of scratch: from the call's weights and channels only, so every band of it agrees.
  const fixedBytes = 4 * (plan.groups * Math.ceil(plan.weightGroup * points / taps * packedChannels(M) / M) +
    points * (groupIn + (paired ? 2 : 1) * M) * Math.max(8, fit));
  return {
    size: size as 2 | 3, points, phases, phaseCount, taps: tapIndex, packedGroup: phaseCount * points * packedChannels(M) * groupIn,
    tileRows, tileBlock, paired, fixedBytes,
    // The SIMD transforms read up to 8 tiles (16 floats and 3) past a row and one row past the last.
    slack: eW + 32,
  };
}

/**
 * Whether a call of `plan` runs its Winograd layout under a memory budget of `budget` bytes: its
 * fixed buffers (the transformed weights, 9/4 or 16/9 of the direct phases', which are staged
 * too, and a block of scratch) within a quarter of it. By the call's weights, channels and the
 * budget only, not its rows: every band of a call, and a pool and a synchronous instance with the
 * same budget, decide alike (their bits agree).
 */
export function winogradWithin(plan: ConvPlan, budget: number): boolean {
  return plan.winograd !== undefined && plan.winograd.fixedBytes <= budget / 4;
}

/**
 * Floats of one call's (or pool chunk's) scratch blocks (src/wasm/conv.ts winogradBlocks): the
 * transformed input and the products, a point's block WINO_POINT_PAD floats longer than its
 * channels' columns; where phases run in pairs, the second phase's products and the rows they merge.
 */
export function winogradScratchFloats(wino: Pick<WinogradLayout, 'points' | 'tileBlock' | 'paired'>, groupIn: number, M: number):
  { vScratch: number; mScratch: number; mScratch2: number; rowScratch: number } {
  const block = (channels: number) => wino.points * (channels * wino.tileBlock + WINO_POINT_PAD);
  return {
    vScratch: block(groupIn), mScratch: block(M), mScratch2: wino.paired ? block(M) : 4,
    rowScratch: wino.paired ? 4 * (2 * wino.tileBlock + 8) : 4,
  };
}

/**
 * Marks the phases whose next phase's pixels alternate with theirs along W (a transposed
 * convolution's stride 2 along W: phases 2j and 2j + 1 of a row of phases), so the kernel merges
 * their rows and stores whole vectors, where alone each would store every other float. Returns
 * whether any pair was found.
 */
function pairPhases(phases: Int32Array, phaseCount: number): boolean {
  let any = false;
  for (let ph = 0; ph + 1 < phaseCount; ph++) {
    const a = ph * WINO_FIELDS, b = a + WINO_FIELDS;
    const field = (r: number, f: keyof typeof WINO) => phases[r + WINO[f]];
    const qW = field(a, 'pixelsW'), qW2 = field(b, 'pixelsW');
    if (field(a, 'stepW') === 2 && field(b, 'stepW') === 2 && field(b, 'out') === field(a, 'out') + 1 &&
        field(a, 'pixelsH') === field(b, 'pixelsH') && field(a, 'stepH') === field(b, 'stepH') && (qW === qW2 || qW === qW2 + 1)) {
      phases[a + WINO.pair] = 1;
      any = true;
      ph++;
    }
  }
  return any;
}

/**
 * Whether every value is finite and below 2^50 in magnitude, by its bits ((bits & 0x7fffffff) <
 * 0x58800000), as the kernel winogradRange decides in WebAssembly for every call; this one is for
 * a call that runs in tiles (winogradFor).
 */
export function inWinogradRange(values: Float32Array): boolean {
  const bits = new Int32Array(values.buffer, values.byteOffset, values.length);
  let any = 0;
  // (bits & 0x7fffffff) + 0x27800000 reaches the sign bit exactly from 0x58800000 on.
  for (let i = 0; i < bits.length; i++) any |= (bits[i] & 0x7fffffff) + 0x27800000;
  return any >= 0;
}

const decided = new WeakMap<object, boolean>();

/**
 * The plan the tiles of a call run (src/tiling/conv-bands.ts): `plan` where its values are all in
 * Winograd's range, else the plan without its Winograd layout. A whole call decides in WebAssembly
 * (winogradRange); its tiles must decide as the whole would, not each by its own part of the
 * input, to keep the whole call's bits. Read once per call (the inputs object is the call's).
 */
export function winogradFor(plan: ConvPlan, inputs: { input: Float32Array; weight: Float32Array }): ConvPlan {
  if (!plan.winograd) return plan;
  let inRange = decided.get(inputs);
  if (inRange === undefined) {
    inRange = inWinogradRange(inputs.weight) && inWinogradRange(inputs.input);
    decided.set(inputs, inRange);
  }
  return inRange ? plan : { ...plan, winograd: undefined };
}
