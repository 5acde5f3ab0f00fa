import type { WebmailDatabase } from './database';
import type { TagChangeRecord } from './schema';

/** Tag changes made while the host could not be reached, replayed in order once it can. */
export class TagQueueRepository {
  constructor(private readonly db: WebmailDatabase) {}

  async add(change: Omit<TagChangeRecord, 'seq'>): Promise<void> {
    await this.db.add('tagQueue', change);
  }

  /** Oldest first (the key is an increasing sequence number). */
  listFor(owner: string): Promise<TagChangeRecord[]> {
    return this.db.getAllFromIndex('tagQueue', 'owner', owner);
  }

  delete(seq: number): Promise<void> {
    return this.db.delete('tagQueue', seq);
  }
}
