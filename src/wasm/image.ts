// WebAssembly resizeImage: lays the bytes, the plan's tables and the scratch rows out in linear
// memory and returns the call of assembly/image.ts as a record (Pillow and OpenCV: image-exact.ts).

import type { ImageInputs, ImagePlan } from '../image.js';
import { call } from '../kernels.js';
import { withoutZeroTaps, type AxisTable } from '../rules/pytorch.js';
import { srgbTables } from '../rules/srgb.js';
import { stageResizeExact } from './image-exact.js';
import type { Layout } from './module.js';
import type { Staged } from './staged.js';

/** Floats of padding after rows that the kernel reads or writes a whole vector past (see assembly/image.ts). */
const PAD = 8;

/**
 * The source rows the H table reads, ascending, and its index renumbered to their places among
 * them (no `read` where every row is read): only those rows are copied in (a shrink without
 * antialiasing skips the others). Taps of one output stay consecutive, as the kernel's row ring needs.
 */
function rowsRead(rows: AxisTable, height: number): { read?: Int32Array; index: Int32Array } {
  if (height !== rows.inSize) return findRowsRead(rows, height);
  let found = ROWS_READ.get(rows);
  if (!found) ROWS_READ.set(rows, found = findRowsRead(rows, height));
  return found;
}

/**
 * rowsRead and withoutZeroTaps by table: plans share their tables (src/image.ts keeps those it
 * built lately), and the command runs one plan, or one band's, many times (its bands, a folder's
 * photos of one size). Tables are read, never changed, so neither is a copy to be made again.
 */
const ROWS_READ = new WeakMap<AxisTable, { read?: Int32Array; index: Int32Array }>();
const NONZERO_TAPS = new WeakMap<AxisTable, AxisTable>();
function nonzeroTaps(t: AxisTable): AxisTable {
  let found = NONZERO_TAPS.get(t);
  if (!found) NONZERO_TAPS.set(t, found = withoutZeroTaps(t));
  return found;
}

function findRowsRead(rows: AxisTable, height: number): { read?: Int32Array; index: Int32Array } {
  const place = new Int32Array(height).fill(-1);
  const index = rows.index;
  for (let k = 0; k < index.length; k++) place[index[k]] = 0; // indexed: cold code, where for-of steps an iterator
  let n = 0;
  for (let r = 0; r < height; r++) if (place[r] === 0) place[r] = n++;
  if (n === height) return { index: rows.index };
  const read = new Int32Array(n);
  for (let r = 0; r < height; r++) if (place[r] >= 0) read[place[r]] = r;
  return { read, index: rows.index.map((r) => place[r]) };
}

export function stageResizeImage(layout: Layout, plan: ImagePlan, { input }: ImageInputs, outputLength: number): Staged {
  if (plan.kind === 'exact') return stageResizeExact(layout, plan, input, outputLength);
  const { width, height, channels, outWidth: outW, outHeight: outH, premultiply, period } = plan;
  // Columns that weigh nothing cost work, rows that weigh nothing also their copy in (1-channel
  // rows keep theirs: their table's period is planned from it).
  const rows = nonzeroTaps(plan.rows);
  const cols = channels > 1 ? nonzeroTaps(plan.cols) : plan.cols;
  const { read, index: rowIndex } = rowsRead(rows, height);
  const src = read ? layout.gatherRows(input, width * channels, read, PAD * 4) : layout.bytes(input.length, input, PAD * 4);
  const dst = layout.bytes(outputLength, undefined, PAD * 4);
  const indexW = layout.i32(cols.index);
  const weightW = layout.f32(cols.weight.length, cols.weight);
  const indexH = layout.i32(rowIndex);
  const weightH = layout.f32(rows.weight.length, rows.weight);
  const line = layout.f32(width * channels + PAD);
  const stride = Math.ceil((outW * channels + PAD) / 4) * 4; // not `& ~3`: a wide row would wrap through int32
  const { ring: cache, tags: slots } = layout.rowRing(rows.taps, stride);
  const blended = layout.f32(stride);
  const slotIndex = layout.i32(new Int32Array(rows.taps));
  let srgb = 0;
  if (plan.linearLight) {
    // One block: decode (256 f32), thresholds (256 f32), buckets (4096 bytes); see assembly/image.ts.
    const { decode, thresholds, buckets } = srgbTables();
    const block = new Uint8Array(2048 + buckets.length);
    block.set(new Uint8Array(decode.buffer), 0);
    block.set(new Uint8Array(thresholds.buffer), 1024);
    block.set(buckets, 2048);
    srgb = layout.bytes(block.length, block);
  }
  return {
    dst,
    calls: [call('resizeImage', { src, dst, inW: width, channels, outW, outH, premultiply: premultiply ? 1 : 0,
      tapsW: cols.taps, indexW, weightW, periodLo: period[0], periodHi: period[1], tapsH: rows.taps, indexH, weightH,
      line, cache, stride, blended, slots, slotIndex, srgb })],
  };
}
