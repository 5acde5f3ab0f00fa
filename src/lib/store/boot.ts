import { createMemoryStore, openWebmailStore, webmailDatabaseExists, type WebmailStore } from './index';
import { takeEarlyDatabase } from './early-database';
import type { StartupState } from './startup';

/** The store the page runs on and what its first screen shows. */
export interface Startup {
  store: WebmailStore;
  /** "This is my device": the database already existed in this browser. */
  device: boolean;
  state: StartupState;
}

/**
 * Opens the device database only if this browser already has it (opening would create it, and a shared
 * computer must not get one; issue 8), else a store in this tab's memory, and reads the first screen.
 */
export async function openAtStartup(rows: number): Promise<Startup> {
  const early = await takeEarlyDatabase();
  const device = early === undefined ? await webmailDatabaseExists() : early !== null;
  const store = device ? await openWebmailStore(undefined, early ?? undefined) : createMemoryStore();
  return { store, device, state: await store.readStartup(rows) };
}

let early: Promise<Startup> | undefined;

/**
 * Starts `openAtStartup` as soon as the page's code is evaluated, so the storage backend works while the
 * framework starts and mounts the components; `takeStartup` then picks up the result (issue 8: a returning
 * user's first screen within 150 ms of navigation).
 */
export function beginStartup(rows: number): void {
  if (early) return;
  early = openAtStartup(rows);
  // A failure is reported by whoever takes the result, not as an unhandled rejection meanwhile.
  early.catch(() => undefined);
}

/** The startup begun early, if any (once), else a fresh one. */
export function takeStartup(rows: number): Promise<Startup> {
  const started = early ?? openAtStartup(rows);
  early = undefined;
  return started;
}
