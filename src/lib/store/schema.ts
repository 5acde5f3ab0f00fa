import type { DBSchema } from 'idb';
import type { Contact, VerifiedBy } from '../trust/contacts';

/**
 * The page's IndexedDB schema. Every store is keyed so that one browser can hold several identities side by
 * side: records that belong to a mailbox carry its address as `owner`.
 */

/** How an identity came into this browser; a self-signed one can send but has no mailbox to read. */
export type IdentityOrigin = 'registered' | 'imported' | 'self-signed';

export interface IdentityRecord {
  /** `mailbox@host` as the certificate says (UID@first DNS SAN), also the key. */
  address: string;
  mailbox: string;
  host: string;
  /** Where the home host listens (1958 unless the user said otherwise): GMAP, sent copies, registration. */
  port: number;
  displayName?: string;
  /** DER certificates, leaf first. */
  certificateChain: Uint8Array[];
  /** Non-extractable: structured clone keeps it usable after a reload without exposing its bytes. */
  privateKey: CryptoKey;
  /** SHA-256 of the leaf certificate DER, lowercase hex (the Misfin fingerprint). */
  fingerprint: string;
  origin: IdentityOrigin;
  createdAt: number;
  /**
   * The passphrase-wrapped export (identity/export.ts), when the user gave a passphrase: it is the backup
   * file, and for such a protected identity the only form the key is stored in (issue 8: unwrapped
   * non-extractable into memory on unlock, dropped again when the page locks).
   */
  wrapped?: string;
}

/** What the store holds: a protected identity (with `wrapped`) is kept without its unwrapped key. */
export type StoredIdentity = Omit<IdentityRecord, 'privateKey'> & { privateKey?: CryptoKey };

/** The stored form: a protected identity loses its unwrapped key on the way in. */
export function toStoredIdentity(identity: StoredIdentity): StoredIdentity {
  if (!identity.wrapped) return identity;
  const { privateKey: _unwrapped, ...rest } = identity;
  return rest;
}

/** Same shape as trust/host-pins HostPin: TOFU pin per host:port. */
export interface HostPinRecord {
  host: string;
  port: number;
  certSha256: string;
  spkiSha256: string;
  firstSeen: number;
  lastSeen: number;
}

/** trust/contacts Contact: address, name, fingerprint, first/last seen (Dates), how it was verified. */
export type ContactRecord = Contact;
export type VerificationMethod = VerifiedBy;

export interface MessageRecord {
  /** The identity address this message belongs to. */
  owner: string;
  /** The GMAP id (opaque, chosen by the host). */
  id: string;
  /** GMAP tags as the host last reported them, plus local changes not yet sent. */
  tags: string[];
  /** The message in Misfin(C) wire form, as GMAP returned it. */
  raw: string;
  subject: string;
  fromAddress: string;
  fromName?: string;
  /** Milliseconds since the epoch; 0 when the message has no readable timestamp. */
  receivedAt: number;
  threadKey: string;
}

export type OutboxState = 'queued' | 'sending' | 'needs-confirmation' | 'failed';

export interface OutboxRecord {
  id: string;
  /** The sending identity. */
  owner: string;
  /** One recipient per record: each gets its own connection (spec §1.1). */
  to: string;
  /** Every recipient of the message, for the recipients line. */
  recipients?: string[];
  senders?: { address: string; name?: string }[];
  timestamps?: string[];
  body: string;
  /** Whether this is the copy for the owner's own Sent folder (mail to gmap@HOST). */
  sentCopy: boolean;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  lastStatus?: number;
  lastMessage?: string;
  /** For 30/31: the address the host asked us to use. */
  redirect?: string;
  createdAt: number;
}

export interface DraftRecord {
  id: string;
  owner: string;
  to: string;
  subject: string;
  body: string;
  updatedAt: number;
}

export type TagAction = { kind: 'tag' | 'untag'; tag: string } | { kind: 'delete' };

export interface TagChangeRecord {
  seq?: number;
  owner: string;
  messageId: string;
  action: TagAction;
  createdAt: number;
}

export interface SettingRecord {
  key: string;
  value: unknown;
}

export interface WebmailDB extends DBSchema {
  identities: { key: string; value: StoredIdentity };
  hostPins: { key: [string, number]; value: HostPinRecord };
  contacts: { key: string; value: ContactRecord };
  messages: {
    key: [string, string];
    value: MessageRecord;
    indexes: { owner: string; ownerTime: [string, number] };
  };
  outbox: { key: string; value: OutboxRecord; indexes: { owner: string } };
  drafts: { key: string; value: DraftRecord; indexes: { owner: string } };
  tagQueue: { key: number; value: TagChangeRecord; indexes: { owner: string } };
  settings: { key: string; value: SettingRecord };
}

export const DB_NAME = 'misfin-webmail';
