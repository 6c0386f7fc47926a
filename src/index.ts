// upsample-wasm: PyTorch-exact upsampling in WebAssembly SIMD, with a plain-JS backend.
//
// The composition root: the operation table below names every public operation once, with the
// function that validates and plans a call and its two backends (WebAssembly staging, plain-JS
// loops). The package root, `js`, the worker pool and `createOperations` bind this one table to
// their executors (src/ops.ts); docs/architecture.md walks a call through it.

import { prepareConv } from './conv/plan.js';
import { RESIZE_IMAGE } from './image-band.js';
import { checkMaximumMemory, chooseBuild, loadBuild, loadedModule } from './init.js';
import { interpolateCopies, prepareInterpolate } from './interpolate.js';
import { jsExecutor } from './js/executor.js';
import { runConv } from './js/conv.js';
import { runInterpolate } from './js/interpolate.js';
import { runResize } from './js/resize.js';
import { runShuffle } from './js/shuffle.js';
import { runUpsampleReduce } from './js/upsample-reduce.js';
import { runImageToTensor } from './js/image-tensor.js';
import { operation, operations, type SyncOperations } from './ops.js';
import { startPool, type Pool, type PoolOptions } from './pool/index.js';
import { prepareImageToTensor } from './pipeline/image-tensor.js';
import { prepareUpsampleArgmax, prepareUpsampleThreshold } from './pipeline/upsample-reduce.js';
import { prepareResize, prepareTfResize, resizeCopies } from './resize.js';
import { prepareShuffle } from './shuffle.js';
import { typedBackends, type WithTypes } from './typed.js';
import { convTiling } from './tiling/conv-bands.js';
import { interpolateTiling, resizeTiling, shuffleTiling } from './tiling/families.js';
import { reduceTiling } from './tiling/reduce-bands.js';
import { tensorTiling } from './tiling/tensor-bands.js';
import { stageConv } from './wasm/conv.js';
import { wasmExecutor } from './wasm/executor.js';
import { stageInterpolate } from './wasm/interpolate.js';
import { stageResize } from './wasm/resize.js';
import { engineHasSimd, type Build } from './wasm/load.js';
import { allocResident, type ResidentTensor } from './wasm/resident.js';
import { stageShuffle } from './wasm/shuffle.js';
import { stageUpsampleReduce } from './wasm/upsample-reduce.js';
import { stageImageToTensor } from './wasm/image-tensor.js';

export type { Tensor, TensorInput } from './tensor.js';
export type { TensorData } from './dtype.js';
export type { InterpolateLayout, InterpolateMode, InterpolateOptions } from './interpolate.js';
export type { ConvOptions, ConvTransposeOptions } from './conv/rules.js';
export type { ShuffleOptions } from './shuffle.js';
export type { ResizeOptions, TfResizeOptions } from './resize.js';
export type {
  ImageConvention, ImageInput, ImageMode, ImagePlan, ImageResult, ImageTarget, OpenCVMode, PillowMode, PytorchImageMode, ResizeImageOptions,
} from './image.js';
export { CONVENTION_MODES, planImage } from './image.js';
export type { ImageTensorResult, ImageToTensorOptions, TensorChannels, TensorFit } from './pipeline/image-tensor.js';
export type { CropBox, LabelTensor, UpsampleReduceMode, UpsampleReduceOptions, UpsampleThresholdOptions } from './pipeline/upsample-reduce.js';
export { bilinearUpsampleWeights, convOutputShape, convTransposeOutputShape } from './conv/rules.js';
export type { BackendInfo, InitOptions } from './init.js';
export type { WasmSource } from './wasm/load.js';
export { init, backendInfo, release } from './init.js';
export type { ResidentTensor } from './wasm/resident.js';
export type { Pool, PoolCallOptions, PoolCloseOptions, PoolOperations, PoolOptions } from './pool/index.js';

