import { describe, expect, it } from 'vitest';
import type { OpenTls } from '../misfin/connect';
import { formatResponse } from '../misfin/response';
import { createMemoryStore, type WebmailStore } from '../store';
import type { TlsConnection } from '../tls/client';
import { ContactBook } from './contacts.svelte';
import { Outbox } from './outbox.svelte';
import type { Webmail } from './webmail.svelte';

const FP_OLD = 'a'.repeat(64);
const FP_NEW = 'b'.repeat(64);
const FP_HOST = 'c'.repeat(64);

interface Exchange {
  host: string;
  /** The request line's URL, and whether the outbox held the record when its first byte was written. */
  url: string;
  storedBeforeWrite: boolean;
}

/**
 * A page without network: each connection answers the response `answer(url)` names, and records what the
 * outbox held when the request was written (the outbox guarantee).
 */
function fakeApp(answer: (url: string) => string) {
  const store: WebmailStore = createMemoryStore();
  const exchanges: Exchange[] = [];
  const app = {
    store,
    identities: [
      { address: 'alice@example.org', host: 'example.org', port: 1958, fingerprint: 'f'.repeat(64) },
    ],
    currentAddress: 'alice@example.org',
    homes: [{ host: 'example.org', port: 1958 }],
    hostKeys: { notice: () => false },
    mailbox: { sync: async () => undefined },
    net: {
      withWarm: async <T>(
        host: string,
        _port: number,
        _identity: unknown,
        work: (open: OpenTls, warm: boolean) => Promise<T>,
      ): Promise<T> => work(async () => connection(host), false),
    },
  } as unknown as Webmail & { contacts: ContactBook };
  const contacts = new ContactBook(app);
  (app as { contacts: ContactBook }).contacts = contacts;

  function connection(host: string): TlsConnection {
    let reply: Uint8Array | undefined;
    const self = {
      server: {},
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      resumed: false,
      tickets: [],
      write: async (data: Uint8Array) => {
        const url = new TextDecoder().decode(data).split(/\s/)[0] ?? '';
        const outbox = await store.outbox.listFor('alice@example.org');
        exchanges.push({
          host,
          url,
          storedBeforeWrite: outbox.some((r) => url.includes(r.to.split(':')[0]!)),
        });
        const [status, ...meta] = answer(url).split(' ');
        reply = formatResponse(Number(status), meta.join(' '));
      },
      read: async () => {
        const out = reply;
        reply = undefined;
        return out ?? null;
      },
      readAll: async () => new Uint8Array(0),
      updateKeys: async () => undefined,
      close: async () => undefined,
    };
    return self as unknown as TlsConnection;
  }
  const outbox = new Outbox(app);
  return { app, outbox, contacts, store, exchanges };
}

const mail = { body: '# Hello\nA line.\n' };

describe('Outbox', () => {
  it('stores every record before its request, sends the Sent copy after the recipient, and empties on 20', async () => {
    const { outbox, store, exchanges, contacts } = fakeApp((url) =>
      url.includes('gmap@') ? `20 ${FP_HOST}` : `20 ${FP_OLD}`,
    );
    const { stored, departed, done } = outbox.enqueue('alice@example.org', ['bob@example.org'], mail, true);
    await stored;
    await departed;
    await done;
    expect(exchanges.map((e) => e.url)).toEqual(['misfin://bob@example.org', 'misfin://gmap@example.org']);
    expect(exchanges.every((e) => e.storedBeforeWrite)).toBe(true);
    expect(await store.outbox.listFor('alice@example.org')).toEqual([]);
    expect(outbox.items).toEqual([]);
    expect(outbox.results.map((r) => r.ok)).toEqual([true, true]);
    expect(contacts.list.map((c) => [c.address, c.fingerprint])).toEqual([['bob@example.org', FP_OLD]]);
  });

  it('a 4x keeps the message in the outbox, queued for a retry', async () => {
    const { outbox, store } = fakeApp(() => '42 busy');
    await outbox.enqueue('alice@example.org', ['bob@example.org'], mail, false).done;
    const [kept] = await store.outbox.listFor('alice@example.org');
    expect(kept?.state).toBe('queued');
    expect(kept?.lastStatus).toBe(42);
    expect(outbox.items.map((i) => i.state)).toEqual(['queued']);
  });

  it('a confirmed 31 resends to the new address and moves the contact there once it answers 20', async () => {
    const { outbox, contacts, store } = fakeApp((url) =>
      url.includes('bob@example.org') ? '31 robert@example.org' : `20 ${FP_NEW}`,
    );
    await store.contacts.put({
      address: 'bob@example.org',
      displayName: 'Bob',
      fingerprint: FP_OLD,
      firstSeen: new Date(1),
      lastSeen: new Date(1),
      verifiedBy: 'first-use',
    });
    await outbox.enqueue('alice@example.org', ['bob@example.org'], mail, false).done;
    const [waiting] = outbox.items;
    expect(waiting?.state).toBe('needs-confirmation');
    expect(waiting?.redirect).toBe('robert@example.org');
    await outbox.resendToRedirect(waiting!.id);
    expect(outbox.items).toEqual([]);
    expect(contacts.list.map((c) => [c.address, c.displayName, c.fingerprint])).toEqual([
      ['robert@example.org', 'Bob', FP_NEW],
    ]);
  });

  it('a confirmed 30 resends but leaves the contact where it was', async () => {
    const { outbox, contacts, store } = fakeApp((url) =>
      url.includes('bob@example.org') ? '30 robert@example.org' : `20 ${FP_NEW}`,
    );
    await store.contacts.put({
      address: 'bob@example.org',
      fingerprint: FP_OLD,
      firstSeen: new Date(1),
      lastSeen: new Date(1),
      verifiedBy: 'first-use',
    });
    await outbox.enqueue('alice@example.org', ['bob@example.org'], mail, false).done;
    await outbox.resendToRedirect(outbox.items[0]!.id);
    expect(contacts.list.map((c) => c.address).sort()).toEqual(['bob@example.org', 'robert@example.org']);
  });
});
