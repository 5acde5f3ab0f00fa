// RFC 8446 strictness found in review, on a real captured `openssl s_server -Verify 1` session: each mutated
// or forged server message must end in the alert the RFC names, and the trust callback must run only after
// the server proved its key (CertificateVerify) and the transcript (Finished), before our Finished goes out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concat } from '../../src/lib/bytes/concat';
import { fromHex } from '../../src/lib/bytes/hex';
import { ByteReader } from '../../src/lib/bytes/reader';
import { Alert } from '../../src/lib/tls/alerts';
import type { CoreOutput } from '../../src/lib/tls/connection';
import { TlsError } from '../../src/lib/tls/errors';
import { ExtensionType, parseExtensions } from '../../src/lib/tls/extensions';
import { encodeHandshake } from '../../src/lib/tls/handshake-framing';
import { defaultKeyShares } from '../../src/lib/tls/key-share';
import type { ServerCertificateInfo } from '../../src/lib/tls/types';
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
  const server = makeCertificate('ec', 'strict-server.test');
  const client = makeCertificate('ec', 'strict-client.test');
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

const raw = (type: number) => capture.flight.find((m) => m.type === type)?.raw as Uint8Array;
const serverHello = () => recordBytes(capture.serverHelloRecord);

async function replay(
  records: Uint8Array[],
  extra: Parameters<typeof replayCore>[1] = {},
): Promise<CoreOutput> {
  const core = replayCore(capture, extra);
  await core.start();
  return core.feed(concat(serverHello(), ...records));
}

async function expectAlert(output: CoreOutput, code: string, alert: number): Promise<void> {
  expect(output.data).toEqual([]);
  expect(output.error).toBeInstanceOf(TlsError);
  expect(output.error?.code).toBe(code);
  expect(output.error?.alert).toBe(alert);
  expect(await decryptOurAlert(capture, output.records.at(-1) as Uint8Array)).toEqual([2, alert]);
}

/** One encrypted handshake record holding `message`. */
const sealed = async (...messages: Uint8Array[]) =>
  sealServerRecords(
    capture,
    messages.map((content) => ({ content })),
  );

function extensions(...list: [number, Uint8Array][]): Uint8Array {
  const parts = list.map(([type, data]) =>
    concat(Uint8Array.of(type >> 8, type & 0xff, data.length >> 8, data.length & 0xff), data),
  );
  const body = concat(...parts);
  return concat(Uint8Array.of(body.length >> 8, body.length & 0xff), body);
}

describe('EncryptedExtensions (§4.3.1, §4.2)', () => {
  it('an extension not allowed in EE (key_share) → illegal_parameter', async () => {
    const ee = encodeHandshake(8, extensions([ExtensionType.keyShare, new Uint8Array(0)]));
    await expectAlert(await replay(await sealed(ee)), 'illegal_parameter', Alert.illegalParameter);
  });

  it('an answer to an extension we did not send (ALPN) → unsupported_extension', async () => {
    const ee = encodeHandshake(8, extensions([ExtensionType.alpn, fromHex('0003026832')]));
    await expectAlert(await replay(await sealed(ee)), 'unsupported_extension', Alert.unsupportedExtension);
  });

  it('a duplicate extension → illegal_parameter', async () => {
    const ee = encodeHandshake(
      8,
      extensions(
        [ExtensionType.serverName, new Uint8Array(0)],
        [ExtensionType.serverName, new Uint8Array(0)],
      ),
    );
    await expectAlert(await replay(await sealed(ee)), 'illegal_parameter', Alert.illegalParameter);
  });

  it('a server_name answer with content → decode_error; an empty one is fine', async () => {
    const bad = encodeHandshake(8, extensions([ExtensionType.serverName, Uint8Array.of(0, 0)]));
    await expectAlert(await replay(await sealed(bad)), 'decode_error', Alert.decodeError);
    const good = encodeHandshake(8, extensions([ExtensionType.serverName, new Uint8Array(0)]));
    const rest = capture.flight.slice(1).map((m) => m.raw);
    // The transcript changes, so the server Finished no longer matches: that, not the EE, must fail.
    await expectAlert(await replay(await sealed(good, ...rest)), 'decrypt_error', Alert.decryptError);
  });
});

