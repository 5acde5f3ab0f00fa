// Handshake traffic secrets (RFC 8446 §7.1): Handshake Secret = HKDF-Extract(Derive-Secret(Early Secret,
// "derived", ""), ECDHE), then "c hs traffic" / "s hs traffic" over the transcript through ServerHello.
// The ECDHE output stays a non-extractable HKDF key unless a key log needs its bytes.
import type { CipherSuite } from './cipher-suites';
import { deriveFromExtract, earlyDerivedSecret, hkdfExtract, importHkdfKey } from './key-schedule';
import type { EphemeralKeyShare } from './key-share';

export interface HandshakeSecrets {
  clientHandshakeSecret: Uint8Array;
  serverHandshakeSecret: Uint8Array;
  /** ECDHE output as an HKDF key, and the Extract salt: what the Master Secret's salt derives from. */
  ikm: CryptoKey;
  earlySalt: Uint8Array;
  /** HANDSHAKE_SECRET for a key log; computed only when asked for. */
  handshakeSecretForLog?: () => Promise<Uint8Array>;
}

export async function deriveHandshakeSecrets(
  suite: CipherSuite,
  ourShare: EphemeralKeyShare,
  peerKeyExchange: Uint8Array,
  helloHash: Promise<Uint8Array>,
  logSecrets: boolean,
): Promise<HandshakeSecrets> {
  const sharedSecret =
    logSecrets || !ourShare.deriveSharedKey ? ourShare.deriveSharedSecret(peerKeyExchange) : undefined;
  const [ikm, hash, earlySalt] = await Promise.all([
    sharedSecret
      ? sharedSecret.then(importHkdfKey)
      : (ourShare.deriveSharedKey as (peer: Uint8Array) => Promise<CryptoKey>)(peerKeyExchange),
    helloHash,
    earlyDerivedSecret(suite.hash),
  ]);
  const [clientHandshakeSecret, serverHandshakeSecret] = await Promise.all([
    deriveFromExtract(suite.hash, ikm, earlySalt, 'c hs traffic', hash),
    deriveFromExtract(suite.hash, ikm, earlySalt, 's hs traffic', hash),
  ]);
  return {
    clientHandshakeSecret,
    serverHandshakeSecret,
    ikm,
    earlySalt,
    handshakeSecretForLog:
      sharedSecret && logSecrets
        ? async () => hkdfExtract(suite.hash, earlySalt, await sharedSecret)
        : undefined,
  };
}
