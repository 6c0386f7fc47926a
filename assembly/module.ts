// What the wrapper asks of a module it was handed: where its heap starts and which features it
// was compiled with (src/wasm/module.ts reads these when it wraps an instance).

/** First free byte after the module's static data: the wrapper's arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Whether this build was compiled with SIMD (lets the wrapper report a module it was handed). */
export function isSimd(): bool {
  return ASC_FEATURE_SIMD;
}

/** Whether this build was compiled with relaxed SIMD (fused multiply-add in `madd`, lib/simd.ts). */
export function isRelaxedSimd(): bool {
  return ASC_FEATURE_RELAXED_SIMD;
}
