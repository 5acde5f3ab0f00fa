import { openWebmailDatabase } from './database';
import { IdbContactStore } from './contacts';
import { DraftRepository } from './drafts';
import { IdbHostPinStore } from './host-pins';
import { IdentityRepository } from './identities';
import { MessageRepository } from './messages';
import { OutboxRepository } from './outbox';
import { SettingsRepository } from './settings';
import { TagQueueRepository } from './tag-queue';

export interface WebmailStore {
  identities: IdentityRepository;
  hostPins: IdbHostPinStore;
  contacts: IdbContactStore;
  messages: MessageRepository;
  outbox: OutboxRepository;
  drafts: DraftRepository;
  tagQueue: TagQueueRepository;
  settings: SettingsRepository;
}

export async function openWebmailStore(name?: string): Promise<WebmailStore> {
  const db = await openWebmailDatabase(name);
  return {
    identities: new IdentityRepository(db),
    hostPins: new IdbHostPinStore(db),
    contacts: new IdbContactStore(db),
    messages: new MessageRepository(db),
    outbox: new OutboxRepository(db),
    drafts: new DraftRepository(db),
    tagQueue: new TagQueueRepository(db),
    settings: new SettingsRepository(db),
  };
}

export type * from './schema';
