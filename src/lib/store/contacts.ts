import type { WebmailDatabase } from './database';
import type { ContactRecord } from './schema';

/** The contact book: address -> fingerprint, name, first/last seen and how it was verified (design §4). */
export class IdbContactStore {
  constructor(private readonly db: WebmailDatabase) {}

  get(address: string): Promise<ContactRecord | undefined> {
    return this.db.get('contacts', address);
  }

  async put(contact: ContactRecord): Promise<void> {
    await this.db.put('contacts', { ...contact });
  }

  delete(address: string): Promise<void> {
    return this.db.delete('contacts', address);
  }

  list(): Promise<ContactRecord[]> {
    return this.db.getAll('contacts');
  }
}
