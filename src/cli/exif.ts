// EXIF orientation: read from a JPEG's APP1 segment, and applied to decoded RGBA (or RGB) pixels so that
// the image stands as it was shot (sharp's default; the tag is not written back).

/**
 * The orientation tag (0x0112) of IFD0 in an "Exif\0\0" APP1 payload, 1 (as stored) when absent
 * or malformed: a broken EXIF block never fails a decode.
 */
export function exifOrientation(b: Uint8Array, start: number, end: number): number {
  const tiff = start + 6;
  if (end - start < 14 || String.fromCharCode(...b.subarray(start, start + 4)) !== 'Exif' || b[start + 4] !== 0 || b[start + 5] !== 0) return 1;
  const little = b[tiff] === 0x49 && b[tiff + 1] === 0x49;
  if (!little && !(b[tiff] === 0x4d && b[tiff + 1] === 0x4d)) return 1;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  if (u16(tiff + 2) !== 42) return 1;
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > end) return 1;
    if (u16(entry) === 0x0112 && u16(entry + 2) === 3) { // SHORT
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/** Whether an orientation swaps width and height (5-8: a transpose is part of it). */
export const swapsAxes = (orientation: number): boolean => orientation >= 5 && orientation <= 8;

/**
 * Where output row y's first pixel comes from in the source (a pixel index) and the step to the
 * next pixel of the row, for an orientation: a row of the output is a row (2-4) or a column (5-8)
 * of the source, read forwards or backwards.
 */
function sourceRow(orientation: number, w: number, h: number, y: number): [number, number] {
  switch (orientation) {
    case 2: return [y * w + w - 1, -1];
    case 3: return [(h - 1 - y) * w + w - 1, -1];
    case 4: return [(h - 1 - y) * w, 1];
    case 5: return [y, w];
    case 6: return [(h - 1) * w + y, -w];
    case 7: return [(h - 1) * w + w - 1 - y, -w];
    default: return [w - 1 - y, w]; // 8
  }
}

/** Output columns done a block at a time where output rows are source columns: the block's source rows stay in cache from one output row to the next. */
const COLUMN_BLOCK = 32;

/**
 * The RGBA (or RGB: `channels` 3) image turned upright for EXIF `orientation` (1 returns it as
 * is): 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8
 * rotate 90 counter-clockwise.
 */
export function orient<T extends { data: Uint8Array; width: number; height: number; channels?: 3 | 4 }>(image: T, orientation: number): T {
  if (orientation <= 1 || orientation > 8) return image;
  const { width: w, height: h } = image;
  const channels = image.channels ?? 4;
  const swap = swapsAxes(orientation);
  const W = swap ? h : w;
  const H = swap ? w : h;
  const out = new Uint8Array(w * h * channels);
  // RGBA a pixel a word; RGB three bytes.
  const src4 = channels === 4 ? new Uint32Array(image.data.buffer, image.data.byteOffset, w * h) : undefined;
  const dst4 = channels === 4 ? new Uint32Array(out.buffer) : undefined;
  const src = image.data;
  const block = swap ? COLUMN_BLOCK : W;
  for (let x0 = 0; x0 < W; x0 += block) {
    const x1 = Math.min(W, x0 + block);
    for (let y = 0; y < H; y++) {
      const [first, step] = sourceRow(orientation, w, h, y);
      let s = first + x0 * step;
      if (dst4 && src4) {
        for (let o = y * W + x0, end = y * W + x1; o < end; o++, s += step) dst4[o] = src4[s];
      } else {
        for (let o = (y * W + x0) * 3, end = (y * W + x1) * 3; o < end; o += 3, s += step) {
          const from = s * 3;
          out[o] = src[from];
          out[o + 1] = src[from + 1];
          out[o + 2] = src[from + 2];
        }
      }
    }
  }
  return { ...image, data: out, width: W, height: H };
}
