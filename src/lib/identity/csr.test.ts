import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatPem, parsePem } from '../bytes/pem';
import { createCsr, parseCsr } from './csr';
import { CsrError } from './errors';
import { generateIdentityKey, type KeyKind } from './keys';
import { opensslOk, scratch } from '../../../tests/support/openssl';

const files = scratch();
afterAll(() => files.remove());

const fields = { mailbox: 'carol', displayName: 'Carol C.', host: 'hive.example' };

describe('createCsr', () => {
  for (const kind of ['ec', 'rsa', 'ed25519'] as KeyKind[]) {
    it(`makes a ${kind} PKCS#10 request that openssl req -verify accepts and parseCsr reads back`, async () => {
      const key = await generateIdentityKey(kind, { extractable: false });
      const der = await createCsr(key, fields);
      const pem = formatPem('CERTIFICATE REQUEST', der);
      const path = files.path(`req-${kind}.pem`, pem);
      const result = opensslOk(['req', '-verify', '-noout', '-text', '-nameopt', 'utf8', '-in', path]);
      expect(result).toContain('Subject: CN=Carol C., UID=carol');
      expect(result).toContain('DNS:hive.example');

      const parsed = await parseCsr(der);
      expect(parsed).toMatchObject({
        uid: 'carol',
        commonName: 'Carol C.',
        dnsNames: ['hive.example'],
        signatureValid: true,
      });
      expect(parsed.spki).toEqual(key.spki);
    });
  }

  it('reads a request made by openssl', async () => {
    const pem = opensslOk([
      ...'req -new -newkey rsa:2048 -nodes -keyout'.split(' '),
      files.path('openssl-req.key'),
      ...'-subj /CN=Dave/UID=dave -addext subjectAltName=DNS:d.example,DNS:alt.example'.split(' '),
    ]);
    const parsed = await parseCsr(parsePem(pem)[0]!.der);
    expect(parsed).toMatchObject({
      uid: 'dave',
      commonName: 'Dave',
      dnsNames: ['d.example', 'alt.example'],
      publicKeyAlgorithm: 'rsa',
      signatureValid: true,
    });
  });

  it('reports a request whose signature does not match its content', async () => {
    const key = await generateIdentityKey('ec', { extractable: false });
    const der = await createCsr(key, fields);
    const tampered = der.slice();
    const at = tampered.indexOf(0x63); // the "c" of "carol" in the subject
    tampered[at] = 0x6b;
    const parsed = await parseCsr(tampered);
    expect(parsed.uid).toBe('karol');
    expect(parsed.signatureValid).toBe(false);
  });

  it('throws CsrError on input that is not a request', async () => {
    await expect(parseCsr(new Uint8Array([0x30, 0x00]))).rejects.toThrow(CsrError);
    await expect(parseCsr(new Uint8Array([1, 2, 3]))).rejects.toThrow(CsrError);
    const key = await generateIdentityKey('ed25519', { extractable: false });
    const der = await createCsr(key, fields);
    await expect(parseCsr(der.subarray(0, der.length - 3))).rejects.toThrow(CsrError);
  });

  it('never throws anything but CsrError on random corruption', async () => {
    const key = await generateIdentityKey('ec', { extractable: false });
    const der = await createCsr(key, fields);
    await fc.assert(
      fc.asyncProperty(fc.nat(der.length - 1), fc.integer({ min: 1, max: 255 }), async (at, flip) => {
        const mutated = der.slice();
        mutated[at] = mutated[at]! ^ flip;
        try {
          const parsed = await parseCsr(mutated);
          // A change outside the signed part can leave it readable, never validly signed over other content.
          if (parsed.signatureValid) expect(parsed.uid).toBe('carol');
        } catch (error) {
          expect(error).toBeInstanceOf(CsrError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
