import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { formatPem, parsePem } from '../bytes/pem';
import {
  createSelfSignedCertificate,
  issueCertificate,
  verifyCertificateSignature,
} from './certificate-builder';
import { generateIdentityKey, importPrivateKey, type KeyKind } from './keys';
import { openssl, opensslOk, scratch } from '../../../tests/support/openssl';
import { Oid } from './oids';
import { wrapPkcs1 } from './private-key';
import { certificateFingerprint, parseCertificate } from './x509';
import { ecdsaAlicePem, ed25519EdPem, rsaHostCaPem } from './x509.vectors';

const files = scratch();
afterAll(() => files.remove());

const kinds: KeyKind[] = ['ec', 'rsa', 'ed25519'];
const expectedAlgorithm = { ec: 'ecdsa-p256', rsa: 'rsa', ed25519: 'ed25519' } as const;
const expectedSignature = { ec: Oid.ecdsaWithSha256, rsa: Oid.rsaPss, ed25519: Oid.ed25519 } as const;

describe('createSelfSignedCertificate', () => {
  for (const kind of kinds) {
    it(`writes a ${kind} identity certificate that OpenSSL and Node read the same way`, async () => {
      const key = await generateIdentityKey(kind, { extractable: false });
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const der = await createSelfSignedCertificate(
        key,
        { mailbox: 'alice', displayName: 'Alice Ünïcode', host: 'mail.example.org' },
        { now, validDays: 30 },
      );
      const certificate = parseCertificate(der);
      expect(certificate.uid).toBe('alice');
      expect(certificate.commonName).toBe('Alice Ünïcode');
      expect(certificate.dnsNames).toEqual(['mail.example.org']);
      expect(certificate.isCA).toBe(false);
      expect(certificate.publicKeyAlgorithm).toBe(expectedAlgorithm[kind]);
      expect(certificate.signatureAlgorithm).toBe(expectedSignature[kind]);
      expect(certificate.spki).toEqual(key.spki);
      expect(certificate.notAfter.getTime()).toBe(now.getTime() + 30 * 86_400_000);
      expect(certificate.notBefore.getTime()).toBeLessThan(now.getTime());
      expect(certificate.serialNumber[0]! & 0x80).toBe(0);
      expect(await verifyCertificateSignature(certificate, certificate)).toBe(true);

      const pem = formatPem('CERTIFICATE', der);
      const text = opensslOk(['x509', '-noout', '-text', '-nameopt', 'utf8'], pem);
      expect(text).toContain('Version: 3');
      expect(text).toContain('DNS:mail.example.org');
      expect(text).toMatch(/CA:FALSE/);
      expect(text).toContain('Subject: CN=Alice Ünïcode, UID=alice');
      if (kind === 'rsa') {
        expect(text).toContain('Public Key Algorithm: rsaEncryption');
        expect(text).toMatch(/Signature Algorithm: rsassaPss[\s\S]*Salt Length: 0x20/);
      }
      const fingerprint = opensslOk(['x509', '-noout', '-fingerprint', '-sha256'], pem);
      expect(fingerprint.split('=')[1]!.trim().replace(/:/g, '').toLowerCase()).toBe(
        await certificateFingerprint(der),
      );
      // A self-signed end entity is its own trust anchor.
      const path = files.path(`self-${kind}.pem`, pem);
      opensslOk(['verify', '-CAfile', path, path]);

      const node = new X509Certificate(pem);
      expect(node.subject).toBe('CN=Alice Ünïcode\nUID=alice');
      expect(node.subjectAltName).toBe('DNS:mail.example.org');
      expect(node.verify(node.publicKey)).toBe(true);
      expect(node.checkIssued(node)).toBe(true);
      expect(node.ca).toBe(false);
    });
  }

  it('marks a CA with basicConstraints CA:TRUE and keyCertSign', async () => {
    const key = await generateIdentityKey('ec', { extractable: false });
    const der = await createSelfSignedCertificate(
      key,
      { mailbox: 'admin', host: 'example.org' },
      { isCA: true },
    );
    const certificate = parseCertificate(der);
    expect(certificate.isCA).toBe(true);
    expect(certificate.commonName).toBe('admin');
    const text = opensslOk(['x509', '-noout', '-text'], formatPem('CERTIFICATE', der));
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
  });

  it('refuses fields that cannot form an address', async () => {
    const key = await generateIdentityKey('ec', { extractable: false });
    await expect(createSelfSignedCertificate(key, { mailbox: 'a b', host: 'example.org' })).rejects.toThrow(
      /mailbox/,
    );
    await expect(createSelfSignedCertificate(key, { mailbox: 'a', host: 'exa mple' })).rejects.toThrow(
      /host/,
    );
  });
});

