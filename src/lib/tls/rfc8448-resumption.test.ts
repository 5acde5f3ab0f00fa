// Resumption through the sans-IO core, with RFC 8448 as the scripted server: §3's NewSessionTicket becomes a
// ResumptionTicket, §4's ClientHello (PSK binder included) is reproduced byte for byte, §4's ServerHello and
// server flight complete a resumed handshake with the trace's secrets. Mutations of the server's messages check
// the client's PSK rules (§4.2.11) and the resumed state machine (no certificates).
import { describe, expect, it } from 'vitest';
import { concat } from '../bytes/concat';
import { fromHex, toHex } from '../bytes/hex';
import { RecordProtection } from './aead';
import { cipherSuites, type CipherSuite } from './cipher-suites';
import { encodeHandshake } from './handshake-framing';
import { defaultKeyShares } from './key-share';
import type { ResumptionTicket } from './session-cache';
import { fixedKeyShares, fixedRandom, orderedHook, rfcExtras, x25519Share } from './vectors/fixed-key-shares';
import { resumed } from './vectors/rfc8448-resumed';
import { simple } from './vectors/rfc8448-simple';
import { rfc8448Core } from './vectors/rfc8448-core';
import { clientHelloExtensionTypes } from './vectors/client-hello-extensions';

const suite = cipherSuites[0x1301] as CipherSuite;
const hex = (bytes: Uint8Array[]) => bytes.map(toHex).join('');

/** Replays §3 and returns the ticket its NewSessionTicket yields. */
async function ticketFromSection3(): Promise<ResumptionTicket> {
  const tickets: ResumptionTicket[] = [];
  const { core: client } = rfc8448Core({
    random: fixedRandom(simple.clientRandom),
    keyShares: fixedKeyShares({ 0x001d: () => x25519Share(simple.clientPrivateKey) }),
    clientHelloHook: orderedHook({
      1: [0x0000, 0xff01, 0x000a, 0x0023, 0x0033, 0x002b, 0x000d, 0x002d, 0x001c],
    }),
    now: () => 1_000,
    onTicket: (ticket) => tickets.push(ticket),
  });
  await client.start();
  await client.feed(fromHex(simple.serverHelloRecord + simple.serverHandshakeRecord));
  const out = await client.feed(fromHex(simple.newSessionTicketRecord));
  expect(out.error).toBeUndefined();
  expect(tickets).toHaveLength(1);
  return tickets[0] as ResumptionTicket;
}

// §4's ClientHello adds early_data (never sent by us; only to reproduce the trace) and padding.
const section4Order = [0x0000, 0xff01, 0x000a, 0x0033, 0x002a, 0x002b, 0x000d, 0x002d, 0x001c, 0x0015];
const section4Extras = { ...rfcExtras, 0x002a: new Uint8Array(0), 0x0015: new Uint8Array(0x57) };

async function resumingClient(ticket: ResumptionTicket, now = 1_000 + resumed.ticketAgeMs) {
  const {
    core: client,
    secrets,
    seen,
  } = rfc8448Core({
    random: fixedRandom(resumed.clientRandom),
    keyShares: fixedKeyShares({
      0x001d: () => x25519Share(resumed.clientPrivateKey),
      0x0017: () => defaultKeyShares.create(0x0017),
    }),
    clientHelloHook: orderedHook({ 1: section4Order }, section4Extras),
    resumptionTicket: ticket,
    now: () => now,
  });
  return { client, secrets, seen };
}

/** The server's EncryptedExtensions from §4's flight, decrypted with the derived server handshake key. */
async function section4EncryptedExtensions(serverHandshakeSecret: string): Promise<Uint8Array> {
  const protection = await RecordProtection.fromSecret(suite, fromHex(serverHandshakeSecret));
  const record = fromHex(resumed.serverHandshakeRecord);
  const { content } = await protection.open(record.subarray(0, 5), record.subarray(5));
  const length = ((content[1] as number) << 16) | ((content[2] as number) << 8) | (content[3] as number);
  return content.slice(0, 4 + length);
}

