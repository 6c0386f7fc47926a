// JPEG output gathered from resized rows into strips (./jpeg-strips.ts), each strip encoded as it
// fills (on helper threads, or on the converting thread), then joined. The strips are cut the
// same way (stripRows of the output width) whatever hands the rows in (bands of an image held
// whole, ./convert.ts, or of a PNG streamed, ./png-stream.ts) and however many channels they
// carry, so an image's JPEG bytes do not depend on the path it took.

import { ImageFileError } from './codecs.js';
import { encodeJpegWith, type JpegEncoderName } from './jpeg-encoder.js';
import { joinStrips, stripRows } from './jpeg-strips.js';
import { Spares } from './spares.js';

export interface JpegSettings { quality: number; encoder: JpegEncoderName }

/** A strip's rows: RGBA (channels 4, the default) or RGB (3). */
export interface StripPixels { data: Uint8Array; width: number; height: number; channels?: 3 | 4 }

/** Encodes JPEG strips: on helper threads, or on the converting thread. A strip's buffer may be transferred (detached) by `encode`. */
export interface StripEncoder {
  encode(strip: StripPixels, settings: JpegSettings): Promise<Uint8Array>;
  /** Strips it may hold at once (encoding or queued): the resizer waits beyond that, so memory stays a few strips. */
  inFlight: number;
}

/**
 * Strips encoded by the converting thread itself, one at a time, each after a turn of its event
 * loop: on the main thread, a signal (or another lane's finished file) is answered between strips,
 * not only after the whole image.
 */
export const stripsHere: StripEncoder = {
  encode: async (strip, settings) => {
    await new Promise((resolve) => setImmediate(resolve));
    return encodeJpegWith(settings.encoder, strip, settings.quality);
  },
  inFlight: 1,
};

/** Strip arrays free on this thread (./spares.ts): a folder's strips are mostly one size. */
const SPARE_STRIPS = new Spares((n) => new Uint8Array(n), 4);

export interface JpegStripSink {
  /** The next output rows (width * channels bytes each, in order); copied before it returns, unless written in place (room). */
  add(rows: Uint8Array): Promise<void>;
  /** The strip's own bytes for the next `bytes` bytes, where they fit in the strip being filled: rows written there are then added without a copy. */
  room(bytes: number): Uint8Array | undefined;
  /** After the last row: the joined JPEG. */
  finish(): Promise<Uint8Array>;
}

/** A sink for `width` x `height` rows of `channels` bytes a pixel; `name` names the file in errors. */
export function jpegStripSink(width: number, height: number, channels: 3 | 4, settings: JpegSettings, strips: StripEncoder, name: string): JpegStripSink {
  const rows = stripRows(width);
  const stride = width * channels;
  const encoded: Array<Promise<Uint8Array>> = [];
  let strip = SPARE_STRIPS.take(Math.min(rows, height) * stride);
  let filled = 0;
  const flush = async () => {
    const sent = strip;
    encoded.push(strips.encode({ data: sent.subarray(0, filled), width, height: filled / stride, channels }, settings));
    // Awaited in finish (a failure there, not as an unhandled rejection). Encoded here, the strip
    // is free again; sent to a helper thread, it is gone (transferred).
    encoded.at(-1)!.then(() => { if (sent.buffer.byteLength > 0) SPARE_STRIPS.give(sent); }, () => {});
    strip = SPARE_STRIPS.take(Math.max(0, Math.min(rows, height - encoded.length * rows)) * stride);
    filled = 0;
    if (encoded.length > strips.inFlight) await encoded[encoded.length - 1 - strips.inFlight].catch(() => {});
  };
  return {
    async add(bytes) {
      if (bytes.buffer === strip.buffer && bytes.byteOffset === strip.byteOffset + filled && filled + bytes.length <= strip.length) {
        filled += bytes.length; // written in place (room)
        if (filled === strip.length) await flush();
        return;
      }
      for (let at = 0; at < bytes.length;) {
        const n = Math.min(bytes.length - at, strip.length - filled);
        strip.set(bytes.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === strip.length) await flush();
      }
    },
    room: (bytes) => (filled + bytes <= strip.length ? strip.subarray(filled, filled + bytes) : undefined),
    async finish() {
      if (filled > 0) await flush();
      let parts: Uint8Array[];
      try {
        parts = await Promise.all(encoded);
      } catch (error) {
        throw new ImageFileError(`${name}: cannot encode ${width} x ${height} as JPEG: ${(error as Error)?.message ?? error}`);
      }
      return joinStrips(parts, width, height, rows);
    },
  };
}
