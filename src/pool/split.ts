// Splitting one kernel call into chunks that together do exactly the same arithmetic.
//
// The pool stages an operation with the same code as the synchronous API (src/wasm/*.ts) on a
// module whose kernels only record their calls; this file then cuts each recorded call along an
// axis whose parts are independent, into contiguous chunks, giving every chunk its own scratch
// (ring rows, intermediates, phase tables) so that any worker may run any chunk. Each output
// element is computed by one chunk with the same instructions and operands as in the
// single-thread call, so the results are bit-identical.

import { CHANNEL_BLOCK, PHASE_FIELDS } from '../conv.js';
import type { InterpolatePlan } from '../interpolate.js';
import { ringSlots, type Layout } from '../wasm/module.js';
import type { KernelCall } from './protocol.js';

/** Contiguous ranges [start, end) splitting `units` into at most `parts` near-equal pieces. */
export function ranges(units: number, parts: number): Array<[number, number]> {
  const count = Math.max(1, Math.min(parts, units));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((units * i) / count);
    const end = Math.floor((units * (i + 1)) / count);
    if (end > start) out.push([start, end]);
  }
  return out;
}

/**
 * Scratch bytes that the chunks of one call may hold together: chunks beyond one per worker only
 * while they fit (the separable kernel's intermediates may take ~512 KiB per chunk).
 */
export const SCRATCH_BUDGET = 4 * 2 ** 20;

/**
 * How many chunks to cut `units` into: `perWorker` per worker where there are enough units of at
 * least `minUnits` each and their scratch (`scratchBytes` per chunk) fits SCRATCH_BUDGET; never
 * fewer than one per worker (ranges() then caps the count at `units`).
 */
export function chunkCount(units: number, workers: number, perWorker: number, minUnits = 1, scratchBytes = 0): number {
  const byBudget = scratchBytes > 0 ? Math.floor(SCRATCH_BUDGET / scratchBytes) : Infinity;
  return Math.max(workers, Math.min(workers * perWorker, Math.floor(units / minUnits), byBudget));
}

/**
 * The order in which `workers` workers claim `chunks` contiguous chunks from one counter: the
 * call's chunks as `workers` regions, interleaved (for 2 workers and 8 chunks: 0 4 1 5 2 6 3 7),
 * so the workers start half a call apart and each tends to keep to its own region. Claiming
 * neighbouring chunks at once was slower on W3 with 2 workers: 3-6% more time per call when one
 * pool switched between the orders, 1-4% between two pools. Padding the chunks' rings 100 KB
 * apart gained as much as this order, so the cost is in the memory system when two cores work
 * on nearby memory; the cause is not pinned down further. W4 (convolution) is unchanged.
 */
export function claimOrder<T>(chunks: T[], workers: number): T[] {
  const regions = ranges(chunks.length, workers);
  const order: T[] = [];
  for (let k = 0; order.length < chunks.length; k++) {
    for (const [start, end] of regions) if (start + k < end) order.push(chunks[start + k]);
  }
  return order;
}

/**
 * Chunks (call lists) of one recorded kernel call, for `workers` workers: one per worker when
 * `perWorker` is 1 (a static split), else up to `perWorker` per worker for workers to claim one
 * after another. `scratch` reserves each chunk's private buffers above the call's own layout;
 * `phases` reads a conv call's phase table from memory.
 */
export function splitCall(call: KernelCall, workers: number, perWorker: number, scratch: Layout, plan: InterpolatePlan | undefined,
                          phases: (ptr: number, length: number) => Int32Array): KernelCall[][] {
  const [name, a] = call;
  const planeChunks = (planes: number): number => chunkCount(planes, workers, perWorker);
  switch (name) {
    case 'separable2d': return splitRows2d(a, workers, perWorker, scratch);
    case 'separable': return splitSeparable(a, workers, perWorker, scratch, plan);
    case 'areaPool': {
      const [src, dst, planes, inD, inH, inW, outD, outH, outW] = a;
      return splitPlanes(planes, planeChunks(planes), inD * inH * inW * 4, outD * outH * outW * 4,
        (s, d, n) => [['areaPool', [src + s, dst + d, n, ...a.slice(3)]]]);
    }
    case 'planeMean': {
      const [src, dst, planes, size] = a;
      return splitPlanes(planes, planeChunks(planes), size * 4, 4, (s, d, n) => [['planeMean', [src + s, dst + d, n, size]]]);
    }
    case 'pixelShuffle': {
      const [src, dst, planes, r, height, width, upscale] = a;
      const bytes = r * r * height * width * 4;
      return splitPlanes(planes, planeChunks(planes), bytes, bytes, (s, d, n) => [['pixelShuffle', [src + s, dst + d, n, r, height, width, upscale]]]);
    }
    case 'convPhases': return splitConvPhases(a, workers, perWorker, scratch, phases);
    case 'gatherInput': { // a convolution's padded input, plane by plane; the last chunk writes the slack
      const [src, dst, planes, inD, inH, inW, eD, eH, eW] = a;
      const outPlane = eD * eH * eW * 4;
      return splitPlanes(planes, planeChunks(planes), inD * inH * inW * 4, outPlane, (s, d, n) =>
        [['gatherInput', [src + s, dst + d, n, ...a.slice(3, 14), d + n * outPlane === planes * outPlane ? a[14] : 0]]]);
    }
    default: return [[call]]; // not splittable: one worker runs it whole
  }
}

function splitPlanes(planes: number, chunks: number, inBytes: number, outBytes: number,
                     make: (srcOffset: number, dstOffset: number, planes: number) => KernelCall[]): KernelCall[][] {
  return ranges(planes, chunks).map(([p0, p1]) => make(p0 * inBytes, p0 * outBytes, p1 - p0));
}

