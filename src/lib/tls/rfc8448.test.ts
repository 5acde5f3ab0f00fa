// Replays RFC 8448 §3 (simple 1-RTT), §5 (HelloRetryRequest) and §6 (client authentication) through the
// sans-IO core with the RFC's randomness and ephemeral keys injected. Every deterministic value must match
// byte for byte; the RSA-PSS client signature of §6 is randomised, so the trace's own signature is handed
// to the client after checking it verifies over exactly the content our client asked to sign.
import { describe, expect, it } from 'vitest';
import { concat } from '../bytes/concat';
import { fromHex, toHex } from '../bytes/hex';
import { parseCertificate as parseX509 } from '../identity/x509';
import { clientAuth } from './vectors/rfc8448-client-auth';
import { helloRetry } from './vectors/rfc8448-hrr';
import { simple } from './vectors/rfc8448-simple';
import { rfc8448Core } from './vectors/rfc8448-core';
import { fixedKeyShares, fixedRandom, orderedHook, p256Share, x25519Share } from './vectors/fixed-key-shares';

const hex = (bytes: Uint8Array[]) => bytes.map(toHex).join('');

describe('RFC 8448 §3 simple 1-RTT handshake', () => {
  it('reproduces every message, secret and record of the trace', async () => {
    const { core, secrets, seen } = rfc8448Core({
      random: fixedRandom(simple.clientRandom),
      keyShares: fixedKeyShares({ 0x001d: () => x25519Share(simple.clientPrivateKey) }),
      clientHelloHook: orderedHook({
        1: [0x0000, 0xff01, 0x000a, 0x0023, 0x0033, 0x002b, 0x000d, 0x002d, 0x001c],
      }),
    });
    const hello = await core.start();
    expect(hex(hello.records)).toBe(simple.clientHelloRecord);

    const flight = await core.feed(fromHex(simple.serverHelloRecord + simple.serverHandshakeRecord));
    expect(flight.error).toBeUndefined();
    expect(core.handshakeComplete).toBe(true);
    expect(hex(flight.records)).toBe(simple.clientFinishedRecord);
    expect(flight.data).toEqual([]);

    await core.idle();
    expect(secrets.get('HANDSHAKE_SECRET')).toBe(simple.handshakeSecret);
    expect(secrets.get('CLIENT_HANDSHAKE_TRAFFIC_SECRET')).toBe(simple.clientHandshakeTrafficSecret);
    expect(secrets.get('SERVER_HANDSHAKE_TRAFFIC_SECRET')).toBe(simple.serverHandshakeTrafficSecret);
    expect(secrets.get('MASTER_SECRET')).toBe(simple.masterSecret);
    expect(secrets.get('CLIENT_TRAFFIC_SECRET_0')).toBe(simple.clientApplicationTrafficSecret);
    expect(secrets.get('SERVER_TRAFFIC_SECRET_0')).toBe(simple.serverApplicationTrafficSecret);
    expect(secrets.get('EXPORTER_SECRET')).toBe(simple.exporterMasterSecret);
    expect(secrets.get('RESUMPTION_MASTER_SECRET')).toBeUndefined();
    expect(toHex(await core.handshake.resumptionMasterSecret())).toBe(simple.resumptionMasterSecret);
    expect(secrets.get('RESUMPTION_MASTER_SECRET')).toBe(simple.resumptionMasterSecret);
    expect(core.cipherSuite?.name).toBe('TLS_AES_128_GCM_SHA256');

    // The trust callback saw the RFC's RSA certificate.
    const leaf = fromHex(simple.serverCertificate).subarray(11, -2);
    const expectedFingerprint = toHex(
      new Uint8Array(await crypto.subtle.digest('SHA-256', leaf as BufferSource)),
    );
    expect(seen.map((info) => info.certSha256)).toEqual([expectedFingerprint]);
    expect(toHex(core.server?.chain[0] ?? new Uint8Array())).toBe(toHex(leaf));
    expect(core.server?.spkiSha256).toBe(
      toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', parseX509(leaf).spki as BufferSource))),
    );

    // NewSessionTicket is kept, never returned as data.
    const ticket = await core.feed(fromHex(simple.newSessionTicketRecord));
    expect(ticket.data).toEqual([]);
    expect(core.tickets).toHaveLength(1);
    expect(toHex(core.tickets[0]?.ticket ?? new Uint8Array())).toBe(simple.ticket);
    // RFC 8448 §4 resumes with this PSK, derived from the §3 session's resumption_master_secret.
    expect(toHex(core.tickets[0]?.psk ?? new Uint8Array())).toBe(
      '4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3',
    );

    const sent = await core.write(fromHex(simple.applicationData));
    expect(hex(sent.records)).toBe(simple.clientApplicationRecord);
    const received = await core.feed(fromHex(simple.serverApplicationRecord));
    expect(hex(received.data)).toBe(simple.applicationData);

    const closed = await core.feed(fromHex(simple.serverCloseNotifyRecord));
    expect(closed.closed).toBe(true);
    expect(hex((await core.close()).records)).toBe(simple.clientCloseNotifyRecord);
  });

  it('accepts the server flight one byte at a time', async () => {
    const { core } = rfc8448Core({
      random: fixedRandom(simple.clientRandom),
      keyShares: fixedKeyShares({ 0x001d: () => x25519Share(simple.clientPrivateKey) }),
      clientHelloHook: orderedHook({
        1: [0x0000, 0xff01, 0x000a, 0x0023, 0x0033, 0x002b, 0x000d, 0x002d, 0x001c],
      }),
    });
    await core.start();
    const bytes = fromHex(simple.serverHelloRecord + simple.serverHandshakeRecord);
    const records: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++)
      records.push(...(await core.feed(bytes.subarray(i, i + 1))).records);
    expect(hex(records)).toBe(simple.clientFinishedRecord);
  });
});