describe('CertificateRequest and Certificate (§4.3.2, §4.4.2)', () => {
  it('a CertificateRequest without signature_algorithms → missing_extension', async () => {
    const request = encodeHandshake(
      13,
      concat(Uint8Array.of(0), extensions([ExtensionType.certificateAuthorities, Uint8Array.of(0, 0)])),
    );
    await expectAlert(
      await replay(await sealed(raw(8), request)),
      'missing_extension',
      Alert.missingExtension,
    );
  });

  it('a CertificateRequest with a context in the handshake → illegal_parameter', async () => {
    const request = encodeHandshake(13, concat(Uint8Array.of(1, 7), extensions([13, fromHex('00020403')])));
    await expectAlert(
      await replay(await sealed(raw(8), request)),
      'illegal_parameter',
      Alert.illegalParameter,
    );
  });

  it('an empty server Certificate → decode_error', async () => {
    const empty = encodeHandshake(11, Uint8Array.of(0, 0, 0, 0));
    await expectAlert(await replay(await sealed(raw(8), raw(13), empty)), 'decode_error', Alert.decodeError);
  });

  it('a server Certificate with a request context → illegal_parameter', async () => {
    const body = raw(11).slice(4);
    expect(body[0]).toBe(0);
    const withContext = encodeHandshake(11, concat(Uint8Array.of(1, 9), body.subarray(1)));
    await expectAlert(
      await replay(await sealed(raw(8), raw(13), withContext)),
      'illegal_parameter',
      Alert.illegalParameter,
    );
  });

  it('CertificateVerify with rsa_pkcs1_sha256 (offered for certificates only) → illegal_parameter', async () => {
    const verify = raw(15).slice();
    verify.set([0x04, 0x01], 4);
    await expectAlert(
      await replay(await sealed(raw(8), raw(13), raw(11), verify)),
      'illegal_parameter',
      Alert.illegalParameter,
    );
  });
});

describe('change_cipher_spec (§5, Appendix D.4)', () => {
  const ccs = Uint8Array.of(20, 3, 3, 0, 1, 1);

  it('a second change_cipher_spec → unexpected_message', async () => {
    await expectAlert(await replay([ccs, ccs]), 'unexpected_message', Alert.unexpectedMessage);
  });

  it('a change_cipher_spec inside a fragmented handshake message → unexpected_message', async () => {
    const ee = raw(8);
    const [first, second] = await sealed(ee.subarray(0, 2), ee.subarray(2));
    await expectAlert(
      await replay([first as Uint8Array, ccs, second as Uint8Array]),
      'unexpected_message',
      Alert.unexpectedMessage,
    );
  });
});

describe('trust callback ordering (§4.4.3, tls-notes §5.4)', () => {
  it('is not called when the CertificateVerify or the Finished is wrong', async () => {
    const calls: ServerCertificateInfo[] = [];
    const verifyServer = async (info: ServerCertificateInfo) => {
      calls.push(info);
    };
    const badVerify = raw(15).slice();
    badVerify[badVerify.length - 3] = (badVerify[badVerify.length - 3] as number) ^ 1;
    const one = await replay(await sealed(raw(8), raw(13), raw(11), badVerify, raw(20)), { verifyServer });
    expect(one.error?.code).toMatch(/decrypt_error|decode_error/);
    const badFinished = raw(20).slice();
    badFinished[10] = (badFinished[10] as number) ^ 1;
    const two = await replay(await sealed(raw(8), raw(13), raw(11), raw(15), badFinished), { verifyServer });
    expect(two.error?.code).toBe('decrypt_error');
    expect(calls).toEqual([]);
  });

  it('runs before our flight: a refusal sends only the alert, never our Certificate or Finished', async () => {
    const flight = await sealed(...capture.flight.map((m) => m.raw));
    const refused = await replay(flight, {
      verifyServer: async () => {
        throw new Error('not this server');
      },
    });
    await expectAlert(refused, 'bad_certificate', Alert.badCertificate);
    // Only the ClientHello went out before (sent by start()); this feed produced exactly one record: the alert.
    expect(refused.records).toHaveLength(1);
    const accepted = await replay(flight);
    expect(accepted.error).toBeUndefined();
    expect(accepted.records.length).toBeGreaterThanOrEqual(1);
  });
});