/**
 * The 2-D row-cache kernel over (plane, output row) units: every output row depends only on its
 * own tap rows, so a chunk may start and stop mid-plane. Each chunk has its own ring of rows,
 * which it first fills with tapsH resampled rows: chunks of at least 8 * tapsH rows keep that
 * refill a small part of the chunk's work.
 */
function splitRows2d(a: number[], workers: number, perWorker: number, scratch: Layout): KernelCall[][] {
  const [src, dst, , , planes, inH, inW, outH, outW, tapsW, indexW, weightW, periodLo, periodHi, tapsH, indexH, weightH] = a;
  const inPlane = inH * inW * 4;
  const outRow = outW * 4;
  const units = planes * outH;
  const slots = ringSlots(tapsH);
  const chunks = chunkCount(units, workers, perWorker, 8 * tapsH, slots * (outW + 1) * 4);
  return ranges(units, chunks).map(([u0, u1]) => {
    const { ring, tags } = scratch.rowRing(tapsH, outW);
    scratch.f32(16); // a cache line between chunks: workers running neighbours do not share one
    const calls: KernelCall[] = [];
    const call = (p: number, o0: number, rows: number, count: number): void => {
      calls.push(['separable2d', [src + p * inPlane, dst + (p * outH + o0) * outRow, ring, tags, count, inH, inW, rows, outW,
        tapsW, indexW, weightW, periodLo, periodHi, tapsH, indexH + o0 * tapsH * 4, weightH + o0 * tapsH * 4]]);
    };
    for (let u = u0; u < u1;) {
      const p = Math.floor(u / outH);
      const o0 = u - p * outH;
      if (o0 === 0 && u1 - u >= outH) { // whole planes in one call
        const whole = Math.floor((u1 - u) / outH);
        call(p, 0, outH, whole);
        u += whole * outH;
      } else {
        const rows = Math.min(outH - o0, u1 - u);
        call(p, o0, rows, 1);
        u += rows;
      }
    }
    return calls;
  });
}

/** The chunked separable kernel (1-D and 3-D) over planes, each chunk with its own intermediates. */
function splitSeparable(a: number[], workers: number, perWorker: number, scratch: Layout, plan: InterpolatePlan | undefined): KernelCall[][] {
  if (!plan || plan.kind !== 'separable') throw new Error('splitSeparable: needs the separable plan');
  const [src, dst, , , planes, , , inD, inH, inW, outD, outH, outW] = a;
  const chunks = chunkCount(planes, workers, perWorker, 1, (plan.tmpA + plan.tmpB) * 4);
  return splitPlanes(planes, chunks, inD * inH * inW * 4, outD * outH * outW * 4, (s, d, n) => {
    const tmpA = scratch.f32(plan.tmpA);
    const tmpB = scratch.f32(plan.tmpB);
    return [['separable', [src + s, dst + d, tmpA, tmpB, n, ...a.slice(5)]]];
  });
}

/**
 * Convolution phases over (batch item, group, block of output channels). Channel m's packed
 * weights start m*K floats into each phase's block (blocks of CHANNEL_BLOCK, then single
 * channels, all K floats per channel), so a range starting at a multiple of CHANNEL_BLOCK runs
 * as its own call with the phase table's weight offsets moved by m0*K, and keeps which channels
 * are computed in blocks and which one by one.
 */
function splitConvPhases(a: number[], workers: number, perWorker: number, scratch: Layout,
                         phases: (ptr: number, length: number) => Int32Array): KernelCall[][] {
  const [x, xBatch, xGroup, xStrideD, xStrideH, phasePtr, phaseCount, offsets, packed, packedGroup,
    bias, M, out, outChannel, batch, groups] = a;
  // Units: (n, g, channel block); the last block of a group also takes the single channels.
  const blocks = Math.max(1, Math.floor(M / CHANNEL_BLOCK));
  const units = batch * groups * blocks;
  const table = phases(phasePtr, phaseCount * PHASE_FIELDS).slice();
  const shifted = new Map<number, number>(); // m0 -> address of its phase table
  const tableAt = (m0: number): number => {
    let ptr = shifted.get(m0);
    if (ptr === undefined) {
      const t = table.slice();
      for (let ph = 0; ph < phaseCount; ph++) t[ph * PHASE_FIELDS + 5] += m0 * t[ph * PHASE_FIELDS + 3];
      ptr = m0 === 0 ? phasePtr : scratch.i32(t);
      shifted.set(m0, ptr);
    }
    return ptr;
  };
  return ranges(units, chunkCount(units, workers, perWorker)).map(([u0, u1]) => {
    const calls: KernelCall[] = [];
    for (let u = u0; u < u1;) {
      const ng = Math.floor(u / blocks);
      const b0 = u - ng * blocks;
      const b1 = Math.min(blocks, b0 + (u1 - u));
      const n = Math.floor(ng / groups);
      const g = ng - n * groups;
      const m0 = b0 * CHANNEL_BLOCK;
      const m1 = b1 === blocks ? M : b1 * CHANNEL_BLOCK;
      calls.push(['convPhases', [x + (n * xBatch + g * xGroup) * 4, xBatch, xGroup, xStrideD, xStrideH,
        tableAt(m0), phaseCount, offsets, packed + g * packedGroup * 4, packedGroup,
        bias + (g * M + m0) * 4, m1 - m0, out + ((n * groups + g) * M + m0) * outChannel * 4, outChannel, 1, 1]]);
      u += b1 - b0;
    }
    return calls;
  });
}
