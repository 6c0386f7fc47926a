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
