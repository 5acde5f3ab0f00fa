// Handshake traffic secrets (RFC 8446 §7.1): Handshake Secret = HKDF-Extract(Derive-Secret(Early Secret,
// "derived", ""), ECDHE), then "c hs traffic" / "s hs traffic" over the transcript through ServerHello.
// The ECDHE output stays a non-extractable HKDF key unless a key log needs its bytes.
import { RecordProtection } from './aead';
import type { CipherSuite } from './cipher-suites';
import type { HandshakeHost } from './handshake-host';
import {
  deriveFromExtract,
  earlyDerivedSecret,
  emptyHash,
  finishedKey,
  hkdfExtract,
  importHkdfKey,
  warmHmacKey,
} from './key-schedule';
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

/**
 * `pskSalt` is Derive-Secret(Early Secret, "derived", "") of a resumption PSK the server accepted (§7.1);
 * without it the Early Secret is the all-zero constant.
 */
export async function deriveHandshakeSecrets(
  suite: CipherSuite,
  ourShare: EphemeralKeyShare,
  peerKeyExchange: Uint8Array,
  helloHash: Promise<Uint8Array>,
  logSecrets: boolean,
  pskSalt?: Uint8Array,
): Promise<HandshakeSecrets> {
  const sharedSecret =
    logSecrets || !ourShare.deriveSharedKey ? ourShare.deriveSharedSecret(peerKeyExchange) : undefined;
  const [ikm, hash, earlySalt] = await Promise.all([
    sharedSecret
      ? sharedSecret.then(importHkdfKey)
      : (ourShare.deriveSharedKey as (peer: Uint8Array) => Promise<CryptoKey>)(peerKeyExchange),
    helloHash,
    pskSalt ?? earlyDerivedSecret(suite.hash),
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

export interface HandshakeKeys {
  /** Derive-Secret(Handshake Secret, "derived", ""): the salt of the Master Secret's Extract. */
  masterSalt: Promise<Uint8Array>;
  serverFinishedKey: Promise<Uint8Array>;
  clientFinishedKey: Promise<Uint8Array>;
}

/** Derives the handshake traffic secrets after the ServerHello and installs them on the record layer. */
export async function installHandshakeKeys(
  host: HandshakeHost,
  suite: CipherSuite,
  ourShare: EphemeralKeyShare,
  peerKeyExchange: Uint8Array,
  helloHash: Promise<Uint8Array>,
  logSecrets: boolean,
  pskSalt?: Uint8Array,
): Promise<HandshakeKeys> {
  const { clientHandshakeSecret, serverHandshakeSecret, ikm, earlySalt, handshakeSecretForLog } =
    await deriveHandshakeSecrets(suite, ourShare, peerKeyExchange, helloHash, logSecrets, pskSalt);
  host.logSecret('CLIENT_HANDSHAKE_TRAFFIC_SECRET', clientHandshakeSecret);
  host.logSecret('SERVER_HANDSHAKE_TRAFFIC_SECRET', serverHandshakeSecret);
  // The read key first: the server flight waits on it. Secrets needed only at the server Finished are
  // started afterwards so they do not compete with it for WebCrypto's worker threads.
  const read = RecordProtection.fromSecret(suite, serverHandshakeSecret);
  const write = RecordProtection.fromSecret(suite, clientHandshakeSecret);
  write.catch(() => undefined);
  host.setReadProtection(await read);
  host.setWriteProtection(write);
  if (handshakeSecretForLog) host.logSecret('HANDSHAKE_SECRET', await handshakeSecretForLog());
  const masterSalt = emptyHash(suite.hash).then((empty) =>
    deriveFromExtract(suite.hash, ikm, earlySalt, 'derived', empty),
  );
  const serverFinishedKey = finishedKey(suite.hash, serverHandshakeSecret);
  const clientFinishedKey = finishedKey(suite.hash, clientHandshakeSecret);
  masterSalt.catch(() => undefined);
  // Unobserved rejections would be reported as unhandled; failures resurface where they are awaited.
  for (const pending of [serverFinishedKey, clientFinishedKey]) {
    pending.then((key) => warmHmacKey(suite.hash, key)).catch(() => undefined);
  }
  return { masterSalt, serverFinishedKey, clientFinishedKey };
}
