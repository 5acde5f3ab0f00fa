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
