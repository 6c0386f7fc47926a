// The one piece of global state: the loaded module. init() loads a build once (cached per
// build), and the most recent init() call decides which build the operations use.

import { engineHasRelaxedSimd, engineHasSimd, instantiate, type Build, type WasmSource } from './wasm/load.js';
import { DEFAULT_BUDGET, MAX_BYTES, WasmModule } from './wasm/module.js';

export type { Build } from './wasm/load.js';

export interface InitOptions {
  /**
   * true: the SIMD build (an Error if the engine lacks SIMD); false: the scalar build;
   * default: SIMD where `WebAssembly.validate` accepts a SIMD probe, scalar otherwise.
   * A later init() with another choice switches builds; both stay loaded.
   */
  simd?: boolean;
  /**
   * Which packaged build to run (instead of `simd`): 'relaxed' (relaxed SIMD: fused multiply-add
   * in the blends), 'simd' or 'scalar'; an Error if the engine does not validate it. Default: the
   * first of these the engine validates (Node 20 validates relaxed SIMD only with
   * `--experimental-wasm-relaxed-simd`, so it runs 'simd' by default).
   */
  build?: Build;
  /** Where to load the module from instead of the file beside the package (CDNs, bundlers, CSP). */
  wasm?: WasmSource;
  /**
   * Bytes of WebAssembly memory calls stay within (default 256 MiB, at most 2 GiB): a call whose
   * buffers would not fit runs in tiles (planes, or bands of rows), bit-identical to one pass.
   * Resident tensors (allocTensor) are not limited by it. Applies to every build from this call on.
   */
  maximumMemory?: number;
}

export interface BackendInfo {
  /** Whether the running build uses WebAssembly SIMD. */
  simd: boolean;
  /** Whether the engine validates SIMD at all. */
  engineSimd: boolean;
  /** The running build: 'relaxed', 'simd' or 'scalar'. */
  build: Build;
  /** Whether the running build is the relaxed-SIMD one. */
  relaxedSimd: boolean;
  /** Whether the engine validates relaxed SIMD. */
  engineRelaxedSimd: boolean;
  /** Bytes of WebAssembly memory held (the high-water mark of all calls so far). */
  memoryBytes: number;
}

const builds = new Map<string, Promise<WasmModule>>();
let active: WasmModule | undefined;
/** How the active module was loaded, so release() can load it again. */
let reload: (() => Promise<WasmModule>) | undefined;
let latestCall = 0;
let budget = DEFAULT_BUDGET;

/** A memory budget in bytes: an integer in [64 KiB, 2 GiB]. */
export function checkMaximumMemory(value: unknown, op: string): number {
  if (typeof value !== 'number') throw new TypeError(`${op}: maximumMemory must be a number of bytes, but got ${typeof value}`);
  if (!Number.isInteger(value) || value < 65536 || value > MAX_BYTES) {
    throw new RangeError(`${op}: maximumMemory must be an integer number of bytes in [65536, ${MAX_BYTES}], but got ${value}`);
  }
  return value;
}

function info(module: WasmModule): BackendInfo {
  return {
    simd: module.simd, engineSimd: engineHasSimd(), memoryBytes: module.memoryBytes,
    build: module.relaxedSimd ? 'relaxed' : module.simd ? 'simd' : 'scalar',
    relaxedSimd: module.relaxedSimd, engineRelaxedSimd: engineHasRelaxedSimd(),
  };
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
  const maximumMemory = options.maximumMemory === undefined ? undefined : checkMaximumMemory(options.maximumMemory, 'init');
  const build = chooseBuild(options, engineSimd);
  const source = options.wasm;
  const load = source !== undefined
    ? () => instantiate(source, build).then((instance) => new WasmModule(instance))
    : () => loadBuild(build);
  const module = await load();
  if (maximumMemory !== undefined && call === latestCall) budget = maximumMemory; // a failed init() changes nothing
  module.maximumMemory = budget;
  if (call === latestCall) {
    active = module;
    reload = load;
  }
  return info(active ?? module);
}

/**
 * Returns the WebAssembly memory that calls grew (it never shrinks) by starting a fresh instance
 * of the running build; the next call grows only what it needs. Only when no resident tensor
 * (allocTensor) is live, since their views point into the old memory: then it resolves false
 * and keeps the memory. Resolves true once released (also before init(): nothing to release).
 */
export async function release(): Promise<boolean> {
  const old = active;
  if (!old || !reload) return true;
  if (old.heap.count > 0) return false;
  for (const [key, load] of builds) if (await load === old) builds.delete(key); // a later init() loads afresh
  const fresh = await reload();
  if (active !== old) return true; // an init() switched builds meanwhile
  fresh.maximumMemory = old.maximumMemory;
  active = fresh;
  return true;
}

const BUILDS: readonly Build[] = ['relaxed', 'simd', 'scalar'];

/**
 * options.build, else options.simd (true: 'simd', false: 'scalar'), else the best the engine validates.
 * (Internal: the generated inline entry, dist/inline.js, picks its embedded build with it.)
 */
export function chooseBuild(options: InitOptions, engineSimd: boolean): Build {
  if (options.build === undefined) {
    if (options.simd !== undefined) return options.simd ? 'simd' : 'scalar';
    return engineSimd && engineHasRelaxedSimd() ? 'relaxed' : engineSimd ? 'simd' : 'scalar';
  }
  if (!BUILDS.includes(options.build)) {
    throw new TypeError(`init: options.build must be 'relaxed', 'simd' or 'scalar', but got ${String(options.build)}`);
  }
  if (options.simd !== undefined) throw new Error('init: give only one of options.build and options.simd');
  if (options.build === 'simd' && !engineSimd) throw new Error('init: this engine does not support WebAssembly SIMD');
  if (options.build === 'relaxed' && !(engineSimd && engineHasRelaxedSimd())) {
    throw new Error('init: this engine does not support WebAssembly relaxed SIMD (Chrome 114+, Node 22+, or Node 20 with --experimental-wasm-relaxed-simd)');
  }
  return options.build;
}

/**
 * One of the packaged builds, loaded once; a boolean means simd/scalar. `fresh`: a new instance
 * (its own memory) instead of the shared one (createOperations).
 */
export function loadBuild(which: Build | boolean, fresh = false): Promise<WasmModule> {
  const key: Build = which === true ? 'simd' : which === false ? 'scalar' : which;
  if (fresh) return instantiate(undefined, key).then((instance) => new WasmModule(instance));
  let load = builds.get(key);
  if (!load) {
    load = instantiate(undefined, key).then((instance) => new WasmModule(instance));
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
