// Splitting a convolution's kernel calls for the pool (see ./split.ts): the direct phases by
// output channel blocks, Winograd's tiles by tile rows, each chunk with its own scratch.

import { CHANNEL_BLOCK, PHASE, PHASE_FIELDS } from '../conv/phases.js';
import { WINO, WINO_FIELDS, winogradScratchFloats } from '../conv/winograd.js';
import { call, type KernelArgs, type KernelCall } from '../kernels.js';
import { panelFloats, winogradBlocks } from '../wasm/conv.js';
import type { Layout } from '../wasm/module.js';
import { chunkCount, ranges } from './chunks.js';

/**
 * Convolution phases over (batch item, group, block of output channels). Channel m's packed
 * weights start m*K floats into each phase's block (blocks of CHANNEL_BLOCK, then single
 * channels, all K floats per channel), so a range starting at a multiple of CHANNEL_BLOCK runs
 * as its own call with the phase table's weight offsets moved by m0*K, and keeps which channels
 * are computed in blocks and which one by one.
 */
export function splitConvPhases(a: KernelArgs<'convPhases'>, workers: number, perWorker: number, layout: Layout): KernelCall[][] {
  const { M, batch, groups, phaseCount } = a;
  // Units: (n, g, channel block); the last block of a group also takes the single channels.
  const blocks = Math.max(1, Math.floor(M / CHANNEL_BLOCK));
  const units = batch * groups * blocks;
  const table = layout.table(a.phases);
  const shifted = new Map<number, number>(); // m0 -> address of its phase table
  const tableAt = (m0: number): number => {
    let ptr = shifted.get(m0);
    if (ptr === undefined) {
      const t = table.slice();
      for (let ph = 0; ph < phaseCount; ph++) t[ph * PHASE_FIELDS + PHASE.packed] += m0 * t[ph * PHASE_FIELDS + PHASE.K];
      ptr = m0 === 0 ? a.phases : layout.i32(t);
      shifted.set(m0, ptr);
    }
    return ptr;
  };
  return ranges(units, chunkCount(units, workers, perWorker)).map(([u0, u1]) => {
    const calls: KernelCall[] = [];
    const panel = layout.f32(panelFloats(table)); // each chunk's own scratch: chunks run at once
    for (let u = u0; u < u1;) {
      const ng = Math.floor(u / blocks);
      const b0 = u - ng * blocks;
      const b1 = Math.min(blocks, b0 + (u1 - u));
      const n = Math.floor(ng / groups);
      const g = ng - n * groups;
      const m0 = b0 * CHANNEL_BLOCK;
      const m1 = b1 === blocks ? M : b1 * CHANNEL_BLOCK;
      calls.push(call('convPhases', { ...a, x: a.x + (n * a.xBatch + g * a.xGroup) * 4, phases: tableAt(m0), panel,
        packed: a.packed + g * a.packedGroup * 4, bias: a.bias + (g * M + m0) * 4, M: m1 - m0,
        out: a.out + ((n * groups + g) * M + m0) * a.outChannel * 4, batch: 1, groups: 1 }));
      u += b1 - b0;
    }
    return calls;
  });
}

/**
 * Winograd tiles by tile rows (of every phase, batch item and group), each chunk with its own
 * block of scratch: every output channel of a tile comes from the one chunk that transforms it.
 */
export function splitWinograd(a: KernelArgs<'convWinograd'>, workers: number, perWorker: number, layout: Layout): KernelCall[][] {
  const rows = a.rowEnd - a.rowStart;
  const points = (a.size + 1) ** 2;
  const paired = pairedPhases(a, layout);
  const wino = { points, tileBlock: a.tileBlock, paired };
  const scratch = Object.values(winogradScratchFloats(wino, a.groupIn, a.M)).reduce((n, floats) => n + floats, 0);
  return ranges(rows, chunkCount(rows, workers, perWorker, 1, scratch * 4, layout)).map(([r0, r1]) => {
    const blocks = winogradBlocks(layout, wino, a.groupIn, a.M);
    layout.f32(16); // a cache line between chunks
    return [call('convWinograd', { ...a, rowStart: a.rowStart + r0, rowEnd: a.rowStart + r1, ...blocks })];
  });
}

/** Whether a Winograd call's phase table pairs any phases (WINO.pair). */
function pairedPhases(a: KernelArgs<'convWinograd'>, layout: Layout): boolean {
  const t = layout.table(a.phases);
  for (let ph = 0; ph < a.phaseCount; ph++) if (t[ph * WINO_FIELDS + WINO.pair]) return true;
  return false;
}
