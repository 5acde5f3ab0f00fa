import { openDB, type IDBPDatabase } from 'idb';
import { pendingMigrations, SCHEMA_VERSION } from './migrations';
import { DB_NAME, type WebmailDB } from './schema';

export type WebmailDatabase = IDBPDatabase<WebmailDB>;

let opening: Promise<WebmailDatabase> | undefined;

/** Opens (once per page) the page's database, running the pending schema migrations in one upgrade. */
export function openWebmailDatabase(name: string = DB_NAME): Promise<WebmailDatabase> {
  if (name !== DB_NAME) return open(name);
  opening ??= open(name);
  return opening;
}

function open(name: string): Promise<WebmailDatabase> {
  return openDB<WebmailDB>(name, SCHEMA_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      for (const step of pendingMigrations(oldVersion)) step(db, tx);
    },
    blocking() {
      // A newer page in another tab wants to upgrade: step aside so it can.
      const current = opening;
      opening = undefined;
      void current?.then((db) => db.close());
    },
  });
}

/** Whether this browser already holds the device-mode database (without creating it by asking). */
export async function webmailDatabaseExists(name: string = DB_NAME): Promise<boolean> {
  const known = await indexedDB.databases();
  return known.some((db) => db.name === name);
}

/** Closes and deletes the page's database: sign-out leaves nothing behind (issue 8, anchors.md §5.5). */
export async function deleteWebmailDatabase(name: string = DB_NAME): Promise<void> {
  if (name === DB_NAME && opening) {
    const current = opening;
    opening = undefined;
    (await current.catch(() => undefined))?.close();
  }
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('the database could not be deleted'));
    // Another tab still holds it open; the deletion completes when that tab lets go.
    request.onblocked = () => resolve();
  });
}
