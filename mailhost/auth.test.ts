import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selfSignedIdentity } from '../tests/support/mailhost-client';
import { senderFromCertificate } from './auth';

const derOf = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);

describe('senderFromCertificate', () => {
  it('gives the same sender for a certificate seen again, and still checks its validity each time', async () => {
    const identity = await selfSignedIdentity('alice', 'example.org', { displayName: 'Alice' });
    const der = derOf(identity.certPem);
    const now = Date.now();
    const first = await senderFromCertificate(der, now);
    const again = await senderFromCertificate(der, now);
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    expect(again.sender.text).toBe('alice@example.org');
    expect(again.sender.fingerprint).toBe(identity.fingerprint);
    expect(again.blurb).toBe('Alice');
    // The parse is remembered; the clock is not.
    const later = await senderFromCertificate(der, now + 20 * 365 * 24 * 3600 * 1000);
    expect(later).toEqual({ ok: false, reason: 'certificate expired' });
    const earlier = await senderFromCertificate(der, now - 365 * 24 * 3600 * 1000);
    expect(earlier).toEqual({ ok: false, reason: 'certificate not yet valid' });
  });

  it('rejects an unreadable certificate every time it is offered', async () => {
    const junk = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    for (let i = 0; i < 2; i++) {
      const result = await senderFromCertificate(junk, Date.now());
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/^certificate not readable/);
    }
  });
});
