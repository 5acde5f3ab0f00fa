// MemorySessionCache: single-use tickets (RFC 8446 §C.4), expiry, and bounds per key and overall.
import { describe, expect, it } from 'vitest';
import { MemorySessionCache, maxTicketLifetimeMs, type ResumptionTicket } from './session-cache';

function ticket(id: number, receivedAt = 0, lifetimeMs = 60_000): ResumptionTicket {
  return {
    identity: Uint8Array.of(id),
    psk: new Uint8Array(32),
    cipherSuite: 0x1301,
    ageAdd: 0,
    receivedAt,
    expiresAt: receivedAt + lifetimeMs,
    server: { host: 'h', port: 1, chain: [], certSha256: '', spkiSha256: '' },
    clientAuthenticated: true,
  };
}

describe('MemorySessionCache', () => {
  it('hands out each ticket once, newest first', () => {
    const cache = new MemorySessionCache({ clock: () => 0 });
    cache.put('k', ticket(1));
    cache.put('k', ticket(2));
    expect(cache.take('k')?.identity).toEqual(Uint8Array.of(2));
    expect(cache.take('k')?.identity).toEqual(Uint8Array.of(1));
    expect(cache.take('k')).toBeUndefined();
  });

  it('keeps keys apart (another host, port or client identity gets nothing)', () => {
    const cache = new MemorySessionCache({ clock: () => 0 });
    cache.put('host:1965:alice', ticket(1));
    expect(cache.take('host:1965:bob')).toBeUndefined();
    expect(cache.take('host:1966:alice')).toBeUndefined();
    expect(cache.take('host:1965:alice')?.identity).toEqual(Uint8Array.of(1));
  });

  it('drops expired tickets instead of returning them', () => {
    let now = 0;
    const cache = new MemorySessionCache({ clock: () => now });
    cache.put('k', ticket(1, 0, 1_000));
    cache.put('k', ticket(2, 0, 5_000));
    now = 2_000;
    expect(cache.take('k')?.identity).toEqual(Uint8Array.of(2));
    cache.put('k', ticket(3, 0, 3_000));
    now = 3_000;
    expect(cache.take('k')).toBeUndefined();
    expect(cache.count('k')).toBe(0);
  });

  it('ignores tickets that are already expired or claim more than seven days', () => {
    const cache = new MemorySessionCache({ clock: () => 10_000 });
    cache.put('k', ticket(1, 0, 10_000));
    cache.put('k', ticket(2, 10_000, maxTicketLifetimeMs + 1));
    expect(cache.count('k')).toBe(0);
  });

  it('bounds the tickets per key, dropping the oldest', () => {
    const cache = new MemorySessionCache({ perKey: 2, clock: () => 0 });
    for (let id = 1; id <= 5; id++) cache.put('k', ticket(id));
    expect(cache.count('k')).toBe(2);
    expect(cache.take('k')?.identity).toEqual(Uint8Array.of(5));
    expect(cache.take('k')?.identity).toEqual(Uint8Array.of(4));
  });

  it('bounds the number of keys, evicting the one stored least recently', () => {
    const cache = new MemorySessionCache({ maxKeys: 2, clock: () => 0 });
    cache.put('a', ticket(1));
    cache.put('b', ticket(2));
    cache.put('a', ticket(3));
    cache.put('c', ticket(4));
    expect(cache.count('b')).toBe(0);
    expect(cache.count('a')).toBe(2);
    expect(cache.count('c')).toBe(1);
    cache.delete('a');
    expect(cache.take('a')).toBeUndefined();
    cache.clear();
    expect(cache.take('c')).toBeUndefined();
  });
});
