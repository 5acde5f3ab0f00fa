// TLS 1.3 session resumption (RFC 8446 §4.6.1, §4.2.11) against Node's own tls server, started here with its
// default session tickets: a full handshake, then a resumed one (no certificates exchanged) where the server
// must report a reused session and the same client certificate. Also: expired tickets and tickets for another
// key are not offered, a server that no longer knows the ticket gives a full handshake, and a binder we break
// on purpose is refused by the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTcp } from '../../src/lib/node/tcp-transport';
import {
  connectTls,
  MemorySessionCache,
  TlsError,
  type ByteTransport,
  type ServerCertificateInfo,
  type TlsClientOptions,
} from '../../src/lib/tls/client';
import {
  identityFrom,
  makeCertificate,
  normaliseFingerprint,
  removeTempDirs,
  startNodeTlsServer,
  type TestCertificate,
} from '../support/tls-peers';
import { firstRecordExtensionTypes } from '../../src/lib/tls/vectors/client-hello-extensions';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let serverCert: TestCertificate;
let clientCert: TestCertificate;
let otherClient: TestCertificate;
beforeAll(() => {
  serverCert = makeCertificate('ec', 'localhost');
  clientCert = makeCertificate('ec', 'client-resume.test');
  otherClient = makeCertificate('ed25519', 'other-client.test');
});
afterAll(() => removeTempDirs());

/** Records what we send; optionally rewrites the first write (our ClientHello record). */
function tap(transport: ByteTransport, rewriteFirst?: (bytes: Uint8Array) => Uint8Array) {
  const writes: Uint8Array[] = [];
  const tapped: ByteTransport = {
    read: () => transport.read(),
    write(bytes) {
      const out = writes.length === 0 && rewriteFirst ? rewriteFirst(bytes.slice()) : bytes;
      writes.push(out.slice());
      return transport.write(out);
    },
    close: () => transport.close(),
  };
  return { writes, tapped };
}

async function exchange(
  port: number,
  options: Partial<TlsClientOptions>,
  rewriteFirst?: (bytes: Uint8Array) => Uint8Array,
) {
  const verified: ServerCertificateInfo[] = [];
  const { writes, tapped } = tap(await connectTcp('127.0.0.1', port), rewriteFirst);
  const connection = await connectTls(tapped, {
    serverName: 'localhost',
    port,
    identity: await identityFrom(clientCert),
    verifyServer: async (info) => void verified.push(info),
    timeoutMs: 10_000,
    ...options,
  });
  await connection.write(encoder.encode('misfin'));
  const reply = decoder.decode(await connection.readAll(1024));
  await connection.close();
  return { connection, reply, verified, offered: firstRecordExtensionTypes(writes[0] as Uint8Array) };
}