describe('RFC 8448 §4 resumed handshake', () => {
  it('turns §3 NewSessionTicket into a ticket for the same server', async () => {
    const ticket = await ticketFromSection3();
    expect(toHex(ticket.identity)).toBe(simple.ticket);
    expect(toHex(ticket.psk)).toBe(resumed.psk);
    expect(ticket.ageAdd).toBe(0xfad6aac5);
    expect(ticket.expiresAt - ticket.receivedAt).toBe(30_000);
    expect(ticket.cipherSuite).toBe(0x1301);
    expect(ticket.server.host).toBe('server');
    expect(ticket.clientAuthenticated).toBe(false);
  });

  it('reproduces the ClientHello with its binder byte for byte, then the trace secrets', async () => {
    const ticket = await ticketFromSection3();
    const { client, secrets, seen } = await resumingClient(ticket);
    const hello = await client.start();
    expect(hex(hello.records)).toBe('1603010200' + resumed.clientHello);

    const afterHello = await client.feed(fromHex(resumed.serverHelloRecord));
    expect(afterHello.error).toBeUndefined();
    expect(client.resumed).toBe(true);
    expect(secrets.get('HANDSHAKE_SECRET')).toBe(resumed.handshakeSecret);
    expect(secrets.get('CLIENT_HANDSHAKE_TRAFFIC_SECRET')).toBe(resumed.clientHandshakeTrafficSecret);
    expect(secrets.get('SERVER_HANDSHAKE_TRAFFIC_SECRET')).toBe(resumed.serverHandshakeTrafficSecret);

    // EncryptedExtensions then Finished, no Certificate: the PSK authenticated the server.
    const flight = await client.feed(fromHex(resumed.serverHandshakeRecord));
    expect(flight.error).toBeUndefined();
    expect(client.handshakeComplete).toBe(true);
    expect(flight.records).toHaveLength(1);
    await client.idle();
    expect(secrets.get('CLIENT_TRAFFIC_SECRET_0')).toBe(resumed.clientApplicationTrafficSecret);
    expect(secrets.get('SERVER_TRAFFIC_SECRET_0')).toBe(resumed.serverApplicationTrafficSecret);
    expect(secrets.get('EXPORTER_SECRET')).toBe(resumed.exporterMasterSecret);
    // The trust callback ran again, on the original server's certificate info.
    expect(seen).toEqual([ticket.server]);
    expect(client.server).toBe(ticket.server);
  });

  it('refuses a selected_identity we did not send (illegal_parameter)', async () => {
    const { client } = await resumingClient(await ticketFromSection3());
    await client.start();
    const mutated = resumed.serverHelloRecord.replace('002900020000', '002900020001');
    expect(mutated).not.toBe(resumed.serverHelloRecord);
    const out = await client.feed(fromHex(mutated));
    expect(out.error?.code).toBe('illegal_parameter');
  });

  it('refuses a resumption under a suite with another hash (illegal_parameter)', async () => {
    const { client } = await resumingClient(await ticketFromSection3());
    await client.start();
    const mutated = resumed.serverHelloRecord.replace('ea2d001301', 'ea2d001302');
    expect(mutated).not.toBe(resumed.serverHelloRecord);
    const out = await client.feed(fromHex(mutated));
    expect(out.error?.code).toBe('illegal_parameter');
  });

  const certificateRequest = fromHex('0d00000b000008000d000400020403');
  for (const [name, message] of [
    ['Certificate', fromHex(simple.serverCertificate)],
    ['CertificateRequest', certificateRequest],
  ] as const) {
    it(`treats a ${name} in a resumed handshake as unexpected_message`, async () => {
      const { client, secrets } = await resumingClient(await ticketFromSection3());
      await client.start();
      await client.feed(fromHex(resumed.serverHelloRecord));
      const secret = secrets.get('SERVER_HANDSHAKE_TRAFFIC_SECRET') as string;
      const encryptedExtensions = await section4EncryptedExtensions(secret);
      const server = await RecordProtection.fromSecret(suite, fromHex(secret));
      const out = await client.feed(await server.seal(22, concat(encryptedExtensions, message)));
      expect(out.error?.code).toBe('unexpected_message');
      expect(client.handshakeComplete).toBe(false);
    });
  }

  it('does not offer an expired ticket, but still asks for new ones', async () => {
    const ticket = await ticketFromSection3();
    const { client } = await resumingClient(ticket, ticket.expiresAt);
    const hello = (await client.start()).records[0] as Uint8Array;
    const types = clientHelloExtensionTypes(hello.subarray(5));
    expect(types).not.toContain(41);
    expect(types).toContain(45);
  });
});

function helloRetryRecord(cipherSuite: number, group: number): Uint8Array {
  const hrrRandom = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
  const body = fromHex(
    '0303' +
      hrrRandom +
      '00' +
      cipherSuite.toString(16).padStart(4, '0') +
      '00' +
      '000c' +
      '002b00020304' +
      '00330002' +
      group.toString(16).padStart(4, '0'),
  );
  const message = encodeHandshake(2, body);
  return concat(Uint8Array.of(0x16, 0x03, 0x03, 0, message.length), message);
}

describe('PSK after a HelloRetryRequest (§4.1.4, §4.2.11.2)', () => {
  it('recomputes the binder over message_hash(CH1) ‖ HRR ‖ truncated CH2', async () => {
    const { client } = await resumingClient(await ticketFromSection3());
    const first = ((await client.start()).records[0] as Uint8Array).subarray(5);
    const retry = helloRetryRecord(0x1301, 0x0017);
    const out = await client.feed(retry);
    expect(out.error).toBeUndefined();
    const second = (out.records[0] as Uint8Array).subarray(5);
    expect(clientHelloExtensionTypes(second).at(-1)).toBe(41);

    const subtle = globalThis.crypto.subtle;
    const firstHash = new Uint8Array(await subtle.digest('SHA-256', first as BufferSource));
    const transcript = concat(
      encodeHandshake(254, firstHash),
      retry.subarray(5),
      second.subarray(0, second.length - 35),
    );
    const key = await subtle.importKey(
      'raw',
      fromHex(resumed.binderFinishedKey) as BufferSource,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const transcriptHash = await subtle.digest('SHA-256', transcript as BufferSource);
    const expected = new Uint8Array(await subtle.sign('HMAC', key, transcriptHash));
    expect(toHex(second.subarray(-32))).toBe(toHex(expected));
    expect(toHex(second.subarray(-32))).not.toBe(resumed.binder);
  });

  it('drops the PSK when the HRR picks a suite with another hash', async () => {
    const { client } = await resumingClient(await ticketFromSection3());
    await client.start();
    const out = await client.feed(helloRetryRecord(0x1302, 0x0017));
    expect(out.error).toBeUndefined();
    const types = clientHelloExtensionTypes((out.records[0] as Uint8Array).subarray(5));
    expect(types).not.toContain(41);
    expect(types).toContain(45);
    expect(client.resumed).toBe(false);
  });
});
