// Loading the WebAssembly builds: feature probes, the packaged files beside the code, and one
// instantiation path for the synchronous module (init) and the pool's shared-memory build.

export type WasmSource = BufferSource | URL | string | Response | PromiseLike<Response> | WebAssembly.Module;

/** The imports every build takes; the shared-memory builds import their memory too. */
export function importsFor(memory?: WebAssembly.Memory): WebAssembly.Imports {
  const abort = (): never => {
    throw new Error('upsample-wasm: kernel abort');
  };
  return { env: memory ? { memory, abort } : { abort } };
}

/** The SIMD feature probe of wasm-feature-detect: a function that uses a v128 instruction. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

/**
 * A relaxed-SIMD probe: a function returning `f32x4.relaxed_madd` of three splats (the instruction
 * the relaxed build uses). Chrome 114+ and Node 22+ validate it; Node 20 only with
 * `--experimental-wasm-relaxed-simd`.
 */
const RELAXED_SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 28, 1, 26, 0,
  67, 0, 0, 0, 0, 253, 19, 67, 0, 0, 0, 0, 253, 19, 67, 0, 0, 0, 0, 253, 19, 253, 133, 2, 11]);

/** The packaged builds, fastest first. */
export type Build = 'relaxed' | 'simd' | 'scalar';
/** The packaged shared-memory builds (the pool's). */
export type SharedBuild = 'relaxed' | 'simd';

export function engineHasRelaxedSimd(): boolean {
  try {
    return WebAssembly.validate(RELAXED_SIMD_PROBE);
  } catch {
    return false;
  }
}

export function engineHasSimd(): boolean {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** The built module beside this code: ../build/*.wasm from src/ or dist/. */
function packagedUrl(build: Build, shared: boolean): URL {
  // Literal `new URL(..., import.meta.url)` forms, so bundlers see and copy the assets.
  if (shared) {
    return build === 'relaxed'
      ? new URL('../../build/relaxed-shared.wasm', import.meta.url)
      : new URL('../../build/simd-shared.wasm', import.meta.url);
  }
  if (build === 'relaxed') return new URL('../../build/relaxed.wasm', import.meta.url);
  return build === 'simd'
    ? new URL('../../build/simd.wasm', import.meta.url)
    : new URL('../../build/scalar.wasm', import.meta.url);
}

async function readUrl(url: URL): Promise<ArrayBuffer | Response> {
  if (url.protocol === 'file:' && isNode) {
    const fsName = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ fsName)) as typeof import('node:fs/promises');
    const bytes = await fs.readFile(url);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  return fetch(url);
}

const isBytes = (s: unknown): s is BufferSource => ArrayBuffer.isView(s) || s instanceof ArrayBuffer;
/**
 * Bytes are told apart before this is asked: in Node the first read of the global `Response`
 * loads its fetch implementation (undici), about 8 MiB and 20 ms, which a file read never needs.
 */
const isResponse = (s: unknown): s is Response => typeof Response !== 'undefined' && s instanceof Response;

/** `source` (or the packaged build) as bytes, a compiled module, or a Response to stream. */
async function resolve(source: WasmSource | undefined, build: Build, shared: boolean): Promise<BufferSource | WebAssembly.Module | Response> {
  let s: WasmSource | ArrayBuffer = source ?? packagedUrl(build, shared);
  if (typeof s === 'string') s = new URL(s, typeof location !== 'undefined' ? location.href : import.meta.url);
  if (s instanceof URL) s = await readUrl(s);
  if (typeof (s as PromiseLike<Response>).then === 'function') s = await (s as PromiseLike<Response>);
  if (s instanceof WebAssembly.Module) return s;
  if (isBytes(s)) return s;
  if (isResponse(s)) {
    if (!s.ok) throw new Error(`upsample-wasm: could not load the module from ${s.url} (HTTP ${s.status})`);
    return s;
  }
  throw new TypeError('options.wasm must be bytes, a URL, a Response or a WebAssembly.Module');
}

const streams = (r: Response): boolean => (r.headers.get('content-type') ?? '').startsWith('application/wasm');

/** Compiles `source` (bytes, a URL, a Response or a compiled module), or the packaged build (the pool's). */
export async function compile(source: WasmSource | undefined, build: Build, shared = false): Promise<WebAssembly.Module> {
  const s = await resolve(source, build, shared);
  if (s instanceof WebAssembly.Module) return s;
  if (isBytes(s)) return WebAssembly.compile(s);
  if (typeof WebAssembly.compileStreaming === 'function' && streams(s)) return WebAssembly.compileStreaming(s);
  return WebAssembly.compile(await s.arrayBuffer());
}

/** Instantiates a build on its own memory (the synchronous API's module); a boolean means simd/scalar. */
export async function instantiate(source: WasmSource | undefined, build: Build | boolean): Promise<WebAssembly.Instance> {
  const which: Build = build === true ? 'simd' : build === false ? 'scalar' : build;
  const s = await resolve(source, which, false);
  if (s instanceof WebAssembly.Module) return WebAssembly.instantiate(s, importsFor());
  if (isBytes(s)) return (await WebAssembly.instantiate(s, importsFor())).instance;
  if (typeof WebAssembly.instantiateStreaming === 'function' && streams(s)) return (await WebAssembly.instantiateStreaming(s, importsFor())).instance;
  return (await WebAssembly.instantiate(await s.arrayBuffer(), importsFor())).instance;
}
