// Bytes posted to another thread are transferred, not copied; a view that shares its buffer (a
// small Buffer from Node's pool, which Node 22+ refuses to transfer: "Cannot transfer object of
// unsupported type") is copied into a buffer of its own first.

/**
 * `bytes`, or a copy of them when they do not own their whole buffer (`new Uint8Array(view)`:
 * a Buffer's own `slice` would share its memory).
 */
export function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

/**
 * Detaches an empty ArrayBuffer: called once per thread before any hot code is compiled. V8's
 * optimised code assumes that no ArrayBuffer has been detached until the first one is (its
 * ArrayBufferDetaching protector), and then throws all such code away: a folder run's first
 * transfer or WebAssembly memory growth recompiled antialiasTable, bandTable and the PNG reader
 * (about 40 ms of TurboFan a run). Every run detaches buffers anyway; this only does it first.
 */
export function detachEarly(): void {
  const buffer = new ArrayBuffer(0);
  structuredClone(buffer, { transfer: [buffer] });
}
