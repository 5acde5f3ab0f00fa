import { normalizeAddress, type Contact, type ContactStore } from '../trust/contacts';
import type { WebmailDatabase } from './database';

/** The contact book (design §4) in IndexedDB, behind trust/contacts' ContactStore. */
export class IdbContactStore implements ContactStore {
  constructor(private readonly db: WebmailDatabase) {}

  get(address: string): Promise<Contact | undefined> {
    return this.db.get('contacts', normalizeAddress(address));
  }

  async put(contact: Contact): Promise<void> {
    await this.db.put('contacts', { ...contact, address: normalizeAddress(contact.address) });
  }

  delete(address: string): Promise<void> {
    return this.db.delete('contacts', normalizeAddress(address));
  }

  async list(): Promise<Contact[]> {
    const all = await this.db.getAll('contacts');
    return all.sort((a, b) => a.address.localeCompare(b.address));
  }
}
