// The parts of an X.509 certificate (RFC 5280 §4.1) a Misfin client and host need: the leaf key, the
// identity fields (UID = mailbox, CN = display name, SAN dNSName = host; misfin-protocol.md §10),
// validity and basicConstraints. Nothing here decides trust.
import {
  children,
  DerError,
  expectTag,
  parseDer,
  readBitString,
  readOid,
  readString,
  readTime,
  readUnsignedInteger,
  Tag,
  type DerNode,
} from '../bytes/der';
import { toHex } from '../bytes/hex';
import { Oid } from './oids';

export type PublicKeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521' | 'rsa' | 'rsa-pss' | 'ed25519';

export interface DistinguishedName {
  /** Attributes in order, as (OID, value) pairs. */
  attributes: { oid: string; value: string }[];
  /** The Name's DER, compared byte for byte when matching issuer to subject. */
  der: Uint8Array;
}

export interface Certificate {
  der: Uint8Array;
  /** tbsCertificate DER: what the issuer signed. */
  tbs: Uint8Array;
  serialNumber: Uint8Array;
  signatureAlgorithm: string;
  signature: Uint8Array;
  issuer: DistinguishedName;
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER, ready for `importKey('spki', ...)`. */
  spki: Uint8Array;
  publicKeyAlgorithm: PublicKeyAlgorithm;
  /** The mailbox (RFC 4519 uid) if present. */
  uid?: string;
  commonName?: string;
  dnsNames: string[];
  isCA: boolean;
}

export class CertificateError extends Error {
  override name = 'CertificateError';
}

function parseName(node: DerNode): DistinguishedName {
  expectTag(node, Tag.sequence, 'name');
  const attributes: { oid: string; value: string }[] = [];
  for (const rdn of children(node)) {
    for (const pair of children(expectTag(rdn, Tag.set, 'relative distinguished name'))) {
      const [type, value] = children(expectTag(pair, Tag.sequence, 'attribute'));
      if (!type || !value) throw new DerError('incomplete name attribute');
      let text: string;
      try {
        text = readString(value);
      } catch {
        continue; // Attributes with non-string values do not matter to us.
      }
      attributes.push({ oid: readOid(type), value: text });
    }
  }
  return { attributes, der: node.raw };
}

export function nameAttribute(name: DistinguishedName, oid: string): string | undefined {
  return name.attributes.find((attribute) => attribute.oid === oid)?.value;
}

function publicKeyAlgorithmOf(spki: DerNode): PublicKeyAlgorithm {
  const [algorithm] = children(spki);
  const [algorithmOid, parameters] = children(expectTag(algorithm, Tag.sequence, 'key algorithm'));
  const keyOid = readOid(expectTag(algorithmOid, Tag.oid, 'key algorithm OID'));
  switch (keyOid) {
    case Oid.ecPublicKey: {
      const curve = parameters?.tag === Tag.oid ? readOid(parameters) : '';
      if (curve === Oid.p256) return 'ecdsa-p256';
      if (curve === Oid.p384) return 'ecdsa-p384';
      if (curve === Oid.p521) return 'ecdsa-p521';
      throw new CertificateError(`unsupported elliptic curve ${curve || '(none)'}`);
    }
    case Oid.rsaEncryption:
      return 'rsa';
    case Oid.rsaPss:
      return 'rsa-pss';
    case Oid.ed25519:
      return 'ed25519';
    default:
      throw new CertificateError(`unsupported public key algorithm ${keyOid}`);
  }
}

function parseExtensions(node: DerNode | undefined, certificate: Certificate): void {
  if (!node) return;
  const list = children(expectTag(children(node)[0], Tag.sequence, 'extensions'));
  for (const extension of list) {
    const parts = children(expectTag(extension, Tag.sequence, 'extension'));
    const extensionOid = readOid(expectTag(parts[0], Tag.oid, 'extension OID'));
    const value = expectTag(parts[parts.length - 1], Tag.octetString, 'extension value').value;
    if (extensionOid === Oid.subjectAltName) {
      for (const general of children(parseDer(value))) {
        // GeneralName dNSName is [2] IMPLICIT IA5String (RFC 5280 §4.2.1.6).
        if (general.tag === 0x82) certificate.dnsNames.push(new TextDecoder('latin1').decode(general.value));
      }
    } else if (extensionOid === Oid.basicConstraints) {
      const [cA] = children(parseDer(value));
      certificate.isCA = cA?.tag === Tag.boolean && cA.value[0] !== 0;
    }
  }
}

export function parseCertificate(der: Uint8Array): Certificate {
  try {
    const [tbsNode, algorithmNode, signatureNode] = children(
      expectTag(parseDer(der), Tag.sequence, 'certificate'),
    );
    const tbs = expectTag(tbsNode, Tag.sequence, 'tbsCertificate');
    const fields = children(tbs);
    // version is [0] EXPLICIT and optional (RFC 5280 §4.1.2.1).
    const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
    const serial = fields[offset];
    const issuer = fields[offset + 2];
    const [notBefore, notAfter] = children(expectTag(fields[offset + 3], Tag.sequence, 'validity'));
    if (!notBefore || !notAfter) throw new DerError('incomplete validity');
    const subject = fields[offset + 4];
    const spki = expectTag(fields[offset + 5], Tag.sequence, 'subjectPublicKeyInfo');
    const extensions = fields.slice(offset + 6).find((field) => field.tag === 0xa3);
    const [signatureOid] = children(expectTag(algorithmNode, Tag.sequence, 'signatureAlgorithm'));
    const subjectName = parseName(expectTag(subject, Tag.sequence, 'subject'));
    const certificate: Certificate = {
      der,
      tbs: tbs.raw,
      serialNumber: readUnsignedInteger(expectTag(serial, Tag.integer, 'serial number')),
      signatureAlgorithm: readOid(expectTag(signatureOid, Tag.oid, 'signature algorithm')),
      signature: readBitString(expectTag(signatureNode, Tag.bitString, 'signature')),
      issuer: parseName(expectTag(issuer, Tag.sequence, 'issuer')),
      subject: subjectName,
      notBefore: readTime(notBefore),
      notAfter: readTime(notAfter),
      spki: spki.raw,
      publicKeyAlgorithm: publicKeyAlgorithmOf(spki),
      uid: nameAttribute(subjectName, Oid.userId),
      commonName: nameAttribute(subjectName, Oid.commonName),
      dnsNames: [],
      isCA: false,
    };
    parseExtensions(extensions, certificate);
    return certificate;
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    throw new CertificateError(`not a valid X.509 certificate: ${(error as Error).message}`);
  }
}

/** SHA-256 over the certificate DER, lowercase hex: the Misfin fingerprint (misfin-protocol.md §13). */
export async function certificateFingerprint(der: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', der as BufferSource)));
}
