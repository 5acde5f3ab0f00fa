// Key schedule steps against RFC 8448 §3 intermediate values, and HKDF against RFC 5869 test case 1.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes/hex';
import { deriveTrafficKeys } from './aead';
import { cipherSuites, type CipherSuite } from './cipher-suites';
import {
  deriveApplicationSecrets,
  deriveHandshakeSecrets,
  finishedVerifyData,
  hkdfExpand,
  hkdfExpandLabel,
  hkdfExtract,
} from './key-schedule';
import { simple } from './vectors/rfc8448-simple';

const suite = cipherSuites[0x1301] as CipherSuite;

describe('HKDF (RFC 5869 A.1)', () => {
  it('extracts and expands', async () => {
    const prk = await hkdfExtract(
      'SHA-256',
      fromHex('000102030405060708090a0b0c'),
      new Uint8Array(22).fill(0x0b),
    );
    expect(toHex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    const okm = await hkdfExpand('SHA-256', prk, fromHex('f0f1f2f3f4f5f6f7f8f9'), 42);
    expect(toHex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });
});

describe('TLS 1.3 key schedule (RFC 8448 §3)', () => {
  it('derives early, handshake and master secrets and the traffic keys', async () => {
    const early = await hkdfExtract('SHA-256', undefined, new Uint8Array(32));
    expect(toHex(early)).toBe(simple.earlySecret);
    const hs = await deriveHandshakeSecrets(
      'SHA-256',
      fromHex(simple.sharedSecret),
      fromHex(simple.helloHash),
    );
    expect(toHex(hs.handshakeSecret)).toBe(simple.handshakeSecret);
    expect(toHex(hs.clientHandshakeTrafficSecret)).toBe(simple.clientHandshakeTrafficSecret);
    expect(toHex(hs.serverHandshakeTrafficSecret)).toBe(simple.serverHandshakeTrafficSecret);

    const serverKeys = await deriveTrafficKeys(suite, hs.serverHandshakeTrafficSecret);
    expect(toHex(serverKeys.key)).toBe(simple.serverHandshakeKey);
    expect(toHex(serverKeys.iv)).toBe(simple.serverHandshakeIv);
    const clientKeys = await deriveTrafficKeys(suite, hs.clientHandshakeTrafficSecret);
    expect(toHex(clientKeys.key)).toBe(simple.clientHandshakeKey);
    expect(toHex(clientKeys.iv)).toBe(simple.clientHandshakeIv);

    const finishedKey = await hkdfExpandLabel(
      'SHA-256',
      hs.serverHandshakeTrafficSecret,
      'finished',
      new Uint8Array(0),
      32,
    );
    expect(toHex(finishedKey)).toBe(simple.serverFinishedKey);
    const clientFinishedKey = await hkdfExpandLabel(
      'SHA-256',
      hs.clientHandshakeTrafficSecret,
      'finished',
      new Uint8Array(0),
      32,
    );
    expect(toHex(clientFinishedKey)).toBe(simple.clientFinishedKey);

    const app = await deriveApplicationSecrets(
      'SHA-256',
      hs.handshakeSecret,
      fromHex(simple.serverFinishedHash),
    );
    expect(toHex(app.masterSecret)).toBe(simple.masterSecret);
    expect(toHex(app.clientApplicationTrafficSecret)).toBe(simple.clientApplicationTrafficSecret);
    expect(toHex(app.serverApplicationTrafficSecret)).toBe(simple.serverApplicationTrafficSecret);
    expect(toHex(app.exporterMasterSecret)).toBe(simple.exporterMasterSecret);
    const serverApp = await deriveTrafficKeys(suite, app.serverApplicationTrafficSecret);
    expect(toHex(serverApp.key)).toBe(simple.serverApplicationKey);
    expect(toHex(serverApp.iv)).toBe(simple.serverApplicationIv);
    const clientApp = await deriveTrafficKeys(suite, app.clientApplicationTrafficSecret);
    expect(toHex(clientApp.key)).toBe(simple.clientApplicationKey);
    expect(toHex(clientApp.iv)).toBe(simple.clientApplicationIv);
  });

  it('computes the server Finished over the transcript hash', async () => {
    // verify_data of the RFC's server Finished = HMAC(finished_key, Hash(CH..CertificateVerify)).
    const transcript = fromHex(
      simple.clientHelloRecord.slice(10) +
        simple.serverHelloRecord.slice(10) +
        simple.encryptedExtensions +
        simple.serverCertificate +
        simple.serverCertificateVerify,
    );
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', transcript as BufferSource));
    const verifyData = await finishedVerifyData(
      'SHA-256',
      fromHex(simple.serverHandshakeTrafficSecret),
      hash,
    );
    expect(toHex(verifyData)).toBe(simple.serverFinished.slice(8));
  });
});
