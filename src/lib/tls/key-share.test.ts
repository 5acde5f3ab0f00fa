import { describe, expect, it } from 'vitest';
import { TlsError } from './errors';
import { NamedGroup, prefetchingKeyShares, webCryptoKeyShares } from './key-share';

describe('key shares', () => {
  it('agree on the same secret as bytes and as an HKDF key', async () => {
    for (const group of [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1]) {
      const a = await webCryptoKeyShares.create(group);
      const b = await webCryptoKeyShares.create(group);
      const bits = await a.deriveSharedSecret(b.publicKey);
      expect(bits).toEqual(await b.deriveSharedSecret(a.publicKey));
      const key = await a.deriveSharedKey?.(b.publicKey);
      expect(key?.algorithm.name).toBe('HKDF');
    }
  });

  it('refuses a low-order X25519 point (all-zero shared secret) both ways', async () => {
    const share = await webCryptoKeyShares.create(NamedGroup.x25519);
    const zeroPoint = new Uint8Array(32);
    await expect(share.deriveSharedSecret(zeroPoint)).rejects.toMatchObject({ code: 'illegal_parameter' });
    await expect(share.deriveSharedKey?.(zeroPoint)).rejects.toBeInstanceOf(TlsError);
  });

  it('refuses malformed NIST points', async () => {
    const share = await webCryptoKeyShares.create(NamedGroup.secp256r1);
    await expect(share.deriveSharedSecret(new Uint8Array(65))).rejects.toMatchObject({
      code: 'illegal_parameter',
    });
    const offCurve = new Uint8Array(65).fill(1);
    offCurve[0] = 4;
    await expect(share.deriveSharedSecret(offCurve)).rejects.toMatchObject({ code: 'illegal_parameter' });
  });

  it('prefetching hands out a fresh key each time', async () => {
    const factory = prefetchingKeyShares();
    const first = await factory.create(NamedGroup.x25519);
    const second = await factory.create(NamedGroup.x25519);
    expect(first.publicKey).not.toEqual(second.publicKey);
  });
});
