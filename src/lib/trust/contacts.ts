// Contact fingerprints, trust on first use (misfin-protocol.md §14: "store the fingerprint per address on
// first receipt; later certs should be matched against the stored fingerprint"). A change is reported to
// the caller and never written over the stored value; only acceptFingerprintChange replaces it (design.md §4).

export type VerifiedBy = 'first-use' | 'probe' | 'manual' | 'trust-list';

export interface Contact {
  /** mailbox@host, lowercase host. */
  address: string;
  displayName?: string;
  /** SHA-256 of the certificate DER, 64 lowercase hex (misfin-protocol.md §13). */
  fingerprint: string;
  firstSeen: Date;
  lastSeen: Date;
  verifiedBy: VerifiedBy;
}

export interface ContactStore {
  get(address: string): Promise<Contact | undefined>;
  put(contact: Contact): Promise<void>;
  list(): Promise<Contact[]>;
  delete(address: string): Promise<void>;
}

export type FingerprintRecord =
  | { status: 'new'; contact: Contact }
  | { status: 'same'; contact: Contact }
  /** `contact` is the stored, unchanged entry; `previous` is its fingerprint, `seen` the new one. */
  | { status: 'changed'; contact: Contact; previous: string; seen: string };

export class ContactError extends Error {
  override name = 'ContactError';
}

/** Hosts are case-insensitive (RFC 4343); mailboxes are kept as written. */
export function normalizeAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1 || /\s/.test(address)) {
    throw new ContactError(`not a Misfin address: ${address}`);
  }
  return address.slice(0, at) + '@' + address.slice(at + 1).toLowerCase();
}

/** misfin-protocol.md §13: lowercase, drop every non-alphanumeric character, expect 64 hex digits. */
export function normalizeFingerprint(fingerprint: string): string {
  const clean = fingerprint.toLowerCase().replace(/[^0-9a-z]/g, '');
  if (!/^[0-9a-f]{64}$/.test(clean)) throw new ContactError(`not a SHA-256 fingerprint: ${fingerprint}`);
  return clean;
}

const copy = (contact: Contact): Contact => ({
  ...contact,
  firstSeen: new Date(contact.firstSeen),
  lastSeen: new Date(contact.lastSeen),
});

export class MemoryContactStore implements ContactStore {
  readonly #contacts = new Map<string, Contact>();

  async get(address: string): Promise<Contact | undefined> {
    const contact = this.#contacts.get(normalizeAddress(address));
    return contact && copy(contact);
  }
  async put(contact: Contact): Promise<void> {
    const stored = copy(contact);
    stored.address = normalizeAddress(contact.address);
    this.#contacts.set(stored.address, stored);
  }
  async list(): Promise<Contact[]> {
    return [...this.#contacts.values()].map(copy).sort((a, b) => a.address.localeCompare(b.address));
  }
  async delete(address: string): Promise<void> {
    this.#contacts.delete(normalizeAddress(address));
  }
}

/**
 * Records that `address` presented `fingerprint`. New addresses are stored; a matching fingerprint
 * updates lastSeen (and upgrades 'first-use' to a stronger `how`); a different one is returned as
 * 'changed' and nothing is written.
 */
export async function recordFingerprint(
  store: ContactStore,
  address: string,
  fingerprint: string,
  how: VerifiedBy,
  now: Date,
  displayName?: string,
): Promise<FingerprintRecord> {
  const key = normalizeAddress(address);
  const seen = normalizeFingerprint(fingerprint);
  const existing = await store.get(key);
  if (!existing) {
    const contact: Contact = {
      address: key,
      displayName,
      fingerprint: seen,
      firstSeen: now,
      lastSeen: now,
      verifiedBy: how,
    };
    await store.put(contact);
    return { status: 'new', contact };
  }
  if (existing.fingerprint !== seen) {
    return { status: 'changed', contact: existing, previous: existing.fingerprint, seen };
  }
  const contact: Contact = {
    ...existing,
    displayName: displayName ?? existing.displayName,
    lastSeen: now,
    verifiedBy: existing.verifiedBy === 'first-use' ? how : existing.verifiedBy,
  };
  await store.put(contact);
  return { status: 'same', contact };
}

/** The user's explicit decision to trust a new fingerprint for an address (after a 'changed' report). */
export async function acceptFingerprintChange(
  store: ContactStore,
  address: string,
  fingerprint: string,
  how: VerifiedBy,
  now: Date,
): Promise<Contact> {
  const key = normalizeAddress(address);
  const existing = await store.get(key);
  const contact: Contact = {
    address: key,
    displayName: existing?.displayName,
    fingerprint: normalizeFingerprint(fingerprint),
    firstSeen: now,
    lastSeen: now,
    verifiedBy: how,
  };
  await store.put(contact);
  return contact;
}
