// CRC-32 of PNG chunks: zlib.crc32 where Node has it (20.15 / 22.2 on), else a table.

import * as zlib from 'node:zlib';

let crcTable: Uint32Array | undefined;
function crc32Fallback(data: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
const nativeCrc = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
export const crc32: (data: Uint8Array, crc?: number) => number = nativeCrc ? (d, c = 0) => nativeCrc(d, c) : crc32Fallback;
