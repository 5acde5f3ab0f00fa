import { DB_NAME } from './schema';

/**
 * What the inline script in src/app.html leaves on `self`: a promise of the device database, opened at the
 * version it has, or null when this browser has none. Undefined when the script did not run (no IndexedDB,
 * no `indexedDB.databases()`), and then the page finds and opens the database itself.
 */
interface EarlyGlobal {
  misfinEarlyDatabase?: Promise<IDBDatabase | null>;
}

/** The name the inline script looks for; a unit test keeps it equal to DB_NAME. */
export const EARLY_DATABASE_NAME: string = DB_NAME;

/**
 * Takes (once) what the inline script found: the open database, null for "none here", or undefined when
 * the script gave no answer (it did not run, or failed) and the caller must ask itself.
 */
export async function takeEarlyDatabase(): Promise<IDBDatabase | null | undefined> {
  const holder = globalThis as EarlyGlobal;
  const early = holder.misfinEarlyDatabase;
  delete holder.misfinEarlyDatabase;
  if (!early) return undefined;
  try {
    return await early;
  } catch {
    return undefined;
  }
}