describe('RFC 8448 §5 HelloRetryRequest', () => {
  it('answers the HRR with the trace second ClientHello and reaches the trace client Finished', async () => {
    const padding = new Uint8Array(0xaf);
    const { core, seen } = rfc8448Core({
      random: fixedRandom(helloRetry.clientRandom),
      supportedGroups: [0x001d, 0x0017, 0x0018],
      keyShares: fixedKeyShares({
        0x001d: () => x25519Share(helloRetry.clientX25519PrivateKey),
        0x0017: () => p256Share(helloRetry.clientP256PrivateKey, helloRetry.clientP256PublicKey),
      }),
      clientHelloHook: orderedHook(
        {
          1: [0x0000, 0xff01, 0x000a, 0x0033, 0x002b, 0x000d, 0x002d, 0x001c],
          2: [0x0000, 0xff01, 0x000a, 0x0033, 0x002b, 0x000d, 0x002c, 0x002d, 0x001c, 0x0015],
        },
        {
          0xff01: Uint8Array.of(0),
          0x002d: Uint8Array.of(1, 1),
          0x001c: Uint8Array.of(0x40, 1),
          0x0015: padding,
        },
      ),
    });
    expect(hex((await core.start()).records)).toBe(helloRetry.clientHello1Record);
    const second = await core.feed(fromHex(helloRetry.helloRetryRequestRecord));
    expect(second.error).toBeUndefined();
    expect(hex(second.records)).toBe(helloRetry.clientHello2Record);
    const flight = await core.feed(fromHex(helloRetry.serverHelloRecord + helloRetry.serverHandshakeRecord));
    expect(flight.error).toBeUndefined();
    expect(hex(flight.records)).toBe(helloRetry.clientFinishedRecord);
    expect(seen).toHaveLength(1);
    expect((await core.feed(fromHex(helloRetry.serverCloseNotifyRecord))).closed).toBe(true);
    expect(hex((await core.close()).records)).toBe(helloRetry.clientCloseNotifyRecord);
  });
});