const interpolateBackends = typedBackends({ wasm: stageInterpolate, js: runInterpolate, tiling: interpolateTiling }, interpolateCopies);
const convBackends = { wasm: stageConv, js: runConv, tiling: convTiling };
const shuffleBackends = { wasm: stageShuffle, js: runShuffle, tiling: shuffleTiling };
const resizeBackends = typedBackends({ wasm: stageResize, js: runResize, tiling: resizeTiling }, resizeCopies, (plan) => plan.wide === true);
const reduceBackends = { wasm: stageUpsampleReduce, js: runUpsampleReduce, tiling: reduceTiling };

/** Every operation, once: how a call is validated and planned, and how each backend runs the plan. */
const OPERATIONS = {
  interpolate: operation(prepareInterpolate, interpolateBackends),
  convTranspose1d: operation(prepareConv(true, 1), convBackends),
  convTranspose2d: operation(prepareConv(true, 2), convBackends),
  convTranspose3d: operation(prepareConv(true, 3), convBackends),
  conv1d: operation(prepareConv(false, 1), convBackends),
  conv2d: operation(prepareConv(false, 2), convBackends),
  conv3d: operation(prepareConv(false, 3), convBackends),
  pixelShuffle: operation(prepareShuffle(true), shuffleBackends),
  pixelUnshuffle: operation(prepareShuffle(false), shuffleBackends),
  resizeImage: RESIZE_IMAGE,
  resize: operation(prepareResize, resizeBackends),
  resizeBilinear: operation(prepareTfResize(true), resizeBackends),
  resizeNearestNeighbor: operation(prepareTfResize(false), resizeBackends),
  imageToTensor: operation(prepareImageToTensor, { wasm: stageImageToTensor, js: runImageToTensor, tiling: tensorTiling }),
  upsampleArgmax: operation(prepareUpsampleArgmax, reduceBackends),
  upsampleThreshold: operation(prepareUpsampleThreshold, reduceBackends),
};

/** The table's operations as bound (typed operations take and return TensorData in general). */
export type TableOperations = SyncOperations<typeof OPERATIONS>;

/**
 * The operations, synchronous: the package root's, `js`, and those of `createOperations`.
 * interpolate, resize and the TF entries return a tensor of their input's element type.
 */
export type Operations = WithTypes<TableOperations>;

const root = operations(OPERATIONS, wasmExecutor(loadedModule)) as unknown as Operations;

/** F.interpolate: resize the spatial dimensions of an (N, C, ...) tensor, in WebAssembly. */
export const interpolate: Operations['interpolate'] = root.interpolate;
/** F.conv_transposeNd (transposed convolution, sub-pixel decomposition), in WebAssembly. */
export const convTranspose1d: Operations['convTranspose1d'] = root.convTranspose1d;
export const convTranspose2d: Operations['convTranspose2d'] = root.convTranspose2d;
export const convTranspose3d: Operations['convTranspose3d'] = root.convTranspose3d;
/** F.convNd (cross-correlation, as PyTorch), in WebAssembly. */
export const conv1d: Operations['conv1d'] = root.conv1d;
export const conv2d: Operations['conv2d'] = root.conv2d;
export const conv3d: Operations['conv3d'] = root.conv3d;
/** F.pixel_shuffle / F.pixel_unshuffle: (*, C*r*r, H, W) <-> (*, C, H*r, W*r). */
export const pixelShuffle: Operations['pixelShuffle'] = root.pixelShuffle;
export const pixelUnshuffle: Operations['pixelUnshuffle'] = root.pixelUnshuffle;
/** Resizes 8-bit interleaved pixels (RGBA, RGB, gray, gray + alpha) as interpolate would, in WebAssembly. */
export const resizeImage: Operations['resizeImage'] = root.resizeImage;
/** ONNX Resize (opset 19): every attribute, any axes, ranks 1 and up, float32. */
export const resize: Operations['resize'] = root.resize;
/** TensorFlow's tf.image resize_bilinear on NHWC [batch, h, w, c] or [h, w, c] (alignCorners, halfPixelCenters). */
export const resizeBilinear: Operations['resizeBilinear'] = root.resizeBilinear;
/** TensorFlow's tf.image resize_nearest_neighbor on NHWC [batch, h, w, c] or [h, w, c]. */
export const resizeNearestNeighbor: Operations['resizeNearestNeighbor'] = root.resizeNearestNeighbor;
/**
 * 8-bit pixels -> a model's float32 input in one pass: resize (fill, letterbox or crop), rescale,
 * mean/std per channel, rgb/bgr/gray, NCHW or NHWC. Returns { tensor, scale, padding }.
 */
