// connectTls with a SessionCache over a scripted transport: the ticket is taken (single-use, RFC 8446 §C.4)
// before anything goes out, offered in the ClientHello as pre_shared_key, and never put back when the attempt
// fails; a cache key without tickets still asks for them (psk_key_exchange_modes).
import { describe, expect, it } from 'vitest';
import { connectTls, MemorySessionCache, TlsError } from './client';
import type { ResumptionTicket } from './session-cache';
import type { ByteTransport } from './transport';
import { firstRecordExtensionTypes } from './vectors/client-hello-extensions';

function closingTransport() {
  const written: Uint8Array[] = [];
  const transport: ByteTransport = {
    read: () => Promise.resolve(null),
    write: async (bytes) => void written.push(bytes),
    close: () => undefined,
  };
  return { transport, written };
}

function ticket(now: number): ResumptionTicket {
  return {
    identity: Uint8Array.of(1, 2, 3, 4),
    psk: new Uint8Array(32).fill(7),
    cipherSuite: 0x1301,
    ageAdd: 12345,
    receivedAt: now - 1000,
    expiresAt: now + 60_000,
    server: { host: 'mail.example', port: 1958, chain: [], certSha256: 'aa', spkiSha256: 'bb' },
    clientAuthenticated: true,
  };
}

const options = {
  serverName: 'mail.example',
  port: 1958,
  verifyServer: async () => undefined,
  timeoutMs: 1000,
};

describe('connectTls with resumption', () => {
  it('offers the cached ticket last in the ClientHello and consumes it even when the attempt fails', async () => {
    const now = Date.now();
    const cache = new MemorySessionCache();
    cache.put('mail.example:1958:alice', ticket(now));
    const { transport, written } = closingTransport();
    const error = await connectTls(transport, {
      ...options,
      now: () => now,
      resumption: { cache, key: 'mail.example:1958:alice' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
    const types = firstRecordExtensionTypes(written[0] as Uint8Array);
    expect(types.at(-1)).toBe(41);
    expect(types).toContain(45);
    // The identity and obfuscated age (1000 ms + 12345 = 0x3421) sit right before the binders (§4.2.11).
    const hello = written[0] as Uint8Array;
    const identityEnd = hello.length - 35;
    expect(Array.from(hello.subarray(identityEnd - 8, identityEnd))).toEqual([1, 2, 3, 4, 0, 0, 0x34, 0x21]);
    expect(cache.count('mail.example:1958:alice')).toBe(0);
  });

  it('asks for tickets without offering one when the cache has none', async () => {
    const { transport, written } = closingTransport();
    await connectTls(transport, {
      ...options,
      resumption: { cache: new MemorySessionCache(), key: 'mail.example:1958:alice' },
    }).catch(() => undefined);
    const types = firstRecordExtensionTypes(written[0] as Uint8Array);
    expect(types).toContain(45);
    expect(types).not.toContain(41);
  });

  it('sends neither extension without a cache', async () => {
    const { transport, written } = closingTransport();
    await connectTls(transport, options).catch(() => undefined);
    const types = firstRecordExtensionTypes(written[0] as Uint8Array);
    expect(types).not.toContain(45);
    expect(types).not.toContain(41);
  });

  it('sends a fresh 32-byte legacy_session_id only with a ticket (RFC 8446 §D.4; Node servers look sessions up by it)', async () => {
    // Record header (5), handshake header (4), legacy_version (2), random (32): then the id's length byte.
    const sessionIdLength = (record: Uint8Array) => record[5 + 4 + 2 + 32];
    const now = Date.now();
    const hellos: Uint8Array[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const cache = new MemorySessionCache();
      cache.put('key', ticket(now));
      const { transport, written } = closingTransport();
      await connectTls(transport, { ...options, now: () => now, resumption: { cache, key: 'key' } }).catch(
        () => undefined,
      );
      hellos.push(written[0] as Uint8Array);
    }
    expect(hellos.map(sessionIdLength)).toEqual([32, 32]);
    expect(hellos[0]!.subarray(44, 76)).not.toEqual(hellos[1]!.subarray(44, 76));
    const { transport, written } = closingTransport();
    await connectTls(transport, options).catch(() => undefined);
    expect(sessionIdLength(written[0] as Uint8Array)).toBe(0);
  });
});
