// upsample-wasm: PyTorch-exact upsampling in WebAssembly SIMD, with a plain-JS backend.

import { loadedModule } from './init.js';
import { jsBackend } from './js/index.js';
import { operations, type Operations } from './ops.js';
import { wasmBackend } from './wasm/index.js';
import { allocResident, type ResidentTensor } from './wasm/resident.js';

export type { Tensor } from './tensor.js';
export type { InterpolateMode, InterpolateOptions } from './interpolate.js';
export type { ConvOptions, ConvTransposeOptions } from './conv.js';
export type { ShuffleOptions } from './shuffle.js';
export type { ImageInput, ImageMode, ImageResult, ImageTarget, ResizeImageOptions } from './image.js';
export { bilinearUpsampleWeights, convOutputShape, convTransposeOutputShape } from './conv.js';
export type { BackendInfo, InitOptions } from './init.js';
export type { Operations } from './ops.js';
export type { WasmSource } from './wasm/module.js';
export { init, backendInfo } from './init.js';
export type { ResidentTensor } from './wasm/resident.js';
export { createPool } from './pool/index.js';
export type { Pool, PoolOperations, PoolOptions } from './pool/index.js';

/**
 * A tensor in WebAssembly memory (zero-filled, or a copy of `data`): operations read it and write
 * into it (as `out`) in place, with no copies. Call `dispose()` when done; read `.data` afresh
 * after every call (it is re-derived when memory grows). Needs `await init()` first.
 */
export function allocTensor(shape: number[], data?: ArrayLike<number>): ResidentTensor {
  return allocResident(loadedModule(), shape, data);
}

const wasmOps = operations(wasmBackend, () => void loadedModule());

/** F.interpolate: resize the spatial dimensions of an (N, C, ...) tensor, in WebAssembly. */
export const interpolate: Operations['interpolate'] = wasmOps.interpolate;

/** F.conv_transposeNd (transposed convolution, sub-pixel decomposition), in WebAssembly. */
export const convTranspose1d: Operations['convTranspose1d'] = wasmOps.convTranspose1d;
export const convTranspose2d: Operations['convTranspose2d'] = wasmOps.convTranspose2d;
export const convTranspose3d: Operations['convTranspose3d'] = wasmOps.convTranspose3d;
/** F.convNd (cross-correlation, as PyTorch), in WebAssembly. */
export const conv1d: Operations['conv1d'] = wasmOps.conv1d;
export const conv2d: Operations['conv2d'] = wasmOps.conv2d;
export const conv3d: Operations['conv3d'] = wasmOps.conv3d;
/** F.pixel_shuffle / F.pixel_unshuffle: (*, C*r*r, H, W) <-> (*, C, H*r, W*r). */
export const pixelShuffle: Operations['pixelShuffle'] = wasmOps.pixelShuffle;
export const pixelUnshuffle: Operations['pixelUnshuffle'] = wasmOps.pixelUnshuffle;
/** Resizes 8-bit interleaved pixels (RGBA, RGB, gray, gray + alpha) as interpolate would, in WebAssembly. */
export const resizeImage: Operations['resizeImage'] = wasmOps.resizeImage;

/** The same operations in plain JavaScript: no WebAssembly, no init(). */
export const js: Operations = operations(jsBackend, () => {});
