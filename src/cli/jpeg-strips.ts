// JPEG output in strips: the image is encoded as horizontal strips of whole MCU rows, each a
// JPEG of its own (the same width and quality, 4:2:0, baseline), and the strips' scans are joined
// into one baseline JPEG with a restart marker between strips (DRI = the MCUs of one strip). A
// restart resets the DC predictors exactly where a strip's encoder started from zero, so the
// joined file decodes to the strips' pixels. The command's own encoder (./jpeg-encoder.ts) codes
// with the standard Huffman tables, so its scans join as they are; MozJPEG optimises its tables
// per strip, so its scans are re-coded to the standard tables first (./jpeg-huffman.ts;
// lossless). Strips bound the encoder's memory to one strip and let several threads encode one image.

import { Buffer } from 'node:buffer';
import { isStandardCoded, readDht, recodeScan, standardDht, type ScanComponent } from './jpeg-huffman.js';

/** MCU height and width of 4:2:0 output. */
const MCU = 16;

/** Rows per strip for an image `width` wide: whole MCU rows, at most 65535 MCUs (DRI's limit), about 256 rows. */
export function stripRows(width: number): number {
  const mcusPerRow = Math.ceil(width / MCU);
  return MCU * Math.max(1, Math.min(16, Math.floor(0xffff / mcusPerRow)));
}

interface Strip {
  /** Segments before SOS other than DHT (SOI, APPn, DQT, SOF0), and where SOF0 is in them. */
  head: Uint8Array;
  sof: number;
  sos: Uint8Array;
  scan: Uint8Array;
  components: ScanComponent[];
  mcus: number;
  /** Whether the scan is coded with the standard tables already. */
  standard: boolean;
}

/** The standard tables' DHT segment, made once: the command's own strips carry exactly this one. */
const STANDARD_DHT = standardDht();

/** Whether `b` holds `part` at `at`. */
function holds(b: Uint8Array, at: number, part: Uint8Array): boolean {
  // Compared natively: a loop of bytes here was compiled by TurboFan in every folder run (2 ms).
  return at + part.length <= b.length && Buffer.compare(b.subarray(at, at + part.length), part) === 0;
}

/**
 * A strip's segments. Runs a few dozen times a folder run, mostly before the JIT warms up: the
 * command's own strips (one DHT segment, the standard one, and the standard selectors) are
 * recognised by a byte compare, without building their tables.
 */
