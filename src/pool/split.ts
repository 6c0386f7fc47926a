// Splitting one kernel call into chunks that together do exactly the same arithmetic.
//
// The pool stages an operation with the same code as the synchronous API (src/wasm/*.ts), which
// returns its kernel calls as records; this file cuts each call along an axis whose parts are
// independent, by the call's named arguments, into contiguous chunks, giving every chunk its own
// scratch (ring rows, intermediates, phase tables) so that any worker may run any chunk. Each
// output element is computed by one chunk with the same instructions and operands as in the
// single-thread call, so the results are bit-identical.

import { PHASE, PHASE_FIELDS } from '../conv/phases.js';
import { WINO, WINO_FIELDS } from '../conv/winograd.js';
import { NARROW_BYTES } from '../dtype.js';
import { call, type KernelArgs, type KernelCall } from '../kernels.js';
import { ringFloats2d, ringSlots, stripPixels } from '../ring.js';
import type { Layout } from '../wasm/module.js';
import { chunkCount, ranges } from './chunks.js';
import { splitConvPhases, splitWinograd } from './split-conv.js';

export { chunkCount, ranges, SCRATCH_BUDGET } from './chunks.js';

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
 * The work of one kernel call in multiply-adds (a copied or averaged element counts one), to
 * size the call (./sizing.ts): an estimate within a small factor, from its named arguments; a
 * convolution's phases are read from its phase table in `layout`. A fallback call counts 0.
 */
export function workOf(c: KernelCall, layout: Layout): number {
  if (c.fallback) return 0;
  switch (c.kernel) {
    case 'separable2d': { // the W pass over the input rows, then the H pass over the output rows
      const a = c.args;
      return a.planes * a.outW * (a.inH * a.tapsW + a.outH * a.tapsH);
    }
    case 'separable': {
      const a = c.args;
      const w = a.inD * a.inH * a.outW * a.tapsW;
      const h = a.rank === 1 ? 0 : a.inD * a.outH * a.outW * a.tapsH;
      const d = a.rank === 3 ? a.outD * a.outH * a.outW * a.tapsD : 0;
      return a.planes * (w + h + d);
    }
    case 'areaPool': {
      const a = c.args;
      return a.planes * a.channels * Math.max(a.inD * a.inH * a.inW, a.outD * a.outH * a.outW);
    }
    case 'planeMean': return c.args.planes * c.args.planeSize * c.args.channels;
    case 'pixelShuffle': return c.args.planes * c.args.r * c.args.r * c.args.height * c.args.width;
    case 'gatherInput': return c.args.planes * c.args.eD * c.args.eH * c.args.eW;
    case 'convPhases': {
      const a = c.args;
      const t = layout.table(a.phases);
      let perChannel = 0;
      for (let ph = 0; ph < a.phaseCount; ph++) {
        const f = ph * PHASE_FIELDS;
        perChannel += t[f + PHASE.pixelsD] * t[f + PHASE.pixelsH] * t[f + PHASE.pixelsW] * t[f + PHASE.K];
      }
      return a.batch * a.groups * a.M * perChannel;
    }
    case 'convWinograd': { // (r + 1)^2 multiply-adds a tile per (output, input) channel, on its rows of each phase
      const a = c.args;
      const t = layout.table(a.phases);
      let tiles = 0;
      for (let ph = 0; ph < a.phaseCount; ph++) {
        const f = ph * WINO_FIELDS;
        const rows = Math.min(a.rowEnd, Math.ceil(t[f + WINO.pixelsH] / 2)) - a.rowStart;
        tiles += Math.max(0, rows) * Math.ceil(t[f + WINO.pixelsW] / 2);
      }
      return a.batch * a.groups * a.M * a.groupIn * (a.size + 1) ** 2 * tiles;
    }
    case 'packWeights':
    case 'packWinogradWeights': return c.args.groups * c.args.M * c.args.groupIn;
    case 'winogradRange': return c.args.length; // an element read counts as a copied one
    case 'resampleRows':
    case 'resampleRows64': return c.args.rows * c.args.outW * c.args.taps;
    case 'blendAxis':
    case 'blendAxis64': return c.args.outer * c.args.outLen * c.args.inner * c.args.taps;
    case 'fillOutside':
    case 'fillOutside64': return c.args.outer * c.args.len * c.args.inner;
    case 'resizeImage': {
      const a = c.args;
      return a.outH * a.outW * a.channels * (a.tapsW + a.tapsH);
    }
    case 'convTransposeScatter': {
      const a = c.args;
      return a.batch * a.groups * a.groupIn * a.groupOut * a.inD * a.inH * a.inW * a.kD * a.kH * a.kW;
    }
    default: return Infinity; // unknown: never judged small
  }
}

