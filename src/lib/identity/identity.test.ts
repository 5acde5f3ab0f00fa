import { describe, expect, it } from 'vitest';
import { IdentityError } from './errors';
import { createSelfSignedIdentity, keyMatchesCertificate, makeIdentity } from './identity';
import { generateIdentityKey, type KeyKind } from './keys';

describe('createSelfSignedIdentity and makeIdentity', () => {
  for (const kind of ['ec', 'rsa', 'ed25519'] as KeyKind[]) {
    it(`creates a ${kind} identity whose key signs for its certificate`, async () => {
      const identity = await createSelfSignedIdentity(
        { mailbox: 'fay', displayName: 'Fay', host: 'f.example' },
        kind,
        {
          extractable: false,
        },
      );
      expect(identity.address).toBe('fay@f.example');
      expect(identity.displayName).toBe('Fay');
      expect(identity.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(identity.privateKey.extractable).toBe(false);
      expect(identity.privateKey.usages).toEqual(['sign']);
      expect(await keyMatchesCertificate(identity.privateKey, identity.certificate)).toBe(true);
    });
  }

  it('generates keys of the requested kind, RSA as RSA-PSS/SHA-256', async () => {
    const rsa = await generateIdentityKey('rsa', { extractable: false });
    expect(rsa.privateKey.algorithm).toMatchObject({
      name: 'RSA-PSS',
      modulusLength: 2048,
      hash: { name: 'SHA-256' },
    });
    expect(rsa.publicKey.extractable).toBe(true);
    const ec = await generateIdentityKey('ec', { extractable: true });
    expect(ec.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(ec.privateKey.extractable).toBe(true);
  });

  it('refuses a key from another identity', async () => {
    const a = await createSelfSignedIdentity({ mailbox: 'a', host: 'x.example' }, 'ec', {
      extractable: false,
    });
    const b = await createSelfSignedIdentity({ mailbox: 'b', host: 'x.example' }, 'ec', {
      extractable: false,
    });
    await expect(makeIdentity(a.certificateChain, b.privateKey)).rejects.toThrow(IdentityError);
    await expect(makeIdentity([], a.privateKey)).rejects.toThrow(/needs a certificate/);
  });
});
