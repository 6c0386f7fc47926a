// Re-coding a baseline JPEG scan from its own Huffman tables to the standard ones (ITU T.81
// Annex K.3), losslessly: symbol by symbol, with the same extra bits. MozJPEG optimises its
// tables per image whatever it is told (trellis quantisation needs it), so strips encoded apart
// carry different tables; re-coded to one set they join into one scan (./jpeg-strips.ts).

/** A Huffman table as DHT stores it: code counts per length 1-16, then the symbols. */
interface Table { counts: number[]; symbols: number[] }

const STANDARD: Record<'dc0' | 'dc1' | 'ac0' | 'ac1', Table> = {
  dc0: { counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
  dc1: { counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
  ac0: {
    counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
    symbols: hex('01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa'),
  },
  ac1: {
    counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
    symbols: hex('000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa'),
  },
};

function hex(text: string): number[] {
  return Array.from({ length: text.length / 2 }, (_, i) => parseInt(text.slice(2 * i, 2 * i + 2), 16));
}

/** The standard tables as one DHT segment: DC 0, DC 1, AC 0, AC 1. */
export function standardDht(): Uint8Array {
  const parts: number[] = [];
  for (const [tc, th, t] of [[0, 0, STANDARD.dc0], [0, 1, STANDARD.dc1], [1, 0, STANDARD.ac0], [1, 1, STANDARD.ac1]] as const) {
    parts.push((tc << 4) | th, ...t.counts, ...t.symbols);
  }
  return Uint8Array.from([0xff, 0xc4, (parts.length + 2) >> 8, (parts.length + 2) & 0xff, ...parts]);
}

/** Whether every component of a scan is coded with the standard tables it is re-coded to (then recodeScan would copy it). */
export function isStandardCoded(components: ScanComponent[]): boolean {
  const same = (t: Table | undefined, u: Table) => !!t && [[t.counts, u.counts], [t.symbols, u.symbols]].every(([x, y]) => x.length === y.length && x.every((v, i) => v === y[i]));
  return components.every((c) => same(c.dc, STANDARD[`dc${c.standard}`]) && same(c.ac, STANDARD[`ac${c.standard}`]));
}

/** The standard tables' codes as an encoder looks them up: per symbol, code << 16 | length (0: no code). */
export function standardCodes(): Record<'dc0' | 'dc1' | 'ac0' | 'ac1', Uint32Array> {
  const packed = (t: Table, n: number) => { const c = canonical(t); return Uint32Array.from({ length: n }, (_, s) => (c.code[s] << 16) | c.size[s]); };
  return { dc0: packed(STANDARD.dc0, 16), dc1: packed(STANDARD.dc1, 16), ac0: packed(STANDARD.ac0, 256), ac1: packed(STANDARD.ac1, 256) };
}

/** Canonical codes: for decoding, the largest code and the first symbol index per length; for encoding, code and length per symbol. */
function canonical(t: Table) {
  const maxCode = new Int32Array(18).fill(-1);
  const valPtr = new Int32Array(17);
  const minCode = new Int32Array(17);
  const code = new Int32Array(256);
  const size = new Uint8Array(256);
  let c = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    valPtr[l] = k;
    minCode[l] = c;
    for (let i = 0; i < t.counts[l - 1]; i++, k++, c++) { code[t.symbols[k]] = c; size[t.symbols[k]] = l; }
    maxCode[l] = t.counts[l - 1] ? c - 1 : -1;
    c <<= 1;
  }
  return { maxCode, valPtr, minCode, code, size, symbols: t.symbols };
}
type Canonical = ReturnType<typeof canonical>;

/** Tables read from a JPEG header's DHT segments, keyed 'dc0'... */
export function readDht(b: Uint8Array, start: number, end: number, into: Record<string, Table>): void {
  for (let at = start; at < end;) {
    const tc = b[at] >> 4;
    const th = b[at] & 15;
    const counts = Array.from(b.subarray(at + 1, at + 17));
    const n = counts.reduce((s, v) => s + v, 0);
    into[`${tc ? 'ac' : 'dc'}${th}`] = { counts, symbols: Array.from(b.subarray(at + 17, at + 17 + n)) };
    at += 17 + n;
  }
}

/** One scan component: blocks per MCU and its tables (in the source and in the standard set). */
export interface ScanComponent { blocks: number; dc: Table; ac: Table; standard: 0 | 1 }

/**
 * Re-codes the entropy-coded data `scan` (byte-stuffed, without markers) of `mcus` MCUs to the
 * standard tables; the result ends padded with 1-bits, as a scan or restart interval must.
 */
export function recodeScan(scan: Uint8Array, components: ScanComponent[], mcus: number): Uint8Array {
  const from = components.map((c) => ({ dc: canonical(c.dc), ac: canonical(c.ac) }));
  const std = [{ dc: canonical(STANDARD.dc0), ac: canonical(STANDARD.ac0) }, { dc: canonical(STANDARD.dc1), ac: canonical(STANDARD.ac1) }];
  const to = components.map((c) => std[c.standard]);
  // Reader: bits from `scan`, 0xFF00 read as 0xFF.
  let at = 0;
  let acc = 0;
  let bits = 0;
  const bit = (): number => {
    if (bits === 0) {
      if (at >= scan.length) throw new Error('internal: a strip scan ended early');
      acc = scan[at++];
      if (acc === 0xff) at++; // the stuffed zero
      bits = 8;
    }
    return (acc >> --bits) & 1;
  };
  const receive = (n: number): number => { let v = 0; for (let i = 0; i < n; i++) v = (v << 1) | bit(); return v; };
  const decode = (t: Canonical): number => {
    let code = 0;
    for (let l = 1; l <= 16; l++) {
      code = (code << 1) | bit();
      if (code <= t.maxCode[l]) return t.symbols[t.valPtr[l] + code - t.minCode[l]];
    }
    throw new Error('internal: a bad Huffman code in a strip');
  };
  // Writer: whole bytes, 0xFF followed by a stuffed 0x00.
  let out = new Uint8Array(Math.max(1024, scan.length + (scan.length >> 3)));
  let length = 0;
  let wacc = 0;
  let wbits = 0;
  const put = (value: number, n: number) => {
    for (let i = n - 1; i >= 0; i--) {
      wacc = (wacc << 1) | ((value >> i) & 1);
      if (++wbits === 8) {
        if (length + 2 > out.length) { const grown = new Uint8Array(out.length * 2); grown.set(out); out = grown; }
        out[length++] = wacc;
        if (wacc === 0xff) out[length++] = 0;
        wacc = 0;
        wbits = 0;
      }
    }
  };
  const emit = (t: Canonical, symbol: number) => {
    if (!t.size[symbol]) throw new Error(`internal: symbol ${symbol} missing from the standard table`);
    put(t.code[symbol], t.size[symbol]);
  };
  for (let m = 0; m < mcus; m++) {
    for (let c = 0; c < components.length; c++) {
      for (let k = 0; k < components[c].blocks; k++) {
        const s = decode(from[c].dc);
        emit(to[c].dc, s);
        put(receive(s), s);
        for (let i = 1; i < 64; i++) {
          const rs = decode(from[c].ac);
          emit(to[c].ac, rs);
          const size = rs & 15;
          if (size === 0) {
            if (rs !== 0xf0) break; // EOB
            i += 15; // ZRL: sixteen zeros
            continue;
          }
          i += rs >> 4;
          put(receive(size), size);
        }
      }
    }
  }
  if (wbits > 0) put((1 << (8 - wbits)) - 1, 8 - wbits);
  return out.subarray(0, length);
}
