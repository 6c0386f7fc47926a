// The array a decoded image is written to, reused from one file to the next on a thread: the
// command's own JPEG and WebP decoders fill it, ./convert.ts gives it back once the resize has
// read it.

/**
 * The array a decode fills, from the one released last on this thread (releaseDecoded) when
 * it is large enough: a folder run then allocates (and the collector frees) no image-sized array
 * a file. A new one is not zero-filled (Buffer.allocUnsafeSlow): the decode writes every byte.
 */
let released: ArrayBuffer | undefined;
/** The arrays pixelBuffer made: only they are taken back. */
const made = new WeakSet<ArrayBuffer>();
export function pixelBuffer(length: number): Uint8Array {
  if (released && released.byteLength >= length) {
    const buffer = released;
    released = undefined;
    return new Uint8Array(buffer, 0, length);
  }
  const fresh = Buffer.allocUnsafeSlow(length);
  made.add(fresh.buffer);
  return new Uint8Array(fresh.buffer, fresh.byteOffset, length);
}

/** Arrays kept for the next decode at most this large (a larger one is left to the collector). */
const KEPT_BYTES = 64 << 20;

/**
 * Gives a decoded image's array back for the next decode on this thread: the caller holds no
 * view of it any more. Arrays the decoders did not make (an image turned upright, MozJPEG's) are
 * ignored; of theirs, the largest (up to KEPT_BYTES) is kept.
 */
export function releaseDecoded(data: Uint8Array): void {
  const buffer = data.buffer as ArrayBuffer;
  if (!made.has(buffer) || buffer.byteLength > KEPT_BYTES) return;
  if (!released || buffer.byteLength > released.byteLength) released = buffer;
}
