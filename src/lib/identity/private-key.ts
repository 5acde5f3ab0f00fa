// WebCrypto imports private keys only as PKCS#8 (or JWK), but the reference implementation writes PKCS#1
// "RSA PRIVATE KEY" and OpenSSL often writes SEC1 "EC PRIVATE KEY". Wrap them in a PrivateKeyInfo
// (RFC 5208 §5 / RFC 5958 §2) without touching the inner key (tls-notes.md §3.1).
import { children, DerError, expectTag, parseDer, readOid, readSmallInteger, Tag } from '../bytes/der';
import { integer, nullValue, octetString, oid, sequence } from '../bytes/der-writer';
import { IdentityError } from './errors';
import { keyAlgorithmOf } from './identity-fields';
import { Oid } from './oids';
import type { PublicKeyAlgorithm } from './x509';

/** PKCS#1 RSAPrivateKey (RFC 8017 §A.1.2) -> PKCS#8 with rsaEncryption, parameters NULL. */
export function wrapPkcs1(der: Uint8Array): Uint8Array {
  try {
    const fields = children(expectTag(parseDer(der), Tag.sequence, 'RSAPrivateKey'));
    // version, n, e, d, p, q, dP, dQ, qInv (two-prime keys have version 0).
    if (fields.length < 9 || fields.some((field) => field.tag !== Tag.integer)) {
      throw new DerError('RSAPrivateKey needs nine INTEGERs');
    }
  } catch (error) {
    throw new IdentityError('malformed', `not a PKCS#1 RSA private key: ${(error as Error).message}`);
  }
  return sequence(integer(0), sequence(oid(Oid.rsaEncryption), nullValue()), octetString(der));
}

/** Private key lengths of the named curves, for SEC1 keys that omit their parameters. */
const curveBySize: Record<number, string> = { 32: Oid.p256, 48: Oid.p384, 66: Oid.p521 };

/** SEC1 ECPrivateKey (RFC 5915 §3) -> PKCS#8 with id-ecPublicKey and the curve OID as parameters. */
export function wrapSec1(der: Uint8Array): Uint8Array {
  let curve: string | undefined;
  try {
    const [version, privateKey, ...optional] = children(
      expectTag(parseDer(der), Tag.sequence, 'ECPrivateKey'),
    );
    if (readSmallInteger(expectTag(version, Tag.integer, 'version')) !== 1) {
      throw new DerError('ECPrivateKey version must be 1');
    }
    const secret = expectTag(privateKey, Tag.octetString, 'privateKey').value;
    const parameters = optional.find((field) => field.tag === 0xa0);
    const [namedCurve] = parameters ? children(parameters) : [];
    curve = namedCurve ? readOid(expectTag(namedCurve, Tag.oid, 'namedCurve')) : curveBySize[secret.length];
  } catch (error) {
    throw new IdentityError('malformed', `not a SEC1 EC private key: ${(error as Error).message}`);
  }
  if (curve !== Oid.p256 && curve !== Oid.p384 && curve !== Oid.p521) {
    throw new IdentityError('unsupported-key', `unsupported elliptic curve ${curve ?? '(unknown)'}`);
  }
  return sequence(integer(0), sequence(oid(Oid.ecPublicKey), oid(curve)), octetString(der));
}

/** The key type a PKCS#8 PrivateKeyInfo declares. */
export function pkcs8KeyAlgorithm(der: Uint8Array): PublicKeyAlgorithm {
  try {
    const [version, algorithm] = children(expectTag(parseDer(der), Tag.sequence, 'PrivateKeyInfo'));
    expectTag(version, Tag.integer, 'version');
    return keyAlgorithmOf(algorithm);
  } catch (error) {
    if (error instanceof IdentityError) throw error;
    throw new IdentityError('malformed', `not a PKCS#8 private key: ${(error as Error).message}`);
  }
}