/**
 * Chunks (call lists) of one kernel call, for `workers` workers: one per worker when `perWorker`
 * is 1 (a static split), else up to `perWorker` per worker for workers to claim one after
 * another. `layout` (the call's own, not yet committed) reserves each chunk's private buffers and
 * holds the call's index tables (a conv call's phase table is read from it).
 */
export function splitCall(c: KernelCall, workers: number, perWorker: number, layout: Layout): KernelCall[][] {
  const planeChunks = (planes: number): number => chunkCount(planes, workers, perWorker);
  switch (c.kernel) {
    case 'separable2d': return splitRows2d(c.args, workers, perWorker, layout);
    case 'separable': return splitSeparable(c.args, workers, perWorker, layout);
    case 'upsampleArgmax':
    case 'upsampleThreshold': return splitReduce(c, workers, perWorker, layout);
    case 'areaPool': {
      const a = c.args;
      return splitPlanes(a.planes, planeChunks(a.planes), a.inD * a.inH * a.inW * a.channels * 4, a.outD * a.outH * a.outW * a.channels * 4,
        (s, d, planes) => [call('areaPool', { ...a, src: a.src + s, dst: a.dst + d, planes })]);
    }
    case 'planeMean': {
      const a = c.args;
      return splitPlanes(a.planes, planeChunks(a.planes), a.planeSize * a.channels * 4, a.channels * 4,
        (s, d, planes) => [call('planeMean', { ...a, src: a.src + s, dst: a.dst + d, planes })]);
    }
    case 'pixelShuffle': {
      const a = c.args;
      const bytes = a.r * a.r * a.height * a.width * 4;
      return splitPlanes(a.planes, planeChunks(a.planes), bytes, bytes,
        (s, d, planes) => [call('pixelShuffle', { ...a, src: a.src + s, dst: a.dst + d, planes })]);
    }
    case 'narrow':
    case 'narrow64': { // element ranges (chunks of 16, the SIMD step), from float32 or float64
      const a = c.args;
      const [from, bytes] = [c.kernel === 'narrow64' ? 8 : 4, NARROW_BYTES[a.type]];
      return elementRanges(a.length, workers, perWorker).map(([i0, i1]) =>
        [call(c.kernel, { ...a, src: a.src + i0 * from, dst: a.dst + i0 * bytes, length: i1 - i0 }) as KernelCall]);
    }
    case 'winogradRange': { // element ranges; every chunk may set the gate words
      const a = c.args;
      return elementRanges(a.length, workers, perWorker).map(([i0, i1]) => [call('winogradRange', { ...a, src: a.src + i0 * 4, length: i1 - i0 })]);
    }
    case 'widen': {
      const a = c.args;
      return elementRanges(a.length, workers, perWorker).map(([i0, i1]) =>
        [call('widen', { ...a, src: a.src + i0 * 2, dst: a.dst + i0 * 4, length: i1 - i0 })]);
    }
    case 'gatherAxis': return splitGather(c.args, workers, perWorker);
    case 'convPhases': return splitConvPhases(c.args, workers, perWorker, layout);
    case 'convWinograd': return splitWinograd(c.args, workers, perWorker, layout);
    case 'resizeExact': return splitExactRows(c.args, workers, perWorker, layout);
    case 'gatherInput': { // a convolution's padded input, plane by plane; the last chunk writes the slack
      const a = c.args;
      const outPlane = a.eD * a.eH * a.eW * 4;
      return splitPlanes(a.planes, planeChunks(a.planes), a.inD * a.inH * a.inW * 4, outPlane, (s, d, planes) =>
        [call('gatherInput', { ...a, src: a.src + s, dst: a.dst + d, planes, slack: d + planes * outPlane === a.planes * outPlane ? a.slack : 0 })]);
    }
    default: return [[c]]; // not splittable: one worker runs it whole
  }
}

/** Element ranges [i0, i1) of `length` in chunks of 16 (the SIMD step) for the conversion kernels. */
function elementRanges(length: number, workers: number, perWorker: number): Array<[number, number]> {
  const units = Math.ceil(length / 16);
  return ranges(units, chunkCount(units, workers, perWorker, 1024)).map(([u0, u1]) => [u0 * 16, Math.min(length, u1 * 16)]);
}

