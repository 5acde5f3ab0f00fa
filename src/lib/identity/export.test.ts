import { describe, expect, it } from 'vitest';
import { IdentityError, WrappedIdentityError, WrongPassphraseError } from './errors';
import { exportIdentityPem, exportWrappedIdentity, importWrappedIdentity, wrapIterations } from './export';
import { createSelfSignedIdentity } from './identity';
import { importIdentityPem } from './import';
import type { KeyKind } from './keys';
import { opensslOk } from '../../../tests/support/openssl';

const fields = { mailbox: 'erin', displayName: 'Erin', host: 'example.net' };

describe('exportIdentityPem', () => {
  for (const kind of ['ec', 'rsa', 'ed25519'] as KeyKind[]) {
    it(`round-trips a ${kind} identity through PEM, and openssl reads the key`, async () => {
      const identity = await createSelfSignedIdentity(fields, kind, { extractable: true });
      const pem = await exportIdentityPem(identity);
      expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----[\s\S]*-----BEGIN PRIVATE KEY-----/);
      expect(opensslOk(['pkey', '-noout', '-text'], pem)).toMatch(/Private-Key/i);
      const back = await importIdentityPem(pem, { extractable: false });
      expect(back.fingerprint).toBe(identity.fingerprint);
      expect(back.address).toBe('erin@example.net');
      expect(back.privateKey.algorithm).toEqual(identity.privateKey.algorithm);
    });
  }

  it('refuses to export a non-extractable key, which WebCrypto also refuses', async () => {
    const identity = await createSelfSignedIdentity(fields, 'ec', { extractable: false });
    await expect(crypto.subtle.exportKey('pkcs8', identity.privateKey)).rejects.toThrow();
    await expect(crypto.subtle.exportKey('jwk', identity.privateKey)).rejects.toThrow();
    await expect(exportIdentityPem(identity)).rejects.toThrow(IdentityError);
    await expect(exportWrappedIdentity(identity, 'pw')).rejects.toThrow(IdentityError);
  });
});

describe('passphrase-wrapped identities', () => {
  it('round-trips every key kind, with a chain, unwrapping to a non-extractable key', async () => {
    for (const kind of ['ec', 'rsa', 'ed25519'] as KeyKind[]) {
      const identity = await createSelfSignedIdentity(fields, kind, { extractable: true });
      const ca = await createSelfSignedIdentity({ mailbox: 'admin', host: 'example.net' }, 'ec', {
        extractable: false,
        isCA: true,
      });
      identity.certificateChain.push(ca.certificateChain[0]!);
      const text = await exportWrappedIdentity(identity, 'correct horse ☃');
      const file = JSON.parse(text);
      expect(file.kdf).toMatchObject({ name: 'PBKDF2', hash: 'SHA-256', iterations: wrapIterations });
      expect(wrapIterations).toBeGreaterThanOrEqual(600_000);
      expect(file.certificates).toHaveLength(2);
      const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', identity.privateKey));
      expect(text).not.toContain(Buffer.from(pkcs8).toString('base64').slice(0, 40));

      const back = await importWrappedIdentity(text, 'correct horse ☃', { extractable: false });
      expect(back.fingerprint).toBe(identity.fingerprint);
      expect(back.certificateChain).toEqual(identity.certificateChain);
      expect(back.privateKey.extractable).toBe(false);
      await expect(crypto.subtle.exportKey('pkcs8', back.privateKey)).rejects.toThrow();
    }
  });

  it('tells a wrong passphrase from a modified file', async () => {
    const identity = await createSelfSignedIdentity(fields, 'ec', { extractable: true });
    const text = await exportWrappedIdentity(identity, 'right');
    await expect(importWrappedIdentity(text, 'wrong', { extractable: false })).rejects.toThrow(
      WrongPassphraseError,
    );

    const file = JSON.parse(text);
    const flip = (base64: string) =>
      (base64[5] === 'A' ? base64.slice(0, 5) + 'B' : base64.slice(0, 5) + 'A') + base64.slice(6);
    const tamperedKey = JSON.stringify({ ...file, wrappedKey: flip(file.wrappedKey) });
    await expect(importWrappedIdentity(tamperedKey, 'right', { extractable: false })).rejects.toThrow(
      WrappedIdentityError,
    );
    const other = await createSelfSignedIdentity(fields, 'ec', { extractable: false });
    const swappedCertificate = JSON.stringify({
      ...file,
      certificates: [Buffer.from(other.certificateChain[0]!).toString('base64')],
    });
    await expect(importWrappedIdentity(swappedCertificate, 'right', { extractable: false })).rejects.toThrow(
      WrappedIdentityError,
    );
    const weakened = JSON.stringify({ ...file, kdf: { ...file.kdf, iterations: 1000 } });
    await expect(importWrappedIdentity(weakened, 'right', { extractable: false })).rejects.toThrow(
      WrappedIdentityError,
    );
    await expect(
      importWrappedIdentity('{"format":"something else"}', 'right', { extractable: false }),
    ).rejects.toThrow(WrappedIdentityError);
    await expect(importWrappedIdentity('not json', 'right', { extractable: false })).rejects.toThrow(
      WrappedIdentityError,
    );
  });
});
