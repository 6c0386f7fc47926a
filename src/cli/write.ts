// Outputs are written to a temporary file in their folder and renamed into place, so an
// interrupted run leaves no half-written image; `temporaries` lists the ones in flight (the
// signal handlers remove them).

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

/** Writes through a temporary file in the same folder, renamed into place. */
export async function writeAtomically(path: string, bytes: Uint8Array, temporaries: Set<string>): Promise<void> {
  await writeThrough(path, temporaries, false, async (temporary) => { await writeFile(temporary, bytes, { flag: 'wx' }); return true; });
}

/**
 * Runs `write` on a temporary file beside `path` (`create`: created empty here first, for a
 * writer that opens it without creating it, 'r+', such as another thread's: a signal's cleanup
 * that removed it then leaves nothing behind) and renames it into place when `write` returns a
 * result; removes it when `write` fails or returns undefined (it wrote nothing).
 */
export async function writeThrough<T>(path: string, temporaries: Set<string>, create: boolean,
                                      write: (temporary: string) => Promise<T | undefined>): Promise<T | undefined> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryFor(path);
  temporaries.add(temporary);
  try {
    if (create) await writeFile(temporary, new Uint8Array(0), { flag: 'wx' });
    const result = await write(temporary);
    if (result === undefined) await unlink(temporary);
    else await rename(temporary, path);
    return result;
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  } finally {
    temporaries.delete(temporary);
  }
}