describe('RFC 8448 §6 client authentication', () => {
  it('sends the trace Certificate, CertificateVerify and Finished', async () => {
    const certificateDer = fromHex(clientAuth.clientCertificate).subarray(11, -2);
    const traceSignature = fromHex(clientAuth.clientCertificateVerify).subarray(8);
    // Any RSA-PSS/SHA-256 key: it only tells the client which scheme it can use. The trace's key is unpublished.
    const { privateKey } = (await crypto.subtle.generateKey(
      { name: 'RSA-PSS', modulusLength: 1024, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const clientPublic = await crypto.subtle.importKey(
      'spki',
      parseX509(certificateDer).spki as BufferSource,
      { name: 'RSA-PSS', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    const signed: Uint8Array[] = [];
    const { core, secrets } = rfc8448Core({
      random: fixedRandom(clientAuth.clientRandom),
      keyShares: fixedKeyShares({ 0x001d: () => x25519Share(clientAuth.clientPrivateKey) }),
      clientHelloHook: orderedHook({ 1: [0x0000, 0xff01, 0x000a, 0x0033, 0x002b, 0x000d, 0x002d, 0x001c] }),
      identity: {
        certificateChain: [certificateDer],
        privateKey,
        sign: async (scheme, content) => {
          expect(scheme).toBe(0x0804);
          signed.push(content);
          return traceSignature;
        },
      },
    });
    expect(hex((await core.start()).records)).toBe(clientAuth.clientHelloRecord);
    const flight = await core.feed(fromHex(clientAuth.serverHelloRecord + clientAuth.serverHandshakeRecord));
    expect(flight.error).toBeUndefined();
    expect(core.handshake.certificateRequested).toBe(true);
    expect(core.handshake.clientCertificateSent).toBe(true);

    // The trace's signature verifies over the content our client produced: the transcript matches the RFC's.
    expect(signed).toHaveLength(1);
    const verifies = await crypto.subtle.verify(
      { name: 'RSA-PSS', saltLength: 32 },
      clientPublic,
      traceSignature as BufferSource,
      signed[0] as BufferSource,
    );
    expect(verifies).toBe(true);
    expect(hex(flight.records)).toBe(clientAuth.clientFlightRecord);
    await core.idle();
    expect(secrets.get('CLIENT_HANDSHAKE_TRAFFIC_SECRET')).toBe(clientAuth.clientHandshakeTrafficSecret);
    expect(secrets.get('SERVER_HANDSHAKE_TRAFFIC_SECRET')).toBe(clientAuth.serverHandshakeTrafficSecret);
    expect(secrets.get('CLIENT_TRAFFIC_SECRET_0')).toBe(clientAuth.clientApplicationTrafficSecret);
    expect(secrets.get('SERVER_TRAFFIC_SECRET_0')).toBe(clientAuth.serverApplicationTrafficSecret);
    expect(secrets.get('EXPORTER_SECRET')).toBe(clientAuth.exporterMasterSecret);
    expect(toHex(await core.handshake.resumptionMasterSecret())).toBe(clientAuth.resumptionMasterSecret);
    expect((await core.feed(fromHex(clientAuth.serverCloseNotifyRecord))).closed).toBe(true);
    expect(hex((await core.close()).records)).toBe(clientAuth.clientCloseNotifyRecord);
  });

  it('signs with a real WebCrypto key: the signature verifies and the Finished covers it', async () => {
    const certificateDer = fromHex(clientAuth.clientCertificate).subarray(11, -2);
    const pair = (await crypto.subtle.generateKey(
      { name: 'RSA-PSS', modulusLength: 1024, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const { core } = rfc8448Core({
      random: fixedRandom(clientAuth.clientRandom),
      keyShares: fixedKeyShares({ 0x001d: () => x25519Share(clientAuth.clientPrivateKey) }),
      clientHelloHook: orderedHook({ 1: [0x0000, 0xff01, 0x000a, 0x0033, 0x002b, 0x000d, 0x002d, 0x001c] }),
      identity: { certificateChain: [certificateDer], privateKey: pair.privateKey },
    });
    await core.start();
    const flight = await core.feed(fromHex(clientAuth.serverHelloRecord + clientAuth.serverHandshakeRecord));
    expect(flight.error).toBeUndefined();
    expect(flight.records).toHaveLength(1);
    expect(concat(...flight.records).length).toBe(fromHex(clientAuth.clientFlightRecord).length);
  });
});
