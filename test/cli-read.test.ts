// An input's start read synchronously (src/cli/codecs.ts readInputStart): the signature from its
// first bytes, the whole file only when the caller wants it and it is within 4 MiB, in memory of
// its own (transferable to a worker, unlike Buffer's pool).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputStart } from '../src/cli/codecs.js';

let root: string;
beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'upsample-read-')); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
function file(name: string, length: number, head: number[]): { path: string; bytes: Uint8Array } {
  const bytes = Uint8Array.from({ length }, (_, i) => (i < head.length ? head[i] : (i * 13 + 5) & 0xff));
  const path = join(root, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

describe('readInputStart', () => {
  it('reads a small file whole when asked, with its format, in a buffer of its own', () => {
    const { path, bytes } = file('small.jpg', 5000, [0xff, 0xd8, 0xff]);
    const start = readInputStart(path, () => true);
    expect(start.format).toBe('jpeg');
    expect(Buffer.from(start.bytes!).equals(bytes)).toBe(true);
    expect(start.bytes!.byteOffset).toBe(0);
    expect(start.bytes!.buffer.byteLength).toBe(5000);
  });

  it('gives only the format when the caller streams the file, or when it is over 4 MiB', () => {
    const { path } = file('stream.png', 3000, PNG_SIGNATURE);
    expect(readInputStart(path, (format) => format !== 'png')).toEqual({ format: 'png' });
    const large = file('large.jpg', (4 << 20) + 1, [0xff, 0xd8, 0xff]);
    expect(readInputStart(large.path, () => true)).toEqual({ format: 'jpeg' });
    const exactly = file('exactly.jpg', 4 << 20, [0xff, 0xd8, 0xff]);
    expect(readInputStart(exactly.path, () => true).bytes?.length).toBe(4 << 20);
  });

  it('sniffs files shorter than a signature and empty ones as no format; throws the file system errors', () => {
    expect(readInputStart(file('short', 2, [0xff, 0xd8]).path, () => true).format).toBeUndefined();
    expect(readInputStart(file('empty', 0, []).path, () => true)).toEqual({ format: undefined, bytes: new Uint8Array(0) });
    expect(() => readInputStart(join(root, 'missing.png'), () => true)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    mkdirSync(join(root, 'folder.png'));
    expect(() => readInputStart(join(root, 'folder.png'), () => true)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});
