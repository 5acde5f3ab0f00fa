// An identity is a certificate chain plus the private key of its leaf: what TLS client authentication
// presents and what a Misfin address is made of (misfin-protocol.md §10: address = UID@first DNS SAN).
import { createSelfSignedCertificate, type IdentityFields } from './certificate-builder';
import { IdentityError } from './errors';
import { generateIdentityKey, signParamsFor, type KeyKind } from './keys';
import { certificateFingerprint, CertificateError, parseCertificate, type Certificate } from './x509';

export interface Identity {
  /** DER certificates, leaf first. */
  certificateChain: Uint8Array[];
  privateKey: CryptoKey;
  certificate: Certificate;
  fingerprint: string;
  /** mailbox@host */
  address: string;
  displayName?: string;
}

function expectedKeyAlgorithm(certificate: Certificate): { names: string[]; namedCurve?: string } {
  switch (certificate.publicKeyAlgorithm) {
    case 'ecdsa-p256':
      return { names: ['ECDSA'], namedCurve: 'P-256' };
    case 'ecdsa-p384':
      return { names: ['ECDSA'], namedCurve: 'P-384' };
    case 'ecdsa-p521':
      return { names: ['ECDSA'], namedCurve: 'P-521' };
    case 'ed25519':
      return { names: ['Ed25519'] };
    default:
      return { names: ['RSA-PSS', 'RSASSA-PKCS1-v1_5'] };
  }
}

/**
 * Proves the private key belongs to the certificate: sign a random challenge and verify it with the
 * certificate's SPKI. WebCrypto cannot derive a public key from a private one (tls-notes.md §3), so
 * this is the only check that works for non-extractable keys too.
 */
export async function keyMatchesCertificate(
  privateKey: CryptoKey,
  certificate: Certificate,
): Promise<boolean> {
  const algorithm = privateKey.algorithm as KeyAlgorithm & Partial<EcKeyAlgorithm & RsaHashedKeyAlgorithm>;
  const expected = expectedKeyAlgorithm(certificate);
  if (!expected.names.includes(algorithm.name)) return false;
  if (expected.namedCurve && algorithm.namedCurve !== expected.namedCurve) return false;
  if (certificate.publicKeyAlgorithm === 'rsa-pss') return false;
  const importParams = { name: algorithm.name, namedCurve: algorithm.namedCurve, hash: algorithm.hash?.name };
  try {
    const publicKey = await crypto.subtle.importKey(
      'spki',
      certificate.spki as BufferSource,
      importParams,
      false,
      ['verify'],
    );
    const challenge = crypto.getRandomValues(new Uint8Array(32));
    const params = signParamsFor(privateKey);
    const signature = await crypto.subtle.sign(params, privateKey, challenge);
    return await crypto.subtle.verify(params, publicKey, signature, challenge);
  } catch {
    return false;
  }
}

/** Assembles an identity, refusing a chain that is not a Misfin identity or a key that does not fit it. */
export async function makeIdentity(certificateChain: Uint8Array[], privateKey: CryptoKey): Promise<Identity> {
  const leafDer = certificateChain[0];
  if (!leafDer) throw new IdentityError('no-certificate', 'an identity needs a certificate');
  let certificate: Certificate;
  try {
    certificate = parseCertificate(leafDer);
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    if (/unsupported/.test(error.message)) throw new IdentityError('unsupported-key', error.message);
    throw new IdentityError('malformed', error.message);
  }
  const host = certificate.dnsNames[0];
  if (!certificate.uid || !host) {
    // Lagrange's rule: an identity qualifies as Misfin iff it has a UID and a DNS SAN (misfin-protocol.md §10).
    throw new IdentityError(
      'not-misfin',
      'the certificate is not a Misfin identity: it needs a UID (mailbox) and a DNS subjectAltName (host)',
    );
  }
  if (!(await keyMatchesCertificate(privateKey, certificate))) {
    throw new IdentityError('key-mismatch', 'the private key does not belong to the certificate');
  }
  return {
    certificateChain,
    privateKey,
    certificate,
    fingerprint: await certificateFingerprint(leafDer),
    address: `${certificate.uid}@${host}`,
    displayName: certificate.commonName,
  };
}

/** A new key and a self-signed certificate for it. */
export async function createSelfSignedIdentity(
  fields: IdentityFields,
  kind: KeyKind,
  options: { extractable: boolean; isCA?: boolean; validDays?: number; now?: Date },
): Promise<Identity> {
  const key = await generateIdentityKey(kind, { extractable: options.extractable });
  const der = await createSelfSignedCertificate(key, fields, options);
  return makeIdentity([der], key.privateKey);
}
