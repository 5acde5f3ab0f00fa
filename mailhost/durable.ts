// Durable file writes: a message is on disk before its `20` (issue 6; design.md §6 budget "every message on
// disk before its 20"). The classic sequence: write a temporary file, fsync it, rename it over the final
// name (atomic on POSIX), then fsync the directory so the rename itself survives a crash.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temporary files carry this suffix; startup removes leftovers of a crash (they were never answered 20). */
export const TEMP_SUFFIX = '.tmp';

/**
 * Group commit for directory fsyncs: many renames into one directory share a single fsync. A caller waits
 * for a sync that *started after* its rename, so its rename is covered.
 */
class DirectorySyncer {
  private states = new Map<string, { running?: Promise<void>; waiting?: Promise<void> }>();

  sync(directory: string): Promise<void> {
    let state = this.states.get(directory);
    if (!state) {
      state = {};
      this.states.set(directory, state);
    }
    if (state.waiting) return state.waiting;
    if (!state.running) return this.start(directory, state);
    const owner = state;
    const waiting = state.running
      .catch(() => undefined)
      .then(() => {
        owner.waiting = undefined;
        return this.start(directory, owner);
      });
    state.waiting = waiting;
    return waiting;
  }

  private start(
    directory: string,
    state: { running?: Promise<void>; waiting?: Promise<void> },
  ): Promise<void> {
    const running = fsyncPath(directory).finally(() => {
      if (state.running === running) {
        state.running = undefined;
        if (!state.waiting) this.states.delete(directory);
      }
    });
    state.running = running;
    return running;
  }
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const syncer = new DirectorySyncer();

export function syncDirectory(directory: string): Promise<void> {
  return syncer.sync(directory);
}

/** Writes `data` to a temporary sibling of `path` and fsyncs it; returns the temporary name. */
export async function writeTempSynced(path: string, data: Uint8Array | string): Promise<string> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temp;
}

/** write tmp, fsync, rename, fsync the directory: after this resolves the file survives a crash. */
export async function writeFileDurable(path: string, data: Uint8Array | string): Promise<void> {
  const temp = await writeTempSynced(path, data);
  await rename(temp, path);
  await syncDirectory(dirname(path));
}

/**
 * Several files in one directory made durable together: every file is fsynced before any rename, renames
 * happen in the given order (so a later file implies the earlier ones exist), then one directory fsync.
 */
export async function writeFilesDurable(files: { path: string; data: Uint8Array | string }[]): Promise<void> {
  const temps = await Promise.all(files.map((file) => writeTempSynced(file.path, file.data)));
  const directories = new Set<string>();
  for (const [index, file] of files.entries()) {
    await rename(temps[index]!, file.path);
    directories.add(dirname(file.path));
  }
  await Promise.all([...directories].map((directory) => syncDirectory(directory)));
}

/** Removes a file durably (GMAP delete): unlink, then fsync the directory. */
export async function removeFileDurable(path: string): Promise<void> {
  await unlink(path);
  await syncDirectory(dirname(path));
}
