// Imports an identity from PEM text: the reference implementation's file (CERTIFICATE then PKCS#1
// "RSA PRIVATE KEY"), OpenSSL's SEC1 "EC PRIVATE KEY", or PKCS#8 "PRIVATE KEY" (misfin-protocol.md §10,
// tls-notes.md §3.1).
import { parsePem, PemError } from '../bytes/pem';
import { IdentityError } from './errors';
import { keyMatchesCertificate, makeIdentity, type Identity } from './identity';
import { importPrivateKey, type RsaScheme } from './keys';
import { pkcs8KeyAlgorithm, wrapPkcs1, wrapSec1 } from './private-key';
import { CertificateError, parseCertificate } from './x509';

export type { Identity } from './identity';
export { wrapPkcs1, wrapSec1 } from './private-key';

const keyLabels = ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'];

/** Rejects passphrase-protected keys before parsing, with advice instead of a base64 error. */
function refuseEncrypted(pem: string): void {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) || /Proc-Type:\s*4,\s*ENCRYPTED/.test(pem)) {
    throw new IdentityError(
      'encrypted',
      'the private key is encrypted; decrypt it first (openssl pkey -in FILE -out PLAIN.pem), or import a passphrase-wrapped identity file',
    );
  }
}

/**
 * PEM text with a certificate (and optional chain, leaf first) and a key: PKCS#8 "PRIVATE KEY", SEC1
 * "EC PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY". Checks that the key matches the certificate. RSA keys are
 * imported as RSA-PSS/SHA-256 for TLS 1.3 unless `rsaScheme` says otherwise (a host CA signing
 * sha256WithRSAEncryption certificates wants RSASSA-PKCS1-v1_5).
 */
export async function importIdentityPem(
  pem: string,
  options: { extractable: boolean; rsaScheme?: RsaScheme },
): Promise<Identity> {
  refuseEncrypted(pem);
  let blocks;
  try {
    blocks = parsePem(pem);
  } catch (error) {
    if (error instanceof PemError) throw new IdentityError('malformed', error.message);
    throw error;
  }
  const certificates = blocks.filter((block) => block.label === 'CERTIFICATE').map((block) => block.der);
  const keys = blocks.filter((block) => keyLabels.includes(block.label));
  if (certificates.length === 0) {
    throw new IdentityError(
      'no-certificate',
      'no "BEGIN CERTIFICATE" block found: the identity needs its certificate',
    );
  }
  if (keys.length === 0) {
    throw new IdentityError(
      'no-key',
      'no private key block found (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)',
    );
  }
  if (keys.length > 1) throw new IdentityError('several-keys', 'more than one private key in the file');
  const key = keys[0]!;
  const pkcs8 =
    key.label === 'RSA PRIVATE KEY'
      ? wrapPkcs1(key.der)
      : key.label === 'EC PRIVATE KEY'
        ? wrapSec1(key.der)
        : key.der;

  const keyAlgorithm = pkcs8KeyAlgorithm(pkcs8);
  if (certificates.length > 1) {
    // A chain may come in any order (CA first, say): the leaf is the certificate the key belongs to.
    const privateKey = await importPrivateKey(pkcs8, keyAlgorithm, options);
    for (const [index, der] of certificates.entries()) {
      let certificate;
      try {
        certificate = parseCertificate(der);
      } catch {
        continue;
      }
      if (certificate.publicKeyAlgorithm !== keyAlgorithm) continue;
      if (await keyMatchesCertificate(privateKey, certificate)) {
        return makeIdentity([der, ...certificates.filter((_, other) => other !== index)], privateKey);
      }
    }
  }

  let leafAlgorithm;
  try {
    leafAlgorithm = parseCertificate(certificates[0]!).publicKeyAlgorithm;
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    const code = /unsupported/.test(error.message) ? 'unsupported-key' : 'malformed';
    throw new IdentityError(code, error.message);
  }
  if (keyAlgorithm !== leafAlgorithm) {
    throw new IdentityError(
      'key-mismatch',
      `the private key (${keyAlgorithm}) does not belong to the certificate (${leafAlgorithm})`,
    );
  }
  const privateKey = await importPrivateKey(pkcs8, leafAlgorithm, options);
  return makeIdentity(certificates, privateKey);
}
