// Outputs are written to a temporary file in their folder and renamed into place, so an
// interrupted run leaves no half-written image; `temporaries` lists the ones in flight (the
// signal handlers remove them).

import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PngWriter } from './png-write.js';

/**
 * Temporary file beside `path`: the process id and 32 random bits (Math.random: unique enough,
 * as the file is created exclusively, and node:crypto costs a command 2 MiB to load).
 */
function temporaryFor(path: string): string {
  const random = Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
  return join(dirname(path), `.${basename(path)}.${process.pid}.${random}.tmp`);
}

/**
 * Outputs up to this size are written and renamed synchronously: each asynchronous step (open,
 * write, close, rename) is a round trip through libuv's thread pool, and a one-lane folder run
 * waited on five of them a file (16 photos at 800 wide: 11-17 ms idle, 4-8 ms synchronously, on
 * this 2-core machine). Bigger ones would hold the thread (signals, the other lanes) too long.
 */
const SYNC_WRITE_BYTES = 4 << 20;

/** Folders this process has made (or found): made once, not once a file (a round trip each). */
const folders = new Set<string>();

async function ensureFolder(folder: string): Promise<void> {
  if (folders.has(folder)) return;
  await mkdir(folder, { recursive: true });
  folders.add(folder);
}

/** Writes through a temporary file in the same folder, renamed into place. */
export async function writeAtomically(path: string, bytes: Uint8Array, temporaries: Set<string>): Promise<void> {
  const folder = dirname(path);
  await ensureFolder(folder);
  const temporary = temporaryFor(path);
  temporaries.add(temporary);
  try {
    if (bytes.length <= SYNC_WRITE_BYTES) {
      try {
        writeFileSync(temporary, bytes, { flag: 'wx' });
      } catch (error) {
        // The folder removed since it was made: made again, once.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        folders.delete(folder);
        await ensureFolder(folder);
        writeFileSync(temporary, bytes, { flag: 'wx' });
      }
      renameSync(temporary, path);
    } else {
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, path);
    }
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  } finally {
    temporaries.delete(temporary);
  }
}

/**
 * Streams a PNG (`opaque`: written as RGB; `inputChannels` 3: the writer takes RGB rows) into a
 * temporary file beside `path` and renames it into place; removes it on any failure.
 */
export async function writeStreamed(path: string, width: number, height: number, opaque: boolean, temporaries: Set<string>,
                                    fill: (writer: PngWriter) => Promise<void>, inputChannels: 3 | 4 = 4): Promise<void> {
  await ensureFolder(dirname(path));
  const temporary = temporaryFor(path);
  temporaries.add(temporary);
  const writer = new PngWriter(temporary, width, height, opaque, inputChannels);
  try {
    await fill(writer);
    await writer.finish();
    await rename(temporary, path);
  } catch (error) {
    await writer.abort();
    await unlink(temporary).catch(() => {});
    throw error;
  } finally {
    temporaries.delete(temporary);
  }
}
