import { unwrap } from 'idb';
import type { WebmailDatabase } from './database';
import { newestFromIndex } from './newest';
import type { MessageRecord, SettingRecord, StoredIdentity } from './schema';

/** The settings the page reads before its first screen, by their stored keys. */
export const STARTUP_SETTINGS = {
  currentIdentity: 'currentIdentity',
  bridgeUrl: 'bridgeUrl',
  idleLockMs: 'idleLockMs',
} as const;

export type StartupSetting = keyof typeof STARTUP_SETTINGS;

/** Everything the first screen needs, read at once when the page starts. */
export interface StartupState {
  /** Stored values of the STARTUP_SETTINGS; a setting never saved is absent. */
  settings: Partial<Record<StartupSetting, unknown>>;
  identities: StoredIdentity[];
  /**
   * Whose mail the first screen shows: the saved current identity, else the first one. None when the page
   * holds no identity, or must start locked because some identity is protected (then no mail is read).
   */
  owner?: string;
  /** The owner's newest messages, newest first. */
  first: MessageRecord[];
}

export function startupOwner(saved: unknown, identities: readonly StoredIdentity[]): string | undefined {
  if (identities.some((i) => i.wrapped)) return undefined;
  const usable = identities.filter((i) => i.privateKey !== undefined);
  return (usable.find((i) => i.address === saved) ?? usable[0])?.address;
}

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * One read-only transaction for the whole first screen. Separate transactions awaited one after another cost
 * a round trip to the storage backend each, which is most of a returning user's wait (issue 8). The saved
 * current identity is nearly always whose mail is shown, so its newest rows are asked for as soon as its
 * name is known, queued right behind the settings and identities; the identities then confirm the choice
 * (or, rarely, the rows of another mailbox are read after all, still in the same transaction). When the page
 * must start locked, the guessed rows are dropped unseen.
 */
export async function readStartupFromDatabase(db: WebmailDatabase, rows: number): Promise<StartupState> {
  const tx = unwrap(db).transaction(['settings', 'identities', 'messages'], 'readonly');
  const settingsStore = tx.objectStore('settings');
  const index = tx.objectStore('messages').index('ownerTime');
  const read = (name: StartupSetting) =>
    requestResult(settingsStore.get(STARTUP_SETTINGS[name]) as IDBRequest<SettingRecord | undefined>);
  const current = read('currentIdentity');
  const guess = current.then((record) => {
    const owner = record?.value;
    return typeof owner === 'string' ? { owner, first: newestFromIndex(index, owner, rows) } : undefined;
  });
  // A guess that turns out wrong is dropped; its failure must not surface as an unhandled rejection.
  void guess.then((g) => g?.first.catch(() => undefined)).catch(() => undefined);
  const [identities, currentRecord, bridgeRecord, idleRecord] = await Promise.all([
    requestResult(tx.objectStore('identities').getAll() as IDBRequest<StoredIdentity[]>),
    current,
    read('bridgeUrl'),
    read('idleLockMs'),
  ]);
  const settings: StartupState['settings'] = {};
  if (currentRecord) settings.currentIdentity = currentRecord.value;
  if (bridgeRecord) settings.bridgeUrl = bridgeRecord.value;
  if (idleRecord) settings.idleLockMs = idleRecord.value;
  const owner = startupOwner(settings.currentIdentity, identities);
  if (!owner) return { settings, identities, owner, first: [] };
  const guessed = await guess;
  const first = guessed?.owner === owner ? await guessed.first : await newestFromIndex(index, owner, rows);
  return { settings, identities, owner, first };
}

/** The same answer from any store's ordinary methods (the in-memory store of a shared computer). */
export async function readStartupFrom(
  store: {
    settings: { get<T>(key: string, fallback: T): Promise<T> };
    identities: { list(): Promise<StoredIdentity[]> };
    messages: { newest(owner: string, count: number): Promise<MessageRecord[]> };
  },
  rows: number,
): Promise<StartupState> {
  const names = Object.keys(STARTUP_SETTINGS) as StartupSetting[];
  const [identities, ...values] = await Promise.all([
    store.identities.list(),
    ...names.map((name) => store.settings.get<unknown>(STARTUP_SETTINGS[name], undefined)),
  ]);
  const settings: StartupState['settings'] = {};
  names.forEach((name, at) => {
    if (values[at] !== undefined) settings[name] = values[at];
  });
  const owner = startupOwner(settings.currentIdentity, identities);
  const first = owner ? await store.messages.newest(owner, rows) : [];
  return { settings, identities, owner, first };
}