export const imageToTensor: Operations['imageToTensor'] = root.imageToTensor;
/**
 * Class scores (N, K, h, w) -> interpolate to the output size -> argmax over K, in one pass:
 * labels (N, H, W) as Uint8Array (K <= 256) or Uint16Array (K <= 65536), equal to the composition
 * (ties: the first maximum). Default mode 'bilinear'; `crop` resizes a box of the logits.
 */
export const upsampleArgmax: Operations['upsampleArgmax'] = root.upsampleArgmax;
/** Mask logits (N, C, h, w) -> interpolate -> `> threshold` (default 0): Uint8Array masks of 0/255 (N, C, H, W), in one pass. */
export const upsampleThreshold: Operations['upsampleThreshold'] = root.upsampleThreshold;

/**
 * A tensor in WebAssembly memory (zero-filled, or a copy of `data`): operations read it and write
 * into it (as `out`) in place, with no copies. Call `dispose()` when done; read `.data` afresh
 * after every call (it is re-derived when memory grows). Needs `await init()` first.
 */
export function allocTensor(shape: number[], data?: ArrayLike<number>): ResidentTensor {
  return allocResident(loadedModule(), shape, data);
}

/** The same operations in plain JavaScript: no WebAssembly, no init(). */
export const js = operations(OPERATIONS, jsExecutor) as unknown as Operations;

/** Starts a pool of worker threads sharing one memory (or the one-thread fallback): the operations, asynchronous. */
export function createPool(options?: PoolOptions): Promise<Pool> {
  return startPool(OPERATIONS, options);
}

/** Operations bound to their own instance of one build, apart from init()'s module. */
export interface OperationsInstance extends Operations {
  readonly build: Build;
  /** A tensor in this instance's memory (see allocTensor). */
  allocTensor(shape: number[], data?: ArrayLike<number>): ResidentTensor;
  /** Bytes of WebAssembly memory this instance holds. */
  readonly memoryBytes: number;
  /** This instance's memory budget (see InitOptions.maximumMemory). */
  readonly maximumMemory: number;
  /** A fresh instance of the build when no resident tensor is live, returning grown memory (see release()). */
  release(): Promise<boolean>;
}

/**
 * Loads a build into an instance of its own (a copy of the package's cached compilation) and
 * binds the operations to it: several builds side by side (benchmarks, differential tests)
 * without switching init()'s build. Its memory is freed with the object.
 */
export async function createOperations(options: { build?: Build; maximumMemory?: number } = {}): Promise<OperationsInstance> {
  if (options === null || typeof options !== 'object') throw new TypeError('createOperations: options must be an object');
  const build = chooseBuild({ build: options.build }, engineHasSimd());
  const budget = options.maximumMemory === undefined ? undefined : checkMaximumMemory(options.maximumMemory, 'createOperations');
  const load = async () => {
    const loaded = await loadBuild(build, true);
    if (budget !== undefined) loaded.maximumMemory = budget;
    return loaded;
  };
  let module = await load();
  const ops = operations(OPERATIONS, wasmExecutor(() => module)) as unknown as Operations;
  return {
    ...ops,
    build,
    allocTensor: (shape, data) => allocResident(module, shape, data),
    get memoryBytes() { return module.memoryBytes; },
    get maximumMemory() { return module.maximumMemory; },
    async release() {
      if (module.heap.count > 0) return false;
      module = await load();
      return true;
    },
  };
}
