// Post-handshake behaviour of the sans-IO core on top of the RFC 8448 §3 session (whose application keys
// are published): KeyUpdate both ways, close_notify, truncation, alerts as errors, unexpected messages.
import { describe, expect, it } from 'vitest';
import { concat } from '../bytes/concat';
import { fromHex, toHex } from '../bytes/hex';
import { Alert } from './alerts';
import { RecordProtection } from './aead';
import { cipherSuites, type CipherSuite } from './cipher-suites';
import { maxStoredTickets, TlsClientCore, type TlsCoreOptions } from './connection';
import { encodeHandshake } from './handshake-framing';
import { nextTrafficSecret } from './key-schedule';
import { simple } from './vectors/rfc8448-simple';
import {
  fixedKeyShares,
  fixedRandom,
  orderedHook,
  rfcAllGroups,
  rfcCipherSuites,
  rfcSignatureAlgorithms,
  x25519Share,
} from './vectors/fixed-key-shares';

const suite = cipherSuites[0x1301] as CipherSuite;

async function connected(extra: Partial<TlsCoreOptions> = {}): Promise<TlsClientCore> {
  const core = new TlsClientCore({
    // RFC 8448's server certificate holds a 1024-bit RSA key, below the default floor.
    minimumRsaModulusBits: 1024,
    ...extra,
    serverName: 'server',
    port: 443,
    cipherSuites: rfcCipherSuites,
    supportedGroups: rfcAllGroups,
    keyShareGroups: [0x001d],
    signatureAlgorithms: rfcSignatureAlgorithms,
    verifyServer: async () => undefined,
    random: fixedRandom(simple.clientRandom),
    keyShares: fixedKeyShares({ 0x001d: () => x25519Share(simple.clientPrivateKey) }),
    clientHelloHook: orderedHook({
      1: [0x0000, 0xff01, 0x000a, 0x0023, 0x0033, 0x002b, 0x000d, 0x002d, 0x001c],
    }),
  });
  await core.start();
  const out = await core.feed(fromHex(simple.serverHelloRecord + simple.serverHandshakeRecord));
  expect(out.error).toBeUndefined();
  return core;
}

/** The server's side of the session: seals records with the server application key, in sequence. */
async function serverWriter(secretHex = simple.serverApplicationTrafficSecret) {
  return RecordProtection.fromSecret(suite, fromHex(secretHex));
}

