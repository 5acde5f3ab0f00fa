// X.509 / PKCS#10 signature algorithms (RFC 5280 §4.1.1.2) mapped to and from WebCrypto: ECDSA
// (RFC 5758 §3.2), RSASSA-PKCS1-v1_5 (RFC 4055 §5), RSASSA-PSS (RFC 4055 §3.1) and Ed25519 (RFC 8410 §3).
import { children, type DerNode, expectTag, readOid, readSmallInteger, Tag } from '../bytes/der';
import { explicit, integer, nullValue, oid, sequence } from '../bytes/der-writer';
import { curveSize, derToP1363, p1363ToDer } from './ecdsa-signature';
import { IdentityError } from './errors';
import { curveHash, hashLength } from './keys';
import { Oid } from './oids';
import type { PublicKeyAlgorithm } from './x509';

/** A signature algorithm as WebCrypto needs it. */
export type SignatureScheme =
  | { name: 'ECDSA'; hash: string }
  | { name: 'RSASSA-PKCS1-v1_5'; hash: string }
  | { name: 'RSA-PSS'; hash: string; saltLength: number }
  | { name: 'Ed25519' };

const hashOids: Record<string, string> = {
  'SHA-1': '1.3.14.3.2.26',
  'SHA-256': Oid.sha256,
  'SHA-384': Oid.sha384,
  'SHA-512': Oid.sha512,
};
const hashByOid = Object.fromEntries(Object.entries(hashOids).map(([name, id]) => [id, name]));
const ecdsaOids: Record<string, string> = {
  'SHA-256': Oid.ecdsaWithSha256,
  'SHA-384': Oid.ecdsaWithSha384,
  'SHA-512': Oid.ecdsaWithSha512,
};
const rsaOids: Record<string, string> = {
  'SHA-256': Oid.sha256WithRsa,
  'SHA-384': Oid.sha384WithRsa,
  'SHA-512': Oid.sha512WithRsa,
};

/** The scheme a WebCrypto private key signs certificates with (its algorithm and hash are fixed). */
export function schemeForKey(key: CryptoKey): SignatureScheme {
  const algorithm = key.algorithm as KeyAlgorithm & Partial<EcKeyAlgorithm & RsaHashedKeyAlgorithm>;
  switch (algorithm.name) {
    case 'ECDSA':
      return { name: 'ECDSA', hash: curveHash(algorithm.namedCurve ?? 'P-256') };
    case 'RSASSA-PKCS1-v1_5':
      return { name: 'RSASSA-PKCS1-v1_5', hash: algorithm.hash?.name ?? 'SHA-256' };
    case 'RSA-PSS': {
      const hash = algorithm.hash?.name ?? 'SHA-256';
      return { name: 'RSA-PSS', hash, saltLength: hashLength(hash) };
    }
    case 'Ed25519':
      return { name: 'Ed25519' };
    default:
      throw new IdentityError('unsupported-key', `cannot sign certificates with a ${algorithm.name} key`);
  }
}

const hashIdentifier = (hash: string) => sequence(oid(hashOids[hash]!), nullValue());

/** AlgorithmIdentifier DER for a scheme. */
export function encodeSignatureAlgorithm(scheme: SignatureScheme): Uint8Array {
  switch (scheme.name) {
    case 'ECDSA':
      // RFC 5758 §3.2: the parameters field MUST be absent.
      return sequence(oid(ecdsaOids[scheme.hash]!));
    case 'RSASSA-PKCS1-v1_5':
      return sequence(oid(rsaOids[scheme.hash]!), nullValue());
    case 'RSA-PSS':
      // RFC 4055 §3.1: explicit hash, MGF1 with the same hash and salt length; trailerField left at its default.
      return sequence(
        oid(Oid.rsaPss),
        sequence(
          explicit(0, hashIdentifier(scheme.hash)),
          explicit(1, sequence(oid(Oid.mgf1), hashIdentifier(scheme.hash))),
          explicit(2, integer(scheme.saltLength)),
        ),
      );
    case 'Ed25519':
      // RFC 8410 §3: parameters MUST be absent.
      return sequence(oid(Oid.ed25519));
  }
}

function readHashIdentifier(node: DerNode | undefined): string {
  const [hashOid] = children(expectTag(node, Tag.sequence, 'hash algorithm'));
  const hash = hashByOid[readOid(expectTag(hashOid, Tag.oid, 'hash OID'))];
  if (!hash) throw new IdentityError('unsupported-key', 'unsupported hash in RSASSA-PSS parameters');
  return hash;
}

