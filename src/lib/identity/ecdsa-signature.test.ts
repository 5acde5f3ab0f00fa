import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DerError } from '../bytes/der';
import { derToP1363, p1363ToDer } from './ecdsa-signature';

describe('ECDSA signature encodings', () => {
  it('round-trips r||s through Ecdsa-Sig-Value for every curve size, including leading zeros', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(32, 48, 66),
        fc.uint8Array({ minLength: 132, maxLength: 132 }),
        fc.nat(4),
        (size, bytes, zeros) => {
          const raw = bytes.slice(0, size * 2);
          raw.fill(0, 0, zeros);
          raw.fill(0, size, size + zeros);
          expect(derToP1363(p1363ToDer(raw), size)).toEqual(raw);
        },
      ),
    );
  });

  it('verifies what WebCrypto signs once converted, as X.509 carries it', async () => {
    const { privateKey, publicKey } = (await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const data = new TextEncoder().encode('tbs');
    const raw = new Uint8Array(
      await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, data),
    );
    const der = p1363ToDer(raw);
    expect(der[0]).toBe(0x30);
    const back = derToP1363(der, 32);
    expect(
      await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, back as BufferSource, data),
    ).toBe(true);
  });

  it('rejects components larger than the curve and malformed input', () => {
    const big = p1363ToDer(new Uint8Array(98).fill(0x7f));
    expect(() => derToP1363(big, 32)).toThrow(DerError);
    expect(() => derToP1363(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), 32)).toThrow(DerError);
    expect(() => p1363ToDer(new Uint8Array(3))).toThrow(DerError);
  });
});
