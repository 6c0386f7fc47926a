// upsample-wasm: PyTorch-exact upsampling in WebAssembly SIMD, with a plain-JS backend.

import { loadedModule } from './init.js';
import { jsBackend } from './js/index.js';
import { operations, type Operations } from './ops.js';
import { wasmBackend } from './wasm/index.js';

export type { Tensor } from './tensor.js';
export type { InterpolateMode, InterpolateOptions } from './interpolate.js';
export type { BackendInfo, InitOptions } from './init.js';
export type { Operations } from './ops.js';
export type { WasmSource } from './wasm/module.js';
export { init, backendInfo } from './init.js';

const wasmOps = operations(wasmBackend, () => void loadedModule());

/** F.interpolate: resize the spatial dimensions of an (N, C, ...) tensor, in WebAssembly. */
export const interpolate: Operations['interpolate'] = wasmOps.interpolate;

/** The same operations in plain JavaScript: no WebAssembly, no init(). */
export const js: Operations = operations(jsBackend, () => {});
