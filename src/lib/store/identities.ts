import type { WebmailDatabase } from './database';
import { toStoredIdentity, type StoredIdentity } from './schema';

export class IdentityRepository {
  constructor(private readonly db: WebmailDatabase) {}

  list(): Promise<StoredIdentity[]> {
    return this.db.getAll('identities');
  }

  get(address: string): Promise<StoredIdentity | undefined> {
    return this.db.get('identities', address);
  }

  async put(identity: StoredIdentity): Promise<void> {
    await this.db.put('identities', toStoredIdentity(identity));
  }

  /** Forgets the identity and everything stored for it in this browser. */
  async delete(address: string): Promise<void> {
    const tx = this.db.transaction(['identities', 'messages', 'outbox', 'drafts', 'tagQueue'], 'readwrite');
    await tx.objectStore('identities').delete(address);
    for (const name of ['messages', 'outbox', 'drafts', 'tagQueue'] as const) {
      const index = tx.objectStore(name).index('owner');
      for (let cursor = await index.openCursor(address); cursor; cursor = await cursor.continue()) {
        await cursor.delete();
      }
    }
    await tx.done;
  }
}
