// The TLS 1.3 key schedule (RFC 8446 §7.1) on WebCrypto HMAC: HKDF-Extract and HKDF-Expand (RFC 5869)
// written out because WebCrypto's HKDF always runs both steps, and TLS needs Expand-Label on its own.
import { ByteWriter } from '../bytes/writer';

export type HashName = 'SHA-256' | 'SHA-384';

export function hashLength(hash: HashName): number {
  return hash === 'SHA-256' ? 32 : 48;
}

const subtle = () => globalThis.crypto.subtle;
const encoder = new TextEncoder();

// An imported HMAC key per secret: each secret keys several Expand calls (derive, key, iv, finished), and
// importKey is the costly part of one HKDF step in Node.
const hmacKeys = new WeakMap<Uint8Array, Map<HashName, Promise<CryptoKey>>>();

function hmacKey(secret: Uint8Array, hash: HashName): Promise<CryptoKey> {
  let byHash = hmacKeys.get(secret);
  if (!byHash) {
    byHash = new Map();
    hmacKeys.set(secret, byHash);
  }
  let key = byHash.get(hash);
  if (!key) {
    key = subtle().importKey('raw', secret as BufferSource, { name: 'HMAC', hash }, false, ['sign']);
    byHash.set(hash, key);
  }
  return key;
}

/** Starts importing `key` as an HMAC key now, so a later hmac() with it skips the import. */
export function warmHmacKey(hash: HashName, key: Uint8Array): void {
  hmacKey(key, hash).catch(() => undefined);
}

export async function hmac(hash: HashName, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const mac = await subtle().sign('HMAC', await hmacKey(key, hash), data as BufferSource);
  return new Uint8Array(mac);
}

export async function digest(hash: HashName, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(hash, data as BufferSource));
}

/** HKDF-Extract(salt, IKM) = HMAC(salt, IKM); an absent salt is HashLen zeros (RFC 5869 §2.2). */
export function hkdfExtract(
  hash: HashName,
  salt: Uint8Array | undefined,
  ikm: Uint8Array,
): Promise<Uint8Array> {
  return hmac(hash, salt ?? new Uint8Array(hashLength(hash)), ikm);
}

/** HKDF-Expand (RFC 5869 §2.3). */
export async function hkdfExpand(
  hash: HashName,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  let filled = 0;
  for (let counter = 1; filled < length; counter++) {
    const input = new Uint8Array(previous.length + info.length + 1);
    input.set(previous);
    input.set(info, previous.length);
    input[input.length - 1] = counter;
    previous = await hmac(hash, prk, input);
    out.set(previous.subarray(0, Math.min(previous.length, length - filled)), filled);
    filled += previous.length;
  }
  return out;
}

/** HkdfLabel = length ‖ "tls13 " + label ‖ context (RFC 8446 §7.1). */
export function hkdfLabel(label: string, context: Uint8Array, length: number): Uint8Array {
  return new ByteWriter(64 + context.length)
    .u16(length)
    .vec8((w) => w.bytes(encoder.encode('tls13 ' + label)))
    .vec8((w) => w.bytes(context))
    .finish();
}

export function hkdfExpandLabel(
  hash: HashName,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  return hkdfExpand(hash, secret, hkdfLabel(label, context, length), length);
}