/** Host CA keys the mail host may have: generated here, or made by openssl and imported. */
async function makeCa(kind: 'ec' | 'ed25519' | 'rsa-pss' | 'rsa-pkcs1-openssl') {
  if (kind === 'rsa-pkcs1-openssl') {
    const keyPath = files.path('ca-rsa.key');
    opensslOk(['genrsa', '-traditional', '-out', keyPath, '2048']);
    const pem = opensslOk([
      ...'req -x509 -new -key'.split(' '),
      keyPath,
      ...'-sha256 -days 30 -subj'.split(' '),
      '/CN=Example host/UID=admin',
      ...'-addext subjectAltName=DNS:example.org -addext basicConstraints=critical,CA:TRUE'.split(' '),
    ]);
    const der = parsePem(pem)[0]!.der;
    const keyDer = parsePem(files.read('ca-rsa.key'))[0]!.der;
    const key = await importPrivateKey(wrapPkcs1(keyDer), 'rsa', {
      extractable: false,
      rsaScheme: 'RSASSA-PKCS1-v1_5',
    });
    return { der, key };
  }
  const key = await generateIdentityKey(kind === 'rsa-pss' ? 'rsa' : kind, { extractable: false });
  const der = await createSelfSignedCertificate(
    key,
    { mailbox: 'admin', host: 'example.org' },
    { isCA: true },
  );
  return { der, key: key.privateKey };
}

describe('issueCertificate', () => {
  for (const caKind of ['ec', 'ed25519', 'rsa-pss', 'rsa-pkcs1-openssl'] as const) {
    it(`issues a mailbox certificate signed by a ${caKind} host CA that openssl verify accepts`, async () => {
      const ca = await makeCa(caKind);
      const subject = await generateIdentityKey('ec', { extractable: false });
      const der = await issueCertificate({
        subjectSpki: subject.spki,
        fields: { mailbox: 'bob', displayName: 'Bob', host: 'example.org' },
        issuerCertificate: ca.der,
        issuerKey: ca.key,
      });
      const certificate = parseCertificate(der);
      const issuer = parseCertificate(ca.der);
      expect(certificate.issuer.der).toEqual(issuer.subject.der);
      expect(certificate.uid).toBe('bob');
      expect(await verifyCertificateSignature(certificate, issuer)).toBe(true);
      if (caKind === 'rsa-pkcs1-openssl') expect(certificate.signatureAlgorithm).toBe(Oid.sha256WithRsa);

      const caPath = files.path(`ca-${caKind}.pem`, formatPem('CERTIFICATE', ca.der));
      const leafPath = files.path(`leaf-${caKind}.pem`, formatPem('CERTIFICATE', der));
      expect(opensslOk(['verify', '-CAfile', caPath, leafPath])).toContain('OK');

      const nodeLeaf = new X509Certificate(formatPem('CERTIFICATE', der));
      const nodeCa = new X509Certificate(formatPem('CERTIFICATE', ca.der));
      expect(nodeLeaf.checkIssued(nodeCa)).toBe(true);
      expect(nodeLeaf.verify(nodeCa.publicKey)).toBe(true);

      // Another CA with the same name did not sign it.
      const other = await makeCa(caKind === 'rsa-pkcs1-openssl' ? 'ec' : caKind);
      expect(await verifyCertificateSignature(certificate, parseCertificate(other.der))).toBe(false);
      const otherPath = files.path(`other-${caKind}.pem`, formatPem('CERTIFICATE', other.der));
      expect(openssl(['verify', '-CAfile', otherPath, leafPath]).status).not.toBe(0);
    });
  }
});

describe('verifyCertificateSignature', () => {
  const der = (pem: string) => parsePem(pem)[0]!.der;

  it('verifies certificates OpenSSL signed (sha256WithRSAEncryption, ecdsa-with-SHA256, Ed25519)', async () => {
    for (const pem of [rsaHostCaPem, ecdsaAlicePem, ed25519EdPem]) {
      const certificate = parseCertificate(der(pem));
      expect(await verifyCertificateSignature(certificate, certificate)).toBe(true);
    }
  });

  it('verifies RSA-PSS and ECDSA P-384 certificates made by OpenSSL', async () => {
    const pss = opensslOk([
      ...'req -x509 -newkey rsa:2048 -nodes -keyout'.split(' '),
      files.path('pss.key'),
      ...'-sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48 -subj /UID=p -days 2'.split(' '),
    ]);
    const p384 = opensslOk([
      ...'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout'.split(' '),
      files.path('p384.key'),
      ...'-sha384 -subj /UID=q -days 2'.split(' '),
    ]);
    for (const pem of [pss, p384]) {
      const certificate = parseCertificate(der(pem));
      expect(await verifyCertificateSignature(certificate, certificate)).toBe(true);
    }
  });

  it('rejects a changed certificate and a key of the wrong type', async () => {
    const alice = parseCertificate(der(ecdsaAlicePem));
    const changed = der(ecdsaAlicePem).slice();
    const offset = changed.indexOf(0x61, 60); // a byte inside tbsCertificate's names
    changed[offset] = changed[offset]! ^ 1;
    expect(await verifyCertificateSignature(parseCertificate(changed), alice)).toBe(false);
    expect(await verifyCertificateSignature(alice, parseCertificate(der(rsaHostCaPem)))).toBe(false);
    expect(await verifyCertificateSignature(alice, parseCertificate(der(ed25519EdPem)))).toBe(false);
  });
});
