// The command's own small WebAssembly modules (build/jpeg-encoder.wasm, build/jpeg-decoder.wasm):
// each instantiated once per thread on first use, its memory reused and grown as needed.

import { readFile } from 'node:fs/promises';

/**
 * A loader for build/<name>.wasm: one instance per thread, shared by the calls. Calls may overlap
 * only while it loads (after that a call runs to its end without yielding); a failed load is
 * retried by the next call.
 */
export function moduleLoader<T>(name: string): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    if (loaded) return loaded;
    const abort = () => { throw new Error(`${name}: abort`); };
    loaded = readFile(new URL(`../../build/${name}.wasm`, import.meta.url))
      .then((bytes) => WebAssembly.instantiate(bytes, { env: { abort } }))
      .then(({ instance }) => instance.exports as unknown as T);
    loaded.catch(() => { loaded = undefined; });
    return loaded;
  };
}
