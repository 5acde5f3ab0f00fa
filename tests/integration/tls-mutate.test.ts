// Record-and-mutate: one real handshake with `openssl s_server -Verify 1` is captured with a fixed
// ClientHello.random and ephemeral key, so the server flight can be decrypted, changed, re-encrypted and
// replayed into fresh client cores. Each mutation must end in a typed TlsError with the alert RFC 8446
// prescribes (checked by decrypting the alert record we send), never in data or a hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concat } from '../../src/lib/bytes/concat';
import { fromHex } from '../../src/lib/bytes/hex';
import { Alert } from '../../src/lib/tls/alerts';
import { RecordProtection } from '../../src/lib/tls/aead';
import type { CoreOutput } from '../../src/lib/tls/connection';
import { TlsError } from '../../src/lib/tls/errors';
import { encodeHandshake } from '../../src/lib/tls/handshake-framing';
import { defaultKeyShares } from '../../src/lib/tls/key-share';
import { HostKeyChangedError, MemoryHostPinStore, tofuVerifier } from '../../src/lib/trust/host-pins';
import {
  captureHandshake,
  decryptOurAlert,
  recordBytes,
  replayCore,
  sealServerRecords,
  type Capture,
} from '../support/tls-capture';
import { identityFrom, makeCertificate, removeTempDirs, startOpensslServer } from '../support/tls-peers';

let capture: Capture;

beforeAll(async () => {
  const server = makeCertificate('ec', 'mutate-server.test');
  const client = makeCertificate('ec', 'mutate-client.test');
  const peer = await startOpensslServer(server, client, [
    '-naccept',
    '1',
    '-ciphersuites',
    'TLS_AES_128_GCM_SHA256',
  ]);
  try {
    capture = await captureHandshake('127.0.0.1', peer.port, await identityFrom(client));
  } finally {
    await peer.stop();
  }
});
afterAll(() => removeTempDirs());

const types = () => capture.flight.map((m) => m.type);
const raw = (type: number) => capture.flight.find((m) => m.type === type)?.raw as Uint8Array;

/** Replays ServerHello + the given encrypted records; returns the core's final output. */
async function replay(records: Uint8Array[], serverHello?: Uint8Array): Promise<CoreOutput> {
  const core = replayCore(capture);
  await core.start();
  return core.feed(concat(serverHello ?? recordBytes(capture.serverHelloRecord), ...records));
}

async function expectFailure(output: CoreOutput, code: string, alert?: number): Promise<TlsError> {
  expect(output.data).toEqual([]);
  expect(output.error).toBeInstanceOf(TlsError);
  const error = output.error as TlsError;
  expect(error.code).toBe(code);
  if (alert !== undefined) {
    expect(error.alert).toBe(alert);
    const last = output.records.at(-1) as Uint8Array;
    expect(await decryptOurAlert(capture, last)).toEqual([2, alert]);
  }
  return error;
}

const flightRecords = () =>
  sealServerRecords(
    capture,
    capture.flight.map((m) => ({ content: m.raw })),
  );

