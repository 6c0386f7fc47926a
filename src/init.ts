// The one piece of global state: the loaded module. init() loads a build once (cached per
// build), and the most recent init() call decides which build the operations use.

import { engineHasSimd, instantiate, WasmModule, type WasmSource } from './wasm/module.js';

export interface InitOptions {
  /**
   * true: the SIMD build (an Error if the engine lacks SIMD); false: the scalar build;
   * default: SIMD where `WebAssembly.validate` accepts a SIMD probe, scalar otherwise.
   * A later init() with another choice switches builds; both stay loaded.
   */
  simd?: boolean;
  /** Where to load the module from instead of the file beside the package (CDNs, bundlers, CSP). */
  wasm?: WasmSource;
}

export interface BackendInfo {
  /** Whether the running build uses WebAssembly SIMD. */
  simd: boolean;
  /** Whether the engine validates SIMD at all. */
  engineSimd: boolean;
  /** Bytes of WebAssembly memory held (the high-water mark of all calls so far). */
  memoryBytes: number;
}

const builds = new Map<string, Promise<WasmModule>>();
let active: WasmModule | undefined;
let latestCall = 0;

function info(module: WasmModule): BackendInfo {
  return { simd: module.simd, engineSimd: engineHasSimd(), memoryBytes: module.memoryBytes };
}

/** Loads the WebAssembly module (once per build); operations need its promise resolved. */
export async function init(options: InitOptions = {}): Promise<BackendInfo> {
  if (options === null || typeof options !== 'object') throw new TypeError('init: options must be an object');
  const call = ++latestCall;
  const engineSimd = engineHasSimd();
  if (options.simd !== undefined && typeof options.simd !== 'boolean') {
    throw new TypeError(`init: options.simd must be a boolean, but got ${String(options.simd)}`);
  }
  if (options.simd === true && !engineSimd) throw new Error('init: this engine does not support WebAssembly SIMD');
  const simd = options.simd ?? engineSimd;
  const load = options.wasm !== undefined
    ? instantiate(options.wasm, simd).then((instance) => new WasmModule(instance))
    : loadBuild(simd);
  const module = await load;
  if (call === latestCall) active = module;
  return info(active ?? module);
}

/** One of the packaged builds, loaded once (internal: benchmarks hold both at once). */
export function loadBuild(simd: boolean): Promise<WasmModule> {
  const key = simd ? 'simd' : 'scalar';
  let load = builds.get(key);
  if (!load) {
    load = instantiate(undefined, simd).then((instance) => new WasmModule(instance));
    builds.set(key, load);
    load.catch(() => builds.delete(key)); // a failed load may be retried
  }
  return load;
}

/** The module the operations run on; throws until init() has resolved. */
export function loadedModule(): WasmModule {
  if (!active) throw new Error('upsample-wasm: the WebAssembly module is not loaded; call `await init()` first');
  return active;
}

/** Which build is running, without loading anything (undefined before init). */
export function backendInfo(): BackendInfo | undefined {
  return active && info(active);
}
