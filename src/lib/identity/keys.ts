// Identity key pairs on WebCrypto. Misfin allows "anything supported by TLS" (misfin-protocol.md §10);
// we make EC P-256 by default, RSA-2048 for the reference implementation's users, and Ed25519.
import type { PublicKeyAlgorithm } from './x509';
import { IdentityError } from './errors';

export type KeyKind = 'ec' | 'rsa' | 'ed25519';

export interface KeyPairResult {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** SubjectPublicKeyInfo DER of the public key. */
  spki: Uint8Array;
}

/** How an RSA private key is bound in WebCrypto: one scheme and one hash per key (tls-notes.md §3). */
export type RsaScheme = 'RSA-PSS' | 'RSASSA-PKCS1-v1_5';

type KeyAlgorithmParams = RsaHashedImportParams | EcKeyImportParams | Algorithm;

/**
 * RSA identity keys are RSA-PSS with SHA-256, because TLS 1.3 client authentication with RSA uses
 * rsa_pss_rsae_sha256 (RFC 8446 §4.2.3) and a WebCrypto RSA key cannot switch scheme. Their SPKI still
 * says rsaEncryption, which is what servers expect of an "rsae" key.
 */
function generationParams(kind: KeyKind): RsaHashedKeyGenParams | EcKeyGenParams | Algorithm {
  switch (kind) {
    case 'ec':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'rsa':
      return {
        name: 'RSA-PSS',
        modulusLength: 2048,
        publicExponent: Uint8Array.of(1, 0, 1),
        hash: 'SHA-256',
      };
    case 'ed25519':
      return { name: 'Ed25519' };
    default:
      throw new IdentityError('unsupported-key', `unknown key kind ${String(kind)}`);
  }
}

/** EC P-256 (default), RSA-2048 (RSA-PSS SHA-256, so it can sign TLS 1.3 CertificateVerify), Ed25519. */
export async function generateIdentityKey(
  kind: KeyKind,
  options: { extractable: boolean },
): Promise<KeyPairResult> {
  const pair = (await crypto.subtle.generateKey(generationParams(kind), options.extractable, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  // The public half is always exportable even when the private half is not (WebCrypto §14.3.12).
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, spki };
}

/** The WebCrypto parameters to import a key of this certificate key type for signing or verifying. */
export function keyAlgorithmFor(
  publicKeyAlgorithm: PublicKeyAlgorithm,
  rsaScheme: RsaScheme = 'RSA-PSS',
): KeyAlgorithmParams {
  switch (publicKeyAlgorithm) {
    case 'ecdsa-p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ecdsa-p384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    case 'ecdsa-p521':
      return { name: 'ECDSA', namedCurve: 'P-521' };
    case 'rsa':
      return { name: rsaScheme, hash: 'SHA-256' };
    case 'ed25519':
      return { name: 'Ed25519' };
    case 'rsa-pss':
      // WebCrypto only imports RSA keys labelled rsaEncryption (Node: "Invalid key type").
      throw new IdentityError(
        'unsupported-key',
        'RSA keys restricted to RSASSA-PSS (OID 1.2.840.113549.1.1.10) are not supported; use an rsaEncryption key',
      );
  }
}

/** The key kind of a certificate's key, as far as identity generation is concerned. */
export function keyKindOf(publicKeyAlgorithm: PublicKeyAlgorithm): KeyKind {
  if (publicKeyAlgorithm === 'ed25519') return 'ed25519';
  if (publicKeyAlgorithm === 'rsa' || publicKeyAlgorithm === 'rsa-pss') return 'rsa';
  return 'ec';
}

/** Imports a PKCS#8 private key for signing, as the key type of the matching certificate. */
export async function importPrivateKey(
  pkcs8: Uint8Array,
  publicKeyAlgorithm: PublicKeyAlgorithm,
  options: { extractable: boolean; rsaScheme?: RsaScheme },
): Promise<CryptoKey> {
  const algorithm = keyAlgorithmFor(publicKeyAlgorithm, options.rsaScheme);
  try {
    return await crypto.subtle.importKey('pkcs8', pkcs8 as BufferSource, algorithm, options.extractable, [
      'sign',
    ]);
  } catch (error) {
    throw new IdentityError(
      'malformed',
      `the private key cannot be imported as a ${publicKeyAlgorithm} key: ${(error as Error).message}`,
    );
  }
}

/** The parameters for `crypto.subtle.sign`/`verify` with a key of this algorithm (hash bound per curve). */
export function signParamsFor(key: CryptoKey): Algorithm | EcdsaParams | RsaPssParams {
  const algorithm = key.algorithm as EcKeyAlgorithm & RsaHashedKeyAlgorithm;
  switch (algorithm.name) {
    case 'ECDSA':
      return { name: 'ECDSA', hash: curveHash(algorithm.namedCurve) };
    case 'RSA-PSS':
      return { name: 'RSA-PSS', saltLength: hashLength(algorithm.hash.name) };
    default:
      return { name: algorithm.name };
  }
}

/** RFC 5480 §4 / RFC 8446 §4.2.3: the hash that goes with each curve. */
export function curveHash(namedCurve: string): string {
  if (namedCurve === 'P-384') return 'SHA-384';
  if (namedCurve === 'P-521') return 'SHA-512';
  return 'SHA-256';
}

export function hashLength(hash: string): number {
  if (hash === 'SHA-384') return 48;
  if (hash === 'SHA-512') return 64;
  return 32;
}