describe('replayed openssl flight', () => {
  it('the capture holds EE, CertificateRequest, Certificate, CertificateVerify, Finished', () => {
    expect(types()).toEqual([8, 13, 11, 15, 20]);
  });

  it('replays cleanly when unmodified (the harness itself works)', async () => {
    const core = replayCore(capture);
    await core.start();
    const out = await core.feed(concat(recordBytes(capture.serverHelloRecord), ...(await flightRecords())));
    expect(out.error).toBeUndefined();
    expect(core.handshakeComplete).toBe(true);
  });

  it('a flipped bit in a record → bad_record_mac', async () => {
    const records = await flightRecords();
    const first = (records[0] as Uint8Array).slice();
    first[10] = (first[10] as number) ^ 0x01;
    await expectFailure(await replay([first, ...records.slice(1)]), 'bad_record_mac', Alert.badRecordMac);
  });

  it('a truncated stream → truncated, never completes', async () => {
    const core = replayCore(capture);
    await core.start();
    const all = concat(recordBytes(capture.serverHelloRecord), ...(await flightRecords()));
    const partial = await core.feed(all.subarray(0, all.length - 7));
    expect(partial.error).toBeUndefined();
    expect(core.handshakeComplete).toBe(false);
    const end = await core.endOfStream();
    expect(end.error?.code).toBe('truncated');
  });

  it('reordered messages (CertificateVerify before Certificate) → unexpected_message', async () => {
    const [ee, cr, cert, cv, fin] = capture.flight.map((m) => m.raw) as Uint8Array[];
    const records = await sealServerRecords(
      capture,
      [ee, cr, cv, cert, fin].map((content) => ({ content: content as Uint8Array })),
    );
    await expectFailure(await replay(records), 'unexpected_message', Alert.unexpectedMessage);
  });

  it('a wrong CertificateVerify signature → decrypt_error', async () => {
    const cv = raw(15).slice();
    // Flip a bit in the last byte of s: still valid DER, wrong signature.
    cv[cv.length - 1] = (cv[cv.length - 1] as number) ^ 0x01;
    const payloads = capture.flight.map((m) => ({ content: m.type === 15 ? cv : m.raw }));
    await expectFailure(
      await replay(await sealServerRecords(capture, payloads)),
      'decrypt_error',
      Alert.decryptError,
    );
  });

  it('a CertificateVerify with a scheme we did not offer → illegal_parameter', async () => {
    const cv = raw(15).slice();
    cv[4] = 0x02; // ecdsa_sha1 (0x0203)
    cv[5] = 0x03;
    const payloads = capture.flight.map((m) => ({ content: m.type === 15 ? cv : m.raw }));
    await expectFailure(
      await replay(await sealServerRecords(capture, payloads)),
      'illegal_parameter',
      Alert.illegalParameter,
    );
  });

  it('a wrong server Finished → decrypt_error', async () => {
    const fin = raw(20).slice();
    fin[10] = (fin[10] as number) ^ 0x80;
    const payloads = capture.flight.map((m) => ({ content: m.type === 20 ? fin : m.raw }));
    await expectFailure(
      await replay(await sealServerRecords(capture, payloads)),
      'decrypt_error',
      Alert.decryptError,
    );
  });

  it('an oversized record header → record_overflow', async () => {
    const header = Uint8Array.of(23, 3, 3, 0x41, 0x01); // 2^14 + 257
    await expectFailure(
      await replay([header, new Uint8Array(16641)]),
      'record_overflow',
      Alert.recordOverflow,
    );
  });

  it('an inner plaintext over 2^14 + 1 bytes → record_overflow', async () => {
    const protection = await RecordProtection.fromSecret(
      capture.suite,
      capture.secrets.get('SERVER_HANDSHAKE_TRAFFIC_SECRET') as Uint8Array,
    );
    // seal() refuses oversized content, so build the inner plaintext with padding: 2^14 content + type + 2 zeros.
    const record = await protection.seal(22, new Uint8Array(16384).fill(1), 2);
    await expectFailure(await replay([record]), 'record_overflow', Alert.recordOverflow);
  });

  it('a NewSessionTicket before Finished → unexpected_message', async () => {
    const ticket = encodeHandshake(4, fromHex('0000012c00000001000004aabbccdd0000'));
    const payloads = capture.flight.map((m) => ({ content: m.raw }));
    payloads.splice(4, 0, { content: ticket });
    await expectFailure(
      await replay(await sealServerRecords(capture, payloads)),
      'unexpected_message',
      Alert.unexpectedMessage,
    );
  });

  it('application data before Finished → unexpected_message', async () => {
    const payloads: { type?: number; content: Uint8Array }[] = capture.flight.map((m) => ({
      content: m.raw,
    }));
    payloads.splice(4, 0, { type: 23, content: new TextEncoder().encode('early data') });
    await expectFailure(
      await replay(await sealServerRecords(capture, payloads)),
      'unexpected_message',
      Alert.unexpectedMessage,
    );
  });

  it('a zero-length handshake record → unexpected_message', async () => {
    const payloads = capture.flight.map((m) => ({ content: m.raw }));
    payloads.splice(1, 0, { content: new Uint8Array(0) });
    await expectFailure(
      await replay(await sealServerRecords(capture, payloads)),
      'unexpected_message',
      Alert.unexpectedMessage,
    );
  });

  it('a handshake message continuing past the key change after Finished → unexpected_message', async () => {
    const payloads = capture.flight.map((m) => ({ content: m.raw }));
    const last = payloads[4] as { content: Uint8Array };
    last.content = concat(last.content, Uint8Array.of(4, 0, 0));
    await expectFailure(
      await replay(await sealServerRecords(capture, payloads)),
      'unexpected_message',
      Alert.unexpectedMessage,
    );
  });

  it('a message split across records is reassembled', async () => {
    const all = concat(...capture.flight.map((m) => m.raw));
    const pieces = [all.subarray(0, 3), all.subarray(3, 200), all.subarray(200)].map((content) => ({
      content,
    }));
    const out = await replay(await sealServerRecords(capture, pieces));
    expect(out.error).toBeUndefined();
  });

  it('a fatal alert mid-handshake surfaces as a remote TlsError and nothing is sent back', async () => {
    const payloads = [{ content: raw(8) }, { type: 21, content: Uint8Array.of(2, Alert.handshakeFailure) }];
    const out = await replay(await sealServerRecords(capture, payloads));
    expect(out.error?.code).toBe('handshake_failure');
    expect(out.error?.remote).toBe(true);
    expect(out.records).toEqual([]);
  });

  it('a change_cipher_spec record is tolerated during the handshake, a bad one is not', async () => {
    const ccs = Uint8Array.of(20, 3, 3, 0, 1, 1);
    const ok = await replay([ccs, ...(await flightRecords())]);
    expect(ok.error).toBeUndefined();
    const bad = await replay([Uint8Array.of(20, 3, 3, 0, 1, 2)]);
    await expectFailure(bad, 'unexpected_message', Alert.unexpectedMessage);
  });

  it('a pinned host presenting another key → untrusted_host_key with bad_certificate', async () => {
    const store = new MemoryHostPinStore();
    await store.put({
      host: 'localhost',
      port: 1,
      certSha256: 'aa'.repeat(32),
      spkiSha256: 'bb'.repeat(32),
      firstSeen: 0,
      lastSeen: 0,
    });
    const core = replayCore(capture, { verifyServer: tofuVerifier(store) });
    await core.start();
    const out = await core.feed(concat(recordBytes(capture.serverHelloRecord), ...(await flightRecords())));
    const error = await expectFailure(out, 'untrusted_host_key', Alert.badCertificate);
    expect(error.cause).toBeInstanceOf(HostKeyChangedError);
    expect(error.message).toMatch(/public key changed/);
    expect(core.handshakeComplete).toBe(false);
  });
});