describe('ServerHello and HelloRetryRequest (§4.1.3, §4.1.4)', () => {
  const hrrRandom = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

  function hello(options: {
    random?: string;
    suite?: number;
    compression?: number;
    ext: Uint8Array;
  }): Uint8Array {
    const body = concat(
      Uint8Array.of(3, 3),
      fromHex(options.random ?? '11'.repeat(32)),
      Uint8Array.of(0),
      Uint8Array.of((options.suite ?? 0x1301) >> 8, (options.suite ?? 0x1301) & 0xff),
      Uint8Array.of(options.compression ?? 0),
      options.ext,
    );
    const message = encodeHandshake(2, body);
    return concat(Uint8Array.of(22, 3, 3, message.length >> 8, message.length & 0xff), message);
  }
  const versions: [number, Uint8Array] = [ExtensionType.supportedVersions, Uint8Array.of(3, 4)];
  const share = (group: number): [number, Uint8Array] => [
    ExtensionType.keyShare,
    concat(Uint8Array.of(group >> 8, group & 0xff, 0, 32), new Uint8Array(32).fill(9)),
  ];

  async function feed(...records: Uint8Array[]): Promise<CoreOutput[]> {
    // Real key generation: the capture's fixed factory hands out its X25519 share whatever group is asked.
    const core = replayCore(capture, { keyShares: defaultKeyShares });
    await core.start();
    const outputs: CoreOutput[] = [];
    for (const record of records) outputs.push(await core.feed(record));
    return outputs;
  }

  const plainAlert = (out: CoreOutput) => [...(out.records.at(-1) as Uint8Array)];

  it('an extension we offered but not allowed in a ServerHello (server_name) → illegal_parameter', async () => {
    const [out] = await feed(hello({ ext: extensions(versions, share(0x1d), [0, new Uint8Array(0)]) }));
    expect(out?.error?.code).toBe('illegal_parameter');
    expect(plainAlert(out as CoreOutput)).toEqual([21, 3, 3, 0, 2, 2, Alert.illegalParameter]);
  });

  it('an extension we never offered (ALPN) → unsupported_extension', async () => {
    const [out] = await feed(hello({ ext: extensions(versions, share(0x1d), [16, fromHex('0003026832')]) }));
    expect(out?.error?.code).toBe('unsupported_extension');
  });

  it('a duplicate key_share → illegal_parameter', async () => {
    const [out] = await feed(hello({ ext: extensions(versions, share(0x1d), share(0x1d)) }));
    expect(out?.error?.code).toBe('illegal_parameter');
  });

  it('compression other than 0 → illegal_parameter; no supported_versions → protocol_version', async () => {
    const [bad] = await feed(hello({ compression: 1, ext: extensions(versions, share(0x1d)) }));
    expect(bad?.error?.code).toBe('illegal_parameter');
    const [old] = await feed(hello({ ext: extensions(share(0x1d)) }));
    expect(old?.error?.code).toBe('protocol_version');
  });

  it('an HRR that changes nothing → illegal_parameter', async () => {
    const [out] = await feed(hello({ random: hrrRandom, ext: extensions(versions) }));
    expect(out?.error?.code).toBe('illegal_parameter');
  });

  it('an HRR cookie is echoed in the second ClientHello with one share for the selected group', async () => {
    const cookie: [number, Uint8Array] = [ExtensionType.cookie, fromHex('0004c0ffee01')];
    const hrrGroup: [number, Uint8Array] = [ExtensionType.keyShare, Uint8Array.of(0, 0x17)];
    const [out] = await feed(hello({ random: hrrRandom, ext: extensions(versions, hrrGroup, cookie) }));
    expect(out?.error).toBeUndefined();
    const record = out?.records[0] as Uint8Array;
    expect(record[0]).toBe(22);
    const reader = new ByteReader(record.subarray(5 + 4));
    reader.u16('version');
    reader.bytesOf(32, 'random');
    reader.vec8('session');
    reader.vec16('suites');
    reader.vec8('compression');
    const sent = parseExtensions(reader, 'ClientHello');
    expect(sent.get(ExtensionType.cookie)).toEqual(fromHex('0004c0ffee01'));
    const shares = new ByteReader(
      new ByteReader(sent.get(ExtensionType.keyShare) as Uint8Array).vec16('shares'),
    );
    expect(shares.u16('group')).toBe(0x17);
    shares.vec16('key');
    expect(shares.remaining).toBe(0);
  });

  it('a ServerHello whose cipher suite differs from the HRR → illegal_parameter', async () => {
    const hrrGroup: [number, Uint8Array] = [ExtensionType.keyShare, Uint8Array.of(0, 0x17)];
    const [first, second] = await feed(
      hello({ random: hrrRandom, suite: 0x1301, ext: extensions(versions, hrrGroup) }),
      hello({ suite: 0x1302, ext: extensions(versions, share(0x17)) }),
    );
    expect(first?.error).toBeUndefined();
    expect(second?.error?.code).toBe('illegal_parameter');
  });

  it('a ServerHello share for a group other than the HRR selected → illegal_parameter', async () => {
    const hrrGroup: [number, Uint8Array] = [ExtensionType.keyShare, Uint8Array.of(0, 0x17)];
    const [, second] = await feed(
      hello({ random: hrrRandom, ext: extensions(versions, hrrGroup) }),
      hello({ ext: extensions(versions, share(0x1d)) }),
    );
    expect(second?.error?.code).toBe('illegal_parameter');
  });

  it('the key change after ServerHello must fall on a record boundary (§5.1) → unexpected_message', async () => {
    const record = serverHello();
    const message = record.subarray(5);
    const extra = Uint8Array.of(8, 0, 0, 2, 0, 0); // an EncryptedExtensions glued to the ServerHello record
    const length = message.length + extra.length;
    const glued = concat(Uint8Array.of(22, 3, 3, length >> 8, length & 0xff), message, extra);
    const core = replayCore(capture);
    await core.start();
    const out = await core.feed(glued);
    expect(out.error?.code).toBe('unexpected_message');
    expect([...(out.records.at(-1) as Uint8Array)]).toEqual([21, 3, 3, 0, 2, 2, Alert.unexpectedMessage]);
  });

  it('an unprotected handshake record after ServerHello → unexpected_message', async () => {
    const core = replayCore(capture);
    await core.start();
    const out = await core.feed(concat(serverHello(), Uint8Array.of(22, 3, 3, 0, 6, 8, 0, 0, 2, 0, 0)));
    expect(out.error?.code).toBe('unexpected_message');
  });
});
