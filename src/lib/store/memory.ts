import { normalizeAddress, type Contact } from '../trust/contacts';
import type { WebmailStore } from './index';
import { readStartupFrom } from './startup';
import {
  toStoredIdentity,
  type DraftRecord,
  type HostPinRecord,
  type MessageRecord,
  type StoredIdentity,
  type OutboxRecord,
  type TagChangeRecord,
} from './schema';

/**
 * The store for "Shared computer" mode (issue 8, anchors.md §5.5): the same interface as the IndexedDB
 * store, over plain maps in this tab's memory. Nothing reaches IndexedDB, localStorage or the caches, so
 * closing the tab or signing out leaves nothing behind. Records are cloned on the way in and out, as
 * IndexedDB's structured clone would, so callers cannot change stored state by mutating what they hold.
 */
const copy = <T>(value: T): T => structuredClone(value);

/** Keeps CryptoKeys as they are (structuredClone of a non-extractable key works, but a copy is not needed). */
function copyIdentity(identity: StoredIdentity): StoredIdentity {
  return { ...identity, certificateChain: identity.certificateChain.map((c) => c.slice()) };
}

function byOwner<T extends { owner: string }>(map: Map<string, T>, owner: string): T[] {
  return [...map.values()].filter((r) => r.owner === owner).map(copy);
}

export function createMemoryStore(): WebmailStore {
  const identities = new Map<string, StoredIdentity>();
  const pins = new Map<string, HostPinRecord>();
  const contacts = new Map<string, Contact>();
  const messages = new Map<string, MessageRecord>();
  const outbox = new Map<string, OutboxRecord>();
  const drafts = new Map<string, DraftRecord>();
  const tagQueue = new Map<number, TagChangeRecord>();
  const settings = new Map<string, unknown>();
  let nextSeq = 1;
  const pinKey = (host: string, port: number) => `${host}:${port}`;
  const messageKey = (owner: string, id: string) => `${owner}\n${id}`;

  const store: WebmailStore = {
    identities: {
      list: async () => [...identities.values()].map(copyIdentity),
      get: async (address) => {
        const found = identities.get(address);
        return found && copyIdentity(found);
      },
      put: async (identity) =>
        void identities.set(identity.address, copyIdentity(toStoredIdentity(identity))),
      delete: async (address) => {
        identities.delete(address);
        for (const map of [messages, outbox, drafts] as Map<string, { owner: string }>[]) {
          for (const [key, record] of map) if (record.owner === address) map.delete(key);
        }
        for (const [key, record] of tagQueue) if (record.owner === address) tagQueue.delete(key);
      },
    },
    hostPins: {
      get: async (host, port) => copy(pins.get(pinKey(host, port))),
      put: async (pin) => void pins.set(pinKey(pin.host, pin.port), copy(pin)),
      delete: async (host, port) => void pins.delete(pinKey(host, port)),
      list: async () => [...pins.values()].map(copy),
    },
    contacts: {
      get: async (address) => copy(contacts.get(normalizeAddress(address))),
      put: async (contact) => {
        const address = normalizeAddress(contact.address);
        contacts.set(address, copy({ ...contact, address }));
      },
      delete: async (address) => void contacts.delete(normalizeAddress(address)),
      list: async () => [...contacts.values()].map(copy).sort((a, b) => a.address.localeCompare(b.address)),
    },
    messages: {
      listFor: async (owner) => byOwner(messages, owner),
      newest: async (owner, count) =>
        byOwner(messages, owner)
          .sort((a, b) => b.receivedAt - a.receivedAt)
          .slice(0, count),
      get: async (owner, id) => copy(messages.get(messageKey(owner, id))),
      putMany: async (list) => {
        for (const m of list) messages.set(messageKey(m.owner, m.id), copy(m));
      },
      setTags: async (owner, id, tags) => {
        const found = messages.get(messageKey(owner, id));
        if (!found) return undefined;
        found.tags = [...tags];
        return copy(found);
      },
      deleteMany: async (owner, ids) => {
        for (const id of ids) messages.delete(messageKey(owner, id));
      },
    },
    outbox: {
      listFor: async (owner) => byOwner(outbox, owner),
      put: async (item) => void outbox.set(item.id, copy(item)),
      delete: async (id) => void outbox.delete(id),
    },
    drafts: {
      listFor: async (owner) => byOwner(drafts, owner),
      put: async (draft) => void drafts.set(draft.id, copy(draft)),
      delete: async (id) => void drafts.delete(id),
    },
    tagQueue: {
      add: async (change) => {
        const seq = nextSeq++;
        tagQueue.set(seq, copy({ ...change, seq }));
      },
      listFor: async (owner) =>
        [...tagQueue.values()]
          .filter((r) => r.owner === owner)
          .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))
          .map(copy),
      delete: async (seq) => void tagQueue.delete(seq),
    },
    settings: {
      get: async <T>(key: string, fallback: T) =>
        settings.has(key) ? copy(settings.get(key) as T) : fallback,
      set: async (key, value) => void settings.set(key, copy(value)),
    },
    readStartup: (rows) => readStartupFrom(store, rows),
  };
  return store;
}
