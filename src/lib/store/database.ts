import { openDB, wrap, type IDBPDatabase } from 'idb';
import { pendingMigrations, SCHEMA_VERSION } from './migrations';
import { DB_NAME, type WebmailDB } from './schema';

export type WebmailDatabase = IDBPDatabase<WebmailDB>;

let opening: Promise<WebmailDatabase> | undefined;

/**
 * Opens (once per page) the page's database, running the pending schema migrations in one upgrade.
 * `early` is a connection to it the page already opened (app.html), used when it is at the current version.
 */
export function openWebmailDatabase(name: string = DB_NAME, early?: IDBDatabase): Promise<WebmailDatabase> {
  if (name !== DB_NAME) return open(name);
  if (early && !opening && early.name === name && early.version === SCHEMA_VERSION) {
    early.onversionchange = () => stepAside();
    opening = Promise.resolve(wrap(early) as WebmailDatabase);
  }
  // An older schema needs the upgrade, which this connection would block.
  else early?.close();
  opening ??= open(name);
  return opening;
}

/** A newer page in another tab wants to upgrade, or a sign-out to delete: let go so it can. */
function stepAside(): void {
  const current = opening;
  opening = undefined;
  void current?.then((db) => db.close());
}

function open(name: string): Promise<WebmailDatabase> {
  return openDB<WebmailDB>(name, SCHEMA_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      for (const step of pendingMigrations(oldVersion)) step(db, tx);
    },
    blocking: stepAside,
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