describe('mutated ServerHello (plaintext alerts)', () => {
  const serverHello = () => recordBytes(capture.serverHelloRecord).slice();
  // Record header (5) + handshake header (4) + legacy_version (2): random starts at 11.
  const randomOffset = 11;

  async function expectPlainAlert(record: Uint8Array, code: string, alert: number) {
    const out = await replay([], record);
    expect(out.error?.code).toBe(code);
    expect([...(out.records.at(-1) as Uint8Array)]).toEqual([21, 3, 3, 0, 2, 2, alert]);
  }

  it('downgrade sentinel DOWNGRD\\x01 → illegal_parameter', async () => {
    const record = serverHello();
    record.set(new TextEncoder().encode('DOWNGRD\x01'), randomOffset + 24);
    await expectPlainAlert(record, 'illegal_parameter', Alert.illegalParameter);
  });

  it('downgrade sentinel DOWNGRD\\x00 → illegal_parameter', async () => {
    const record = serverHello();
    record.set(new TextEncoder().encode('DOWNGRD\x00'), randomOffset + 24);
    await expectPlainAlert(record, 'illegal_parameter', Alert.illegalParameter);
  });

  it('a session_id echo that is not ours → illegal_parameter', async () => {
    const core = replayCore(capture, { legacySessionId: new Uint8Array(32).fill(7) });
    await core.start();
    const out = await core.feed(recordBytes(capture.serverHelloRecord));
    expect(out.error?.code).toBe('illegal_parameter');
  });

  it('a cipher suite we did not offer → illegal_parameter', async () => {
    const record = serverHello();
    const suiteOffset = randomOffset + 32 + 1; // empty session id
    record[suiteOffset + 1] = 0x03; // TLS_CHACHA20_POLY1305_SHA256
    await expectPlainAlert(record, 'illegal_parameter', Alert.illegalParameter);
  });

  it('supported_versions other than TLS 1.3 → illegal_parameter', async () => {
    const record = serverHello();
    const hex = [...record].map((b) => b.toString(16).padStart(2, '0')).join('');
    const at = hex.indexOf('002b00020304') / 2;
    expect(at).toBeGreaterThan(0);
    record[at + 5] = 0x03;
    await expectPlainAlert(record, 'illegal_parameter', Alert.illegalParameter);
  });

  it('a second HelloRetryRequest → unexpected_message; an HRR for a group already sent → illegal_parameter', async () => {
    const hrr = (group: number) =>
      concat(
        Uint8Array.of(22, 3, 3, 0, 56, 2, 0, 0, 52, 3, 3),
        fromHex('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c'),
        Uint8Array.of(0, 0x13, 0x01, 0, 0, 12, 0, 0x2b, 0, 2, 3, 4, 0, 0x33, 0, 2, group >> 8, group & 0xff),
      );
    // Real key generation: the capture's fixed factory only holds an X25519 share.
    const core = replayCore(capture, { keyShares: defaultKeyShares });
    await core.start();
    const first = await core.feed(hrr(0x17));
    expect(first.error).toBeUndefined();
    expect(first.records).toHaveLength(1);
    const second = await core.feed(hrr(0x18));
    expect(second.error?.code).toBe('unexpected_message');

    const again = replayCore(capture);
    await again.start();
    expect((await again.feed(hrr(0x1d))).error?.code).toBe('illegal_parameter');
    const unknown = replayCore(capture);
    await unknown.start();
    expect((await unknown.feed(hrr(0x19))).error?.code).toBe('illegal_parameter');
  });
});
