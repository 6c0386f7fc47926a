// WebAssembly resizeImage: lays the bytes, the plan's tables and the scratch rows out in linear
// memory, runs assembly/image.ts, and copies the bytes out.

import type { ImagePlan } from '../image.js';
import type { WasmModule } from './module.js';

/** The kernel as compiled from assembly/image.ts (pointers are byte addresses). */
interface ImageKernels {
  resizeImage(src: number, dst: number, inW: number, channels: number, outW: number, outH: number, premultiply: number,
              tapsW: number, indexW: number, weightW: number, periodLo: number, periodHi: number,
              tapsH: number, indexH: number, weightH: number,
              line: number, cache: number, stride: number, blended: number, slots: number, slotIndex: number): void;
}

/** Floats of padding after rows that the kernel reads or writes a whole vector past (see assembly/image.ts). */
const PAD = 8;

/**
 * Copies the bytes and tables into linear memory and returns the kernel call and where its
 * output lands. Split from the copy-out so benchmarks can time the kernel alone.
 */
export function stageResizeImage(module: WasmModule, plan: ImagePlan, input: Uint8Array | Uint8ClampedArray,
                                 outputLength: number): { run: () => void; dst: number } {
  const { width, channels, outWidth, outHeight, rows, cols, premultiply, period } = plan;
  const layout = module.layout();
  // Byte buffers reserved as floats (the layout counts in 4-byte elements), written after commit.
  const src = layout.f32(Math.ceil(input.length / 4) + PAD);
  const dst = layout.f32(Math.ceil(outputLength / 4) + PAD);
  const indexW = layout.i32(cols.index);
  const weightW = layout.f32(cols.weight.length, cols.weight);
  const indexH = layout.i32(rows.index);
  const weightH = layout.f32(rows.weight.length, rows.weight);
  const line = layout.f32(width * channels + PAD);
  const stride = (outWidth * channels + PAD + 3) & ~3;
  const { ring: cache, tags: slots } = layout.rowRing(rows.taps, stride);
  const blended = layout.f32(stride);
  const slotIndex = layout.i32(new Int32Array(rows.taps));
  layout.commit();
  new Uint8Array(module.kernels.memory.buffer, src, input.length).set(input);
  const kernels = module.kernels as unknown as ImageKernels;
  return {
    dst,
    run: () => kernels.resizeImage(src, dst, width, channels, outWidth, outHeight, premultiply ? 1 : 0,
      cols.taps, indexW, weightW, period[0], period[1], rows.taps, indexH, weightH,
      line, cache, stride, blended, slots, slotIndex),
  };
}

export function runResizeImage(module: WasmModule, plan: ImagePlan, input: Uint8Array | Uint8ClampedArray,
                               output: Uint8ClampedArray): void {
  const { run, dst } = stageResizeImage(module, plan, input, output.length);
  run();
  output.set(new Uint8ClampedArray(module.kernels.memory.buffer, dst, output.length));
}