describe('resumption against Node tls (tickets enabled by default)', () => {
  it('resumes with the same client certificate and round-trips data', async () => {
    const peer = await startNodeTlsServer(serverCert);
    try {
      const cache = new MemorySessionCache();
      const key = `127.0.0.1:${peer.port}:${clientCert.sha256}`;
      const first = await exchange(peer.port, { resumption: { cache, key } });
      expect(first.connection.resumed).toBe(false);
      expect(first.offered).toContain(45); // asks for tickets (psk_key_exchange_modes)
      expect(first.offered).not.toContain(41);
      expect(cache.count(key)).toBeGreaterThan(0);

      const second = await exchange(peer.port, { resumption: { cache, key } });
      expect(second.connection.resumed).toBe(true);
      expect(second.offered.at(-1)).toBe(41); // pre_shared_key last (§4.2.11)
      expect(second.reply).toBe('hello misfin');
      expect(second.connection.server.certSha256).toBe(serverCert.sha256);
      // The trust callback runs on resumption too, with the original server's certificate.
      expect(second.verified.map((info) => info.certSha256)).toEqual([serverCert.sha256]);
      expect(peer.seen.map((s) => s.reused)).toEqual([false, true]);
      expect(peer.seen.map((s) => normaliseFingerprint(s.fingerprint ?? ''))).toEqual([
        clientCert.sha256,
        clientCert.sha256,
      ]);

      // The resumed connection got fresh tickets, so resumption chains.
      const third = await exchange(peer.port, { resumption: { cache, key } });
      expect(third.connection.resumed).toBe(true);
      expect(peer.seen.at(-1)?.reused).toBe(true);
    } finally {
      await peer.close();
    }
  });

  it('re-runs the trust callback on resumption: a pin revoked since the ticket refuses the connection', async () => {
    const peer = await startNodeTlsServer(serverCert);
    try {
      const cache = new MemorySessionCache();
      const key = `127.0.0.1:${peer.port}:${clientCert.sha256}`;
      await exchange(peer.port, { resumption: { cache, key } });
      const seen: ServerCertificateInfo[] = [];
      const failure = await exchange(peer.port, {
        resumption: { cache, key },
        verifyServer: async (info) => {
          seen.push(info);
          throw new Error('pin revoked');
        },
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TlsError);
      expect((failure as TlsError).code).toBe('bad_certificate');
      expect(seen.map((info) => info.certSha256)).toEqual([serverCert.sha256]);
      // We refused before sending our Finished, so the server never completed the second handshake.
      expect(peer.seen).toHaveLength(1);
    } finally {
      await peer.close();
    }
  });

  it('does not offer an expired ticket', async () => {
    const peer = await startNodeTlsServer(serverCert);
    try {
      let now = Date.now();
      const cache = new MemorySessionCache({ clock: () => now });
      const key = `127.0.0.1:${peer.port}:${clientCert.sha256}`;
      await exchange(peer.port, { resumption: { cache, key }, now: () => now });
      now += 8 * 24 * 3600 * 1000;
      const second = await exchange(peer.port, { resumption: { cache, key }, now: () => now });
      expect(second.offered).not.toContain(41);
      expect(second.connection.resumed).toBe(false);
      expect(peer.seen.map((s) => s.reused)).toEqual([false, false]);
    } finally {
      await peer.close();
    }
  });

  it('does not use a ticket stored under another key (other client identity)', async () => {
    const peer = await startNodeTlsServer(serverCert);
    try {
      const cache = new MemorySessionCache();
      const alice = `127.0.0.1:${peer.port}:${clientCert.sha256}`;
      const bob = `127.0.0.1:${peer.port}:${otherClient.sha256}`;
      await exchange(peer.port, { resumption: { cache, key: alice } });
      const held = cache.count(alice);
      const second = await exchange(peer.port, {
        resumption: { cache, key: bob },
        identity: await identityFrom(otherClient),
      });
      expect(second.offered).not.toContain(41);
      expect(second.connection.resumed).toBe(false);
      expect(cache.count(alice)).toBe(held);
      expect(normaliseFingerprint(peer.seen.at(-1)?.fingerprint ?? '')).toBe(otherClient.sha256);
    } finally {
      await peer.close();
    }
  });

  it('falls back to a full, fully verified handshake when the server ignores the PSK', async () => {
    const peer = await startNodeTlsServer(serverCert);
    try {
      const cache = new MemorySessionCache();
      const key = `127.0.0.1:${peer.port}:${clientCert.sha256}`;
      await exchange(peer.port, { resumption: { cache, key } });
      // New ticket keys: the server can no longer open the tickets it issued.
      peer.server.setTicketKeys(globalThis.crypto.getRandomValues(new Uint8Array(48)) as Buffer);
      const second = await exchange(peer.port, { resumption: { cache, key } });
      expect(second.offered.at(-1)).toBe(41);
      expect(second.connection.resumed).toBe(false);
      expect(second.verified.map((info) => info.certSha256)).toEqual([serverCert.sha256]);
      expect(second.reply).toBe('hello misfin');
      expect(peer.seen.map((s) => s.reused)).toEqual([false, false]);
      expect(normaliseFingerprint(peer.seen.at(-1)?.fingerprint ?? '')).toBe(clientCert.sha256);
    } finally {
      await peer.close();
    }
  });

  it('a binder we corrupt on purpose is refused by the server (sanity)', async () => {
    const peer = await startNodeTlsServer(serverCert);
    try {
      const cache = new MemorySessionCache();
      const key = `127.0.0.1:${peer.port}:${clientCert.sha256}`;
      await exchange(peer.port, { resumption: { cache, key } });
      const flipLastByte = (bytes: Uint8Array) => {
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01;
        return bytes;
      };
      const failure = await exchange(peer.port, { resumption: { cache, key } }, flipLastByte).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(TlsError);
      expect((failure as TlsError).remote).toBe(true);
      expect(peer.seen).toHaveLength(1);
      // The server reports the failed handshake (its event may trail the alert it sent us).
      for (let waited = 0; peer.clientErrors.length === 0 && waited < 5_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(peer.clientErrors.length).toBeGreaterThan(0);
    } finally {
      await peer.close();
    }
  });
});
