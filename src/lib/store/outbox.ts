import type { WebmailDatabase } from './database';
import type { OutboxRecord } from './schema';

/** Messages not yet answered with a 20. They survive a reload; a message leaves only on success. */
export class OutboxRepository {
  constructor(private readonly db: WebmailDatabase) {}

  listFor(owner: string): Promise<OutboxRecord[]> {
    return this.db.getAllFromIndex('outbox', 'owner', owner);
  }

  async put(item: OutboxRecord): Promise<void> {
    await this.db.put('outbox', item);
  }

  delete(id: string): Promise<void> {
    return this.db.delete('outbox', id);
  }
}
