// The Misfin identity fields (misfin-protocol.md §10) as X.509 structures: subject Name with CN = display
// name and UID = mailbox, subjectAltName dNSName = host, and the extensions the reference sets.
import { children, expectTag, readOid, readString, Tag, type DerNode } from '../bytes/der';
import {
  booleanValue,
  implicitPrimitive,
  octetString,
  oid,
  sequence,
  setOf,
  tlv,
  utf8String,
} from '../bytes/der-writer';
import { IdentityError } from './errors';
import { Oid } from './oids';
import type { PublicKeyAlgorithm } from './x509';

export interface IdentityFields {
  mailbox: string;
  displayName?: string;
  host: string;
}

const mailboxPattern = /^[^\s@]+$/;
// Labels as misfin/address.ts accepts them (letters, digits, '-', and '_' which some private names use).
const hostPattern =
  /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*$/;

/** Rejects fields that would make an address nobody can write to (misfin-protocol.md §10, §19 #9). */
export function checkIdentityFields(fields: IdentityFields): void {
  if (!mailboxPattern.test(fields.mailbox)) {
    throw new IdentityError(
      'malformed',
      `mailbox "${fields.mailbox}" must be non-empty, without spaces or "@"`,
    );
  }
  if (!hostPattern.test(fields.host)) {
    throw new IdentityError('malformed', `host "${fields.host}" is not a DNS host name`);
  }
}

const attribute = (type: string, value: string) => setOf(sequence(oid(type), utf8String(value)));

/** Subject `/CN=<display name>/UID=<mailbox>`, the order of the reference's make-cert.sh. */
export function encodeIdentityName(fields: IdentityFields): Uint8Array {
  return sequence(
    attribute(Oid.commonName, fields.displayName || fields.mailbox),
    attribute(Oid.userId, fields.mailbox),
  );
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } (RFC 5280 §4.1). */
export function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? sequence(oid(id), booleanValue(true), octetString(value))
    : sequence(oid(id), octetString(value));
}

/** SAN with one dNSName, non-critical, as the reference writes it (RFC 5280 §4.2.1.6). */
export const subjectAltNameExtension = (host: string) =>
  extension(Oid.subjectAltName, false, sequence(implicitPrimitive(2, new TextEncoder().encode(host))));

/** basicConstraints, critical as in the reference; CA:FALSE is the empty SEQUENCE (DEFAULT FALSE). */
export const basicConstraintsExtension = (isCA: boolean) =>
  extension(Oid.basicConstraints, true, isCA ? sequence(booleanValue(true)) : sequence());

/** keyUsage for a CA that also serves TLS: digitalSignature, keyCertSign, cRLSign (bits 0, 5, 6). */
export const caKeyUsageExtension = () =>
  extension(Oid.keyUsage, true, tlv(Tag.bitString, Uint8Array.of(1, 0x86)));

/** The (OID, string) pairs of a Name, skipping non-string values. */
export function readNameAttributes(node: DerNode): { oid: string; value: string }[] {
  const out: { oid: string; value: string }[] = [];
  for (const rdn of children(expectTag(node, Tag.sequence, 'name'))) {
    for (const pair of children(expectTag(rdn, Tag.set, 'relative distinguished name'))) {
      const [type, value] = children(expectTag(pair, Tag.sequence, 'attribute'));
      if (!type || !value) throw new IdentityError('malformed', 'incomplete name attribute');
      try {
        out.push({ oid: readOid(type), value: readString(value) });
      } catch {
        // A non-string attribute value carries nothing Misfin uses.
      }
    }
  }
  return out;
}

/** dNSName entries of a subjectAltName extension value. */
export function readDnsNames(sanValue: DerNode): string[] {
  return children(expectTag(sanValue, Tag.sequence, 'subjectAltName'))
    .filter((general) => general.tag === 0x82)
    .map((general) => new TextDecoder('latin1').decode(general.value));
}

/** The key type named by a SubjectPublicKeyInfo (RFC 5480, RFC 8410, RFC 3279). */
export function spkiAlgorithm(spki: DerNode): PublicKeyAlgorithm {
  const [algorithm] = children(expectTag(spki, Tag.sequence, 'subjectPublicKeyInfo'));
  return keyAlgorithmOf(algorithm);
}

/** The key type named by a key AlgorithmIdentifier (shared by SPKI and PKCS#8). */
export function keyAlgorithmOf(algorithm: DerNode | undefined): PublicKeyAlgorithm {
  const [keyOid, params] = children(expectTag(algorithm, Tag.sequence, 'key algorithm'));
  const id = readOid(expectTag(keyOid, Tag.oid, 'key algorithm OID'));
  if (id === Oid.rsaEncryption) return 'rsa';
  if (id === Oid.rsaPss) return 'rsa-pss';
  if (id === Oid.ed25519) return 'ed25519';
  if (id === Oid.ecPublicKey && params?.tag === Tag.oid) {
    const curve = readOid(params);
    if (curve === Oid.p256) return 'ecdsa-p256';
    if (curve === Oid.p384) return 'ecdsa-p384';
    if (curve === Oid.p521) return 'ecdsa-p521';
  }
  throw new IdentityError('unsupported-key', `unsupported public key algorithm ${id}`);
}
