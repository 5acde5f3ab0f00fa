// Record-and-replay support for negative tests: run one real handshake against a server with a fixed
// ClientHello.random and ephemeral key, keep every byte the server sent and the traffic secrets, so the
// server flight can be decrypted, mutated, re-encrypted and replayed into a fresh client core.
import { RecordProtection } from '../../src/lib/tls/aead';
import { cipherSuites, type CipherSuite } from '../../src/lib/tls/cipher-suites';
import { connectTls, type ClientIdentity } from '../../src/lib/tls/client';
import { TlsClientCore, type TlsCoreOptions } from '../../src/lib/tls/connection';
import { keyShareFromKeyPair, NamedGroup, type KeyShareFactory } from '../../src/lib/tls/key-share';
import { RecordReader, type RawRecord } from '../../src/lib/tls/record-layer';
import { HandshakeBuffer, type HandshakeMessage } from '../../src/lib/tls/handshake-framing';
import { connectTcp } from '../../src/lib/node/tcp-transport';
import type { ByteTransport } from '../../src/lib/tls/transport';

export interface Capture {
  random: Uint8Array;
  keyShares: KeyShareFactory;
  identity: ClientIdentity;
  suite: CipherSuite;
  secrets: Map<string, Uint8Array>;
  /** Every record the server sent up to and including its Finished. */
  serverHelloRecord: RawRecord;
  /** Plaintext handshake messages of the encrypted flight: EE, CR, Certificate, CertificateVerify, Finished. */
  flight: HandshakeMessage[];
}

export async function fixedX25519(): Promise<KeyShareFactory> {
  const pair = (await crypto.subtle.generateKey({ name: 'X25519' }, true, ['deriveBits'])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const share = keyShareFromKeyPair(NamedGroup.x25519, pair.privateKey, publicKey);
  return { create: async () => share };
}

export async function captureHandshake(
  host: string,
  port: number,
  identity: ClientIdentity,
): Promise<Capture> {
  const random = crypto.getRandomValues(new Uint8Array(32));
  const keyShares = await fixedX25519();
  const secrets = new Map<string, Uint8Array>();
  const received: Uint8Array[] = [];
  const tcp = await connectTcp(host, port);
  const recording: ByteTransport = {
    read: async () => {
      const chunk = await tcp.read();
      if (chunk) received.push(chunk.slice());
      return chunk;
    },
    write: (bytes) => tcp.write(bytes),
    close: () => tcp.close(),
  };
  const connection = await connectTls(recording, {
    serverName: 'localhost',
    port,
    identity,
    verifyServer: async () => undefined,
    random: () => random,
    keyShares,
    keyShareGroups: [NamedGroup.x25519],
    onSecret: (label, secret) => secrets.set(label, secret),
    timeoutMs: 10_000,
  });
  const suite = cipherSuites[
    connection.cipherSuite === 'TLS_AES_256_GCM_SHA384' ? 0x1302 : 0x1301
  ] as CipherSuite;
  await connection.close();

  const reader = new RecordReader();
  for (const chunk of received) reader.push(chunk);
  const serverHelloRecord = reader.next() as RawRecord;
  const protection = await RecordProtection.fromSecret(
    suite,
    secrets.get('SERVER_HANDSHAKE_TRAFFIC_SECRET') as Uint8Array,
  );
  const buffer = new HandshakeBuffer();
  const flight: HandshakeMessage[] = [];
  while (flight.at(-1)?.type !== 20) {
    const record = reader.next();
    if (!record) throw new Error('capture ended before the server Finished');
    if (record.type === 20) continue;
    const opened = await protection.open(record.header, record.fragment);
    buffer.push(opened.content);
    for (let message = buffer.next(); message; message = buffer.next()) flight.push(message);
  }
  return { random, keyShares, identity, suite, secrets, serverHelloRecord, flight };
}

export function recordBytes(record: RawRecord): Uint8Array {
  const out = new Uint8Array(5 + record.fragment.length);
  out.set(record.header);
  out.set(record.fragment, 5);
  return out;
}

/** Encrypts handshake payloads under the server handshake key, one record per payload, in order. */
export async function sealServerRecords(
  capture: Capture,
  payloads: { type?: number; content: Uint8Array }[],
  secretLabel = 'SERVER_HANDSHAKE_TRAFFIC_SECRET',
): Promise<Uint8Array[]> {
  const protection = await RecordProtection.fromSecret(
    capture.suite,
    capture.secrets.get(secretLabel) as Uint8Array,
  );
  const out: Uint8Array[] = [];
  for (const payload of payloads) out.push(await protection.seal(payload.type ?? 22, payload.content));
  return out;
}

export function replayCore(capture: Capture, extra: Partial<TlsCoreOptions> = {}): TlsClientCore {
  return new TlsClientCore({
    serverName: 'localhost',
    port: 1,
    identity: capture.identity,
    verifyServer: async () => undefined,
    random: () => capture.random,
    keyShares: capture.keyShares,
    keyShareGroups: [NamedGroup.x25519],
    ...extra,
  });
}

/** Decrypts the alert our core sent under the client handshake key (its first protected record). */
export async function decryptOurAlert(capture: Capture, record: Uint8Array): Promise<number[]> {
  if (record[0] === 21) return [...record.subarray(5)];
  const protection = await RecordProtection.fromSecret(
    capture.suite,
    capture.secrets.get('CLIENT_HANDSHAKE_TRAFFIC_SECRET') as Uint8Array,
  );
  const opened = await protection.open(record.subarray(0, 5), record.subarray(5));
  if (opened.type !== 21) throw new Error(`our last record is type ${opened.type}, not an alert`);
  return [...opened.content];
}