describe('post-handshake', () => {
  it('answers KeyUpdate(update_requested) and switches both keys', async () => {
    const core = await connected();
    const server = await serverWriter();
    const update = await server.seal(22, encodeHandshake(24, Uint8Array.of(1)));
    const out = await core.feed(update);
    expect(out.error).toBeUndefined();
    expect(out.records).toHaveLength(1);
    // Our KeyUpdate(update_not_requested) goes out under the old client key...
    const clientOld = await RecordProtection.fromSecret(
      suite,
      fromHex(simple.clientApplicationTrafficSecret),
    );
    const reply = out.records[0] as Uint8Array;
    const opened = await clientOld.open(reply.subarray(0, 5), reply.subarray(5));
    expect(opened.type).toBe(22);
    expect(toHex(opened.content)).toBe('1800000100');
    // ...and later data under the next one.
    const nextClient = await nextTrafficSecret('SHA-256', fromHex(simple.clientApplicationTrafficSecret));
    const clientNew = await RecordProtection.fromSecret(suite, nextClient);
    const sent = (await core.write(new TextEncoder().encode('after update'))).records[0] as Uint8Array;
    expect(
      new TextDecoder().decode((await clientNew.open(sent.subarray(0, 5), sent.subarray(5))).content),
    ).toBe('after update');
    // The server now writes with its next key too.
    const nextServer = await nextTrafficSecret('SHA-256', fromHex(simple.serverApplicationTrafficSecret));
    const serverNew = await RecordProtection.fromSecret(suite, nextServer);
    const data = await core.feed(await serverNew.seal(23, new TextEncoder().encode('server after update')));
    expect(new TextDecoder().decode(data.data[0])).toBe('server after update');
  });

  it('initiates a KeyUpdate on request', async () => {
    const core = await connected();
    const out = await core.updateKeys(true);
    const clientOld = await RecordProtection.fromSecret(
      suite,
      fromHex(simple.clientApplicationTrafficSecret),
    );
    const record = out.records[0] as Uint8Array;
    expect(toHex((await clientOld.open(record.subarray(0, 5), record.subarray(5))).content)).toBe(
      '1800000101',
    );
  });

  it('rejects a KeyUpdate with a bad value, and one not on a record boundary', async () => {
    const core = await connected();
    const server = await serverWriter();
    const bad = await core.feed(await server.seal(22, encodeHandshake(24, Uint8Array.of(2))));
    expect(bad.error?.code).toBe('illegal_parameter');

    const second = await connected();
    const server2 = await serverWriter();
    const glued = new Uint8Array([...encodeHandshake(24, Uint8Array.of(0)), 4, 0]);
    expect((await second.feed(await server2.seal(22, glued))).error?.code).toBe('unexpected_message');
  });

  it('refuses a post-handshake CertificateRequest (not offered)', async () => {
    const core = await connected();
    const server = await serverWriter();
    const request = encodeHandshake(13, fromHex('0100000400000000'));
    const out = await core.feed(await server.seal(22, request));
    expect(out.error?.code).toBe('unexpected_message');
    expect(out.error?.alert).toBe(Alert.unexpectedMessage);
  });

  it('turns a received alert into a typed error, never data', async () => {
    const core = await connected();
    const server = await serverWriter();
    const out = await core.feed(await server.seal(21, Uint8Array.of(2, 116)));
    expect(out.data).toEqual([]);
    expect(out.error?.code).toBe('certificate_required');
    expect(out.error?.remote).toBe(true);
    expect(out.error?.message).toMatch(/server requires a client certificate/);
    expect(out.records).toEqual([]);
  });

  it('refuses zero-length and malformed alert records', async () => {
    const core = await connected();
    const server = await serverWriter();
    expect((await core.feed(await server.seal(21, new Uint8Array(0)))).error?.code).toBe(
      'unexpected_message',
    );
    const other = await connected();
    const server2 = await serverWriter();
    expect((await other.feed(await server2.seal(21, Uint8Array.of(2, 40, 0)))).error?.code).toBe(
      'decode_error',
    );
  });

  it('reports EOF without close_notify as truncation, and EOF after it as clean', async () => {
    const core = await connected();
    expect((await core.endOfStream()).error?.code).toBe('truncated');

    const clean = await connected();
    const server = await serverWriter();
    const closed = await clean.feed(await server.seal(21, Uint8Array.of(1, 0)));
    expect(closed.closed).toBe(true);
    expect((await clean.endOfStream()).error).toBeUndefined();
  });

  it('refuses a change_cipher_spec after the handshake and an unprotected record', async () => {
    const core = await connected();
    expect((await core.feed(Uint8Array.of(20, 3, 3, 0, 1, 1))).error?.code).toBe('unexpected_message');
    const other = await connected();
    expect((await other.feed(Uint8Array.of(22, 3, 3, 0, 4, 4, 0, 0, 0))).error?.code).toBe(
      'unexpected_message',
    );
  });

  it('splits large writes into 2^14-byte records', async () => {
    const core = await connected();
    const out = await core.write(new Uint8Array(40_000));
    expect(out.records.map((r) => r.length)).toEqual([16384 + 22, 16384 + 22, 7232 + 22]);
  });

  it('rekeys with KeyUpdate before the write key covers too many records (§5.5)', async () => {
    const core = await connected({ keyUpdateAfterRecords: 3 });
    const clientOld = await RecordProtection.fromSecret(
      suite,
      fromHex(simple.clientApplicationTrafficSecret),
    );
    const nextClient = await nextTrafficSecret('SHA-256', fromHex(simple.clientApplicationTrafficSecret));
    const clientNew = await RecordProtection.fromSecret(suite, nextClient);
    const open = async (protection: RecordProtection, record: Uint8Array) =>
      protection.open(record.subarray(0, 5), record.subarray(5));
    const first = (await core.write(Uint8Array.of(1))).records;
    const second = (await core.write(Uint8Array.of(2))).records;
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    // The third record would reach the limit: a KeyUpdate(update_not_requested) goes first, under the old key.
    const third = (await core.write(Uint8Array.of(3))).records;
    expect(third).toHaveLength(2);
    await open(clientOld, first[0] as Uint8Array);
    await open(clientOld, second[0] as Uint8Array);
    const update = await open(clientOld, third[0] as Uint8Array);
    expect(toHex(update.content)).toBe('1800000100');
    expect(toHex((await open(clientNew, third[1] as Uint8Array)).content)).toBe('03');
  });

  it('keeps at most a few session tickets however many the server sends', async () => {
    const core = await connected();
    const server = await serverWriter();
    const ticket = (n: number) =>
      encodeHandshake(4, fromHex(`00001c20${'00000000'}01${n.toString(16).padStart(2, '0')}0002abcd0000`));
    for (let n = 0; n < maxStoredTickets + 5; n++) {
      const out = await core.feed(await server.seal(22, ticket(n)));
      expect(out.error).toBeUndefined();
    }
    expect(core.tickets).toHaveLength(maxStoredTickets);
    expect(core.tickets.at(-1)?.nonce).toEqual(Uint8Array.of(maxStoredTickets + 4));
  });

  it('ignores records after close_notify (§6.1) and refuses writes after our close', async () => {
    const core = await connected();
    const server = await serverWriter();
    const closing = concat(
      await server.seal(21, Uint8Array.of(1, 0)),
      await server.seal(23, new TextEncoder().encode('after close')),
    );
    const out = await core.feed(closing);
    expect(out.closed).toBe(true);
    expect(out.data).toEqual([]);
    expect(out.error).toBeUndefined();
    const later = await core.feed(await server.seal(23, new TextEncoder().encode('later')));
    expect(later.data).toEqual([]);
    await core.close();
    await expect(core.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'closed' });
  });

  it('user_canceled then close_notify ends the connection cleanly, with no data in between', async () => {
    const core = await connected();
    const server = await serverWriter();
    const out = await core.feed(
      concat(await server.seal(21, Uint8Array.of(1, 90)), await server.seal(21, Uint8Array.of(1, 0))),
    );
    expect(out.error).toBeUndefined();
    expect(out.closed).toBe(true);
  });
});
