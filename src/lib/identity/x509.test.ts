import { describe, expect, it } from 'vitest';
import { parsePem } from '../bytes/pem';
import { certificateFingerprint, CertificateError, parseCertificate } from './x509';
import {
  ecdsaAliceFingerprint,
  ecdsaAlicePem,
  ed25519EdFingerprint,
  ed25519EdPem,
  rsaHostCaFingerprint,
  rsaHostCaPem,
} from './x509.vectors';

const derOf = (pem: string) => parsePem(pem)[0]!.der;

describe('parseCertificate', () => {
  it('reads the Misfin identity fields of an ECDSA mailbox certificate', async () => {
    const certificate = parseCertificate(derOf(ecdsaAlicePem));
    expect(certificate.uid).toBe('alice');
    expect(certificate.commonName).toBe('Alice Example');
    expect(certificate.dnsNames).toEqual(['example.org']);
    expect(certificate.isCA).toBe(false);
    expect(certificate.publicKeyAlgorithm).toBe('ecdsa-p256');
    expect(certificate.notAfter.getTime() - certificate.notBefore.getTime()).toBe(3650 * 86400_000);
    expect(await certificateFingerprint(certificate.der)).toBe(ecdsaAliceFingerprint);
  });

  it('reads an RSA host CA certificate', async () => {
    const certificate = parseCertificate(derOf(rsaHostCaPem));
    expect(certificate.uid).toBe('admin');
    expect(certificate.isCA).toBe(true);
    expect(certificate.publicKeyAlgorithm).toBe('rsa');
    expect(certificate.signatureAlgorithm).toBe('1.2.840.113549.1.1.11');
    expect(certificate.issuer.der).toEqual(certificate.subject.der);
    expect(await certificateFingerprint(certificate.der)).toBe(rsaHostCaFingerprint);
  });

  it('gives an SPKI that WebCrypto imports', async () => {
    const certificate = parseCertificate(derOf(ed25519EdPem));
    expect(certificate.publicKeyAlgorithm).toBe('ed25519');
    const key = await crypto.subtle.importKey(
      'spki',
      certificate.spki as BufferSource,
      { name: 'Ed25519' },
      true,
      ['verify'],
    );
    expect(key.type).toBe('public');
    expect(await certificateFingerprint(certificate.der)).toBe(ed25519EdFingerprint);
  });

  it('refuses truncated and corrupted input with a CertificateError', () => {
    const der = derOf(ecdsaAlicePem);
    expect(() => parseCertificate(der.subarray(0, der.length - 1))).toThrow(CertificateError);
    expect(() => parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow(CertificateError);
    const corrupted = der.slice();
    corrupted[4] = 0x05;
    expect(() => parseCertificate(corrupted)).toThrow(CertificateError);
  });

  it('never throws anything but CertificateError on random mutations', () => {
    const der = derOf(rsaHostCaPem);
    for (let i = 0; i < 2000; i++) {
      const mutated = der.slice();
      const index = (i * 7919) % mutated.length;
      mutated[index] = mutated[index]! ^ (1 << (i % 8));
      try {
        parseCertificate(mutated);
      } catch (error) {
        expect(error).toBeInstanceOf(CertificateError);
      }
    }
  });
});
