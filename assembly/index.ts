// The module's exports: pointer-based kernels, one file a family (helpers live under lib/). The wrapper (src/) owns all
// allocation; kernels never allocate, so the stub runtime is enough.
export * from './interpolate';
export * from './area';
export * from './conv';
export * from './shuffle';
export * from './image';

/** First free byte after the module's static data: the wrapper's arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Whether this build was compiled with SIMD (lets the wrapper report a module it was handed). */
export function isSimd(): bool {
  return ASC_FEATURE_SIMD;
}

/** Whether this build was compiled with relaxed SIMD (fused multiply-add in `madd`). */
export function isRelaxedSimd(): bool {
  return ASC_FEATURE_RELAXED_SIMD;
}
