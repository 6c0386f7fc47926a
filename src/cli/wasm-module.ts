// The command's own small WebAssembly modules (build/jpeg-*.wasm, build/webp-*.wasm):
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

/** `n` rounded up to a multiple of 16: where the wrappers place each region of a module's memory (v128 loads and stores). */
export const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** Grows `memory` to hold `end` bytes, if it does not already (throws as WebAssembly.Memory.grow does). */
export function growTo(memory: WebAssembly.Memory, end: number): void {
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
}

/** growTo, or false where the memory cannot grow that far (the caller falls back to another codec). */
export function tryGrowTo(memory: WebAssembly.Memory, end: number): boolean {
  try {
    growTo(memory, end);
    return true;
  } catch {
    return false;
  }
}
