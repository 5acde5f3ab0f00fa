import type { WebmailDatabase } from './database';
import type { DraftRecord } from './schema';

export class DraftRepository {
  constructor(private readonly db: WebmailDatabase) {}

  listFor(owner: string): Promise<DraftRecord[]> {
    return this.db.getAllFromIndex('drafts', 'owner', owner);
  }

  async put(draft: DraftRecord): Promise<void> {
    await this.db.put('drafts', draft);
  }

  delete(id: string): Promise<void> {
    return this.db.delete('drafts', id);
  }
}
