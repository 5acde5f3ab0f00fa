import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EARLY_DATABASE_NAME } from './early-database';
import { createMemoryStore } from './memory';
import type { MessageRecord, StoredIdentity } from './schema';
import { STARTUP_SETTINGS, startupOwner } from './startup';

const identity = (address: string, extra: Partial<StoredIdentity> = {}): StoredIdentity => ({
  address,
  mailbox: address.split('@')[0] ?? '',
  host: 'h',
  port: 1958,
  certificateChain: [],
  privateKey: {} as CryptoKey,
  fingerprint: 'ab',
  origin: 'registered',
  createdAt: 1,
  ...extra,
});

const message = (owner: string, id: string, receivedAt: number): MessageRecord => ({
  owner,
  id,
  tags: ['Inbox'],
  raw: '',
  subject: id,
  fromAddress: 'a@b',
  receivedAt,
  threadKey: id,
});

describe('startupOwner', () => {
  it('prefers the saved identity, else the first one', () => {
    const list = [identity('a@h'), identity('b@h')];
    expect(startupOwner('b@h', list)).toBe('b@h');
    expect(startupOwner('gone@h', list)).toBe('a@h');
    expect(startupOwner(undefined, list)).toBe('a@h');
    expect(startupOwner(undefined, [])).toBeUndefined();
  });

  it('reads no mail while some identity is protected: the page starts locked', () => {
    const { privateKey: _none, ...locked } = identity('b@h', { wrapped: 'PEM' });
    expect(startupOwner('a@h', [identity('a@h'), locked])).toBeUndefined();
  });
});

describe('readStartup over the in-memory store', () => {
  it('returns the settings, the identities and the newest rows of the saved mailbox', async () => {
    const store = createMemoryStore();
    await store.identities.put(identity('a@h'));
    await store.identities.put(identity('b@h'));
    await store.settings.set(STARTUP_SETTINGS.currentIdentity, 'b@h');
    await store.settings.set(STARTUP_SETTINGS.idleLockMs, 60_000);
    await store.messages.putMany([
      message('a@h', 'x', 5),
      message('b@h', 'old', 1),
      message('b@h', 'new', 3),
      message('b@h', 'mid', 2),
    ]);
    const state = await store.readStartup(2);
    expect(state.owner).toBe('b@h');
    expect(state.first.map((m) => m.id)).toEqual(['new', 'mid']);
    expect(state.settings).toEqual({ currentIdentity: 'b@h', idleLockMs: 60_000 });
    expect(state.identities.map((i) => i.address).sort()).toEqual(['a@h', 'b@h']);
  });

  it('on an empty store: no owner and no rows', async () => {
    expect(await createMemoryStore().readStartup(40)).toEqual({
      settings: {},
      identities: [],
      owner: undefined,
      first: [],
    });
  });
});

describe('the early open in app.html', () => {
  it('looks for the database the store opens', () => {
    const html = readFileSync(new URL('../../app.html', import.meta.url), 'utf8');
    const names = [...html.matchAll(/'([^']+)'/g)].map((m) => m[1]).filter((n) => n?.startsWith('misfin'));
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(new Set(names)).toEqual(new Set([EARLY_DATABASE_NAME]));
  });
});
