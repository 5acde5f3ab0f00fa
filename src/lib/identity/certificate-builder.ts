// Builds X.509 v3 identity certificates (RFC 5280 §4.1): self-signed ones for a new identity and ones
// issued by a host CA (misfin-protocol.md §11, "server-as-CA"). Fields follow misfin-protocol.md §10.
import { children, parseDer } from '../bytes/der';
import { bitString, explicit, integer, octetString, sequence, time } from '../bytes/der-writer';
import { IdentityError } from './errors';
import {
  basicConstraintsExtension,
  caKeyUsageExtension,
  checkIdentityFields,
  encodeIdentityName,
  extension,
  spkiAlgorithm,
  subjectAltNameExtension,
  type IdentityFields,
} from './identity-fields';
import type { KeyPairResult } from './keys';
import { Oid } from './oids';
import {
  encodeSignatureAlgorithm,
  parseSignatureAlgorithm,
  schemeForKey,
  signForX509,
  verifyX509Signature,
} from './signature-algorithm';
import { parseCertificate, type Certificate } from './x509';

export type { IdentityFields } from './identity-fields';

/** Ten years: Misfin identities are long-lived (the reference uses 32768 days). */
const defaultValidDays = 3650;
/** notBefore is backdated so a peer whose clock is a little behind still accepts a fresh certificate. */
const clockSkewMs = 60 * 60 * 1000;

/** RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 16 random bytes with the top bit clear. */
function randomSerial(): Uint8Array {
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  return serial;
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits. */
async function subjectKeyIdentifier(spki: Uint8Array): Promise<Uint8Array> {
  const [, publicKeyBits] = children(parseDer(spki));
  const keyBits = publicKeyBits!.value.subarray(1);
  return new Uint8Array(await crypto.subtle.digest('SHA-1', keyBits as BufferSource));
}

interface TbsOptions {
  subjectSpki: Uint8Array;
  fields: IdentityFields;
  issuerName: Uint8Array;
  signer: CryptoKey;
  isCA: boolean;
  validDays: number;
  now: Date;
  serialNumber: Uint8Array;
}

async function buildAndSign(options: TbsOptions): Promise<Uint8Array> {
  checkIdentityFields(options.fields);
  try {
    spkiAlgorithm(parseDer(options.subjectSpki));
  } catch (error) {
    throw new IdentityError('unsupported-key', `subject public key: ${(error as Error).message}`);
  }
  if (!(options.validDays > 0)) throw new IdentityError('malformed', 'validDays must be positive');
  const algorithm = encodeSignatureAlgorithm(schemeForKey(options.signer));
  const notBefore = new Date(options.now.getTime() - clockSkewMs);
  const notAfter = new Date(options.now.getTime() + options.validDays * 86_400_000);
  const extensions = [
    subjectAltNameExtension(options.fields.host),
    basicConstraintsExtension(options.isCA),
    ...(options.isCA ? [caKeyUsageExtension()] : []),
    extension(Oid.subjectKeyIdentifier, false, octetString(await subjectKeyIdentifier(options.subjectSpki))),
  ];
  const tbs = sequence(
    explicit(0, integer(2)), // v3, needed for extensions (RFC 5280 §4.1.2.1)
    integer(options.serialNumber),
    algorithm,
    options.issuerName,
    sequence(time(notBefore), time(notAfter)),
    encodeIdentityName(options.fields),
    options.subjectSpki,
    explicit(3, sequence(...extensions)),
  );
  const signature = await signForX509(options.signer, tbs);
  return sequence(tbs, algorithm, bitString(signature));
}

/** Self-signed identity certificate: UID = mailbox, CN = displayName (or mailbox), SAN dNSName = host. */
export function createSelfSignedCertificate(
  key: KeyPairResult,
  fields: IdentityFields,
  options: { isCA?: boolean; validDays?: number; now?: Date } = {},
): Promise<Uint8Array> {
  return buildAndSign({
    subjectSpki: key.spki,
    fields,
    issuerName: encodeIdentityName(fields),
    signer: key.privateKey,
    isCA: options.isCA ?? false,
    validDays: options.validDays ?? defaultValidDays,
    now: options.now ?? new Date(),
    serialNumber: randomSerial(),
  });
}

/** A certificate signed by an issuer (the host CA): used by the mail host for registration and `mailbox add --cert-out`. */
export function issueCertificate(options: {
  subjectSpki: Uint8Array;
  fields: IdentityFields;
  issuerCertificate: Uint8Array;
  issuerKey: CryptoKey;
  isCA?: boolean;
  validDays?: number;
  now?: Date;
  serialNumber?: Uint8Array;
}): Promise<Uint8Array> {
  const issuer = parseCertificate(options.issuerCertificate);
  return buildAndSign({
    subjectSpki: options.subjectSpki,
    fields: options.fields,
    issuerName: issuer.subject.der,
    signer: options.issuerKey,
    isCA: options.isCA ?? false,
    validDays: options.validDays ?? defaultValidDays,
    now: options.now ?? new Date(),
    serialNumber: options.serialNumber ?? randomSerial(),
  });
}

/**
 * Verifies `certificate` was signed by `issuer`'s key (ECDSA/RSA PKCS#1 v1.5/RSA-PSS/Ed25519). Only the
 * signature: names, validity and basicConstraints are the caller's policy. False for an unsupported
 * algorithm, a key type that does not fit it, or a bad signature.
 */
export async function verifyCertificateSignature(
  certificate: Certificate,
  issuer: Certificate,
): Promise<boolean> {
  let scheme;
  try {
    const [, algorithmNode] = children(parseDer(certificate.der));
    scheme = parseSignatureAlgorithm(algorithmNode!);
  } catch {
    return false;
  }
  return verifyX509Signature({
    spki: issuer.spki,
    publicKeyAlgorithm: issuer.publicKeyAlgorithm,
    scheme,
    signature: certificate.signature,
    data: certificate.tbs,
  });
}
