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
 * One read-only transaction for the whole first screen: the settings and identities, then, in the same
 * transaction, the chosen mailbox's newest rows. Separate transactions awaited one after another cost a
 * round trip to the storage backend each, which is most of a returning user's wait (issue 8).
 */
export async function readStartupFromDatabase(db: WebmailDatabase, rows: number): Promise<StartupState> {
  const tx = unwrap(db).transaction(['settings', 'identities', 'messages'], 'readonly');
  const settingsStore = tx.objectStore('settings');
  const names = Object.keys(STARTUP_SETTINGS) as StartupSetting[];
  const [identities, ...values] = await Promise.all([
    requestResult(tx.objectStore('identities').getAll() as IDBRequest<StoredIdentity[]>),
    ...names.map((name) =>
      requestResult(settingsStore.get(STARTUP_SETTINGS[name]) as IDBRequest<SettingRecord | undefined>),
    ),
  ]);
  const settings: StartupState['settings'] = {};
  names.forEach((name, at) => {
    const record = values[at];
    if (record !== undefined) settings[name] = record.value;
  });
  const owner = startupOwner(settings.currentIdentity, identities);
  // Still inside the transaction: its requests ran in order, so this one follows them without a new one.
  const first = owner
    ? await newestFromIndex(tx.objectStore('messages').index('ownerTime'), owner, rows)
    : [];
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
