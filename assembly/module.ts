// What the wrapper asks of a module it was handed: where its heap starts and which features it
// was compiled with (src/wasm/module.ts reads these when it wraps an instance).
//
// Every file at this level is an entry of the build (`asc assembly/*.ts`): its `export function`s
// are the module's exports, one file a family, declared for the wrapper in src/kernels.ts. Their
// helpers live under lib/, which exports nothing to the module. The wrapper (src/) owns all
// allocation; kernels never allocate, so the stub runtime is enough.

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
