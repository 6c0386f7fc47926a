// Splitting one kernel call into per-worker calls that together do exactly the same arithmetic.
//
// The pool stages an operation with the same code as the synchronous API (src/wasm/*.ts) on a
// module whose kernels only record their calls; this file then cuts each recorded call along an
// axis whose parts are independent, giving every worker its own scratch (ring rows, intermediates,
// phase tables). Each output element is computed by one worker with the same instructions and
// operands as in the single-thread call, so the results are bit-identical.

import { CHANNEL_BLOCK, PHASE_FIELDS } from '../conv.js';
import { ringSlots, type InterpolatePlan } from '../interpolate.js';
import type { Layout } from '../wasm/module.js';
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
 * Per-worker call lists for one recorded kernel call. `scratch` reserves each worker's private
 * buffers above the call's own layout; `phases` reads a conv call's phase table from memory.
 */
export function splitCall(call: KernelCall, parts: number, scratch: Layout, plan: InterpolatePlan | undefined,
                          phases: (ptr: number, length: number) => Int32Array): KernelCall[][] {
  const [name, a] = call;
  switch (name) {
    case 'separable2d': return splitRows2d(a, parts, scratch);
    case 'separable': return splitSeparable(a, parts, scratch, plan);
    case 'areaPool': {
      const [src, dst, planes, inD, inH, inW, outD, outH, outW] = a;
      return splitPlanes(planes, parts, inD * inH * inW * 4, outD * outH * outW * 4,
        (s, d, n) => [['areaPool', [src + s, dst + d, n, ...a.slice(3)]]]);
    }
    case 'planeMean': {
      const [src, dst, planes, size] = a;
      return splitPlanes(planes, parts, size * 4, 4, (s, d, n) => [['planeMean', [src + s, dst + d, n, size]]]);
    }
    case 'pixelShuffle': {
      const [src, dst, planes, r, height, width, upscale] = a;
      const bytes = r * r * height * width * 4;
      return splitPlanes(planes, parts, bytes, bytes, (s, d, n) => [['pixelShuffle', [src + s, dst + d, n, r, height, width, upscale]]]);
    }
    case 'convPhases': return splitConvPhases(a, parts, scratch, phases);
    default: return [[call]]; // not splittable: one worker runs it whole
  }
}

function splitPlanes(planes: number, parts: number, inBytes: number, outBytes: number,
                     make: (srcOffset: number, dstOffset: number, planes: number) => KernelCall[]): KernelCall[][] {
  return ranges(planes, parts).map(([p0, p1]) => make(p0 * inBytes, p0 * outBytes, p1 - p0));
}

/**
 * The 2-D row-cache kernel over (plane, output row) units: every output row depends only on its
 * own tap rows, so a worker may start and stop mid-plane. Each worker has its own ring of rows.
 */
function splitRows2d(a: number[], parts: number, scratch: Layout): KernelCall[][] {
  const [src, dst, , , planes, inH, inW, outH, outW, tapsW, indexW, weightW, periodLo, periodHi, tapsH, indexH, weightH] = a;
  const inPlane = inH * inW * 4;
  const outRow = outW * 4;
  return ranges(planes * outH, parts).map(([u0, u1]) => {
    const ring = scratch.f32(ringSlots(tapsH) * outW);
    const ringRows = scratch.i32(new Int32Array(ringSlots(tapsH)));
    const calls: KernelCall[] = [];
    const call = (p: number, o0: number, rows: number, count: number): void => {
      calls.push(['separable2d', [src + p * inPlane, dst + (p * outH + o0) * outRow, ring, ringRows, count, inH, inW, rows, outW,
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

/** The chunked separable kernel (1-D and 3-D) over planes, each worker with its own intermediates. */
function splitSeparable(a: number[], parts: number, scratch: Layout, plan: InterpolatePlan | undefined): KernelCall[][] {
  if (!plan || plan.kind !== 'separable') throw new Error('splitSeparable: needs the separable plan');
  const [src, dst, , , planes, , , inD, inH, inW, outD, outH, outW] = a;
  return splitPlanes(planes, parts, inD * inH * inW * 4, outD * outH * outW * 4, (s, d, n) => {
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
function splitConvPhases(a: number[], parts: number, scratch: Layout,
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
  return ranges(units, parts).map(([u0, u1]) => {
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
