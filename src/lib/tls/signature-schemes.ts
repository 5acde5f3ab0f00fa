// SignatureScheme codes (RFC 8446 §4.2.3) and which WebCrypto operation each one is.

export const SignatureScheme = {
  rsaPkcs1Sha256: 0x0401,
  rsaPkcs1Sha384: 0x0501,
  rsaPkcs1Sha512: 0x0601,
  ecdsaSecp256r1Sha256: 0x0403,
  ecdsaSecp384r1Sha384: 0x0503,
  ecdsaSecp521r1Sha512: 0x0603,
  rsaPssRsaeSha256: 0x0804,
  rsaPssRsaeSha384: 0x0805,
  rsaPssRsaeSha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsaPssPssSha256: 0x0809,
  rsaPssPssSha384: 0x080a,
  rsaPssPssSha512: 0x080b,
} as const;

const names: Record<number, string> = {
  0x0401: 'rsa_pkcs1_sha256',
  0x0501: 'rsa_pkcs1_sha384',
  0x0601: 'rsa_pkcs1_sha512',
  0x0403: 'ecdsa_secp256r1_sha256',
  0x0503: 'ecdsa_secp384r1_sha384',
  0x0603: 'ecdsa_secp521r1_sha512',
  0x0804: 'rsa_pss_rsae_sha256',
  0x0805: 'rsa_pss_rsae_sha384',
  0x0806: 'rsa_pss_rsae_sha512',
  0x0807: 'ed25519',
  0x0808: 'ed448',
  0x0809: 'rsa_pss_pss_sha256',
  0x080a: 'rsa_pss_pss_sha384',
  0x080b: 'rsa_pss_pss_sha512',
};

export function signatureSchemeName(scheme: number): string {
  return names[scheme] ?? `0x${scheme.toString(16).padStart(4, '0')}`;
}

/**
 * What we offer in signature_algorithms: the schemes we can verify in CertificateVerify, plus PKCS#1 for
 * certificate signatures only (tls-notes §5.1; servers may choose their certificate by them).
 */
export const offeredSignatureSchemes = [
  SignatureScheme.ecdsaSecp256r1Sha256,
  SignatureScheme.ecdsaSecp384r1Sha384,
  SignatureScheme.ed25519,
  SignatureScheme.rsaPssRsaeSha256,
  SignatureScheme.rsaPssRsaeSha384,
  SignatureScheme.rsaPssRsaeSha512,
  SignatureScheme.rsaPkcs1Sha256,
  SignatureScheme.rsaPkcs1Sha384,
  SignatureScheme.rsaPkcs1Sha512,
];

export interface SchemeAlgorithm {
  /** Leaf key type the scheme requires (matches identity/x509 PublicKeyAlgorithm). */
  keyType: 'ecdsa-p256' | 'ecdsa-p384' | 'rsa' | 'ed25519';
  importParams: RsaHashedImportParams | EcKeyImportParams | Algorithm;
  signParams: RsaPssParams | EcdsaParams | Algorithm;
  /** Bytes per r or s for ECDSA (P1363 half-length). */
  ecdsaSize?: number;
}

/** Schemes usable in a TLS 1.3 CertificateVerify (PKCS#1 is forbidden there, §4.4.3). */
export function certificateVerifyAlgorithm(scheme: number): SchemeAlgorithm | undefined {
  switch (scheme) {
    case SignatureScheme.ecdsaSecp256r1Sha256:
      return {
        keyType: 'ecdsa-p256',
        importParams: { name: 'ECDSA', namedCurve: 'P-256' },
        signParams: { name: 'ECDSA', hash: 'SHA-256' },
        ecdsaSize: 32,
      };
    case SignatureScheme.ecdsaSecp384r1Sha384:
      return {
        keyType: 'ecdsa-p384',
        importParams: { name: 'ECDSA', namedCurve: 'P-384' },
        signParams: { name: 'ECDSA', hash: 'SHA-384' },
        ecdsaSize: 48,
      };
    case SignatureScheme.rsaPssRsaeSha256:
    case SignatureScheme.rsaPssRsaeSha384:
    case SignatureScheme.rsaPssRsaeSha512: {
      const bits = scheme === 0x0804 ? 256 : scheme === 0x0805 ? 384 : 512;
      return {
        keyType: 'rsa',
        importParams: { name: 'RSA-PSS', hash: `SHA-${bits}` },
        signParams: { name: 'RSA-PSS', saltLength: bits / 8 },
      };
    }
    case SignatureScheme.ed25519:
      return { keyType: 'ed25519', importParams: { name: 'Ed25519' }, signParams: { name: 'Ed25519' } };
    default:
      return undefined;
  }
}

/** The schemes a WebCrypto private key can produce, best first (tls-notes §5.2). */
export function schemesForSigningKey(key: CryptoKey): number[] {
  const algorithm = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } };
  switch (algorithm.name) {
    case 'ECDSA':
      if (algorithm.namedCurve === 'P-256') return [SignatureScheme.ecdsaSecp256r1Sha256];
      if (algorithm.namedCurve === 'P-384') return [SignatureScheme.ecdsaSecp384r1Sha384];
      return [];
    case 'RSA-PSS': {
      // A WebCrypto RSA-PSS key is bound to the hash it was imported with.
      const hash = algorithm.hash?.name;
      if (hash === 'SHA-256') return [SignatureScheme.rsaPssRsaeSha256];
      if (hash === 'SHA-384') return [SignatureScheme.rsaPssRsaeSha384];
      if (hash === 'SHA-512') return [SignatureScheme.rsaPssRsaeSha512];
      return [];
    }
    case 'Ed25519':
      return [SignatureScheme.ed25519];
    default:
      return [];
  }
}
