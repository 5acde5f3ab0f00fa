import { openWebmailDatabase } from './database';
export { deleteWebmailDatabase, webmailDatabaseExists } from './database';
import { IdbContactStore } from './contacts';
import { DraftRepository } from './drafts';
import { IdbHostPinStore } from './host-pins';
import { IdentityRepository } from './identities';
import { MessageRepository } from './messages';
import { OutboxRepository } from './outbox';
import { SettingsRepository } from './settings';
import { readStartupFromDatabase, type StartupState } from './startup';
import { TagQueueRepository } from './tag-queue';

/** A repository's public methods, so the in-memory store (memory.ts) can stand in for the IndexedDB one. */
type Methods<T> = { [K in keyof T]: T[K] };

export interface WebmailStore {
  identities: Methods<IdentityRepository>;
  hostPins: Methods<IdbHostPinStore>;
  contacts: Methods<IdbContactStore>;
  messages: Methods<MessageRepository>;
  outbox: Methods<OutboxRepository>;
  drafts: Methods<DraftRepository>;
  tagQueue: Methods<TagQueueRepository>;
  settings: Methods<SettingsRepository>;
  /** Settings, identities and the first rows of the current mailbox, read together (startup.ts). */
  readStartup(rows: number): Promise<StartupState>;
}

export async function openWebmailStore(name?: string, early?: IDBDatabase): Promise<WebmailStore> {
  const db = await openWebmailDatabase(name, early);
  return {
    identities: new IdentityRepository(db),
    hostPins: new IdbHostPinStore(db),
    contacts: new IdbContactStore(db),
    messages: new MessageRepository(db),
    outbox: new OutboxRepository(db),
    drafts: new DraftRepository(db),
    tagQueue: new TagQueueRepository(db),
    settings: new SettingsRepository(db),
    readStartup: (rows) => readStartupFromDatabase(db, rows),
  };
}

export { createMemoryStore } from './memory';
export type * from './schema';
export { STARTUP_SETTINGS, type StartupState } from './startup';
