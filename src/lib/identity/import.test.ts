import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityError, type IdentityErrorCode } from './errors';
import { importIdentityPem } from './import';
import { opensslOk, scratch } from '../../../tests/support/openssl';

const files = scratch();
afterAll(() => files.remove());

/** A self-signed Misfin identity certificate for the key in `keyPath`, as the reference's make-cert.sh writes it. */
function certificateFor(keyPath: string, subject = '/CN=Worker bee/UID=bee'): string {
  return opensslOk([
    ...'req -x509 -new -key'.split(' '),
    keyPath,
    ...'-sha256 -days 30 -subj'.split(' '),
    subject,
    ...'-addext subjectAltName=DNS:localhost'.split(' '),
  ]);
}

const pems: Record<string, { key: string; certificate: string }> = {};

beforeAll(() => {
  const make = (name: string, args: string[]) => {
    const keyPath = files.path(`${name}.key`);
    opensslOk([...args, '-out', keyPath]);
    pems[name] = { key: files.read(`${name}.key`), certificate: certificateFor(keyPath) };
  };
  make('pkcs1', ['genrsa', '-traditional']);
  make('sec1', ['ecparam', '-name', 'prime256v1', '-genkey']);
  make('sec1-p384', ['ecparam', '-name', 'secp384r1', '-genkey', '-noout']);
  make('pkcs8-ec', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  make('pkcs8-ed25519', ['genpkey', '-algorithm', 'ed25519']);
  make('pkcs8-rsa', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
  make('ed448', ['genpkey', '-algorithm', 'ed448']);
}, 60_000);

async function expectCode(promise: Promise<unknown>, code: IdentityErrorCode) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IdentityError);
  expect((error as IdentityError).code).toBe(code);
}

describe('importIdentityPem', () => {
  it('imports the reference format (CERTIFICATE then PKCS#1 RSA PRIVATE KEY) as an RSA-PSS signing key', async () => {
    const { key, certificate } = pems['pkcs1']!;
    expect(key).toContain('BEGIN RSA PRIVATE KEY');
    const identity = await importIdentityPem(certificate + key, { extractable: false });
    expect(identity.address).toBe('bee@localhost');
    expect(identity.displayName).toBe('Worker bee');
    expect(identity.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(identity.privateKey.algorithm).toMatchObject({ name: 'RSA-PSS', hash: { name: 'SHA-256' } });
    // Non-extractable really means it: WebCrypto refuses to export it.
    await expect(crypto.subtle.exportKey('pkcs8', identity.privateKey)).rejects.toThrow();
    const signature = await crypto.subtle.sign(
      { name: 'RSA-PSS', saltLength: 32 },
      identity.privateKey,
      new Uint8Array(4),
    );
    expect(signature.byteLength).toBe(256);
  });

  it('imports SEC1 EC keys (with and without an EC PARAMETERS block), key first or certificate first', async () => {
    const sec1 = pems['sec1']!;
    expect(sec1.key).toContain('BEGIN EC PARAMETERS');
    expect(sec1.key).toContain('BEGIN EC PRIVATE KEY');
    const identity = await importIdentityPem(sec1.key + sec1.certificate, { extractable: true });
    expect(identity.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(identity.privateKey.extractable).toBe(true);
    const p384 = pems['sec1-p384']!;
    const other = await importIdentityPem(p384.certificate + p384.key, { extractable: false });
    expect(other.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-384' });
  });

  it('imports PKCS#8 EC, Ed25519 and RSA keys', async () => {
    for (const name of ['pkcs8-ec', 'pkcs8-ed25519', 'pkcs8-rsa']) {
      const { key, certificate } = pems[name]!;
      expect(key).toContain('BEGIN PRIVATE KEY');
      const identity = await importIdentityPem(certificate + key, { extractable: false });
      expect(identity.address).toBe('bee@localhost');
    }
  });

  it('finds the leaf in a chain given CA first, and puts it first', async () => {
    const { key, certificate } = pems['pkcs8-ec']!;
    const ca = pems['pkcs1']!.certificate;
    const identity = await importIdentityPem(ca + certificate + key, { extractable: false });
    expect(identity.certificateChain).toHaveLength(2);
    const alone = await importIdentityPem(certificate + key, { extractable: false });
    expect(identity.fingerprint).toBe(alone.fingerprint);
    expect(identity.certificateChain[0]).toEqual(alone.certificateChain[0]);
  });

  it('can import an RSA host CA key for PKCS#1 v1.5 signatures', async () => {
    const { key, certificate } = pems['pkcs1']!;
    const identity = await importIdentityPem(certificate + key, {
      extractable: false,
      rsaScheme: 'RSASSA-PKCS1-v1_5',
    });
    expect(identity.privateKey.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
  });

  it('refuses a key that does not belong to the certificate', async () => {
    // Same type, different key.
    await expectCode(
      importIdentityPem(pems['pkcs8-ec']!.certificate + pems['sec1']!.key, { extractable: false }),
      'key-mismatch',
    );
    await expectCode(
      importIdentityPem(pems['pkcs1']!.certificate + pems['pkcs8-rsa']!.key, { extractable: false }),
      'key-mismatch',
    );
    // Different types.
    await expectCode(
      importIdentityPem(pems['pkcs1']!.certificate + pems['sec1']!.key, { extractable: false }),
      'key-mismatch',
    );
    await expectCode(
      importIdentityPem(pems['pkcs8-ed25519']!.certificate + pems['pkcs8-ec']!.key, { extractable: false }),
      'key-mismatch',
    );
  });

  it('says what is missing, encrypted or unsupported', async () => {
    const { key, certificate } = pems['pkcs8-ec']!;
    await expectCode(importIdentityPem(key, { extractable: false }), 'no-certificate');
    await expectCode(importIdentityPem(certificate, { extractable: false }), 'no-key');
    await expectCode(importIdentityPem('hello', { extractable: false }), 'no-certificate');
    await expectCode(
      importIdentityPem(certificate + key + pems['sec1']!.key, { extractable: false }),
      'several-keys',
    );
    const ed448 = pems['ed448']!;
    await expectCode(
      importIdentityPem(ed448.certificate + ed448.key, { extractable: false }),
      'unsupported-key',
    );

    const pkcs8Encrypted = opensslOk(
      ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-passout', 'pass:secret'],
      key,
    );
    expect(pkcs8Encrypted).toContain('ENCRYPTED PRIVATE KEY');
    await expectCode(importIdentityPem(certificate + pkcs8Encrypted, { extractable: false }), 'encrypted');
    const legacy = opensslOk(
      ['rsa', '-traditional', '-aes128', '-passout', 'pass:secret'],
      pems['pkcs1']!.key,
    );
    expect(legacy).toContain('Proc-Type: 4,ENCRYPTED');
    await expectCode(
      importIdentityPem(pems['pkcs1']!.certificate + legacy, { extractable: false }),
      'encrypted',
    );
  });

  it('refuses certificates that are not Misfin identities, and broken PEM', async () => {
    const keyPath = files.path('pkcs8-ec.key');
    const plain = certificateFor(keyPath, '/CN=just a name');
    await expectCode(importIdentityPem(plain + pems['pkcs8-ec']!.key, { extractable: false }), 'not-misfin');
    const truncated = pems['pkcs8-ec']!.certificate.replace('-----END CERTIFICATE-----', '');
    await expectCode(
      importIdentityPem(truncated + pems['pkcs8-ec']!.key, { extractable: false }),
      'malformed',
    );
    const garbage = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' + pems['pkcs8-ec']!.key;
    await expectCode(importIdentityPem(garbage, { extractable: false }), 'malformed');
  });
});
