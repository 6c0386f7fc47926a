// JPEG structure, read before jpeg-js decodes anything: the frame size from the SOFn marker (so
// a bomb is refused before any allocation), and a walk over every segment and entropy-coded scan
// to the EOI marker, so a truncated file is an error instead of an image jpeg-js pads with grey.
// The EXIF orientation is read on the way.

import { exifOrientation } from './exif.js';

export interface JpegInfo {
  width: number;
  height: number;
  components: number;
  /** EXIF orientation (1-8) from the first APP1 Exif segment, 1 without one. */
  orientation: number;
  /** The byte just after the EOI marker. */
  end: number;
}

export class JpegFormatError extends Error {}

const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/**
 * The frame header of the first SOFn marker, and the file's structure checked to EOI.
 * `checkFrame` runs on the frame size as soon as it is read (before the rest is walked).
 */
export function inspectJpeg(bytes: Uint8Array, checkFrame: (width: number, height: number) => void = () => {}): JpegInfo {
  const n = bytes.length;
  if (n < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new JpegFormatError('no SOI marker');
  let at = 2;
  let frame: { width: number; height: number; components: number } | undefined;
  let scans = 0;
  let scanBytes = 0;
  let minBlocks = 0;
  let orientation: number | undefined;
  for (;;) {
    // Markers may be preceded by fill bytes 0xFF.
    if (at >= n) throw new JpegFormatError(`truncated file: no EOI marker (${frame ? 'after the frame header' : 'before any frame header'})`);
    if (bytes[at] !== 0xff) throw new JpegFormatError(`expected a marker at byte ${at}`);
    while (at < n && bytes[at] === 0xff) at++;
    if (at >= n) throw new JpegFormatError('truncated file: no EOI marker');
    const marker = bytes[at++];
    if (marker === 0xd9) {
      if (!frame) throw new JpegFormatError('no frame header (SOFn) before EOI');
      if (scans === 0) throw new JpegFormatError('no scan (SOS) before EOI');
      // Every 8x8 block takes at least one bit of Huffman code (its DC difference), so shorter
      // scan data cannot hold this frame: refused before jpeg-js allocates the frame's blocks.
      if (scanBytes * 8 < minBlocks) {
        throw new JpegFormatError(`truncated or corrupt: ${scanBytes} bytes of scan data cannot hold the ${minBlocks} blocks of ${frame.width} x ${frame.height}`);
      }
      return { ...frame, orientation: orientation ?? 1, end: at };
    }
    if (marker === 0xd8) throw new JpegFormatError('a second SOI marker');
    if (marker >= 0xd0 && marker <= 0xd7) continue; // RSTn outside a scan: no length
    if (marker === 0x00 || marker === 0x01) throw new JpegFormatError(`invalid marker 0xFF${marker.toString(16).padStart(2, '0')} at byte ${at - 2}`);
    if (at + 2 > n) throw new JpegFormatError('truncated file (in a segment length)');
    const length = (bytes[at] << 8) | bytes[at + 1];
    if (length < 2) throw new JpegFormatError(`segment length ${length} at byte ${at}`);
    if (at + length > n) throw new JpegFormatError(`truncated file (a segment of ${length} bytes at byte ${at - 2} ends past the end)`);
    if (isSof(marker)) {
      if (frame) throw new JpegFormatError('more than one frame (SOFn)');
      if (length < 8) throw new JpegFormatError('SOF segment too short');
      const height = (bytes[at + 3] << 8) | bytes[at + 4];
      const width = (bytes[at + 5] << 8) | bytes[at + 6];
      const components = bytes[at + 7];
      if (width === 0 || height === 0) throw new JpegFormatError(`unsupported frame size ${width} x ${height} (a height defined later by DNL is not supported)`);
      if (components < 1 || components > 4 || length !== 8 + 3 * components) throw new JpegFormatError(`invalid SOF segment (${components} components, ${length} bytes)`);
      frame = { width, height, components };
      checkFrame(width, height);
      const sampling = Array.from({ length: components }, (_, c) => [bytes[at + 9 + 3 * c] >> 4, bytes[at + 9 + 3 * c] & 15]);
      const hMax = Math.max(...sampling.map(([h]) => h));
      const vMax = Math.max(...sampling.map(([, v]) => v));
      if (hMax < 1 || vMax < 1 || sampling.some(([h, v]) => h < 1 || v < 1)) throw new JpegFormatError('invalid sampling factors');
      minBlocks = Math.min(...sampling.map(([h, v]) => Math.ceil(Math.ceil((width * h) / hMax) / 8) * Math.ceil(Math.ceil((height * v) / vMax) / 8)));
    }
    if (marker === 0xe1 && orientation === undefined && bytes[at + 2] === 0x45) { // APP1 'E'xif
      orientation = exifOrientation(bytes, at + 2, at + length);
    }
    at += length;
    if (marker === 0xda) {
      if (!frame) throw new JpegFormatError('a scan (SOS) before the frame header (SOFn)');
      scans++;
      const scanStart = at;
      at = scanEnd(bytes, at);
      scanBytes += at - scanStart;
    }
  }
}

/**
 * Where the entropy-coded data from `at` ends: the next marker that is not a stuffed 0xFF00 or an
 * RSTn. Its own small function: the loop runs once a 0xFF (thousands a photo), so V8 optimises it
 * while it runs; inside inspectJpeg that recompiled the whole walk (72 ms of optimising compiler
 * time in a folder run of 16 photos), here a few lines.
 */
function scanEnd(bytes: Uint8Array, at: number): number {
  const end = entropyEnd(bytes, at);
  if (end < 0) throw new JpegFormatError('truncated file: the scan data ends without an EOI marker');
  return end;
}

/**
 * Scan ends found, by the bytes and the scan's start: the command's own decoder (./jpeg-decoder.ts
 * parseBaseline) skips the same scan of a file this walk has just read (a 0xFF at a time, a few
 * milliseconds a folder run). Bytes held while a file converts are read, never changed.
 */
const SCAN_ENDS = new WeakMap<Uint8Array, Map<number, number>>();

/** scanEnd, or -1 where the bytes end first (no marker after the data); each scan searched once. */
export function entropyEnd(bytes: Uint8Array, at: number): number {
  let ends = SCAN_ENDS.get(bytes);
  const known = ends?.get(at);
  if (known !== undefined) return known;
  const end = searchEnd(bytes, at);
  if (!ends) SCAN_ENDS.set(bytes, ends = new Map());
  ends.set(at, end);
  return end;
}

function searchEnd(bytes: Uint8Array, at: number): number {
  const n = bytes.length;
  for (;;) {
    const ff = bytes.indexOf(0xff, at);
    if (ff < 0 || ff + 1 >= n) return -1;
    const next = bytes[ff + 1];
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) { at = ff + 2; continue; }
    if (next === 0xff) { at = ff + 1; continue; }
    return ff;
  }
}
