// The streamed PNG writer's deflater (src/cli/png-deflate.ts): incremental (the zlib stream's
// native handle, on the writing thread) and the deflateSync fallback give deflateSync's bytes for
// the same input however it is split, and an array handed out is never written again (the file
// may still be queueing it).

import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createDeflater, type DeflaterKind } from '../src/cli/png-deflate.js';

const OPTIONS: zlib.ZlibOptions = { strategy: zlib.constants.Z_RLE };
const KINDS: DeflaterKind[] = ['incremental', 'whole'];

/** Runs of bytes between noise (deflates to a fraction, but not to nothing). */
function data(length: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (i >> 9) % 3 === 0 ? 7 : s >>> 24;
  });
}

function deflateIn(kind: DeflaterKind, input: Uint8Array, cuts: number[]): { bytes: Buffer; emitted: Array<{ array: Uint8Array; copy: Uint8Array }> } {
  const emitted: Array<{ array: Uint8Array; copy: Uint8Array }> = [];
  const deflater = createDeflater(OPTIONS, (array) => emitted.push({ array, copy: array.slice() }), kind);
  const scratch = new Uint8Array(input.length); // one array reused for every write, as the writer's filtered rows
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    const part = scratch.subarray(0, cut - at);
    part.set(input.subarray(at, cut));
    deflater.write(part);
    at = cut;
  }
  deflater.finish();
  return { bytes: Buffer.concat(emitted.map((e) => e.array)), emitted };
}

describe('createDeflater', () => {
  it.each(KINDS)('gives deflateSync\'s bytes, split anywhere, each array handed out left as it was (%s)', (kind) => {
    const input = data(700_000, 3);
    const expected = zlib.deflateSync(input, OPTIONS);
    expect(expected.length).toBeGreaterThan(3 * 65536); // several arrays of output
    for (const cuts of [[], [1, 2, 65536, 65537, 400_000], Array.from({ length: 60 }, (_, i) => (i + 1) * 11_111)]) {
      const { bytes, emitted } = deflateIn(kind, input, cuts);
      expect(bytes.equals(expected)).toBe(true);
      for (const e of emitted) expect(Buffer.from(e.array).equals(Buffer.from(e.copy))).toBe(true);
    }
  });

  it.each(KINDS)('deflates an empty stream and a single byte (%s)', (kind) => {
    expect(deflateIn(kind, new Uint8Array(0), []).bytes.equals(zlib.deflateSync(new Uint8Array(0), OPTIONS))).toBe(true);
    expect(deflateIn(kind, Uint8Array.of(9), []).bytes.equals(zlib.deflateSync(Uint8Array.of(9), OPTIONS))).toBe(true);
  });
});
