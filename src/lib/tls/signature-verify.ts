// Verifies a CertificateVerify (RFC 8446 §4.4.3) against the leaf certificate's SubjectPublicKeyInfo.
import { concat } from '../bytes/concat';
import { Alert } from './alerts';
import { ecdsaDerToP1363 } from './ecdsa-der';
import { protocolError } from './errors';
import { certificateVerifyAlgorithm, signatureSchemeName } from './signature-schemes';

const encoder = new TextEncoder();

/** Smallest RSA server key accepted. */
export const minimumRsaModulusBits = 2048;

/** 64 spaces ‖ context string ‖ 0 ‖ transcript hash: what CertificateVerify signs (§4.4.3). */
export function certificateVerifyContent(side: 'server' | 'client', transcriptHash: Uint8Array): Uint8Array {
  return concat(
    new Uint8Array(64).fill(0x20),
    encoder.encode(`TLS 1.3, ${side} CertificateVerify`),
    Uint8Array.of(0),
    transcriptHash,
  );
}

/**
 * Checks the server's signature. A scheme we did not offer or that does not fit the key type is
 * illegal_parameter; a signature that does not verify is decrypt_error (§4.4.3).
 */
/** Imports a leaf SPKI for verification, memoised per import parameters (started early, used at CV). */
export class LeafKeyCache {
  private readonly keys = new Map<string, Promise<CryptoKey>>();

  constructor(private readonly spki: Uint8Array) {}

  get(params: Algorithm): Promise<CryptoKey> {
    const id = JSON.stringify(params);
    let key = this.keys.get(id);
    if (!key) {
      key = globalThis.crypto.subtle.importKey('spki', this.spki as BufferSource, params, false, ['verify']);
      key.catch(() => undefined);
      this.keys.set(id, key);
    }
    return key;
  }

  /** Starts the import for the scheme a server with this key type most likely signs with. */
  prefetch(publicKeyAlgorithm: string): void {
    const likely: Record<string, number> = {
      'ecdsa-p256': 0x0403,
      'ecdsa-p384': 0x0503,
      ed25519: 0x0807,
      rsa: 0x0804,
    };
    const scheme = likely[publicKeyAlgorithm];
    const algorithm = scheme === undefined ? undefined : certificateVerifyAlgorithm(scheme);
    if (algorithm) void this.get(algorithm.importParams);
  }
}

export async function verifyServerSignature(
  scheme: number,
  offered: readonly number[],
  spki: Uint8Array,
  publicKeyAlgorithm: string,
  content: Uint8Array,
  signature: Uint8Array,
  keys: LeafKeyCache = new LeafKeyCache(spki),
  minimumRsaBits = minimumRsaModulusBits,
): Promise<void> {
  const algorithm = certificateVerifyAlgorithm(scheme);
  if (!algorithm || !offered.includes(scheme)) {
    throw protocolError(
      Alert.illegalParameter,
      `server signed with ${signatureSchemeName(scheme)}, which we did not offer`,
    );
  }
  // rsa_pss_rsae_* needs an rsaEncryption key; x509 reports 'rsa' for it.
  if (algorithm.keyType !== publicKeyAlgorithm) {
    throw protocolError(
      Alert.illegalParameter,
      `server signed with ${signatureSchemeName(scheme)} but its certificate holds a ${publicKeyAlgorithm} key`,
    );
  }
  const subtle = globalThis.crypto.subtle;
  let key: CryptoKey;
  try {
    key = await keys.get(algorithm.importParams);
  } catch (cause) {
    throw protocolError(
      Alert.badCertificate,
      `cannot use the server certificate's ${publicKeyAlgorithm} key`,
      cause,
    );
  }
  // RSA below 2048 bits is factorable by well-funded attackers (NIST SP 800-131A disallows it since 2014);
  // Misfin's reference server makes RSA-2048 keys, so nothing legitimate is lost by refusing smaller ones.
  const modulusLength = (key.algorithm as Partial<RsaHashedKeyAlgorithm>).modulusLength;
  if (algorithm.keyType === 'rsa' && (modulusLength ?? 0) < minimumRsaBits) {
    throw protocolError(
      Alert.insufficientSecurity,
      `server certificate has a ${modulusLength ?? 'unknown'}-bit RSA key; at least ${minimumRsaBits} bits are required`,
    );
  }
  let raw = signature;
  if (algorithm.ecdsaSize) {
    try {
      raw = ecdsaDerToP1363(signature, algorithm.ecdsaSize);
    } catch (cause) {
      throw protocolError(Alert.decodeError, 'server ECDSA signature is not valid DER', cause);
    }
  }
  const ok = await subtle.verify(algorithm.signParams, key, raw as BufferSource, content as BufferSource);
  if (!ok) throw protocolError(Alert.decryptError, 'server CertificateVerify signature does not verify');
}
