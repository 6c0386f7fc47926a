// One band of output rows of a whole-image resizeImage plan, computed from only the input rows
// its vertical taps read; and resizeImage itself, on both backends, without the rest of the
// operation table (src/index.ts takes its entry from here). Internal: the command line streams
// images through it (src/cli/bands.ts) and loads only this much of the library. Pillow's and OpenCV's tables, and linear light's, depend on the whole
// image's size, so a band cannot be resized as a smaller image; it is cut from the whole plan
// instead (imageBand, as maximumMemory's tiling cuts it) and runs on the same executors, staging
// and kernels as resizeImage, so its bytes are the whole call's rows.

import { planImageOfSize, prepareResizeImage, type ImageInputs, type ImagePlan, type ImageResult } from './image.js';
import { loadedModule } from './init.js';
import { jsExecutor } from './js/executor.js';
import { runResizeImage } from './js/image.js';
import { operation, operations, type Prepared, type SyncOperations } from './ops.js';
import { imageBand, imageTiling } from './tiling/families.js';
import { wasmExecutor } from './wasm/executor.js';
import { stageResizeImage } from './wasm/image.js';

export { planImageOfSize };

/** Output rows [rows[0], rows[1]) of a whole-image plan: the band's own plan and the input rows [lo, hi) it reads. */
export interface ImageBand {
  rows: [number, number];
  lo: number;
  hi: number;
  plan: ImagePlan;
}

/** The band of output rows [r0, r1) of `plan` (a plan from planImageOfSize or planImage). */
export function cutImageBand(plan: ImagePlan, rows: [number, number]): ImageBand {
  const [r0, r1] = rows;
  if (!(Number.isInteger(r0) && Number.isInteger(r1) && r0 >= 0 && r0 < r1 && r1 <= plan.outHeight)) {
    throw new RangeError(`cutImageBand: rows must be [r0, r1) with 0 <= r0 < r1 <= ${plan.outHeight}, but got [${r0}, ${r1})`);
  }
  return { rows: [r0, r1], ...imageBand(plan, [r0, r1]) };
}

/** `out`: the array the band's rows are written into (the command's spare arrays), else a new one. */
function prepareBand(band: ImageBand, window: Uint8Array | Uint8ClampedArray, out?: Uint8ClampedArray): Prepared<Uint8ClampedArray, ImagePlan, ImageInputs> {
  const { plan, lo, hi } = band;
  const need = (hi - lo) * plan.width * plan.channels;
  if (!(window instanceof Uint8Array || window instanceof Uint8ClampedArray)) throw new TypeError('resizeImageBand: window must be a Uint8Array');
  if (window.length !== need) {
    throw new RangeError(`resizeImageBand: window has ${window.length} bytes but input rows ${lo}-${hi - 1} need ${need}`);
  }
  const outputLength = plan.outWidth * plan.outHeight * plan.channels;
  checkOut(out, outputLength, 'resizeImageBand');
  return {
    plan, inputs: { input: window }, outputLength,
    allocate: () => { const output = out ?? new Uint8ClampedArray(outputLength); return { output, result: output }; },
  };
}

function checkOut(out: Uint8ClampedArray | undefined, outputLength: number, name: string): void {
  if (out !== undefined && (!(out instanceof Uint8ClampedArray) || out.length !== outputLength)) {
    throw new RangeError(`${name}: out must be a Uint8ClampedArray of ${outputLength} bytes`);
  }
}

/**
 * A whole plan from planImageOfSize run on `data` (the plan's width x height x channels bytes),
 * written into `out` when given: a resizeImage call's bytes without planning again, for the
 * command's bands, most of which are images of one size.
 */
function preparePlanned(plan: ImagePlan, data: Uint8Array | Uint8ClampedArray, out?: Uint8ClampedArray): Prepared<ImageResult, ImagePlan, ImageInputs> {
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) throw new TypeError('resizeImagePlanned: data must be a Uint8Array');
  const need = plan.width * plan.height * plan.channels;
  if (data.length !== need) throw new RangeError(`resizeImagePlanned: data has ${data.length} bytes but the plan's ${plan.width} x ${plan.height} x ${plan.channels} image needs ${need}`);
  const outputLength = plan.outWidth * plan.outHeight * plan.channels;
  checkOut(out, outputLength, 'resizeImagePlanned');
  return {
    plan, inputs: { input: data }, outputLength,
    allocate: () => {
      const output = out ?? new Uint8ClampedArray(outputLength);
      return { output, result: { data: output, width: plan.outWidth, height: plan.outHeight, channels: plan.channels } };
    },
  };
}

/** resizeImage's entry of the operation table (src/index.ts). */
export const RESIZE_IMAGE = operation(prepareResizeImage, { wasm: stageResizeImage, js: runResizeImage, tiling: imageTiling });

const IMAGE = {
  resizeImage: RESIZE_IMAGE,
  resizeImageBand: operation(prepareBand, { wasm: stageResizeImage, js: runResizeImage, tiling: imageTiling }),
  resizeImagePlanned: operation(preparePlanned, { wasm: stageResizeImage, js: runResizeImage, tiling: imageTiling }),
};

export type ImageBackend = 'wasm' | 'js';

/**
 * resizeImage, resizeImageBand: the band's output rows (outWidth * (r1 - r0) * channels
 * bytes) from `window`, the input rows [lo, hi), and resizeImagePlanned: a plan made once run on
 * an image of its size; on init()'s WebAssembly module (within its memory budget) or in plain JS.
 */
export const imageOps: Record<ImageBackend, SyncOperations<typeof IMAGE>> = {
  wasm: operations(IMAGE, wasmExecutor(loadedModule)),
  js: operations(IMAGE, jsExecutor),
};

/** resizeImageBand of each backend (tests). */
export const resizeImageBand = { wasm: imageOps.wasm.resizeImageBand, js: imageOps.js.resizeImageBand };