/** RFC 4055 §3.1 RSASSA-PSS-params; absent fields take the defaults SHA-1, MGF1-SHA-1, salt 20. */
function readPssParameters(params: DerNode | undefined): SignatureScheme {
  let hash = 'SHA-1';
  let mgfHash = 'SHA-1';
  let saltLength = 20;
  for (const field of params ? children(expectTag(params, Tag.sequence, 'RSASSA-PSS-params')) : []) {
    const [inner] = children(field);
    if (field.tag === 0xa0) hash = readHashIdentifier(inner);
    else if (field.tag === 0xa1) {
      const [mgfOid, mgfParams] = children(expectTag(inner, Tag.sequence, 'maskGenAlgorithm'));
      if (readOid(expectTag(mgfOid, Tag.oid, 'MGF OID')) !== Oid.mgf1) {
        throw new IdentityError('unsupported-key', 'RSASSA-PSS with a mask generation other than MGF1');
      }
      mgfHash = readHashIdentifier(mgfParams);
    } else if (field.tag === 0xa2) saltLength = readSmallInteger(expectTag(inner, Tag.integer, 'saltLength'));
    else if (field.tag === 0xa3 && readSmallInteger(expectTag(inner, Tag.integer, 'trailerField')) !== 1) {
      throw new IdentityError('unsupported-key', 'RSASSA-PSS trailerField must be 1');
    }
  }
  // WebCrypto always uses MGF1 with the signature hash.
  if (mgfHash !== hash) throw new IdentityError('unsupported-key', 'RSASSA-PSS with MGF1 over another hash');
  return { name: 'RSA-PSS', hash, saltLength };
}

/** Reads a signature AlgorithmIdentifier; throws IdentityError('unsupported-key') for anything else. */
export function parseSignatureAlgorithm(node: DerNode): SignatureScheme {
  const [algorithmOid, params] = children(expectTag(node, Tag.sequence, 'signature algorithm'));
  const id = readOid(expectTag(algorithmOid, Tag.oid, 'signature algorithm OID'));
  for (const [hash, ecdsaOid] of Object.entries(ecdsaOids))
    if (ecdsaOid === id) return { name: 'ECDSA', hash };
  for (const [hash, rsaOid] of Object.entries(rsaOids))
    if (rsaOid === id) return { name: 'RSASSA-PKCS1-v1_5', hash };
  if (id === Oid.rsaPss) return readPssParameters(params);
  if (id === Oid.ed25519) return { name: 'Ed25519' };
  throw new IdentityError('unsupported-key', `unsupported signature algorithm ${id}`);
}

/** Signs `data` and returns the signature in the form X.509 carries (DER for ECDSA). */
export async function signForX509(key: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  const scheme = schemeForKey(key);
  const params = scheme.name === 'RSA-PSS' ? { name: scheme.name, saltLength: scheme.saltLength } : scheme;
  const signature = new Uint8Array(await crypto.subtle.sign(params, key, data as BufferSource));
  return scheme.name === 'ECDSA' ? p1363ToDer(signature) : signature;
}

function verifyKeyParams(
  scheme: SignatureScheme,
  keyAlgorithm: PublicKeyAlgorithm,
): RsaHashedImportParams | EcKeyImportParams | Algorithm | undefined {
  const curve = { 'ecdsa-p256': 'P-256', 'ecdsa-p384': 'P-384', 'ecdsa-p521': 'P-521' }[
    keyAlgorithm as 'ecdsa-p256'
  ];
  if (scheme.name === 'ECDSA') return curve ? { name: 'ECDSA', namedCurve: curve } : undefined;
  if (scheme.name === 'Ed25519') return keyAlgorithm === 'ed25519' ? scheme : undefined;
  // PSS signatures made with an rsaEncryption key are the common case (RFC 4055 §1.2 allows both).
  return keyAlgorithm === 'rsa' ? { name: scheme.name, hash: scheme.hash } : undefined;
}

/**
 * Verifies an X.509-style signature with a SubjectPublicKeyInfo. False when the signature is wrong or
 * the key type does not fit the algorithm; never throws for a bad signature.
 */
export async function verifyX509Signature(options: {
  spki: Uint8Array;
  publicKeyAlgorithm: PublicKeyAlgorithm;
  scheme: SignatureScheme;
  signature: Uint8Array;
  data: Uint8Array;
}): Promise<boolean> {
  const { scheme, publicKeyAlgorithm } = options;
  const importParams = verifyKeyParams(scheme, publicKeyAlgorithm);
  if (!importParams) return false;
  try {
    const key = await crypto.subtle.importKey('spki', options.spki as BufferSource, importParams, false, [
      'verify',
    ]);
    let signature = options.signature;
    if (scheme.name === 'ECDSA') {
      signature = derToP1363(signature, curveSize((importParams as EcKeyImportParams).namedCurve));
    }
    const params = scheme.name === 'RSA-PSS' ? { name: scheme.name, saltLength: scheme.saltLength } : scheme;
    return await crypto.subtle.verify(params, key, signature as BufferSource, options.data as BufferSource);
  } catch {
    return false;
  }
}
