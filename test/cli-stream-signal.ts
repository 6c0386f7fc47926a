// Shared by test/cli-folder-png.test.ts and test/cli-png-jpeg.test.ts: SIGTERM while two PNG files
// stream (on the main thread and in a worker) into `extension` outputs removes every temporary file.

import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { expect } from 'vitest';
import { pngChunk } from '../src/cli/png-write.js';

export async function expectSignalLeavesNoTemporary(dir: string, extension: 'png' | 'jpg'): Promise<void> {
  const inputs = join(dir, 'in');
  mkdirSync(inputs);
  // Rows of zeros claiming 3000 x 3000 (about 2 s each to stream): both still streaming when the
  // signal comes. Named for the output format (a folder's outputs keep their names; a file's format is its signature's).
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(3000, 0);
  ihdr.writeUInt32BE(3000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const big = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(new Uint8Array(3000 * 9001), { level: 9 })), pngChunk('IEND', new Uint8Array(0))]);
  for (const name of ['a', 'b']) writeFileSync(join(inputs, `${name}.${extension}`), big);
  const bin = new URL('../dist/cli.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, inputs, '-o', join(dir, 'out'), '--scale', '1.5', '--mode', 'bicubic', '--threads', '2', '--quiet']);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const t0 = Date.now();
  // A file held whole creates its temporary only once converted: two at once, early, are two streams.
  const temporaries = () => { try { return readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.tmp')); } catch { return []; } };
  while (temporaries().length < 2) {
    if (Date.now() - t0 > 20000) throw new Error('no two temporary files appeared');
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGTERM');
  expect(await exit).toBe(143);
  await new Promise((r) => setTimeout(r, 100)); // a worker's write in flight would show by now
  expect(readdirSync(join(dir, 'out'))).toEqual([]);
}
