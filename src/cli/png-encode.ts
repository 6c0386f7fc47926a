// A whole image held in memory, written as a PNG with node:zlib (the streaming writer for large
// images is ./png-write.ts). Chosen for the command's small-file path over the @jsquash/png
// WebAssembly encoder, measured on a 1024 x 1024 photo (bench/results/cli.md): about as fast,
// files about 20% smaller, and no codec module to load nor a WebAssembly memory that holds
// copies of the image. Every row uses the Sub filter (the one the Rust png crate of @jsquash
// also uses: cheap, and good on photographs) and zlib's run-length strategy (Z_RLE), which on
// Sub-filtered photographs compresses within a few percent of level 6 at several times its
// speed. An opaque image is written as RGB (colour type 2), as sharp writes it, a quarter less to
// compress; otherwise RGBA (colour type 6). Files are 8-bit, not interlaced, with no other chunks.

import * as zlib from 'node:zlib';
import { PNG_SIGNATURE } from './png-header.js';
import { pngChunk } from './png-write.js';

export interface PngPixels {
  /** RGBA, 8 bits a sample, rows top to bottom. */
  data: Uint8Array;
  width: number;
  height: number;
}

/** The Sub-filtered scanlines (each prefixed by its filter type, 1), `channels` 3 (alpha dropped) or 4. */
function subFiltered(image: PngPixels, channels: 3 | 4): Uint8Array {
  const { data, width, height } = image;
  const line = width * channels + 1;
  const out = new Uint8Array(line * height);
  for (let y = 0; y < height; y++) {
    let o = y * line;
    const s = y * width * 4;
    const end = s + width * 4;
    out[o++] = 1;
    out[o++] = data[s]; out[o++] = data[s + 1]; out[o++] = data[s + 2];
    if (channels === 4) {
      out[o++] = data[s + 3];
      for (let i = s + 4; i < end; i++) out[o++] = data[i] - data[i - 4];
    } else {
      for (let i = s + 4; i < end; i += 4) {
        out[o++] = data[i] - data[i - 4];
        out[o++] = data[i + 1] - data[i - 3];
        out[o++] = data[i + 2] - data[i - 2];
      }
    }
  }
  return out;
}

/** Encodes 8-bit RGBA pixels as a PNG file's bytes; `opaque`: every alpha is 255 (written as RGB). */
export function encodePng(image: PngPixels, opaque: boolean): Uint8Array {
  const { width, height } = image;
  if (image.data.length !== width * height * 4) throw new Error(`encodePng: ${image.data.length} bytes for ${width} x ${height} RGBA`);
  const channels = opaque ? 3 : 4;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, opaque ? 2 : 6, 0, 0, 0], 8);
  // One filtered copy of the image (3/4 of its bytes when opaque), as the WebAssembly encoders make too.
  const idat = zlib.deflateSync(subFiltered(image, channels), { strategy: zlib.constants.Z_RLE, chunkSize: 65536 });
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array(0))]);
}
