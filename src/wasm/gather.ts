// WebAssembly nearest for 8- and 16-bit tensors (half floats included): the input's bytes are
// copied in as they are and the plan's one-tap tables gather them (assembly/gather.ts), one pass
// per resized axis through two intermediate buffers, as the float32 passes go (./resize.ts). No
// conversion in or out: a uint8 label map costs a quarter of its float32 staging.

import { bytesOf, type TensorData } from '../dtype.js';
import { call } from '../kernels.js';
import type { ResizePlan } from '../resize.js';
import type { AxisTable } from '../rules/pytorch.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

export function stageGather(layout: Layout, plan: ResizePlan, input: TensorData, outputLength: number): Staged {
  const bytes = input.BYTES_PER_ELEMENT;
  const src = layout.bytes(input.byteLength, bytesOf(input));
  const count = plan.passes.length;
  const tmp = [count > 1 ? layout.bytes(plan.tmp * bytes) : 0, count > 2 ? layout.bytes(plan.tmp * bytes) : 0];
  const dst = layout.bytes(outputLength * bytes);
  const calls = plan.passes.map(({ outer, inner, table }, i) => {
    const lanes = swizzleLanes(table, inner * bytes);
    return call('gatherAxis', {
      src: i === 0 ? src : tmp[(i - 1) & 1], dst: i === count - 1 ? dst : tmp[i & 1], outer,
      inLen: table.inSize, outLen: table.outSize, inner, index: layout.i32(table.index),
      lanes: lanes ? layout.bytes(lanes.length, lanes) : 0, bytes,
    });
  });
  return { dst, calls };
}

const laneTables = new WeakMap<AxisTable, Map<number, Uint8Array | undefined>>();

/**
 * The gather kernel's swizzle table for slices of `slice` bytes (1, 2, 4 or 8; else undefined):
 * per 16-byte group of outputs, the byte each output byte takes from the 16 input bytes at the
 * group's first index, or 0xff in the group's first byte where they do not hold the group.
 */
export function swizzleLanes(table: AxisTable, slice: number): Uint8Array | undefined {
  if (slice !== 1 && slice !== 2 && slice !== 4 && slice !== 8) return undefined;
  let bySlice = laneTables.get(table);
  if (!bySlice) laneTables.set(table, bySlice = new Map());
  if (bySlice.has(slice)) return bySlice.get(slice);
  const { index, inSize, outSize } = table;
  const group = 16 / slice;
  const lanes = new Uint8Array(Math.ceil((outSize * slice) / 16) * 16);
  for (let j0 = 0; j0 < outSize; j0 += group) {
    const base = index[j0];
    let fits = j0 + group <= outSize && base + group <= inSize;
    for (let k = 0; fits && k < group; k++) fits = index[j0 + k] >= base && index[j0 + k] < base + group;
    if (!fits) {
      lanes[j0 * slice] = 0xff;
      continue;
    }
    for (let k = 0; k < group; k++) {
      for (let b = 0; b < slice; b++) lanes[(j0 + k) * slice + b] = (index[j0 + k] - base) * slice + b;
    }
  }
  bySlice.set(slice, lanes);
  return lanes;
}
