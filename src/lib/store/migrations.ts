import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { WebmailDB } from './schema';

type UpgradeTransaction = IDBPTransaction<WebmailDB, StoreNames<WebmailDB>[], 'versionchange'>;

/** One schema step. Step N (1-based) takes a database at version N-1 to version N. */
export type Migration = (db: IDBPDatabase<WebmailDB>, tx: UpgradeTransaction) => void;

/**
 * The schema history. Never edit a step that has shipped: append a new one, so a browser that last ran an
 * older page upgrades through every step in order and keeps its identities and mail.
 */
export const MIGRATIONS: readonly Migration[] = [
  // v1: every store the page needs.
  (db) => {
    db.createObjectStore('identities', { keyPath: 'address' });
    db.createObjectStore('hostPins', { keyPath: ['host', 'port'] });
    db.createObjectStore('contacts', { keyPath: 'address' });
    db.createObjectStore('messages', { keyPath: ['owner', 'id'] }).createIndex('owner', 'owner');
    db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('owner', 'owner');
    db.createObjectStore('drafts', { keyPath: 'id' }).createIndex('owner', 'owner');
    db.createObjectStore('tagQueue', { keyPath: 'seq', autoIncrement: true }).createIndex('owner', 'owner');
    db.createObjectStore('settings', { keyPath: 'key' });
  },
  // v2: newest-first reads per mailbox, so the first screen of a large inbox needs only its first rows.
  (_db, tx) => {
    tx.objectStore('messages').createIndex('ownerTime', ['owner', 'receivedAt']);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The steps to run when the stored database is at `oldVersion` (0 when it did not exist). */
export function pendingMigrations(
  oldVersion: number,
  migrations: readonly Migration[] = MIGRATIONS,
): Migration[] {
  if (!Number.isInteger(oldVersion) || oldVersion < 0)
    throw new RangeError(`bad schema version ${oldVersion}`);
  if (oldVersion > migrations.length) {
    throw new RangeError(
      `the stored data is from a newer version of this page (schema ${oldVersion}, this page knows ${migrations.length}); reload to get the new page`,
    );
  }
  return migrations.slice(oldVersion);
}
