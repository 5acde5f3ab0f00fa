// CertificateVerify checks that do not depend on a live server: scheme/key consistency and key strength.
import { describe, expect, it } from 'vitest';
import { TlsError } from './errors';
import { SignatureScheme, offeredSignatureSchemes } from './signature-schemes';
import { certificateVerifyContent, verifyServerSignature } from './signature-verify';

const content = certificateVerifyContent('server', new Uint8Array(32).fill(9));

async function rsaPss(bits: number) {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSA-PSS', modulusLength: bits, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  const signature = new Uint8Array(
    await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, pair.privateKey, content as BufferSource),
  );
  return { spki, signature };
}

async function ecdsa(curve: 'P-256' | 'P-384') {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
}

async function failure(promise: Promise<unknown>): Promise<TlsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TlsError);
  return error as TlsError;
}

describe('verifyServerSignature', () => {
  it('accepts RSA-PSS from a 2048-bit key and refuses a 1024-bit one (insufficient_security)', async () => {
    const strong = await rsaPss(2048);
    await verifyServerSignature(
      SignatureScheme.rsaPssRsaeSha256,
      offeredSignatureSchemes,
      strong.spki,
      'rsa',
      content,
      strong.signature,
    );
    const weak = await rsaPss(1024);
    const error = await failure(
      verifyServerSignature(
        SignatureScheme.rsaPssRsaeSha256,
        offeredSignatureSchemes,
        weak.spki,
        'rsa',
        content,
        weak.signature,
      ),
    );
    expect(error.code).toBe('insufficient_security');
    expect(error.message).toMatch(/1024-bit RSA key/);
  });

  it('refuses rsa_pkcs1 in CertificateVerify although it is offered for certificates (§4.4.3)', async () => {
    const key = await rsaPss(2048);
    expect(offeredSignatureSchemes).toContain(SignatureScheme.rsaPkcs1Sha256);
    const error = await failure(
      verifyServerSignature(
        SignatureScheme.rsaPkcs1Sha256,
        offeredSignatureSchemes,
        key.spki,
        'rsa',
        content,
        key.signature,
      ),
    );
    expect(error.code).toBe('illegal_parameter');
  });

  it('refuses an ECDSA scheme whose curve differs from the leaf key', async () => {
    const p256 = await ecdsa('P-256');
    const error = await failure(
      verifyServerSignature(
        SignatureScheme.ecdsaSecp384r1Sha384,
        offeredSignatureSchemes,
        p256,
        'ecdsa-p256',
        content,
        new Uint8Array(8),
      ),
    );
    expect(error.code).toBe('illegal_parameter');
    const ed = await failure(
      verifyServerSignature(
        SignatureScheme.ed25519,
        offeredSignatureSchemes,
        p256,
        'ecdsa-p256',
        content,
        new Uint8Array(64),
      ),
    );
    expect(ed.code).toBe('illegal_parameter');
  });

  it('refuses a scheme we did not offer even if it fits the key', async () => {
    const p256 = await ecdsa('P-256');
    const error = await failure(
      verifyServerSignature(
        SignatureScheme.ecdsaSecp256r1Sha256,
        [SignatureScheme.ed25519],
        p256,
        'ecdsa-p256',
        content,
        new Uint8Array(8),
      ),
    );
    expect(error.code).toBe('illegal_parameter');
  });
});
