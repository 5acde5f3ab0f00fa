// Client authentication (RFC 8446 §4.4.2-4.4.3): pick a scheme the server accepts and our key can produce,
// then sign the CertificateVerify content with WebCrypto (the key may be non-extractable).
import { Alert } from './alerts';
import { ecdsaP1363ToDer } from './ecdsa-der';
import { protocolError } from './errors';
import { certificateVerifyAlgorithm, schemesForSigningKey, signatureSchemeName } from './signature-schemes';
import type { ClientIdentity } from './types';

export function chooseClientScheme(identity: ClientIdentity, serverSchemes: readonly number[]): number {
  const ours = schemesForSigningKey(identity.privateKey);
  const scheme = ours.find((candidate) => serverSchemes.includes(candidate));
  if (scheme === undefined) {
    const keyName = (identity.privateKey.algorithm as { name: string }).name;
    throw protocolError(
      Alert.handshakeFailure,
      `server does not accept this identity's key type: the server accepts client signatures ` +
        `[${serverSchemes.map(signatureSchemeName).join(', ')}], this ${keyName} key can sign with ` +
        `[${ours.map(signatureSchemeName).join(', ') || 'nothing usable in TLS 1.3'}]`,
    );
  }
  return scheme;
}

export async function signCertificateVerify(
  identity: ClientIdentity,
  scheme: number,
  content: Uint8Array,
): Promise<Uint8Array> {
  if (identity.sign) return identity.sign(scheme, content);
  const algorithm = certificateVerifyAlgorithm(scheme);
  if (!algorithm) throw protocolError(Alert.internalError, `cannot sign with ${signatureSchemeName(scheme)}`);
  let signature: Uint8Array;
  try {
    signature = new Uint8Array(
      await globalThis.crypto.subtle.sign(algorithm.signParams, identity.privateKey, content as BufferSource),
    );
  } catch (cause) {
    throw protocolError(
      Alert.internalError,
      `signing the client CertificateVerify failed: ${String(cause)}`,
      cause,
    );
  }
  return algorithm.ecdsaSize ? ecdsaP1363ToDer(signature) : signature;
}
