// How long an upgrade request may take (anchors §5.8: read-header timeout). Node checks its headersTimeout
// only every connectionsCheckingInterval (30 s by default), so without a shorter interval a client dribbling
// its request head would hold the connection three times longer than the timeout says. Over TLS the
// handshake comes first, and node:tls gives it 120 s unless told otherwise.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type RunningBridge } from '../../bridge/server';
import { makeCertificate, removeTempDirs, type TestCertificate } from '../support/tls-peers';

let bridge: RunningBridge;

beforeAll(async () => {
  bridge = await startBridge({ listen: '127.0.0.1', port: 0, allow: ['127.0.0.1:9'], log: () => {} });
});

afterAll(async () => {
  await bridge?.close();
});

/** Milliseconds until `url`'s server hangs up on a client that sent `head` and then nothing. */
function hangUpAfter(head: string | Buffer, patienceMs: number, url = bridge.url): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(new URL(url).port), '127.0.0.1', () => socket.write(head));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${patienceMs} ms`));
    }, patienceMs);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
    socket.resume();
  });
}

describe('a slow upgrade request', () => {
  it(
    'is cut off soon after the headers timeout, not at the next 30 s check',
    { timeout: 20_000 },
    async () => {
      bridge.server.headersTimeout = 1_000;
      bridge.server.requestTimeout = 1_500;
      const head = 'GET /tunnel?host=127.0.0.1&port=9 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n';
      const elapsed = await hangUpAfter(head, 15_000);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(elapsed).toBeLessThan(4_000);
    },
  );
});

describe('a slow TLS handshake', () => {
  let tlsBridge: RunningBridge;
  let certificate: TestCertificate;

  beforeAll(() => {
    certificate = makeCertificate('ec', '127.0.0.1');
  });

  afterAll(async () => {
    await tlsBridge?.close();
    removeTempDirs();
  });

  it('is cut off at the header timeout (10 s), not the 120 s of node:tls', { timeout: 30_000 }, async () => {
    tlsBridge = await startBridge({
      listen: '127.0.0.1',
      port: 0,
      allow: ['127.0.0.1:9'],
      tls: { cert: certificate.certPem, key: certificate.keyPem },
      log: () => {},
    });
    // The first bytes of a TLS record header, then silence.
    const elapsed = await hangUpAfter(Buffer.from([22, 3, 1]), 25_000, tlsBridge.url);
    expect(elapsed).toBeGreaterThanOrEqual(9_000);
    expect(elapsed).toBeLessThan(13_000);
  });
});