/** Derive-Secret(Secret, Label, Messages) with the transcript hash already taken (RFC 8446 §7.1). */
export function deriveSecret(
  hash: HashName,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Promise<Uint8Array> {
  return hkdfExpandLabel(hash, secret, label, transcriptHash, hashLength(hash));
}

export interface HandshakeSecrets {
  handshakeSecret: Uint8Array;
  clientHandshakeTrafficSecret: Uint8Array;
  serverHandshakeTrafficSecret: Uint8Array;
}

export interface ApplicationSecrets {
  masterSecret: Uint8Array;
  clientApplicationTrafficSecret: Uint8Array;
  serverApplicationTrafficSecret: Uint8Array;
  exporterMasterSecret: Uint8Array;
}

const emptyHashes = new Map<HashName, Promise<Uint8Array>>();
export function emptyHash(hash: HashName): Promise<Uint8Array> {
  let value = emptyHashes.get(hash);
  if (!value) {
    value = digest(hash, new Uint8Array(0));
    emptyHashes.set(hash, value);
  }
  return value;
}

// Without a PSK the Early Secret and the salt derived from it are constants per hash: compute them once.
const earlyDerived = new Map<HashName, Promise<Uint8Array>>();
export function earlyDerivedSecret(hash: HashName): Promise<Uint8Array> {
  let value = earlyDerived.get(hash);
  if (!value) {
    value = (async () => {
      const earlySecret = await hkdfExtract(hash, undefined, new Uint8Array(hashLength(hash)));
      return deriveSecret(hash, earlySecret, 'derived', await emptyHash(hash));
    })();
    earlyDerived.set(hash, value);
  }
  return value;
}

/** Imports input keying material for WebCrypto's own HKDF (Extract then Expand in one call). */
export function importHkdfKey(ikm: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey('raw', ikm as BufferSource, 'HKDF', false, ['deriveBits']);
}

const zeroKeys = new Map<HashName, Promise<CryptoKey>>();
/** HashLen zeros as HKDF input: the IKM of the Master Secret's Extract (RFC 8446 §7.1). */
export function zeroHkdfKey(hash: HashName): Promise<CryptoKey> {
  let key = zeroKeys.get(hash);
  if (!key) {
    key = importHkdfKey(new Uint8Array(hashLength(hash)));
    zeroKeys.set(hash, key);
  }
  return key;
}

/**
 * Derive-Secret(HKDF-Extract(salt, IKM), label, transcriptHash) in one native HKDF call. The key schedule's
 * Handshake and Master Secrets are Extract outputs, so the secrets taken from them need no HMAC key import:
 * HKDF(IKM, salt, info) = HKDF-Expand(HKDF-Extract(salt, IKM), info) (RFC 5869 §2).
 */
export async function deriveFromExtract(
  hash: HashName,
  ikm: CryptoKey,
  salt: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Promise<Uint8Array> {
  const length = hashLength(hash);
  const info = hkdfLabel(label, transcriptHash, length);
  const bits = await subtle().deriveBits(
    { name: 'HKDF', hash, salt: salt as BufferSource, info: info as BufferSource },
    ikm,
    length * 8,
  );
  return new Uint8Array(bits);
}

/** Early Secret (no PSK) → Handshake Secret → the two handshake traffic secrets. */
export async function deriveHandshakeSecrets(
  hash: HashName,
  sharedSecret: Uint8Array,
  helloHash: Uint8Array,
): Promise<HandshakeSecrets> {
  const handshakeSecret = await hkdfExtract(hash, await earlyDerivedSecret(hash), sharedSecret);
  const [clientHandshakeTrafficSecret, serverHandshakeTrafficSecret] = await Promise.all([
    deriveSecret(hash, handshakeSecret, 'c hs traffic', helloHash),
    deriveSecret(hash, handshakeSecret, 's hs traffic', helloHash),
  ]);
  return { handshakeSecret, clientHandshakeTrafficSecret, serverHandshakeTrafficSecret };
}

/** Master Secret: depends only on the Handshake Secret, so it can be computed while the flight arrives. */
export async function deriveMasterSecret(hash: HashName, handshakeSecret: Uint8Array): Promise<Uint8Array> {
  const derived = await deriveSecret(hash, handshakeSecret, 'derived', await emptyHash(hash));
  return hkdfExtract(hash, derived, new Uint8Array(hashLength(hash)));
}

/** The secrets taken at the server Finished (RFC 8446 §7.1). */
export async function applicationSecretsFromMaster(
  hash: HashName,
  masterSecret: Uint8Array,
  serverFinishedHash: Uint8Array,
): Promise<ApplicationSecrets> {
  const [clientApplicationTrafficSecret, serverApplicationTrafficSecret, exporterMasterSecret] =
    await Promise.all([
      deriveSecret(hash, masterSecret, 'c ap traffic', serverFinishedHash),
      deriveSecret(hash, masterSecret, 's ap traffic', serverFinishedHash),
      deriveSecret(hash, masterSecret, 'exp master', serverFinishedHash),
    ]);
  return {
    masterSecret,
    clientApplicationTrafficSecret,
    serverApplicationTrafficSecret,
    exporterMasterSecret,
  };
}

export async function deriveApplicationSecrets(
  hash: HashName,
  handshakeSecret: Uint8Array,
  serverFinishedHash: Uint8Array,
): Promise<ApplicationSecrets> {
  return applicationSecretsFromMaster(
    hash,
    await deriveMasterSecret(hash, handshakeSecret),
    serverFinishedHash,
  );
}

/** application_traffic_secret_N+1 (RFC 8446 §7.2), used by KeyUpdate. */
export function nextTrafficSecret(hash: HashName, secret: Uint8Array): Promise<Uint8Array> {
  return hkdfExpandLabel(hash, secret, 'traffic upd', new Uint8Array(0), hashLength(hash));
}

/** finished_key (RFC 8446 §4.4.4). */
export function finishedKey(hash: HashName, baseKey: Uint8Array): Promise<Uint8Array> {
  return hkdfExpandLabel(hash, baseKey, 'finished', new Uint8Array(0), hashLength(hash));
}

/** verify_data = HMAC(finished_key, Transcript-Hash) (RFC 8446 §4.4.4). */
export async function finishedVerifyData(
  hash: HashName,
  baseKey: Uint8Array,
  transcriptHash: Uint8Array,
): Promise<Uint8Array> {
  return hmac(hash, await finishedKey(hash, baseKey), transcriptHash);
}
