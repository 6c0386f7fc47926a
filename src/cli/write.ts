// Outputs are written to a temporary file in their folder and renamed into place, so an
// interrupted run leaves no half-written image; `temporaries` lists the ones in flight (the
// signal handlers remove them).

import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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

/** Runs `create` (the step that creates a file in `folder`); if the folder was removed since it was made, makes it again and runs `create` once more. */
async function inFolder<T>(folder: string, create: () => Promise<T>): Promise<T> {
  await ensureFolder(folder);
  try {
    return await create();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    folders.delete(folder);
    await ensureFolder(folder);
    return create();
  }
}

/** Writes through a temporary file in the same folder, renamed into place (synchronously when small). */
export async function writeAtomically(path: string, bytes: Uint8Array, temporaries: Set<string>): Promise<void> {
  const small = bytes.length <= SYNC_WRITE_BYTES;
  await writeThrough(path, temporaries, false, async (temporary) => {
    if (small) writeFileSync(temporary, bytes, { flag: 'wx' });
    else await writeFile(temporary, bytes, { flag: 'wx' });
    return true;
  }, small);
}

/**
 * Runs `write` on a temporary file beside `path` (`create`: created empty here first, for a
 * writer that opens it without creating it, 'r+', such as another thread's: a signal's cleanup
 * that removed it then leaves nothing behind; otherwise `write` creates it, before writing
 * anything) and renames it into place when `write` returns a result (`renameNow`: synchronously);
 * removes it when `write` fails or returns undefined (it wrote nothing).
 */
export async function writeThrough<T>(path: string, temporaries: Set<string>, create: boolean,
                                      write: (temporary: string) => Promise<T | undefined>, renameNow = false): Promise<T | undefined> {
  const temporary = temporaryFor(path);
  temporaries.add(temporary);
  try {
    let result: T | undefined;
    if (create) {
      await inFolder(dirname(path), () => writeFile(temporary, new Uint8Array(0), { flag: 'wx' }));
      result = await write(temporary);
    } else {
      result = await inFolder(dirname(path), () => write(temporary));
    }
    if (result === undefined) await unlink(temporary);
    else if (renameNow) renameSync(temporary, path);
    else await rename(temporary, path);
    return result;
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  } finally {
    temporaries.delete(temporary);
  }
}
