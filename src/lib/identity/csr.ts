// PKCS#10 certification requests (RFC 2986): how a page registers with its mail host without the host
// ever seeing the key (design.md §3 "Register", seed 000). The SAN travels in an extensionRequest
// attribute (RFC 2985 §5.4.2), as `openssl req -addext` writes it.
import {
  children,
  DerError,
  expectTag,
  parseDer,
  readBitString,
  readOid,
  readSmallInteger,
  Tag,
} from '../bytes/der';
import { bitString, explicit, integer, oid, sequence, setOf } from '../bytes/der-writer';
import { CsrError, IdentityError } from './errors';
import {
  checkIdentityFields,
  encodeIdentityName,
  readDnsNames,
  readNameAttributes,
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
import type { PublicKeyAlgorithm } from './x509';

export interface ParsedCsr {
  der: Uint8Array;
  spki: Uint8Array;
  publicKeyAlgorithm: PublicKeyAlgorithm;
  uid?: string;
  commonName?: string;
  dnsNames: string[];
  /** The request is signed by the key it carries (proof of possession, RFC 2986 §3). */
  signatureValid: boolean;
}

export async function createCsr(key: KeyPairResult, fields: IdentityFields): Promise<Uint8Array> {
  checkIdentityFields(fields);
  const extensionRequest = sequence(
    oid(Oid.extensionRequest),
    setOf(sequence(subjectAltNameExtension(fields.host))),
  );
  const info = sequence(
    integer(0),
    encodeIdentityName(fields),
    key.spki,
    // attributes [0] IMPLICIT SET OF Attribute: constructed context tag 0.
    explicit(0, extensionRequest),
  );
  const algorithm = encodeSignatureAlgorithm(schemeForKey(key.privateKey));
  return sequence(info, algorithm, bitString(await signForX509(key.privateKey, info)));
}

/** Parses a CSR and checks its self-signature; throws CsrError on malformed input. */
export async function parseCsr(der: Uint8Array): Promise<ParsedCsr> {
  let parsed: Omit<ParsedCsr, 'signatureValid'> & { check: () => Promise<boolean> };
  try {
    const [infoNode, algorithmNode, signatureNode] = children(
      expectTag(parseDer(der), Tag.sequence, 'CertificationRequest'),
    );
    const info = expectTag(infoNode, Tag.sequence, 'certificationRequestInfo');
    const [version, subject, spki, attributes] = children(info);
    if (readSmallInteger(expectTag(version, Tag.integer, 'version')) !== 0) {
      throw new DerError('only PKCS#10 version 1 (0) is defined');
    }
    const names = readNameAttributes(expectTag(subject, Tag.sequence, 'subject'));
    const spkiNode = expectTag(spki, Tag.sequence, 'subjectPKInfo');
    const publicKeyAlgorithm = spkiAlgorithm(spkiNode);
    const dnsNames: string[] = [];
    for (const attribute of attributes ? children(expectTag(attributes, 0xa0, 'attributes')) : []) {
      const [type, values] = children(expectTag(attribute, Tag.sequence, 'attribute'));
      if (readOid(expectTag(type, Tag.oid, 'attribute type')) !== Oid.extensionRequest) continue;
      for (const extensions of children(expectTag(values, Tag.set, 'attribute values'))) {
        for (const extension of children(expectTag(extensions, Tag.sequence, 'extensions'))) {
          const parts = children(expectTag(extension, Tag.sequence, 'extension'));
          if (readOid(expectTag(parts[0], Tag.oid, 'extension OID')) !== Oid.subjectAltName) continue;
          const value = expectTag(parts[parts.length - 1], Tag.octetString, 'extension value').value;
          dnsNames.push(...readDnsNames(parseDer(value)));
        }
      }
    }
    const scheme = parseSignatureAlgorithm(expectTag(algorithmNode, Tag.sequence, 'signatureAlgorithm'));
    const signature = readBitString(expectTag(signatureNode, Tag.bitString, 'signature'));
    parsed = {
      der,
      spki: spkiNode.raw,
      publicKeyAlgorithm,
      uid: names.find((name) => name.oid === Oid.userId)?.value,
      commonName: names.find((name) => name.oid === Oid.commonName)?.value,
      dnsNames,
      check: () =>
        verifyX509Signature({ spki: spkiNode.raw, publicKeyAlgorithm, scheme, signature, data: info.raw }),
    };
  } catch (error) {
    if (error instanceof CsrError) throw error;
    const reason =
      error instanceof IdentityError || error instanceof DerError ? error.message : String(error);
    throw new CsrError(`not a valid PKCS#10 request: ${reason}`);
  }
  const { check, ...result } = parsed;
  return { ...result, signatureValid: await check() };
}

export { CsrError } from './errors';