/**
 * A gather pass by its outer blocks, or when there is one block (an image's rows), by groups of
 * 16 outputs (whole swizzle groups: the lanes table is read from the chunk's first output on).
 */
function splitGather(a: KernelArgs<'gatherAxis'>, workers: number, perWorker: number): KernelCall[][] {
  const slice = a.inner * a.bytes;
  if (a.outer > 1) {
    return splitPlanes(a.outer, chunkCount(a.outer, workers, perWorker), a.inLen * slice, a.outLen * slice,
      (s, d, outer) => [call('gatherAxis', { ...a, src: a.src + s, dst: a.dst + d, outer })]);
  }
  const units = Math.ceil(a.outLen / 16);
  return ranges(units, chunkCount(units, workers, perWorker, 64)).map(([u0, u1]) => {
    const [j0, j1] = [u0 * 16, Math.min(a.outLen, u1 * 16)];
    return [call('gatherAxis', { ...a, dst: a.dst + j0 * slice, outLen: j1 - j0, index: a.index + j0 * 4,
      lanes: a.lanes && a.lanes + j0 * slice })];
  });
}

function splitPlanes(planes: number, chunks: number, inBytes: number, outBytes: number,
                     make: (srcOffset: number, dstOffset: number, planes: number) => KernelCall[]): KernelCall[][] {
  return ranges(planes, chunks).map(([p0, p1]) => make(p0 * inBytes, p0 * outBytes, p1 - p0));
}

/**
 * Runs of units [u0, u1) of (plane, output row) units, `outH` rows a plane, as calls: whole
 * planes in one call where the run covers them, else part of one plane: part(plane, first row,
 * rows, planes).
 */
function planeRows(u0: number, u1: number, outH: number, part: (p: number, o0: number, rows: number, count: number) => void): void {
  for (let u = u0; u < u1;) {
    const p = Math.floor(u / outH);
    const o0 = u - p * outH;
    if (o0 === 0 && u1 - u >= outH) { // whole planes in one call
      const whole = Math.floor((u1 - u) / outH);
      part(p, 0, outH, whole);
      u += whole * outH;
    } else {
      const rows = Math.min(outH - o0, u1 - u);
      part(p, o0, rows, 1);
      u += rows;
    }
  }
}

/**
 * The 2-D row-cache kernel over (plane, output row) units: every output row depends only on its
 * own tap rows, so a chunk may start and stop mid-plane. Each chunk has its own ring of rows,
 * which it first fills with tapsH resampled rows: chunks of at least 8 * tapsH rows keep that
 * refill a small part of the chunk's work.
 */
function splitRows2d(a: KernelArgs<'separable2d'>, workers: number, perWorker: number, layout: Layout): KernelCall[][] {
  const { planes, inH, inW, outH, outW, tapsH, channels } = a;
  const inPlane = inH * inW * channels * 4;
  const outRow = outW * channels * 4;
  const slots = ringSlots(tapsH);
  const ringRow = stripPixels(outW, channels) * channels;
  const ringFloats = ringFloats2d(tapsH, inW, outW, channels);
  const chunks = chunkCount(planes * outH, workers, perWorker, 8 * tapsH, (ringFloats + slots) * 4, layout);
  return ranges(planes * outH, chunks).map(([u0, u1]) => {
    const { ring, tags: ringRows } = layout.rowRing(tapsH, ringRow, ringFloats);
    layout.f32(16); // a cache line between chunks: workers running neighbours do not share one
    const calls: KernelCall[] = [];
    planeRows(u0, u1, outH, (p, o0, rows, count) => {
      calls.push(call('separable2d', { ...a, src: a.src + p * inPlane, dst: a.dst + (p * outH + o0) * outRow, ring, ringRows,
        planes: count, outH: rows, indexH: a.indexH + o0 * tapsH * 4, weightH: a.weightH + o0 * tapsH * 4 }));
    });
    return calls;
  });
}

/**
 * The fused reductions (assembly/upsample-reduce.ts) as separable2d, over (plane, output row)
 * units; argmax's planes are batch items of `classes` input planes, each class with its own ring.
 * Every chunk gets its own rings and scratch rows.
 */
