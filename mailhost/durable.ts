// Durable file writes: a message is on disk before its `20` (issue 6; design.md §6 budget "every message on
// disk before its 20"). The classic sequence: write a temporary file, fsync it, rename it over the final
// name (atomic on POSIX), then fsync the directory so the rename itself survives a crash.
import { randomBytes } from 'node:crypto';
import { close, closeSync, fsync, open, openSync, renameSync, writeSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
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

/** Callback fs as promises: cheaper per call than FileHandle objects on the delivery hot path. */
function call<T>(
  start: (done: (error: NodeJS.ErrnoException | null, value?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    start((error, value) => (error ? reject(error) : resolve(value as T))),
  );
}

/**
 * Directories stay open for their fsyncs, so a group commit is one fsync instead of open + fsync + close.
 * The host's directories are never renamed or removed while it runs; bounded anyway.
 */
const directoryFds = new Map<string, Promise<number>>();
const MAX_DIRECTORY_FDS = 256;

function directoryFd(directory: string): Promise<number> {
  let fd = directoryFds.get(directory);
  if (!fd) {
    if (directoryFds.size >= MAX_DIRECTORY_FDS) {
      const [name, old] = directoryFds.entries().next().value as [string, Promise<number>];
      directoryFds.delete(name);
      old.then((n) => close(n, () => undefined)).catch(() => undefined);
    }
    const opened = call<number>((done) => open(directory, 'r', done));
    opened.catch(() => directoryFds.delete(directory));
    directoryFds.set(directory, opened);
    fd = opened;
  }
  return fd;
}

async function fsyncPath(path: string): Promise<void> {
  const fd = await directoryFd(path);
  await call<void>((done) => fsync(fd, done));
}

const syncer = new DirectorySyncer();

export function syncDirectory(directory: string): Promise<void> {
  return syncer.sync(directory);
}

/** Temporary names: unique in this process by a serial, across processes by a random tag. */
const processTag = randomBytes(4).toString('hex');
let tempSerial = 0;

/**
 * Writes `data` to a temporary sibling of `path` and fsyncs it; returns the temporary name. Only the fsync
 * goes to libuv's thread pool: creating, writing a few KB into the page cache and closing take microseconds,
 * less than a thread-pool round trip costs (each one wakes a thread and then the event loop).
 */
export async function writeTempSynced(path: string, data: Uint8Array | string): Promise<string> {
  const serial = (tempSerial++).toString(36);
  const temp = join(dirname(path), `.${basename(path)}.${processTag}${serial}${TEMP_SUFFIX}`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    await call<void>((done) => fsync(fd, done));
  } catch (error) {
    closeSync(fd);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  closeSync(fd);
  return temp;
}

/** write tmp, fsync, rename, fsync the directory: after this resolves the file survives a crash. */
export async function writeFileDurable(path: string, data: Uint8Array | string): Promise<void> {
  const temp = await writeTempSynced(path, data);
  renameSync(temp, path); // a directory entry change: microseconds, no I/O wait
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
    renameSync(temps[index]!, file.path);
    directories.add(dirname(file.path));
  }
  await Promise.all([...directories].map((directory) => syncDirectory(directory)));
}

/** Removes a file durably (GMAP delete): unlink, then fsync the directory. */
export async function removeFileDurable(path: string): Promise<void> {
  await unlink(path);
  await syncDirectory(dirname(path));
}
