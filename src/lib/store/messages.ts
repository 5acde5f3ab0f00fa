import { unwrap } from 'idb';
import type { WebmailDatabase } from './database';
import { newestFromIndex } from './newest';
import type { MessageRecord } from './schema';

/** Messages decoded per task when a whole mailbox is read (a few milliseconds' work each). */
export const LIST_SLICE = 1000;

export class MessageRepository {
  constructor(private readonly db: WebmailDatabase) {}

  /**
   * Every message of `owner`, in id order. Read in slices of LIST_SLICE, each in its own transaction: one
   * getAll of 10,000 messages is decoded in a single long task that blocks the page (a click, a reload) for
   * its whole length, while slices leave the main thread free between them.
   */
  async listFor(owner: string): Promise<MessageRecord[]> {
    const all: MessageRecord[] = [];
    // Arrays sort after strings in IndexedDB keys (IndexedDB 3.0 §2.3), so [owner, []] ends owner's range.
    let range = IDBKeyRange.bound([owner, ''], [owner, []]);
    for (;;) {
      const slice = await this.db.getAll('messages', range, LIST_SLICE);
      for (const message of slice) all.push(message);
      const last = slice.at(-1);
      if (slice.length < LIST_SLICE || !last) return all;
      range = IDBKeyRange.bound([owner, last.id], [owner, []], true);
    }
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