function splitReduce(c: KernelCall & { kernel: 'upsampleArgmax' | 'upsampleThreshold' }, workers: number, perWorker: number,
                     layout: Layout): KernelCall[][] {
  const a = c.args;
  const argmax = c.kernel === 'upsampleArgmax';
  const planes = argmax ? (c.args as KernelArgs<'upsampleArgmax'>).batch : (c.args as KernelArgs<'upsampleThreshold'>).planes;
  const classes = argmax ? (c.args as KernelArgs<'upsampleArgmax'>).classes : 1;
  const labelBytes = argmax && (c.args as KernelArgs<'upsampleArgmax'>).wide ? 2 : 1;
  const { inH, inW, outH, outW, tapsH, hFirst } = a;
  const slots = hFirst ? 0 : ringSlots(tapsH); // rows H first: no rings (src/wasm/upsample-reduce.ts)
  const scratch = (classes * slots + 3) * (outW + 1) * 4;
  const chunks = chunkCount(planes * outH, workers, perWorker, 8 * tapsH, scratch, layout);
  return ranges(planes * outH, chunks).map(([u0, u1]) => {
    const ring = layout.f32(classes * slots * outW);
    const ringRows = layout.i32(new Int32Array(classes * slots));
    const row = layout.f32(outW);
    const best = layout.f32(outW);
    const label = layout.f32(outW + 16);
    const calls: KernelCall[] = [];
    planeRows(u0, u1, outH, (p, o0, rows, count) => {
      const moved = { src: a.src + p * classes * inH * inW * 4, dst: a.dst + (p * outH + o0) * outW * labelBytes, ring, ringRows, row,
        outH: rows, indexH: a.indexH + o0 * tapsH * 4, weightH: a.weightH + o0 * tapsH * 4 };
      calls.push(argmax ? call('upsampleArgmax', { ...(a as KernelArgs<'upsampleArgmax'>), ...moved, best, label, batch: count })
        : call('upsampleThreshold', { ...(a as KernelArgs<'upsampleThreshold'>), ...moved, planes: count }));
    });
    return calls;
  });
}

/**
 * The exact image kernel (Pillow, OpenCV) over output rows: every output row depends only on its
 * own tap rows and the same integer or float32 steps, so chunks give the same bytes. Each chunk has
 * its own premultiplied line, ring of cached rows (refilled with up to tapsH rows at its start:
 * chunks of at least 8 * tapsH rows) and tap addresses.
 */
function splitExactRows(a: KernelArgs<'resizeExact'>, workers: number, perWorker: number, layout: Layout): KernelCall[][] {
  const rows = a.rowEnd - a.rowStart;
  const slots = ringSlots(a.tapsH);
  const chunks = chunkCount(rows, workers, perWorker, 8 * a.tapsH, slots * a.stride * 4, layout);
  return ranges(rows, chunks).map(([r0, r1]) => {
    const { ring, tags } = layout.rowRing(a.tapsH, a.stride);
    const line = layout.bytes(a.inW * a.channels, undefined, 16);
    const tapRows = layout.i32(new Int32Array(a.tapsH));
    layout.f32(16); // a cache line between chunks
    // dst holds the rows from rowStart on: the chunk's rows start r0 rows further.
    const dst = a.dst + r0 * a.outW * a.channels;
    return [call('resizeExact', { ...a, dst, rowStart: a.rowStart + r0, rowEnd: a.rowStart + r1, ring, tags, line, tapRows })];
  });
}

/**
 * The chunked separable kernel (1-D and 3-D) over planes, each chunk with its own intermediates:
 * `chunk` planes a pass of tmpA (inD x inH x outW floats a plane) and, for 3-D, tmpB (inD x outH x outW).
 */
function splitSeparable(a: KernelArgs<'separable'>, workers: number, perWorker: number, layout: Layout): KernelCall[][] {
  const tmpA = a.rank === 1 ? 0 : a.chunk * a.inD * a.inH * a.outW;
  const tmpB = a.rank === 3 ? a.chunk * a.inD * a.outH * a.outW : 0;
  const chunks = chunkCount(a.planes, workers, perWorker, 1, (tmpA + tmpB) * 4, layout);
  return splitPlanes(a.planes, chunks, a.inD * a.inH * a.inW * 4, a.outD * a.outH * a.outW * 4, (s, d, planes) =>
    [call('separable', { ...a, src: a.src + s, dst: a.dst + d, tmpA: layout.f32(tmpA), tmpB: layout.f32(tmpB), planes })]);
}
