// How many chunks a pool call is cut into, and their ranges: shared by the splitters (./split.ts,
// ./split-conv.ts).

import type { Layout } from '../wasm/module.js';

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
 * SCRATCH_BUDGET, or half the room left under maximumMemory above the call where that is less: a
 * call tiled to a small budget (src/tiling/) must not grow past it through its chunks' scratch.
 */
function scratchBudget(layout?: Layout): number {
  const half = (layout?.room ?? NaN) / 2; // NaN for a layout over no module (the splitter's tests): SCRATCH_BUDGET
  return half < SCRATCH_BUDGET ? Math.max(0, half) : SCRATCH_BUDGET;
}

/** Bytes a chunk's buffers may take beyond their sizes: each starts aligned. */
const CHUNK_SLACK = 256;

/**
 * How many chunks to cut `units` into: `perWorker` per worker where there are enough units of at
 * least `minUnits` each and their scratch (`scratchBytes` per chunk) fits the scratch budget
 * (scratchBudget of `layout`); one per worker otherwise (ranges() then caps the count at
 * `units`), and fewer, at least one, where even that much scratch would not fit the room left
 * under maximumMemory: a call's tiles are sized without its chunks' scratch, and K class rings a
 * chunk (argmax) can outgrow the call itself.
 */
export function chunkCount(units: number, workers: number, perWorker: number, minUnits = 1, scratchBytes = 0, layout?: Layout): number {
  const byBudget = scratchBytes > 0 ? Math.floor(scratchBudget(layout) / scratchBytes) : Infinity;
  const wanted = Math.max(workers, Math.min(workers * perWorker, Math.floor(units / minUnits), byBudget));
  const room = layout?.room ?? NaN; // NaN for a layout over no module (the splitter's tests): no cap
  return scratchBytes > 0 && room >= 0 ? Math.min(wanted, Math.max(1, Math.floor(room / (scratchBytes + CHUNK_SLACK)))) : wanted;
}