function parse(b: Uint8Array): Strip {
  if (b[0] !== 0xff || b[1] !== 0xd8 || b[b.length - 2] !== 0xff || b[b.length - 1] !== 0xd9) throw new Error('internal: a strip is not a whole JPEG');
  const kept: Array<[number, number]> = []; // segments kept in the head, as [start, end)
  const dht: Array<[number, number]> = [];
  let keptBytes = 2;
  let frame: Array<{ id: number; h: number; v: number }> = [];
  let sof = -1;
  let height = 0;
  let width = 0;
  for (let at = 2; at + 4 <= b.length;) {
    if (b[at] !== 0xff) throw new Error(`internal: no marker at byte ${at} of a strip`);
    const marker = b[at + 1];
    const length = (b[at + 2] << 8) | b[at + 3];
    const body = at + 4;
    if (marker === 0xc4) {
      dht.push([at, at + 2 + length]);
    } else if (marker === 0xda) {
      const ns = b[body];
      if (ns !== 3) throw new Error(`internal: a strip scan has ${ns} components`);
      const head = new Uint8Array(keptBytes);
      head[0] = 0xff;
      head[1] = 0xd8;
      let to = 2;
      for (const [start, end] of kept) { head.set(b.subarray(start, end), to); to += end - start; }
      const sos = b.slice(at, at + 2 + length);
      const scan = b.subarray(at + 2 + length, b.length - 2);
      const selectors = [b[body + 2], b[body + 4], b[body + 6]];
      for (let i = 0; i < ns; i++) sos[6 + 2 * i] = i === 0 ? 0x00 : 0x11; // FF DA, length, Ns, then (Cs, Td/Ta) pairs
      const hMax = Math.max(...frame.map((c) => c.h));
      const vMax = Math.max(...frame.map((c) => c.v));
      const mcus = Math.ceil(width / (8 * hMax)) * Math.ceil(height / (8 * vMax));
      if (dht.length === 1 && dht[0][1] - dht[0][0] === STANDARD_DHT.length && holds(b, dht[0][0], STANDARD_DHT) &&
          selectors[0] === 0x00 && selectors[1] === 0x11 && selectors[2] === 0x11) {
        return { head, sof, sos, scan, components: [], mcus, standard: true };
      }
      const tables: Record<string, { counts: number[]; symbols: number[] }> = {};
      for (const [start, end] of dht) readDht(b, start + 4, end, tables);
      const components = Array.from({ length: ns }, (_, i) => {
        const c = frame.find((f) => f.id === b[body + 1 + 2 * i])!;
        const sel = selectors[i];
        return { blocks: c.h * c.v, dc: tables[`dc${sel >> 4}`], ac: tables[`ac${sel & 15}`], standard: (i === 0 ? 0 : 1) as 0 | 1 };
      });
      return { head, sof, sos, scan, components, mcus, standard: isStandardCoded(components) };
    } else {
      if (marker === 0xc0) {
        sof = keptBytes;
        height = (b[body + 1] << 8) | b[body + 2];
        width = (b[body + 3] << 8) | b[body + 4];
        frame = Array.from({ length: b[body + 5] }, (_, i) => ({ id: b[body + 6 + 3 * i], h: b[body + 7 + 3 * i] >> 4, v: b[body + 7 + 3 * i] & 15 }));
      } else if ((marker >= 0xc1 && marker <= 0xcf && marker !== 0xc8 && marker !== 0xcc) || marker === 0xdd) {
        throw new Error(`internal: a strip has marker 0xFF${marker.toString(16)}`);
      }
      kept.push([at, at + 2 + length]);
      keptBytes += 2 + length;
    }
    at += 2 + length;
  }
  throw new Error('internal: a strip has no scan');
}

/**
 * One JPEG from strips of `rows` rows each (the last may be shorter), `width` wide, `height` rows
 * in all. Every strip's header but the first is checked to equal the first's (except the height).
 */
export function joinStrips(strips: Uint8Array[], width: number, height: number, rows: number): Uint8Array {
  const parsed = strips.map(parse);
  const first = parsed[0];
  for (const [k, s] of parsed.entries()) {
    let same = s.head.length === first.head.length;
    for (let i = 0; same && i < s.head.length; i++) same = s.head[i] === first.head[i] || i === first.sof + 5 || i === first.sof + 6;
    if (!same) throw new Error(`internal: strip ${k} has another header than strip 0`);
  }
  const scans = parsed.map((s) => (s.standard ? s.scan : recodeScan(s.scan, s.components, s.mcus)));
  const head = first.head.slice();
  head[first.sof + 5] = height >> 8; // SOF0: length (2), P, Y (height), X (width)
  head[first.sof + 6] = height & 0xff;
  const interval = Math.ceil(width / MCU) * (rows / MCU);
  const dri = Uint8Array.of(0xff, 0xdd, 0x00, 0x04, interval >> 8, interval & 0xff);
  const dht = STANDARD_DHT;
  const size = head.length + dht.length + dri.length + first.sos.length + scans.reduce((n, s) => n + s.length + 2, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of [head, dht, dri, first.sos]) { out.set(part, at); at += part.length; }
  scans.forEach((scan, k) => {
    if (k > 0) { out[at++] = 0xff; out[at++] = 0xd0 + ((k - 1) & 7); } // RST0..RST7 in turn
    out.set(scan, at);
    at += scan.length;
  });
  out[at++] = 0xff;
  out[at++] = 0xd9;
  return out;
}
