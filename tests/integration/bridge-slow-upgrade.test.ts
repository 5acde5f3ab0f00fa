// How long an upgrade request may take (anchors §5.8: read-header timeout). Node checks its headersTimeout
// only every connectionsCheckingInterval (30 s by default), so without a shorter interval a client dribbling
// its request head would hold the connection three times longer than the timeout says. Over TLS the
// handshake comes first, and node:tls gives it 120 s unless told otherwise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type RunningBridge } from '../../bridge/server';

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
  let certDir: string;

  beforeAll(() => {
    certDir = mkdtempSync(join(tmpdir(), 'bridge-slow-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(certDir, 'key.pem'),
        '-out',
        join(certDir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
  });

  afterAll(async () => {
    await tlsBridge?.close();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('is cut off at the header timeout (10 s), not the 120 s of node:tls', { timeout: 30_000 }, async () => {
    tlsBridge = await startBridge({
      listen: '127.0.0.1',
      port: 0,
      allow: ['127.0.0.1:9'],
      tls: { cert: readFileSync(join(certDir, 'cert.pem')), key: readFileSync(join(certDir, 'key.pem')) },
      log: () => {},
    });
    // The first bytes of a TLS record header, then silence.
    const elapsed = await hangUpAfter(Buffer.from([22, 3, 1]), 25_000, tlsBridge.url);
    expect(elapsed).toBeGreaterThanOrEqual(9_000);
    expect(elapsed).toBeLessThan(13_000);
  });
});
