import { unwrap } from 'idb';
import type { WebmailDatabase } from './database';
import { newestFromIndex } from './newest';
import type { MessageRecord } from './schema';

export class MessageRepository {
  constructor(private readonly db: WebmailDatabase) {}

  listFor(owner: string): Promise<MessageRecord[]> {
    return this.db.getAllFromIndex('messages', 'owner', owner);
  }

  /** The `count` most recent messages of `owner`, newest first (the first screen of the list). */
  newest(owner: string, count: number): Promise<MessageRecord[]> {
    const index = unwrap(this.db).transaction('messages').objectStore('messages').index('ownerTime');
    return newestFromIndex(index, owner, count);
  }

  get(owner: string, id: string): Promise<MessageRecord | undefined> {
    return this.db.get('messages', [owner, id]);
  }

  /** Writes many messages in one transaction: one commit per sync batch, not per message. */
  async putMany(messages: MessageRecord[]): Promise<void> {
    if (messages.length === 0) return;
    const tx = this.db.transaction('messages', 'readwrite');
    for (const message of messages) void tx.store.put(message);
    await tx.done;
  }

  async setTags(owner: string, id: string, tags: string[]): Promise<MessageRecord | undefined> {
    const tx = this.db.transaction('messages', 'readwrite');
    const message = await tx.store.get([owner, id]);
    if (message) {
      message.tags = tags;
      await tx.store.put(message);
    }
    await tx.done;
    return message;
  }

  async deleteMany(owner: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const tx = this.db.transaction('messages', 'readwrite');
    for (const id of ids) void tx.store.delete([owner, id]);
    await tx.done;
  }
}
