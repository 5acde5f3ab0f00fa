// The PSK key schedule and binder (RFC 8446 §4.2.11.2, §7.1) against RFC 8448 §4's fixed values, and the
// rules for when a ticket may be offered at all.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes/hex';
import {
  bindersLength,
  computeBinder,
  fillBinder,
  obfuscatedTicketAge,
  preSharedKeyExtension,
  pskOffer,
  pskSecrets,
} from './resumption-psk';
import { deriveSecret, emptyHash, hkdfExtract } from './key-schedule';
import type { ResumptionTicket } from './session-cache';
import { resumed } from './vectors/rfc8448-resumed';
import { simple } from './vectors/rfc8448-simple';

function rfcTicket(overrides: Partial<ResumptionTicket> = {}): ResumptionTicket {
  return {
    identity: fromHex(simple.ticket),
    psk: fromHex(resumed.psk),
    cipherSuite: 0x1301,
    ageAdd: 0xfad6aac5,
    receivedAt: 1_000,
    expiresAt: 1_000 + 30_000,
    server: { host: 'server', port: 443, chain: [], certSha256: '', spkiSha256: '' },
    clientAuthenticated: false,
    ...overrides,
  };
}

const context = { serverName: 'server', port: 443, cipherSuites: [0x1301, 0x1302], now: 1_006 };

describe('PSK key schedule (RFC 8448 §4)', () => {
  it('derives the early secret, binder finished key and handshake salt from the PSK', async () => {
    expect(toHex(await hkdfExtract('SHA-256', undefined, fromHex(resumed.psk)))).toBe(resumed.earlySecret);
    const binderKey = await deriveSecret(
      'SHA-256',
      fromHex(resumed.earlySecret),
      'res binder',
      await emptyHash('SHA-256'),
    );
    expect(toHex(binderKey)).toBe(resumed.binderKey);
    const secrets = await pskSecrets('SHA-256', fromHex(resumed.psk));
    expect(toHex(secrets.binderFinishedKey)).toBe(resumed.binderFinishedKey);
    expect(toHex(secrets.handshakeSalt)).toBe(resumed.handshakeSalt);
  });

  it('computes the binder over the truncated ClientHello', async () => {
    const hello = fromHex(resumed.clientHello);
    const truncated = hello.subarray(0, resumed.truncatedHelloLength);
    expect(hello.length - truncated.length).toBe(bindersLength('SHA-256'));
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', truncated as BufferSource));
    expect(toHex(digest)).toBe(resumed.binderHash);
    const binder = await computeBinder(
      'SHA-256',
      fromHex(resumed.binderFinishedKey),
      new Uint8Array(0),
      truncated,
    );
    expect(toHex(binder)).toBe(resumed.binder);
  });

  it('encodes pre_shared_key as the trace does and fills in the binder', async () => {
    const offer = pskOffer(rfcTicket(), context);
    expect(offer).toBeDefined();
    const extension = preSharedKeyExtension(offer!);
    expect(extension.type).toBe(41);
    const hello = fromHex(resumed.clientHello);
    // The trace's extension data: everything after the 0x0029 type and its length.
    const tail = hello.subarray(hello.length - extension.data.length);
    expect(toHex(extension.data.subarray(0, -32))).toBe(toHex(tail.subarray(0, -32)));
    const zeroed = hello.slice();
    zeroed.fill(0, zeroed.length - 32);
    await fillBinder(zeroed, offer!, new Uint8Array(0));
    expect(toHex(zeroed)).toBe(resumed.clientHello);
  });
});

describe('obfuscated_ticket_age (§4.2.11.1)', () => {
  it('adds ticket_age_add to the age in milliseconds', () => {
    expect(obfuscatedTicketAge(rfcTicket(), 1_006)).toBe(0xfad6aacb);
  });

  it('wraps modulo 2^32', () => {
    expect(obfuscatedTicketAge(rfcTicket({ ageAdd: 0xffff_fff0 }), 1_000 + 0x20)).toBe(0x10);
  });

  it('never goes negative when the clock stepped back', () => {
    expect(obfuscatedTicketAge(rfcTicket(), 500)).toBe(0xfad6aac5);
  });
});

describe('which tickets are offered', () => {
  it('offers a fresh ticket for the same name, port and hash', () => {
    expect(pskOffer(rfcTicket(), context)?.hash).toBe('SHA-256');
    expect(pskOffer(rfcTicket(), { ...context, serverName: 'SERVER' })).toBeDefined();
  });

  it('refuses an expired ticket (ticket_lifetime, §4.6.1)', () => {
    expect(pskOffer(rfcTicket(), { ...context, now: 1_000 + 30_000 })).toBeUndefined();
  });

  it('refuses a ticket claiming more than seven days', () => {
    const ticket = rfcTicket({ expiresAt: 1_000 + 8 * 24 * 3600 * 1000 });
    expect(pskOffer(ticket, context)).toBeUndefined();
  });

  it('refuses a ticket from another server name or port', () => {
    expect(pskOffer(rfcTicket(), { ...context, serverName: 'other' })).toBeUndefined();
    expect(pskOffer(rfcTicket(), { ...context, port: 1965 })).toBeUndefined();
  });

  it('refuses a ticket whose hash no offered suite uses (§4.2.11)', () => {
    expect(pskOffer(rfcTicket(), { ...context, cipherSuites: [0x1302] })).toBeUndefined();
    expect(pskOffer(rfcTicket({ cipherSuite: 0x1302 }), { ...context, cipherSuites: [0x1302] })?.hash).toBe(
      'SHA-384',
    );
    expect(pskOffer(rfcTicket({ cipherSuite: 0x1303 }), context)).toBeUndefined();
  });
});
