import { EventEmitter } from 'node:events';
import type { Server, TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { SessionResumption } from './resumption';

/** The start of an OpenSSL SSL_SESSION encoding: version, ssl_version, cipher, session_id (ssl_asn1.c). */
function session(idByte: number): Buffer {
  const body = [2, 1, 1, 2, 2, 3, 4, 4, 2, 0x13, 0x01, 4, 32, ...new Array<number>(32).fill(idByte)];
  return Buffer.from([0x30, body.length, ...body]);
}
const socketWith = (bytes: Buffer) => ({ getSession: () => bytes }) as unknown as TLSSocket;
const id = (byte: number) => new Uint8Array(32).fill(byte);
const legacy = new Uint8Array(32).fill(0xee);

describe('SessionResumption', () => {
  it('offers only kept, unexpired sessions, and only to clients sending a legacy session id', () => {
    let now = 1000;
    const store = new SessionResumption({ lifetimeMs: 60_000, now: () => now });
    expect(store.offer(legacy, id(1))).toBe(false);
    store.promote(socketWith(session(1)));
    expect(store.offer(legacy, id(1))).toBe(true);
    expect(store.offer(new Uint8Array(0), id(1))).toBe(false);
    expect(store.offer(legacy, id(2))).toBe(false);
    now += 60_000;
    expect(store.offer(legacy, id(1))).toBe(false);
    expect(store.size).toBe(0);
  });

  it('is bounded: the oldest session goes first', () => {
    const store = new SessionResumption({ maxSessions: 2 });
    for (const byte of [1, 2, 3]) store.promote(socketWith(session(byte)));
    expect(store.size).toBe(2);
    expect(store.offer(legacy, id(1))).toBe(false);
    expect(store.offer(legacy, id(3))).toBe(true);
  });

  // The legacy_session_id is the client's choice, and Node asks for a session by it alone: two connections
  // naming the same one must not get each other's session (the one asked for second would be loaded for the
  // first, whose binder then fails: a failed handshake instead of a resumed or a full one).
  it('keeps the first mapping of a legacy session id; a conflicting later offer gets a full handshake', () => {
    const store = new SessionResumption();
    const server = new EventEmitter();
    store.attach(server as unknown as Server);
    const loaded = (legacyId: Uint8Array) => {
      let result: Buffer | undefined;
      server.emit('resumeSession', Buffer.from(legacyId), (_error: Error | null, found?: Buffer) => {
        result = found;
      });
      return result;
    };
    store.promote(socketWith(session(1)));
    store.promote(socketWith(session(2)));
    expect(store.offer(legacy, id(1))).toBe(true); // the victim's connection
    expect(store.offer(legacy, id(2))).toBe(false); // another client naming the same legacy id
    expect(loaded(legacy)).toEqual(session(1));
    expect(loaded(legacy)).toBeUndefined();
    // Once the first has been looked up, the legacy id is free again.
    expect(store.offer(legacy, id(2))).toBe(true);
    expect(loaded(legacy)).toEqual(session(2));
  });
});
