// Outputs written through a temporary file renamed into place (src/cli/write.ts): small ones
// synchronously, large ones asynchronously, the folder made once a process and made again when
// it was removed meanwhile; a failed write leaves no temporary file behind.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAtomically } from '../src/cli/write.js';

let root: string;
beforeAll(() => { root = mkdtempSync(join(tmpdir(), 'upsample-write-')); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('writeAtomically', () => {
  it('writes small and large outputs, replacing an existing file, with no temporary left', async () => {
    const folder = join(root, 'a', 'b');
    const temporaries = new Set<string>();
    const small = bytes(1000, 1);
    const large = bytes((4 << 20) + 1, 2); // past the synchronous limit
    await writeAtomically(join(folder, 'small.jpg'), small, temporaries);
    await writeAtomically(join(folder, 'large.jpg'), large, temporaries);
    expect(readFileSync(join(folder, 'small.jpg'))).toEqual(Buffer.from(small));
    expect(readFileSync(join(folder, 'large.jpg')).equals(large)).toBe(true); // not toEqual: 4 MiB compared element by element
    const replaced = bytes(500, 3);
    await writeAtomically(join(folder, 'small.jpg'), replaced, temporaries);
    expect(readFileSync(join(folder, 'small.jpg'))).toEqual(Buffer.from(replaced));
    expect(readdirSync(folder).sort()).toEqual(['large.jpg', 'small.jpg']);
    expect(temporaries.size).toBe(0);
  });

  it.each([['small', 10], ['large', (4 << 20) + 1]])('makes the folder again when it was removed after a first write (%s)', async (_name, n) => {
    const folder = join(root, `removed-${n}`);
    const temporaries = new Set<string>();
    await writeAtomically(join(folder, '1.jpg'), bytes(10, 4), temporaries);
    rmSync(folder, { recursive: true });
    await writeAtomically(join(folder, '2.jpg'), bytes(n, 5), temporaries);
    expect(readdirSync(folder)).toEqual(['2.jpg']);
  });

  it.each([['small', 10], ['large', (4 << 20) + 1]])('a failed %s write throws and removes its temporary file', async (_name, n) => {
    const folder = join(root, `fails-${n}`);
    mkdirSync(join(folder, 'out.jpg'), { recursive: true }); // a folder where the file should go: rename fails
    writeFileSync(join(folder, 'out.jpg', 'keep'), 'x');
    const temporaries = new Set<string>();
    await expect(writeAtomically(join(folder, 'out.jpg'), bytes(n, 6), temporaries)).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(folder)).toEqual(['out.jpg']);
    expect(temporaries.size).toBe(0);
  });
});
